// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Losses reduce to a scalar by default (mean) or with sum; reduction none
// keeps the per-element (or per-example) shape.

// CHECK-LABEL: func.func @elementwise_losses(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x3xf32>, %[[T:[^:]*]]: tensor<4x3xf32>
func.func @elementwise_losses(%x: tensor<4x3xf32>, %t: tensor<4x3xf32>) {
  // CHECK: kiln.mse_loss %[[X]], %[[T]] : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  %0 = kiln.mse_loss %x, %t : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  // CHECK: kiln.mse_loss %[[X]], %[[T]] {reduction = #kiln.reduction<sum>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  %1 = kiln.mse_loss %x, %t {reduction = #kiln.reduction<sum>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  // CHECK: kiln.mse_loss %[[X]], %[[T]] {reduction = #kiln.reduction<none>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %2 = kiln.mse_loss %x, %t {reduction = #kiln.reduction<none>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // The default reduction is elided.
  // CHECK: kiln.binary_cross_entropy_with_logits %[[X]], %[[T]] : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  %3 = kiln.binary_cross_entropy_with_logits %x, %t {reduction = #kiln.reduction<mean>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  // CHECK: kiln.binary_cross_entropy_with_logits %[[X]], %[[T]] {reduction = #kiln.reduction<none>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %4 = kiln.binary_cross_entropy_with_logits %x, %t {reduction = #kiln.reduction<none>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // CHECK: kiln.binary_cross_entropy_with_logits %[[X]], %[[T]] {reduction = #kiln.reduction<sum>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  %5 = kiln.binary_cross_entropy_with_logits %x, %t {reduction = #kiln.reduction<sum>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  return
}

// Class-indexed losses: input [N, C, ...], labels [N, ...], weight [C].
// CHECK-LABEL: func.func @softmax_cross_entropy(
// CHECK-SAME: %[[X:[^:]*]]: tensor<8x10xf32>, %[[L:[^:]*]]: tensor<8xi64>, %[[L32:[^:]*]]: tensor<8xi32>, %[[P:[^:]*]]: tensor<8x10xf32>, %[[W:[^:]*]]: tensor<10xf32>
func.func @softmax_cross_entropy(%x: tensor<8x10xf32>, %l: tensor<8xi64>, %l32: tensor<8xi32>, %p: tensor<8x10xf32>, %w: tensor<10xf32>,
                                 %img: tensor<2x10x4x4xf32>, %imgl: tensor<2x4x4xi64>) {
  // CHECK: kiln.softmax_cross_entropy %[[X]], %[[L]] : (tensor<8x10xf32>, tensor<8xi64>) -> tensor<f32>
  %0 = kiln.softmax_cross_entropy %x, %l : (tensor<8x10xf32>, tensor<8xi64>) -> tensor<f32>
  // CHECK: kiln.softmax_cross_entropy %[[X]], %[[L32]] {reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8xi32>) -> tensor<8xf32>
  %1 = kiln.softmax_cross_entropy %x, %l32 {reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8xi32>) -> tensor<8xf32>
  // CHECK: kiln.softmax_cross_entropy %[[X]], %[[L]], %[[W]] {ignore_index = -100 : i64, reduction = #kiln.reduction<sum>} : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf32>) -> tensor<f32>
  %2 = kiln.softmax_cross_entropy %x, %l, %w {reduction = #kiln.reduction<sum>, ignore_index = -100} : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf32>) -> tensor<f32>
  // Probability targets have the input's type.
  // CHECK: kiln.softmax_cross_entropy %[[X]], %[[P]] : (tensor<8x10xf32>, tensor<8x10xf32>) -> tensor<f32>
  %3 = kiln.softmax_cross_entropy %x, %p : (tensor<8x10xf32>, tensor<8x10xf32>) -> tensor<f32>
  // CHECK: kiln.softmax_cross_entropy %[[X]], %[[P]], %[[W]] {reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8x10xf32>, tensor<10xf32>) -> tensor<8xf32>
  %4 = kiln.softmax_cross_entropy %x, %p, %w {reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8x10xf32>, tensor<10xf32>) -> tensor<8xf32>
  // Spatial: the class dim is dim 1.
  // CHECK: kiln.softmax_cross_entropy %{{.*}}, %{{.*}} {reduction = #kiln.reduction<none>} : (tensor<2x10x4x4xf32>, tensor<2x4x4xi64>) -> tensor<2x4x4xf32>
  %5 = kiln.softmax_cross_entropy %img, %imgl {reduction = #kiln.reduction<none>} : (tensor<2x10x4x4xf32>, tensor<2x4x4xi64>) -> tensor<2x4x4xf32>
  return
}

// CHECK-LABEL: func.func @nll_loss(
// CHECK-SAME: %[[X:[^:]*]]: tensor<8x10xf32>, %[[L:[^:]*]]: tensor<8xi64>, %[[W:[^:]*]]: tensor<10xf32>
func.func @nll_loss(%x: tensor<8x10xf32>, %l: tensor<8xi64>, %w: tensor<10xf32>, %img: tensor<2x10x4x4xf32>, %imgl: tensor<2x4x4xi32>) {
  // CHECK: kiln.nll_loss %[[X]], %[[L]] : (tensor<8x10xf32>, tensor<8xi64>) -> tensor<f32>
  %0 = kiln.nll_loss %x, %l : (tensor<8x10xf32>, tensor<8xi64>) -> tensor<f32>
  // CHECK: kiln.nll_loss %[[X]], %[[L]], %[[W]] : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf32>) -> tensor<f32>
  %1 = kiln.nll_loss %x, %l, %w : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf32>) -> tensor<f32>
  // CHECK: kiln.nll_loss %[[X]], %[[L]], %[[W]] {ignore_index = 0 : i64, reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf32>) -> tensor<8xf32>
  %2 = kiln.nll_loss %x, %l, %w {ignore_index = 0, reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf32>) -> tensor<8xf32>
  // CHECK: kiln.nll_loss %{{.*}}, %{{.*}} {reduction = #kiln.reduction<sum>} : (tensor<2x10x4x4xf32>, tensor<2x4x4xi32>) -> tensor<f32>
  %3 = kiln.nll_loss %img, %imgl {reduction = #kiln.reduction<sum>} : (tensor<2x10x4x4xf32>, tensor<2x4x4xi32>) -> tensor<f32>
  return
}
