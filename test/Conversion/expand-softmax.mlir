// RUN: kiln-opt %s --kiln-expand --split-input-file | FileCheck %s

// softmax, log_softmax and logsumexp expand to max-shifted forms: the max
// along the axis (keepdims) is subtracted before exp, so exp never sees a
// large positive value.

// softmax = e / sum(e), e = exp(x - max(x)); the default axis -1 is 1.
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x10xf32>
// CHECK-NEXT: %[[M:.+]] = kiln.reduce_max %[[X]] {axes = array<i64: 1>, keepdims = true} : tensor<2x10xf32> -> tensor<2x1xf32>
// CHECK-NEXT: %[[Z:.+]] = kiln.sub %[[X]], %[[M]] : (tensor<2x10xf32>, tensor<2x1xf32>) -> tensor<2x10xf32>
// CHECK-NEXT: %[[E:.+]] = kiln.exp %[[Z]] : tensor<2x10xf32>
// CHECK-NEXT: %[[S:.+]] = kiln.reduce_sum %[[E]] {axes = array<i64: 1>, keepdims = true} : tensor<2x10xf32> -> tensor<2x1xf32>
// CHECK-NEXT: %[[R:.+]] = kiln.div %[[E]], %[[S]] : (tensor<2x10xf32>, tensor<2x1xf32>) -> tensor<2x10xf32>
// CHECK-NEXT: return %[[R]]
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = kiln.softmax %x : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// log_softmax = z - log(sum(exp(z))), z = x - max(x); here along axis 0.
// CHECK-LABEL: func.func @log_softmax(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x10xf32>
// CHECK-NEXT: %[[M:.+]] = kiln.reduce_max %[[X]] {axes = array<i64: 0>, keepdims = true} : tensor<2x10xf32> -> tensor<1x10xf32>
// CHECK-NEXT: %[[Z:.+]] = kiln.sub %[[X]], %[[M]]
// CHECK-NEXT: %[[E:.+]] = kiln.exp %[[Z]]
// CHECK-NEXT: %[[S:.+]] = kiln.reduce_sum %[[E]] {axes = array<i64: 0>, keepdims = true}
// CHECK-NEXT: %[[L:.+]] = kiln.log %[[S]] : tensor<1x10xf32>
// CHECK-NEXT: %[[R:.+]] = kiln.sub %[[Z]], %[[L]] : (tensor<2x10xf32>, tensor<1x10xf32>) -> tensor<2x10xf32>
// CHECK-NEXT: return %[[R]]
func.func @log_softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = kiln.log_softmax %x {axis = 0} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// A negative axis is normalized: -2 of a rank-3 tensor is 1.
// CHECK-LABEL: func.func @softmax_negative_axis(
// CHECK: kiln.reduce_max %{{.+}} {axes = array<i64: 1>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
// CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: 1>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
// CHECK-NOT: kiln.softmax
func.func @softmax_negative_axis(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.softmax %x {axis = -2} : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// logsumexp = log(sum(exp(x - m))) + m with keepdims internally, then a
// reshape to the result's shape (here without keepdims). An infinite max
// (+inf, or a slice of -inf) would make x - m NaN, so m is replaced by 0
// where |m| == inf.
// CHECK-LABEL: func.func @logsumexp(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
// CHECK-DAG: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG: %[[INF:.+]] = kiln.constant dense<0x7F800000> : tensor<f32>
// CHECK: %[[MAX:.+]] = kiln.reduce_max %[[X]] {axes = array<i64: 2>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
// CHECK-NEXT: %[[ABS:.+]] = kiln.abs %[[MAX]]
// CHECK-NEXT: %[[ISINF:.+]] = kiln.eq %[[ABS]], %[[INF]]
// CHECK-NEXT: %[[M:.+]] = kiln.select %[[ISINF]], %[[ZERO]], %[[MAX]]
// CHECK-NEXT: %[[Z:.+]] = kiln.sub %[[X]], %[[M]]
// CHECK-NEXT: %[[E:.+]] = kiln.exp %[[Z]]
// CHECK-NEXT: %[[S:.+]] = kiln.reduce_sum %[[E]] {axes = array<i64: 2>, keepdims = true}
// CHECK-NEXT: %[[L:.+]] = kiln.log %[[S]]
// CHECK-NEXT: %[[A:.+]] = kiln.add %[[L]], %[[M]] : (tensor<2x3x1xf32>, tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
// CHECK-NEXT: %[[R:.+]] = kiln.reshape %[[A]] : tensor<2x3x1xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @logsumexp(%x: tensor<2x3x4xf32>) -> tensor<2x3xf32> {
  %0 = kiln.reduce_logsumexp %x {axes = array<i64: 2>} : tensor<2x3x4xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// No axes: over everything; keepdims gives [1, 1], which needs no reshape.
// CHECK-LABEL: func.func @logsumexp_all_keepdims(
// CHECK: %[[MAX:.+]] = kiln.reduce_max %{{.+}} {axes = array<i64: 0, 1>, keepdims = true} : tensor<2x3xf32> -> tensor<1x1xf32>
// CHECK: %[[M:.+]] = kiln.select %{{.+}}, %{{.+}}, %[[MAX]]
// CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: 0, 1>, keepdims = true}
// CHECK: %[[A:.+]] = kiln.add %{{.+}}, %[[M]]
// CHECK-NEXT: return %[[A]] : tensor<1x1xf32>
func.func @logsumexp_all_keepdims(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  %0 = kiln.reduce_logsumexp %x {keepdims = true} : tensor<2x3xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
