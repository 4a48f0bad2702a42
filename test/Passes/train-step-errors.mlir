// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step=optimizer=lion 2>&1 | FileCheck %s --check-prefix=OPT
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step=loss=hinge 2>&1 | FileCheck %s --check-prefix=LOSS
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step=schedule=linear 2>&1 | FileCheck %s --check-prefix=SCHED
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step=schedule=step 2>&1 | FileCheck %s --check-prefix=STEPSIZE
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step="schedule=cosine total-steps=10 lr=0.1 lr-min=0.5" 2>&1 | FileCheck %s --check-prefix=LRMIN
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step="optimizer=adam momentum=0.9" 2>&1 | FileCheck %s --check-prefix=MOM
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step="optimizer=adam beta2=1.0" 2>&1 | FileCheck %s --check-prefix=BETA
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step="centered=true" 2>&1 | FileCheck %s --check-prefix=CENTERED
// RUN: not kiln-opt %s --split-input-file --kiln-build-train-step=model=nope 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: kiln-opt %s --kiln-build-train-step=model=two_inputs --split-input-file --verify-diagnostics

// OPT: error: kiln-build-train-step: unknown optimizer 'lion' (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)
// LOSS: error: kiln-build-train-step: unknown loss 'hinge' (softmax_cross_entropy, mse, bce_with_logits, nll)
// SCHED: error: kiln-build-train-step: unknown schedule 'linear' (constant, step, cosine)
// STEPSIZE: error: kiln-build-train-step: step-size must be > 0 for schedule=step, got 0
// LRMIN: error: kiln-build-train-step: lr-min must be in [0, lr] for schedule=cosine
// MOM: error: kiln-build-train-step: momentum does not apply to optimizer adam
// BETA: error: kiln-build-train-step: beta2 ([0, 1)) must be in range, got 1.0
// CENTERED: error: kiln-build-train-step: centered applies to rmsprop only
// MODEL: error: kiln-build-train-step: no function @nope

// expected-error @below {{kiln-build-train-step: @two_inputs must have exactly one argument that is neither kiln.trainable nor kiln.buffer (the input x), found 2}}
func.func @two_inputs(%w: tensor<3xf32> {kiln.trainable}, %x: tensor<3xf32>, %z: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.mul %x, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.add %0, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// expected-error @below {{kiln-build-train-step: @two_inputs returns 'tensor<3xf32>'; loss softmax_cross_entropy needs logits of rank >= 2 ([N, C, ...])}}
func.func @two_inputs(%w: tensor<3xf32> {kiln.trainable}, %x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.mul %x, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
