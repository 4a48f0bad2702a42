//===- DecomposeRecurrent.cpp - rnn, lstm, gru into primitives ------------===//
//
// Each recurrent op is unrolled over its static sequence length T:
//   - the input projection of every step is one matmul,
//     [T * B, I] x W_ih^T + b_ih -> [T * B, G * H], and step t takes its rows
//     [t * B, (t + 1) * B);
//   - per step, h W_hh^T + b_hh is one [B, G * H] matmul and the gates are
//     column slices of G * H (PyTorch's gate order);
//   - `output` is the concat of the T states [B, H] along axis 0, reshaped to
//     [T, B, H].
// An absent initial state is zero, so step 0 skips its hidden matmul (and
// the terms multiplied by the state) instead of multiplying by zeros.
//
// An LSTM whose input projection would exceed 1 MiB (kMaxInputGates)
// instead computes both projections of a step in one product,
// [x_t, h] [W_ih, W_hh]^T + (b_ih + b_hh): [B, I + H] x [I + H, G * H]. The
// one input projection wrote [T * B, G * H] (14.7 MB at batch 256), which
// went out to memory and back once per step; per step, the gates stay in
// cache, and the product's longer K runs at the register tile's rate. A
// small projection (batch 1: 57 KB) stays one product: per step it would
// add a concat and 28 one-row products.
//
//===----------------------------------------------------------------------===//

#include "passes/Decompose.h"

using namespace mlir;
using namespace kiln;

namespace {

/// Elements of the [T * B, G * H] input projection above which an LSTM
/// computes it per step (1 MiB of f32, an L2's worth).
constexpr int64_t kMaxInputGates = 256 * 1024;

/// The operands and sizes shared by rnn, lstm and gru, and the projections
/// every step needs. Null values stand for zeros (see ZeroAwareBuilder).
class Recurrence {
public:
  /// `perStep`: both projections of a step in one product (stepGates);
  /// otherwise one input projection for all steps (inputPart, hiddenPart).
  Recurrence(ZeroAwareBuilder &b, Value input, Value wIh, Value wHh, Value bIh,
             Value bHh, bool perStep = false)
      : b(b), wHh(wHh), bHh(bHh), input(input), wIh(wIh) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(input.getType()).getShape();
    steps = shape[0];
    batch = shape[1];
    inputSize = shape[2];
    hidden = cast<RankedTensorType>(wHh.getType()).getDimSize(1);
    if (steps == 0)
      return;
    if (perStep) {
      wBoth = b.concat({wIh, wHh}, 1);
      bBoth = b.add(bIh, bHh);
      return;
    }
    Value rows = b.reshape(input, {steps * batch, shape[2]});
    inputGates = b.add(b.matmul(rows, wIh, /*transposeRhs=*/true), bIh);
  }

  /// x_t W_ih^T + b_ih + h W_hh^T + b_hh as one product: [B, G * H].
  Value stepGates(int64_t t, Value h) {
    Value x = b.reshape(b.slice(input, 0, t, t + 1), {batch, inputSize});
    if (!h)
      return b.add(b.matmul(x, wIh, /*transposeRhs=*/true), bBoth);
    return b.add(b.matmul(b.concat({x, h}, 1), wBoth, /*transposeRhs=*/true),
                 bBoth);
  }

  /// x_t W_ih^T + b_ih: [B, G * H].
  Value inputPart(int64_t t) {
    return b.slice(inputGates, 0, t * batch, (t + 1) * batch);
  }

  /// h W_hh^T + b_hh: [B, G * H], just b_hh when h is zero.
  Value hiddenPart(Value h) {
    return b.add(b.matmul(h, wHh, /*transposeRhs=*/true), bHh);
  }

  /// Gate `k` of a [..., G * H] value (null stays null).
  Value gate(Value gates, int64_t k) {
    if (!gates)
      return {};
    return b.slice(gates, cast<RankedTensorType>(gates.getType()).getRank() - 1,
                   k * hidden, (k + 1) * hidden);
  }

  /// `output` [T, B, H] from the per-step states.
  Value stack(ArrayRef<Value> states, Type outputType) {
    auto type = cast<RankedTensorType>(outputType);
    if (states.empty())
      return b.zeros(type);
    return b.reshape(b.concat(states, 0), type.getShape());
  }

  /// A final state, materialized as zeros when it is still the zero state
  /// (T = 0 without an initial state).
  Value finalState(Value state, Type type) {
    return state ? state : b.zeros(cast<RankedTensorType>(type));
  }

