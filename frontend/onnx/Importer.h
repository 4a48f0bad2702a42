//===- Importer.h - state shared by the ONNX operator importers -*- C++ -*-===//
//
// The importer walks the graph's nodes in order. Each ONNX operator has an
// importer function (one file per group of operators, mirroring ir/ops/)
// found through a table by op_type; it reads the node's inputs and
// attributes through this class and binds the node's outputs to kiln values.
//
// Ops are created through `make`, which infers the result types with the
// op's own shape rule, verifies the op and folds it when its operands are
// constants: a shape that does not fit is then an error at the node, never a
// crash in a builder. Small integer tensors whose values are known at import
// time (shapes, axes, pads) are read back with `knownInts`, so that
// Shape -> Gather -> Concat -> Reshape chains resolve to static shapes.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_ONNX_IMPORTER_H
#define KILN_FRONTEND_ONNX_IMPORTER_H

#include "frontend/onnx/OnnxImport.h"
#include "ir/KilnBuilder.h"
#include "ir/KilnOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <optional>

namespace kiln::onnx_import {

class Importer;

/// Imports one node; binds all of its (non-empty) outputs or fails after an
/// error diagnostic.
using NodeImporter = mlir::LogicalResult (*)(Importer &,
                                             const onnx::NodeProto &);

/// op_type -> importer, for the default ONNX domain.
using OpTable = llvm::StringMap<NodeImporter>;

void registerElementwiseOps(OpTable &table);
void registerMatmulOps(OpTable &table);
void registerConvOps(OpTable &table);
void registerReductionOps(OpTable &table);
void registerShapeOps(OpTable &table);
void registerNormOps(OpTable &table);
void registerLossOps(OpTable &table);
void registerCompositeOps(OpTable &table);

/// Evaluates an op on small integer constants at import time (the shape
/// arithmetic of Shape -> Gather -> Add/Div/Mul/Concat/... chains); null when
/// it cannot (Fold.cpp).
mlir::DenseElementsAttr foldKnownIntegers(mlir::Operation *op);

/// The MLIR element type of an ONNX TensorProto data type; null when kiln
/// has none (strings, unsigned and complex types).
mlir::Type elementTypeOf(mlir::MLIRContext *ctx, int dataType);

/// Decodes a TensorProto (initializer or Constant value) into a dense
/// attribute. External data is read from `modelDir` only. Errors are
/// emitted at `loc`.
mlir::FailureOr<mlir::DenseElementsAttr>
decodeTensor(const onnx::TensorProto &tensor, llvm::StringRef modelDir,
             mlir::Location loc);

class Importer {
public:
  Importer(mlir::MLIRContext &context, const onnx::ModelProto &model,
           llvm::StringRef modelPath, const ImportOptions &options);

  mlir::OwningOpRef<mlir::ModuleOp> run();

  //===--- For the node importers -------------------------------------===//

  /// The builder, positioned in the function, located at the current node.
  KilnBuilder &b() { return builder; }
  mlir::MLIRContext *ctx() { return &context; }
  mlir::Location loc() { return builder.getLoc(); }
  /// The opset version of the default domain.
  int64_t opset() const { return opsetVersion; }

  /// Emits an error at the current node: "<OpType> node 'name': message".
  mlir::InFlightDiagnostic error();

  /// Input `i`, or null when absent (past the end or an empty name).
  mlir::Value input(const onnx::NodeProto &node, int i);
  /// Input `i`, which must be present (an error otherwise).
  mlir::FailureOr<mlir::Value> required(const onnx::NodeProto &node, int i);
  /// Binds output `i` (ignored when the node does not name it).
  void setOutput(const onnx::NodeProto &node, int i, mlir::Value v);
  /// Whether the node names output `i`.
  static bool hasOutput(const onnx::NodeProto &node, int i) {
    return i < node.output_size() && !node.output(i).empty();
  }

  /// The values of an integer tensor known at import time (a constant, or
  /// computed from constants and static shapes), or nullopt.
  std::optional<llvm::SmallVector<int64_t>> knownInts(mlir::Value v);
  /// knownInts of input `i`, or an error naming `what` when the input is
  /// missing or not a constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(const onnx::NodeProto &node, int i, llvm::StringRef what);
  /// The single value of a constant float (or integer) scalar-like tensor;
  /// with `fromInputs`, also of a graph input given in
  /// ImportOptions::inputValues (for operands kiln needs at compile time).
  std::optional<double> knownScalar(mlir::Value v, bool fromInputs = true);

