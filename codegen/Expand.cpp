//===- Expand.cpp - higher-level kiln ops into primitive kiln ops
//----------===//
//
// Each pattern restates one op with the primitives the lowering handles. The
// numerically delicate forms (max-shifted softmax, the stable logistic loss)
// are fixed here once, so every backend gets them.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "ir/KilnBuilder.h"
#include "ir/ShapeUtils.h"
#include "ir/ops/OpUtils.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace kiln {
#define GEN_PASS_DEF_KILNEXPAND
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

int64_t normalized(int64_t axis, int64_t rank) {
  return *normalizeAxis(axis, rank);
}

/// A per-channel [C] tensor reshaped to broadcast along dim 1 of a rank-r
/// tensor: [1, C, 1, ...].
Value channelView(KilnBuilder &b, Value v, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = tensorType(v).getDimSize(0);
  return b.reshape(v, shape);
}

/// Applies a loss reduction to per-element losses; `mean` divides by the
/// number of elements.
Value reduceLoss(KilnBuilder &b, Value loss, Reduction reduction) {
  switch (reduction) {
  case Reduction::none:
    return loss;
  case Reduction::sum:
    return b.sum(loss, {}, false);
  case Reduction::mean:
    return b.mean(loss, {}, false);
  }
  llvm_unreachable("unknown reduction");
}

struct ExpandSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    int64_t axis = normalized(op.getAxis(), tensorType(x).getRank());
    Value e = ExpOp::create(b, b.sub(x, b.max(x, {axis}, true)));
    rewriter.replaceOp(op, b.div(e, b.sum(e, {axis}, true)));
    return success();
  }
};

/// x - m - log(sum(exp(x - m))) with m the max along `axis`.
Value logSoftmax(KilnBuilder &b, Value x, int64_t axis) {
  Value z = b.sub(x, b.max(x, {axis}, true));
  return b.sub(z, LogOp::create(b, b.sum(ExpOp::create(b, z), {axis}, true)));
}

struct ExpandLogSoftmax : OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    rewriter.replaceOp(
        op,
        logSoftmax(b, x, normalized(op.getAxis(), tensorType(x).getRank())));
    return success();
  }
};

struct ExpandReduceMean : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    rewriter.replaceOp(
        op, b.mean(x, reductionAxes(op.getAxes(), tensorType(x).getRank()),
                   op.getKeepdims()));
    return success();
  }
};

struct ExpandLogSumExp : OpRewritePattern<ReduceLogSumExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceLogSumExpOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    auto axes = reductionAxes(op.getAxes(), tensorType(x).getRank());
    Value m = b.max(x, axes, true);
    // An infinite maximum (a +inf, or a slice of -inf) would make x - m NaN;
    // shifting by 0 there gives the right +inf or -inf. NaN still propagates.
    Type et = tensorType(x).getElementType();
    Value infinite =
        EqOp::create(b, AbsOp::create(b, m),
                     b.scalar(et, std::numeric_limits<double>::infinity()));
    m = SelectOp::create(b, infinite, b.scalar(et, 0.0), m);
    Value s = b.sum(ExpOp::create(b, b.sub(x, m)), axes, true);
    Value r = b.add(LogOp::create(b, s), m);
    rewriter.replaceOp(op, b.reshape(r, op.getType().getShape()));
    return success();
  }
};

struct ExpandGlobalAvgPool : OpRewritePattern<GlobalAvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalAvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    rewriter.replaceOp(op,
                       b.mean(x, axesFrom(2, tensorType(x).getRank()), true));
    return success();
  }
};

/// (x - mean) * rsqrt(var + eps) * scale + bias, everything broadcast.
Value normalize(KilnBuilder &b, Value centered, Value variance, Value scale,
                Value bias, float epsilon) {
  Type et = getElementTypeOrSelf(centered.getType());
  Value inv = RsqrtOp::create(b, b.add(variance, b.scalar(et, epsilon)));
  return b.add(b.mul(b.mul(centered, inv), scale), bias);
}

struct ExpandBatchNormInference : OpRewritePattern<BatchNormInferenceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormInferenceOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    int64_t rank = tensorType(x).getRank();
    auto view = [&](Value v) { return channelView(b, v, rank); };
    Value centered = b.sub(x, view(op.getMean()));
    rewriter.replaceOp(op, normalize(b, centered, view(op.getVariance()),
                                     view(op.getScale()), view(op.getBias()),
                                     op.getEpsilon().convertToFloat()));
    return success();
  }
};

struct ExpandBatchNormTraining : OpRewritePattern<BatchNormTrainingOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormTrainingOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    int64_t rank = tensorType(x).getRank();
    SmallVector<int64_t> axes = {0};
    llvm::append_range(axes, axesFrom(2, rank));
    Value mean = b.mean(x, axes, true);
    Value centered = b.sub(x, mean);
    Value variance = b.mean(b.mul(centered, centered), axes, true);
    Value y = normalize(
        b, centered, variance, channelView(b, op.getScale(), rank),
        channelView(b, op.getBias(), rank), op.getEpsilon().convertToFloat());
    auto channels = op.getBatchMean().getType().getShape();
    rewriter.replaceOp(
        op, {y, b.reshape(mean, channels), b.reshape(variance, channels)});
    return success();
  }
};

