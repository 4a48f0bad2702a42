func.func @model(%x: tensor<4x3xf32>, %w: tensor<3x2xf32> {kiln.trainable, kiln.name = "w"}) -> tensor<4x2xf32> {
  %0 = kiln.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
