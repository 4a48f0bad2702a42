//===- Conv.cpp - conv2d and pooling shape rules
//---------------------------===//

#include "ir/ops/OpUtils.h"

using namespace mlir;
using namespace kiln;

/// Checks the window attributes shared by convolution and pooling.
static LogicalResult checkWindow(std::optional<Location> loc, StringRef name,
                                 RankedTensorType input,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> padding,
                                 ArrayRef<int64_t> dilations) {
  if (input.getRank() != 4)
    return opError(loc, name, "input must be [N, C, H, W], got ",
                   typeStr(input));
  if (failed(checkArrayLength(loc, name, "strides", strides, 2)) ||
      failed(checkArrayLength(loc, name, "padding", padding, 4)) ||
      failed(checkArrayLength(loc, name, "dilations", dilations, 2)) ||
      failed(checkAllAtLeast(loc, name, "strides", strides, 1)) ||
      failed(checkAllAtLeast(loc, name, "padding", padding, 0)) ||
      failed(checkAllAtLeast(loc, name, "dilations", dilations, 1)))
    return failure();
  return success();
}

/// Output [N, C, OH, OW] of a window of `kernel` sliding over `input`.
static FailureOr<Shape>
windowShape(std::optional<Location> loc, StringRef name, RankedTensorType input,
            int64_t channels, ArrayRef<int64_t> kernel,
            ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
            ArrayRef<int64_t> dilations, bool ceilMode) {
  Shape shape = {input.getDimSize(0), channels};
  for (int i = 0; i < 2; ++i) {
    int64_t out =
        windowOutputSize(input.getDimSize(2 + i), kernel[i], strides[i],
                         padding[i], padding[2 + i], dilations[i], ceilMode);
    if (out < 1)
      return opError(loc, name, "window of size ", kernel[i], " (dilation ",
                     dilations[i], ") does not fit spatial dim ", 2 + i,
                     " of input ", typeStr(input), " with padding ", padding[i],
                     "+", padding[2 + i]);
    shape.push_back(out);
  }
  return shape;
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto input = tensorType(a.getInput());
  auto filter = tensorType(a.getFilter());
  if (failed(checkWindow(loc, name, input, a.getStrides(), a.getPadding(),
                         a.getDilations())))
    return failure();
  int64_t groups = a.getGroups();
  if (filter.getRank() != 4)
    return opError(loc, name, "filter must be [F, C / groups, KH, KW], got ",
                   typeStr(filter));
  if (filter.getElementType() != input.getElementType())
    return opError(loc, name, "filter ", typeStr(filter), " and input ",
                   typeStr(input), " element types differ");
  int64_t c = input.getDimSize(1), f = filter.getDimSize(0);
  if (groups < 1 || c % groups != 0 || f % groups != 0)
    return opError(loc, name, "groups = ", groups,
                   " must divide input channels (", c, ") and filters (", f,
                   ")");
  if (filter.getDimSize(1) * groups != c)
    return opError(loc, name, "filter ", typeStr(filter), " expects ",
                   filter.getDimSize(1) * groups,
                   " input channels (with groups = ", groups, "), input ",
                   typeStr(input), " has ", c);
  if (a.getBias()) {
    auto bias = tensorType(a.getBias());
    if (bias.getRank() != 1 || bias.getDimSize(0) != f ||
        bias.getElementType() != input.getElementType())
      return opError(loc, name, "bias must be [", f, "] of ",
                     input.getElementType(), ", got ", typeStr(bias));
  }
  int64_t kernel[2] = {filter.getDimSize(2), filter.getDimSize(3)};
  if (kernel[0] < 1 || kernel[1] < 1)
    return opError(loc, name, "filter ", typeStr(filter),
                   " has an empty kernel (KH and KW must be >= 1)");
  auto shape = windowShape(loc, name, input, f, kernel, a.getStrides(),
                           a.getPadding(), a.getDilations(), false);
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, StringRef name,
                               Adaptor a, ArrayRef<int64_t> dilations,
                               SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput());
  if (failed(checkWindow(loc, name, input, a.getStrides(), a.getPadding(),
                         dilations)) ||
      failed(
          checkArrayLength(loc, name, "kernel_size", a.getKernelSize(), 2)) ||
      failed(checkAllAtLeast(loc, name, "kernel_size", a.getKernelSize(), 1)))
    return failure();
  ArrayRef<int64_t> pad = a.getPadding(), kernel = a.getKernelSize();
  for (int i = 0; i < 4; ++i)
    if (pad[i] >= kernel[i % 2])
      return opError(loc, name, "padding[", i, "] = ", pad[i],
                     " must be smaller than kernel_size[", i % 2,
                     "] = ", kernel[i % 2]);
  auto shape = windowShape(loc, name, input, input.getDimSize(1), kernel,
                           a.getStrides(), pad, dilations, a.getCeilMode());
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool(loc, getOperationName(), a, a.getDilations(), inferred);
}

LogicalResult
MaxPool2DGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor a, SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto input = tensorType(a.getInput());
  ArrayRef<int64_t> kernel = a.getKernelSize();
  if (input.getRank() != 4)
    return opError(loc, name, "input must be [N, C, H, W], got ",
                   typeStr(input));
  if (failed(checkArrayLength(loc, name, "kernel_size", kernel, 2)) ||
      failed(checkAllAtLeast(loc, name, "kernel_size", kernel, 1)))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (input.getDimSize(2 + i) % kernel[i] != 0)
      return opError(loc, name, "kernel_size[", i, "] = ", kernel[i],
                     " must divide spatial dim ", 2 + i, " of input ",
                     typeStr(input));
  auto pooled = RankedTensorType::get({input.getDimSize(0), input.getDimSize(1),
                                       input.getDimSize(2) / kernel[0],
                                       input.getDimSize(3) / kernel[1]},
                                      input.getElementType());
  for (Value v : {a.getOutput(), a.getGrad()})
    if (tensorType(v) != pooled)
      return opError(loc, name, "output and grad must be ", typeStr(pooled),
                     " for input ", typeStr(input), ", got ",
                     typeStr(v.getType()));
  inferred.push_back(input);
  return success();
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &inferred) {
  int64_t noDilation[2] = {1, 1};
  return inferPool(loc, getOperationName(), a, noDilation, inferred);
}

LogicalResult
GlobalAvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor a, SmallVectorImpl<Type> &inferred) {
  auto input = tensorType(a.getInput());
  if (input.getRank() < 3)
    return opError(loc, getOperationName(),
                   "input must be [N, C, spatial...], got ", typeStr(input));
  Shape shape(input.getShape());
  for (int64_t i = 2; i < input.getRank(); ++i)
    shape[i] = 1;
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}
