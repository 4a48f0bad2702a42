// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// T = 5, B = 2, I = 3, H = 4.

func.func @rnn_input_rank(%x: tensor<2x3xf32>, %wih: tensor<4x3xf32>, %whh: tensor<4x4xf32>) {
  // expected-error @below {{'kiln.rnn' op input must be [T, B, I], got 2x3xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.rnn %x, %wih, %whh : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @rnn_activation(%x: tensor<5x2x3xf32>, %wih: tensor<4x3xf32>, %whh: tensor<4x4xf32>) {
  // expected-error @below {{'kiln.rnn' op activation 'sigmoid' is not tanh or relu}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.rnn %x, %wih, %whh {activation = "sigmoid"} : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @rnn_w_hh_not_square(%x: tensor<5x2x3xf32>, %wih: tensor<4x3xf32>, %whh: tensor<4x5xf32>) {
  // expected-error @below {{'kiln.rnn' op w_hh must be [1 * H, H] of 'f32', got 4x5xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.rnn %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x5xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @lstm_w_hh_gates(%x: tensor<5x2x3xf32>, %wih: tensor<16x3xf32>, %whh: tensor<12x4xf32>) {
  // expected-error @below {{'kiln.lstm' op w_hh must be [4 * H, H] of 'f32', got 12x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:3 = kiln.lstm %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<12x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @lstm_w_ih_input_size(%x: tensor<5x2x3xf32>, %wih: tensor<16x5xf32>, %whh: tensor<16x4xf32>) {
  // expected-error @below {{'kiln.lstm' op w_ih must be [16, 3] of 'f32', got 16x5xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:3 = kiln.lstm %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<16x5xf32>, tensor<16x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @gru_w_ih_element_type(%x: tensor<5x2x3xf32>, %wih: tensor<12x3xf16>, %whh: tensor<12x4xf32>) {
  // expected-error @below {{'kiln.gru' op w_ih must be [12, 3] of 'f32', got 12x3xf16}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.gru %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<12x3xf16>, tensor<12x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @gru_bias_shape(%x: tensor<5x2x3xf32>, %wih: tensor<12x3xf32>, %whh: tensor<12x4xf32>, %b: tensor<12xf32>, %bad: tensor<4xf32>) {
  // expected-error @below {{'kiln.gru' op 'b_hh' must be [12] of 'f32', got 4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.gru %x, %wih, %whh b_ih(%b) b_hh(%bad) : (tensor<5x2x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>, tensor<12xf32>, tensor<4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @rnn_bias_shape(%x: tensor<5x2x3xf32>, %wih: tensor<4x3xf32>, %whh: tensor<4x4xf32>, %b: tensor<1x4xf32>) {
  // expected-error @below {{'kiln.rnn' op 'b_ih' must be [4] of 'f32', got 1x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.rnn %x, %wih, %whh b_ih(%b) : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>, tensor<1x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @lstm_c0_shape(%x: tensor<5x2x3xf32>, %wih: tensor<16x3xf32>, %whh: tensor<16x4xf32>, %h0: tensor<2x4xf32>, %c0: tensor<3x4xf32>) {
  // expected-error @below {{'kiln.lstm' op initial state 'c0' 3x4xf32 must be 2x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:3 = kiln.lstm %x, %wih, %whh h0(%h0) c0(%c0) : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>, tensor<2x4xf32>, tensor<3x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @gru_h0_shape(%x: tensor<5x2x3xf32>, %wih: tensor<12x3xf32>, %whh: tensor<12x4xf32>, %h0: tensor<2x5xf32>) {
  // expected-error @below {{'kiln.gru' op initial state 'h0' 2x5xf32 must be 2x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.gru %x, %wih, %whh h0(%h0) : (tensor<5x2x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>, tensor<2x5xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @rnn_wrong_results(%x: tensor<5x2x3xf32>, %wih: tensor<4x3xf32>, %whh: tensor<4x4xf32>) {
  // expected-error @below {{'kiln.rnn' op inferred type(s) 'tensor<5x2x4xf32>', 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<5x2x4xf32>', 'tensor<5x4xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = kiln.rnn %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>) -> (tensor<5x2x4xf32>, tensor<5x4xf32>)
  return
}

// -----

// B = 2, Tq = 3, Tk = 5, E = 8.

func.func @mha_query_rank(%q: tensor<3x8xf32>, %w: tensor<8x8xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op query must be [B, Tq, E], got 3x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %q, %q weights(%w, %w, %w, %w) {num_heads = 2} : (tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<3x8xf32>
  return
}

// -----

func.func @mha_heads_do_not_divide(%q: tensor<2x3x8xf32>, %w: tensor<8x8xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op num_heads = 3 must divide the embedding size 8}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %q, %q weights(%w, %w, %w, %w) {num_heads = 3} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_zero_heads(%q: tensor<2x3x8xf32>, %w: tensor<8x8xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op num_heads = 0 must divide the embedding size 8}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %q, %q weights(%w, %w, %w, %w) {num_heads = 0} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_key_batch(%q: tensor<2x3x8xf32>, %k: tensor<3x5x8xf32>, %w: tensor<8x8xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op key must be [2, Tk, 8], got 3x5x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %k, %k weights(%w, %w, %w, %w) {num_heads = 2} : (tensor<2x3x8xf32>, tensor<3x5x8xf32>, tensor<3x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_value_differs(%q: tensor<2x3x8xf32>, %k: tensor<2x5x8xf32>, %v: tensor<2x4x8xf32>, %w: tensor<8x8xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op value 2x4x8xf32 must match key 2x5x8xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %k, %v weights(%w, %w, %w, %w) {num_heads = 2} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x4x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_weight_shape(%q: tensor<2x3x8xf32>, %w: tensor<8x8xf32>, %wo: tensor<8x4xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op 'w_o' must be 8x8xf32, got 8x4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %q, %q weights(%w, %w, %w, %wo) {num_heads = 2} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x4xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_bias_shape(%q: tensor<2x3x8xf32>, %w: tensor<8x8xf32>, %b: tensor<4xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op 'b_k' must be 8xf32, got 4xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %q, %q weights(%w, %w, %w, %w) b_k(%b) {num_heads = 2} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<4xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_mask_shape(%q: tensor<2x3x8xf32>, %k: tensor<2x5x8xf32>, %w: tensor<8x8xf32>, %m: tensor<3x3xi1>) {
  // expected-error @below {{'kiln.multi_head_attention' op mask must be [3, 5] or [2, 3, 5] of i1 or 'f32', got 3x3xi1}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %k, %k weights(%w, %w, %w, %w) mask(%m) {num_heads = 2} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x3xi1>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_mask_type(%q: tensor<2x3x8xf32>, %k: tensor<2x5x8xf32>, %w: tensor<8x8xf32>, %m: tensor<3x5xi32>) {
  // expected-error @below {{'kiln.multi_head_attention' op mask must be [3, 5] or [2, 3, 5] of i1 or 'f32', got 3x5xi32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.multi_head_attention %q, %k, %k weights(%w, %w, %w, %w) mask(%m) {num_heads = 2} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x5xi32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @mha_missing_num_heads(%q: tensor<2x3x8xf32>, %w: tensor<8x8xf32>) {
  // expected-error @below {{'kiln.multi_head_attention' op requires attribute 'num_heads'}}
  %0 = kiln.multi_head_attention %q, %q, %q weights(%w, %w, %w, %w) : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  return
}
