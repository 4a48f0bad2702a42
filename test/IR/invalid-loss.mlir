// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @mse_shape_mismatch(%x: tensor<4x3xf32>, %t: tensor<4xf32>) {
  // expected-error @below {{'kiln.mse_loss' op target 4xf32 must have the type of input 4x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.mse_loss %x, %t : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @bce_element_type_mismatch(%x: tensor<4xf32>, %t: tensor<4xf16>) {
  // expected-error @below {{'kiln.binary_cross_entropy_with_logits' op target 4xf16 must have the type of input 4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.binary_cross_entropy_with_logits %x, %t : (tensor<4xf32>, tensor<4xf16>) -> tensor<f32>
  return
}

// -----

func.func @mse_reduced_result_not_scalar(%x: tensor<4xf32>) {
  // expected-error @below {{'kiln.mse_loss' op inferred type(s) 'tensor<f32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.mse_loss %x, %x {reduction = #kiln.reduction<sum>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @sce_input_rank(%x: tensor<10xf32>, %l: tensor<i64>) {
  // expected-error @below {{'kiln.softmax_cross_entropy' op input must be [N, C, ...], got 10xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %x, %l : (tensor<10xf32>, tensor<i64>) -> tensor<f32>
  return
}

// -----

func.func @nll_input_rank(%x: tensor<10xf32>, %l: tensor<i64>) {
  // expected-error @below {{'kiln.nll_loss' op input must be [N, C, ...], got 10xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %l : (tensor<10xf32>, tensor<i64>) -> tensor<f32>
  return
}

// -----

func.func @sce_probabilities_shape(%x: tensor<8x10xf32>, %p: tensor<8x9xf32>) {
  // expected-error @below {{'kiln.softmax_cross_entropy' op target 8x9xf32 with probabilities must have the input's type 8x10xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %x, %p : (tensor<8x10xf32>, tensor<8x9xf32>) -> tensor<f32>
  return
}

// -----

func.func @sce_probabilities_with_ignore_index(%x: tensor<8x10xf32>) {
  // expected-error @below {{'kiln.softmax_cross_entropy' op ignore_index needs integer labels, target is 8x10xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %x, %x {ignore_index = 0} : (tensor<8x10xf32>, tensor<8x10xf32>) -> tensor<f32>
  return
}

// -----

func.func @sce_bool_labels(%x: tensor<8x10xf32>, %l: tensor<8xi1>) {
  // expected-error @below {{'kiln.softmax_cross_entropy' op target 8xi1 must hold i32 or i64 labels}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %x, %l : (tensor<8x10xf32>, tensor<8xi1>) -> tensor<f32>
  return
}

// -----

func.func @sce_i8_labels(%x: tensor<8x10xf32>, %l: tensor<8xi8>) {
  // expected-error @below {{'kiln.softmax_cross_entropy' op target 8xi8 must hold i32 or i64 labels}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %x, %l : (tensor<8x10xf32>, tensor<8xi8>) -> tensor<f32>
  return
}

// -----

func.func @sce_label_shape(%x: tensor<8x10xf32>, %l: tensor<4xi64>) {
  // expected-error @below {{'kiln.softmax_cross_entropy' op labels 4xi64 must be [8] for input 8x10xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %x, %l : (tensor<8x10xf32>, tensor<4xi64>) -> tensor<f32>
  return
}

// -----

func.func @nll_spatial_label_shape(%x: tensor<2x10x4x4xf32>, %l: tensor<2x10x4xi64>) {
  // expected-error @below {{'kiln.nll_loss' op labels 2x10x4xi64 must be [2, 4, 4] for input 2x10x4x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %l : (tensor<2x10x4x4xf32>, tensor<2x10x4xi64>) -> tensor<f32>
  return
}

// -----

// nll_loss takes log-probabilities and integer labels only.
func.func @nll_float_target(%x: tensor<8x10xf32>) {
  // expected-error @below {{'kiln.nll_loss' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<8x10xf32>'}}
  %0 = kiln.nll_loss %x, %x : (tensor<8x10xf32>, tensor<8x10xf32>) -> tensor<f32>
  return
}

// -----

func.func @nll_weight_shape(%x: tensor<8x10xf32>, %l: tensor<8xi64>, %w: tensor<9xf32>) {
  // expected-error @below {{'kiln.nll_loss' op weight must be [10] of 'f32', got 9xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %l, %w : (tensor<8x10xf32>, tensor<8xi64>, tensor<9xf32>) -> tensor<f32>
  return
}

// -----

func.func @sce_weight_type(%x: tensor<8x10xf32>, %l: tensor<8xi64>, %w: tensor<10xf64>) {
  // expected-error @below {{'kiln.softmax_cross_entropy' op weight must be [10] of 'f32', got 10xf64}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %x, %l, %w : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf64>) -> tensor<f32>
  return
}

// -----

func.func @nll_none_result_shape(%x: tensor<8x10xf32>, %l: tensor<8xi64>) {
  // expected-error @below {{'kiln.nll_loss' op inferred type(s) 'tensor<8xf32>' are incompatible with return type(s) of operation 'tensor<f32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %l {reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8xi64>) -> tensor<f32>
  return
}
