//===- Norm.cpp - batch_norm, layer_norm, dropout
//--------------------------===//

#include "ir/ops/OpUtils.h"

using namespace mlir;
using namespace kiln;

/// Checks that each per-channel operand is [C] of the input's element type.
static LogicalResult checkPerChannel(std::optional<Location> loc,
                                     StringRef name, RankedTensorType input,
                                     ArrayRef<StringRef> names,
                                     ArrayRef<Value> values) {
  if (input.getRank() < 2)
    return opError(loc, name, "input must be [N, C, ...], got ",
                   typeStr(input));
  int64_t c = input.getDimSize(1);
  for (auto [n, v] : llvm::zip(names, values)) {
    auto t = tensorType(v);
    if (t.getRank() != 1 || t.getDimSize(0) != c ||
        t.getElementType() != input.getElementType())
      return opError(loc, name, "'", n, "' must be [", c, "] of ",
                     input.getElementType(), " to match input ", typeStr(input),
                     ", got ", typeStr(t));
  }
  return success();
}

LogicalResult
BatchNormInferenceOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc, Adaptor a,
                                       SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput());
  if (failed(checkPerChannel(
          loc, getOperationName(), input, {"scale", "bias", "mean", "variance"},
          {a.getScale(), a.getBias(), a.getMean(), a.getVariance()})))
    return failure();
  inferred.push_back(input);
  return success();
}

LogicalResult
BatchNormTrainingOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput());
  if (failed(checkPerChannel(loc, getOperationName(), input, {"scale", "bias"},
                             {a.getScale(), a.getBias()})))
    return failure();
  auto stats =
      RankedTensorType::get({input.getDimSize(1)}, input.getElementType());
  inferred.append({input, stats, stats});
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto input = tensorType(a.getInput());
  auto axis = normalizeAxis(a.getAxis(), input.getRank());
  if (!axis)
    return opError(loc, name, "axis ", a.getAxis(),
                   " is out of range for input ", typeStr(input));
  ArrayRef<int64_t> normalized = input.getShape().drop_front(*axis);
  // Named arrays: an ArrayRef of a braced list in the range expression would
  // dangle once the loop starts.
  StringRef names[] = {"scale", "bias"};
  Value values[] = {a.getScale(), a.getBias()};
  for (auto [n, v] : llvm::zip(names, values)) {
    auto t = tensorType(v);
    if (t.getShape() != normalized ||
        t.getElementType() != input.getElementType())
      return opError(loc, name, "'", n, "' ", typeStr(t),
                     " must have the normalized shape [", normalized,
                     "] of input ", typeStr(input));
  }
  inferred.push_back(input);
  return success();
}

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location> loc,
                                          Adaptor a,
                                          SmallVectorImpl<Type> &inferred) {
  float ratio = a.getRatio().convertToFloat();
  if (!(ratio >= 0.0f && ratio < 1.0f))
    return opError(loc, getOperationName(), "ratio ", ratio,
                   " must be in [0, 1)");
  auto input = tensorType(a.getInput());
  inferred.push_back(input);
  inferred.push_back(input.clone(IntegerType::get(ctx, 1)));
  return success();
}
