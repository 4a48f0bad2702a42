// RUN: kiln-opt %s --kiln-expand --split-input-file | FileCheck %s

// reduce_mean and global_avg_pool become a reduce_sum times the constant
// 1 / (number of reduced elements), a rank-0 tensor broadcast by kiln.mul.

// Over axis 2 of [2, 3, 4] with keepdims: sum * 1/4.
// CHECK-LABEL: func.func @reduce_mean_keepdims(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
// CHECK: %[[INV:.+]] = kiln.constant dense<2.500000e-01> : tensor<f32>
// CHECK: %[[S:.+]] = kiln.reduce_sum %[[X]] {axes = array<i64: 2>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
// CHECK-NEXT: %[[R:.+]] = kiln.mul %[[S]], %[[INV]] : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
// CHECK-NEXT: return %[[R]]
func.func @reduce_mean_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x3x1xf32> {
  %0 = kiln.reduce_mean %x {axes = array<i64: 2>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

// No axes means all (1/24); negative axes are normalized ({-1, 0} is
// {2, 0}: 1/8).
// CHECK-LABEL: func.func @reduce_mean_axes(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
// CHECK-DAG: %[[INV24:.+]] = kiln.constant dense<0.0416666679> : tensor<f32>
// CHECK-DAG: %[[INV8:.+]] = kiln.constant dense<1.250000e-01> : tensor<f32>
// CHECK: %[[S0:.+]] = kiln.reduce_sum %[[X]] {axes = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<f32>
// CHECK-NEXT: %[[R0:.+]] = kiln.mul %[[S0]], %[[INV24]]
// CHECK-NEXT: %[[S1:.+]] = kiln.reduce_sum %[[X]] {axes = array<i64: 2, 0>} : tensor<2x3x4xf32> -> tensor<3xf32>
// CHECK-NEXT: %[[R1:.+]] = kiln.mul %[[S1]], %[[INV8]]
// CHECK-NEXT: return %[[R0]], %[[R1]]
func.func @reduce_mean_axes(%x: tensor<2x3x4xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %0 = kiln.reduce_mean %x : tensor<2x3x4xf32> -> tensor<f32>
  %1 = kiln.reduce_mean %x {axes = array<i64: -1, 0>} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0, %1 : tensor<f32>, tensor<3xf32>
}

// -----

// global_avg_pool: the mean over every spatial dim (5 x 5 = 25), keepdims.
// CHECK-LABEL: func.func @global_avg_pool(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x5x5xf32>
// CHECK: %[[INV:.+]] = kiln.constant dense<4.000000e-02> : tensor<f32>
// CHECK: %[[S:.+]] = kiln.reduce_sum %[[X]] {axes = array<i64: 2, 3>, keepdims = true} : tensor<2x3x5x5xf32> -> tensor<2x3x1x1xf32>
// CHECK-NEXT: %[[R:.+]] = kiln.mul %[[S]], %[[INV]]
// CHECK-NEXT: return %[[R]] : tensor<2x3x1x1xf32>
func.func @global_avg_pool(%x: tensor<2x3x5x5xf32>) -> tensor<2x3x1x1xf32> {
  %0 = kiln.global_avg_pool %x : tensor<2x3x5x5xf32> -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

// Rank 3 ([N, C, L]): one spatial dim.
// CHECK-LABEL: func.func @global_avg_pool_1d(
// CHECK: %[[INV:.+]] = kiln.constant dense<1.250000e-01> : tensor<f32>
// CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: 2>, keepdims = true} : tensor<4x3x8xf32> -> tensor<4x3x1xf32>
// CHECK-NOT: kiln.global_avg_pool
func.func @global_avg_pool_1d(%x: tensor<4x3x8xf32>) -> tensor<4x3x1xf32> {
  %0 = kiln.global_avg_pool %x : tensor<4x3x8xf32> -> tensor<4x3x1xf32>
  return %0 : tensor<4x3x1xf32>
}
