// RUN: kiln-opt %s --kiln-decompose | FileCheck %s
// RUN: kiln-opt %s --kiln-decompose | kiln-opt > /dev/null
// RUN: kiln-opt %s --kiln-decompose --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=LOC

// Every operand present: one input projection for both steps, then per step
// h W_hh^T + b_hh and the activation; output is the stacked states.
// CHECK-LABEL: func.func @rnn_tanh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[WIH:.*]]: tensor<5x4xf32>, %[[WHH:.*]]: tensor<5x5xf32>, %[[BIH:.*]]: tensor<5xf32>, %[[BHH:.*]]: tensor<5xf32>, %[[H0:.*]]: tensor<3x5xf32>)
// CHECK-NOT: kiln.rnn
// CHECK: %[[ROWS:.*]] = kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK: %[[XW:.*]] = kiln.matmul %[[ROWS]], %[[WIH]] {transpose_rhs = true} : (tensor<6x4xf32>, tensor<5x4xf32>) -> tensor<6x5xf32>
// CHECK: %[[XP:.*]] = kiln.add %[[XW]], %[[BIH]]
// Step 0.
// CHECK: %[[X0:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 5>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<6x5xf32> -> tensor<3x5xf32>
// CHECK: %[[HW0:.*]] = kiln.matmul %[[H0]], %[[WHH]] {transpose_rhs = true}
// CHECK: %[[HP0:.*]] = kiln.add %[[HW0]], %[[BHH]]
// CHECK: %[[PRE0:.*]] = kiln.add %[[X0]], %[[HP0]]
// CHECK: %[[H1:.*]] = kiln.tanh %[[PRE0]]
// Step 1.
// CHECK: %[[X1:.*]] = kiln.slice %[[XP]] {limits = array<i64: 6, 5>, starts = array<i64: 3, 0>, steps = array<i64: 1, 1>}
// CHECK: %[[HW1:.*]] = kiln.matmul %[[H1]], %[[WHH]] {transpose_rhs = true}
// CHECK: %[[HP1:.*]] = kiln.add %[[HW1]], %[[BHH]]
// CHECK: %[[PRE1:.*]] = kiln.add %[[X1]], %[[HP1]]
// CHECK: %[[H2:.*]] = kiln.tanh %[[PRE1]]
// CHECK: %[[ALL:.*]] = kiln.concat %[[H1]], %[[H2]] {axis = 0 : i64} : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<6x5xf32>
// CHECK: %[[OUT:.*]] = kiln.reshape %[[ALL]] : tensor<6x5xf32> -> tensor<2x3x5xf32>
// CHECK: return %[[OUT]], %[[H2]]
func.func @rnn_tanh(%x: tensor<2x3x4xf32>, %w_ih: tensor<5x4xf32>,
                    %w_hh: tensor<5x5xf32>, %b_ih: tensor<5xf32>,
                    %b_hh: tensor<5xf32>, %h0: tensor<3x5xf32>)
    -> (tensor<2x3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n = kiln.rnn %x, %w_ih, %w_hh b_ih(%b_ih) b_hh(%b_hh) h0(%h0)
      : (tensor<2x3x4xf32>, tensor<5x4xf32>, tensor<5x5xf32>, tensor<5xf32>,
         tensor<5xf32>, tensor<3x5xf32>) -> (tensor<2x3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n : tensor<2x3x5xf32>, tensor<3x5xf32>
}

// No biases and a zero initial state: step 0 has no hidden matmul at all.
// CHECK-LABEL: func.func @rnn_relu_bare
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[WIH:.*]]: tensor<5x4xf32>, %[[WHH:.*]]: tensor<5x5xf32>)
// CHECK-NOT: kiln.constant
// CHECK: %[[ROWS:.*]] = kiln.reshape %[[X]]
// CHECK: %[[XP:.*]] = kiln.matmul %[[ROWS]], %[[WIH]] {transpose_rhs = true}
// CHECK-NOT: kiln.add
// CHECK: %[[X0:.*]] = kiln.slice %[[XP]]
// CHECK: %[[H1:.*]] = kiln.relu %[[X0]]
// CHECK: %[[X1:.*]] = kiln.slice %[[XP]]
// CHECK: %[[HW1:.*]] = kiln.matmul %[[H1]], %[[WHH]] {transpose_rhs = true}
// CHECK: %[[PRE1:.*]] = kiln.add %[[X1]], %[[HW1]]
// CHECK: %[[H2:.*]] = kiln.relu %[[PRE1]]
// CHECK: %[[ALL:.*]] = kiln.concat %[[H1]], %[[H2]] {axis = 0 : i64}
// CHECK: %[[OUT:.*]] = kiln.reshape %[[ALL]]
// CHECK: return %[[OUT]], %[[H2]]
func.func @rnn_relu_bare(%x: tensor<2x3x4xf32>, %w_ih: tensor<5x4xf32>,
                         %w_hh: tensor<5x5xf32>)
    -> (tensor<2x3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n = kiln.rnn %x, %w_ih, %w_hh {activation = "relu"}
      : (tensor<2x3x4xf32>, tensor<5x4xf32>, tensor<5x5xf32>)
      -> (tensor<2x3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n : tensor<2x3x5xf32>, tensor<3x5xf32>
}

// One step: the slice of the projection and the one-input concat fold away.
// CHECK-LABEL: func.func @rnn_one_step
// CHECK: %[[ROWS:.*]] = kiln.reshape
// CHECK: %[[XP:.*]] = kiln.matmul %[[ROWS]]
// CHECK-NOT: kiln.slice
// CHECK: %[[H:.*]] = kiln.tanh %[[XP]] : tensor<3x5xf32>
// CHECK-NOT: kiln.concat
// CHECK: %[[OUT:.*]] = kiln.reshape %[[H]] : tensor<3x5xf32> -> tensor<1x3x5xf32>
// CHECK: return %[[OUT]], %[[H]]
func.func @rnn_one_step(%x: tensor<1x3x4xf32>, %w_ih: tensor<5x4xf32>,
                        %w_hh: tensor<5x5xf32>)
    -> (tensor<1x3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n = kiln.rnn %x, %w_ih, %w_hh
      : (tensor<1x3x4xf32>, tensor<5x4xf32>, tensor<5x5xf32>)
      -> (tensor<1x3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n : tensor<1x3x5xf32>, tensor<3x5xf32>
}

// An empty sequence: an empty output; h_n is h0, or zeros without one.
// CHECK-LABEL: func.func @rnn_empty
// CHECK-SAME: %[[H0:[^:]*]]: tensor<3x5xf32>
// CHECK-DAG: %[[OUT:.*]] = kiln.constant dense<0.000000e+00> : tensor<0x3x5xf32>
// CHECK-DAG: %[[ZERO:.*]] = kiln.constant dense<0.000000e+00> : tensor<3x5xf32>
// CHECK-NOT: kiln.matmul
// CHECK: return %[[OUT]], %[[H0]], %[[OUT]], %[[ZERO]]
func.func @rnn_empty(%x: tensor<0x3x4xf32>, %w_ih: tensor<5x4xf32>,
                     %w_hh: tensor<5x5xf32>, %h0: tensor<3x5xf32>)
    -> (tensor<0x3x5xf32>, tensor<3x5xf32>, tensor<0x3x5xf32>,
        tensor<3x5xf32>) {
  %out, %h_n = kiln.rnn %x, %w_ih, %w_hh h0(%h0)
      : (tensor<0x3x4xf32>, tensor<5x4xf32>, tensor<5x5xf32>, tensor<3x5xf32>)
      -> (tensor<0x3x5xf32>, tensor<3x5xf32>)
  %out2, %h_n2 = kiln.rnn %x, %w_ih, %w_hh
      : (tensor<0x3x4xf32>, tensor<5x4xf32>, tensor<5x5xf32>)
      -> (tensor<0x3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n, %out2, %h_n2
      : tensor<0x3x5xf32>, tensor<3x5xf32>, tensor<0x3x5xf32>, tensor<3x5xf32>
}

// The primitives keep the composite op's location.
// LOC-LABEL: func.func @rnn_located
// LOC: kiln.matmul {{.*}} loc("encoder.rnn")
// LOC: kiln.tanh {{.*}} loc("encoder.rnn")
func.func @rnn_located(%x: tensor<1x3x4xf32>, %w_ih: tensor<5x4xf32>,
                       %w_hh: tensor<5x5xf32>)
    -> (tensor<1x3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n = kiln.rnn %x, %w_ih, %w_hh
      : (tensor<1x3x4xf32>, tensor<5x4xf32>, tensor<5x5xf32>)
      -> (tensor<1x3x5xf32>, tensor<3x5xf32>) loc("encoder.rnn")
  return %out, %h_n : tensor<1x3x5xf32>, tensor<3x5xf32>
}
