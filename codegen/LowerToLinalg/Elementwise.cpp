//===- Elementwise.cpp - elementwise kiln ops to linalg.generic
//------------===//
//
// Every elementwise op becomes one linalg.generic whose body is the scalar
// form below; broadcasting lives in the indexing maps, so no operand is ever
// materialized at the result's size. Elementwise fusion later merges chains
// of these generics into one loop nest.
//
//===----------------------------------------------------------------------===//

#include "codegen/LowerToLinalg/Lowering.h"

#include "mlir/Transforms/DialectConversion.h"
#include <cmath>

using namespace mlir;
using namespace kiln;

namespace {

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return scalarConstant(b, loc, like.getType(), value);
}

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }
bool isBool(Value v) { return v.getType().isInteger(1); }

// Scalar bodies, one per op. `args` holds the operands' scalars in order.

Value scalarOf(NegOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::NegFOp::create(b, loc, args[0]);
}
Value scalarOf(AbsOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::AbsFOp::create(b, loc, args[0]);
}
Value scalarOf(ExpOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::ExpOp::create(b, loc, args[0]);
}
Value scalarOf(LogOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::LogOp::create(b, loc, args[0]);
}
Value scalarOf(SqrtOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::SqrtOp::create(b, loc, args[0]);
}
Value scalarOf(RsqrtOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::RsqrtOp::create(b, loc, args[0]);
}
Value scalarOf(ReciprocalOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::DivFOp::create(b, loc, constantLike(b, loc, args[0], 1.0),
                               args[0]);
}
Value scalarOf(TanhOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::TanhOp::create(b, loc, args[0]);
}
Value scalarOf(CosOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::CosOp::create(b, loc, args[0]);
}
Value scalarOf(SinOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::SinOp::create(b, loc, args[0]);
}
Value scalarOf(SigmoidOp, OpBuilder &b, Location loc, ValueRange args) {
  // 1 / (1 + exp(-x)): exp overflows to inf for very negative x and the
  // result correctly becomes 0.
  Value one = constantLike(b, loc, args[0], 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}
Value scalarOf(ReluOp, OpBuilder &b, Location loc, ValueRange args) {
  // maximumf propagates NaN, like PyTorch's relu.
  return arith::MaximumFOp::create(b, loc, args[0],
                                   constantLike(b, loc, args[0], 0.0));
}
Value scalarOf(ErfOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::ErfOp::create(b, loc, args[0]);
}
// math.log1p and math.expm1 lower to log(1 + x) and exp(x) - 1 in LLVM,
// which loses every digit of a tiny x. These forms correct the rounding of
// 1 + x (and of exp(x)) with one division (Goldberg, "What every computer
// scientist should know about floating-point arithmetic", theorem 4; Kahan
// for expm1), stay elementwise and vectorize.

/// log(1 + x) = log(u) * x / (u - 1) with u = 1 + x rounded.
Value log1p(OpBuilder &b, Location loc, Value x) {
  Value one = constantLike(b, loc, x, 1.0);
  Value u = arith::AddFOp::create(b, loc, one, x);
  Value d = arith::SubFOp::create(b, loc, u, one);
  Value r = arith::MulFOp::create(b, loc, math::LogOp::create(b, loc, u),
                                  arith::DivFOp::create(b, loc, x, d));
  // u == 1: x is below rounding and log1p(x) = x; u infinite: log(u).
  Value tiny = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, u, one);
  Value huge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, u,
                                     constantLike(b, loc, x, INFINITY));
  r = arith::SelectOp::create(b, loc, huge, u, r);
  return arith::SelectOp::create(b, loc, tiny, x, r);
}

