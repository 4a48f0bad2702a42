//===- DecomposeAttention.cpp - multi_head_attention to primitives --------===//
//
// With h heads of size D = E / h:
//   Q = reshape(q, [B * Tq, E]) @ w_q + b_q  -> [B, Tq, h, D] -> [B, h, Tq, D]
//   K, V likewise from key and value          -> [B, h, Tk, D]
//   P = softmax(Q @ K^T * (1 / sqrt(D)) (+ mask), axis -1)   [B, h, Tq, Tk]
//   O = P @ V -> [B, Tq, h, D] -> [B * Tq, E] @ w_o + b_o -> [B, Tq, E]
// The projections are plain 2-D matmuls on [B * T, E] rows rather than
// batched matmuls against a broadcast weight, which is the form codegen
// handles best (one GEMM, weights packable ahead of time).
//
//===----------------------------------------------------------------------===//

#include "passes/Decompose.h"

#include <cmath>

using namespace mlir;
using namespace kiln;

namespace {

struct DecomposeAttention : OpRewritePattern<MultiHeadAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MultiHeadAttentionOp op,
                                PatternRewriter &rewriter) const override {
    ZeroAwareBuilder b(op.getLoc(), rewriter);
    auto queryType = cast<RankedTensorType>(op.getQuery().getType());
    Type elementType = queryType.getElementType();
    int64_t batch = queryType.getDimSize(0), tq = queryType.getDimSize(1);
    int64_t embed = queryType.getDimSize(2);
    int64_t tk = cast<RankedTensorType>(op.getKey().getType()).getDimSize(1);
    int64_t heads = op.getNumHeads(), headSize = embed / heads;

    // [B, T, E] -> [B, h, T, D] after the projection x @ w + bias.
    auto projectHeads = [&](Value x, int64_t len, Value w, Value bias) {
      Value rows = b.add(b.matmul(b.reshape(x, {batch * len, embed}), w), bias);
      return b.transpose(b.reshape(rows, {batch, len, heads, headSize}),
                         {0, 2, 1, 3});
    };
    Value q = projectHeads(op.getQuery(), tq, op.getWQ(), op.getBQ());
    Value k = projectHeads(op.getKey(), tk, op.getWK(), op.getBK());
    Value v = projectHeads(op.getValue(), tk, op.getWV(), op.getBV());

    Value scores = b.mul(b.matmul(q, k, /*transposeRhs=*/true),
                         b.scalar(elementType, 1.0 / std::sqrt(headSize)));
    if (Value mask = op.getMask()) {
      // A [B, Tq, Tk] mask lines up with [B, h, Tq, Tk] scores once it has a
      // unit head dim; a [Tq, Tk] mask broadcasts as it is.
      auto maskType = cast<RankedTensorType>(mask.getType());
      if (maskType.getRank() == 3)
        mask = b.reshape(mask, {batch, 1, tq, tk});
      if (maskType.getElementType().isInteger(1)) {
        // Masked scores become the lowest finite value rather than -inf.
        // Where a row attends to any key the two agree exactly (exp of the
        // shifted score underflows to 0); a fully masked row (e.g. a padded
        // query) gets uniform weights instead of PyTorch's NaN, so it cannot
        // turn the loss and every gradient of a training step into NaN.
        const auto &semantics =
            cast<FloatType>(elementType).getFloatSemantics();
        Value lowest = b.scalar(
            elementType, APFloat::getLargest(semantics, /*Negative=*/true));
        scores = b.select(mask, scores, lowest);
      } else {
        scores = b.add(scores, mask);
      }
    }
    Value attended = b.matmul(b.softmax(scores, -1), v); // [B, h, Tq, D]
    Value merged =
        b.reshape(b.transpose(attended, {0, 2, 1, 3}), {batch * tq, embed});
    Value out = b.add(b.matmul(merged, op.getWO()), op.getBO());
    rewriter.replaceOp(op, b.reshape(out, queryType.getShape()));
    return success();
  }
};

} // namespace

void kiln::populateDecomposeAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeAttention>(patterns.getContext());
}
