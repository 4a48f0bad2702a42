// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Convolution and pooling, NCHW. OH = (H + top + bottom
// - dilation * (KH - 1) - 1) / stride + 1.

// CHECK-LABEL: func.func @conv2d(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x3x32x32xf32>, %[[W:[^:]*]]: tensor<16x3x5x5xf32>, %[[B:[^:]*]]: tensor<16xf32>
func.func @conv2d(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x5x5xf32>, %b: tensor<16xf32>) {
  // CHECK: kiln.conv2d %[[X]], %[[W]] : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x28x28xf32>
  %0 = kiln.conv2d %x, %w : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x28x28xf32>
  // CHECK: kiln.conv2d %[[X]], %[[W]], %[[B]] : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>, tensor<16xf32>) -> tensor<1x16x28x28xf32>
  %1 = kiln.conv2d %x, %w, %b : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>, tensor<16xf32>) -> tensor<1x16x28x28xf32>
  // CHECK: kiln.conv2d %[[X]], %[[W]], %[[B]] {padding = array<i64: 2, 2, 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  %2 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 2, 2, 2, 2>} : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  // Different strides and dilations per dim: H span 9, W span 5.
  // CHECK: kiln.conv2d %[[X]], %[[W]] {dilations = array<i64: 2, 1>, strides = array<i64: 1, 3>} : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x24x10xf32>
  %3 = kiln.conv2d %x, %w {dilations = array<i64: 2, 1>, strides = array<i64: 1, 3>} : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x24x10xf32>
  // Explicit defaults are elided.
  // CHECK: kiln.conv2d %[[X]], %[[W]] : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x28x28xf32>
  %4 = kiln.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1} : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x28x28xf32>
  return
}

// padding is [top, left, bottom, right].
// CHECK-LABEL: func.func @conv2d_asymmetric_padding(
func.func @conv2d_asymmetric_padding(%x: tensor<2x1x10x10xf32>, %w: tensor<4x1x3x3xf32>) {
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} {padding = array<i64: 1, 0, 2, 0>} : (tensor<2x1x10x10xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x11x8xf32>
  %0 = kiln.conv2d %x, %w {padding = array<i64: 1, 0, 2, 0>} : (tensor<2x1x10x10xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x11x8xf32>
  return
}

// The filter holds C / groups input channels.
// CHECK-LABEL: func.func @conv2d_groups(
func.func @conv2d_groups(%x: tensor<2x8x10x10xf32>, %w: tensor<8x2x3x3xf32>, %dw: tensor<16x1x3x3xf32>) {
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} {groups = 4 : i64} : (tensor<2x8x10x10xf32>, tensor<8x2x3x3xf32>) -> tensor<2x8x8x8xf32>
  %0 = kiln.conv2d %x, %w {groups = 4} : (tensor<2x8x10x10xf32>, tensor<8x2x3x3xf32>) -> tensor<2x8x8x8xf32>
  // Depthwise with a channel multiplier of 2.
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} {groups = 8 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x8x10x10xf32>, tensor<16x1x3x3xf32>) -> tensor<2x16x10x10xf32>
  %1 = kiln.conv2d %x, %dw {groups = 8, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x8x10x10xf32>, tensor<16x1x3x3xf32>) -> tensor<2x16x10x10xf32>
  return
}

