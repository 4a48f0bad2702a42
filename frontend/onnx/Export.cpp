//===- Export.cpp - new parameter values into a copy of an ONNX model -----===//
//
// A model trained by kiln goes back to ONNX as the original file with its
// initializers replaced: the graph, opsets and metadata stay exactly as the
// exporter that made them wrote them, so any runtime that loaded the
// original loads the copy.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/OnnxImport.h"

#include "onnx/onnx_pb.h"

#include <fstream>
#include <set>
#include <sstream>

namespace kiln::onnx_import {

/// Bytes per element of the ONNX data types a kiln parameter can have.
static int64_t elementBytes(int dtype) {
  switch (dtype) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
    return 4;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
    return 8;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
  case onnx::TensorProto::INT16:
    return 2;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

bool exportInitializers(llvm::StringRef inputPath, llvm::StringRef outputPath,
                        const std::map<std::string, ExportedTensor> &values,
                        std::string &error) {
  std::ifstream in(inputPath.str(), std::ios::binary);
  if (!in) {
    error = "cannot read " + inputPath.str();
    return false;
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes.str()) || !model.has_graph()) {
    error = inputPath.str() + " is not a valid ONNX model";
    return false;
  }
  std::set<std::string> replaced;
  for (onnx::TensorProto &t : *model.mutable_graph()->mutable_initializer()) {
    auto it = values.find(t.name());
    if (it == values.end())
      continue;
    const ExportedTensor &v = it->second;
    std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    if (dims != v.shape || t.data_type() != v.dtype) {
      error = "initializer '" + t.name() +
              "': the new value's shape or dtype differs from the model's";
      return false;
    }
    int64_t numel = 1;
    for (int64_t d : dims)
      numel *= d;
    int64_t size = elementBytes(v.dtype);
    if (!size || static_cast<int64_t>(v.bytes.size()) != numel * size) {
      error = "initializer '" + t.name() + "': the new value has " +
              std::to_string(v.bytes.size()) + " bytes, expected " +
              std::to_string(numel * size);
      return false;
    }
    // The value moves to raw_data; any other copy of the old one goes.
    t.clear_float_data();
    t.clear_int32_data();
    t.clear_int64_data();
    t.clear_double_data();
    t.clear_uint64_data();
    t.clear_string_data();
    t.clear_external_data();
    t.clear_data_location();
    t.set_raw_data(v.bytes);
    replaced.insert(t.name());
  }
  for (const auto &[name, value] : values)
    if (!replaced.count(name)) {
      error = "the model has no initializer named '" + name + "'";
      return false;
    }
  std::ofstream out(outputPath.str(), std::ios::binary | std::ios::trunc);
  if (!out || !model.SerializeToOstream(&out)) {
    error = "cannot write " + outputPath.str();
    return false;
  }
  return true;
}

} // namespace kiln::onnx_import
