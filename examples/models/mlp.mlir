// A 784-256-128-10 perceptron for 28x28 grey images (MNIST, Fashion-MNIST),
// written at batch 1; kiln-compile --batch sets the batch it is compiled for.
//
//   kiln-compile examples/models/mlp.mlir --train --batch=64 \
//       --loss=softmax_cross_entropy --optimizer=adam:lr=1e-3 --emit=exe -o mlp
//   ./mlp train --data /usr/share/datasets/fashion-mnist --epochs 5
func.func @mlp(%x: tensor<1x784xf32>,
               %w1: tensor<784x256xf32> {kiln.trainable, kiln.name = "w1"},
               %b1: tensor<256xf32> {kiln.trainable, kiln.name = "b1"},
               %w2: tensor<256x128xf32> {kiln.trainable, kiln.name = "w2"},
               %b2: tensor<128xf32> {kiln.trainable, kiln.name = "b2"},
               %w3: tensor<128x10xf32> {kiln.trainable, kiln.name = "w3"},
               %b3: tensor<10xf32> {kiln.trainable, kiln.name = "b3"})
    -> tensor<1x10xf32> {
  %0 = kiln.matmul %x, %w1 : (tensor<1x784xf32>, tensor<784x256xf32>) -> tensor<1x256xf32>
  %1 = kiln.add %0, %b1 : (tensor<1x256xf32>, tensor<256xf32>) -> tensor<1x256xf32>
  %2 = kiln.relu %1 : tensor<1x256xf32>
  %3 = kiln.matmul %2, %w2 : (tensor<1x256xf32>, tensor<256x128xf32>) -> tensor<1x128xf32>
  %4 = kiln.add %3, %b2 : (tensor<1x128xf32>, tensor<128xf32>) -> tensor<1x128xf32>
  %5 = kiln.relu %4 : tensor<1x128xf32>
  %6 = kiln.matmul %5, %w3 : (tensor<1x128xf32>, tensor<128x10xf32>) -> tensor<1x10xf32>
  %7 = kiln.add %6, %b3 : (tensor<1x10xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %7 : tensor<1x10xf32>
}
