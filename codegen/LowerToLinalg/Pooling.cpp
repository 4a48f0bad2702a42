//===- Pooling.cpp - max_pool2d_grad to a gather linalg.generic -----------===//
//
// kiln.max_pool2d_grad is a gather over input positions: position (h, w)
// of window (h / KH, w / KW) takes the window's gradient when it equals
// the window's maximum and no earlier position of the window (row-major)
// does. The scalar form reads the window's other positions with
// tensor.extract; kiln-vectorize-pooling replaces it with vector rows
// before this lowering runs in the pipeline.
//
//===----------------------------------------------------------------------===//

#include "codegen/LowerToLinalg/Lowering.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln;

namespace {

struct LowerMaxPoolGrad : OpConversionPattern<MaxPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type et = type.getElementType();
    ArrayRef<int64_t> k = op.getKernelSize();
    Value x = adaptor.getInput(), y = adaptor.getOutput(),
          g = adaptor.getGrad();
    auto id = AffineMap::getMultiDimIdentityMap(4, rewriter.getContext());
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{x},
        ValueRange{emptyTensor(rewriter, loc, type)}, {id, id}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto cst = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          Value n = linalg::IndexOp::create(b, l, 0);
          Value c = linalg::IndexOp::create(b, l, 1);
          Value h = linalg::IndexOp::create(b, l, 2);
          Value w = linalg::IndexOp::create(b, l, 3);
          Value oh = arith::DivUIOp::create(b, l, h, cst(k[0]));
          Value ow = arith::DivUIOp::create(b, l, w, cst(k[1]));
          Value h0 = arith::MulIOp::create(b, l, oh, cst(k[0]));
          Value w0 = arith::MulIOp::create(b, l, ow, cst(k[1]));
          // This position's row-major offset in its window.
          Value pos = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(b, l, arith::SubIOp::create(b, l, h, h0),
                                    cst(k[1])),
              arith::SubIOp::create(b, l, w, w0));
          Value ymax = tensor::ExtractOp::create(b, l, y, {n, c, oh, ow});
          Value grad = tensor::ExtractOp::create(b, l, g, {n, c, oh, ow});
          Value earlier = arith::ConstantIntOp::create(b, l, 0, 1);
          for (int64_t q = 0; q + 1 < k[0] * k[1]; ++q) {
            Value xq = tensor::ExtractOp::create(
                b, l, x,
                {n, c, arith::AddIOp::create(b, l, h0, cst(q / k[1])),
                 arith::AddIOp::create(b, l, w0, cst(q % k[1]))});
            Value hit = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              xq, ymax);
            Value before = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::ult, cst(q), pos);
            earlier = arith::OrIOp::create(
                b, l, earlier, arith::AndIOp::create(b, l, hit, before));
          }
          Value self = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                             args[0], ymax);
          Value notEarlier = arith::XOrIOp::create(
              b, l, earlier, arith::ConstantIntOp::create(b, l, 1, 1));
          Value take = arith::AndIOp::create(b, l, self, notEarlier);
          linalg::YieldOp::create(
              b, l,
              arith::SelectOp::create(b, l, take, grad,
                                      scalarConstant(b, l, et, 0.0))
                  .getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void kiln::populatePoolingLowering(RewritePatternSet &patterns) {
  patterns.add<LowerMaxPoolGrad>(patterns.getContext());
}
