// LeNet-5 for 28x28 grey images: conv 5x5x6 (pad 2), max pool 2, conv
// 5x5x16, max pool 2, dense 120, 84, 10, ReLU between. Written at batch 1;
// kiln-compile --batch sets the batch it is compiled for.
//
//   kiln-compile examples/models/lenet5.mlir --train --batch=64 \
//       --loss=softmax_cross_entropy --optimizer=adam:lr=1e-3 --emit=exe -o lenet5
//   ./lenet5 train --data /usr/share/datasets/fashion-mnist --epochs 5
func.func @lenet5(%x: tensor<1x1x28x28xf32>,
    %c1: tensor<6x1x5x5xf32> {kiln.trainable, kiln.name = "conv1.w"},
    %cb1: tensor<6xf32> {kiln.trainable, kiln.name = "conv1.b"},
    %c2: tensor<16x6x5x5xf32> {kiln.trainable, kiln.name = "conv2.w"},
    %cb2: tensor<16xf32> {kiln.trainable, kiln.name = "conv2.b"},
    %w1: tensor<400x120xf32> {kiln.trainable, kiln.name = "fc1.w"},
    %b1: tensor<120xf32> {kiln.trainable, kiln.name = "fc1.b"},
    %w2: tensor<120x84xf32> {kiln.trainable, kiln.name = "fc2.w"},
    %b2: tensor<84xf32> {kiln.trainable, kiln.name = "fc2.b"},
    %w3: tensor<84x10xf32> {kiln.trainable, kiln.name = "fc3.w"},
    %b3: tensor<10xf32> {kiln.trainable, kiln.name = "fc3.b"})
    -> tensor<1x10xf32> {
  %0 = kiln.conv2d %x, %c1, %cb1 {padding = array<i64: 2, 2, 2, 2>} : (tensor<1x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<1x6x28x28xf32>
  %1 = kiln.relu %0 : tensor<1x6x28x28xf32>
  %2 = kiln.max_pool2d %1 {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x6x28x28xf32> -> tensor<1x6x14x14xf32>
  %3 = kiln.conv2d %2, %c2, %cb2 : (tensor<1x6x14x14xf32>, tensor<16x6x5x5xf32>, tensor<16xf32>) -> tensor<1x16x10x10xf32>
  %4 = kiln.relu %3 : tensor<1x16x10x10xf32>
  %5 = kiln.max_pool2d %4 {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x16x10x10xf32> -> tensor<1x16x5x5xf32>
  %6 = kiln.reshape %5 : tensor<1x16x5x5xf32> -> tensor<1x400xf32>
  %7 = kiln.matmul %6, %w1 : (tensor<1x400xf32>, tensor<400x120xf32>) -> tensor<1x120xf32>
  %8 = kiln.add %7, %b1 : (tensor<1x120xf32>, tensor<120xf32>) -> tensor<1x120xf32>
  %9 = kiln.relu %8 : tensor<1x120xf32>
  %10 = kiln.matmul %9, %w2 : (tensor<1x120xf32>, tensor<120x84xf32>) -> tensor<1x84xf32>
  %11 = kiln.add %10, %b2 : (tensor<1x84xf32>, tensor<84xf32>) -> tensor<1x84xf32>
  %12 = kiln.relu %11 : tensor<1x84xf32>
  %13 = kiln.matmul %12, %w3 : (tensor<1x84xf32>, tensor<84x10xf32>) -> tensor<1x10xf32>
  %14 = kiln.add %13, %b3 : (tensor<1x10xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %14 : tensor<1x10xf32>
}
