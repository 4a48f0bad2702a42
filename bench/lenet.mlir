// LeNet-5 at batch 64 (Fashion-MNIST shapes) for bench/lenet_bench.cpp: the
// model, from which kiln-build-train-step adds @train_step (Adam), and its
// convolution, pooling and reduction layers one at a time. The conv
// gradients are written as the conv2d ops autodiff emits for them
// (ir/ops/ConvGrad.cpp); the pooling gradients come from kiln-autodiff on
// the *_loss functions (forward pool, times g, summed; d/dx is the pool's
// gradient of g).

func.func @model(%x: tensor<64x1x28x28xf32>,
    %c1: tensor<6x1x5x5xf32> {kiln.trainable, kiln.name = "c1"},
    %cb1: tensor<6xf32> {kiln.trainable, kiln.name = "cb1"},
    %c2: tensor<16x6x5x5xf32> {kiln.trainable, kiln.name = "c2"},
    %cb2: tensor<16xf32> {kiln.trainable, kiln.name = "cb2"},
    %w1: tensor<400x120xf32> {kiln.trainable, kiln.name = "w1"},
    %b1: tensor<120xf32> {kiln.trainable, kiln.name = "b1"},
    %w2: tensor<120x84xf32> {kiln.trainable, kiln.name = "w2"},
    %b2: tensor<84xf32> {kiln.trainable, kiln.name = "b2"},
    %w3: tensor<84x10xf32> {kiln.trainable, kiln.name = "w3"},
    %b3: tensor<10xf32> {kiln.trainable, kiln.name = "b3"}) -> tensor<64x10xf32> {
  %0 = kiln.conv2d %x, %c1, %cb1 {padding = array<i64: 2, 2, 2, 2>} : (tensor<64x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<64x6x28x28xf32>
  %1 = kiln.relu %0 : tensor<64x6x28x28xf32>
  %2 = kiln.max_pool2d %1 {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<64x6x28x28xf32> -> tensor<64x6x14x14xf32>
  %3 = kiln.conv2d %2, %c2, %cb2 : (tensor<64x6x14x14xf32>, tensor<16x6x5x5xf32>, tensor<16xf32>) -> tensor<64x16x10x10xf32>
  %4 = kiln.relu %3 : tensor<64x16x10x10xf32>
  %5 = kiln.max_pool2d %4 {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<64x16x10x10xf32> -> tensor<64x16x5x5xf32>
  %6 = kiln.reshape %5 : tensor<64x16x5x5xf32> -> tensor<64x400xf32>
  %7 = kiln.matmul %6, %w1 : (tensor<64x400xf32>, tensor<400x120xf32>) -> tensor<64x120xf32>
  %8 = kiln.add %7, %b1 : (tensor<64x120xf32>, tensor<120xf32>) -> tensor<64x120xf32>
  %9 = kiln.relu %8 : tensor<64x120xf32>
  %10 = kiln.matmul %9, %w2 : (tensor<64x120xf32>, tensor<120x84xf32>) -> tensor<64x84xf32>
  %11 = kiln.add %10, %b2 : (tensor<64x84xf32>, tensor<84xf32>) -> tensor<64x84xf32>
  %12 = kiln.relu %11 : tensor<64x84xf32>
  %13 = kiln.matmul %12, %w3 : (tensor<64x84xf32>, tensor<84x10xf32>) -> tensor<64x10xf32>
  %14 = kiln.add %13, %b3 : (tensor<64x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
  return %14 : tensor<64x10xf32>
}

// Forward convolutions with their bias.
func.func @conv1(%x: tensor<64x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>) -> tensor<64x6x28x28xf32> {
  %0 = kiln.conv2d %x, %w, %b {padding = array<i64: 2, 2, 2, 2>} : (tensor<64x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<64x6x28x28xf32>
  return %0 : tensor<64x6x28x28xf32>
}

func.func @conv2(%x: tensor<64x6x14x14xf32>, %w: tensor<16x6x5x5xf32>, %b: tensor<16xf32>) -> tensor<64x16x10x10xf32> {
  %0 = kiln.conv2d %x, %w, %b : (tensor<64x6x14x14xf32>, tensor<16x6x5x5xf32>, tensor<16xf32>) -> tensor<64x16x10x10xf32>
  return %0 : tensor<64x16x10x10xf32>
}

// conv2's input gradient: the upstream gradient correlated with the
// flipped, transposed filter (given here already flipped), padded by K - 1.
func.func @conv2_input_grad(%g: tensor<64x16x10x10xf32>, %wf: tensor<6x16x5x5xf32>) -> tensor<64x6x14x14xf32> {
  %0 = kiln.conv2d %g, %wf {padding = array<i64: 4, 4, 4, 4>} : (tensor<64x16x10x10xf32>, tensor<6x16x5x5xf32>) -> tensor<64x6x14x14xf32>
  return %0 : tensor<64x6x14x14xf32>
}

// Filter gradients: a conv2d over the [C, N, H, W] input with the
// [F, N, OH, OW] gradient as filter, transposed back to [F, C, KH, KW].
func.func @conv1_filter_grad(%x: tensor<64x1x28x28xf32>, %g: tensor<64x6x28x28xf32>) -> tensor<6x1x5x5xf32> {
  %xt = kiln.transpose %x {permutation = array<i64: 1, 0, 2, 3>} : tensor<64x1x28x28xf32> -> tensor<1x64x28x28xf32>
  %gt = kiln.transpose %g {permutation = array<i64: 1, 0, 2, 3>} : tensor<64x6x28x28xf32> -> tensor<6x64x28x28xf32>
  %r = kiln.conv2d %xt, %gt {padding = array<i64: 2, 2, 2, 2>} : (tensor<1x64x28x28xf32>, tensor<6x64x28x28xf32>) -> tensor<1x6x5x5xf32>
  %0 = kiln.transpose %r {permutation = array<i64: 1, 0, 2, 3>} : tensor<1x6x5x5xf32> -> tensor<6x1x5x5xf32>
  return %0 : tensor<6x1x5x5xf32>
}

func.func @conv2_filter_grad(%x: tensor<64x6x14x14xf32>, %g: tensor<64x16x10x10xf32>) -> tensor<16x6x5x5xf32> {
  %xt = kiln.transpose %x {permutation = array<i64: 1, 0, 2, 3>} : tensor<64x6x14x14xf32> -> tensor<6x64x14x14xf32>
  %gt = kiln.transpose %g {permutation = array<i64: 1, 0, 2, 3>} : tensor<64x16x10x10xf32> -> tensor<16x64x10x10xf32>
  %r = kiln.conv2d %xt, %gt : (tensor<6x64x14x14xf32>, tensor<16x64x10x10xf32>) -> tensor<6x16x5x5xf32>
  %0 = kiln.transpose %r {permutation = array<i64: 1, 0, 2, 3>} : tensor<6x16x5x5xf32> -> tensor<16x6x5x5xf32>
  return %0 : tensor<16x6x5x5xf32>
}

func.func @pool1(%x: tensor<64x6x28x28xf32>) -> tensor<64x6x14x14xf32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<64x6x28x28xf32> -> tensor<64x6x14x14xf32>
  return %0 : tensor<64x6x14x14xf32>
}

func.func @pool2(%x: tensor<64x16x10x10xf32>) -> tensor<64x16x5x5xf32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<64x16x10x10xf32> -> tensor<64x16x5x5xf32>
  return %0 : tensor<64x16x5x5xf32>
}

// kiln-autodiff adds @pool1_loss_grad: the forward pool, then its gradient.
func.func @pool1_loss(%x: tensor<64x6x28x28xf32> {kiln.trainable}, %g: tensor<64x6x14x14xf32>) -> tensor<f32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<64x6x28x28xf32> -> tensor<64x6x14x14xf32>
  %1 = kiln.mul %0, %g : (tensor<64x6x14x14xf32>, tensor<64x6x14x14xf32>) -> tensor<64x6x14x14xf32>
  %2 = kiln.reduce_sum %1 : tensor<64x6x14x14xf32> -> tensor<f32>
  return %2 : tensor<f32>
}

// conv1's bias gradient and a softmax over the logits.
func.func @bias1_grad(%g: tensor<64x6x28x28xf32>) -> tensor<6xf32> {
  %0 = kiln.reduce_sum %g {axes = array<i64: 0, 2, 3>} : tensor<64x6x28x28xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

func.func @softmax(%x: tensor<64x10xf32>) -> tensor<64x10xf32> {
  %0 = kiln.softmax %x {axis = 1} : tensor<64x10xf32>
  return %0 : tensor<64x10xf32>
}
