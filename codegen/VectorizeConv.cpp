//===- VectorizeConv.cpp - small convolutions as vector rows --------------===//
//
// im2col turns a convolution into copies plus a packed matmul; with a small
// contraction C * KH * KW (LeNet-5: 25, 150 and 400) the copies (KH * KW
// times the input, written, packed and read again) and the matmul's thin
// panels cost more than the arithmetic. Here such a convolution (unit
// stride and dilation, groups = 1) and its filter gradient become loops on
// tensors that handle one row segment of output positions per vector,
// reading the zero-padded input directly (no patches):
//
//   forward:  out[n, f, oh, ow:ow+L] += w[f, c, kh, kw] *
//                                       xpad[n, c, oh+kh, ow+kw : +L]
//   filter gradient (a conv2d of transpose(x) with transpose(g) as filter,
//   ir/ops/ConvGrad.cpp): r[c, f, i, j] = sum over n, oh, ow of
//                                       xpad[n, c, oh+i, ow+j] g[n, f, oh, ow]
//
// The forward keeps a block of output channels in registers and reads each
// input row segment once per block (input gradients are forward
// convolutions too); the filter gradient keeps an (f, j) block of lane-wise
// partial sums over all (n, oh, ow) and reduces each to one scalar at the
// end, reading x and g in their NCHW layout (the transposes into
// [C, N, H, W] and [F, N, OH, OW] disappear). Rows that would leave more
// than half of the lanes idle and larger contractions keep im2col
// (kiln-lower-to-linalg).
//
//===----------------------------------------------------------------------===//

#include "codegen/CostModel.h"
#include "codegen/Passes.h"
#include "codegen/Schedule.h"
#include "ir/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNVECTORIZECONV
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// Largest contraction (C * KH * KW) that goes direct. Measured on LeNet-5
/// (contractions 25, 150 and 400: both convolutions, conv2's input
/// gradient, both filter gradients), the direct form was 2-3x faster than
/// im2col and the packed matmul at every one; larger ones are untested and
/// keep the matmul, whose register tiles reuse operands better.
constexpr int64_t kMaxDirectContraction = 512;
/// Smallest contraction whose forward convolution splits its batch across
/// threads. LeNet-5's conv1 (25) at batch 64 measured 0.185 ms serial and
/// 0.29 ms on two threads (the serial pad before it and the copy of its
/// result after it move the data between the cores); conv2 (150) and its
/// input gradient (400) ran 1.7x and 1.3x faster on two.
constexpr int64_t kMinThreadedContraction = 64;
/// Accumulator vectors a block keeps in registers: three quarters of the
/// target's vector registers (24 of 32 with AVX-512), leaving room for the
/// rows of one step.
int64_t maxAccumulators(Operation *op) {
  return getTargetModel(op).vectorRegisters * 3 / 4;
}

/// Output positions per vector step: one register of the target (16 f32
/// with AVX-512, so that a 28-wide row takes two steps; 8 with AVX2).
int64_t stepWidth(Operation *op, Type et) {
  return std::max<int64_t>(1, getTargetModel(op).vectorLanes * 32 /
                                  et.getIntOrFloatBitWidth());
}

/// Whether rows of `width` outputs in steps of `lanes` use at least half of
/// the lanes (LeNet's second layer: 10 of 16).
bool fillsLanes(int64_t width, int64_t lanes) {
  int64_t steps = (width + lanes - 1) / lanes;
  return 2 * width >= steps * lanes;
}

/// groups = 1, unit strides and dilations, static float shapes.
bool isUnitConv(Conv2DOp op) {
  auto ones = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t x) { return x == 1; });
  };
  auto in = cast<RankedTensorType>(op.getInput().getType());
  auto fl = cast<RankedTensorType>(op.getFilter().getType());
  return op.getGroups() == 1 && ones(op.getStrides()) &&
         ones(op.getDilations()) && in.hasStaticShape() &&
         fl.hasStaticShape() && op.getType().hasStaticShape() &&
         isa<FloatType>(in.getElementType());
}

/// The operand `v` of a conv2d if it is kiln.transpose of an NCHW tensor
/// with N and C swapped (how ConvGrad.cpp writes a filter gradient).
Value swappedFrom(Value v) {
  auto t = v.getDefiningOp<TransposeOp>();
  if (!t || t.getPermutation() != ArrayRef<int64_t>{1, 0, 2, 3})
    return {};
  return t.getInput();
}

