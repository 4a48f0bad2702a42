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

} // namespace kiln
