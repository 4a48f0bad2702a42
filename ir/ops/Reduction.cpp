//===- Reduction.cpp - reductions, argmax, softmax
//-------------------------===//

#include "ir/ops/OpUtils.h"

using namespace mlir;
using namespace kiln;

/// Normalizes `axes` against `rank`, rejecting out-of-range and repeated axes.
static FailureOr<Shape> normalizeAxes(std::optional<Location> loc,
                                      StringRef name, ArrayRef<int64_t> axes,
                                      RankedTensorType input) {
  Shape result;
  for (int64_t axis : axes) {
    auto n = normalizeAxis(axis, input.getRank());
    if (!n)
      return opError(loc, name, "axis ", axis, " is out of range for input ",
                     typeStr(input));
    if (llvm::is_contained(result, *n))
      return opError(loc, name, "axis ", axis, " repeats dim ", *n,
                     " of input ", typeStr(input));
    result.push_back(*n);
  }
  return result;
}

template <typename Adaptor>
static LogicalResult inferReduce(std::optional<Location> loc, StringRef name,
                                 Adaptor a, SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput());
  auto axes = normalizeAxes(loc, name, a.getAxes(), input);
  if (failed(axes))
    return failure();
  inferred.push_back(RankedTensorType::get(
      reducedShape(input.getShape(), *axes, a.getKeepdims()),
      input.getElementType()));
  return success();
}

#define KILN_REDUCE_INFER(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> l, \
                                     Adaptor a,                                \
                                     SmallVectorImpl<Type> &types) {           \
    return inferReduce(l, getOperationName(), a, types);                       \
  }
KILN_REDUCE_INFER(ReduceSumOp)
KILN_REDUCE_INFER(ReduceMeanOp)
KILN_REDUCE_INFER(ReduceMaxOp)
KILN_REDUCE_INFER(ReduceMinOp)
KILN_REDUCE_INFER(ReduceLogSumExpOp)
#undef KILN_REDUCE_INFER

OpFoldResult ReduceSumOp::fold(FoldAdaptor) {
  // Summing over dims of size 1 with keepdims changes nothing.
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput());
  auto axes = normalizeAxes(loc, getOperationName(), {a.getAxis()}, input);
  if (failed(axes))
    return failure();
  inferred.push_back(RankedTensorType::get(
      reducedShape(input.getShape(), *axes, a.getKeepdims()),
      IntegerType::get(ctx, 64)));
  return success();
}

template <typename Op> static LogicalResult verifySoftmaxLike(Op op) {
  if (!normalizeAxis(op.getAxis(), op.getInput().getType().getRank()))
    return op.emitOpError("axis ")
           << op.getAxis() << " is out of range for input "
           << typeStr(op.getInput().getType());
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxLike(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxLike(*this); }
