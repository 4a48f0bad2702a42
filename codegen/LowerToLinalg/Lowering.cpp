//===- Lowering.cpp - kiln-lower-to-linalg pass and shared helpers
//---------===//

#include "codegen/LowerToLinalg/Lowering.h"
#include "codegen/Passes.h"
#include "ir/ShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {
#define GEN_PASS_DEF_KILNLOWERTOLINALG
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {

AffineMap broadcastMap(ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape, MLIRContext *ctx) {
  int64_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, dim] : llvm::enumerate(operandShape)) {
    if (dim == 1 && resultShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   TypedAttr value) {
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, ValueRange{scalar},
                                ValueRange{emptyTensor(b, loc, type)})
      .getResult(0);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  auto shape = resultType.getShape();
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        cast<RankedTensorType>(input.getType()).getShape(), shape, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(shape.size(), ctx));
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs,
             ValueRange{emptyTensor(b, loc, resultType)}, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value result = body(nb, nloc, args.drop_back());
               linalg::YieldOp::create(nb, nloc, result);
             })
      .getResult(0);
}

Value permutedCopy(OpBuilder &b, Location loc, Value src, Value dest,
                   ArrayRef<unsigned> perm) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = perm.size();
  SmallVector<AffineExpr> exprs(rank);
  for (int64_t i = 0; i < rank; ++i)
    exprs[perm[i]] = getAffineDimExpr(i, ctx);
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, ctx),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{dest.getType()}, ValueRange{src},
             ValueRange{dest}, maps, iterators,
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

TypedAttr extremeValue(Type type, bool lowest) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(
        ft, APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/lowest));
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return IntegerAttr::get(type, lowest ? 0 : 1);
  return IntegerAttr::get(type, lowest ? APInt::getSignedMinValue(width)
                                       : APInt::getSignedMaxValue(width));
}

Value reshapeTensor(OpBuilder &b, Location loc, Value value,
                    RankedTensorType type) {
  auto from = cast<RankedTensorType>(value.getType());
  if (from == type)
    return value;
  if (from.getRank() > type.getRank() && type.getRank() > 0)
    if (auto re = getReassociationIndicesForCollapse(from.getShape(),
                                                     type.getShape()))
      return tensor::CollapseShapeOp::create(b, loc, type, value, *re);
  if (from.getRank() < type.getRank() && from.getRank() > 0)
    if (auto re = getReassociationIndicesForCollapse(type.getShape(),
                                                     from.getShape()))
      return tensor::ExpandShapeOp::create(b, loc, type, value, *re);
  // Through a 1-D tensor: collapse everything, then expand to the target. A
  // rank-0 end uses the empty reassociation.
  auto flat = RankedTensorType::get({numElements(from.getShape())},
                                    from.getElementType());
  auto all = [](int64_t rank) {
    SmallVector<ReassociationIndices> re;
    if (rank > 0)
      re.push_back(llvm::to_vector(llvm::seq<int64_t>(0, rank)));
    return re;
  };
  Value v =
      from.getRank() == 0
          ? Value(tensor::ExpandShapeOp::create(b, loc, flat, value, all(0)))
          : Value(tensor::CollapseShapeOp::create(b, loc, flat, value,
                                                  all(from.getRank())));
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, v, all(0));
  return tensor::ExpandShapeOp::create(b, loc, type, v, all(type.getRank()));
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  bool fromBool = from.isInteger(1), toBool = to.isInteger(1);
  if (toBool) {
    Value zero = scalarConstant(b, loc, from, 0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (fromFloat && toFloat) {
    if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, to, value);
    return arith::TruncFOp::create(b, loc, to, value);
  }
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, value);
  if (toFloat)
    return fromBool ? Value(arith::UIToFPOp::create(b, loc, to, value))
                    : Value(arith::SIToFPOp::create(b, loc, to, value));
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return fromBool ? Value(arith::ExtUIOp::create(b, loc, to, value))
                    : Value(arith::ExtSIOp::create(b, loc, to, value));
  return arith::TruncIOp::create(b, loc, to, value);
}

} // namespace kiln

namespace {
struct LowerToLinalgPass
    : kiln::impl::KilnLowerToLinalgBase<LowerToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           func::FuncDialect>();
    target.addIllegalDialect<kiln::KilnDialect>();
    RewritePatternSet patterns(ctx);
    kiln::populateElementwiseLowering(patterns);
    kiln::populateContractionLowering(patterns, convIm2col);
    kiln::populateReductionLowering(patterns);
    kiln::populateDataMovementLowering(patterns);
    kiln::populatePoolingLowering(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
