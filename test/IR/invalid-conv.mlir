// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @conv_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op input must be [N, C, H, W], got 3x8x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_strides_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op 'strides' has 1 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @conv_padding_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op 'padding' has 2 entries, expected 4}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_dilations_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op 'dilations' has 3 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op 'strides' entries must be >= 1, got 0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_negative_padding(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op 'padding' entries must be >= 0, got -1}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {padding = array<i64: 0, 0, -1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x6xf32>
  return
}

// -----

func.func @conv_zero_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op 'dilations' entries must be >= 1, got 0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @conv_filter_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op filter must be [F, C / groups, KH, KW], got 4x3x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_element_types_differ(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) {
  // expected-error @below {{'kiln.conv2d' op filter 4x3x3x3xf16 and input 1x3x8x8xf32 element types differ}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_groups_do_not_divide(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op groups = 3 must divide input channels (6) and filters (4)}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 3} : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_zero_groups(%x: tensor<1x6x8x8xf32>, %w: tensor<4x6x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op groups = 0 must divide input channels (6) and filters (4)}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 0} : (tensor<1x6x8x8xf32>, tensor<4x6x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_channel_mismatch(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op filter 4x2x3x3xf32 expects 2 input channels (with groups = 1), input 1x3x8x8xf32 has 3}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_grouped_channel_mismatch(%x: tensor<1x8x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op filter 4x2x3x3xf32 expects 4 input channels (with groups = 2), input 1x8x8x8xf32 has 8}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 2} : (tensor<1x8x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @below {{'kiln.conv2d' op bias must be [4] of 'f32', got 3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_empty_kernel(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x0x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op filter 4x3x0x3xf32 has an empty kernel (KH and KW must be >= 1)}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x0x3xf32>) -> tensor<1x4x9x6xf32>
  return
}

// -----

func.func @conv_window_too_big(%x: tensor<1x3x4x8xf32>, %w: tensor<4x3x5x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op window of size 5 (dilation 1) does not fit spatial dim 2 of input 1x3x4x8xf32 with padding 0+0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x4x8xf32>, tensor<4x3x5x3xf32>) -> tensor<1x4x1x6xf32>
  return
}

// -----

func.func @conv_dilated_window_too_big(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op window of size 3 (dilation 4) does not fit spatial dim 3 of input 1x3x8x8xf32 with padding 0+0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 1, 4>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x1xf32>
  return
}

// -----

func.func @conv_wrong_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @below {{'kiln.conv2d' op inferred type(s) 'tensor<1x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @max_pool_kernel_size_length(%x: tensor<1x3x8x8xf32>) {
  // expected-error @below {{'kiln.max_pool2d' op 'kernel_size' has 1 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @max_pool_zero_kernel(%x: tensor<1x3x8x8xf32>) {
  // expected-error @below {{'kiln.max_pool2d' op 'kernel_size' entries must be >= 1, got 0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 0, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x8x7xf32>
  return
}

// -----

func.func @max_pool_missing_kernel(%x: tensor<1x3x8x8xf32>) {
  // expected-error @below {{'kiln.max_pool2d' op requires attribute 'kernel_size'}}
  %0 = kiln.max_pool2d %x : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @max_pool_input_rank(%x: tensor<3x8x8xf32>) {
  // expected-error @below {{'kiln.max_pool2d' op input must be [N, C, H, W], got 3x8x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<3x8x8xf32> -> tensor<3x7x7xf32>
  return
}

// -----

func.func @max_pool_padding_too_big(%x: tensor<1x3x8x8xf32>) {
  // expected-error @below {{'kiln.max_pool2d' op padding[3] = 3 must be smaller than kernel_size[1] = 3}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 3>, padding = array<i64: 1, 1, 1, 3>} : tensor<1x3x8x8xf32> -> tensor<1x3x9x10xf32>
  return
}

// -----

func.func @max_pool_window_too_big(%x: tensor<1x3x8x2xf32>) {
  // expected-error @below {{'kiln.max_pool2d' op window of size 2 (dilation 2) does not fit spatial dim 3 of input 1x3x8x2xf32 with padding 0+0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, dilations = array<i64: 1, 2>} : tensor<1x3x8x2xf32> -> tensor<1x3x7x1xf32>
  return
}

// -----

func.func @max_pool_dilations_length(%x: tensor<1x3x8x8xf32>) {
  // expected-error @below {{'kiln.max_pool2d' op 'dilations' has 1 entries, expected 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, dilations = array<i64: 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x6x6xf32>
  return
}

// -----

func.func @avg_pool_strides(%x: tensor<1x3x8x8xf32>) {
  // expected-error @below {{'kiln.avg_pool2d' op 'strides' entries must be >= 1, got -2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.avg_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: -2, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @avg_pool_padding_too_big(%x: tensor<1x3x8x8xf32>) {
  // expected-error @below {{'kiln.avg_pool2d' op padding[0] = 2 must be smaller than kernel_size[0] = 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.avg_pool2d %x {kernel_size = array<i64: 2, 2>, padding = array<i64: 2, 0, 0, 0>} : tensor<1x3x8x8xf32> -> tensor<1x3x9x7xf32>
  return
}

// -----

func.func @global_avg_pool_rank(%x: tensor<2x3xf32>) {
  // expected-error @below {{'kiln.global_avg_pool' op input must be [N, C, spatial...], got 2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.global_avg_pool %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @max_pool_grad_kernel_divides(%x: tensor<1x1x5x4xf32>, %y: tensor<1x1x2x2xf32>) {
  // expected-error @below {{'kiln.max_pool2d_grad' op kernel_size[0] = 2 must divide spatial dim 2 of input 1x1x5x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d_grad %x, %y, %y {kernel_size = array<i64: 2, 2>} : (tensor<1x1x5x4xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x5x4xf32>
  return
}

// -----

func.func @max_pool_grad_pooled_shape(%x: tensor<1x1x4x4xf32>, %y: tensor<1x1x2x2xf32>, %g: tensor<1x1x2x3xf32>) {
  // expected-error @below {{'kiln.max_pool2d_grad' op output and grad must be 1x1x2x2xf32 for input 1x1x4x4xf32, got 1x1x2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max_pool2d_grad %x, %y, %g {kernel_size = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x1x4x4xf32>
  return
}
