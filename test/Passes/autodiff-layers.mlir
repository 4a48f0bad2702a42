// RUN: kiln-opt %s --kiln-autodiff | FileCheck %s
// RUN: kiln-opt %s --kiln-autodiff | kiln-opt > /dev/null

// softmax_cross_entropy with integer labels: (softmax(x) - onehot(t)) times
// the upstream gradient, built on the loss op itself (no log_softmax chain).
// CHECK-LABEL: func.func @cross_entropy_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x3xf32> {kiln.trainable}, %[[T:[^:]*]]: tensor<4xi64>)
// CHECK-SAME: -> (tensor<f32>, tensor<4x3xf32>)
// CHECK: %[[ONE:.*]] = kiln.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[TL:.*]] = kiln.reshape %[[T]] : tensor<4xi64> -> tensor<4x1xi64>
// CHECK: %[[IOTA:.*]] = kiln.constant dense<[0, 1, 2]> : tensor<3xi64>
// CHECK: %[[C:.*]] = kiln.reshape %[[IOTA]] : tensor<3xi64> -> tensor<1x3xi64>
// CHECK: %[[HOT:.*]] = kiln.eq %[[TL]], %[[C]]
// CHECK: %[[P:.*]] = kiln.softmax %[[X]] {axis = 1 : i64}
// CHECK: %[[HF:.*]] = kiln.cast %[[HOT]] : tensor<4x3xi1> -> tensor<4x3xf32>
// CHECK: %[[D:.*]] = kiln.sub %[[P]], %[[HF]]
// CHECK: %[[DX:.*]] = kiln.mul %[[D]], %[[ONE]]
// CHECK: return %{{.*}}, %[[DX]]
func.func @cross_entropy(%x: tensor<4x3xf32> {kiln.trainable}, %t: tensor<4xi64>) -> tensor<f32> {
  %0 = kiln.softmax_cross_entropy %x, %t {reduction = #kiln.reduction<sum>} : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// conv2d filter gradient: the input (C and N swapped) correlated with the
// upstream gradient as filter, the forward's stride as dilation; bias: sum.
// CHECK-LABEL: func.func @conv_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x2x5x5xf32>
// CHECK: %[[G:.*]] = kiln.broadcast_to %{{.*}} -> tensor<1x3x3x3xf32>
// CHECK: %[[XT:.*]] = kiln.transpose %[[X]] {permutation = array<i64: 1, 0, 2, 3>} : tensor<1x2x5x5xf32> -> tensor<2x1x5x5xf32>
// CHECK: %[[GT:.*]] = kiln.transpose %[[G]] {permutation = array<i64: 1, 0, 2, 3>} : tensor<1x3x3x3xf32> -> tensor<3x1x3x3xf32>
// CHECK: %[[R:.*]] = kiln.conv2d %[[XT]], %[[GT]] {dilations = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x5x5xf32>, tensor<3x1x3x3xf32>) -> tensor<2x3x3x3xf32>
// CHECK: %[[DW:.*]] = kiln.transpose %[[R]] {permutation = array<i64: 1, 0, 2, 3>} : tensor<2x3x3x3xf32> -> tensor<3x2x3x3xf32>
// CHECK: %[[DB:.*]] = kiln.reduce_sum %[[G]] {axes = array<i64: 0, 2, 3>}
// CHECK: return %{{.*}}, %[[DW]], %[[DB]]
func.func @conv(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32> {kiln.trainable}, %b: tensor<3xf32> {kiln.trainable}) -> tensor<f32> {
  %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x3x3xf32>
  %1 = kiln.reduce_sum %0 : tensor<1x3x3x3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// conv2d input gradient: the upstream gradient dilated by the stride
// (reshape, pad, reshape, slice), a full convolution with the flipped,
// transposed filter, then the forward's padding cut off.
// CHECK-LABEL: func.func @conv_input_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x2x5x5xf32> {kiln.trainable}, %[[W:[^:]*]]: tensor<3x2x3x3xf32>)
// CHECK: kiln.reshape %{{.*}} : tensor<1x3x3x3xf32> -> tensor<1x3x3x1x3x1xf32>
// CHECK: kiln.pad %{{.*}} {high = array<i64: 0, 0, 0, 1, 0, 1>
// CHECK: kiln.reshape %{{.*}} -> tensor<1x3x6x6xf32>
// CHECK: %[[GD:.*]] = kiln.slice %{{.*}} -> tensor<1x3x5x5xf32>
// CHECK: %[[WT:.*]] = kiln.transpose %[[W]] {permutation = array<i64: 1, 0, 2, 3>}
// CHECK: %[[REV:.*]] = kiln.constant dense<[2, 1, 0]> : tensor<3xi64>
// CHECK: %[[F1:.*]] = kiln.gather %[[WT]], %[[REV]] {axis = 2 : i64}
// CHECK: %[[F2:.*]] = kiln.gather %[[F1]], %{{.*}} {axis = 3 : i64}
// CHECK: %[[DXP:.*]] = kiln.conv2d %[[GD]], %[[F2]] {padding = array<i64: 2, 2, 2, 2>} : (tensor<1x3x5x5xf32>, tensor<2x3x3x3xf32>) -> tensor<1x2x7x7xf32>
// CHECK: %[[DX:.*]] = kiln.slice %[[DXP]] {limits = array<i64: 1, 2, 6, 6>, starts = array<i64: 0, 0, 1, 1>
// CHECK: return %{{.*}}, %[[DX]]
func.func @conv_input(%x: tensor<1x2x5x5xf32> {kiln.trainable}, %w: tensor<3x2x3x3xf32>) -> tensor<f32> {
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
  %1 = kiln.reduce_sum %0 : tensor<1x3x3x3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// max_pool2d: per window offset, the elements equal to the maximum take the
// gradient still unclaimed (so a tie is counted once), and go back to their
// input positions through the transpose of the slice (overlapping windows
// here: stride 1).
// CHECK-LABEL: func.func @pool_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x1x4x4xf32>
// CHECK: %[[Y:.*]] = kiln.max_pool2d %[[X]]
// CHECK: %[[G:.*]] = kiln.broadcast_to
// CHECK: %[[Z:.*]] = kiln.constant dense<0.000000e+00>
// CHECK: %[[R0:.*]] = kiln.slice %[[X]] {limits = array<i64: 1, 1, 3, 4>, starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>}
// CHECK: %[[H0:.*]] = kiln.eq %[[R0]], %[[Y]]
// CHECK: %[[P0:.*]] = kiln.select %[[H0]], %[[G]], %[[Z]]
// CHECK: %[[REM:.*]] = kiln.select %[[H0]], %[[Z]], %[[G]]
// CHECK: %[[R1:.*]] = kiln.slice %[[X]] {limits = array<i64: 1, 1, 4, 4>, starts = array<i64: 0, 0, 1, 0>, steps = array<i64: 1, 1, 1, 1>}
// CHECK: %[[H1:.*]] = kiln.eq %[[R1]], %[[Y]]
// CHECK: %[[P1:.*]] = kiln.select %[[H1]], %[[REM]], %[[Z]]
// CHECK: %[[DX:.*]] = kiln.add
// CHECK: return %{{.*}}, %[[DX]]
func.func @pool(%x: tensor<1x1x4x4xf32> {kiln.trainable}) -> tensor<f32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 1>, strides = array<i64: 1, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x3x4xf32>
  %1 = kiln.reduce_sum %0 : tensor<1x1x3x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// Windows that tile the input exactly: one kiln.max_pool2d_grad of the
// input, the pooled result and its gradient (same tie rule).
// CHECK-LABEL: func.func @pool_exact_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x1x4x4xf32>
// CHECK: %[[Y:.*]] = kiln.max_pool2d %[[X]]
// CHECK: %[[G:.*]] = kiln.broadcast_to
// CHECK-NOT: kiln.slice
// CHECK: %[[DX:.*]] = kiln.max_pool2d_grad %[[X]], %[[Y]], %[[G]] {kernel_size = array<i64: 2, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x4xf32>, tensor<1x1x2x4xf32>) -> tensor<1x1x4x4xf32>
// CHECK: return %{{.*}}, %[[DX]]
func.func @pool_exact(%x: tensor<1x1x4x4xf32> {kiln.trainable}) -> tensor<f32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 1>, strides = array<i64: 2, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x4xf32>
  %1 = kiln.reduce_sum %0 : tensor<1x1x2x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
