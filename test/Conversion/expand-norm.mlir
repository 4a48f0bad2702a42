// RUN: kiln-opt %s --kiln-expand --split-input-file | FileCheck %s

// Normalizations: (x - mean) * rsqrt(var + eps) * scale + bias, with
// per-channel [C] tensors reshaped to [1, C, 1, ...] to broadcast along
// dim 1.

// Inference batch norm uses the given mean and variance; epsilon is a
// rank-0 constant.
// CHECK-LABEL: func.func @batch_norm_inference(
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x3x5x5xf32>, %[[SCALE:[^:]+]]: tensor<3xf32>, %[[BIAS:[^:]+]]: tensor<3xf32>, %[[MEAN:[^:]+]]: tensor<3xf32>, %[[VAR:[^:]+]]: tensor<3xf32>
// CHECK: %[[EPS:.+]] = kiln.constant dense<1.000000e-03> : tensor<f32>
// CHECK: %[[M:.+]] = kiln.reshape %[[MEAN]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK: %[[C:.+]] = kiln.sub %[[X]], %[[M]] : (tensor<8x3x5x5xf32>, tensor<1x3x1x1xf32>) -> tensor<8x3x5x5xf32>
// CHECK: %[[V:.+]] = kiln.reshape %[[VAR]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK: %[[S:.+]] = kiln.reshape %[[SCALE]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK: %[[B:.+]] = kiln.reshape %[[BIAS]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK: %[[VE:.+]] = kiln.add %[[V]], %[[EPS]]
// CHECK: %[[INV:.+]] = kiln.rsqrt %[[VE]]
// CHECK: %[[N:.+]] = kiln.mul %[[C]], %[[INV]]
// CHECK: %[[NS:.+]] = kiln.mul %[[N]], %[[S]]
// CHECK: %[[R:.+]] = kiln.add %[[NS]], %[[B]]
// CHECK: return %[[R]]
func.func @batch_norm_inference(%x: tensor<8x3x5x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<8x3x5x5xf32> {
  %0 = kiln.batch_norm_inference %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
  return %0 : tensor<8x3x5x5xf32>
}

// -----

// Training batch norm computes the batch statistics over N and the spatial
// dims (8 * 5 * 5 = 200 elements, so 1/200 = 0.005): the mean, then the
// biased variance as the mean of the squared centered input; it returns
// them reshaped to [C]. The default epsilon is 1e-5.
// CHECK-LABEL: func.func @batch_norm_training(
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x3x5x5xf32>, %[[SCALE:[^:]+]]: tensor<3xf32>, %[[BIAS:[^:]+]]: tensor<3xf32>
// CHECK-DAG: %[[EPS:.+]] = kiln.constant dense<9.99999974E-6> : tensor<f32>
// CHECK-DAG: %[[INVN:.+]] = kiln.constant dense<5.000000e-03> : tensor<f32>
// CHECK: %[[SUM:.+]] = kiln.reduce_sum %[[X]] {axes = array<i64: 0, 2, 3>, keepdims = true} : tensor<8x3x5x5xf32> -> tensor<1x3x1x1xf32>
// CHECK-NEXT: %[[MEAN:.+]] = kiln.mul %[[SUM]], %[[INVN]]
// CHECK-NEXT: %[[C:.+]] = kiln.sub %[[X]], %[[MEAN]]
// CHECK-NEXT: %[[SQ:.+]] = kiln.mul %[[C]], %[[C]]
// CHECK-NEXT: %[[SQSUM:.+]] = kiln.reduce_sum %[[SQ]] {axes = array<i64: 0, 2, 3>, keepdims = true}
// CHECK-NEXT: %[[VAR:.+]] = kiln.mul %[[SQSUM]], %[[INVN]]
// CHECK-NEXT: %[[S:.+]] = kiln.reshape %[[SCALE]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK-NEXT: %[[B:.+]] = kiln.reshape %[[BIAS]] : tensor<3xf32> -> tensor<1x3x1x1xf32>
// CHECK-NEXT: %[[VE:.+]] = kiln.add %[[VAR]], %[[EPS]]
// CHECK-NEXT: %[[INV:.+]] = kiln.rsqrt %[[VE]]
// CHECK-NEXT: %[[N:.+]] = kiln.mul %[[C]], %[[INV]]
// CHECK-NEXT: %[[NS:.+]] = kiln.mul %[[N]], %[[S]]
// CHECK-NEXT: %[[Y:.+]] = kiln.add %[[NS]], %[[B]]
// CHECK-NEXT: %[[BM:.+]] = kiln.reshape %[[MEAN]] : tensor<1x3x1x1xf32> -> tensor<3xf32>
// CHECK-NEXT: %[[BV:.+]] = kiln.reshape %[[VAR]] : tensor<1x3x1x1xf32> -> tensor<3xf32>
// CHECK-NEXT: return %[[Y]], %[[BM]], %[[BV]]
func.func @batch_norm_training(%x: tensor<8x3x5x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0:3 = kiln.batch_norm_training %x, %s, %b : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1, %0#2 : tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Layer norm normalizes over the dims from `axis` on (axis 1 of [2, 5, 8]:
// 40 elements, 1/40 = 0.025); scale and bias have those dims' shape and
// broadcast without a reshape.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x5x8xf32>, %[[SCALE:[^:]+]]: tensor<5x8xf32>, %[[BIAS:[^:]+]]: tensor<5x8xf32>
// CHECK-DAG: %[[EPS:.+]] = kiln.constant dense<9.99999974E-6> : tensor<f32>
// CHECK-DAG: %[[INVN:.+]] = kiln.constant dense<2.500000e-02> : tensor<f32>
// CHECK: %[[SUM:.+]] = kiln.reduce_sum %[[X]] {axes = array<i64: 1, 2>, keepdims = true} : tensor<2x5x8xf32> -> tensor<2x1x1xf32>
// CHECK-NEXT: %[[MEAN:.+]] = kiln.mul %[[SUM]], %[[INVN]]
// CHECK-NEXT: %[[C:.+]] = kiln.sub %[[X]], %[[MEAN]]
// CHECK-NEXT: %[[SQ:.+]] = kiln.mul %[[C]], %[[C]]
// CHECK-NEXT: %[[SQSUM:.+]] = kiln.reduce_sum %[[SQ]] {axes = array<i64: 1, 2>, keepdims = true}
// CHECK-NEXT: %[[VAR:.+]] = kiln.mul %[[SQSUM]], %[[INVN]]
// CHECK-NEXT: %[[VE:.+]] = kiln.add %[[VAR]], %[[EPS]]
// CHECK-NEXT: %[[INV:.+]] = kiln.rsqrt %[[VE]]
// CHECK-NEXT: %[[N:.+]] = kiln.mul %[[C]], %[[INV]]
// CHECK-NEXT: %[[NS:.+]] = kiln.mul %[[N]], %[[SCALE]] : (tensor<2x5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x8xf32>
// CHECK-NEXT: %[[Y:.+]] = kiln.add %[[NS]], %[[BIAS]]
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm(%x: tensor<2x5x8xf32>, %s: tensor<5x8xf32>, %b: tensor<5x8xf32>) -> tensor<2x5x8xf32> {
  %0 = kiln.layer_norm %x, %s, %b {axis = 1} : (tensor<2x5x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// -----

// The default axis -1: only the last dim (1/8).
// CHECK-LABEL: func.func @layer_norm_last(
// CHECK: kiln.constant dense<1.250000e-01> : tensor<f32>
// CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: 2>, keepdims = true} : tensor<2x5x8xf32> -> tensor<2x5x1xf32>
// CHECK-NOT: kiln.layer_norm
func.func @layer_norm_last(%x: tensor<2x5x8xf32>, %s: tensor<8xf32>) -> tensor<2x5x8xf32> {
  %0 = kiln.layer_norm %x, %s, %s : (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}
