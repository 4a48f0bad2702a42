// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// reshape, transpose, concat, slice, gather, broadcast_to and pad.

// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>
func.func @reshape(%x: tensor<2x3x4xf32>, %s: tensor<i64>, %e: tensor<0x3xf32>) {
  // CHECK: kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  // CHECK: kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<1x4x1x6xf32>
  %2 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<1x4x1x6xf32>
  // CHECK: kiln.reshape %{{.*}} : tensor<i64> -> tensor<1x1xi64>
  %3 = kiln.reshape %s : tensor<i64> -> tensor<1x1xi64>
  // CHECK: kiln.reshape %{{.*}} : tensor<0x3xf32> -> tensor<3x0xf32>
  %4 = kiln.reshape %e : tensor<0x3xf32> -> tensor<3x0xf32>
  return
}

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>
func.func @transpose(%x: tensor<2x3x4xf32>, %m: tensor<5x7xi1>) {
  // CHECK: kiln.transpose %[[X]] {permutation = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %0 = kiln.transpose %x {permutation = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: kiln.transpose %[[X]] {permutation = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  %1 = kiln.transpose %x {permutation = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  // CHECK: kiln.transpose %[[X]] {permutation = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %2 = kiln.transpose %x {permutation = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // CHECK: kiln.transpose %{{.*}} {permutation = array<i64: 1, 0>} : tensor<5x7xi1> -> tensor<7x5xi1>
  %3 = kiln.transpose %m {permutation = array<i64: 1, 0>} : tensor<5x7xi1> -> tensor<7x5xi1>
  return
}

// CHECK-LABEL: func.func @concat(
// CHECK-SAME: %[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<2x5xf32>, %[[C:[^:]*]]: tensor<4x3xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<4x3xf32>, %i: tensor<3xi64>) {
  // CHECK: kiln.concat %[[A]], %[[B]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %0 = kiln.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  // CHECK: kiln.concat %[[A]], %[[C]], %[[A]] {axis = 0 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<8x3xf32>
  %1 = kiln.concat %a, %c, %a {axis = 0} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<8x3xf32>
  // CHECK: kiln.concat %[[A]], %[[B]], %[[B]] {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x13xf32>
  %2 = kiln.concat %a, %b, %b {axis = -1} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x13xf32>
  // CHECK: kiln.concat %[[A]] {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = kiln.concat %a {axis = 0} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<3xi64>, tensor<3xi64>) -> tensor<6xi64>
  %4 = kiln.concat %i, %i {axis = 0} : (tensor<3xi64>, tensor<3xi64>) -> tensor<6xi64>
  return
}