// CHECK-LABEL: func.func @max_pool2d(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x7x7xf32>, %[[Y:[^:]*]]: tensor<1x4x8x8xf32>
func.func @max_pool2d(%x: tensor<1x4x7x7xf32>, %y: tensor<1x4x8x8xf32>) {
  // CHECK: kiln.max_pool2d %[[X]] {kernel_size = array<i64: 3, 3>} : tensor<1x4x7x7xf32> -> tensor<1x4x5x5xf32>
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 3, 3>} : tensor<1x4x7x7xf32> -> tensor<1x4x5x5xf32>
  // CHECK: kiln.max_pool2d %[[X]] {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x3x3xf32>
  %1 = kiln.max_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x3x3xf32>
  // CHECK: kiln.max_pool2d %[[Y]] {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x3x3xf32>
  %2 = kiln.max_pool2d %y {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x3x3xf32>
  // ceil_mode adds the partial window that starts at 6.
  // CHECK: kiln.max_pool2d %[[Y]] {ceil_mode = true, kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  %3 = kiln.max_pool2d %y {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = true} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // CHECK: kiln.max_pool2d %[[X]] {kernel_size = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  %4 = kiln.max_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  // CHECK: kiln.max_pool2d %[[X]] {dilations = array<i64: 2, 3>, kernel_size = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x5x4xf32>
  %5 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, dilations = array<i64: 2, 3>} : tensor<1x4x7x7xf32> -> tensor<1x4x5x4xf32>
  // Non-square kernel.
  // CHECK: kiln.max_pool2d %[[X]] {kernel_size = array<i64: 1, 7>} : tensor<1x4x7x7xf32> -> tensor<1x4x7x1xf32>
  %6 = kiln.max_pool2d %x {kernel_size = array<i64: 1, 7>} : tensor<1x4x7x7xf32> -> tensor<1x4x7x1xf32>
  return
}

// CHECK-LABEL: func.func @avg_pool2d(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x7x7xf32>
func.func @avg_pool2d(%x: tensor<1x4x7x7xf32>) {
  // CHECK: kiln.avg_pool2d %[[X]] {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x3x3xf32>
  %0 = kiln.avg_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x3x3xf32>
  // CHECK: kiln.avg_pool2d %[[X]] {ceil_mode = true, kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  %1 = kiln.avg_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  // CHECK: kiln.avg_pool2d %[[X]] {count_include_pad = true, kernel_size = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  %2 = kiln.avg_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  // CHECK: kiln.avg_pool2d %[[X]] {kernel_size = array<i64: 7, 7>} : tensor<1x4x7x7xf32> -> tensor<1x4x1x1xf32>
  %3 = kiln.avg_pool2d %x {kernel_size = array<i64: 7, 7>} : tensor<1x4x7x7xf32> -> tensor<1x4x1x1xf32>
  return
}

// global_avg_pool keeps N and C and sets every spatial dim to 1.
// CHECK-LABEL: func.func @global_avg_pool(
func.func @global_avg_pool(%a: tensor<2x3x5x6xf32>, %b: tensor<2x3x9xf32>, %c: tensor<1x2x3x4x5xf16>) {
  // CHECK: kiln.global_avg_pool %{{.*}} : tensor<2x3x5x6xf32> -> tensor<2x3x1x1xf32>
  %0 = kiln.global_avg_pool %a : tensor<2x3x5x6xf32> -> tensor<2x3x1x1xf32>
  // CHECK: kiln.global_avg_pool %{{.*}} : tensor<2x3x9xf32> -> tensor<2x3x1xf32>
  %1 = kiln.global_avg_pool %b : tensor<2x3x9xf32> -> tensor<2x3x1xf32>
  // CHECK: kiln.global_avg_pool %{{.*}} : tensor<1x2x3x4x5xf16> -> tensor<1x2x1x1x1xf16>
  %2 = kiln.global_avg_pool %c : tensor<1x2x3x4x5xf16> -> tensor<1x2x1x1x1xf16>
  return
}

// max_pool2d_grad: the input's type; y and g are the pooled shape.
// CHECK-LABEL: func.func @max_pool2d_grad(
func.func @max_pool2d_grad(%x: tensor<2x3x6x9xf32>, %y: tensor<2x3x3x3xf32>, %g: tensor<2x3x3x3xf32>) {
  // CHECK: kiln.max_pool2d_grad %{{.*}}, %{{.*}}, %{{.*}} {kernel_size = array<i64: 2, 3>} : (tensor<2x3x6x9xf32>, tensor<2x3x3x3xf32>, tensor<2x3x3x3xf32>) -> tensor<2x3x6x9xf32>
  %0 = kiln.max_pool2d_grad %x, %y, %g {kernel_size = array<i64: 2, 3>} : (tensor<2x3x6x9xf32>, tensor<2x3x3x3xf32>, tensor<2x3x3x3xf32>) -> tensor<2x3x6x9xf32>
  return
}
