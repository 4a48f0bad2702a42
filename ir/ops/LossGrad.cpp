//===- LossGrad.cpp - gradients of the losses -----------------------------===//
//
// Each loss is l = reduce(per-element loss). The upstream gradient of the
// reduced loss becomes a per-element factor: g itself for `none` (same
// shape as the per-element loss), g for `sum`, and g / count (or g / total
// weight for weighted class losses) for `mean`. Class losses differentiate
// the input only: labels get none, and class `weight` is treated as a
// constant (null gradient).
//
//===----------------------------------------------------------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ops/GradUtils.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::grad;

namespace {

/// The per-element factor of the upstream gradient `g` for a loss whose
/// per-element values have `count` elements.
Value elementFactor(KilnBuilder &b, Value g, Reduction reduction,
                    int64_t count) {
  return reduction == Reduction::mean ? b.scale(g, 1.0 / count) : g;
}

/// `v` ([N, d...], per element) viewed as [N, 1, d...] against the class
/// dim of a [N, C, d...] input.
Value classView(KilnBuilder &b, Value v) {
  SmallVector<int64_t> shape(tensorType(v).getShape());
  shape.insert(shape.begin() + 1, 1);
  return b.reshape(v, shape);
}

struct LabelTerms {
  Value oneHot; // i1 [N, C, d...]
  Value weight; // per-element weight[t], 0 where ignored; null: all ones
};

/// The one-hot mask of integer labels and the weight each element carries,
/// as the forward's classLoss computes them.
LabelTerms labelTerms(KilnBuilder &b, Value input, Value labels, Value weight,
                      std::optional<int64_t> ignoreIndex) {
  auto type = tensorType(input);
  Type et = type.getElementType();
  int64_t rank = type.getRank(), classes = type.getDimSize(1);
  if (!tensorType(labels).getElementType().isInteger(64))
    labels =
        CastOp::create(b, tensorType(labels).clone(b.getI64Type()), labels);
  SmallVector<int64_t> classShape(rank, 1);
  classShape[1] = classes;
  Value oneHot = EqOp::create(b, classView(b, labels),
                              b.reshape(b.iota(classes), classShape));
  Value zero = b.scalar(et, 0.0);
  Value w;
  if (weight)
    w = b.sum(select(b, oneHot, b.reshape(weight, classShape), zero), {1},
              false);
  if (ignoreIndex) {
    Value ignored =
        EqOp::create(b, labels, b.scalar(b.getI64Type(), *ignoreIndex));
    w = select(b, ignored, zero, w ? w : b.scalar(et, 1.0));
    w = BroadcastToOp::create(b, tensorType(labels).clone(et), w);
  }
  return {oneHot, w};
}

/// The per-element factor of a class loss: reshaped g for `none`, g for
/// `sum`, g / sum(weight) (or g / count) for `mean`; times the element's
/// weight.
Value classFactor(KilnBuilder &b, Value g, Reduction reduction,
                  const LabelTerms &terms, int64_t count) {
  Value factor = g;
  if (reduction == Reduction::none)
    factor = classView(b, g);
  else if (reduction == Reduction::mean)
    factor = terms.weight ? b.div(g, b.sum(terms.weight, {}, false))
                          : b.scale(g, 1.0 / count);
  if (terms.weight)
    factor = b.mul(factor, classView(b, terms.weight));
  return factor;
}

} // namespace

// l = (x - t)^2: dx = 2 (x - t), dt = -dx.
LogicalResult MseLossOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                        SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(2, Value());
    return success();
  }
  Value x = getInput();
  Value f = elementFactor(b, g, getReduction(), tensorType(x).getNumElements());
  Value dx = b.mul(b.scale(b.sub(x, getTarget()), 2.0), f);
  og.append({dx, NegOp::create(b, dx)});
  return success();
}

// l = max(x, 0) - x t + log(1 + e^-|x|): dx = sigmoid(x) - t, dt = -x.
LogicalResult BinaryCrossEntropyWithLogitsOp::buildGradients(
    KilnBuilder &b, ArrayRef<Value> rg, SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(2, Value());
    return success();
  }
  Value x = getInput(), t = getTarget();
  Value f = elementFactor(b, g, getReduction(), tensorType(x).getNumElements());
  og.push_back(b.mul(b.sub(SigmoidOp::create(b, x), t), f));
  og.push_back(b.mul(NegOp::create(b, x), f));
  return success();
}

// Integer labels: dx = (softmax(x) - onehot(t)) w[t] factor. Probability
// targets t: l = -sum_c w_c t_c logp_c, so dx = softmax(x) sum_c(w_c t_c)
// - w t and dt = -w logp.
LogicalResult
SoftmaxCrossEntropyOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                      SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(getNumOperands(), Value());
    return success();
  }
  Value x = getInput(), t = getTarget();
  auto type = tensorType(x);
  int64_t count = type.getNumElements() / type.getDimSize(1);
  if (!isFloat(t)) {
    LabelTerms terms = labelTerms(b, x, t, getWeight(), getIgnoreIndex());
    Value p = SoftmaxOp::create(b, x, 1);
    Value d = b.sub(p, toFloat(b, terms.oneHot, type.getElementType()));
    og.push_back(b.mul(d, classFactor(b, g, getReduction(), terms, count)));
    og.push_back(Value());
  } else {
    Value f = getReduction() == Reduction::none
                  ? classView(b, g)
                  : elementFactor(b, g, getReduction(), count);
    Value wt = t;
    Value w;
    if (getWeight()) {
      SmallVector<int64_t> classShape(type.getRank(), 1);
      classShape[1] = type.getDimSize(1);
      w = b.reshape(getWeight(), classShape);
      wt = b.mul(t, w);
    }
    Value p = SoftmaxOp::create(b, x, 1);
    Value dx = b.sub(b.mul(p, b.sum(wt, {1}, true)), wt);
    og.push_back(b.mul(dx, f));
    Value logp = LogSoftmaxOp::create(b, x, 1);
    Value dt = NegOp::create(b, w ? b.mul(logp, w) : logp);
    og.push_back(b.mul(dt, f));
  }
  if (getWeight())
    og.push_back(Value());
  return success();
}

// l = -w[t] x[t]: dx = -onehot(t) w[t] factor.
LogicalResult NllLossOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                        SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(getNumOperands(), Value());
    return success();
  }
  Value x = getInput();
  auto type = tensorType(x);
  int64_t count = type.getNumElements() / type.getDimSize(1);
  LabelTerms terms =
      labelTerms(b, x, getTarget(), getWeight(), getIgnoreIndex());
  Value f = classFactor(b, g, getReduction(), terms, count);
  og.push_back(NegOp::create(
      b, b.mul(toFloat(b, terms.oneHot, type.getElementType()), f)));
  og.append(getNumOperands() - 1, Value());
  return success();
}
