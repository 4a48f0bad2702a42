//===- Passes.td - kiln passes -----------------------------*- tablegen -*-===//

#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnDecompose : Pass<"kiln-decompose"> {
  let summary = "Rewrite composite ops (lstm, gru, rnn, attention) into primitives";
  let description = [{
    Unrolls recurrent layers over their static sequence length and expands
    multi-head attention into projections, reshapes, batched matmuls and a
    softmax, so that autodiff and codegen only see primitive ops.
  }];
  let dependentDialects = ["kiln::KilnDialect"];
}

def KilnAutodiff : Pass<"kiln-autodiff", "mlir::ModuleOp"> {
  let summary = "Add @f_grad: the loss, then its gradient per trainable argument";
  let description = [{
    Reverse-mode autodiff over the kiln dialect. For each public function
    `@f` whose first result is a rank-0 float tensor (the loss) and that has
    an argument to differentiate (`{kiln.trainable}`, or every float
    argument with `wrt=all`), adds `@f_grad` with the same arguments,
    returning f's results followed by d loss / d argument for each
    differentiated argument in argument order.

    The clone is first decomposed (composite ops have no gradient of their
    own). Ops are then visited in reverse; each op on a path from a
    differentiated argument to the loss states its vector-Jacobian product
    through DifferentiableOpInterface, and gradients of values used several
    times are added up. `kiln.stop_gradient` and integer operands cut the
    path. An op on the path without the interface is an error at that op.
  }];
  let options = [
    Option<"wrt", "wrt", "std::string", /*default=*/"\"trainable\"",
           "which arguments to differentiate: trainable (those marked "
           "kiln.trainable) or all (every float tensor argument)">
  ];
  let dependentDialects = ["kiln::KilnDialect"];
}

def KilnSetBatch : Pass<"kiln-set-batch", "mlir::ModuleOp"> {
  let summary = "Give a model function a new batch size";
  let description = [{
    Models are written with a static batch (dim 0 of the one argument that
    is not `kiln.trainable`). This pass sets that dim to `batch` and infers
    every type downstream again, so one model file serves training at batch
    64 and inference at batch 1. A reshape or broadcast whose result keeps
    the old batch as dim 0 keeps the new one; any op whose type cannot be
    inferred again (or a reshape that folds the batch into another dim) is
    an error at that op.
  }];
  let options = [
    Option<"model", "model", "std::string", /*default=*/"\"\"",
           "the function to rebatch (default: the public function with "
           "kiln.trainable arguments)">,
    Option<"batch", "batch", "int64_t", /*default=*/"0",
           "the new batch size (> 0)">
  ];
  let dependentDialects = ["kiln::KilnDialect"];
}

def KilnBuildTrainStep : Pass<"kiln-build-train-step", "mlir::ModuleOp"> {
  let summary = "Add @train_step and @eval_step for a model function";
  let description = [{
    Input: one public function `@model(args) -> logits` whose arguments are
    the parameters (marked `{kiln.trainable}`, in any order), buffers
    (`{kiln.buffer}`, optional) and exactly one other input x. Adds

      @train_step(params..., state..., buffers..., %step: tensor<i64>, %x,
                  %y) -> (loss, params'..., state'..., updated buffers'...)
      @eval_step(params..., buffers..., %x, %y) -> (loss, logits)

    Buffers are state that training updates without gradients: in
    train_step each `kiln.batch_norm_inference` whose mean and variance are
    buffers becomes `kiln.batch_norm_training`, and the buffers get
    (1 - m) * old + m * batch statistic (the variance unbiased), m the op's
    `kiln.momentum` (0.1 without one), as PyTorch's running statistics;
    eval_step reads them as they are: it calls @model (which stays as it
    is) rather than holding a second copy of the forward pass.

    The loss is `loss`(logits, y) with mean reduction; y is integer labels
    (logits' shape without dim 1) for softmax_cross_entropy and nll, and
    logits' type for mse and bce_with_logits. train_step differentiates the
    loss (the kiln-autodiff core), optionally clips the gradients by global
    norm, computes the learning rate from `step` (updates made so far,
    0 first) and applies the optimizer (PyTorch's update rules). State
    slots per parameter, parameter-major: momentum/nesterov "momentum";
    adagrad "sum"; rmsprop "square_avg" (+ "momentum", "grad_avg"); adam,
    adamw "m", "v"; they start at zero.

    Each new parameter and state value is written into its argument with
    `bufferization.materialize_in_destination` (tensor form, arguments
    marked `bufferization.writable`), so one-shot bufferization updates the
    caller's buffers in place. The tensor form has a result that must be
    used, so train_step also returns the updated values after the loss;
    the codegen pipeline's kiln-drop-in-place-results removes those results
    once bufferized, since each is then its own argument: the compiled step
    copies no parameter. Arguments and results carry
    `kiln.name`: "param:NAME", "state:NAME.SLOT", "buffer:NAME", "step",
    "x", "y", "loss"
    (updated results: "updated:" and the argument's name; each also has
    `kiln.in_place_of = <argument index>`);
    NAME is the parameter's kiln.name or "p<index>". The function attribute
    `kiln.train_step` records the optimizer and the layout.

    Options set to -1 take the optimizer's PyTorch default (lr: 1e-3, 1e-2
    for adagrad and rmsprop; momentum: 0.9 for momentum/nesterov, 0 for
    rmsprop; eps: 1e-8, 1e-10 for adagrad; weight-decay: 0, 1e-2 for adamw).
  }];
  let options = [
    Option<"model", "model", "std::string", /*default=*/"\"\"",
           "the forward function (default: the one public function with "
           "kiln.trainable arguments)">,
    Option<"loss", "loss", "std::string", /*default=*/"\"softmax_cross_entropy\"",
           "softmax_cross_entropy | mse | bce_with_logits | nll">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "sgd | momentum | nesterov | adagrad | rmsprop | adam | adamw">,
    Option<"lr", "lr", "double", /*default=*/"-1.0", "learning rate">,
    Option<"momentum", "momentum", "double", /*default=*/"-1.0",
           "momentum factor (momentum, nesterov, rmsprop)">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta2">,
    Option<"alpha", "alpha", "double", /*default=*/"0.99",
           "RMSprop smoothing constant">,
    Option<"centered", "centered", "bool", /*default=*/"false",
           "RMSprop: normalize by the estimated variance">,
    Option<"eps", "eps", "double", /*default=*/"-1.0",
           "denominator term (adagrad, rmsprop, adam, adamw)">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"-1.0",
           "L2 penalty (decoupled for adamw)">,
    Option<"clipNorm", "clip-norm", "double", /*default=*/"0.0",
           "clip gradients to this global L2 norm (0: off)">,
    Option<"schedule", "schedule", "std::string", /*default=*/"\"constant\"",
           "learning-rate schedule: constant | step | cosine">,
    Option<"stepSize", "step-size", "int64_t", /*default=*/"0",
           "schedule=step: lr * gamma^floor(step / step-size)">,
    Option<"gamma", "gamma", "double", /*default=*/"0.1",
           "schedule=step: decay factor">,
    Option<"totalSteps", "total-steps", "int64_t", /*default=*/"0",
           "schedule=cosine: steps to reach lr-min">,
    Option<"lrMin", "lr-min", "double", /*default=*/"0.0",
           "schedule=cosine: final learning rate">
  ];
  let dependentDialects = ["kiln::KilnDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

#endif // KILN_PASSES_TD
