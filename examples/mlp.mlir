// A two-layer perceptron's forward pass and loss on a batch of 4: the
// running example of docs/ARCHITECTURE.md.
//   kiln-compile examples/mlp.mlir -o mlp --emit=exe,header
func.func @loss(%x: tensor<4x8xf32>, %w1: tensor<8x16xf32> {kiln.trainable},
                %b1: tensor<16xf32> {kiln.trainable},
                %w2: tensor<16x3xf32> {kiln.trainable},
                %b2: tensor<3xf32> {kiln.trainable},
                %labels: tensor<4xi64>) -> tensor<f32> {
  %0 = kiln.matmul %x, %w1 : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = kiln.add %0, %b1 : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %2 = kiln.relu %1 : tensor<4x16xf32>
  %3 = kiln.matmul %2, %w2 : (tensor<4x16xf32>, tensor<16x3xf32>) -> tensor<4x3xf32>
  %4 = kiln.add %3, %b2 : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %5 = kiln.softmax_cross_entropy %4, %labels : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %5 : tensor<f32>
}
