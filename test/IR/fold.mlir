// RUN: kiln-opt %s -canonicalize -split-input-file | FileCheck %s

// Folds of kiln ops. Each function returns its results so that only folding
// (not dead-code removal) can make an op disappear.

// CHECK-LABEL: func.func @neg_neg(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4xf32>
// CHECK-NEXT: %[[N:.*]] = kiln.neg %[[X]]
// CHECK-NEXT: return %[[X]], %[[N]]
func.func @neg_neg(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.neg %x : tensor<4xf32>
  %1 = kiln.neg %0 : tensor<4xf32>
  // A single neg stays.
  return %1, %0 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @add_zero(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NOT: kiln.add
// CHECK: return %[[X]], %[[X]]
func.func @add_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = kiln.constant dense<0.0> : tensor<3xf32>
  %0 = kiln.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.add %zero, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Adding zeros that widen x is a broadcast, not an identity.
// CHECK-LABEL: func.func @add_zero_broadcasting(
// CHECK: %[[R:.*]] = kiln.add
// CHECK: return %[[R]]
func.func @add_zero_broadcasting(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = kiln.constant dense<0.0> : tensor<2x3xf32>
  %0 = kiln.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @add_nonzero(
// CHECK: %[[R:.*]] = kiln.add
// CHECK: return %[[R]]
func.func @add_nonzero(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = kiln.constant dense<[0.0, 1.0, 0.0]> : tensor<3xf32>
  %0 = kiln.add %x, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @add_zero_integer(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3xi64>
// CHECK-NOT: kiln.add
// CHECK: return %[[X]]
func.func @add_zero_integer(%x: tensor<3xi64>) -> tensor<3xi64> {
  %zero = kiln.constant dense<0> : tensor<i64>
  %0 = kiln.add %x, %zero : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// x - 0 folds; 0 - x does not.
// CHECK-LABEL: func.func @sub_zero(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3xf32>
// CHECK: %[[Z:.*]] = kiln.constant dense<0.000000e+00>
// CHECK-NEXT: %[[R:.*]] = kiln.sub %[[Z]], %[[X]]
// CHECK-NEXT: return %[[X]], %[[R]]
func.func @sub_zero(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %zero = kiln.constant dense<0.0> : tensor<3xf32>
  %0 = kiln.sub %x, %zero : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.sub %zero, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NOT: kiln.mul
// CHECK: return %[[X]], %[[X]]
func.func @mul_one(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %one = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.mul %x, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = kiln.mul %one, %x : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_two(
// CHECK: %[[R:.*]] = kiln.mul
// CHECK: return %[[R]]
func.func @mul_two(%x: tensor<3xf32>) -> tensor<3xf32> {
  %two = kiln.constant dense<2.0> : tensor<3xf32>
  %0 = kiln.mul %x, %two : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// x / 1 folds; 1 / x does not.
// CHECK-LABEL: func.func @div_one(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3xf32>
// CHECK: %[[ONE:.*]] = kiln.constant dense<1.000000e+00>
// CHECK-NEXT: %[[R:.*]] = kiln.div %[[ONE]], %[[X]]
// CHECK-NEXT: return %[[X]], %[[R]]
func.func @div_one(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %one = kiln.constant dense<1.0> : tensor<3xf32>
  %0 = kiln.div %x, %one : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.div %one, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @cast_same_type(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3xf32>
// CHECK-NEXT: %[[C:.*]] = kiln.cast %[[X]] : tensor<3xf32> -> tensor<3xf16>
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @cast_same_type(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf16>) {
  %0 = kiln.cast %x : tensor<3xf32> -> tensor<3xf32>
  %1 = kiln.cast %x : tensor<3xf32> -> tensor<3xf16>
  return %0, %1 : tensor<3xf32>, tensor<3xf16>
}

// -----

// Summing over dims of size 1 with keepdims is the identity.
// CHECK-LABEL: func.func @reduce_sum_identity(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x1xf32>
// CHECK-NEXT: %[[R:.*]] = kiln.reduce_sum %[[X]] {axes = array<i64: 0>, keepdims = true}
// CHECK-NEXT: return %[[X]], %[[R]]
func.func @reduce_sum_identity(%x: tensor<2x1xf32>) -> (tensor<2x1xf32>, tensor<1x1xf32>) {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>, keepdims = true} : tensor<2x1xf32> -> tensor<2x1xf32>
  %1 = kiln.reduce_sum %x {axes = array<i64: 0>, keepdims = true} : tensor<2x1xf32> -> tensor<1x1xf32>
  return %0, %1 : tensor<2x1xf32>, tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_same_type(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: return %[[X]]
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_reshape(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>
// CHECK-NEXT: %[[R:.*]] = kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = kiln.reshape %0 : tensor<24xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A reshape back to the original type disappears.
// CHECK-LABEL: func.func @reshape_round_trip(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = kiln.reshape %0 : tensor<6xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant(
// CHECK-NEXT: %[[C:.*]] = kiln.constant dense<{{\[}}[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<2x3xi32> {
  %c = kiln.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
  %0 = kiln.reshape %c : tensor<6xi32> -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_transpose_inverse(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>
// CHECK-NEXT: return %[[X]]
func.func @transpose_transpose_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = kiln.transpose %0 {permutation = array<i64: 1, 2, 0>} : tensor<4x2x3xf32> -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// Two transposes compose into one: out[i] = x[p[q[i]]].
// CHECK-LABEL: func.func @transpose_transpose_compose(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32>
// CHECK-NEXT: %[[T:.*]] = kiln.transpose %[[X]] {permutation = array<i64: 2, 1, 0>} : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0, 2>} : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %1 = kiln.transpose %0 {permutation = array<i64: 2, 0, 1>} : tensor<3x2x4xf32> -> tensor<4x3x2xf32>
  return %1 : tensor<4x3x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat_single(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: %[[C:.*]] = kiln.concat %[[X]], %[[X]]
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @concat_single(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<4x3xf32>) {
  %0 = kiln.concat %x {axis = 0} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.concat %x, %x {axis = 0} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @slice_full(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: %[[S:.*]] = kiln.slice %[[X]] {limits = array<i64: 2, 3>, starts = array<i64: 0, 1>
// CHECK-NEXT: return %[[X]], %[[S]]
func.func @slice_full(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>) {
  %0 = kiln.slice %x {starts = array<i64: 0, 0>, limits = array<i64: 2, 3>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = kiln.slice %x {starts = array<i64: 0, 1>, limits = array<i64: 2, 3>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_to_same_type(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: return %[[X]]
func.func @broadcast_to_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.broadcast_to %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_to_splat(
// CHECK-NEXT: %[[C:.*]] = kiln.constant dense<7> : tensor<4x3xi64>
// CHECK-NEXT: return %[[C]]
func.func @broadcast_to_splat() -> tensor<4x3xi64> {
  %c = kiln.constant dense<7> : tensor<3xi64>
  %0 = kiln.broadcast_to %c : tensor<3xi64> -> tensor<4x3xi64>
  return %0 : tensor<4x3xi64>
}

// -----

// A non-splat constant is not expanded.
// CHECK-LABEL: func.func @broadcast_to_non_splat(
// CHECK: %[[B:.*]] = kiln.broadcast_to
// CHECK: return %[[B]]
func.func @broadcast_to_non_splat() -> tensor<4x3xi64> {
  %c = kiln.constant dense<[1, 2, 3]> : tensor<3xi64>
  %0 = kiln.broadcast_to %c : tensor<3xi64> -> tensor<4x3xi64>
  return %0 : tensor<4x3xi64>
}

// -----

// CHECK-LABEL: func.func @pad_zero(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: %[[P:.*]] = kiln.pad %[[X]]
// CHECK-NEXT: return %[[X]], %[[P]]
func.func @pad_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x3xf32>) {
  %0 = kiln.pad %x {low = array<i64: 0, 0>, high = array<i64: 0, 0>, mode = #kiln.pad_mode<reflect>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = kiln.pad %x {low = array<i64: 1, 0>, high = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<3x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<3x3xf32>
}

// -----

// Equal constants are merged (kiln.constant folds to its value).
// CHECK-LABEL: func.func @constants_dedup(
// CHECK-NEXT: %[[C:.*]] = kiln.constant dense<2.000000e+00> : tensor<3xf32>
// CHECK-NEXT: return %[[C]], %[[C]]
func.func @constants_dedup() -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.constant dense<2.0> : tensor<3xf32>
  %1 = kiln.constant dense<2.0> : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// Ops are pure: unused ones go away.
// CHECK-LABEL: func.func @dead(
// CHECK-NEXT: return
func.func @dead(%x: tensor<3xf32>) {
  %0 = kiln.exp %x : tensor<3xf32>
  %1 = kiln.add %0, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

// A product with a zero matrix is a zero constant; with any other constant
// it stays.
// CHECK-LABEL: func.func @matmul_zero(
// CHECK-DAG: %[[O:.*]] = kiln.constant dense<1.000000e+00> : tensor<3x5xf32>
// CHECK-DAG: %[[Z:.*]] = kiln.constant dense<0.000000e+00> : tensor<3x5xf32>
// CHECK: %[[M:.*]] = kiln.matmul %[[O]], %arg0
// CHECK-NEXT: return %[[Z]], %[[M]]
func.func @matmul_zero(%w: tensor<5x5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %z = kiln.constant dense<0.0> : tensor<3x5xf32>
  %o = kiln.constant dense<1.0> : tensor<3x5xf32>
  %0 = kiln.matmul %z, %w {transpose_rhs = true} : (tensor<3x5xf32>, tensor<5x5xf32>) -> tensor<3x5xf32>
  %1 = kiln.matmul %o, %w : (tensor<3x5xf32>, tensor<5x5xf32>) -> tensor<3x5xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<3x5xf32>
}

// -----

// Data movement of constants folds to constants (an importer's restated
// weight layouts, such as ONNX's LSTM gate order, become plain weights):
// a strided slice, a concat along an inner axis, a 3-D transpose, i64 as
// well as f32, and a splat stays a splat.
// CHECK-LABEL: func.func @constant_data_movement(
// CHECK-DAG: %[[S:.*]] = kiln.constant dense<{{\[}}[1.000000e+00, 3.000000e+00], [7.000000e+00, 9.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = kiln.constant dense<{{\[}}[1, 2, 5], [3, 4, 6]]> : tensor<2x3xi64>
// CHECK-DAG: %[[T:.*]] = kiln.constant dense<{{\[\[\[}}0.000000e+00, 4.000000e+00], [2.000000e+00, 6.000000e+00]], {{\[\[}}1.000000e+00, 5.000000e+00], [3.000000e+00, 7.000000e+00]]]> : tensor<2x2x2xf32>
// CHECK-DAG: %[[P:.*]] = kiln.constant dense<2.500000e+00> : tensor<3x2xf32>
// CHECK-NOT: kiln.slice
// CHECK-NOT: kiln.concat
// CHECK-NOT: kiln.transpose
// CHECK: return %[[S]], %[[C]], %[[T]], %[[P]]
func.func @constant_data_movement() -> (tensor<2x2xf32>, tensor<2x3xi64>, tensor<2x2x2xf32>, tensor<3x2xf32>) {
  %m = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
  %s = kiln.slice %m {starts = array<i64: 0, 0>, limits = array<i64: 3, 3>, steps = array<i64: 2, 2>} : tensor<3x3xf32> -> tensor<2x2xf32>
  %a = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %b = kiln.constant dense<[[5], [6]]> : tensor<2x1xi64>
  %c = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x3xi64>
  %x = kiln.constant dense<[[[0.0, 1.0], [2.0, 3.0]], [[4.0, 5.0], [6.0, 7.0]]]> : tensor<2x2x2xf32>
  %t = kiln.transpose %x {permutation = array<i64: 2, 1, 0>} : tensor<2x2x2xf32> -> tensor<2x2x2xf32>
  %p = kiln.constant dense<2.5> : tensor<4x4xf32>
  %q = kiln.slice %p {starts = array<i64: 1, 0>, limits = array<i64: 4, 2>, steps = array<i64: 1, 1>} : tensor<4x4xf32> -> tensor<3x2xf32>
  return %s, %c, %t, %q : tensor<2x2xf32>, tensor<2x3xi64>, tensor<2x2x2xf32>, tensor<3x2xf32>
}

// -----

// i1 constants (packed bits) are left as they are.
// CHECK-LABEL: func.func @constant_bool_slice_kept(
// CHECK: kiln.slice
func.func @constant_bool_slice_kept() -> tensor<2xi1> {
  %m = kiln.constant dense<[true, false, true]> : tensor<3xi1>
  %s = kiln.slice %m {starts = array<i64: 1>, limits = array<i64: 3>, steps = array<i64: 1>} : tensor<3xi1> -> tensor<2xi1>
  return %s : tensor<2xi1>
}
