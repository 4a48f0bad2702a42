//===- KilnBuilder.cpp - terse construction of kiln IR --------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ShapeUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln {

Value KilnBuilder::splat(RankedTensorType type, double value) {
  Type et = type.getElementType();
  TypedAttr element;
  if (auto ft = dyn_cast<FloatType>(et))
    element = getFloatAttr(ft, value);
  else
    element = getIntegerAttr(et, static_cast<int64_t>(value));
  return ConstantOp::create(*this, DenseElementsAttr::get(type, element));
}

Value KilnBuilder::scalar(Type elementType, double value) {
  return splat(RankedTensorType::get({}, elementType), value);
}

Value KilnBuilder::scalar(Type elementType, const APFloat &value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(*this, DenseElementsAttr::get(type, value));
}

Value KilnBuilder::zeros(RankedTensorType type) {
  return ConstantOp::create(*this, cast<ElementsAttr>(getZeroAttr(type)));
}

Value KilnBuilder::iota(int64_t n) {
  SmallVector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = i;
  auto type = RankedTensorType::get({n}, getI64Type());
  return ConstantOp::create(*this,
                            DenseElementsAttr::get(type, ArrayRef(values)));
}

Value KilnBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getShape() == shape)
    return x;
  return ReshapeOp::create(*this, type.clone(shape), x);
}

Value KilnBuilder::transpose(Value x, ArrayRef<int64_t> perm) {
  return TransposeOp::create(*this, x, perm);
}

Value KilnBuilder::concat(ValueRange inputs, int64_t axis) {
  return ConcatOp::create(*this, inputs, axis);
}

Value KilnBuilder::slice(Value x, int64_t axis, int64_t start, int64_t limit) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(x.getType()).getShape();
  SmallVector<int64_t> starts(shape.size(), 0), limits(shape);
  SmallVector<int64_t> steps(shape.size(), 1);
  starts[axis] = start;
  limits[axis] = limit;
  return SliceOp::create(*this, x, starts, limits, steps);
}

Value KilnBuilder::sum(Value x, ArrayRef<int64_t> axes, bool keepdims) {
  return ReduceSumOp::create(*this, x, getDenseI64ArrayAttr(axes),
                             getBoolAttr(keepdims));
}

Value KilnBuilder::max(Value x, ArrayRef<int64_t> axes, bool keepdims) {
  return ReduceMaxOp::create(*this, x, getDenseI64ArrayAttr(axes),
                             getBoolAttr(keepdims));
}

Value KilnBuilder::mean(Value x, ArrayRef<int64_t> axes, bool keepdims) {
  auto shape = cast<RankedTensorType>(x.getType()).getShape();
  int64_t count = 1;
  if (axes.empty())
    count = numElements(shape);
  for (int64_t axis : axes)
    count *= shape[axis];
  return scale(sum(x, axes, keepdims), 1.0 / static_cast<double>(count));
}

Value KilnBuilder::add(Value a, Value b) { return AddOp::create(*this, a, b); }
Value KilnBuilder::sub(Value a, Value b) { return SubOp::create(*this, a, b); }
Value KilnBuilder::mul(Value a, Value b) { return MulOp::create(*this, a, b); }
Value KilnBuilder::div(Value a, Value b) { return DivOp::create(*this, a, b); }

Value KilnBuilder::scale(Value a, double s) {
  return mul(a, scalar(getElementTypeOrSelf(a.getType()), s));
}

Value KilnBuilder::matmul(Value lhs, Value rhs, bool transposeRhs) {
  return MatmulOp::create(*this, lhs, rhs, /*transpose_lhs=*/false,
                          transposeRhs);
}

Value KilnBuilder::select(Value condition, Value onTrue, Value onFalse) {
  return SelectOp::create(*this, condition, onTrue, onFalse);
}

Value KilnBuilder::softmax(Value x, int64_t axis) {
  return SoftmaxOp::create(*this, x, axis);
}
Value KilnBuilder::sigmoid(Value x) { return SigmoidOp::create(*this, x); }
Value KilnBuilder::tanh(Value x) { return TanhOp::create(*this, x); }
Value KilnBuilder::relu(Value x) { return ReluOp::create(*this, x); }

Value KilnBuilder::unbroadcast(Value grad, RankedTensorType type) {
  auto gradType = cast<RankedTensorType>(grad.getType());
  if (gradType.getShape() == type.getShape())
    return grad;
  int64_t lead = gradType.getRank() - type.getRank();
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < gradType.getRank(); ++i)
    if (i < lead ||
        (type.getDimSize(i - lead) == 1 && gradType.getDimSize(i) != 1))
      axes.push_back(i);
  // No axes: only a reshape (reduce_sum with no axes would sum everything).
  if (!axes.empty())
    grad = sum(grad, axes, /*keepdims=*/false);
  return reshape(grad, type.getShape());
}

SmallVector<int64_t> axesFrom(int64_t from, int64_t rank) {
  SmallVector<int64_t> axes;
  for (int64_t i = from; i < rank; ++i)
    axes.push_back(i);
  return axes;
}

} // namespace kiln
