#include "frontend/onnx/OnnxImport.h"
