// RUN: kiln-opt %s --kiln-autodiff --split-input-file --verify-diagnostics
// RUN: not kiln-opt %s --kiln-autodiff=wrt=some --split-input-file 2>&1 | FileCheck %s --check-prefix=WRT

// An op without a gradient on the path from a trainable argument to the
// loss is an error at that op.
func.func private @opaque(tensor<3xf32>) -> tensor<3xf32>
func.func @call(%x: tensor<3xf32> {kiln.trainable}) -> tensor<f32> {
  // expected-error @below {{'func.call' has no gradient; it lies on a path from a differentiated argument to the loss}}
  %0 = func.call @opaque(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.reduce_sum %0 : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Off the path, any op may appear: argmax of the labels needs no gradient.
func.func @labels(%x: tensor<4x3xf32> {kiln.trainable}, %p: tensor<4x3xf32>) -> tensor<f32> {
  %t = kiln.argmax %p {axis = 1 : i64, keepdims = false} : tensor<4x3xf32> -> tensor<4xi64>
  %0 = kiln.softmax_cross_entropy %x, %t : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error @below {{kiln-autodiff: cannot add @f_grad: the symbol exists}}
func.func @f(%x: tensor<3xf32> {kiln.trainable}) -> tensor<f32> {
  %1 = kiln.reduce_sum %x : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
func.func @f_grad(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// WRT: kiln-autodiff: wrt must be 'trainable' or 'all', got 'some'
