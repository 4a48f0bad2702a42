// A small model with three entry points, used by the kiln-compile tests
// that build and run native code.

// y = softmax(relu(x @ w)) along the last dim.
func.func @predict(%x: tensor<2x3xf32> {kiln.name = "x"}, %w: tensor<3x4xf32> {kiln.name = "w"}) -> (tensor<2x4xf32> {kiln.name = "y"}) {
  %0 = kiln.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = kiln.relu %0 : tensor<2x4xf32>
  %2 = kiln.softmax %1 : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// The index of each row's maximum (i64 output).
func.func @classify(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = kiln.argmax %x {axis = 1, keepdims = false} : tensor<2x3xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// Embedding lookup (i64 input); a negative id counts from the end.
func.func @embed(%table: tensor<4x2xf32>, %ids: tensor<3xi64>) -> tensor<3x2xf32> {
  %0 = kiln.gather %table, %ids : (tensor<4x2xf32>, tensor<3xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
