// RUN: kiln-opt %s --split-input-file --kiln-set-batch=batch=64 --verify-diagnostics | FileCheck %s

// The input's dim 0 becomes 64 and every type after it is inferred again:
// conv, pooling, the flattening reshape (it keeps the batch as dim 0),
// matmul, broadcasting add. Parameters keep their types.
// CHECK-LABEL: func.func @lenet_like(
// CHECK-SAME: %{{.*}}: tensor<64x1x8x8xf32>, %{{.*}}: tensor<4x1x3x3xf32> {kiln.trainable}, %{{.*}}: tensor<64x10xf32> {kiln.trainable}, %{{.*}}: tensor<10xf32> {kiln.trainable}) -> tensor<64x10xf32>
// CHECK: kiln.conv2d {{.*}} -> tensor<64x4x8x8xf32>
// CHECK: kiln.relu {{.*}} : tensor<64x4x8x8xf32>
// CHECK: kiln.max_pool2d {{.*}} : tensor<64x4x8x8xf32> -> tensor<64x4x4x4xf32>
// CHECK: kiln.reshape {{.*}} : tensor<64x4x4x4xf32> -> tensor<64x64xf32>
// CHECK: kiln.matmul {{.*}} -> tensor<64x10xf32>
// CHECK: kiln.add {{.*}} -> tensor<64x10xf32>
// CHECK: return {{.*}} : tensor<64x10xf32>
func.func @lenet_like(%x: tensor<2x1x8x8xf32>, %f: tensor<4x1x3x3xf32> {kiln.trainable},
                      %w: tensor<64x10xf32> {kiln.trainable}, %b: tensor<10xf32> {kiln.trainable}) -> tensor<2x10xf32> {
  %0 = kiln.conv2d %x, %f {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x8x8xf32>
  %1 = kiln.relu %0 : tensor<2x4x8x8xf32>
  %2 = kiln.max_pool2d %1 {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x4x8x8xf32> -> tensor<2x4x4x4xf32>
  %3 = kiln.reshape %2 : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
  %4 = kiln.matmul %3, %w : (tensor<2x64xf32>, tensor<64x10xf32>) -> tensor<2x10xf32>
  %5 = kiln.add %4, %b : (tensor<2x10xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  return %5 : tensor<2x10xf32>
}

// -----

// Already at the batch: nothing changes.
// CHECK-LABEL: func.func @same(
// CHECK-SAME: tensor<64x3xf32>
// CHECK: kiln.matmul {{.*}} -> tensor<64x2xf32>
func.func @same(%x: tensor<64x3xf32>, %w: tensor<3x2xf32> {kiln.trainable}) -> tensor<64x2xf32> {
  %0 = kiln.matmul %x, %w : (tensor<64x3xf32>, tensor<3x2xf32>) -> tensor<64x2xf32>
  return %0 : tensor<64x2xf32>
}

// -----

// A reshape that folds the batch into another dim cannot follow it.
func.func @folds_batch(%x: tensor<2x3xf32>, %w: tensor<6x1xf32> {kiln.trainable}) -> tensor<1x1xf32> {
  // expected-error @+1 {{kiln-set-batch: cannot rebatch kiln.reshape to 'tensor<1x6xf32>': its result does not keep the batch as dim 0}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<1x6xf32>
  %1 = kiln.matmul %0, %w : (tensor<1x6xf32>, tensor<6x1xf32>) -> tensor<1x1xf32>
  return %1 : tensor<1x1xf32>
}

// -----

// The batch is dim 0 of the one input that is not trainable.
// expected-error @+1 {{kiln-set-batch: @two_inputs has several inputs that are not kiln.trainable (#0, #1); the batch is dim 0 of the only one}}
func.func @two_inputs(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>, %w: tensor<3x3xf32> {kiln.trainable}) -> tensor<2x3xf32> {
  %0 = kiln.add %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// expected-error @+1 {{kiln-set-batch: no public function has kiln.trainable arguments}}
module {
  func.func @no_params(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    return %x : tensor<2x3xf32>
  }
}
