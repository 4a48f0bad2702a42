//===- OpUtils.cpp - helpers for kiln verifiers and shape rules -----------===//

#include "ir/ops/OpUtils.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

std::string typeStr(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    for (int64_t d : shaped.getShape())
      os << d << "x";
    os << shaped.getElementType();
  } else {
    os << type;
  }
  return s;
}

bool isSplatOf(Attribute attr, double value) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat())
    return false;
  Type elt = dense.getElementType();
  if (isa<FloatType>(elt))
    return dense.getSplatValue<APFloat>().convertToDouble() == value;
  if (elt.isInteger(1))
    return dense.getSplatValue<bool>() == (value != 0);
  if (isa<IntegerType>(elt))
    return static_cast<double>(dense.getSplatValue<APInt>().getSExtValue()) ==
           value;
  return false;
}

LogicalResult checkArrayLength(std::optional<Location> loc, StringRef opName,
                               StringRef attrName, ArrayRef<int64_t> values,
                               size_t expected) {
  if (values.size() == expected)
    return success();
  return opError(loc, opName, "'", attrName, "' has ", values.size(),
                 " entries, expected ", expected);
}

LogicalResult checkAllAtLeast(std::optional<Location> loc, StringRef opName,
                              StringRef attrName, ArrayRef<int64_t> values,
                              int64_t minimum) {
  for (int64_t v : values)
    if (v < minimum)
      return opError(loc, opName, "'", attrName,
                     "' entries must be >= ", minimum, ", got ", v);
  return success();
}

namespace {

/// Whether `attr`'s raw data holds each element in whole bytes.
bool hasByteElements(DenseElementsAttr attr) {
  Type et = attr.getElementType();
  return et.isIntOrFloat() && et.getIntOrFloatBitWidth() % 8 == 0;
}

/// Appends `count` elements of `attr` from element `index` on (a splat
/// repeats its one element).
void appendElements(DenseElementsAttr attr, int64_t index, int64_t count,
                    std::vector<char> &out) {
  size_t width = attr.getElementType().getIntOrFloatBitWidth() / 8;
  ArrayRef<char> data = attr.getRawData();
  if (attr.isSplat()) {
    for (int64_t i = 0; i < count; ++i)
      out.insert(out.end(), data.begin(), data.begin() + width);
    return;
  }
  const char *begin = data.data() + index * width;
  out.insert(out.end(), begin, begin + count * width);
}

} // namespace

DenseElementsAttr gatherConstant(
    DenseElementsAttr input, RankedTensorType type,
    function_ref<std::pair<int64_t, int64_t>(int64_t, int64_t)> source) {
  if (!input || !hasByteElements(input))
    return {};
  if (input.isSplat())
    return input.resizeSplat(type);
  // An odometer over the result's indices in row-major order.
  ArrayRef<int64_t> in = cast<ShapedType>(input.getType()).getShape(),
                    out = type.getShape();
  int64_t rank = out.size();
  SmallVector<int64_t> strides(in.size(), 1), at(rank, 0);
  for (int64_t d = static_cast<int64_t>(in.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * in[d + 1];
  std::vector<char> bytes;
  for (int64_t n = numElements(out); n > 0; --n) {
    int64_t index = 0;
    for (int64_t d = 0; d < rank; ++d) {
      auto [dim, i] = source(d, at[d]);
      index += i * strides[dim];
    }
    appendElements(input, index, 1, bytes);
    for (int64_t d = rank - 1; d >= 0 && ++at[d] == out[d]; --d)
      at[d] = 0;
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

DenseElementsAttr transposeConstant(DenseElementsAttr input,
                                    ArrayRef<int64_t> perm) {
  if (!input)
    return {};
  auto in = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(in.getDimSize(p));
  return gatherConstant(input, in.clone(shape), [&](int64_t d, int64_t i) {
    return std::make_pair(perm[d], i);
  });
}

DenseElementsAttr concatConstants(ArrayRef<DenseElementsAttr> inputs,
                                  RankedTensorType type, int64_t axis) {
  if (!llvm::all_of(
          inputs, [](DenseElementsAttr a) { return a && hasByteElements(a); }))
    return {};
  // Row-major: for each index of the dims before the axis, each input's
  // block of (its axis size) x (the dims after the axis) elements in turn.
  int64_t outer = numElements(type.getShape().take_front(axis));
  int64_t inner = numElements(type.getShape().drop_front(axis + 1));
  std::vector<char> bytes;
  for (int64_t o = 0; o < outer; ++o)
    for (DenseElementsAttr input : inputs) {
      int64_t block =
          cast<ShapedType>(input.getType()).getDimSize(axis) * inner;
      appendElements(input, o * block, block, bytes);
    }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

} // namespace kiln
