// RUN: kiln-opt %s --kiln-decompose | FileCheck %s
// RUN: kiln-opt %s --kiln-decompose | kiln-opt > /dev/null

// Gates are column blocks of the [B, 4H] pre-activations in PyTorch's order
// i, f, g, o; c = f * c + i * g; h = o * tanh(c).
// CHECK-LABEL: func.func @lstm_full
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[WIH:.*]]: tensor<20x4xf32>, %[[WHH:.*]]: tensor<20x5xf32>, %[[BIH:.*]]: tensor<20xf32>, %[[BHH:.*]]: tensor<20xf32>, %[[H0:.*]]: tensor<3x5xf32>, %[[C0:.*]]: tensor<3x5xf32>)
// CHECK-NOT: kiln.lstm
// CHECK: %[[ROWS:.*]] = kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK: %[[XW:.*]] = kiln.matmul %[[ROWS]], %[[WIH]] {transpose_rhs = true} : (tensor<6x4xf32>, tensor<20x4xf32>) -> tensor<6x20xf32>
// CHECK: %[[XP:.*]] = kiln.add %[[XW]], %[[BIH]] : (tensor<6x20xf32>, tensor<20xf32>) -> tensor<6x20xf32>
// Step 0.
// CHECK: %[[X0:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 20>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<6x20xf32> -> tensor<3x20xf32>
// CHECK: %[[HW0:.*]] = kiln.matmul %[[H0]], %[[WHH]] {transpose_rhs = true} : (tensor<3x5xf32>, tensor<20x5xf32>) -> tensor<3x20xf32>
// CHECK: %[[HP0:.*]] = kiln.add %[[HW0]], %[[BHH]]
// CHECK: %[[G0:.*]] = kiln.add %[[X0]], %[[HP0]]
// CHECK: %[[IPRE:.*]] = kiln.slice %[[G0]] {limits = array<i64: 3, 5>, starts = array<i64: 0, 0>, {{.*}}} : tensor<3x20xf32> -> tensor<3x5xf32>
// CHECK: %[[I:.*]] = kiln.sigmoid %[[IPRE]]
// CHECK: %[[FPRE:.*]] = kiln.slice %[[G0]] {limits = array<i64: 3, 10>, starts = array<i64: 0, 5>, {{.*}}}
// CHECK: %[[F:.*]] = kiln.sigmoid %[[FPRE]]
// CHECK: %[[GPRE:.*]] = kiln.slice %[[G0]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 10>, {{.*}}}
// CHECK: %[[G:.*]] = kiln.tanh %[[GPRE]]
// CHECK: %[[OPRE:.*]] = kiln.slice %[[G0]] {limits = array<i64: 3, 20>, starts = array<i64: 0, 15>, {{.*}}}
// CHECK: %[[O:.*]] = kiln.sigmoid %[[OPRE]]
// CHECK: %[[FC:.*]] = kiln.mul %[[F]], %[[C0]]
// CHECK: %[[IG:.*]] = kiln.mul %[[I]], %[[G]]
// CHECK: %[[C1:.*]] = kiln.add %[[FC]], %[[IG]]
// CHECK: %[[TC1:.*]] = kiln.tanh %[[C1]]
// CHECK: %[[H1:.*]] = kiln.mul %[[O]], %[[TC1]]
// Step 1 reads the states of step 0.
// CHECK: %[[X1:.*]] = kiln.slice %[[XP]] {limits = array<i64: 6, 20>, starts = array<i64: 3, 0>, {{.*}}}
// CHECK: %[[HW1:.*]] = kiln.matmul %[[H1]], %[[WHH]] {transpose_rhs = true}
// CHECK: %[[HP1:.*]] = kiln.add %[[HW1]], %[[BHH]]
// CHECK: %[[G1:.*]] = kiln.add %[[X1]], %[[HP1]]
// CHECK: kiln.slice %[[G1]] {limits = array<i64: 3, 5>, starts = array<i64: 0, 0>
// CHECK: kiln.slice %[[G1]] {limits = array<i64: 3, 10>, starts = array<i64: 0, 5>
// CHECK: kiln.slice %[[G1]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 10>
// CHECK: kiln.slice %[[G1]] {limits = array<i64: 3, 20>, starts = array<i64: 0, 15>
// CHECK: %[[FC1:.*]] = kiln.mul %{{.*}}, %[[C1]]
// CHECK: %[[IG1:.*]] = kiln.mul
// CHECK: %[[C2:.*]] = kiln.add %[[FC1]], %[[IG1]]
// CHECK: %[[TC2:.*]] = kiln.tanh %[[C2]]
// CHECK: %[[H2:.*]] = kiln.mul %{{.*}}, %[[TC2]]
// CHECK: %[[ALL:.*]] = kiln.concat %[[H1]], %[[H2]] {axis = 0 : i64} : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<6x5xf32>
// CHECK: %[[OUT:.*]] = kiln.reshape %[[ALL]] : tensor<6x5xf32> -> tensor<2x3x5xf32>
// CHECK: return %[[OUT]], %[[H2]], %[[C2]]
func.func @lstm_full(%x: tensor<2x3x4xf32>, %w_ih: tensor<20x4xf32>,
                     %w_hh: tensor<20x5xf32>, %b_ih: tensor<20xf32>,
                     %b_hh: tensor<20xf32>, %h0: tensor<3x5xf32>,
                     %c0: tensor<3x5xf32>)
    -> (tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n, %c_n = kiln.lstm %x, %w_ih, %w_hh b_ih(%b_ih) b_hh(%b_hh)
      h0(%h0) c0(%c0)
      : (tensor<2x3x4xf32>, tensor<20x4xf32>, tensor<20x5xf32>, tensor<20xf32>,
         tensor<20xf32>, tensor<3x5xf32>, tensor<3x5xf32>)
      -> (tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n, %c_n
      : tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

// No biases, zero h0 and c0: step 0 is just the input projection, and
// c = i * g (the forget gate only ever multiplies the zero state, so it is not
// computed at step 0).
// CHECK-LABEL: func.func @lstm_bare
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[WIH:.*]]: tensor<20x4xf32>, %[[WHH:.*]]: tensor<20x5xf32>)
// CHECK-NOT: kiln.constant
// CHECK: %[[ROWS:.*]] = kiln.reshape %[[X]]
// CHECK: %[[XP:.*]] = kiln.matmul %[[ROWS]], %[[WIH]] {transpose_rhs = true}
// CHECK: %[[G0:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 20>, starts = array<i64: 0, 0>
// CHECK-NOT: kiln.matmul
// CHECK: %[[IPRE:.*]] = kiln.slice %[[G0]] {limits = array<i64: 3, 5>, starts = array<i64: 0, 0>
// CHECK: %[[I:.*]] = kiln.sigmoid %[[IPRE]]
// CHECK: %[[GPRE:.*]] = kiln.slice %[[G0]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 10>
// CHECK: %[[G:.*]] = kiln.tanh %[[GPRE]]
// CHECK: %[[OPRE:.*]] = kiln.slice %[[G0]] {limits = array<i64: 3, 20>, starts = array<i64: 0, 15>
// CHECK: %[[O:.*]] = kiln.sigmoid %[[OPRE]]
// CHECK: %[[C1:.*]] = kiln.mul %[[I]], %[[G]]
// CHECK: %[[TC1:.*]] = kiln.tanh %[[C1]]
// CHECK: %[[H1:.*]] = kiln.mul %[[O]], %[[TC1]]
// CHECK: %[[X1:.*]] = kiln.slice %[[XP]] {limits = array<i64: 6, 20>, starts = array<i64: 3, 0>
// CHECK: %[[HW1:.*]] = kiln.matmul %[[H1]], %[[WHH]] {transpose_rhs = true}
// CHECK: %[[G1:.*]] = kiln.add %[[X1]], %[[HW1]]
// CHECK: kiln.mul %{{.*}}, %[[C1]]
// CHECK: %[[C2:.*]] = kiln.add
// CHECK: %[[H2:.*]] = kiln.mul
// CHECK: %[[ALL:.*]] = kiln.concat %[[H1]], %[[H2]] {axis = 0 : i64}
// CHECK: %[[OUT:.*]] = kiln.reshape %[[ALL]]
// CHECK: return %[[OUT]], %[[H2]], %[[C2]]
func.func @lstm_bare(%x: tensor<2x3x4xf32>, %w_ih: tensor<20x4xf32>,
                     %w_hh: tensor<20x5xf32>)
    -> (tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n, %c_n = kiln.lstm %x, %w_ih, %w_hh
      : (tensor<2x3x4xf32>, tensor<20x4xf32>, tensor<20x5xf32>)
      -> (tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n, %c_n
      : tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

// Only c0 given (h0 zero): the one step skips the hidden matmul but uses c0;
// with T = 1 the gates are slices of the input projection itself.
// CHECK-LABEL: func.func @lstm_c0_only
// CHECK-SAME: %[[C0:[^:]*]]: tensor<3x5xf32>)
// CHECK: %[[XW:.*]] = kiln.matmul
// CHECK: %[[XP:.*]] = kiln.add %[[XW]]
// CHECK-NOT: kiln.matmul
// CHECK: %[[FPRE:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 10>, starts = array<i64: 0, 5>
// CHECK: %[[F:.*]] = kiln.sigmoid %[[FPRE]]
// CHECK: %[[FC:.*]] = kiln.mul %[[F]], %[[C0]]
// CHECK: %[[IG:.*]] = kiln.mul
// CHECK: %[[C1:.*]] = kiln.add %[[FC]], %[[IG]]
// CHECK: return
func.func @lstm_c0_only(%x: tensor<1x3x4xf32>, %w_ih: tensor<20x4xf32>,
                        %w_hh: tensor<20x5xf32>, %b_ih: tensor<20xf32>,
                        %c0: tensor<3x5xf32>)
    -> (tensor<1x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n, %c_n = kiln.lstm %x, %w_ih, %w_hh b_ih(%b_ih) c0(%c0)
      : (tensor<1x3x4xf32>, tensor<20x4xf32>, tensor<20x5xf32>, tensor<20xf32>,
         tensor<3x5xf32>)
      -> (tensor<1x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n, %c_n
      : tensor<1x3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}
