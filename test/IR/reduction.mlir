// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Reductions over `axes` (empty: all), argmax, softmax and log_softmax.

// CHECK-LABEL: func.func @reduce_ops(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>
func.func @reduce_ops(%x: tensor<2x3x4xf32>) {
  // CHECK: kiln.reduce_sum %[[X]] {axes = array<i64: 1>} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  // CHECK: kiln.reduce_mean %[[X]] {axes = array<i64: 2>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
  %1 = kiln.reduce_mean %x {axes = array<i64: 2>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
  // CHECK: kiln.reduce_max %[[X]] {axes = array<i64: 0, 2>} : tensor<2x3x4xf32> -> tensor<3xf32>
  %2 = kiln.reduce_max %x {axes = array<i64: 0, 2>} : tensor<2x3x4xf32> -> tensor<3xf32>
  // CHECK: kiln.reduce_min %[[X]] {axes = array<i64: 1>} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  %3 = kiln.reduce_min %x {axes = array<i64: 1>} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  // CHECK: kiln.reduce_logsumexp %[[X]] {axes = array<i64: 2>} : tensor<2x3x4xf32> -> tensor<2x3xf32>
  %4 = kiln.reduce_logsumexp %x {axes = array<i64: 2>} : tensor<2x3x4xf32> -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @reduce_axes(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>
func.func @reduce_axes(%x: tensor<2x3x4xf32>, %s: tensor<f32>) {
  // No axes: reduce everything to a scalar, or to all-ones with keepdims.
  // CHECK: kiln.reduce_sum %[[X]] : tensor<2x3x4xf32> -> tensor<f32>
  %0 = kiln.reduce_sum %x : tensor<2x3x4xf32> -> tensor<f32>
  // CHECK: kiln.reduce_sum %[[X]] {keepdims = true} : tensor<2x3x4xf32> -> tensor<1x1x1xf32>
  %1 = kiln.reduce_sum %x {keepdims = true} : tensor<2x3x4xf32> -> tensor<1x1x1xf32>
  // Negative axes count from the end; the order of axes does not matter.
  // CHECK: kiln.reduce_mean %[[X]] {axes = array<i64: -1>} : tensor<2x3x4xf32> -> tensor<2x3xf32>
  %2 = kiln.reduce_mean %x {axes = array<i64: -1>} : tensor<2x3x4xf32> -> tensor<2x3xf32>
  // CHECK: kiln.reduce_max %[[X]] {axes = array<i64: 2, -3>, keepdims = true} : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  %3 = kiln.reduce_max %x {axes = array<i64: 2, -3>, keepdims = true} : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  // CHECK: kiln.reduce_min %[[X]] {axes = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<f32>
  %4 = kiln.reduce_min %x {axes = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<f32>
  // A scalar reduces to itself.
  // CHECK: kiln.reduce_logsumexp %{{.*}} : tensor<f32> -> tensor<f32>
  %5 = kiln.reduce_logsumexp %s : tensor<f32> -> tensor<f32>
  return
}

// argmax returns i64 indices; keepdims defaults to true.
// CHECK-LABEL: func.func @argmax(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>, %[[I:[^:]*]]: tensor<5xi32>
func.func @argmax(%x: tensor<2x3x4xf32>, %i: tensor<5xi32>) {
  // CHECK: kiln.argmax %[[X]] : tensor<2x3x4xf32> -> tensor<1x3x4xi64>
  %0 = kiln.argmax %x : tensor<2x3x4xf32> -> tensor<1x3x4xi64>
  // CHECK: kiln.argmax %[[X]] {axis = 2 : i64, keepdims = false} : tensor<2x3x4xf32> -> tensor<2x3xi64>
  %1 = kiln.argmax %x {axis = 2, keepdims = false} : tensor<2x3x4xf32> -> tensor<2x3xi64>
  // CHECK: kiln.argmax %[[X]] {axis = -2 : i64, select_last_index = true} : tensor<2x3x4xf32> -> tensor<2x1x4xi64>
  %2 = kiln.argmax %x {axis = -2, select_last_index = true} : tensor<2x3x4xf32> -> tensor<2x1x4xi64>
  // CHECK: kiln.argmax %[[I]] {keepdims = false} : tensor<5xi32> -> tensor<i64>
  %3 = kiln.argmax %i {keepdims = false} : tensor<5xi32> -> tensor<i64>
  return
}

// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x10xf32>
func.func @softmax(%x: tensor<2x10xf32>, %h: tensor<3xf16>) {
  // CHECK: kiln.softmax %[[X]] : tensor<2x10xf32>
  %0 = kiln.softmax %x : tensor<2x10xf32>
  // CHECK: kiln.softmax %[[X]] {axis = 0 : i64} : tensor<2x10xf32>
  %1 = kiln.softmax %x {axis = 0} : tensor<2x10xf32>
  // CHECK: kiln.softmax %[[X]] {axis = -2 : i64} : tensor<2x10xf32>
  %2 = kiln.softmax %x {axis = -2} : tensor<2x10xf32>
  // CHECK: kiln.log_softmax %[[X]] : tensor<2x10xf32>
  %3 = kiln.log_softmax %x : tensor<2x10xf32>
  // CHECK: kiln.log_softmax %[[X]] {axis = 1 : i64} : tensor<2x10xf32>
  %4 = kiln.log_softmax %x {axis = 1} : tensor<2x10xf32>
  // CHECK: kiln.log_softmax %{{.*}} : tensor<3xf16>
  %5 = kiln.log_softmax %h : tensor<3xf16>
  return
}