/// Emission helpers shared by the two rewrites.
struct Emitter {
  OpBuilder &b;
  Location loc;
  Type et;
  int64_t lanes;

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value v, int64_t offset) {
    return offset ? arith::AddIOp::create(b, loc, v, index(offset)).getResult()
                  : v;
  }
  Value zeros() {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({lanes}, et),
                               b.getFloatAttr(et, 0.0)));
  }
  /// `lanes` elements of the innermost dim from `at`; out-of-bounds lanes
  /// (only in a row's last, partial step) read zero.
  Value read(Value src, ValueRange at, bool full) {
    Value pad = arith::ConstantOp::create(b, loc, b.getFloatAttr(et, 0.0));
    return vector::TransferReadOp::create(b, loc, VectorType::get({lanes}, et),
                                          src, at, pad, ArrayRef<bool>{full});
  }
  Value splat(Value scalar) {
    return vector::BroadcastOp::create(b, loc, VectorType::get({lanes}, et),
                                       scalar);
  }
  Value extract(Value t, ArrayRef<int64_t> at) {
    SmallVector<Value> idx;
    for (int64_t i : at)
      idx.push_back(index(i));
    return tensor::ExtractOp::create(b, loc, t, idx);
  }
  /// The zero-padded spatial dims (2, 3) of an NCHW tensor.
  Value pad(Value x, ArrayRef<int64_t> padding) {
    if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
      return x;
    auto t = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> low = {0, 0, padding[0], padding[1]};
    SmallVector<int64_t> high = {0, 0, padding[2], padding[3]};
    SmallVector<int64_t> shape(t.getShape());
    for (int i = 0; i < 4; ++i)
      shape[i] += low[i] + high[i];
    Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(et, 0.0));
    return tensor::PadOp::create(
        b, loc, t.clone(shape), x, getAsIndexOpFoldResult(b.getContext(), low),
        getAsIndexOpFoldResult(b.getContext(), high), zero);
  }
};

/// Fills `dest` by independent slices, one per index of its dims `dims`
/// (a loop each), `body(b, loc, ivs, at, slice)` returning a slice's new
/// value: in a sequential loop nest `slice` is `dest` itself and `at` the
/// ivs; in an scf.forall (when `parallel`) it is the slice of size 1 along
/// `dims` at the ivs, and `at` its own index 0. A forall marks the function
/// for kiln-lower-vectors, which turns it into an scf.parallel (OpenMP).
using SliceFn = function_ref<Value(OpBuilder &, Location, ValueRange ivs,
                                   ValueRange at, Value slice)>;
Value buildOuterLoops(PatternRewriter &rewriter, Location loc, Value dest,
                      ArrayRef<int64_t> dims, bool parallel, SliceFn body) {
  auto type = cast<RankedTensorType>(dest.getType());
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  if (!parallel) {
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d : dims) {
      lbs.push_back(zero);
      ubs.push_back(
          arith::ConstantIndexOp::create(rewriter, loc, type.getDimSize(d)));
      steps.push_back(arith::ConstantIndexOp::create(rewriter, loc, 1));
    }
    scf::LoopNest nest =
        scf::buildLoopNest(rewriter, loc, lbs, ubs, steps, {dest},
                           [&](OpBuilder &b, Location l, ValueRange ivs,
                               ValueRange acc) -> scf::ValueVector {
                             return {body(b, l, ivs, ivs, acc[0])};
                           });
    return nest.results[0];
  }
  SmallVector<OpFoldResult> bounds;
  for (int64_t d : dims)
    bounds.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
  auto forall =
      scf::ForallOp::create(rewriter, loc, bounds, {dest}, std::nullopt);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(forall.getTerminator());
  SmallVector<Value> ivs = forall.getInductionVars();
  SmallVector<OpFoldResult> offsets, sizes, strides;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    const auto *it = llvm::find(dims, d);
    bool looped = it != dims.end();
    offsets.push_back(looped ? OpFoldResult(ivs[it - dims.begin()])
                             : rewriter.getIndexAttr(0));
    sizes.push_back(rewriter.getIndexAttr(looped ? 1 : type.getDimSize(d)));
    strides.push_back(rewriter.getIndexAttr(1));
  }
  Value shared = forall.getRegionIterArgs()[0];
  Value slice = tensor::ExtractSliceOp::create(rewriter, loc, shared, offsets,
                                               sizes, strides);
  SmallVector<Value> at(dims.size(), zero);
  Value result = body(rewriter, loc, ivs, at, slice);
  rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(rewriter, loc, result, shared, offsets,
                                        sizes, strides);
  forall->getParentOfType<func::FuncOp>()->setAttr(kScheduledFunction,
                                                   rewriter.getUnitAttr());
  return forall.getResult(0);
}

