//===- Decompose.cpp - composite ops into primitives ----------------------===//
//
// The kiln-decompose pass: applies the patterns of DecomposeRecurrent.cpp and
// DecomposeAttention.cpp with the greedy driver. The patterns always apply
// (kiln types have static shapes, and the ops' shape rules have checked the
// operands), so no composite op is left behind. Also holds the small op
// builder the patterns share.
//
//===----------------------------------------------------------------------===//

#include "passes/Decompose.h"
#include "passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNDECOMPOSE
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

//===----------------------------------------------------------------------===//
// PrimitiveBuilder
//===----------------------------------------------------------------------===//

Value PrimitiveBuilder::matmul(Value lhs, Value rhs, bool transposeRhs) {
  if (!lhs)
    return {};
  return MatmulOp::create(rewriter, loc, lhs, rhs, /*transpose_lhs=*/false,
                          transposeRhs);
}

Value PrimitiveBuilder::add(Value lhs, Value rhs) {
  if (!lhs || !rhs)
    return lhs ? lhs : rhs;
  return AddOp::create(rewriter, loc, lhs, rhs);
}

Value PrimitiveBuilder::sub(Value lhs, Value rhs) {
  return SubOp::create(rewriter, loc, lhs, rhs);
}

Value PrimitiveBuilder::mul(Value lhs, Value rhs) {
  if (!lhs || !rhs)
    return {};
  return MulOp::create(rewriter, loc, lhs, rhs);
}

Value PrimitiveBuilder::sigmoid(Value input) {
  return SigmoidOp::create(rewriter, loc, input);
}

Value PrimitiveBuilder::tanh(Value input) {
  return TanhOp::create(rewriter, loc, input);
}

Value PrimitiveBuilder::relu(Value input) {
  return ReluOp::create(rewriter, loc, input);
}

Value PrimitiveBuilder::softmax(Value input, int64_t axis) {
  return SoftmaxOp::create(rewriter, loc, input, axis);
}

Value PrimitiveBuilder::select(Value condition, Value onTrue, Value onFalse) {
  return SelectOp::create(rewriter, loc, condition, onTrue, onFalse);
}

Value PrimitiveBuilder::reshape(Value input, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType());
  return ReshapeOp::create(rewriter, loc, type.clone(shape), input);
}

Value PrimitiveBuilder::transpose(Value input, ArrayRef<int64_t> perm) {
  return TransposeOp::create(rewriter, loc, input, perm);
}

Value PrimitiveBuilder::concat(ValueRange inputs, int64_t axis) {
  return ConcatOp::create(rewriter, loc, inputs, axis);
}

Value PrimitiveBuilder::slice(Value input, int64_t axis, int64_t start,
                              int64_t limit) {
  if (!input)
    return {};
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input.getType()).getShape();
  SmallVector<int64_t> starts(shape.size(), 0), limits(shape);
  SmallVector<int64_t> steps(shape.size(), 1);
  starts[axis] = start;
  limits[axis] = limit;
  return SliceOp::create(rewriter, loc, input, starts, limits, steps);
}

Value PrimitiveBuilder::scalar(Type elementType, const APFloat &value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, value));
}

Value PrimitiveBuilder::scalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element = FloatAttr::get(elementType, value);
  return ConstantOp::create(rewriter, loc,
                            DenseElementsAttr::get(type, element));
}

Value PrimitiveBuilder::zeros(RankedTensorType type) {
  return ConstantOp::create(rewriter, loc,
                            cast<ElementsAttr>(rewriter.getZeroAttr(type)));
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct DecomposePass : kiln::impl::KilnDecomposeBase<DecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateDecomposeRecurrentPatterns(patterns);
    populateDecomposeAttentionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("kiln-decompose did not converge");
      return signalPassFailure();
    }
  }
};
} // namespace
