//===- Reduction.cpp - reductions and argmax to linalg.generic
//-------------===//
//
// A reduction is a linalg.generic whose output map drops the reduced dims;
// keepdims is an expand_shape of that result, which costs nothing after
// bufferization.
//
//===----------------------------------------------------------------------===//

#include "codegen/LowerToLinalg/Lowering.h"
#include "ir/ShapeUtils.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln;

namespace {

struct ReductionSpace {
  SmallVector<AffineMap> maps; // input, output
  SmallVector<utils::IteratorType> iterators;
  RankedTensorType reducedType; // without keepdims
};

ReductionSpace reductionSpace(RankedTensorType input, ArrayRef<int64_t> axes,
                              Type resultElement, MLIRContext *ctx) {
  int64_t rank = input.getRank();
  Shape reducedAxes = reductionAxes(axes, rank);
  llvm::SmallDenseSet<int64_t> reduced(reducedAxes.begin(), reducedAxes.end());
  ReductionSpace space;
  SmallVector<AffineExpr> outExprs;
  SmallVector<int64_t> outShape;
  for (int64_t i = 0; i < rank; ++i) {
    if (reduced.contains(i)) {
      space.iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    space.iterators.push_back(utils::IteratorType::parallel);
    outExprs.push_back(getAffineDimExpr(i, ctx));
    outShape.push_back(input.getDimSize(i));
  }
  space.maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                AffineMap::get(rank, 0, outExprs, ctx)};
  space.reducedType = RankedTensorType::get(outShape, resultElement);
  return space;
}

template <typename OpTy> struct LowerReduce : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    Type et = type.getElementType();
    auto space = reductionSpace(cast<RankedTensorType>(input.getType()),
                                op.getAxes(), et, rewriter.getContext());
    constexpr bool isSum = std::is_same_v<OpTy, ReduceSumOp>;
    constexpr bool isMax = std::is_same_v<OpTy, ReduceMaxOp>;
    TypedAttr initValue = isSum ? TypedAttr(rewriter.getFloatAttr(et, 0.0))
                                : extremeValue(et, /*lowest=*/isMax);
    Value init = filledTensor(rewriter, loc, space.reducedType, initValue);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{space.reducedType}, ValueRange{input},
        ValueRange{init}, space.maps, space.iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value r;
          if (isSum)
            r = arith::AddFOp::create(b, l, args[0], args[1]);
          else if (isMax)
            r = arith::MaximumFOp::create(b, l, args[0], args[1]);
          else
            r = arith::MinimumFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(
        op, reshapeTensor(rewriter, loc, generic.getResult(0), type));
    return success();
  }
};

/// argmax keeps the running maximum and its index as two outputs of one
/// generic. A strict > keeps the first of equal maxima, >= the last.
struct LowerArgMax : OpConversionPattern<ArgMaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgMaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type et = inType.getElementType();
    int64_t axis = *normalizeAxis(op.getAxis(), inType.getRank());
    auto space = reductionSpace(inType, {axis}, rewriter.getI64Type(),
                                rewriter.getContext());
    auto valueType = space.reducedType.clone(et);
    Value values = filledTensor(rewriter, loc, valueType,
                                extremeValue(et, /*lowest=*/true));
    Value indices = filledTensor(rewriter, loc, space.reducedType,
                                 rewriter.getI64IntegerAttr(0));
    bool last = op.getSelectLastIndex();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, space.reducedType},
        ValueRange{input}, ValueRange{values, indices},
        {space.maps[0], space.maps[1], space.maps[1]}, space.iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value better;
          if (isa<FloatType>(et))
            better = arith::CmpFOp::create(b, l,
                                           last ? arith::CmpFPredicate::OGE
                                                : arith::CmpFPredicate::OGT,
                                           x, best);
          else if (et.isInteger(1)) // i1 is unsigned: true > false.
            better = arith::CmpIOp::create(b, l,
                                           last ? arith::CmpIPredicate::uge
                                                : arith::CmpIPredicate::ugt,
                                           x, best);
          else
            better = arith::CmpIOp::create(b, l,
                                           last ? arith::CmpIPredicate::sge
                                                : arith::CmpIPredicate::sgt,
                                           x, best);
          Value index = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, better, x, best),
                  arith::SelectOp::create(b, l, better, index, bestIndex)});
        });
    rewriter.replaceOp(
        op, reshapeTensor(rewriter, loc, generic.getResult(1), op.getType()));
    return success();
  }
};

} // namespace

void kiln::populateReductionLowering(RewritePatternSet &patterns) {
  patterns.add<LowerReduce<ReduceSumOp>, LowerReduce<ReduceMaxOp>,
               LowerReduce<ReduceMinOp>, LowerArgMax>(patterns.getContext());
}