/// A loop over the steps of a row of `width` positions, threading `init`:
/// full steps in an scf.for, a partial last step peeled so that only it is
/// masked. `step(b, loc, start, full, args)` returns the new values.
using StepFn = function_ref<SmallVector<Value>(OpBuilder &, Location, Value,
                                               bool, ValueRange)>;
SmallVector<Value> buildRowSteps(OpBuilder &b, Location loc, int64_t width,
                                 int64_t lanes, ValueRange init, StepFn step) {
  int64_t fullEnd = width / lanes * lanes;
  SmallVector<Value> values(init);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  if (fullEnd > 0) {
    auto loop = scf::ForOp::create(
        b, loc, cst(0), cst(fullEnd), cst(lanes), values,
        [&](OpBuilder &ib, Location il, Value start, ValueRange args) {
          scf::YieldOp::create(ib, il, step(ib, il, start, true, args));
        });
    values = loop.getResults();
  }
  if (fullEnd < width)
    values = step(b, loc, cst(fullEnd), false, values);
  return values;
}

/// out[n, f, oh, ow] = bias[f] + sum_{c, kh, kw} w[f, c, kh, kw]
///                                * xpad[n, c, oh + kh, ow + kw].
struct DirectConv : OpRewritePattern<Conv2DOp> {
  DirectConv(MLIRContext *ctx, unsigned threads)
      : OpRewritePattern(ctx), threads(threads) {}
  unsigned threads;
  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (!isUnitConv(op))
      return rewriter.notifyMatchFailure(op, "not a unit-stride conv");
    auto out = op.getType();
    auto fl = cast<RankedTensorType>(op.getFilter().getType());
    Type et = out.getElementType();
    int64_t lanes = stepWidth(op, et);
    int64_t n = out.getDimSize(0), f = out.getDimSize(1),
            oh = out.getDimSize(2), ow = out.getDimSize(3);
    int64_t c = fl.getDimSize(1), kh = fl.getDimSize(2), kw = fl.getDimSize(3);
    if (c * kh * kw > kMaxDirectContraction || !fillsLanes(ow, lanes))
      return rewriter.notifyMatchFailure(op, "im2col is cheaper");
    Location loc = op.getLoc();
    Emitter e{rewriter, loc, et, lanes};
    Value x = e.pad(op.getInput(), op.getPadding());
    Value w = op.getFilter(), bias = op.getBias();
    Value init = tensor::EmptyOp::create(rewriter, loc, out.getShape(), et);
    // A relu that is the convolution's one user is applied to the sums in
    // registers before they are stored (the epilogue of an inference
    // model's layer; in training the pre-activation has other users).
    Operation *relu = nullptr;
    if (op->hasOneUse() && isa<ReluOp>(*op->user_begin()))
      relu = *op->user_begin();
    // Output channels per block: one accumulator each, plus the input row.
    int64_t block = std::min<int64_t>(f, maxAccumulators(op));
    // One sample per iteration: a forall over the batch when it pays. A
    // contraction under kMinThreadedContraction does a few FMAs per output
    // it writes, so splitting it mostly moves its data between the cores.
    bool parallel = n > 1 && c * kh * kw >= kMinThreadedContraction &&
                    takesThreads(threads, 2 * n * f * oh * ow * c * kh * kw);
    auto sample = [&](OpBuilder &sb, Location sampleLoc, ValueRange ivs,
                      ValueRange at, Value dest) -> Value {
      Value ni = ivs[0], nOut = at[0];
      Emitter oe{sb, sampleLoc, et, lanes};
      scf::LoopNest rows = scf::buildLoopNest(
          sb, sampleLoc, {oe.index(0)}, {oe.index(oh)}, {oe.index(1)}, {dest},
          [&](OpBuilder &nb, Location l, ValueRange rowIvs,
              ValueRange acc) -> scf::ValueVector {
            Value ohi = rowIvs[0];
            auto step = [&](OpBuilder &b, Location sl, Value start, bool full,
                            ValueRange args) -> SmallVector<Value> {
              Emitter se{b, sl, et, lanes};
              Value result = args[0];
              for (int64_t f0 = 0; f0 < f; f0 += block) {
                int64_t fb = std::min(block, f - f0);
                SmallVector<Value> sums;
                for (int64_t k = 0; k < fb; ++k)
                  sums.push_back(bias ? se.splat(se.extract(bias, {f0 + k}))
                                      : se.zeros());
                // One input channel's KH x KW taps into the block's sums;
                // channels beyond the first are an scf.for (the IR stays
                // KH * KW * FB FMAs long whatever C is).
                auto channel = [&](OpBuilder &cb, Location cl, Value ci,
                                   ValueRange in) -> SmallVector<Value> {
                  Emitter ce{cb, cl, et, lanes};
                  SmallVector<Value> out(in);
                  for (int64_t i = 0; i < kh; ++i)
                    for (int64_t j = 0; j < kw; ++j) {
                      // A full step reads at most up to column ow - 1 + kw - 1
                      // of the padded row, which is inside it.
                      Value row = ce.read(
                          x, {ni, ci, ce.add(ohi, i), ce.add(start, j)}, full);
                      for (int64_t k = 0; k < fb; ++k) {
                        Value wv = ce.splat(tensor::ExtractOp::create(
                            cb, cl, w,
                            ValueRange{ce.index(f0 + k), ci, ce.index(i),
                                       ce.index(j)}));
                        out[k] = vector::FMAOp::create(cb, cl, wv, row, out[k]);
                      }
                    }
                  return out;
                };
                if (c == 1) {
                  sums = channel(b, sl, se.index(0), sums);
                } else {
                  auto loop = scf::ForOp::create(
                      b, sl, se.index(0), se.index(c), se.index(1), sums,
                      [&](OpBuilder &ib, Location il, Value ci, ValueRange in) {
                        scf::YieldOp::create(ib, il, channel(ib, il, ci, in));
                      });
                  sums.assign(loop.getResults().begin(),
                              loop.getResults().end());
                }
                for (int64_t k = 0; k < fb; ++k) {
                  if (relu)
                    sums[k] =
                        arith::MaximumFOp::create(b, sl, sums[k], se.zeros());
                  result = vector::TransferWriteOp::create(
                               b, sl, sums[k], result,
                               ValueRange{nOut, se.index(f0 + k), ohi, start},
                               ArrayRef<bool>{full})
                               .getResult();
                }
              }
              return {result};
            };
            return buildRowSteps(nb, l, ow, lanes, acc, step);
          });
      return rows.results[0];
    };
    Value result = buildOuterLoops(rewriter, loc, init, {0}, parallel, sample);
    if (relu) {
      rewriter.replaceOp(relu, result);
      rewriter.eraseOp(op);
    } else {
      rewriter.replaceOp(op, result);
    }
    return success();
  }
};