/// exp(x) - 1 = (u - 1) * x / log(u) with u = exp(x) rounded.
Value expm1(OpBuilder &b, Location loc, Value x) {
  Value one = constantLike(b, loc, x, 1.0);
  Value u = math::ExpOp::create(b, loc, x);
  Value um1 = arith::SubFOp::create(b, loc, u, one);
  Value r = arith::MulFOp::create(
      b, loc, um1,
      arith::DivFOp::create(b, loc, x, math::LogOp::create(b, loc, u)));
  auto is = [&](Value v, double c) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, v,
                                 constantLike(b, loc, x, c));
  };
  // u == 1: expm1(x) = x; u - 1 == -1 (x very negative) or u infinite: u - 1.
  r = arith::SelectOp::create(b, loc, is(um1, -1.0), um1, r);
  r = arith::SelectOp::create(b, loc, is(u, INFINITY), um1, r);
  return arith::SelectOp::create(b, loc, is(u, 1.0), x, r);
}

Value softplus(OpBuilder &b, Location loc, Value x) {
  // max(x, 0) + log1p(exp(-|x|)): exact and never overflows.
  Value zero = constantLike(b, loc, x, 0.0);
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  return arith::AddFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, x, zero),
      log1p(b, loc, math::ExpOp::create(b, loc, negAbs)));
}
Value scalarOf(SoftplusOp, OpBuilder &b, Location loc, ValueRange args) {
  return softplus(b, loc, args[0]);
}
Value positiveOr(OpBuilder &b, Location loc, Value x, Value otherwise) {
  Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                         constantLike(b, loc, x, 0.0));
  return arith::SelectOp::create(b, loc, positive, x, otherwise);
}
Value scalarOf(LeakyReluOp op, OpBuilder &b, Location loc, ValueRange args) {
  Value alpha = constantLike(b, loc, args[0], op.getAlpha().convertToFloat());
  return positiveOr(b, loc, args[0],
                    arith::MulFOp::create(b, loc, alpha, args[0]));
}
/// alpha * (exp(x) - 1), the negative branch of elu and selu.
Value eluTail(OpBuilder &b, Location loc, Value x, float alpha) {
  return arith::MulFOp::create(b, loc, constantLike(b, loc, x, alpha),
                               expm1(b, loc, x));
}
Value scalarOf(EluOp op, OpBuilder &b, Location loc, ValueRange args) {
  return positiveOr(b, loc, args[0],
                    eluTail(b, loc, args[0], op.getAlpha().convertToFloat()));
}
Value scalarOf(SeluOp op, OpBuilder &b, Location loc, ValueRange args) {
  Value elu =
      positiveOr(b, loc, args[0],
                 eluTail(b, loc, args[0], op.getAlpha().convertToFloat()));
  return arith::MulFOp::create(
      b, loc, constantLike(b, loc, args[0], op.getGamma().convertToFloat()),
      elu);
}
Value scalarOf(GeluOp op, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  auto c = [&](double v) { return constantLike(b, loc, x, v); };
  Value inner;
  if (op.getApproximate()) {
    // tanh(sqrt(2 / pi) * (x + 0.044715 x^3))
    Value x3 =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, c(0.044715), x3));
    inner = math::TanhOp::create(
        b, loc, arith::MulFOp::create(b, loc, c(std::sqrt(2.0 / M_PI)), poly));
  } else {
    inner = math::ErfOp::create(b, loc,
                                arith::MulFOp::create(b, loc, x, c(M_SQRT1_2)));
  }
  Value half = arith::MulFOp::create(b, loc, c(0.5), x);
  return arith::MulFOp::create(b, loc, half,
                               arith::AddFOp::create(b, loc, c(1.0), inner));
}
Value scalarOf(ClipOp op, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  if (auto lo = op.getMin())
    x = arith::MaximumFOp::create(
        b, loc, x, constantLike(b, loc, x, lo->convertToFloat()));
  if (auto hi = op.getMax())
    x = arith::MinimumFOp::create(
        b, loc, x, constantLike(b, loc, x, hi->convertToFloat()));
  return x;
}

