//===- VectorizePooling.cpp - max pooling and its gradient as vector rows -===//
//
// Max pooling whose windows tile the input exactly (strides equal to the
// kernel, no padding or dilation: LeNet's 2x2 pools) and its gradient
// (kiln.max_pool2d_grad) become loops over output rows that handle `lanes`
// outputs per step. linalg's vectorizer has no form for either: the window
// generic reads the input at a stride (ow * KW + kw) and the gradient picks
// the first maximum of a window, which no linalg reduction combiner
// expresses. Per step, each of the KH input rows is one contiguous read of
// lanes * KW elements; vector.shuffle splits it into the KW strided columns
// (one vector per window offset), and for the gradient interleaves the KW
// results back. The ragged end of a row is one masked step (out-of-bounds
// transfer lanes). Runs on kiln ops before kiln-lower-to-linalg, which
// lowers whatever is left (other windows) to scalar linalg generics.
//
//===----------------------------------------------------------------------===//

#include "codegen/CostModel.h"
#include "codegen/Passes.h"
#include "ir/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNVECTORIZEPOOLING
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// One output row step: indices (n, c, oh, ow0) and whether all `lanes`
/// outputs from ow0 on exist (else the transfers are masked by bounds).
struct RowStep {
  Value n, c, oh, ow0;
  bool full;
};

/// The loop nest over (n, c, oh) and ow0 in steps of `lanes`, threading the
/// tensor `init` through `step`, which returns the updated tensor. Full
/// steps form a loop; a partial last step is peeled, so that only it pays
/// for masks.
Value buildRowLoops(
    OpBuilder &b, Location loc, ArrayRef<int64_t> out, int64_t lanes,
    Value init,
    function_ref<Value(OpBuilder &, Location, const RowStep &, Value)> step) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zero = cst(0), one = cst(1);
  int64_t fullEnd = out[3] / lanes * lanes;
  Value fullEndV = cst(fullEnd), lanesV = cst(lanes), tail = cst(fullEnd);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, {zero, zero, zero}, {cst(out[0]), cst(out[1]), cst(out[2])},
      {one, one, one}, {init},
      [&](OpBuilder &nb, Location l, ValueRange ivs,
          ValueRange acc) -> scf::ValueVector {
        Value t = acc[0];
        if (fullEnd > 0) {
          auto loop = scf::ForOp::create(
              nb, l, zero, fullEndV, lanesV, ValueRange{t},
              [&](OpBuilder &ib, Location il, Value ow0, ValueRange a) {
                Value r = step(
                    ib, il, RowStep{ivs[0], ivs[1], ivs[2], ow0, true}, a[0]);
                scf::YieldOp::create(ib, il, r);
              });
          t = loop.getResult(0);
        }
        if (fullEnd < out[3])
          t = step(nb, l, RowStep{ivs[0], ivs[1], ivs[2], tail, false}, t);
        return {t};
      });
  return nest.results[0];
}

/// Windows that tile the input exactly, with a row of KW-wide windows that
/// fits a few registers.
bool tilesExactly(RankedTensorType in, RankedTensorType out,
                  ArrayRef<int64_t> kernel) {
  return in.getRank() == 4 && in.hasStaticShape() &&
         in.getDimSize(2) == out.getDimSize(2) * kernel[0] &&
         in.getDimSize(3) == out.getDimSize(3) * kernel[1] && kernel[1] <= 8;
}

/// Lanes of `op`'s target's vector register for elements of type `et`.
int64_t lanesFor(Operation *op, Type et) {
  return std::max<int64_t>(1, getTargetModel(op).vectorLanes * 32 /
                                  et.getIntOrFloatBitWidth());
}

/// Shared pieces of the two rewrites.
struct Rows {
  OpBuilder &b;
  Location loc;
  Type et;
  int64_t lanes, kh, kw;

  Value index(Value v, int64_t scale, int64_t offset) {
    Value r = v;
    if (scale != 1)
      r = arith::MulIOp::create(b, loc, r,
                                arith::ConstantIndexOp::create(b, loc, scale));
    if (offset)
      r = arith::AddIOp::create(b, loc, r,
                                arith::ConstantIndexOp::create(b, loc, offset));
    return r;
  }

  Value read(Value src, ValueRange idx, int64_t n, bool full, double pad) {
    auto type = VectorType::get({n}, et);
    Value padding = arith::ConstantOp::create(b, loc, b.getFloatAttr(et, pad));
    return vector::TransferReadOp::create(b, loc, type, src, idx, padding,
                                          ArrayRef<bool>{full});
  }

  /// Input row oh * KH + i from column ow0 * KW, split into its KW columns
  /// (column j holds window offset (i, j) of lanes consecutive windows).
  SmallVector<Value> columns(Value x, const RowStep &s, int64_t i, double pad) {
    Value row = read(x, {s.n, s.c, index(s.oh, kh, i), index(s.ow0, kw, 0)},
                     lanes * kw, s.full, pad);
    if (kw == 1)
      return {row};
    SmallVector<Value> cols;
    for (int64_t j = 0; j < kw; ++j) {
      SmallVector<int64_t> mask;
      for (int64_t l = 0; l < lanes; ++l)
        mask.push_back(l * kw + j);
      cols.push_back(vector::ShuffleOp::create(b, loc, row, row, mask));
    }
    return cols;
  }