  /// Integer constants (i64 unless said otherwise).
  mlir::Value ints(llvm::ArrayRef<int64_t> values,
                   llvm::ArrayRef<int64_t> shape, mlir::Type elementType = {});
  mlir::Value constant(mlir::DenseElementsAttr value);

  /// Creates op `name` (e.g. "kiln.add"), infers its result types when it
  /// implements InferTypeOpInterface (otherwise `resultTypes` are used),
  /// verifies it, and folds it when it can. Returns its results, or failure
  /// after the op's own diagnostic.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  makeAll(llvm::StringRef name, mlir::ValueRange operands,
          llvm::ArrayRef<mlir::NamedAttribute> attributes = {},
          unsigned numResults = 1, mlir::TypeRange resultTypes = {});
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  make(mlir::ValueRange operands,
       llvm::ArrayRef<mlir::NamedAttribute> attributes = {},
       mlir::Type resultType = {}) {
    auto results =
        makeAll(OpTy::getOperationName(), operands, attributes, 1,
                resultType ? mlir::TypeRange(resultType) : mlir::TypeRange());
    if (mlir::failed(results))
      return mlir::failure();
    return (*results)[0];
  }

  mlir::NamedAttribute attr(llvm::StringRef name, mlir::Attribute value) {
    return builder.getNamedAttr(name, value);
  }
  mlir::NamedAttribute i64s(llvm::StringRef name,
                            llvm::ArrayRef<int64_t> values) {
    return attr(name, builder.getDenseI64ArrayAttr(values));
  }
  mlir::NamedAttribute i64(llvm::StringRef name, int64_t value) {
    return attr(name, builder.getI64IntegerAttr(value));
  }
  mlir::NamedAttribute f32(llvm::StringRef name, double value) {
    return attr(name, builder.getF32FloatAttr(value));
  }
  mlir::NamedAttribute boolean(llvm::StringRef name, bool value) {
    return attr(name, builder.getBoolAttr(value));
  }

  /// Common compositions, each checked like `make`.
  mlir::FailureOr<mlir::Value> reshape(mlir::Value x,
                                       llvm::ArrayRef<int64_t> shape);
  mlir::FailureOr<mlir::Value> cast(mlir::Value x, mlir::Type elementType);
  /// A rank-0 constant of x's element type.
  mlir::Value scalarLike(mlir::Value x, double value);

private:
  mlir::LogicalResult importGraph();
  mlir::LogicalResult importNode(const onnx::NodeProto &node, int index);
  mlir::FailureOr<mlir::RankedTensorType>
  inputType(const onnx::ValueInfoProto &info);

  mlir::MLIRContext &context;
  const onnx::ModelProto &model;
  std::string modelPath, modelDir;
  const ImportOptions &options;
  KilnBuilder builder;
  mlir::Location fileLoc;
  int64_t opsetVersion = 1;
  OpTable table;
  const onnx::NodeProto *currentNode = nullptr;
  llvm::StringMap<mlir::Value> values;
  /// Values of graph inputs given in ImportOptions::inputValues.
  llvm::DenseMap<mlir::Value, std::vector<double>> argValues;
  /// Values named by node outputs, in the order they were bound.
  std::vector<std::string> intermediates;
};

/// Inside an importer: `KILN_TRY(v, im.make<AddOp>(...));` binds the value
/// of a FailureOr<Value> or returns failure (its diagnostic already out).
#define KILN_TRY(var, expr)                                                    \
  auto var##OrFailure = (expr);                                                \
  if (mlir::failed(var##OrFailure))                                            \
    return mlir::failure();                                                    \
  mlir::Value var = *var##OrFailure

//===--- Attributes ------------------------------------------------------===//

/// Attribute `name` of `node`, or null.
const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     llvm::StringRef name);
int64_t attrInt(const onnx::NodeProto &node, llvm::StringRef name,
                int64_t fallback);
float attrFloat(const onnx::NodeProto &node, llvm::StringRef name,
                float fallback);
std::string attrString(const onnx::NodeProto &node, llvm::StringRef name,
                       llvm::StringRef fallback);
/// Attribute `name` as a list of ints; nullopt when absent.
std::optional<llvm::SmallVector<int64_t>> attrInts(const onnx::NodeProto &node,
                                                   llvm::StringRef name);
std::optional<llvm::SmallVector<float>> attrFloats(const onnx::NodeProto &node,
                                                   llvm::StringRef name);

/// The shape and element type of a value.
inline mlir::RankedTensorType typeOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

} // namespace kiln::onnx_import

#endif // KILN_FRONTEND_ONNX_IMPORTER_H
