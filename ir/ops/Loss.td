//===- Loss.td - losses ----------------------------------------------------===//
//
// Every loss computes a per-element (or per-example) value and reduces it by
// `reduction`: none keeps it, sum adds it up, mean averages it (weighted
// losses divide by the sum of the weights that applied). A reduced loss is a
// rank-0 tensor.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_OPS_LOSS_TD
#define KILN_OPS_LOSS_TD

include "ir/KilnBase.td"

defvar Kiln_ReductionDefault =
    DefaultValuedAttr<Kiln_ReductionAttr, "::kiln::Reduction::mean">;

def Kiln_MseLossOp : Kiln_LossOp<"mse_loss"> {
  let summary = "(input - target)^2; both have the same shape";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$target,
                       Kiln_ReductionDefault:$reduction);
}

def Kiln_BinaryCrossEntropyWithLogitsOp
    : Kiln_LossOp<"binary_cross_entropy_with_logits"> {
  let summary = "-(t * log(sigmoid(x)) + (1 - t) * log(1 - sigmoid(x)))";
  let description = [{
    `input` holds logits and `target` probabilities of the same shape;
    computed as max(x, 0) - x * t + log(1 + exp(-|x|)).
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$target,
                       Kiln_ReductionDefault:$reduction);
}

// Class-indexed losses: input is [N, C, d1, ...]; target is integer labels
// [N, d1, ...] (or, for softmax_cross_entropy, probabilities [N, C, d1, ...]).
class Kiln_ClassLossOp<string mnemonic> : Kiln_LossOp<mnemonic> {
  let assemblyFormat = [{
    $input `,` $target (`,` $weight^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_SoftmaxCrossEntropyOp : Kiln_ClassLossOp<"softmax_cross_entropy"> {
  let summary = "cross entropy of softmax(input) along dim 1 against target";
  let description = [{
    With integer labels, the loss of an element is -weight[t] *
    log_softmax(x)[t]; labels equal to `ignore_index` contribute nothing and
    do not count in the mean. With probability targets (same shape as
    input), it is -sum_c weight[c] * t[c] * log_softmax(x)[c].
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_Tensor:$target,
                       Optional<Kiln_FloatTensor>:$weight,
                       Kiln_ReductionDefault:$reduction,
                       OptionalAttr<Kiln_SI64Attr>:$ignore_index);
}

def Kiln_NllLossOp : Kiln_ClassLossOp<"nll_loss"> {
  let summary = "negative log likelihood: -weight[t] * input[t] along dim 1";
  let description = [{
    `input` holds log-probabilities; `target` integer labels; labels equal
    to `ignore_index` contribute nothing and do not count in the mean.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_IndexTensor:$target,
                       Optional<Kiln_FloatTensor>:$weight,
                       Kiln_ReductionDefault:$reduction,
                       OptionalAttr<Kiln_SI64Attr>:$ignore_index);
}

#endif // KILN_OPS_LOSS_TD