// Binary ops: float and integer forms; i1 is unsigned (true = 1 > false),
// so max/min/div of i1 use the unsigned form `UOp`.
template <typename FOp, typename IOp, typename UOp = IOp>
Value binary(OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0]))
    return FOp::create(b, loc, args[0], args[1]);
  if (isBool(args[0]))
    return UOp::create(b, loc, args[0], args[1]);
  return IOp::create(b, loc, args[0], args[1]);
}
Value scalarOf(AddOp, OpBuilder &b, Location loc, ValueRange args) {
  return binary<arith::AddFOp, arith::AddIOp>(b, loc, args);
}
Value scalarOf(SubOp, OpBuilder &b, Location loc, ValueRange args) {
  return binary<arith::SubFOp, arith::SubIOp>(b, loc, args);
}
Value scalarOf(MulOp, OpBuilder &b, Location loc, ValueRange args) {
  return binary<arith::MulFOp, arith::MulIOp>(b, loc, args);
}
Value scalarOf(DivOp, OpBuilder &b, Location loc, ValueRange args) {
  return binary<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(b, loc, args);
}
Value scalarOf(PowOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::PowFOp::create(b, loc, args[0], args[1]);
}
Value scalarOf(MaxOp, OpBuilder &b, Location loc, ValueRange args) {
  return binary<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(b, loc,
                                                                   args);
}
Value scalarOf(MinOp, OpBuilder &b, Location loc, ValueRange args) {
  return binary<arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(b, loc,
                                                                   args);
}

Value compare(OpBuilder &b, Location loc, ValueRange args,
              arith::CmpFPredicate fp, arith::CmpIPredicate sp,
              arith::CmpIPredicate up) {
  if (isFloat(args[0]))
    return arith::CmpFOp::create(b, loc, fp, args[0], args[1]);
  // i1 compares as unsigned so that true > false.
  return arith::CmpIOp::create(b, loc, isBool(args[0]) ? up : sp, args[0],
                               args[1]);
}
Value scalarOf(EqOp, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, args, arith::CmpFPredicate::OEQ,
                 arith::CmpIPredicate::eq, arith::CmpIPredicate::eq);
}
Value scalarOf(LtOp, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, args, arith::CmpFPredicate::OLT,
                 arith::CmpIPredicate::slt, arith::CmpIPredicate::ult);
}
Value scalarOf(LeOp, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, args, arith::CmpFPredicate::OLE,
                 arith::CmpIPredicate::sle, arith::CmpIPredicate::ule);
}
Value scalarOf(GtOp, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, args, arith::CmpFPredicate::OGT,
                 arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt);
}
Value scalarOf(GeOp, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, args, arith::CmpFPredicate::OGE,
                 arith::CmpIPredicate::sge, arith::CmpIPredicate::uge);
}
Value scalarOf(SelectOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
}

/// One pattern for every op with a scalarOf overload.
template <typename OpTy> struct LowerElementwise : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result =
        buildElementwise(rewriter, op.getLoc(), type, adaptor.getOperands(),
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return scalarOf(op, b, loc, args);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerCast : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), type, adaptor.getInput(),
                             [&](OpBuilder &b, Location loc, ValueRange args) {
                               return convertScalar(b, loc, args[0],
                                                    type.getElementType());
                             }));
    return success();
  }
};

/// broadcast_to is an elementwise copy whose input map broadcasts.
struct LowerBroadcastTo : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op,
        buildElementwise(
            rewriter, op.getLoc(), op.getType(), adaptor.getInput(),
            [](OpBuilder &, Location, ValueRange args) { return args[0]; }));
    return success();
  }
};

