//===- GradUtils.h - pieces shared by the ops' gradient rules ---*- C++ -*-===//
//
// The buildGradients methods of DifferentiableOpInterface (ir/ops/*Grad.cpp)
// state each op's vector-Jacobian product in kiln ops. These helpers are the
// small idioms they share: zeros and masks, reductions that skip an empty
// axis list (an empty list means "all axes" to reduce_*), and the transpose
// of a strided slice.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_GRADUTILS_H
#define KILN_IR_OPS_GRADUTILS_H

#include "ir/KilnBuilder.h"
#include "ir/KilnOps.h"
#include "ir/ops/OpUtils.h"

namespace kiln::grad {

inline bool isFloat(mlir::Value v) {
  return mlir::isa<mlir::FloatType>(tensorType(v).getElementType());
}
/// A rank-0 constant of v's element type; broadcasts against v.
inline mlir::Value scalarLike(KilnBuilder &b, mlir::Value v, double value) {
  return b.scalar(tensorType(v).getElementType(), value);
}
inline mlir::Value select(KilnBuilder &b, mlir::Value c, mlir::Value t,
                          mlir::Value f) {
  return SelectOp::create(b, c, t, f);
}
/// `g` where `c`, else zero.
inline mlir::Value maskGrad(KilnBuilder &b, mlir::Value c, mlir::Value g) {
  return select(b, c, g, scalarLike(b, g, 0.0));
}
/// Sums `axes`, or returns x unchanged when there are none (reduce_sum
/// with no axes would reduce everything).
mlir::Value sumAxes(KilnBuilder &b, mlir::Value x, llvm::ArrayRef<int64_t> axes,
                    bool keepdims);
/// A float mask (1 where `c`, else 0) of element type `et`.
mlir::Value toFloat(KilnBuilder &b, mlir::Value c, mlir::Type et);
/// Places `g` (the result of slicing a tensor of shape `full` with `starts`
/// and `steps`) back at the positions the slice read, zeros elsewhere: the
/// transpose of slice. Strides are handled by interleaving zeros through a
/// reshape-pad-reshape, so no scatter is needed.
mlir::Value unslice(KilnBuilder &b, mlir::Value g, llvm::ArrayRef<int64_t> full,
                    llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> steps);
/// Slice with unit steps: [starts, starts + sizes).
mlir::Value sliceBox(KilnBuilder &b, mlir::Value x,
                     llvm::ArrayRef<int64_t> starts,
                     llvm::ArrayRef<int64_t> sizes);
/// Zero padding by `low` and `high` (no op when both are all zero).
mlir::Value zeroPad(KilnBuilder &b, mlir::Value x, llvm::ArrayRef<int64_t> low,
                    llvm::ArrayRef<int64_t> high);

/// A constant of float tensor type `type` holding `values` (row-major).
mlir::Value floatConstant(KilnBuilder &b, mlir::RankedTensorType type,
                          llvm::ArrayRef<double> values);
/// The gradient of data for a gather along `axis` with `indices`: a matmul
/// with a one-hot matrix eq(indices, iota) (a dense [#indices, dim] mask),
/// which sums the gradients of repeated indices without a scatter.
mlir::Value gatherGrad(KilnBuilder &b, mlir::Value g, mlir::Value indices,
                       mlir::RankedTensorType dataType, int64_t axis);
/// Applies the linear map `m` ([in, out], a constant) along `axis` of
/// `g` ([..., out, ...]): result [..., in, ...].
mlir::Value applyAlongAxis(KilnBuilder &b, mlir::Value g, mlir::Value m,
                           int64_t axis);

} // namespace kiln::grad

#endif // KILN_IR_OPS_GRADUTILS_H
