// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @reduce_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.reduce_sum' op axis 2 is out of range for input 2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 2>} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_negative_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.reduce_mean' op axis -3 is out of range for input 2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.reduce_mean %x {axes = array<i64: -3>} : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_repeated_axis(%x: tensor<2x3x4xf32>) {
  // expected-error @below {{'kiln.reduce_max' op axis 1 repeats dim 1 of input 2x3x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.reduce_max %x {axes = array<i64: 1, 1>} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// -2 and 1 name the same dim of a rank-3 input.
func.func @reduce_repeated_axis_spelled_differently(%x: tensor<2x3x4xf32>) {
  // expected-error @below {{'kiln.reduce_min' op axis -2 repeats dim 1 of input 2x3x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.reduce_min %x {axes = array<i64: 1, -2>} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @reduce_wrong_keepdims_result(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.reduce_logsumexp' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.reduce_logsumexp %x {axes = array<i64: 1>, keepdims = true} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_integer(%x: tensor<2x3xi32>) {
  // expected-error @below {{'kiln.reduce_sum' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<2x3xi32>'}}
  %0 = kiln.reduce_sum %x : tensor<2x3xi32> -> tensor<i32>
  return
}

// -----

func.func @argmax_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.argmax' op axis 2 is out of range for input 2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.argmax %x {axis = 2} : tensor<2x3xf32> -> tensor<2x1xi64>
  return
}

// -----

func.func @argmax_scalar(%x: tensor<f32>) {
  // expected-error @below {{'kiln.argmax' op axis 0 is out of range for input f32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.argmax %x : tensor<f32> -> tensor<i64>
  return
}

// -----

func.func @argmax_result_not_i64(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.argmax' op result #0 must be statically shaped tensor of 64-bit signless integer values, but got 'tensor<1x3xi32>'}}
  %0 = kiln.argmax %x : tensor<2x3xf32> -> tensor<1x3xi32>
  return
}

// -----

func.func @softmax_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.softmax' op axis 2 is out of range for input 2x3xf32}}
  %0 = kiln.softmax %x {axis = 2} : tensor<2x3xf32>
  return
}

// -----

func.func @log_softmax_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.log_softmax' op axis -3 is out of range for input 2x3xf32}}
  %0 = kiln.log_softmax %x {axis = -3} : tensor<2x3xf32>
  return
}

// -----

func.func @softmax_scalar(%x: tensor<f32>) {
  // expected-error @below {{'kiln.softmax' op axis -1 is out of range for input f32}}
  %0 = kiln.softmax %x : tensor<f32>
  return
}
