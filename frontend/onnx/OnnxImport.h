//===- OnnxImport.h - ONNX models to the kiln dialect -----------*- C++ -*-===//
//
// The public face of the ONNX frontend: read a ModelProto file and build a
// module holding one `func.func` of kiln ops for its main graph, and write a
// model's parameters back into a copy of its ONNX file. Every problem with
// the file (not a model, truncated, an operator or attribute kiln does not
// support, a shape that does not fit) is an error diagnostic on the context
// and a null result, never a crash.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_ONNX_ONNXIMPORT_H
#define KILN_FRONTEND_ONNX_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>
#include <vector>

namespace kiln::onnx_import {

struct ImportOptions {
  /// Float initializers become `{kiln.trainable}` arguments (after the
  /// graph inputs, in initializer order) instead of constants.
  bool trainable = false;
  /// Shapes that replace the graph inputs' declared shapes, by input name;
  /// this is how dynamic dims get fixed.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Values of small graph inputs, by position among the inputs that are
  /// not initializers. Where an operator needs an input's values at compile
  /// time (a Reshape's shape, Slice bounds, axes, a Dropout ratio), it uses
  /// these: the model
  /// is then compiled for exactly these values, and must be run with them
  /// (kiln-run passes the values of the input files it runs with).
  std::map<unsigned, std::vector<double>> inputValues;
  /// Every value a node computes (not only the graph outputs) also becomes
  /// a result of the function, after the graph outputs, named by
  /// `kiln.name` with its ONNX value name.
  bool exposeIntermediates = false;
  /// Name of the function (default: "main").
  std::string functionName = "model";
};

/// Parses an --input-shape value, "NAME=2x3x4" -> (NAME, {2, 3, 4}); false
/// when it is not of that form.
bool parseInputShape(llvm::StringRef spec, std::string &name,
                     std::vector<int64_t> &shape);

/// What an import produced, beyond the module.
struct ImportInfo {
  /// The function's first numOutputs results are the graph's outputs.
  unsigned numOutputs = 0;
};

/// Imports the ONNX model at `path`. Errors are emitted on `context` (with
/// the model file and the node in their locations); returns null then.
mlir::OwningOpRef<mlir::ModuleOp> importModel(mlir::MLIRContext &context,
                                              llvm::StringRef path,
                                              const ImportOptions &options,
                                              ImportInfo *info = nullptr);

/// Like importModel, from the bytes of a serialized ModelProto; external
/// data is looked up in `modelDir`.
mlir::OwningOpRef<mlir::ModuleOp> importModelBytes(mlir::MLIRContext &context,
                                                   llvm::StringRef bytes,
                                                   llvm::StringRef modelPath,
                                                   const ImportOptions &options,
                                                   ImportInfo *info = nullptr);

/// A parameter's new value for export: dims and dtype as in the original
/// initializer, data dense row-major in that dtype.
struct ExportedTensor {
  std::vector<int64_t> shape;
  int dtype = 1; // ONNX TensorProto.DataType
  std::string bytes;
};

/// Copies the model at `inputPath` to `outputPath`, replacing the
/// initializers named in `values` (raw_data, external data inlined). Every
/// name must be an initializer whose dims and dtype match. Returns false and
/// sets `error` otherwise.
bool exportInitializers(llvm::StringRef inputPath, llvm::StringRef outputPath,
                        const std::map<std::string, ExportedTensor> &values,
                        std::string &error);

/// A location of an imported model as text, "FILE: node 'NAME'" (ONNX files
/// have no lines; the importer locates ops at their node): what the tools
/// print before "error:".
std::string describeLocation(mlir::Location loc);

} // namespace kiln::onnx_import

#endif // KILN_FRONTEND_ONNX_ONNXIMPORT_H
