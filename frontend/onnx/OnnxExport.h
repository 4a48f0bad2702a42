//===- OnnxExport.h - kiln model functions to ONNX --------------*- C++ -*-===//
//
// The way back from the kiln dialect to ONNX: a model function (one block
// of kiln ops, as frontend/nn emits and kiln-decompose leaves it) becomes a
// ModelProto whose nodes are the ONNX operators equivalent to each kiln op,
// with chosen arguments (trained parameters, running statistics) as
// initializers and the rest as graph inputs. One mapping per kiln op, not
// per layer, so every layer made of mapped ops exports.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_ONNX_ONNXEXPORT_H
#define KILN_FRONTEND_ONNX_ONNXEXPORT_H

#include "frontend/onnx/OnnxImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <map>
#include <string>

namespace kiln::onnx_export {

struct ExportOptions {
  /// The default ONNX opset of the model (17: LayerNormalization is a
  /// standard operator from 17 on, and kiln's importer reads up to 17).
  int64_t opset = 17;
  std::string graphName = "kiln";
  std::string docString;
  /// When not empty, dim 0 of every graph input and output is this
  /// symbolic dim (dim_param) instead of its size: only right for a graph
  /// that computes the same at any batch (the caller checks that).
  std::string batchDimParam;
};

/// `func` as a serialized ONNX ModelProto in `bytes`. An argument whose
/// `kiln.name` (or, without one, "arg<i>") has an entry in `initializers`
/// becomes an initializer of that name and value; the other arguments are
/// the graph's inputs and the results its outputs (named by `kiln.name`
/// where given). Returns false and sets `error` for an op without an ONNX
/// equivalent, naming the op and the layer (its location's name) it came
/// from. The bytes are a function of the IR alone, so two exports compare.
bool exportFunction(
    mlir::func::FuncOp func,
    const std::map<std::string, onnx_import::ExportedTensor> &initializers,
    const ExportOptions &options, std::string &bytes, std::string &error);

} // namespace kiln::onnx_export

#endif // KILN_FRONTEND_ONNX_ONNXEXPORT_H