// CHECK-LABEL: func.func @slice(
// CHECK-SAME: %[[X:[^:]*]]: tensor<5x8xf32>
func.func @slice(%x: tensor<5x8xf32>) {
  // CHECK: kiln.slice %[[X]] {limits = array<i64: 4, 8>, starts = array<i64: 1, 0>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<3x8xf32>
  %0 = kiln.slice %x {starts = array<i64: 1, 0>, limits = array<i64: 4, 8>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<3x8xf32>
  // Steps round up: 0, 2, 4 and 1, 4, 7.
  // CHECK: kiln.slice %[[X]] {limits = array<i64: 5, 8>, starts = array<i64: 0, 1>, steps = array<i64: 2, 3>} : tensor<5x8xf32> -> tensor<3x3xf32>
  %1 = kiln.slice %x {starts = array<i64: 0, 1>, limits = array<i64: 5, 8>, steps = array<i64: 2, 3>} : tensor<5x8xf32> -> tensor<3x3xf32>
  // An empty slice.
  // CHECK: kiln.slice %[[X]] {limits = array<i64: 2, 8>, starts = array<i64: 2, 0>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<0x8xf32>
  %2 = kiln.slice %x {starts = array<i64: 2, 0>, limits = array<i64: 2, 8>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<0x8xf32>
  return
}

// The result is data.shape[:axis] + indices.shape + data.shape[axis + 1:].
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %[[D:[^:]*]]: tensor<10x4xf32>, %[[I:[^:]*]]: tensor<2x3xi64>, %[[J:[^:]*]]: tensor<i32>
func.func @gather(%d: tensor<10x4xf32>, %i: tensor<2x3xi64>, %j: tensor<i32>) {
  // Embedding lookup.
  // CHECK: kiln.gather %[[D]], %[[I]] : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %0 = kiln.gather %d, %i : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  // CHECK: kiln.gather %[[D]], %[[I]] {axis = 1 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<10x2x3xf32>
  %1 = kiln.gather %d, %i {axis = 1} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<10x2x3xf32>
  // A scalar index drops the dim.
  // CHECK: kiln.gather %[[D]], %[[J]] {axis = -1 : i64} : (tensor<10x4xf32>, tensor<i32>) -> tensor<10xf32>
  %2 = kiln.gather %d, %j {axis = -1} : (tensor<10x4xf32>, tensor<i32>) -> tensor<10xf32>
  return
}

// CHECK-LABEL: func.func @broadcast_to(
func.func @broadcast_to(%a: tensor<3xf32>, %b: tensor<2x1xi64>, %s: tensor<f32>) {
  // CHECK: kiln.broadcast_to %{{.*}} : tensor<3xf32> -> tensor<4x3xf32>
  %0 = kiln.broadcast_to %a : tensor<3xf32> -> tensor<4x3xf32>
  // CHECK: kiln.broadcast_to %{{.*}} : tensor<2x1xi64> -> tensor<5x2x7xi64>
  %1 = kiln.broadcast_to %b : tensor<2x1xi64> -> tensor<5x2x7xi64>
  // CHECK: kiln.broadcast_to %{{.*}} : tensor<f32> -> tensor<2x2xf32>
  %2 = kiln.broadcast_to %s : tensor<f32> -> tensor<2x2xf32>
  // CHECK: kiln.broadcast_to %{{.*}} : tensor<3xf32> -> tensor<3xf32>
  %3 = kiln.broadcast_to %a : tensor<3xf32> -> tensor<3xf32>
  return
}

// CHECK-LABEL: func.func @pad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
func.func @pad(%x: tensor<2x3xf32>, %i: tensor<4xi32>) {
  // CHECK: kiln.pad %[[X]] {high = array<i64: 0, 2>, low = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x5xf32>
  %0 = kiln.pad %x {low = array<i64: 1, 0>, high = array<i64: 0, 2>} : tensor<2x3xf32> -> tensor<3x5xf32>
  // CHECK: kiln.pad %[[X]] {high = array<i64: 1, 1>, low = array<i64: 1, 1>, value = -1.000000e+00 : f64} : tensor<2x3xf32> -> tensor<4x5xf32>
  %1 = kiln.pad %x {low = array<i64: 1, 1>, high = array<i64: 1, 1>, value = -1.0} : tensor<2x3xf32> -> tensor<4x5xf32>
  // Reflect padding must be smaller than the dim.
  // CHECK: kiln.pad %[[X]] {high = array<i64: 0, 2>, low = array<i64: 1, 2>, mode = #kiln.pad_mode<reflect>} : tensor<2x3xf32> -> tensor<3x7xf32>
  %2 = kiln.pad %x {low = array<i64: 1, 2>, high = array<i64: 0, 2>, mode = #kiln.pad_mode<reflect>} : tensor<2x3xf32> -> tensor<3x7xf32>
  // Edge padding may exceed the dim.
  // CHECK: kiln.pad %[[X]] {high = array<i64: 5, 0>, low = array<i64: 0, 4>, mode = #kiln.pad_mode<edge>} : tensor<2x3xf32> -> tensor<7x7xf32>
  %3 = kiln.pad %x {low = array<i64: 0, 4>, high = array<i64: 5, 0>, mode = #kiln.pad_mode<edge>} : tensor<2x3xf32> -> tensor<7x7xf32>
  // The default mode is elided.
  // CHECK: kiln.pad %{{.*}} {high = array<i64: 3>, low = array<i64: 0>} : tensor<4xi32> -> tensor<7xi32>
  %4 = kiln.pad %i {low = array<i64: 0>, high = array<i64: 3>, mode = #kiln.pad_mode<constant>} : tensor<4xi32> -> tensor<7xi32>
  // Zero padding is allowed.
  // CHECK: kiln.pad %[[X]] {high = array<i64: 0, 0>, low = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %5 = kiln.pad %x {low = array<i64: 0, 0>, high = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// A huge step takes one element.
// CHECK-LABEL: func.func @slice_huge_step(
func.func @slice_huge_step(%x: tensor<5xf32>) {
  // CHECK: kiln.slice %{{.*}} {limits = array<i64: 5>, starts = array<i64: 0>, steps = array<i64: 9223372036854775807>} : tensor<5xf32> -> tensor<1xf32>
  %0 = kiln.slice %x {starts = array<i64: 0>, limits = array<i64: 5>, steps = array<i64: 9223372036854775807>} : tensor<5xf32> -> tensor<1xf32>
  return
}
