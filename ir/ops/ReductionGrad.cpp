//===- ReductionGrad.cpp - gradients of reductions and softmax ------------===//
//
// The upstream gradient is first viewed with the reduced axes kept (size 1)
// so that it broadcasts against the input. reduce_max/min split the
// gradient equally among tied extrema (a valid subgradient that never
// counts a tie twice); softmax and log_softmax use their closed forms.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ops/GradUtils.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::grad;

namespace {

/// `v` (a reduction's result or its gradient) reshaped with the reduced
/// axes kept as size 1.
Value keepDims(KilnBuilder &b, Value v, RankedTensorType inputType,
               ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape(inputType.getShape());
  for (int64_t a : axes)
    shape[a] = 1;
  return b.reshape(v, shape);
}

template <typename OpTy>
LogicalResult reduceGrad(OpTy op, KilnBuilder &b, ArrayRef<Value> rg,
                         SmallVectorImpl<Value> &og,
                         function_ref<Value(Value, ArrayRef<int64_t>)> build) {
  Value g = rg[0];
  if (!g) {
    og.push_back(Value());
    return success();
  }
  auto type = tensorType(op.getInput());
  auto axes = reductionAxes(op.getAxes(), type.getRank());
  og.push_back(build(keepDims(b, g, type, axes), axes));
  return success();
}

/// Gradient of reduce_max/min: to the positions equal to the extremum,
/// split equally among ties.
template <typename OpTy>
LogicalResult extremumGrad(OpTy op, KilnBuilder &b, ArrayRef<Value> rg,
                           SmallVectorImpl<Value> &og) {
  Value x = op.getInput();
  auto type = tensorType(x);
  return reduceGrad(op, b, rg, og, [&](Value g, ArrayRef<int64_t> axes) {
    Value hit = EqOp::create(b, x, keepDims(b, op.getOutput(), type, axes));
    Value count = b.sum(toFloat(b, hit, type.getElementType()), axes, true);
    return maskGrad(b, hit, b.div(g, count));
  });
}

} // namespace

LogicalResult ReduceSumOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  auto type = tensorType(getInput());
  return reduceGrad(*this, b, rg, og, [&](Value g, ArrayRef<int64_t>) {
    return BroadcastToOp::create(b, type, g);
  });
}

LogicalResult ReduceMeanOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                           SmallVectorImpl<Value> &og) {
  auto type = tensorType(getInput());
  return reduceGrad(*this, b, rg, og, [&](Value g, ArrayRef<int64_t> axes) {
    int64_t n = 1;
    for (int64_t a : axes)
      n *= type.getDimSize(a);
    return BroadcastToOp::create(b, type, b.scale(g, 1.0 / n)).getResult();
  });
}

LogicalResult ReduceMaxOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  return extremumGrad(*this, b, rg, og);
}

LogicalResult ReduceMinOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  return extremumGrad(*this, b, rg, og);
}

// d logsumexp(x) = softmax(x) = e^(x - y).
LogicalResult ReduceLogSumExpOp::buildGradients(KilnBuilder &b,
                                                ArrayRef<Value> rg,
                                                SmallVectorImpl<Value> &og) {
  Value x = getInput();
  auto type = tensorType(x);
  return reduceGrad(*this, b, rg, og, [&](Value g, ArrayRef<int64_t> axes) {
    Value y = keepDims(b, getOutput(), type, axes);
    return b.mul(g, ExpOp::create(b, b.sub(x, y)));
  });
}

// dx = y (g - sum(g y)).
LogicalResult SoftmaxOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                        SmallVectorImpl<Value> &og) {
  Value g = rg[0], y = getOutput();
  if (!g) {
    og.push_back(Value());
    return success();
  }
  int64_t axis =
      getAxis() < 0 ? getAxis() + tensorType(y).getRank() : getAxis();
  og.push_back(b.mul(y, b.sub(g, b.sum(b.mul(g, y), {axis}, true))));
  return success();
}

// dx = g - softmax(x) sum(g), with softmax(x) = e^y.
LogicalResult LogSoftmaxOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                           SmallVectorImpl<Value> &og) {
  Value g = rg[0], y = getOutput();
  if (!g) {
    og.push_back(Value());
    return success();
  }
  int64_t axis =
      getAxis() < 0 ? getAxis() + tensorType(y).getRank() : getAxis();
  og.push_back(b.sub(g, b.mul(ExpOp::create(b, y), b.sum(g, {axis}, true))));
  return success();
}
