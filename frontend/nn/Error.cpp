//===- Error.cpp - errors of the model-building API
//------------------------===//

#include "frontend/nn/Error.h"

#include "kiln/runtime.h"

namespace kiln::nn {

std::string formatShape(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void throwRuntimeError(const std::string &what) {
  throw Error(what + ": " + kiln_last_error());
}

} // namespace kiln::nn
