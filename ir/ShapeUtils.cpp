//===- ShapeUtils.cpp - shape rules shared by ops and tests ---------------===//

#include "ir/ShapeUtils.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

namespace kiln {

std::optional<Shape> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                     llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[rank - 1 - i] = da == 1 ? db : da;
  }
  return result;
}

bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t lead = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[lead + i])
      return false;
  return true;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

Shape reducedShape(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> axes,
                   bool keepdims) {
  Shape result;
  for (int64_t i = 0, e = shape.size(); i < e; ++i) {
    bool reduced = axes.empty() || llvm::is_contained(axes, i);
    if (!reduced)
      result.push_back(shape[i]);
    else if (keepdims)
      result.push_back(1);
  }
  return result;
}

Shape reductionAxes(llvm::ArrayRef<int64_t> axes, int64_t rank) {
  Shape result;
  for (int64_t axis : axes)
    result.push_back(axis < 0 ? axis + rank : axis);
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      result.push_back(i);
  return result;
}

int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool isPermutation(llvm::ArrayRef<int64_t> perm) {
  llvm::SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(perm.size()) || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t padLow, int64_t padHigh, int64_t dilation,
                         bool ceilMode) {
  // Attribute values are arbitrary i64s: an overflow counts as "no fit".
  int64_t span, padded, room;
  if (llvm::MulOverflow(dilation, kernel - 1, span) ||
      llvm::AddOverflow(span, int64_t(1), span) ||
      llvm::AddOverflow(input, padLow, padded) ||
      llvm::AddOverflow(padded, padHigh, padded) ||
      llvm::SubOverflow(padded, span, room))
    return 0;
  if (room < 0 || stride < 1)
    return 0;
  int64_t out;
  if (llvm::AddOverflow(room / stride, int64_t(1), out))
    return 0;
  if (ceilMode && room % stride != 0) {
    // The extra window must start inside the input or its low padding.
    if (out <= (input + padLow - 1) / stride)
      ++out;
  }
  return out;
}

int64_t sliceLength(int64_t start, int64_t limit, int64_t step) {
  if (step <= 0 || limit <= start)
    return 0;
  return (limit - start - 1) / step + 1;
}

} // namespace kiln
