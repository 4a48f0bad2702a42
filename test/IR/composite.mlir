// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Composite layers: rnn, lstm, gru (time-major, PyTorch weight layout) and
// multi_head_attention, with and without their optional operands.
// T = 5, B = 2, I = 3, H = 4.

// CHECK-LABEL: func.func @rnn(
// CHECK-SAME: %[[X:[^:]*]]: tensor<5x2x3xf32>, %[[WIH:[^:]*]]: tensor<4x3xf32>, %[[WHH:[^:]*]]: tensor<4x4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[H0:[^:]*]]: tensor<2x4xf32>
func.func @rnn(%x: tensor<5x2x3xf32>, %wih: tensor<4x3xf32>, %whh: tensor<4x4xf32>, %b: tensor<4xf32>, %h0: tensor<2x4xf32>) {
  // CHECK: %{{.*}}, %{{.*}} = kiln.rnn %[[X]], %[[WIH]], %[[WHH]] : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  %0:2 = kiln.rnn %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  // CHECK: %{{.*}}, %{{.*}} = kiln.rnn %[[X]], %[[WIH]], %[[WHH]] b_ih(%[[B]]) b_hh(%[[B]]) h0(%[[H0]]) {activation = "relu"} : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  %1:2 = kiln.rnn %x, %wih, %whh b_ih(%b) b_hh(%b) h0(%h0) {activation = "relu"} : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  // Any subset of the optional operands; the default activation is elided.
  // CHECK: %{{.*}}, %{{.*}} = kiln.rnn %[[X]], %[[WIH]], %[[WHH]] b_hh(%[[B]]) : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>, tensor<4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  %2:2 = kiln.rnn %x, %wih, %whh b_hh(%b) {activation = "tanh"} : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>, tensor<4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  // CHECK: %{{.*}}, %{{.*}} = kiln.rnn %[[X]], %[[WIH]], %[[WHH]] h0(%[[H0]]) : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  %3:2 = kiln.rnn %x, %wih, %whh h0(%h0) : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// Four gates: weights are [16, I] and [16, H].
// CHECK-LABEL: func.func @lstm(
// CHECK-SAME: %[[X:[^:]*]]: tensor<5x2x3xf32>, %[[WIH:[^:]*]]: tensor<16x3xf32>, %[[WHH:[^:]*]]: tensor<16x4xf32>, %[[B:[^:]*]]: tensor<16xf32>, %[[H0:[^:]*]]: tensor<2x4xf32>, %[[C0:[^:]*]]: tensor<2x4xf32>
func.func @lstm(%x: tensor<5x2x3xf32>, %wih: tensor<16x3xf32>, %whh: tensor<16x4xf32>, %b: tensor<16xf32>, %h0: tensor<2x4xf32>, %c0: tensor<2x4xf32>) {
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = kiln.lstm %[[X]], %[[WIH]], %[[WHH]] : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  %0:3 = kiln.lstm %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = kiln.lstm %[[X]], %[[WIH]], %[[WHH]] b_ih(%[[B]]) b_hh(%[[B]]) h0(%[[H0]]) c0(%[[C0]]) : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  %1:3 = kiln.lstm %x, %wih, %whh b_ih(%b) b_hh(%b) h0(%h0) c0(%c0) : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = kiln.lstm %[[X]], %[[WIH]], %[[WHH]] b_ih(%[[B]]) c0(%[[C0]]) : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  %2:3 = kiln.lstm %x, %wih, %whh b_ih(%b) c0(%c0) : (tensor<5x2x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
  return
}

// Three gates: weights are [12, I] and [12, H].
// CHECK-LABEL: func.func @gru(
// CHECK-SAME: %[[X:[^:]*]]: tensor<5x2x3xf32>, %[[WIH:[^:]*]]: tensor<12x3xf32>, %[[WHH:[^:]*]]: tensor<12x4xf32>, %[[B:[^:]*]]: tensor<12xf32>, %[[H0:[^:]*]]: tensor<2x4xf32>
func.func @gru(%x: tensor<5x2x3xf32>, %wih: tensor<12x3xf32>, %whh: tensor<12x4xf32>, %b: tensor<12xf32>, %h0: tensor<2x4xf32>) {
  // CHECK: %{{.*}}, %{{.*}} = kiln.gru %[[X]], %[[WIH]], %[[WHH]] : (tensor<5x2x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  %0:2 = kiln.gru %x, %wih, %whh : (tensor<5x2x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  // CHECK: %{{.*}}, %{{.*}} = kiln.gru %[[X]], %[[WIH]], %[[WHH]] b_ih(%[[B]]) b_hh(%[[B]]) h0(%[[H0]]) : (tensor<5x2x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>, tensor<12xf32>, tensor<12xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  %1:2 = kiln.gru %x, %wih, %whh b_ih(%b) b_hh(%b) h0(%h0) : (tensor<5x2x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>, tensor<12xf32>, tensor<12xf32>, tensor<2x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// B = 2, Tq = 3, Tk = 5, E = 8.
// CHECK-LABEL: func.func @multi_head_attention(
// CHECK-SAME: %[[Q:[^:]*]]: tensor<2x3x8xf32>, %[[K:[^:]*]]: tensor<2x5x8xf32>, %[[W:[^:]*]]: tensor<8x8xf32>, %[[B:[^:]*]]: tensor<8xf32>, %[[M:[^:]*]]: tensor<3x5xi1>, %[[FM:[^:]*]]: tensor<2x3x5xf32>
func.func @multi_head_attention(%q: tensor<2x3x8xf32>, %k: tensor<2x5x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>, %m: tensor<3x5xi1>, %fm: tensor<2x3x5xf32>) {
  // CHECK: kiln.multi_head_attention %[[Q]], %[[K]], %[[K]] weights(%[[W]], %[[W]], %[[W]], %[[W]]) {num_heads = 2 : i64} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  %0 = kiln.multi_head_attention %q, %k, %k weights(%w, %w, %w, %w) {num_heads = 2} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  // CHECK: kiln.multi_head_attention %[[Q]], %[[K]], %[[K]] weights(%[[W]], %[[W]], %[[W]], %[[W]]) b_q(%[[B]]) b_k(%[[B]]) b_v(%[[B]]) b_o(%[[B]]) mask(%[[M]]) {num_heads = 8 : i64} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<3x5xi1>) -> tensor<2x3x8xf32>
  %1 = kiln.multi_head_attention %q, %k, %k weights(%w, %w, %w, %w) b_q(%b) b_k(%b) b_v(%b) b_o(%b) mask(%m) {num_heads = 8} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<3x5xi1>) -> tensor<2x3x8xf32>
  // A per-batch additive float mask, and only some biases.
  // CHECK: kiln.multi_head_attention %[[Q]], %[[K]], %[[K]] weights(%[[W]], %[[W]], %[[W]], %[[W]]) b_v(%[[B]]) mask(%[[FM]]) {num_heads = 1 : i64} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8xf32>, tensor<2x3x5xf32>) -> tensor<2x3x8xf32>
  %2 = kiln.multi_head_attention %q, %k, %k weights(%w, %w, %w, %w) b_v(%b) mask(%fm) {num_heads = 1} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8xf32>, tensor<2x3x5xf32>) -> tensor<2x3x8xf32>
  // Self-attention.
  // CHECK: kiln.multi_head_attention %[[Q]], %[[Q]], %[[Q]] weights(%[[W]], %[[W]], %[[W]], %[[W]]) {num_heads = 4 : i64} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  %3 = kiln.multi_head_attention %q, %q, %q weights(%w, %w, %w, %w) {num_heads = 4} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<2x3x8xf32>
  return
}