struct LowerStopGradient : OpConversionPattern<StopGradientOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StopGradientOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// The dropout keep test for one element: splitmix64 of seed and linear
/// index gives 24 uniform bits u; the element is kept when u >= ratio * 2^24.
/// A counter-based hash needs no state, so the mask is a pure function of
/// (seed, index) and the same seed reproduces it anywhere.
Value dropoutKeep(OpBuilder &b, Location loc, Value seed, Value index,
                  float ratio) {
  Type i64 = b.getI64Type();
  auto c = [&](uint64_t v) {
    return arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(i64, static_cast<int64_t>(v)));
  };
  auto mixStep = [&](Value z, uint64_t shift, uint64_t mult) {
    Value x = arith::XOrIOp::create(
        b, loc, z, arith::ShRUIOp::create(b, loc, z, c(shift)));
    return arith::MulIOp::create(b, loc, x, c(mult));
  };
  Value z = arith::AddIOp::create(
      b, loc, seed,
      arith::MulIOp::create(b, loc, index, c(0x9E3779B97F4A7C15ull)));
  z = mixStep(z, 30, 0xBF58476D1CE4E5B9ull);
  z = mixStep(z, 27, 0x94D049BB133111EBull);
  z = arith::XOrIOp::create(b, loc, z,
                            arith::ShRUIOp::create(b, loc, z, c(31)));
  Value bits = arith::ShRUIOp::create(b, loc, z, c(40));
  auto threshold = static_cast<uint64_t>(std::ceil(ratio * double(1 << 24)));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, bits,
                               c(threshold));
}

struct LowerDropout : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getOutput().getType();
    auto maskType = op.getMask().getType();
    if (!op.getTraining() || op.getRatio().convertToFloat() == 0.0f) {
      Value mask = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(maskType, true));
      rewriter.replaceOp(op, {adaptor.getInput(), mask});
      return success();
    }
    float ratio = op.getRatio().convertToFloat();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    auto identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    auto scalarMap = AffineMap::get(rank, 0, {}, ctx);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type, maskType},
        ValueRange{adaptor.getInput(), adaptor.getSeed()},
        ValueRange{emptyTensor(rewriter, loc, type),
                   emptyTensor(rewriter, loc, maskType)},
        {identity, scalarMap, identity, identity}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          // Row-major linear index of this element.
          Value index = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0));
          for (int64_t d = 0; d < rank; ++d) {
            Value i = arith::IndexCastOp::create(
                b, l, b.getI64Type(), linalg::IndexOp::create(b, l, d));
            Value size = arith::ConstantOp::create(
                b, l, b.getI64IntegerAttr(type.getDimSize(d)));
            index = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, index, size), i);
          }
          Value keep = dropoutKeep(b, l, args[1], index, ratio);
          Value scaled = arith::MulFOp::create(
              b, l, args[0], constantLike(b, l, args[0], 1.0 / (1.0 - ratio)));
          Value out = arith::SelectOp::create(b, l, keep, scaled,
                                              constantLike(b, l, args[0], 0.0));
          linalg::YieldOp::create(b, l, ValueRange{out, keep});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void kiln::populateElementwiseLowering(RewritePatternSet &patterns) {
  patterns.add<
      LowerElementwise<NegOp>, LowerElementwise<AbsOp>, LowerElementwise<ExpOp>,
      LowerElementwise<LogOp>, LowerElementwise<SqrtOp>,
      LowerElementwise<RsqrtOp>, LowerElementwise<ReciprocalOp>,
      LowerElementwise<TanhOp>, LowerElementwise<CosOp>,
      LowerElementwise<SinOp>, LowerElementwise<SigmoidOp>,
      LowerElementwise<ReluOp>, LowerElementwise<ErfOp>,
      LowerElementwise<SoftplusOp>, LowerElementwise<LeakyReluOp>,
      LowerElementwise<EluOp>, LowerElementwise<SeluOp>,
      LowerElementwise<GeluOp>, LowerElementwise<ClipOp>,
      LowerElementwise<AddOp>, LowerElementwise<SubOp>, LowerElementwise<MulOp>,
      LowerElementwise<DivOp>, LowerElementwise<PowOp>, LowerElementwise<MaxOp>,
      LowerElementwise<MinOp>, LowerElementwise<EqOp>, LowerElementwise<LtOp>,
      LowerElementwise<LeOp>, LowerElementwise<GtOp>, LowerElementwise<GeOp>,
      LowerElementwise<SelectOp>, LowerCast, LowerBroadcastTo,
      LowerStopGradient, LowerDropout>(patterns.getContext());
}