  /// The inverse of columns(): KW column vectors interleaved into one row.
  Value interleave(ArrayRef<Value> cols) {
    Value cat = cols[0];
    for (Value c : cols.drop_front()) {
      int64_t len = cast<VectorType>(cat.getType()).getDimSize(0);
      SmallVector<int64_t> all;
      for (int64_t l = 0; l < len + lanes; ++l)
        all.push_back(l);
      cat = vector::ShuffleOp::create(b, loc, cat, c, all);
    }
    if (cols.size() == 1)
      return cat;
    SmallVector<int64_t> perm;
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t j = 0; j < kw; ++j)
        perm.push_back(j * lanes + l);
    return vector::ShuffleOp::create(b, loc, cat, cat, perm);
  }
};

struct VectorizeMaxPool : OpRewritePattern<MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2DOp op,
                                PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    auto out = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> k = op.getKernelSize();
    if (op.getStrides() != k ||
        !llvm::all_of(op.getDilations(), [](int64_t d) { return d == 1; }) ||
        !llvm::all_of(op.getPadding(), [](int64_t p) { return p == 0; }) ||
        !tilesExactly(in, out, k))
      return rewriter.notifyMatchFailure(op, "windows do not tile the input");
    Location loc = op.getLoc();
    Type et = out.getElementType();
    int64_t lanes = lanesFor(op, et);
    double lowest = -std::numeric_limits<double>::infinity();
    Value init = tensor::EmptyOp::create(rewriter, loc, out.getShape(), et);
    Value x = op.getInput();
    Value result = buildRowLoops(
        rewriter, loc, out.getShape(), lanes, init,
        [&](OpBuilder &b, Location l, const RowStep &s, Value acc) {
          Rows rows{b, l, et, lanes, k[0], k[1]};
          Value m;
          for (int64_t i = 0; i < k[0]; ++i)
            for (Value col : rows.columns(x, s, i, lowest))
              m = m ? arith::MaximumFOp::create(b, l, m, col).getResult() : col;
          return vector::TransferWriteOp::create(b, l, m, acc,
                                                 {s.n, s.c, s.oh, s.ow0},
                                                 ArrayRef<bool>{s.full})
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct VectorizeMaxPoolGrad : OpRewritePattern<MaxPool2DGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2DGradOp op,
                                PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getType());
    auto out = cast<RankedTensorType>(op.getOutput().getType());
    ArrayRef<int64_t> k = op.getKernelSize();
    if (!tilesExactly(in, out, k))
      return rewriter.notifyMatchFailure(op, "window row too wide");
    Location loc = op.getLoc();
    Type et = in.getElementType();
    int64_t lanes = lanesFor(op, et);
    Value x = op.getInput(), y = op.getOutput(), g = op.getGrad();
    // Every input position is written: the windows tile the input.
    Value init = tensor::EmptyOp::create(rewriter, loc, in.getShape(), et);
    Value result = buildRowLoops(
        rewriter, loc, out.getShape(), lanes, init,
        [&](OpBuilder &b, Location l, const RowStep &s, Value acc) {
          Rows rows{b, l, et, lanes, k[0], k[1]};
          SmallVector<Value> at = {s.n, s.c, s.oh, s.ow0};
          Value ymax = rows.read(y, at, lanes, s.full, 0.0);
          Value remaining = rows.read(g, at, lanes, s.full, 0.0);
          Value zero = arith::ConstantOp::create(
              b, l,
              DenseElementsAttr::get(VectorType::get({lanes}, et),
                                     b.getFloatAttr(et, 0.0)));
          // Window offsets in row-major order: the first one equal to the
          // maximum takes the gradient, later ties get none.
          SmallVector<Value> parts;
          for (int64_t i = 0; i < k[0]; ++i)
            for (Value col : rows.columns(x, s, i, 0.0)) {
              Value hit = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                                col, ymax);
              parts.push_back(
                  arith::SelectOp::create(b, l, hit, remaining, zero));
              if (parts.size() < static_cast<size_t>(k[0] * k[1]))
                remaining = arith::SelectOp::create(b, l, hit, zero, remaining);
            }
          for (int64_t i = 0; i < k[0]; ++i) {
            Value row = rows.interleave(ArrayRef(parts).slice(i * k[1], k[1]));
            acc = vector::TransferWriteOp::create(b, l, row, acc,
                                                  {s.n, s.c,
                                                   rows.index(s.oh, k[0], i),
                                                   rows.index(s.ow0, k[1], 0)},
                                                  ArrayRef<bool>{s.full})
                      .getResult();
          }
          return acc;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct VectorizePooling : impl::KilnVectorizePoolingBase<VectorizePooling> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<VectorizeMaxPool, VectorizeMaxPoolGrad>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln
