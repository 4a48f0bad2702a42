//===- GradUtils.cpp - pieces shared by the ops' gradient rules -----------===//

#include "ir/ops/GradUtils.h"

using namespace mlir;

namespace kiln::grad {

Value sumAxes(KilnBuilder &b, Value x, ArrayRef<int64_t> axes, bool keepdims) {
  if (axes.empty())
    return x;
  return ReduceSumOp::create(b, x, axes, keepdims);
}

Value toFloat(KilnBuilder &b, Value c, Type et) {
  return CastOp::create(b, tensorType(c).clone(et), c);
}

Value sliceBox(KilnBuilder &b, Value x, ArrayRef<int64_t> starts,
               ArrayRef<int64_t> sizes) {
  ArrayRef<int64_t> shape = tensorType(x).getShape();
  SmallVector<int64_t> limits, steps(shape.size(), 1);
  bool whole = true;
  for (size_t i = 0; i < shape.size(); ++i) {
    limits.push_back(starts[i] + sizes[i]);
    whole &= starts[i] == 0 && sizes[i] == shape[i];
  }
  if (whole)
    return x;
  return SliceOp::create(b, x, starts, limits, steps);
}

Value zeroPad(KilnBuilder &b, Value x, ArrayRef<int64_t> low,
              ArrayRef<int64_t> high) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return x;
  return PadOp::create(b, x, low, high, PadMode::constant, APFloat(0.0));
}

Value unslice(KilnBuilder &b, Value g, ArrayRef<int64_t> full,
              ArrayRef<int64_t> starts, ArrayRef<int64_t> steps) {
  ArrayRef<int64_t> shape = tensorType(g).getShape();
  int64_t rank = shape.size();
  // Interleave step - 1 zeros after each element of a strided dim: view
  // [n] as [n, 1], pad the unit dim to [n, step], and flatten to n * step.
  SmallVector<int64_t> extent(shape);
  if (llvm::any_of(steps, [](int64_t s) { return s > 1; })) {
    SmallVector<int64_t> split, low, high;
    for (int64_t i = 0; i < rank; ++i) {
      split.push_back(shape[i]);
      low.push_back(0);
      high.push_back(0);
      if (steps[i] > 1) {
        split.push_back(1);
        low.push_back(0);
        high.push_back(steps[i] - 1);
        extent[i] = shape[i] * steps[i];
      }
    }
    g = zeroPad(b, b.reshape(g, split), low, high);
    g = b.reshape(g, extent);
  }
  // The trailing zeros of the last element may run past the end.
  SmallVector<int64_t> zeros(rank, 0), kept(rank), low(rank), high(rank);
  for (int64_t i = 0; i < rank; ++i) {
    kept[i] = std::min(extent[i], full[i] - starts[i]);
    low[i] = starts[i];
    high[i] = full[i] - starts[i] - kept[i];
  }
  g = sliceBox(b, g, zeros, kept);
  return zeroPad(b, g, low, high);
}

Value floatConstant(KilnBuilder &b, RankedTensorType type,
                    ArrayRef<double> values) {
  auto ft = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> elements;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    elements.push_back(f);
  }
  return ConstantOp::create(b, DenseElementsAttr::get(type, elements));
}

Value applyAlongAxis(KilnBuilder &b, Value g, Value m, int64_t axis) {
  ArrayRef<int64_t> shape = tensorType(g).getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t in = tensorType(m).getDimSize(0);
  // [outer, out, inner] -> m [in, out] @ g -> [outer, in, inner]; the
  // rank-2 m broadcasts over the batch dim.
  Value flat = b.reshape(g, {outer, shape[axis], inner});
  Value r = MatmulOp::create(b, m, flat, false, false);
  SmallVector<int64_t> result(shape);
  result[axis] = in;
  return b.reshape(r, result);
}

Value gatherGrad(KilnBuilder &b, Value g, Value indices,
                 RankedTensorType dataType, int64_t axis) {
  Type et = dataType.getElementType();
  int64_t dim = dataType.getDimSize(axis);
  int64_t count = tensorType(indices).getNumElements();
  Value idx = b.reshape(indices, {count});
  if (!tensorType(idx).getElementType().isInteger(64))
    idx = CastOp::create(b, tensorType(idx).clone(b.getI64Type()), idx);
  // Negative indices count from the end.
  Value negative = LtOp::create(b, idx, b.scalar(b.getI64Type(), 0));
  idx = select(b, negative, b.add(idx, b.scalar(b.getI64Type(), dim)), idx);
  // oneHot[d, p] = (idx[p] == d): [dim, count].
  Value oneHot = EqOp::create(b, b.reshape(b.iota(dim), {dim, 1}),
                              b.reshape(idx, {1, count}));
  Value m = toFloat(b, oneHot, et);
  // g is data.shape[:axis] + indices.shape + data.shape[axis + 1:]; view the
  // index dims as one.
  ArrayRef<int64_t> dshape = dataType.getShape();
  SmallVector<int64_t> view(dshape.take_front(axis));
  view.push_back(count);
  llvm::append_range(view, dshape.drop_front(axis + 1));
  Value r = applyAlongAxis(b, b.reshape(g, view), m, axis);
  return b.reshape(r, dshape);
}

} // namespace kiln::grad