  int64_t steps, batch, hidden, inputSize;

private:
  ZeroAwareBuilder &b;
  Value wHh, bHh, input, wIh;
  Value inputGates;   // [T * B, G * H]
  Value wBoth, bBoth; // [G * H, I + H], [G * H] (perStep)
};

/// h = act(x W_ih^T + b_ih + h W_hh^T + b_hh).
struct DecomposeRnn : OpRewritePattern<RnnOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RnnOp op,
                                PatternRewriter &rewriter) const override {
    ZeroAwareBuilder b(op.getLoc(), rewriter);
    Recurrence r(b, op.getInput(), op.getWIh(), op.getWHh(), op.getBIh(),
                 op.getBHh());
    bool relu = op.getActivation() == "relu";
    Value h = op.getH0();
    SmallVector<Value> states;
    for (int64_t t = 0; t < r.steps; ++t) {
      Value pre = b.add(r.inputPart(t), r.hiddenPart(h));
      h = relu ? b.relu(pre) : b.tanh(pre);
      states.push_back(h);
    }
    rewriter.replaceOp(op, {r.stack(states, op.getOutput().getType()),
                            r.finalState(h, op.getHN().getType())});
    return success();
  }
};

/// Gates i, f, g, o: c = f * c + i * g, h = o * tanh(c).
struct DecomposeLstm : OpRewritePattern<LstmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LstmOp op,
                                PatternRewriter &rewriter) const override {
    ZeroAwareBuilder b(op.getLoc(), rewriter);
    auto in = cast<RankedTensorType>(op.getInput().getType());
    bool perStep = in.getDimSize(0) * in.getDimSize(1) *
                       op.getWIh().getType().getDimSize(0) >
                   kMaxInputGates;
    Recurrence r(b, op.getInput(), op.getWIh(), op.getWHh(), op.getBIh(),
                 op.getBHh(), perStep);
    Value h = op.getH0(), c = op.getC0();
    SmallVector<Value> states;
    for (int64_t t = 0; t < r.steps; ++t) {
      Value gates =
          perStep ? r.stepGates(t, h) : b.add(r.inputPart(t), r.hiddenPart(h));
      Value i = b.sigmoid(r.gate(gates, 0));
      Value f = b.sigmoid(r.gate(gates, 1));
      Value g = b.tanh(r.gate(gates, 2));
      Value o = b.sigmoid(r.gate(gates, 3));
      c = b.add(b.mul(f, c), b.mul(i, g));
      h = b.mul(o, b.tanh(c));
      states.push_back(h);
    }
    Type stateType = op.getHN().getType();
    rewriter.replaceOp(op, {r.stack(states, op.getOutput().getType()),
                            r.finalState(h, stateType),
                            r.finalState(c, stateType)});
    return success();
  }
};

/// Gates r, z, n (PyTorch form): the hidden part of n is scaled by r before
/// it meets the input part, so it is sliced off before the sum.
///   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)), h = (1 - z) * n + z *
///   h.
struct DecomposeGru : OpRewritePattern<GruOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GruOp op,
                                PatternRewriter &rewriter) const override {
    ZeroAwareBuilder b(op.getLoc(), rewriter);
    Recurrence r(b, op.getInput(), op.getWIh(), op.getWHh(), op.getBIh(),
                 op.getBHh());
    Type elementType = op.getHN().getType().getElementType();
    Value one = r.steps ? b.scalar(elementType, 1.0) : Value();
    Value h = op.getH0();
    SmallVector<Value> states;
    for (int64_t t = 0; t < r.steps; ++t) {
      Value x = r.inputPart(t), hh = r.hiddenPart(h);
      Value reset = b.sigmoid(b.add(r.gate(x, 0), r.gate(hh, 0)));
      Value update = b.sigmoid(b.add(r.gate(x, 1), r.gate(hh, 1)));
      Value n = b.tanh(b.add(r.gate(x, 2), b.mul(reset, r.gate(hh, 2))));
      h = b.add(b.mul(b.sub(one, update), n), b.mul(update, h));
      states.push_back(h);
    }
    rewriter.replaceOp(op, {r.stack(states, op.getOutput().getType()),
                            r.finalState(h, op.getHN().getType())});
    return success();
  }
};

} // namespace

void kiln::populateDecomposeRecurrentPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeRnn, DecomposeLstm, DecomposeGru>(
      patterns.getContext());
}
