// RUN: kiln-opt %s --kiln-decompose | FileCheck %s
// RUN: kiln-opt %s --kiln-decompose | kiln-opt > /dev/null

// Gates r, z, n are column blocks of the input part x W_ih^T + b_ih and of
// the hidden part h W_hh^T + b_hh, kept apart because the hidden part of n is
// scaled by r: n = tanh(x_n + r * h_n); h = (1 - z) * n + z * h.
// CHECK-LABEL: func.func @gru_full
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[WIH:.*]]: tensor<15x4xf32>, %[[WHH:.*]]: tensor<15x5xf32>, %[[BIH:.*]]: tensor<15xf32>, %[[BHH:.*]]: tensor<15xf32>, %[[H0:.*]]: tensor<3x5xf32>)
// CHECK-NOT: kiln.gru
// CHECK: %[[ONE:.*]] = kiln.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[ROWS:.*]] = kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK: %[[XW:.*]] = kiln.matmul %[[ROWS]], %[[WIH]] {transpose_rhs = true} : (tensor<6x4xf32>, tensor<15x4xf32>) -> tensor<6x15xf32>
// CHECK: %[[XP:.*]] = kiln.add %[[XW]], %[[BIH]]
// Step 0.
// CHECK: %[[X0:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 0>, {{.*}}} : tensor<6x15xf32> -> tensor<3x15xf32>
// CHECK: %[[HW0:.*]] = kiln.matmul %[[H0]], %[[WHH]] {transpose_rhs = true} : (tensor<3x5xf32>, tensor<15x5xf32>) -> tensor<3x15xf32>
// CHECK: %[[HP0:.*]] = kiln.add %[[HW0]], %[[BHH]]
// CHECK: %[[XR:.*]] = kiln.slice %[[X0]] {limits = array<i64: 3, 5>, starts = array<i64: 0, 0>, {{.*}}} : tensor<3x15xf32> -> tensor<3x5xf32>
// CHECK: %[[HR:.*]] = kiln.slice %[[HP0]] {limits = array<i64: 3, 5>, starts = array<i64: 0, 0>, {{.*}}} : tensor<3x15xf32> -> tensor<3x5xf32>
// CHECK: %[[RPRE:.*]] = kiln.add %[[XR]], %[[HR]]
// CHECK: %[[R:.*]] = kiln.sigmoid %[[RPRE]]
// CHECK: %[[XZ:.*]] = kiln.slice %[[X0]] {limits = array<i64: 3, 10>, starts = array<i64: 0, 5>
// CHECK: %[[HZ:.*]] = kiln.slice %[[HP0]] {limits = array<i64: 3, 10>, starts = array<i64: 0, 5>
// CHECK: %[[ZPRE:.*]] = kiln.add %[[XZ]], %[[HZ]]
// CHECK: %[[Z:.*]] = kiln.sigmoid %[[ZPRE]]
// CHECK: %[[XN:.*]] = kiln.slice %[[X0]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 10>
// CHECK: %[[HN:.*]] = kiln.slice %[[HP0]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 10>
// CHECK: %[[RHN:.*]] = kiln.mul %[[R]], %[[HN]]
// CHECK: %[[NPRE:.*]] = kiln.add %[[XN]], %[[RHN]]
// CHECK: %[[N:.*]] = kiln.tanh %[[NPRE]]
// CHECK: %[[OMZ:.*]] = kiln.sub %[[ONE]], %[[Z]] : (tensor<f32>, tensor<3x5xf32>) -> tensor<3x5xf32>
// CHECK: %[[NEW:.*]] = kiln.mul %[[OMZ]], %[[N]]
// CHECK: %[[KEEP:.*]] = kiln.mul %[[Z]], %[[H0]]
// CHECK: %[[H1:.*]] = kiln.add %[[NEW]], %[[KEEP]]
// Step 1.
// CHECK: %[[X1:.*]] = kiln.slice %[[XP]] {limits = array<i64: 6, 15>, starts = array<i64: 3, 0>
// CHECK: %[[HW1:.*]] = kiln.matmul %[[H1]], %[[WHH]] {transpose_rhs = true}
// CHECK: %[[HP1:.*]] = kiln.add %[[HW1]], %[[BHH]]
// CHECK: %[[R1:.*]] = kiln.sigmoid
// CHECK: %[[Z1:.*]] = kiln.sigmoid
// CHECK: kiln.mul %[[R1]]
// CHECK: kiln.tanh
// CHECK: kiln.sub %[[ONE]], %[[Z1]]
// CHECK: %[[KEEP1:.*]] = kiln.mul %[[Z1]], %[[H1]]
// CHECK: %[[H2:.*]] = kiln.add %{{.*}}, %[[KEEP1]]
// CHECK: %[[ALL:.*]] = kiln.concat %[[H1]], %[[H2]] {axis = 0 : i64} : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<6x5xf32>
// CHECK: %[[OUT:.*]] = kiln.reshape %[[ALL]] : tensor<6x5xf32> -> tensor<2x3x5xf32>
// CHECK: return %[[OUT]], %[[H2]]
func.func @gru_full(%x: tensor<2x3x4xf32>, %w_ih: tensor<15x4xf32>,
                    %w_hh: tensor<15x5xf32>, %b_ih: tensor<15xf32>,
                    %b_hh: tensor<15xf32>, %h0: tensor<3x5xf32>)
    -> (tensor<2x3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n = kiln.gru %x, %w_ih, %w_hh b_ih(%b_ih) b_hh(%b_hh) h0(%h0)
      : (tensor<2x3x4xf32>, tensor<15x4xf32>, tensor<15x5xf32>, tensor<15xf32>,
         tensor<15xf32>, tensor<3x5xf32>) -> (tensor<2x3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n : tensor<2x3x5xf32>, tensor<3x5xf32>
}

// Zero h0 and only b_hh: at step 0 the hidden part is b_hh alone, so its
// gate blocks are slices of b_hh, and h = (1 - z) * n.
// CHECK-LABEL: func.func @gru_hh_bias_only
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[WIH:.*]]: tensor<15x4xf32>, %[[WHH:.*]]: tensor<15x5xf32>, %[[BHH:.*]]: tensor<15xf32>)
// CHECK: %[[ONE:.*]] = kiln.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[ROWS:.*]] = kiln.reshape %[[X]]
// CHECK: %[[XP:.*]] = kiln.matmul %[[ROWS]], %[[WIH]] {transpose_rhs = true}
// CHECK: %[[X0:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 0>
// CHECK-NOT: kiln.matmul
// CHECK: %[[XR:.*]] = kiln.slice %[[X0]] {limits = array<i64: 3, 5>, starts = array<i64: 0, 0>
// CHECK: %[[BR:.*]] = kiln.slice %[[BHH]] {limits = array<i64: 5>, starts = array<i64: 0>, steps = array<i64: 1>} : tensor<15xf32> -> tensor<5xf32>
// CHECK: %[[RPRE:.*]] = kiln.add %[[XR]], %[[BR]] : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
// CHECK: %[[R:.*]] = kiln.sigmoid %[[RPRE]]
// CHECK: %[[XZ:.*]] = kiln.slice %[[X0]] {limits = array<i64: 3, 10>, starts = array<i64: 0, 5>
// CHECK: %[[BZ:.*]] = kiln.slice %[[BHH]] {limits = array<i64: 10>, starts = array<i64: 5>
// CHECK: %[[ZPRE:.*]] = kiln.add %[[XZ]], %[[BZ]]
// CHECK: %[[Z:.*]] = kiln.sigmoid %[[ZPRE]]
// CHECK: %[[XN:.*]] = kiln.slice %[[X0]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 10>
// CHECK: %[[BN:.*]] = kiln.slice %[[BHH]] {limits = array<i64: 15>, starts = array<i64: 10>
// CHECK: %[[RBN:.*]] = kiln.mul %[[R]], %[[BN]] : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
// CHECK: %[[NPRE:.*]] = kiln.add %[[XN]], %[[RBN]]
// CHECK: %[[N:.*]] = kiln.tanh %[[NPRE]]
// CHECK: %[[OMZ:.*]] = kiln.sub %[[ONE]], %[[Z]]
// CHECK: %[[H1:.*]] = kiln.mul %[[OMZ]], %[[N]]
// CHECK: %[[X1:.*]] = kiln.slice %[[XP]] {limits = array<i64: 6, 15>, starts = array<i64: 3, 0>
// CHECK: %[[HW1:.*]] = kiln.matmul %[[H1]], %[[WHH]] {transpose_rhs = true}
// CHECK: %[[HP1:.*]] = kiln.add %[[HW1]], %[[BHH]]
// CHECK: %[[KEEP1:.*]] = kiln.mul %{{.*}}, %[[H1]]
// CHECK: %[[H2:.*]] = kiln.add %{{.*}}, %[[KEEP1]]
// CHECK: kiln.concat %[[H1]], %[[H2]] {axis = 0 : i64}
func.func @gru_hh_bias_only(%x: tensor<2x3x4xf32>, %w_ih: tensor<15x4xf32>,
                            %w_hh: tensor<15x5xf32>, %b_hh: tensor<15xf32>)
    -> (tensor<2x3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n = kiln.gru %x, %w_ih, %w_hh b_hh(%b_hh)
      : (tensor<2x3x4xf32>, tensor<15x4xf32>, tensor<15x5xf32>, tensor<15xf32>)
      -> (tensor<2x3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n : tensor<2x3x5xf32>, tensor<3x5xf32>
}

// No biases, zero h0, one step: n = tanh(x_n) and h = (1 - z) * n; the
// reset gate only scales the zero hidden part, so it is not computed.
// CHECK-LABEL: func.func @gru_bare_one_step
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4xf32>, %[[WIH:.*]]: tensor<15x4xf32>, %[[WHH:.*]]: tensor<15x5xf32>)
// CHECK: %[[ONE:.*]] = kiln.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[ROWS:.*]] = kiln.reshape %[[X]]
// CHECK: %[[XP:.*]] = kiln.matmul %[[ROWS]], %[[WIH]] {transpose_rhs = true}
// CHECK-NEXT: %[[XZ:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 10>, starts = array<i64: 0, 5>
// CHECK-NEXT: %[[Z:.*]] = kiln.sigmoid %[[XZ]]
// CHECK-NEXT: %[[XN:.*]] = kiln.slice %[[XP]] {limits = array<i64: 3, 15>, starts = array<i64: 0, 10>
// CHECK-NEXT: %[[N:.*]] = kiln.tanh %[[XN]]
// CHECK-NEXT: %[[OMZ:.*]] = kiln.sub %[[ONE]], %[[Z]]
// CHECK-NEXT: %[[H:.*]] = kiln.mul %[[OMZ]], %[[N]]
// CHECK-NEXT: %[[OUT:.*]] = kiln.reshape %[[H]] : tensor<3x5xf32> -> tensor<1x3x5xf32>
// CHECK-NEXT: return %[[OUT]], %[[H]]
func.func @gru_bare_one_step(%x: tensor<1x3x4xf32>, %w_ih: tensor<15x4xf32>,
                             %w_hh: tensor<15x5xf32>)
    -> (tensor<1x3x5xf32>, tensor<3x5xf32>) {
  %out, %h_n = kiln.gru %x, %w_ih, %w_hh
      : (tensor<1x3x4xf32>, tensor<15x4xf32>, tensor<15x5xf32>)
      -> (tensor<1x3x5xf32>, tensor<3x5xf32>)
  return %out, %h_n : tensor<1x3x5xf32>, tensor<3x5xf32>
}
