// RUN: kiln-opt %s --kiln-build-train-step="optimizer=sgd lr=0.1 loss=mse" | FileCheck %s
// RUN: kiln-opt %s --kiln-build-train-step="optimizer=sgd lr=0.1 loss=mse" | kiln-opt > /dev/null

// Parameters interleaved with the input: train_step takes them first, in
// order, then the step, x and y. SGD keeps no state. Each new parameter is
// written into its (writable) argument and also returned.
func.func @model(%w: tensor<3x2xf32> {kiln.trainable, kiln.name = "w"}, %x: tensor<4x3xf32>, %b: tensor<2xf32> {kiln.trainable}) -> tensor<4x2xf32> {
  %0 = kiln.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %1 = kiln.add %0, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3x2xf32> {bufferization.writable = true, kiln.name = "param:w"},
// CHECK-SAME: %[[B:[^:]*]]: tensor<2xf32> {bufferization.writable = true, kiln.name = "param:p2"},
// CHECK-SAME: %[[STEP:[^:]*]]: tensor<i64> {kiln.name = "step"},
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x3xf32> {kiln.name = "x"},
// CHECK-SAME: %[[Y:[^:]*]]: tensor<4x2xf32> {kiln.name = "y"})
// CHECK-SAME: -> (tensor<f32> {kiln.name = "loss"}, tensor<3x2xf32> {kiln.in_place_of = 0 : i64, kiln.name = "updated:param:w"}, tensor<2xf32> {kiln.in_place_of = 1 : i64, kiln.name = "updated:param:p2"})
// CHECK-SAME: kiln.train_step = {loss = "mse", lr = 1.000000e-01 : f64, num_buffers = 0 : i64, num_params = 2 : i64, optimizer = "sgd", state_slots = [], step_arg = 2 : i64}
// CHECK: %[[Z:.*]] = kiln.matmul %[[X]], %[[W]]
// CHECK: %[[LOGITS:.*]] = kiln.add %[[Z]], %[[B]]
// CHECK: %[[LOSS:.*]] = kiln.mse_loss %[[LOGITS]], %[[Y]]
// dW = x^T dz, then w - lr * dW with lr cast from f64.
// CHECK: %[[GW:.*]] = kiln.matmul %[[X]], %{{.*}} {transpose_lhs = true}
// CHECK: %[[LR64:.*]] = kiln.constant dense<1.000000e-01> : tensor<f64>
// CHECK: %[[LR:.*]] = kiln.cast %[[LR64]] : tensor<f64> -> tensor<f32>
// CHECK: %[[STEPW:.*]] = kiln.mul %[[LR]], %[[GW]]
// CHECK: %[[NW:.*]] = kiln.sub %[[W]], %[[STEPW]]
// CHECK: %[[NB:.*]] = kiln.sub %[[B]], %{{.*}}
// CHECK: %[[RW:.*]] = bufferization.materialize_in_destination %[[NW]] in %[[W]] : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
// CHECK: %[[RB:.*]] = bufferization.materialize_in_destination %[[NB]] in %[[B]] : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
// CHECK: return %[[LOSS]], %[[RW]], %[[RB]]

// eval_step: the loss of each sample (mse: the mean over its row) and the
// logits, parameters read only. The logits come from a call of the model
// (its arguments in its own order), not from a second copy of its body.
// CHECK-LABEL: func.func @eval_step(
// CHECK-SAME: %[[EW:[^:]*]]: tensor<3x2xf32> {kiln.name = "param:w"}, %[[EB:[^:]*]]: tensor<2xf32> {kiln.name = "param:p2"}, %[[EX:[^:]*]]: tensor<4x3xf32> {kiln.name = "x"}, %[[EY:[^:]*]]: tensor<4x2xf32> {kiln.name = "y"})
// CHECK-SAME: -> (tensor<4xf32> {kiln.name = "loss"}, tensor<4x2xf32> {kiln.name = "logits"})
// CHECK-NOT: kiln.matmul
// CHECK: %[[EL:.*]] = call @model(%[[EW]], %[[EX]], %[[EB]])
// CHECK: %[[ELS:.*]] = kiln.mse_loss %[[EL]], %[[EY]] {reduction = #kiln.reduction<none>}
// CHECK: %[[ESUM:.*]] = kiln.reduce_sum %[[ELS]] {axes = array<i64: 1>}
// CHECK: %[[HALF:.*]] = kiln.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[ELOSS:.*]] = kiln.mul %[[ESUM]], %[[HALF]]
// CHECK: return %[[ELOSS]], %[[EL]]