struct ExpandLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    int64_t rank = tensorType(x).getRank();
    auto axes = axesFrom(normalized(op.getAxis(), rank), rank);
    Value centered = b.sub(x, b.mean(x, axes, true));
    Value variance = b.mean(b.mul(centered, centered), axes, true);
    rewriter.replaceOp(op, normalize(b, centered, variance, op.getScale(),
                                     op.getBias(),
                                     op.getEpsilon().convertToFloat()));
    return success();
  }
};

struct ExpandMseLoss : OpRewritePattern<MseLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MseLossOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value d = b.sub(op.getInput(), op.getTarget());
    rewriter.replaceOp(op, reduceLoss(b, b.mul(d, d), op.getReduction()));
    return success();
  }
};

struct ExpandBceWithLogits : OpRewritePattern<BinaryCrossEntropyWithLogitsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryCrossEntropyWithLogitsOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    // max(x, 0) - x * t + log(1 + exp(-|x|)): never exp of a large value.
    Value tail = SoftplusOp::create(b, NegOp::create(b, AbsOp::create(b, x)));
    Value loss =
        b.add(b.sub(ReluOp::create(b, x), b.mul(x, op.getTarget())), tail);
    rewriter.replaceOp(op, reduceLoss(b, loss, op.getReduction()));
    return success();
  }
};

/// The loss of class-indexed log-probabilities `logp` [N, C, d...] against
/// integer labels [N, d...]: -weight[t] * logp[t], with ignored labels
/// contributing nothing and, for `mean`, not counting. The pick along C is
/// a one-hot mask so that it lowers to elementwise code and a reduction.
Value classLoss(KilnBuilder &b, Value logp, Value labels, Value weight,
                std::optional<int64_t> ignoreIndex, Reduction reduction) {
  auto type = tensorType(logp);
  Type et = type.getElementType();
  int64_t rank = type.getRank(), classes = type.getDimSize(1);
  if (!tensorType(labels).getElementType().isInteger(64))
    labels =
        CastOp::create(b, tensorType(labels).clone(b.getI64Type()), labels);
  // labels [N, 1, d...] against classes [1, C, 1...].
  SmallVector<int64_t> labelShape(tensorType(labels).getShape());
  labelShape.insert(labelShape.begin() + 1, 1);
  SmallVector<int64_t> classShape(rank, 1);
  classShape[1] = classes;
  Value oneHot = EqOp::create(b, b.reshape(labels, labelShape),
                              b.reshape(b.iota(classes), classShape));
  Value zero = b.scalar(et, 0.0);
  Value picked = b.sum(SelectOp::create(b, oneHot, logp, zero), {1}, false);
  Value w;
  if (weight)
    w = b.sum(SelectOp::create(b, oneHot, b.reshape(weight, classShape), zero),
              {1}, false);
  if (ignoreIndex) {
    Value ignored =
        EqOp::create(b, labels, b.scalar(b.getI64Type(), *ignoreIndex));
    w = SelectOp::create(b, ignored, zero, w ? w : b.scalar(et, 1.0));
  }
  Value loss = NegOp::create(b, w ? b.mul(picked, w) : picked);
  if (reduction == Reduction::mean && w) {
    // Weighted mean: divide by the total weight of the counted labels. A
    // rank-0 weight (no class weights, ignore_index only) needs broadcasting
    // to count every position.
    Value counted = BroadcastToOp::create(b, tensorType(loss), w);
    return b.div(b.sum(loss, {}, false), b.sum(counted, {}, false));
  }
  return reduceLoss(b, loss, reduction);
}

struct ExpandNllLoss : OpRewritePattern<NllLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(NllLossOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    rewriter.replaceOp(op, classLoss(b, op.getInput(), op.getTarget(),
                                     op.getWeight(), op.getIgnoreIndex(),
                                     op.getReduction()));
    return success();
  }
};

struct ExpandSoftmaxCrossEntropy : OpRewritePattern<SoftmaxCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    KilnBuilder b(op.getLoc(), rewriter);
    Value logp = logSoftmax(b, op.getInput(), 1);
    Value target = op.getTarget();
    if (!isa<FloatType>(tensorType(target).getElementType())) {
      rewriter.replaceOp(op, classLoss(b, logp, target, op.getWeight(),
                                       op.getIgnoreIndex(), op.getReduction()));
      return success();
    }
    // Probability targets: -sum_c weight[c] * t[c] * logp[c].
    Value weighted = b.mul(target, logp);
    if (Value weight = op.getWeight()) {
      SmallVector<int64_t> classShape(tensorType(logp).getRank(), 1);
      classShape[1] = tensorType(weight).getDimSize(0);
      weighted = b.mul(weighted, b.reshape(weight, classShape));
    }
    Value loss = NegOp::create(b, b.sum(weighted, {1}, false));
    rewriter.replaceOp(op, reduceLoss(b, loss, op.getReduction()));
    return success();
  }
};

struct ExpandPass : kiln::impl::KilnExpandBase<ExpandPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandSoftmax, ExpandLogSoftmax, ExpandReduceMean,
                 ExpandLogSumExp, ExpandGlobalAvgPool, ExpandBatchNormInference,
                 ExpandBatchNormTraining, ExpandLayerNorm, ExpandMseLoss,
                 ExpandBceWithLogits, ExpandNllLoss, ExpandSoftmaxCrossEntropy>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
