//===- DataMovement.cpp - constants and shape ops to tensor and linalg
//-----===//

#include "codegen/LowerToLinalg/Lowering.h"
#include "ir/ShapeUtils.h"
#include "ir/ops/OpUtils.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln;

namespace {

struct LowerConstant : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, op.getType(), cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct LowerReshape : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(),
                                         adaptor.getInput(), op.getType()));
    return success();
  }
};

struct LowerTranspose : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value init = emptyTensor(rewriter, op.getLoc(), op.getType());
    ArrayRef<int64_t> perm = op.getPermutation();
    // Keeping the innermost dim, the copy moves whole rows: a generic, so
    // that the elementwise schedule vectorizes it (a convolution gradient's
    // [N, C] <-> [C, N] swaps).
    if (!perm.empty() && perm.back() == static_cast<int64_t>(perm.size()) - 1) {
      SmallVector<unsigned> p(perm.begin(), perm.end());
      rewriter.replaceOp(
          op, permutedCopy(rewriter, op.getLoc(), adaptor.getInput(), init, p));
      return success();
    }
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPermutation())
                               .getResult()[0]);
    return success();
  }
};

/// Concat writes each input into its slot of the result.
struct LowerConcat : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    Value result = emptyTensor(rewriter, loc, type);
    int64_t offset = 0;
    for (Value input : adaptor.getInputs()) {
      auto shape = tensorType(input).getShape();
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, ValueRange{}, ValueRange{},
          ValueRange{}, offsets, shape, strides);
      offset += shape[axis];
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerSlice : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, adaptor.getInput(), ValueRange{}, ValueRange{}, ValueRange{},
        op.getStarts(), type.getShape(), op.getSteps());
    return success();
  }
};

/// Maps a possibly negative index into [0, size): wraps negatives once, then
/// clamps, so that a bad label can never read outside the tensor.
Value safeIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  Type t = index.getType();
  Value zero = scalarConstant(b, loc, t, 0);
  Value n = scalarConstant(b, loc, t, size);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::SelectOp::create(
      b, loc, negative, arith::AddIOp::create(b, loc, index, n), index);
  Value clamped = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, wrapped, zero),
      scalarConstant(b, loc, t, size - 1));
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), clamped);
}

/// out[pre..., idx..., post...] = data[pre..., indices[idx...], post...]
struct LowerGather : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = tensorType(data);
    int64_t axis = *normalizeAxis(op.getAxis(), dataType.getRank());
    int64_t indexRank = tensorType(indices).getRank();
    int64_t rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < indexRank; ++i)
      indexExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, indexExprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices},
        ValueRange{emptyTensor(rewriter, loc, type)}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> coords;
          for (int64_t i = 0; i < axis; ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i));
          coords.push_back(safeIndex(b, l, args[0], dataType.getDimSize(axis)));
          for (int64_t i = axis + indexRank; i < rank; ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i));
          linalg::YieldOp::create(
              b, l, ValueRange{tensor::ExtractOp::create(b, l, data, coords)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct LowerPad : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Value input = adaptor.getInput();
    auto low = op.getLow(), high = op.getHigh();
    if (op.getMode() == PadMode::constant) {
      // The f64 value converts like kiln.cast: truncated toward zero for
      // integers, nonzero is true for i1 (a plain truncation would make 0.5
      // and 2.0 false).
      Type et = type.getElementType();
      double v = op.getValue().convertToDouble();
      Value value = et.isInteger(1)
                        ? scalarConstant(rewriter, loc, et, v != 0.0 ? 1 : 0)
                        : scalarConstant(rewriter, loc, et, v);
      rewriter.replaceOpWithNewOp<tensor::PadOp>(
          op, type, input, getAsIndexOpFoldResult(rewriter.getContext(), low),
          getAsIndexOpFoldResult(rewriter.getContext(), high), value);
      return success();
    }
    // reflect and edge read the input at a mapped coordinate.
    bool reflect = op.getMode() == PadMode::reflect;
    auto inType = tensorType(input);
    int64_t rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{},
        ValueRange{emptyTensor(rewriter, loc, type)},
        {AffineMap::getMultiDimIdentityMap(rank, ctx)}, iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d) {
            int64_t size = inType.getDimSize(d);
            auto c = [&](int64_t v) {
              return arith::ConstantIndexOp::create(b, l, v);
            };
            Value i = arith::SubIOp::create(
                b, l, linalg::IndexOp::create(b, l, d), c(low[d]));
            if (reflect) {
              // -i before the start, 2 (size - 1) - i past the end.
              Value before = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::slt, i, c(0));
              i = arith::SelectOp::create(
                  b, l, before, arith::SubIOp::create(b, l, c(0), i), i);
              Value after = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::sge, i, c(size));
              i = arith::SelectOp::create(
                  b, l, after,
                  arith::SubIOp::create(b, l, c(2 * (size - 1)), i), i);
            }
            // Clamp: the edge mode itself, and a guard for reflect.
            i = arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, i, c(0)), c(size - 1));
            coords.push_back(i);
          }
          linalg::YieldOp::create(
              b, l, ValueRange{tensor::ExtractOp::create(b, l, input, coords)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void kiln::populateDataMovementLowering(RewritePatternSet &patterns) {
  patterns.add<LowerConstant, LowerReshape, LowerTranspose, LowerConcat,
               LowerSlice, LowerGather, LowerPad>(patterns.getContext());
}
