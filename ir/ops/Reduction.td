//===- Reduction.td - reductions, argmax, softmax --------------------------===//

#ifndef KILN_OPS_REDUCTION_TD
#define KILN_OPS_REDUCTION_TD

include "ir/KilnBase.td"

def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum"> {
  let summary = "sum over axes"; let hasFolder = 1; }
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean"> {
  let summary = "mean over axes"; }
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max"> {
  let summary = "maximum over axes"; }
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min"> {
  let summary = "minimum over axes"; }
def Kiln_ReduceLogSumExpOp : Kiln_ReduceOp<"reduce_logsumexp"> {
  let summary = "log(sum(exp(x))) over axes, computed stably"; }

def Kiln_ArgMaxOp : Kiln_Op<"argmax", [Pure,
    InferTypeOpAdaptor]> {
  let summary = "index of the maximum along one axis (i64)";
  let description = [{
    Ties resolve to the first index, or the last with `select_last_index`.
  }];
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<Kiln_SI64Attr, "0">:$axis,
      DefaultValuedAttr<BoolAttr, "true">:$keepdims,
      DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Kiln_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

class Kiln_SoftmaxLikeOp<string mnemonic> : Kiln_Op<mnemonic, [Pure,
    SameOperandsAndResultType, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<Kiln_SI64Attr, "-1">:$axis);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Kiln_SoftmaxOp : Kiln_SoftmaxLikeOp<"softmax"> {
  let summary = "exp(x) / sum(exp(x)) along one axis"; }
def Kiln_LogSoftmaxOp : Kiln_SoftmaxLikeOp<"log_softmax"> {
  let summary = "x - logsumexp(x) along one axis"; }

#endif // KILN_OPS_REDUCTION_TD
