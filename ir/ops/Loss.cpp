//===- Loss.cpp - loss shape rules
//-----------------------------------------===//

#include "ir/ops/OpUtils.h"

using namespace mlir;
using namespace kiln;

/// The loss type: the per-element shape for reduction none, else a scalar.
static Type lossType(RankedTensorType input, ArrayRef<int64_t> perElement,
                     Reduction reduction) {
  if (reduction == Reduction::none)
    return RankedTensorType::get(perElement, input.getElementType());
  return RankedTensorType::get({}, input.getElementType());
}

/// Losses whose input and target have the same shape and type.
template <typename Adaptor>
static LogicalResult inferElementwiseLoss(std::optional<Location> loc,
                                          StringRef name, Adaptor a,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput()), target = tensorType(a.getTarget());
  if (input != target)
    return opError(loc, name, "target ", typeStr(target),
                   " must have the type of input ", typeStr(input));
  inferred.push_back(lossType(input, input.getShape(), a.getReduction()));
  return success();
}

LogicalResult MseLossOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor a,
                                          SmallVectorImpl<Type> &inferred) {
  return inferElementwiseLoss(loc, getOperationName(), a, inferred);
}

LogicalResult BinaryCrossEntropyWithLogitsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor a,
    SmallVectorImpl<Type> &inferred) {
  return inferElementwiseLoss(loc, getOperationName(), a, inferred);
}

/// Class-indexed losses: input [N, C, d...], integer target [N, d...] (or,
/// where `allowProbabilities`, a float target shaped like the input), an
/// optional weight [C].
template <typename Adaptor>
static LogicalResult inferClassLoss(std::optional<Location> loc, StringRef name,
                                    Adaptor a, bool allowProbabilities,
                                    SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput()), target = tensorType(a.getTarget());
  if (input.getRank() < 2)
    return opError(loc, name, "input must be [N, C, ...], got ",
                   typeStr(input));
  Shape perElement(input.getShape());
  perElement.erase(perElement.begin() + 1);
  bool probabilities = isa<FloatType>(target.getElementType());
  if (probabilities) {
    if (!allowProbabilities || target != input)
      return opError(loc, name, "target ", typeStr(target),
                     allowProbabilities
                         ? " with probabilities must have the input's type "
                         : " must hold integer labels, not probabilities, "
                           "for input ",
                     typeStr(input));
    if (a.getIgnoreIndex())
      return opError(loc, name, "ignore_index needs integer labels, target is ",
                     typeStr(target));
  } else {
    // The label types of nll_loss; i1, i8 and i16 are integers too.
    Type label = target.getElementType();
    if (!label.isInteger(32) && !label.isInteger(64))
      return opError(loc, name, "target ", typeStr(target),
                     " must hold i32 or i64 labels");
    if (target.getShape() != ArrayRef<int64_t>(perElement))
      return opError(loc, name, "labels ", typeStr(target), " must be [",
                     perElement, "] for input ", typeStr(input));
  }
  if (a.getWeight()) {
    auto weight = tensorType(a.getWeight());
    if (weight.getRank() != 1 || weight.getDimSize(0) != input.getDimSize(1) ||
        weight.getElementType() != input.getElementType())
      return opError(loc, name, "weight must be [", input.getDimSize(1),
                     "] of ", input.getElementType(), ", got ",
                     typeStr(weight));
  }
  inferred.push_back(lossType(input, perElement, a.getReduction()));
  return success();
}

LogicalResult
SoftmaxCrossEntropyOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc, Adaptor a,
                                        SmallVectorImpl<Type> &inferred) {
  return inferClassLoss(loc, getOperationName(), a, true, inferred);
}

LogicalResult NllLossOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor a,
                                          SmallVectorImpl<Type> &inferred) {
  return inferClassLoss(loc, getOperationName(), a, false, inferred);
}
