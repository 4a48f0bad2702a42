// A 784-32-10 classifier written at batch 1, for the train command's tests.
func.func @tiny(%x: tensor<1x784xf32>,
                %w1: tensor<784x32xf32> {kiln.trainable, kiln.name = "w1", kiln.init = "he_uniform"},
                %b1: tensor<32xf32> {kiln.trainable, kiln.name = "b1"},
                %w2: tensor<32x10xf32> {kiln.trainable, kiln.name = "w2"},
                %b2: tensor<10xf32> {kiln.trainable, kiln.name = "b2"}) -> tensor<1x10xf32> {
  %0 = kiln.matmul %x, %w1 : (tensor<1x784xf32>, tensor<784x32xf32>) -> tensor<1x32xf32>
  %1 = kiln.add %0, %b1 : (tensor<1x32xf32>, tensor<32xf32>) -> tensor<1x32xf32>
  %2 = kiln.relu %1 : tensor<1x32xf32>
  %3 = kiln.matmul %2, %w2 : (tensor<1x32xf32>, tensor<32x10xf32>) -> tensor<1x10xf32>
  %4 = kiln.add %3, %b2 : (tensor<1x10xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %4 : tensor<1x10xf32>
}
