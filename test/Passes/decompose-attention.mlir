// RUN: kiln-opt %s --kiln-decompose | FileCheck %s
// RUN: kiln-opt %s --kiln-decompose | kiln-opt > /dev/null

// B = 2, Tq = 3, Tk = 4, E = 8, 2 heads of D = 4 (scale 1 / sqrt(4) = 0.5).
// CHECK-LABEL: func.func @attention_bare
// CHECK-SAME: (%[[Q:.*]]: tensor<2x3x8xf32>, %[[K:.*]]: tensor<2x4x8xf32>, %[[V:.*]]: tensor<2x4x8xf32>, %[[WQ:.*]]: tensor<8x8xf32>, %[[WK:.*]]: tensor<8x8xf32>, %[[WV:.*]]: tensor<8x8xf32>, %[[WO:.*]]: tensor<8x8xf32>)
// CHECK-NOT: kiln.multi_head_attention
// CHECK: %[[SCALE:.*]] = kiln.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[QROWS:.*]] = kiln.reshape %[[Q]] : tensor<2x3x8xf32> -> tensor<6x8xf32>
// CHECK: %[[QP:.*]] = kiln.matmul %[[QROWS]], %[[WQ]] : (tensor<6x8xf32>, tensor<8x8xf32>) -> tensor<6x8xf32>
// CHECK: %[[QS:.*]] = kiln.reshape %[[QP]] : tensor<6x8xf32> -> tensor<2x3x2x4xf32>
// CHECK: %[[QH:.*]] = kiln.transpose %[[QS]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x3x2x4xf32> -> tensor<2x2x3x4xf32>
// CHECK: %[[KROWS:.*]] = kiln.reshape %[[K]] : tensor<2x4x8xf32> -> tensor<8x8xf32>
// CHECK: %[[KP:.*]] = kiln.matmul %[[KROWS]], %[[WK]]
// CHECK: %[[KS:.*]] = kiln.reshape %[[KP]] : tensor<8x8xf32> -> tensor<2x4x2x4xf32>
// CHECK: %[[KH:.*]] = kiln.transpose %[[KS]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x4x2x4xf32> -> tensor<2x2x4x4xf32>
// CHECK: %[[VROWS:.*]] = kiln.reshape %[[V]]
// CHECK: %[[VP:.*]] = kiln.matmul %[[VROWS]], %[[WV]]
// CHECK: %[[VS:.*]] = kiln.reshape %[[VP]]
// CHECK: %[[VH:.*]] = kiln.transpose %[[VS]] {permutation = array<i64: 0, 2, 1, 3>}
// CHECK: %[[QK:.*]] = kiln.matmul %[[QH]], %[[KH]] {transpose_rhs = true} : (tensor<2x2x3x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x3x4xf32>
// CHECK: %[[S:.*]] = kiln.mul %[[QK]], %[[SCALE]] : (tensor<2x2x3x4xf32>, tensor<f32>) -> tensor<2x2x3x4xf32>
// CHECK: %[[P:.*]] = kiln.softmax %[[S]] : tensor<2x2x3x4xf32>
// CHECK: %[[PV:.*]] = kiln.matmul %[[P]], %[[VH]] : (tensor<2x2x3x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x3x4xf32>
// CHECK: %[[MT:.*]] = kiln.transpose %[[PV]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x2x3x4xf32> -> tensor<2x3x2x4xf32>
// CHECK: %[[M:.*]] = kiln.reshape %[[MT]] : tensor<2x3x2x4xf32> -> tensor<6x8xf32>
// CHECK: %[[O:.*]] = kiln.matmul %[[M]], %[[WO]] : (tensor<6x8xf32>, tensor<8x8xf32>) -> tensor<6x8xf32>
// CHECK: %[[OUT:.*]] = kiln.reshape %[[O]] : tensor<6x8xf32> -> tensor<2x3x8xf32>
// CHECK: return %[[OUT]]
func.func @attention_bare(%q: tensor<2x3x8xf32>, %k: tensor<2x4x8xf32>,
                          %v: tensor<2x4x8xf32>, %w_q: tensor<8x8xf32>,
                          %w_k: tensor<8x8xf32>, %w_v: tensor<8x8xf32>,
                          %w_o: tensor<8x8xf32>) -> tensor<2x3x8xf32> {
  %0 = kiln.multi_head_attention %q, %k, %v weights(%w_q, %w_k, %w_v, %w_o)
      {num_heads = 2 : i64}
      : (tensor<2x3x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>,
         tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>)
      -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// Biases follow their projections; an i1 [Tq, Tk] mask selects between the
// scores and the lowest finite f32 and broadcasts over batch and heads.
// CHECK-LABEL: func.func @attention_biases_bool_mask
// CHECK-SAME: %[[WO:[^:]*]]: tensor<8x8xf32>, %[[BQ:[^:]*]]: tensor<8xf32>, %[[BK:[^:]*]]: tensor<8xf32>, %[[BV:[^:]*]]: tensor<8xf32>, %[[BO:[^:]*]]: tensor<8xf32>, %[[MASK:[^:]*]]: tensor<3x4xi1>)
// CHECK-DAG: %[[LOWEST:.*]] = kiln.constant dense<-3.40282347E+38> : tensor<f32>
// CHECK-DAG: %[[SCALE:.*]] = kiln.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[QP:.*]] = kiln.matmul
// CHECK: kiln.add %[[QP]], %[[BQ]] : (tensor<6x8xf32>, tensor<8xf32>) -> tensor<6x8xf32>
// CHECK: %[[KP:.*]] = kiln.matmul
// CHECK: kiln.add %[[KP]], %[[BK]] : (tensor<8x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
// CHECK: %[[VP:.*]] = kiln.matmul
// CHECK: kiln.add %[[VP]], %[[BV]]
// CHECK: %[[QK:.*]] = kiln.matmul %{{.*}}, %{{.*}} {transpose_rhs = true}
// CHECK: %[[S:.*]] = kiln.mul %[[QK]], %[[SCALE]]
// CHECK: %[[SM:.*]] = kiln.select %[[MASK]], %[[S]], %[[LOWEST]] : (tensor<3x4xi1>, tensor<2x2x3x4xf32>, tensor<f32>) -> tensor<2x2x3x4xf32>
// CHECK: %[[P:.*]] = kiln.softmax %[[SM]]
// CHECK: kiln.matmul %[[P]]
// CHECK: %[[O:.*]] = kiln.matmul %{{.*}}, %[[WO]]
// CHECK: %[[OB:.*]] = kiln.add %[[O]], %[[BO]] : (tensor<6x8xf32>, tensor<8xf32>) -> tensor<6x8xf32>
// CHECK: %[[OUT:.*]] = kiln.reshape %[[OB]] : tensor<6x8xf32> -> tensor<2x3x8xf32>
// CHECK: return %[[OUT]]
func.func @attention_biases_bool_mask(
    %q: tensor<2x3x8xf32>, %k: tensor<2x4x8xf32>, %v: tensor<2x4x8xf32>,
    %w_q: tensor<8x8xf32>, %w_k: tensor<8x8xf32>, %w_v: tensor<8x8xf32>,
    %w_o: tensor<8x8xf32>, %b_q: tensor<8xf32>, %b_k: tensor<8xf32>,
    %b_v: tensor<8xf32>, %b_o: tensor<8xf32>, %mask: tensor<3x4xi1>)
    -> tensor<2x3x8xf32> {
  %0 = kiln.multi_head_attention %q, %k, %v weights(%w_q, %w_k, %w_v, %w_o)
      b_q(%b_q) b_k(%b_k) b_v(%b_v) b_o(%b_o) mask(%mask) {num_heads = 2 : i64}
      : (tensor<2x3x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>,
         tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<3x4xi1>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// A per-batch i1 mask [B, Tq, Tk] gets a unit head dim first.
// CHECK-LABEL: func.func @attention_batch_bool_mask
// CHECK-SAME: %[[MASK:[^:]*]]: tensor<2x3x4xi1>)
// CHECK: %[[S:.*]] = kiln.mul
// CHECK: %[[M4:.*]] = kiln.reshape %[[MASK]] : tensor<2x3x4xi1> -> tensor<2x1x3x4xi1>
// CHECK: %[[SM:.*]] = kiln.select %[[M4]], %[[S]], %{{.*}} : (tensor<2x1x3x4xi1>, tensor<2x2x3x4xf32>, tensor<f32>) -> tensor<2x2x3x4xf32>
// CHECK: kiln.softmax %[[SM]]
func.func @attention_batch_bool_mask(
    %q: tensor<2x3x8xf32>, %k: tensor<2x4x8xf32>, %v: tensor<2x4x8xf32>,
    %w: tensor<8x8xf32>, %mask: tensor<2x3x4xi1>) -> tensor<2x3x8xf32> {
  %0 = kiln.multi_head_attention %q, %k, %v weights(%w, %w, %w, %w)
      mask(%mask) {num_heads = 2 : i64}
      : (tensor<2x3x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>,
         tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>,
         tensor<2x3x4xi1>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// A float mask is added to the scaled scores: [Tq, Tk] as it is ...
// CHECK-LABEL: func.func @attention_float_mask
// CHECK-SAME: %[[MASK:[^:]*]]: tensor<3x4xf32>)
// CHECK: %[[S:.*]] = kiln.mul
// CHECK: %[[SM:.*]] = kiln.add %[[S]], %[[MASK]] : (tensor<2x2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x2x3x4xf32>
// CHECK: kiln.softmax %[[SM]]
func.func @attention_float_mask(
    %q: tensor<2x3x8xf32>, %k: tensor<2x4x8xf32>, %v: tensor<2x4x8xf32>,
    %w: tensor<8x8xf32>, %mask: tensor<3x4xf32>) -> tensor<2x3x8xf32> {
  %0 = kiln.multi_head_attention %q, %k, %v weights(%w, %w, %w, %w)
      mask(%mask) {num_heads = 2 : i64}
      : (tensor<2x3x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>,
         tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>,
         tensor<3x4xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// ... and [B, Tq, Tk] with a unit head dim.
// CHECK-LABEL: func.func @attention_batch_float_mask
// CHECK-SAME: %[[MASK:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: %[[S:.*]] = kiln.mul
// CHECK: %[[M4:.*]] = kiln.reshape %[[MASK]] : tensor<2x3x4xf32> -> tensor<2x1x3x4xf32>
// CHECK: %[[SM:.*]] = kiln.add %[[S]], %[[M4]] : (tensor<2x2x3x4xf32>, tensor<2x1x3x4xf32>) -> tensor<2x2x3x4xf32>
// CHECK: kiln.softmax %[[SM]]
func.func @attention_batch_float_mask(
    %q: tensor<2x3x8xf32>, %k: tensor<2x4x8xf32>, %v: tensor<2x4x8xf32>,
    %w: tensor<8x8xf32>, %mask: tensor<2x3x4xf32>) -> tensor<2x3x8xf32> {
  %0 = kiln.multi_head_attention %q, %k, %v weights(%w, %w, %w, %w)
      mask(%mask) {num_heads = 2 : i64}
      : (tensor<2x3x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>,
         tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>,
         tensor<2x3x4xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// One head of D = E = 3: scale 1 / sqrt(3) rounded to f32.
// CHECK-LABEL: func.func @attention_one_head
// CHECK: kiln.constant dense<0.577350259> : tensor<f32>
// CHECK: kiln.reshape %{{.*}} : tensor<1x2x3xf32> -> tensor<2x3xf32>
// CHECK: kiln.transpose %{{.*}} : tensor<1x2x1x3xf32> -> tensor<1x1x2x3xf32>
// CHECK: kiln.softmax %{{.*}} : tensor<1x1x2x2xf32>
// CHECK: return %{{.*}} : tensor<1x2x3xf32>
func.func @attention_one_head(%x: tensor<1x2x3xf32>, %w: tensor<3x3xf32>)
    -> tensor<1x2x3xf32> {
  %0 = kiln.multi_head_attention %x, %x, %x weights(%w, %w, %w, %w)
      {num_heads = 1 : i64}
      : (tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>,
         tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>)
      -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}
