// RUN: kiln-opt %s --kiln-expand --split-input-file | FileCheck %s

// Losses expand to elementwise ops and reductions; `mean` is a sum times
// 1 / count, `sum` a plain sum, `none` no reduction.

// mse: (x - t)^2 as a self-multiply, with each reduction.
// CHECK-LABEL: func.func @mse(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4x3xf32>
// CHECK: %[[INV:.+]] = kiln.constant dense<0.0833333358> : tensor<f32>
// CHECK: %[[D0:.+]] = kiln.sub %[[X]], %[[T]]
// CHECK-NEXT: %[[SQ0:.+]] = kiln.mul %[[D0]], %[[D0]]
// CHECK-NEXT: %[[S0:.+]] = kiln.reduce_sum %[[SQ0]] : tensor<4x3xf32> -> tensor<f32>
// CHECK-NEXT: %[[MEAN:.+]] = kiln.mul %[[S0]], %[[INV]]
// CHECK-NEXT: %[[D1:.+]] = kiln.sub %[[X]], %[[T]]
// CHECK-NEXT: %[[SQ1:.+]] = kiln.mul %[[D1]], %[[D1]]
// CHECK-NEXT: %[[SUM:.+]] = kiln.reduce_sum %[[SQ1]] : tensor<4x3xf32> -> tensor<f32>
// CHECK-NEXT: %[[D2:.+]] = kiln.sub %[[X]], %[[T]]
// CHECK-NEXT: %[[NONE:.+]] = kiln.mul %[[D2]], %[[D2]]
// CHECK-NEXT: return %[[MEAN]], %[[SUM]], %[[NONE]]
func.func @mse(%x: tensor<4x3xf32>, %t: tensor<4x3xf32>) -> (tensor<f32>, tensor<f32>, tensor<4x3xf32>) {
  %0 = kiln.mse_loss %x, %t : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  %1 = kiln.mse_loss %x, %t {reduction = #kiln.reduction<sum>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  %2 = kiln.mse_loss %x, %t {reduction = #kiln.reduction<none>} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0, %1, %2 : tensor<f32>, tensor<f32>, tensor<4x3xf32>
}

// -----

// bce with logits in the stable form relu(x) - x * t + softplus(-|x|):
// no exp of a large positive value, no log of 0.
// CHECK-LABEL: func.func @bce_with_logits(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4x3xf32>
// CHECK: %[[INV:.+]] = kiln.constant dense<0.0833333358> : tensor<f32>
// CHECK: %[[ABS:.+]] = kiln.abs %[[X]]
// CHECK-NEXT: %[[NABS:.+]] = kiln.neg %[[ABS]]
// CHECK-NEXT: %[[TAIL:.+]] = kiln.softplus %[[NABS]]
// CHECK-NEXT: %[[RELU:.+]] = kiln.relu %[[X]]
// CHECK-NEXT: %[[XT:.+]] = kiln.mul %[[X]], %[[T]]
// CHECK-NEXT: %[[D:.+]] = kiln.sub %[[RELU]], %[[XT]]
// CHECK-NEXT: %[[L:.+]] = kiln.add %[[D]], %[[TAIL]]
// CHECK-NEXT: %[[S:.+]] = kiln.reduce_sum %[[L]] : tensor<4x3xf32> -> tensor<f32>
// CHECK-NEXT: %[[R:.+]] = kiln.mul %[[S]], %[[INV]]
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: kiln.sigmoid
func.func @bce_with_logits(%x: tensor<4x3xf32>, %t: tensor<4x3xf32>) -> tensor<f32> {
  %0 = kiln.binary_cross_entropy_with_logits %x, %t : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// softmax_cross_entropy with i64 labels: a max-shifted log_softmax along
// dim 1, then the label's entry picked by a one-hot mask, eq(labels
// [N, 1], iota [1, C]), with select(mask, logp, 0) (not a multiply, so a
// -inf elsewhere cannot make NaN) summed over C; mean over N = 8.
// CHECK-LABEL: func.func @sce_labels(
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x10xf32>, %[[L:[^:]+]]: tensor<8xi64>
// CHECK-DAG: %[[INV:.+]] = kiln.constant dense<1.250000e-01> : tensor<f32>
// CHECK-DAG: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG: %[[IOTA:.+]] = kiln.constant dense<{{\[}}[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]> : tensor<1x10xi64>
// CHECK: %[[M:.+]] = kiln.reduce_max %[[X]] {axes = array<i64: 1>, keepdims = true}
// CHECK-NEXT: %[[Z:.+]] = kiln.sub %[[X]], %[[M]]
// CHECK-NEXT: %[[E:.+]] = kiln.exp %[[Z]]
// CHECK-NEXT: %[[SE:.+]] = kiln.reduce_sum %[[E]] {axes = array<i64: 1>, keepdims = true}
// CHECK-NEXT: %[[LSE:.+]] = kiln.log %[[SE]]
// CHECK-NEXT: %[[LOGP:.+]] = kiln.sub %[[Z]], %[[LSE]]
// CHECK-NEXT: %[[L2:.+]] = kiln.reshape %[[L]] : tensor<8xi64> -> tensor<8x1xi64>
// CHECK-NEXT: %[[HOT:.+]] = kiln.eq %[[L2]], %[[IOTA]] : (tensor<8x1xi64>, tensor<1x10xi64>) -> tensor<8x10xi1>
// CHECK-NEXT: %[[SEL:.+]] = kiln.select %[[HOT]], %[[LOGP]], %[[ZERO]] : (tensor<8x10xi1>, tensor<8x10xf32>, tensor<f32>) -> tensor<8x10xf32>
// CHECK-NEXT: %[[PICK:.+]] = kiln.reduce_sum %[[SEL]] {axes = array<i64: 1>} : tensor<8x10xf32> -> tensor<8xf32>
// CHECK-NEXT: %[[NEG:.+]] = kiln.neg %[[PICK]]
// CHECK-NEXT: %[[S:.+]] = kiln.reduce_sum %[[NEG]] : tensor<8xf32> -> tensor<f32>
// CHECK-NEXT: %[[R:.+]] = kiln.mul %[[S]], %[[INV]]
// CHECK-NEXT: return %[[R]]
func.func @sce_labels(%x: tensor<8x10xf32>, %l: tensor<8xi64>) -> tensor<f32> {
  %0 = kiln.softmax_cross_entropy %x, %l : (tensor<8x10xf32>, tensor<8xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// With class weights and i32 labels: labels are cast to i64; the weight of
// each label is picked with the same mask; the mean divides the weighted
// sum by the sum of the picked weights (PyTorch's weighted mean).
// CHECK-LABEL: func.func @sce_weighted(
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x10xf32>, %[[L:[^:]+]]: tensor<8xi32>, %[[W:[^:]+]]: tensor<10xf32>
// CHECK-DAG: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[LSE:.+]] = kiln.log %{{.+}} : tensor<8x1xf32>
// CHECK-NEXT: %[[LOGP:.+]] = kiln.sub %{{.+}}, %[[LSE]] : (tensor<8x10xf32>, tensor<8x1xf32>) -> tensor<8x10xf32>
// CHECK-NEXT: %[[L64:.+]] = kiln.cast %[[L]] : tensor<8xi32> -> tensor<8xi64>
// CHECK-NEXT: %[[L2:.+]] = kiln.reshape %[[L64]] : tensor<8xi64> -> tensor<8x1xi64>
// CHECK-NEXT: %[[HOT:.+]] = kiln.eq %[[L2]], %{{.+}}
// CHECK-NEXT: %[[SEL:.+]] = kiln.select %[[HOT]], %[[LOGP]], %[[ZERO]]
// CHECK-NEXT: %[[PICK:.+]] = kiln.reduce_sum %[[SEL]] {axes = array<i64: 1>}
// CHECK-NEXT: %[[W2:.+]] = kiln.reshape %[[W]] : tensor<10xf32> -> tensor<1x10xf32>
// CHECK-NEXT: %[[WSEL:.+]] = kiln.select %[[HOT]], %[[W2]], %[[ZERO]] : (tensor<8x10xi1>, tensor<1x10xf32>, tensor<f32>) -> tensor<8x10xf32>
// CHECK-NEXT: %[[WPICK:.+]] = kiln.reduce_sum %[[WSEL]] {axes = array<i64: 1>} : tensor<8x10xf32> -> tensor<8xf32>
// CHECK-NEXT: %[[PW:.+]] = kiln.mul %[[PICK]], %[[WPICK]]
// CHECK-NEXT: %[[NEG:.+]] = kiln.neg %[[PW]]
// CHECK-NEXT: %[[NUM:.+]] = kiln.reduce_sum %[[NEG]] : tensor<8xf32> -> tensor<f32>
// CHECK-NEXT: %[[DEN:.+]] = kiln.reduce_sum %[[WPICK]] : tensor<8xf32> -> tensor<f32>
// CHECK-NEXT: %[[R:.+]] = kiln.div %[[NUM]], %[[DEN]]
// CHECK-NEXT: return %[[R]]
func.func @sce_weighted(%x: tensor<8x10xf32>, %l: tensor<8xi32>, %w: tensor<10xf32>) -> tensor<f32> {
  %0 = kiln.softmax_cross_entropy %x, %l, %w : (tensor<8x10xf32>, tensor<8xi32>, tensor<10xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// ignore_index without weights: the weight is 0 where the label equals it
// and 1 elsewhere, and the mean divides by the number of counted labels.
// CHECK-LABEL: func.func @sce_ignore_index(
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x10xf32>, %[[L:[^:]+]]: tensor<8xi64>
// CHECK-DAG: %[[ONE:.+]] = kiln.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: %[[IGN:.+]] = kiln.constant dense<-100> : tensor<i64>
// CHECK-DAG: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[PICK:.+]] = kiln.reduce_sum %{{.+}} {axes = array<i64: 1>} : tensor<8x10xf32> -> tensor<8xf32>
// CHECK-NEXT: %[[IS:.+]] = kiln.eq %[[L]], %[[IGN]] : (tensor<8xi64>, tensor<i64>) -> tensor<8xi1>
// CHECK-NEXT: %[[W:.+]] = kiln.select %[[IS]], %[[ZERO]], %[[ONE]] : (tensor<8xi1>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
// CHECK-NEXT: %[[PW:.+]] = kiln.mul %[[PICK]], %[[W]]
// CHECK-NEXT: %[[NEG:.+]] = kiln.neg %[[PW]]
// CHECK-NEXT: %[[NUM:.+]] = kiln.reduce_sum %[[NEG]]
// CHECK-NEXT: %[[DEN:.+]] = kiln.reduce_sum %[[W]] : tensor<8xf32> -> tensor<f32>
// CHECK-NEXT: %[[R:.+]] = kiln.div %[[NUM]], %[[DEN]]
// CHECK-NEXT: return %[[R]]
func.func @sce_ignore_index(%x: tensor<8x10xf32>, %l: tensor<8xi64>) -> tensor<f32> {
  %0 = kiln.softmax_cross_entropy %x, %l {ignore_index = -100} : (tensor<8x10xf32>, tensor<8xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Probability targets: -sum_c weight[c] * t[c] * logp[c], no one-hot.
// CHECK-LABEL: func.func @sce_probabilities(
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x10xf32>, %[[P:[^:]+]]: tensor<8x10xf32>, %[[W:[^:]+]]: tensor<10xf32>
// CHECK-NOT: kiln.eq
// CHECK: %[[LSE:.+]] = kiln.log %{{.+}} : tensor<8x1xf32>
// CHECK-NEXT: %[[LOGP:.+]] = kiln.sub %{{.+}}, %[[LSE]] : (tensor<8x10xf32>, tensor<8x1xf32>) -> tensor<8x10xf32>
// CHECK-NEXT: %[[TL:.+]] = kiln.mul %[[P]], %[[LOGP]]
// CHECK-NEXT: %[[W2:.+]] = kiln.reshape %[[W]] : tensor<10xf32> -> tensor<1x10xf32>
// CHECK-NEXT: %[[TLW:.+]] = kiln.mul %[[TL]], %[[W2]] : (tensor<8x10xf32>, tensor<1x10xf32>) -> tensor<8x10xf32>
// CHECK-NEXT: %[[S:.+]] = kiln.reduce_sum %[[TLW]] {axes = array<i64: 1>} : tensor<8x10xf32> -> tensor<8xf32>
// CHECK-NEXT: %[[R:.+]] = kiln.neg %[[S]]
// CHECK-NEXT: return %[[R]]
func.func @sce_probabilities(%x: tensor<8x10xf32>, %p: tensor<8x10xf32>, %w: tensor<10xf32>) -> tensor<8xf32> {
  %0 = kiln.softmax_cross_entropy %x, %p, %w {reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8x10xf32>, tensor<10xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// nll_loss takes log-probabilities: no log_softmax. Spatial [N, C, H, W]:
// labels [N, H, W] -> [N, 1, H, W] against iota [1, C, 1, 1]; sum.
// CHECK-LABEL: func.func @nll_spatial(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x10x4x4xf32>, %[[L:[^:]+]]: tensor<2x4x4xi32>
// CHECK-NOT: kiln.exp
// CHECK-DAG: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG: %[[IOTA:.+]] = kiln.constant dense<{{\[\[\[}}[0]], {{\[\[}}1]], {{.+}} : tensor<1x10x1x1xi64>
// CHECK: %[[L64:.+]] = kiln.cast %[[L]] : tensor<2x4x4xi32> -> tensor<2x4x4xi64>
// CHECK-NEXT: %[[L4:.+]] = kiln.reshape %[[L64]] : tensor<2x4x4xi64> -> tensor<2x1x4x4xi64>
// CHECK-NEXT: %[[HOT:.+]] = kiln.eq %[[L4]], %[[IOTA]] : (tensor<2x1x4x4xi64>, tensor<1x10x1x1xi64>) -> tensor<2x10x4x4xi1>
// CHECK-NEXT: %[[SEL:.+]] = kiln.select %[[HOT]], %[[X]], %[[ZERO]]
// CHECK-NEXT: %[[PICK:.+]] = kiln.reduce_sum %[[SEL]] {axes = array<i64: 1>} : tensor<2x10x4x4xf32> -> tensor<2x4x4xf32>
// CHECK-NEXT: %[[NEG:.+]] = kiln.neg %[[PICK]]
// CHECK-NEXT: %[[R:.+]] = kiln.reduce_sum %[[NEG]] : tensor<2x4x4xf32> -> tensor<f32>
// CHECK-NEXT: return %[[R]]
func.func @nll_spatial(%x: tensor<2x10x4x4xf32>, %l: tensor<2x4x4xi32>) -> tensor<f32> {
  %0 = kiln.nll_loss %x, %l {reduction = #kiln.reduction<sum>} : (tensor<2x10x4x4xf32>, tensor<2x4x4xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// nll_loss with weights and ignore_index, no reduction: the picked weight
// is replaced by 0 where the label is ignored.
// CHECK-LABEL: func.func @nll_weighted_ignore(
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x10xf32>, %[[L:[^:]+]]: tensor<8xi64>, %[[W:[^:]+]]: tensor<10xf32>
// CHECK-DAG: %[[IGN:.+]] = kiln.constant dense<0> : tensor<i64>
// CHECK-DAG: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[PICK:.+]] = kiln.reduce_sum %{{.+}} {axes = array<i64: 1>}
// CHECK: %[[WPICK:.+]] = kiln.reduce_sum %{{.+}} {axes = array<i64: 1>}
// CHECK-NEXT: %[[IS:.+]] = kiln.eq %[[L]], %[[IGN]]
// CHECK-NEXT: %[[WI:.+]] = kiln.select %[[IS]], %[[ZERO]], %[[WPICK]] : (tensor<8xi1>, tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK-NEXT: %[[PW:.+]] = kiln.mul %[[PICK]], %[[WI]]
// CHECK-NEXT: %[[R:.+]] = kiln.neg %[[PW]]
// CHECK-NEXT: return %[[R]] : tensor<8xf32>
func.func @nll_weighted_ignore(%x: tensor<8x10xf32>, %l: tensor<8xi64>, %w: tensor<10xf32>) -> tensor<8xf32> {
  %0 = kiln.nll_loss %x, %l, %w {ignore_index = 0, reduction = #kiln.reduction<none>} : (tensor<8x10xf32>, tensor<8xi64>, tensor<10xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