/// r[c, f, i, j] = sum_{n, oh, ow} xpad[n, c, oh + i, ow + j] g[n, f, oh, ow]
/// for conv2d(transpose(x), transpose(g)) with x [N, C, H, W] and g
/// [N, F, OH, OW].
struct DirectFilterGrad : OpRewritePattern<Conv2DOp> {
  /// Tried before DirectConv, which would see the transposed operands.
  DirectFilterGrad(MLIRContext *ctx, unsigned threads)
      : OpRewritePattern(ctx, /*benefit=*/2), threads(threads) {}
  unsigned threads;
  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    Value x = swappedFrom(op.getInput()), g = swappedFrom(op.getFilter());
    if (!x || !g || op.getBias() || !isUnitConv(op))
      return rewriter.notifyMatchFailure(op, "not a filter gradient");
    auto out = op.getType();
    auto gt = cast<RankedTensorType>(g.getType());
    Type et = out.getElementType();
    int64_t lanes = stepWidth(op, et);
    int64_t c = out.getDimSize(0), f = out.getDimSize(1),
            ki = out.getDimSize(2), kj = out.getDimSize(3);
    int64_t n = gt.getDimSize(0), oh = gt.getDimSize(2), ow = gt.getDimSize(3);
    if (c * ki * kj > kMaxDirectContraction || !fillsLanes(ow, lanes))
      return rewriter.notifyMatchFailure(op, "im2col is cheaper");
    Location loc = op.getLoc();
    Emitter e{rewriter, loc, et, lanes};
    Value xp = e.pad(x, op.getPadding());
    // Blocks of (f, j) accumulators, balanced: JB columns of the kernel
    // row, FB output channels.
    int64_t budget = maxAccumulators(op);
    int64_t jb = std::min<int64_t>(kj, budget);
    int64_t fBlocks = std::max<int64_t>(1, (f * jb + budget - 1) / budget);
    int64_t fb = (f + fBlocks - 1) / fBlocks;
    Value init = tensor::EmptyOp::create(rewriter, loc, out.getShape(), et);
    // The last step of a row: lanes past the row end must not pair a g of
    // zero with an x that is not finite.
    Value tailMask;
    if (ow % lanes) {
      SmallVector<bool> keep;
      for (int64_t l = 0; l < lanes; ++l)
        keep.push_back(l < ow % lanes);
      tailMask = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(VectorType::get({lanes}, rewriter.getI1Type()),
                                 ArrayRef(keep)));
    }
    // One (input channel, kernel row) per iteration: a forall over them
    // when it pays (each reduces over the whole batch on its own).
    bool parallel = takesThreads(threads, 2 * n * oh * ow * c * f * ki * kj);
    auto kernelRow = [&](OpBuilder &ob, Location ol, ValueRange civs,
                         ValueRange at, Value result) -> Value {
      Value ci = civs[0], ii = civs[1];
      Emitter oe{ob, ol, et, lanes};
      for (int64_t f0 = 0; f0 < f; f0 += fb) {
        int64_t fn = std::min(fb, f - f0);
        for (int64_t j0 = 0; j0 < kj; j0 += jb) {
          int64_t jn = std::min(jb, kj - j0);
          SmallVector<Value> zero(fn * jn, oe.zeros());
          scf::LoopNest inner = scf::buildLoopNest(
              ob, ol, {oe.index(0), oe.index(0)}, {oe.index(n), oe.index(oh)},
              {oe.index(1), oe.index(1)}, zero,
              [&](OpBuilder &nb, Location l, ValueRange ivs,
                  ValueRange sums) -> scf::ValueVector {
                Value ni = ivs[0], ohi = ivs[1];
                auto step = [&](OpBuilder &b, Location sl, Value start,
                                bool full, ValueRange s) -> SmallVector<Value> {
                  Emitter se{b, sl, et, lanes};
                  SmallVector<Value> gs, xs, next(s);
                  for (int64_t k = 0; k < fn; ++k)
                    gs.push_back(
                        se.read(g, {ni, se.index(f0 + k), ohi, start}, full));
                  for (int64_t j = 0; j < jn; ++j) {
                    Value row =
                        se.read(xp,
                                {ni, ci, arith::AddIOp::create(b, sl, ohi, ii),
                                 se.add(start, j0 + j)},
                                full);
                    if (!full)
                      row = arith::SelectOp::create(b, sl, tailMask, row,
                                                    se.zeros());
                    xs.push_back(row);
                  }
                  for (int64_t k = 0; k < fn; ++k)
                    for (int64_t j = 0; j < jn; ++j)
                      next[k * jn + j] = vector::FMAOp::create(
                          b, sl, gs[k], xs[j], next[k * jn + j]);
                  return next;
                };
                return buildRowSteps(nb, l, ow, lanes, sums, step);
              });
          for (int64_t k = 0; k < fn; ++k)
            for (int64_t j = 0; j < jn; ++j) {
              Value total = vector::ReductionOp::create(
                  ob, ol, vector::CombiningKind::ADD,
                  inner.results[k * jn + j]);
              result = tensor::InsertOp::create(
                  ob, ol, total, result,
                  ValueRange{at[0], oe.index(f0 + k), at[1], oe.index(j0 + j)});
            }
        }
      }
      return result;
    };
    rewriter.replaceOp(
        op, buildOuterLoops(rewriter, loc, init, {0, 2}, parallel, kernelRow));
    return success();
  }
};

struct VectorizeConv : impl::KilnVectorizeConvBase<VectorizeConv> {
  using KilnVectorizeConvBase::KilnVectorizeConvBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DirectConv, DirectFilterGrad>(&getContext(), threads);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln
