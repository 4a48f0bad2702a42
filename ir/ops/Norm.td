//===- Norm.td - batch_norm, layer_norm, dropout ---------------------------===//

#ifndef KILN_OPS_NORM_TD
#define KILN_OPS_NORM_TD

include "ir/KilnBase.td"

def Kiln_BatchNormInferenceOp : Kiln_Op<"batch_norm_inference", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "(x - mean) / sqrt(var + epsilon) * scale + bias, per channel";
  let description = [{
    `input` is [N, C, ...]; `scale`, `bias`, `mean` and `variance` are [C]
    (the running statistics).
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
      Kiln_FloatTensor:$bias, Kiln_FloatTensor:$mean,
      Kiln_FloatTensor:$variance,
      DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_BatchNormTrainingOp : Kiln_Op<"batch_norm_training", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "batch norm with the statistics of this batch";
  let description = [{
    `input` is [N, C, ...]; `scale` and `bias` are [C]. Normalizes with the
    mean and biased variance over all dims but C, and returns them as
    `batch_mean` and `batch_variance` ([C]) so that the caller can update
    running statistics.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
      Kiln_FloatTensor:$bias, DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output, Kiln_FloatTensor:$batch_mean,
                      Kiln_FloatTensor:$batch_variance);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_LayerNormOp : Kiln_Op<"layer_norm", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "normalize over dims [axis, rank), then scale and shift";
  let description = [{
    `scale` and `bias` have the normalized shape, input.shape[axis:].
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
      Kiln_FloatTensor:$bias, DefaultValuedAttr<Kiln_SI64Attr, "-1">:$axis,
      DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_DropoutOp : Kiln_Op<"dropout", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "zero elements with probability ratio, scale the rest";
  let description = [{
    With `training`, each element is kept with probability 1 - ratio and
    scaled by 1 / (1 - ratio); the keep decisions are a pure function of
    `seed` (an i64 scalar) and the element index, so the same seed gives the
    same mask. Without `training` it is the identity. `mask` is true where
    an element was kept.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_I64Scalar:$seed,
      DefaultValuedAttr<F32Attr, "0.5">:$ratio,
      DefaultValuedAttr<BoolAttr, "false">:$training);
  let results = (outs Kiln_FloatTensor:$output, Kiln_BoolTensor:$mask);
  let assemblyFormat = [{
    $input `,` $seed attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KILN_OPS_NORM_TD
