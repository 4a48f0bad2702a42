//===- KilnBuilder.h - terse construction of kiln IR ------------*- C++ -*-===//
//
// Rewrites that expand one op into many (kiln-expand, kiln-decompose,
// autodiff) build long chains of kiln ops. This builder keeps each of them
// readable: a location is implicit, result types are inferred, and the
// constants and reductions they all need are one call.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_KILNBUILDER_H
#define KILN_IR_KILNBUILDER_H

#include "ir/KilnOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {

class KilnBuilder : public mlir::ImplicitLocOpBuilder {
public:
  using ImplicitLocOpBuilder::ImplicitLocOpBuilder;

  /// A rank-0 constant of element type `elementType` (float or integer);
  /// broadcasts against any operand of a binary op.
  mlir::Value scalar(mlir::Type elementType, double value);
  /// For values a double may not carry exactly into `elementType` (e.g. the
  /// type's largest finite value).
  mlir::Value scalar(mlir::Type elementType, const llvm::APFloat &value);
  /// A constant of `type` with every element equal to `value`.
  mlir::Value splat(mlir::RankedTensorType type, double value);
  mlir::Value zeros(mlir::RankedTensorType type);
  /// [0, 1, ..., n - 1] as i64.
  mlir::Value iota(int64_t n);

  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int64_t> perm);
  mlir::Value concat(mlir::ValueRange inputs, int64_t axis);
  /// Elements [start, limit) of `axis`, every other dim whole.
  mlir::Value slice(mlir::Value x, int64_t axis, int64_t start, int64_t limit);
  /// Reduces `axes` (normalized); keepdims keeps them as size 1.
  mlir::Value sum(mlir::Value x, llvm::ArrayRef<int64_t> axes, bool keepdims);
  mlir::Value max(mlir::Value x, llvm::ArrayRef<int64_t> axes, bool keepdims);
  /// Mean as a sum times 1/n, so no division by a runtime count.
  mlir::Value mean(mlir::Value x, llvm::ArrayRef<int64_t> axes, bool keepdims);

  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value sub(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, mlir::Value b);
  mlir::Value div(mlir::Value a, mlir::Value b);
  /// `a * s` for a scalar s of a's element type.
  mlir::Value scale(mlir::Value a, double s);

  /// Reduces `grad` (the gradient of a broadcast result) to `type`, the
  /// shape of an operand that NumPy broadcasting stretched: sums the leading
  /// dims the operand lacks and the dims where it has size 1, then reshapes.
  mlir::Value unbroadcast(mlir::Value grad, mlir::RankedTensorType type);
  mlir::Value matmul(mlir::Value lhs, mlir::Value rhs,
                     bool transposeRhs = false);
  mlir::Value select(mlir::Value condition, mlir::Value onTrue,
                     mlir::Value onFalse);

  mlir::Value softmax(mlir::Value x, int64_t axis);
  mlir::Value sigmoid(mlir::Value x);
  mlir::Value tanh(mlir::Value x);
  mlir::Value relu(mlir::Value x);
};

/// The dims [from, rank) of a tensor of rank `rank`, as an axis list.
llvm::SmallVector<int64_t> axesFrom(int64_t from, int64_t rank);

} // namespace kiln

#endif // KILN_IR_KILNBUILDER_H
