//===- Matmul.cpp - matmul shape rule
//--------------------------------------===//

#include "ir/ops/OpUtils.h"

using namespace mlir;
using namespace kiln;

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto lhs = tensorType(a.getLhs()), rhs = tensorType(a.getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return opError(loc, name, "operands need rank >= 2, got lhs ", typeStr(lhs),
                   " and rhs ", typeStr(rhs));
  if (lhs.getElementType() != rhs.getElementType())
    return opError(loc, name, "lhs ", typeStr(lhs), " and rhs ", typeStr(rhs),
                   " have different element types");
  ArrayRef<int64_t> ls = lhs.getShape(), rs = rhs.getShape();
  int64_t lr = ls.size(), rr = rs.size();
  int64_t m = a.getTransposeLhs() ? ls[lr - 1] : ls[lr - 2];
  int64_t kl = a.getTransposeLhs() ? ls[lr - 2] : ls[lr - 1];
  int64_t kr = a.getTransposeRhs() ? rs[rr - 1] : rs[rr - 2];
  int64_t n = a.getTransposeRhs() ? rs[rr - 2] : rs[rr - 1];
  if (kl != kr)
    return opError(loc, name, "contraction sizes differ: lhs ", typeStr(lhs),
                   " has K = ", kl, ", rhs ", typeStr(rhs), " has K = ", kr);
  auto batch = broadcastShapes(ls.drop_back(2), rs.drop_back(2));
  if (!batch)
    return opError(loc, name, "batch dims of lhs ", typeStr(lhs), " and rhs ",
                   typeStr(rhs), " do not broadcast");
  Shape shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

/// A product with a zero matrix is zero (the initial hidden state of an
/// unrolled recurrent layer makes such products). Like other compilers'
/// algebraic folds, this does not propagate a NaN or infinity of the other
/// operand.
OpFoldResult MatmulOp::fold(FoldAdaptor a) {
  if (!isSplatOf(a.getLhs(), 0) && !isSplatOf(a.getRhs(), 0))
    return {};
  auto type = cast<RankedTensorType>(getType());
  return DenseElementsAttr::get(
      type, FloatAttr::get(type.getElementType(), 0.0).getValue());
}
