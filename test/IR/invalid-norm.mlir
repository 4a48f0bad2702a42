// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @batch_norm_input_rank(%x: tensor<8xf32>, %c: tensor<8xf32>) {
  // expected-error @below {{'kiln.batch_norm_inference' op input must be [N, C, ...], got 8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.batch_norm_inference %x, %c, %c, %c, %c : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @batch_norm_variance_shape(%x: tensor<8x3x4x4xf32>, %c: tensor<3xf32>, %v: tensor<4xf32>) {
  // expected-error @below {{'kiln.batch_norm_inference' op 'variance' must be [3] of 'f32' to match input 8x3x4x4xf32, got 4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.batch_norm_inference %x, %c, %c, %c, %v : (tensor<8x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<8x3x4x4xf32>
  return
}

// -----

func.func @batch_norm_scale_element_type(%x: tensor<8x3xf32>, %c: tensor<3xf32>, %s: tensor<3xf16>) {
  // expected-error @below {{'kiln.batch_norm_inference' op 'scale' must be [3] of 'f32' to match input 8x3xf32, got 3xf16}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.batch_norm_inference %x, %s, %c, %c, %c : (tensor<8x3xf32>, tensor<3xf16>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  return
}

// -----

func.func @batch_norm_training_bias_rank(%x: tensor<8x3x4x4xf32>, %c: tensor<3xf32>, %b: tensor<1x3xf32>) {
  // expected-error @below {{'kiln.batch_norm_training' op 'bias' must be [3] of 'f32' to match input 8x3x4x4xf32, got 1x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:3 = kiln.batch_norm_training %x, %c, %b : (tensor<8x3x4x4xf32>, tensor<3xf32>, tensor<1x3xf32>) -> (tensor<8x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @batch_norm_training_input_rank(%x: tensor<f32>, %c: tensor<3xf32>) {
  // expected-error @below {{'kiln.batch_norm_training' op input must be [N, C, ...], got f32}}
  // expected-error @below {{failed to infer returned types}}
  %0:3 = kiln.batch_norm_training %x, %c, %c : (tensor<f32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @batch_norm_training_stats_type(%x: tensor<8x3xf32>, %c: tensor<3xf32>) {
  // expected-error @below {{'kiln.batch_norm_training' op inferred type(s) 'tensor<8x3xf32>', 'tensor<3xf32>', 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<8x3xf32>', 'tensor<1x3xf32>', 'tensor<3xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0:3 = kiln.batch_norm_training %x, %c, %c : (tensor<8x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<8x3xf32>, tensor<1x3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @layer_norm_axis_out_of_range(%x: tensor<2x5xf32>, %s: tensor<5xf32>) {
  // expected-error @below {{'kiln.layer_norm' op axis 2 is out of range for input 2x5xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s, %s {axis = 2} : (tensor<2x5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x5x8xf32>, %s: tensor<8xf32>) {
  // expected-error @below {{'kiln.layer_norm' op 'scale' 8xf32 must have the normalized shape [5, 8] of input 2x5x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s, %s {axis = 1} : (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  return
}

// -----

func.func @layer_norm_bias_type(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf64>) {
  // expected-error @below {{'kiln.layer_norm' op 'bias' 8xf64 must have the normalized shape [8] of input 2x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s, %b : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf64>) -> tensor<2x8xf32>
  return
}

// -----

func.func @dropout_ratio_one(%x: tensor<4xf32>, %seed: tensor<i64>) {
  // expected-error @below {{'kiln.dropout' op ratio 1.000000e+00 must be in [0, 1)}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.dropout %x, %seed {ratio = 1.0 : f32} : (tensor<4xf32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xi1>)
  return
}

// -----

func.func @dropout_ratio_negative(%x: tensor<4xf32>, %seed: tensor<i64>) {
  // expected-error @below {{'kiln.dropout' op ratio -5.000000e-01 must be in [0, 1)}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.dropout %x, %seed {ratio = -0.5 : f32} : (tensor<4xf32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xi1>)
  return
}

// -----

func.func @dropout_seed_not_scalar(%x: tensor<4xf32>, %seed: tensor<1xi64>) {
  // expected-error @below {{'kiln.dropout' op operand #1 must be 0D tensor of 64-bit signless integer values, but got 'tensor<1xi64>'}}
  %0:2 = kiln.dropout %x, %seed : (tensor<4xf32>, tensor<1xi64>) -> (tensor<4xf32>, tensor<4xi1>)
  return
}

// -----

func.func @dropout_mask_shape(%x: tensor<4xf32>, %seed: tensor<i64>) {
  // expected-error @below {{'kiln.dropout' op inferred type(s) 'tensor<4xf32>', 'tensor<4xi1>' are incompatible with return type(s) of operation 'tensor<4xf32>', 'tensor<1xi1>'}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.dropout %x, %seed : (tensor<4xf32>, tensor<i64>) -> (tensor<4xf32>, tensor<1xi1>)
  return
}
