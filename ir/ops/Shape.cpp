//===- Shape.cpp - reshape, transpose, concat, slice, gather, broadcast, pad
//===//

#include "ir/ops/OpUtils.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln;

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type changes from ")
           << in.getElementType() << " to " << out.getElementType();
  if (numElements(in.getShape()) != numElements(out.getShape()))
    return emitOpError("input ")
           << typeStr(in) << " has " << numElements(in.getShape())
           << " elements but the result " << typeStr(out) << " has "
           << numElements(out.getShape());
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) -> reshape(x): only the final shape matters.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(a.getInput()))
    return dense.reshape(getType());
  return {};
}

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput());
  ArrayRef<int64_t> perm = a.getPermutation();
  if (static_cast<int64_t>(perm.size()) != input.getRank() ||
      !isPermutation(perm))
    return opError(loc, getOperationName(), "permutation [", perm,
                   "] is not a permutation of the dims of ", typeStr(input));
  Shape shape;
  for (int64_t p : perm)
    shape.push_back(input.getDimSize(p));
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor a) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(a.getInput()))
    if (DenseElementsAttr folded = transposeConstant(dense, perm))
      return folded;
  // transpose(transpose(x, p), q) -> transpose(x, p o q).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t q : perm)
      composed.push_back(innerPerm[q]);
    if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    setPermutation(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  ValueRange inputs = a.getInputs();
  if (inputs.empty())
    return opError(loc, name, "needs at least one input");
  auto first = tensorType(inputs[0]);
  auto axis = normalizeAxis(a.getAxis(), first.getRank());
  if (!axis)
    return opError(loc, name, "axis ", a.getAxis(),
                   " is out of range for input ", typeStr(first));
  Shape shape(first.getShape());
  shape[*axis] = 0;
  for (auto [i, v] : llvm::enumerate(inputs)) {
    auto t = tensorType(v);
    if (t.getRank() != first.getRank() ||
        t.getElementType() != first.getElementType())
      return opError(loc, name, "input ", i, " ", typeStr(t),
                     " does not match input 0 ", typeStr(first),
                     " in rank or element type");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != *axis && t.getDimSize(d) != first.getDimSize(d))
        return opError(loc, name, "input ", i, " ", typeStr(t),
                       " differs from input 0 ", typeStr(first), " in dim ", d,
                       ", which is not the concat axis");
    if (llvm::AddOverflow(shape[*axis], t.getDimSize(*axis), shape[*axis]))
      return opError(loc, name, "concatenated dim ", *axis,
                     " overflows int64 at input ", i, " ", typeStr(t));
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor a) {
  if (getInputs().size() == 1)
    return getInputs()[0];
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute input : a.getInputs())
    inputs.push_back(dyn_cast_or_null<DenseElementsAttr>(input));
  return concatConstants(inputs, getType(),
                         *normalizeAxis(getAxis(), getType().getRank()));
}

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc, Adaptor a,
                                        SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto input = tensorType(a.getInput());
  size_t rank = input.getRank();
  if (failed(checkArrayLength(loc, name, "starts", a.getStarts(), rank)) ||
      failed(checkArrayLength(loc, name, "limits", a.getLimits(), rank)) ||
      failed(checkArrayLength(loc, name, "steps", a.getSteps(), rank)) ||
      failed(checkAllAtLeast(loc, name, "steps", a.getSteps(), 1)))
    return failure();
  Shape shape;
  for (size_t d = 0; d < rank; ++d) {
    int64_t start = a.getStarts()[d], limit = a.getLimits()[d];
    if (start < 0 || start > limit || limit > input.getDimSize(d))
      return opError(loc, name, "dim ", d, ": need 0 <= start (", start,
                     ") <= limit (", limit, ") <= size (", input.getDimSize(d),
                     ") for input ", typeStr(input));
    shape.push_back(sliceLength(start, limit, a.getSteps()[d]));
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  auto dense = dyn_cast_or_null<DenseElementsAttr>(a.getInput());
  if (!dense)
    return {};
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  return gatherConstant(dense, getType(), [&](int64_t d, int64_t i) {
    return std::make_pair(d, starts[d] + i * steps[d]);
  });
}

//===----------------------------------------------------------------------===//
// gather
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &inferred) {
  auto data = tensorType(a.getData());
  auto indices = tensorType(a.getIndices());
  auto axis = normalizeAxis(a.getAxis(), data.getRank());
  if (!axis)
    return opError(loc, getOperationName(), "axis ", a.getAxis(),
                   " is out of range for data ", typeStr(data));
  Shape shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  inferred.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// broadcast_to
//===----------------------------------------------------------------------===//

LogicalResult BroadcastToOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type changes from ")
           << in.getElementType() << " to " << out.getElementType();
  if (!broadcastsTo(in.getShape(), out.getShape()))
    return emitOpError("input ")
           << typeStr(in) << " does not broadcast to " << typeStr(out);
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(a.getInput()))
    if (dense.isSplat())
      return DenseElementsAttr::get(getType(),
                                    dense.getSplatValue<Attribute>());
  return {};
}

//===----------------------------------------------------------------------===//
// pad
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto input = tensorType(a.getInput());
  size_t rank = input.getRank();
  if (failed(checkArrayLength(loc, name, "low", a.getLow(), rank)) ||
      failed(checkArrayLength(loc, name, "high", a.getHigh(), rank)) ||
      failed(checkAllAtLeast(loc, name, "low", a.getLow(), 0)) ||
      failed(checkAllAtLeast(loc, name, "high", a.getHigh(), 0)))
    return failure();
  Shape shape;
  for (size_t d = 0; d < rank; ++d) {
    int64_t size = input.getDimSize(d);
    int64_t lo = a.getLow()[d], hi = a.getHigh()[d];
    if (a.getMode() == PadMode::reflect && (lo >= size || hi >= size))
      return opError(loc, name, "reflect padding of dim ", d, " (", lo, ", ",
                     hi, ") must be smaller than its size ", size, " in input ",
                     typeStr(input));
    if (a.getMode() == PadMode::edge && size == 0 && (lo || hi))
      return opError(loc, name, "edge padding of dim ", d,
                     " needs a non-empty dim, input is ", typeStr(input));
    int64_t padded;
    if (llvm::AddOverflow(size, lo, padded) ||
        llvm::AddOverflow(padded, hi, padded))
      return opError(loc, name, "padded dim ", d, " of input ", typeStr(input),
                     " overflows int64");
    shape.push_back(padded);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}
