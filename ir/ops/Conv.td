//===- Conv.td - convolution and pooling (NCHW) ----------------------------===//

#ifndef KILN_OPS_CONV_TD
#define KILN_OPS_CONV_TD

include "ir/KilnBase.td"

def Kiln_Conv2DOp : Kiln_Op<"conv2d", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "2-D convolution (cross-correlation), NCHW input, FCHW filter";
  let description = [{
    `input` is [N, C, H, W]; `filter` is [F, C / groups, KH, KW]; the optional
    `bias` is [F]. `padding` is [top, left, bottom, right]. The result is
    [N, F, OH, OW] with OH = (H + top + bottom - dilation_h * (KH - 1) - 1)
    / stride_h + 1, and likewise OW.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$filter,
      Optional<Kiln_FloatTensor>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<Kiln_SI64Attr, "1">:$groups);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

class Kiln_Pool2DOp<string mnemonic> : Kiln_Op<mnemonic, [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Kiln_MaxPool2DOp : Kiln_Pool2DOp<"max_pool2d"> {
  let summary = "2-D max pooling over [N, C, H, W]; padding never wins";
  let description = [{
    `kernel_size` is [KH, KW], `padding` [top, left, bottom, right]. With
    `ceil_mode` the output size rounds up (a window must still start inside
    the input or its left padding).
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
      DenseI64ArrayAttr:$kernel_size,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
}

def Kiln_MaxPool2DGradOp : Kiln_Op<"max_pool2d_grad", [Pure,
    InferTypeOpAdaptor]> {
  let summary = "max_pool2d's input gradient for non-overlapping windows";
  let description = [{
    `input` is max_pool2d's [N, C, H, W] input, `output` its [N, C, H / KH,
    W / KW] result (windows that tile the input exactly: strides equal to
    `kernel_size`, no padding or dilation) and `grad` the gradient of that
    result. Each window's gradient goes to the first position (row-major in
    the window) whose input equals the window's maximum; every other
    position gets 0. kiln-autodiff emits it for such windows, where it is a
    gather per input position rather than a scatter per window offset.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$output,
      Kiln_FloatTensor:$grad, DenseI64ArrayAttr:$kernel_size);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $output `,` $grad attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_AvgPool2DOp : Kiln_Pool2DOp<"avg_pool2d"> {
  let summary = "2-D average pooling over [N, C, H, W]";
  let description = [{
    Like max_pool2d. With `count_include_pad` the divisor counts padded
    positions (but never positions past the padding that ceil_mode adds).
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
      DenseI64ArrayAttr:$kernel_size,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
      DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
}

def Kiln_GlobalAvgPoolOp : Kiln_Pool2DOp<"global_avg_pool"> {
  let summary = "mean over all spatial dims: [N, C, ...] -> [N, C, 1, ...]";
  let arguments = (ins Kiln_FloatTensor:$input);
}

#endif // KILN_OPS_CONV_TD
