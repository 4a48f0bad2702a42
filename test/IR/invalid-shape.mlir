// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @reshape_element_type(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.reshape' op element type changes from 'f32' to 'i32'}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

func.func @reshape_element_count(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.reshape' op input 2x3xf32 has 6 elements but the result 7xf32 has 7}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return
}

// -----

func.func @transpose_not_a_permutation(%x: tensor<2x3x4xf32>) {
  // expected-error @below {{'kiln.transpose' op permutation [0, 0, 1] is not a permutation of the dims of 2x3x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.transpose %x {permutation = array<i64: 0, 0, 1>} : tensor<2x3x4xf32> -> tensor<2x2x3xf32>
  return
}

// -----

func.func @transpose_wrong_length(%x: tensor<2x3x4xf32>) {
  // expected-error @below {{'kiln.transpose' op permutation [1, 0] is not a permutation of the dims of 2x3x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : tensor<2x3x4xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_wrong_result(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.transpose' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_no_inputs() {
  // expected-error @below {{'kiln.concat' op needs at least one input}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.concat {axis = 0} : () -> tensor<0xf32>
  return
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.concat' op axis 2 is out of range for input 2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.concat %a, %a {axis = 2} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_rank_mismatch(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @below {{'kiln.concat' op input 1 3xf32 does not match input 0 2x3xf32 in rank or element type}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 0} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @concat_element_type_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) {
  // expected-error @below {{'kiln.concat' op input 1 2x3xi32 does not match input 0 2x3xf32 in rank or element type}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 0} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_other_dim_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @below {{'kiln.concat' op input 2 2x4xf32 differs from input 0 2x3xf32 in dim 1, which is not the concat axis}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.concat %a, %a, %b {axis = 0} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<6x3xf32>
  return
}

// -----

func.func @concat_missing_axis(%a: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.concat' op requires attribute 'axis'}}
  %0 = kiln.concat %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_starts_length(%x: tensor<5x8xf32>) {
  // expected-error @below {{'kiln.slice' op 'starts' has 1 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0>, limits = array<i64: 5, 8>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<5x8xf32>
  return
}

// -----

func.func @slice_limits_length(%x: tensor<5x8xf32>) {
  // expected-error @below {{'kiln.slice' op 'limits' has 3 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0, 0>, limits = array<i64: 5, 8, 1>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<5x8xf32>
  return
}

// -----

func.func @slice_steps_length(%x: tensor<5x8xf32>) {
  // expected-error @below {{'kiln.slice' op 'steps' has 0 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0, 0>, limits = array<i64: 5, 8>, steps = array<i64>} : tensor<5x8xf32> -> tensor<5x8xf32>
  return
}

// -----

func.func @slice_zero_step(%x: tensor<5x8xf32>) {
  // expected-error @below {{'kiln.slice' op 'steps' entries must be >= 1, got 0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0, 0>, limits = array<i64: 5, 8>, steps = array<i64: 1, 0>} : tensor<5x8xf32> -> tensor<5x8xf32>
  return
}

// -----

func.func @slice_limit_past_end(%x: tensor<5x8xf32>) {
  // expected-error @below {{'kiln.slice' op dim 1: need 0 <= start (2) <= limit (9) <= size (8) for input 5x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0, 2>, limits = array<i64: 5, 9>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<5x7xf32>
  return
}

// -----

func.func @slice_negative_start(%x: tensor<5x8xf32>) {
  // expected-error @below {{'kiln.slice' op dim 0: need 0 <= start (-1) <= limit (5) <= size (5) for input 5x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: -1, 0>, limits = array<i64: 5, 8>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<6x8xf32>
  return
}

// -----

func.func @slice_reversed(%x: tensor<5x8xf32>) {
  // expected-error @below {{'kiln.slice' op dim 0: need 0 <= start (4) <= limit (1) <= size (5) for input 5x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 4, 0>, limits = array<i64: 1, 8>, steps = array<i64: 1, 1>} : tensor<5x8xf32> -> tensor<0x8xf32>
  return
}

// -----

func.func @gather_axis_out_of_range(%d: tensor<10x4xf32>, %i: tensor<3xi64>) {
  // expected-error @below {{'kiln.gather' op axis -3 is out of range for data 10x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.gather %d, %i {axis = -3} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gather_float_indices(%d: tensor<10x4xf32>, %i: tensor<3xf32>) {
  // expected-error @below {{'kiln.gather' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = kiln.gather %d, %i : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @broadcast_to_element_type(%x: tensor<3xf32>) {
  // expected-error @below {{'kiln.broadcast_to' op element type changes from 'f32' to 'f16'}}
  %0 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf16>
  return
}

// -----

func.func @broadcast_to_incompatible(%x: tensor<3xf32>) {
  // expected-error @below {{'kiln.broadcast_to' op input 3xf32 does not broadcast to 3x2xf32}}
  %0 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<3x2xf32>
  return
}

// -----

// broadcast_to never shrinks: the target shape must contain the input's.
func.func @broadcast_to_smaller(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.broadcast_to' op input 2x3xf32 does not broadcast to 3xf32}}
  %0 = kiln.broadcast_to %x : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @pad_low_length(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.pad' op 'low' has 1 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 1>, high = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @pad_high_length(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.pad' op 'high' has 3 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 0, 0>, high = array<i64: 0, 0, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @pad_negative_low(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.pad' op 'low' entries must be >= 0, got -1}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 0, -1>, high = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @pad_negative_high(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.pad' op 'high' entries must be >= 0, got -2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 0, 0>, high = array<i64: -2, 0>} : tensor<2x3xf32> -> tensor<0x3xf32>
  return
}

// -----

func.func @pad_reflect_too_wide(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.pad' op reflect padding of dim 1 (0, 3) must be smaller than its size 3 in input 2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 0, 0>, high = array<i64: 0, 3>, mode = #kiln.pad_mode<reflect>} : tensor<2x3xf32> -> tensor<2x6xf32>
  return
}

// -----

func.func @pad_edge_of_empty_dim(%x: tensor<0x3xf32>) {
  // expected-error @below {{'kiln.pad' op edge padding of dim 0 needs a non-empty dim, input is 0x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 1, 0>, high = array<i64: 0, 0>, mode = #kiln.pad_mode<edge>} : tensor<0x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @pad_wrong_result(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.pad' op inferred type(s) 'tensor<3x5xf32>' are incompatible with return type(s) of operation 'tensor<3x4xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 1, 1>, high = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @pad_overflow(%x: tensor<9223372036854775807xf32>) {
  // expected-error @below {{'kiln.pad' op padded dim 0 of input 9223372036854775807xf32 overflows int64}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 1>, high = array<i64: 0>} : tensor<9223372036854775807xf32> -> tensor<1xf32>
  return
}

// -----

func.func @concat_overflow(%x: tensor<9223372036854775807xf32>, %y: tensor<1xf32>) {
  // expected-error @below {{'kiln.concat' op concatenated dim 0 overflows int64 at input 1 1xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.concat %x, %y {axis = 0} : (tensor<9223372036854775807xf32>, tensor<1xf32>) -> tensor<1xf32>
  return
}
