//===- Elementwise.cpp - constant, unary, binary, compare, select, cast ---===//

#include "ir/ops/OpUtils.h"

using namespace mlir;
using namespace kiln;

//===----------------------------------------------------------------------===//
// Constant and unary
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

LogicalResult ClipOp::verify() {
  if (getMin() && getMax() &&
      getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError("min ")
           << getMin()->convertToDouble() << " is greater than max "
           << getMax()->convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// Binary and compare: NumPy broadcasting
//===----------------------------------------------------------------------===//

/// The shared shape rule of binary, compare and select operands: element
/// types agree and shapes broadcast. Returns the broadcast shape.
static FailureOr<Shape> broadcastOperands(std::optional<Location> loc,
                                          StringRef opName,
                                          ArrayRef<StringRef> names,
                                          ArrayRef<Value> values) {
  Shape shape;
  Type elementType;
  StringRef elementTypeFrom;
  for (auto [name, value] : llvm::zip(names, values)) {
    auto type = tensorType(value);
    if (name != "condition") {
      if (elementType && type.getElementType() != elementType)
        return opError(loc, opName, "operand '", name, "' has element type ",
                       type.getElementType(), " but '", elementTypeFrom,
                       "' has ", elementType);
      elementType = type.getElementType();
      elementTypeFrom = name;
    }
    auto b = broadcastShapes(shape, type.getShape());
    if (!b)
      return opError(loc, opName, "operand '", name, "' of type ",
                     typeStr(type), " does not broadcast with shape [",
                     llvm::make_range(shape.begin(), shape.end()), "]");
    shape = *b;
  }
  return shape;
}

static LogicalResult inferBinary(std::optional<Location> loc, StringRef opName,
                                 Value lhs, Value rhs, bool compare,
                                 bool floatOnly,
                                 SmallVectorImpl<Type> &inferred) {
  auto shape = broadcastOperands(loc, opName, {"lhs", "rhs"}, {lhs, rhs});
  if (failed(shape))
    return failure();
  Type elt = tensorType(lhs).getElementType();
  if (floatOnly && !isa<FloatType>(elt))
    return opError(loc, opName, "needs float operands, got lhs ",
                   typeStr(lhs.getType()), " and rhs ", typeStr(rhs.getType()));
  if (compare)
    elt = IntegerType::get(lhs.getContext(), 1);
  inferred.push_back(RankedTensorType::get(*shape, elt));
  return success();
}

#define KILN_BINARY_INFER(OP, COMPARE, FLOAT_ONLY)                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> l, \
                                     Adaptor a,                                \
                                     SmallVectorImpl<Type> &types) {           \
    return inferBinary(l, getOperationName(), a.getLhs(), a.getRhs(), COMPARE, \
                       FLOAT_ONLY, types);                                     \
  }
KILN_BINARY_INFER(AddOp, false, false)
KILN_BINARY_INFER(SubOp, false, false)
KILN_BINARY_INFER(MulOp, false, false)
KILN_BINARY_INFER(DivOp, false, false)
KILN_BINARY_INFER(PowOp, false, true)
KILN_BINARY_INFER(MaxOp, false, false)
KILN_BINARY_INFER(MinOp, false, false)
KILN_BINARY_INFER(EqOp, true, false)
KILN_BINARY_INFER(LtOp, true, false)
KILN_BINARY_INFER(LeOp, true, false)
KILN_BINARY_INFER(GtOp, true, false)
KILN_BINARY_INFER(GeOp, true, false)
#undef KILN_BINARY_INFER

/// x op c -> x when c is a splat identity and x already has the result type.
static OpFoldResult foldIdentity(Value x, Attribute c, double identity,
                                 Type resultType) {
  if (x.getType() == resultType && isSplatOf(c, identity))
    return x;
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor a) {
  if (auto r = foldIdentity(getLhs(), a.getRhs(), 0, getType()))
    return r;
  return foldIdentity(getRhs(), a.getLhs(), 0, getType());
}

OpFoldResult SubOp::fold(FoldAdaptor a) {
  return foldIdentity(getLhs(), a.getRhs(), 0, getType());
}

OpFoldResult MulOp::fold(FoldAdaptor a) {
  if (auto r = foldIdentity(getLhs(), a.getRhs(), 1, getType()))
    return r;
  return foldIdentity(getRhs(), a.getLhs(), 1, getType());
}

OpFoldResult DivOp::fold(FoldAdaptor a) {
  return foldIdentity(getLhs(), a.getRhs(), 1, getType());
}

//===----------------------------------------------------------------------===//
// Select and cast
//===----------------------------------------------------------------------===//

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &inferred) {
  auto shape = broadcastOperands(
      loc, getOperationName(), {"condition", "on_true", "on_false"},
      {a.getCondition(), a.getOnTrue(), a.getOnFalse()});
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(
      *shape, tensorType(a.getOnTrue()).getElementType()));
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}
