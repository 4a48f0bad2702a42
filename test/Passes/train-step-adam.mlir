// RUN: kiln-opt %s --kiln-build-train-step="optimizer=adam lr=0.01 clip-norm=1.0 schedule=cosine total-steps=100" | FileCheck %s

// Adam keeps m and v per parameter, parameter-major, after the parameters;
// labels for softmax_cross_entropy are the logits' shape without dim 1.
func.func @model(%x: tensor<4x3xf32>, %w: tensor<3x5xf32> {kiln.trainable, kiln.name = "fc.w"}) -> tensor<4x5xf32> {
  %0 = kiln.matmul %x, %w : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3x5xf32> {bufferization.writable = true, kiln.name = "param:fc.w"},
// CHECK-SAME: %[[M:[^:]*]]: tensor<3x5xf32> {bufferization.writable = true, kiln.name = "state:fc.w.m"},
// CHECK-SAME: %[[V:[^:]*]]: tensor<3x5xf32> {bufferization.writable = true, kiln.name = "state:fc.w.v"},
// CHECK-SAME: %[[STEP:[^:]*]]: tensor<i64> {kiln.name = "step"}, %{{[^:]*}}: tensor<4x3xf32> {kiln.name = "x"}, %[[Y:[^:]*]]: tensor<4xi64> {kiln.name = "y"})
// CHECK-SAME: state_slots = ["m", "v"]
// CHECK: kiln.softmax_cross_entropy %{{.*}}, %[[Y]]
// Clipping: the global norm in f64, scale = min(maxnorm / (norm + 1e-6), 1).
// CHECK: %[[SQ:.*]] = kiln.reduce_sum %{{.*}} {axes = array<i64: 0, 1>} : tensor<3x5xf32> -> tensor<f32>
// CHECK: %[[SQ64:.*]] = kiln.cast %[[SQ]] : tensor<f32> -> tensor<f64>
// CHECK: %[[NORM:.*]] = kiln.sqrt %[[SQ64]] : tensor<f64>
// CHECK: kiln.min
// Cosine schedule from the step counter: min(step, T), cos(pi t / T).
// CHECK: %[[T:.*]] = kiln.min %[[STEP]], %{{.*}} : (tensor<i64>, tensor<i64>) -> tensor<i64>
// CHECK: kiln.cast %[[T]] : tensor<i64> -> tensor<f64>
// CHECK: kiln.cos %{{.*}} : tensor<f64>
// Bias corrections with t = step + 1.
// CHECK: %[[T1:.*]] = kiln.add %[[STEP]], %{{.*}} : (tensor<i64>, tensor<i64>) -> tensor<i64>
// CHECK: %[[T1F:.*]] = kiln.cast %[[T1]] : tensor<i64> -> tensor<f64>
// CHECK: kiln.pow %{{.*}}, %[[T1F]]
// CHECK: kiln.pow %{{.*}}, %[[T1F]]
// CHECK: %[[NW:.*]] = kiln.sub %[[W]],
// CHECK: bufferization.materialize_in_destination %[[NW]] in %[[W]]
// CHECK: bufferization.materialize_in_destination %{{.*}} in %[[M]]
// CHECK: bufferization.materialize_in_destination %{{.*}} in %[[V]]
// CHECK-LABEL: func.func @eval_step(
