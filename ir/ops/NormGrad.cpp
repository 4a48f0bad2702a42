//===- NormGrad.cpp - gradients of batch_norm, layer_norm, dropout --------===//
//
// The normalizations use their closed-form gradients: with xhat = (x - mu)
// r, r = 1 / sqrt(var + eps), over the M elements of a group,
//   dx = r / M (M dxhat - sum(dxhat) - xhat sum(dxhat xhat)),
// which is shorter and better conditioned than the chain rule through the
// expansion's mean, variance and rsqrt.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ops/GradUtils.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::grad;

namespace {

/// v [C] viewed as [1, C, 1, ...] against a rank-`rank` input.
Value channelView(KilnBuilder &b, Value v, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = tensorType(v).getDimSize(0);
  return b.reshape(v, shape);
}

/// The axes of an NCHW-like tensor other than the channel dim 1.
SmallVector<int64_t> nonChannelAxes(int64_t rank) {
  SmallVector<int64_t> axes = {0};
  llvm::append_range(axes, axesFrom(2, rank));
  return axes;
}

struct Normalized {
  Value centered, inv, xhat;
  double count;
};

/// x - mean, 1 / sqrt(var + eps) and their product over `axes`, recomputed
/// as the forward's expansion does.
Normalized normalize(KilnBuilder &b, Value x, ArrayRef<int64_t> axes,
                     float epsilon) {
  auto type = tensorType(x);
  double count = 1;
  for (int64_t a : axes)
    count *= type.getDimSize(a);
  Value centered = b.sub(x, b.mean(x, axes, true));
  Value var = b.mean(b.mul(centered, centered), axes, true);
  Value inv = RsqrtOp::create(b, b.add(var, scalarLike(b, x, epsilon)));
  return {centered, inv, b.mul(centered, inv), count};
}

/// dx of a normalization over `axes` given dxhat.
Value normalizedInputGrad(KilnBuilder &b, const Normalized &n, Value dxhat,
                          ArrayRef<int64_t> axes) {
  Value sum1 = b.sum(dxhat, axes, true);
  Value sum2 = b.sum(b.mul(dxhat, n.xhat), axes, true);
  Value inner =
      b.sub(b.sub(b.scale(dxhat, n.count), sum1), b.mul(n.xhat, sum2));
  return b.mul(b.scale(n.inv, 1.0 / n.count), inner);
}

} // namespace

LogicalResult BatchNormInferenceOp::buildGradients(KilnBuilder &b,
                                                   ArrayRef<Value> rg,
                                                   SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(5, Value());
    return success();
  }
  Value x = getInput();
  int64_t rank = tensorType(x).getRank();
  auto view = [&](Value v) { return channelView(b, v, rank); };
  auto perChannel = [&](Value v) {
    return b.reshape(b.sum(v, nonChannelAxes(rank), false),
                     tensorType(getScale()).getShape());
  };
  Value inv = RsqrtOp::create(
      b, b.add(view(getVariance()),
               scalarLike(b, x, getEpsilon().convertToFloat())));
  Value centered = b.sub(x, view(getMean()));
  Value scaleInv = b.mul(view(getScale()), inv);
  Value dx = b.mul(g, scaleInv);
  Value sumG = perChannel(g);
  Value sumGc = perChannel(b.mul(g, centered));
  og.push_back(dx);
  og.push_back(perChannel(b.mul(b.mul(g, centered), inv)));
  og.push_back(sumG);
  // d/dmean = -scale r sum(g); d/dvar = -scale r^3 / 2 sum(g (x - mean)).
  Value invC = b.reshape(inv, tensorType(getScale()).getShape());
  og.push_back(NegOp::create(b, b.mul(b.mul(sumG, getScale()), invC)));
  Value inv3 = b.mul(invC, b.mul(invC, invC));
  og.push_back(b.mul(b.scale(b.mul(sumGc, getScale()), -0.5), inv3));
  return success();
}

LogicalResult BatchNormTrainingOp::buildGradients(KilnBuilder &b,
                                                  ArrayRef<Value> rg,
                                                  SmallVectorImpl<Value> &og) {
  Value x = getInput();
  int64_t rank = tensorType(x).getRank();
  auto axes = nonChannelAxes(rank);
  Normalized n = normalize(b, x, axes, getEpsilon().convertToFloat());
  auto channels = tensorType(getScale()).getShape();
  Value dx, dscale, dbias;
  if (Value g = rg[0]) {
    dx = normalizedInputGrad(b, n, b.mul(g, channelView(b, getScale(), rank)),
                             axes);
    dscale = b.reshape(b.sum(b.mul(g, n.xhat), axes, false), channels);
    dbias = b.reshape(b.sum(g, axes, false), channels);
  }
  // The returned statistics depend on x too: d mean = 1 / M, d var =
  // 2 (x - mean) / M (the biased variance).
  auto accumulate = [&](Value part) { dx = dx ? b.add(dx, part) : part; };
  if (Value gm = rg[1])
    accumulate(BroadcastToOp::create(
        b, tensorType(x), b.scale(channelView(b, gm, rank), 1.0 / n.count)));
  if (Value gv = rg[2])
    accumulate(
        b.mul(b.scale(channelView(b, gv, rank), 2.0 / n.count), n.centered));
  og.append({dx, dscale, dbias});
  return success();
}

LogicalResult LayerNormOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(3, Value());
    return success();
  }
  Value x = getInput();
  int64_t rank = tensorType(x).getRank();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  auto axes = axesFrom(axis, rank);
  Normalized n = normalize(b, x, axes, getEpsilon().convertToFloat());
  og.push_back(normalizedInputGrad(b, n, b.mul(g, getScale()), axes));
  // scale and bias have the normalized shape: sum over the leading dims.
  auto leading = axesFrom(0, axis);
  og.push_back(sumAxes(b, b.mul(g, n.xhat), leading, false));
  og.push_back(sumAxes(b, g, leading, false));
  return success();
}

// Training: g * mask / (1 - ratio), with the op's own mask; inference is
// the identity. The seed gets no gradient.
LogicalResult DropoutOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                        SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (g && getTraining()) {
    double keep = 1.0 - getRatio().convertToFloat();
    g = keep > 0 ? maskGrad(b, getMask(), b.scale(g, 1.0 / keep))
                 : b.scale(g, 0.0);
  }
  og.append({g, Value()});
  return success();
}
