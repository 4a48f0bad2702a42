// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s

// kiln.matmul: plain 2-D becomes linalg.matmul, a batched lhs against a
// 2-D rhs a linalg.matmul of its rows, same-batch N-D linalg.batch_matmul
// over the merged batch dims, all accumulating into a zero-filled init (a
// transposed operand is copied out transposed first); batch-broadcast
// matmuls become a contraction linalg.generic over (batch..., m, n, k)
// whose maps express the transposes and broadcasts.

// CHECK-LABEL: func.func @matmul_2d(
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<8x5xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x5xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<4x5xf32>)
// CHECK: %[[R:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x5xf32>) outs(%[[INIT]] : tensor<4x5xf32>)
// CHECK: return %[[R]]
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>) -> tensor<4x5xf32> {
  %0 = kiln.matmul %a, %b : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_batched(
// CHECK-SAME: %[[A:[^:]+]]: tensor<3x4x8xf32>, %[[B:[^:]+]]: tensor<3x8x5xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3x4x5xf32>)
// CHECK: %[[R:.+]] = linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<3x4x8xf32>, tensor<3x8x5xf32>) outs(%[[INIT]] : tensor<3x4x5xf32>)
// CHECK: return %[[R]]
func.func @matmul_batched(%a: tensor<3x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<3x4x5xf32> {
  %0 = kiln.matmul %a, %b : (tensor<3x4x8xf32>, tensor<3x8x5xf32>) -> tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// Both operands transposed: each is transposed into a copy first
// (linalg.transpose), so that the product is a plain linalg.matmul, the form
// the packed schedule handles.
// CHECK-LABEL: func.func @matmul_transposed(
// CHECK-SAME: %[[A:[^:]+]]: tensor<8x4xf32>, %[[B:[^:]+]]: tensor<5x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x5xf32>)
// CHECK: %[[AT:.+]] = linalg.transpose ins(%[[A]] : tensor<8x4xf32>) outs(%{{.+}} : tensor<4x8xf32>) permutation = [1, 0]
// CHECK: %[[BT:.+]] = linalg.transpose ins(%[[B]] : tensor<5x8xf32>) outs(%{{.+}} : tensor<8x5xf32>) permutation = [1, 0]
// CHECK: %[[R:.+]] = linalg.matmul ins(%[[AT]], %[[BT]] : tensor<4x8xf32>, tensor<8x5xf32>) outs(%[[INIT]] : tensor<4x5xf32>)
// CHECK: return %[[R]]
func.func @matmul_transposed(%a: tensor<8x4xf32>, %b: tensor<5x8xf32>) -> tensor<4x5xf32> {
  %0 = kiln.matmul %a, %b {transpose_lhs = true, transpose_rhs = true} : (tensor<8x4xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Only the rhs transposed.
// CHECK-LABEL: func.func @matmul_transpose_rhs(
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<5x8xf32>
// CHECK-NOT: linalg.transpose ins(%[[A]]
// CHECK: %[[BT:.+]] = linalg.transpose ins(%[[B]] : tensor<5x8xf32>) outs(%{{.+}} : tensor<8x5xf32>) permutation = [1, 0]
// CHECK: linalg.matmul ins(%[[A]], %[[BT]] : tensor<4x8xf32>, tensor<8x5xf32>)
func.func @matmul_transpose_rhs(%a: tensor<4x8xf32>, %b: tensor<5x8xf32>) -> tensor<4x5xf32> {
  %0 = kiln.matmul %a, %b {transpose_rhs = true} : (tensor<4x8xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// A constant rhs (an inference model's weight) is transposed at compile
// time: the product reads a transposed constant, no copy is made per call.
// CHECK-LABEL: func.func @matmul_transpose_constant_rhs(
// CHECK-NOT: linalg.transpose
// CHECK: %[[W:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul ins(%{{.+}}, %[[W]] : tensor<4x2xf32>, tensor<2x3xf32>)
func.func @matmul_transpose_constant_rhs(%a: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %0 = kiln.matmul %a, %w {transpose_rhs = true} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// A batched lhs against a 2-D rhs is one 2-D linalg.matmul of all its rows
// (collapsed, then expanded back), with a transposed rhs copied out first.
// CHECK-LABEL: func.func @matmul_rows(
// CHECK-SAME: %[[A:[^:]+]]: tensor<3x4x8xf32>, %[[B:[^:]+]]: tensor<5x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<3x4x8xf32> into tensor<12x8xf32>
// CHECK: %[[BT:.+]] = linalg.transpose ins(%[[B]] : tensor<5x8xf32>) outs(%{{.+}} : tensor<8x5xf32>) permutation = [1, 0]
// CHECK: %[[R:.+]] = linalg.matmul ins(%[[ROWS]], %[[BT]] : tensor<12x8xf32>, tensor<8x5xf32>)
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1], [2]] output_shape [3, 4, 5] : tensor<12x5xf32> into tensor<3x4x5xf32>
func.func @matmul_rows(%a: tensor<3x4x8xf32>, %b: tensor<5x8xf32>) -> tensor<3x4x5xf32> {
  %0 = kiln.matmul %a, %b {transpose_rhs = true} : (tensor<3x4x8xf32>, tensor<5x8xf32>) -> tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// Same-batch 4-D products (attention's heads) become one linalg.batch_matmul
// over the merged batch dims; transposed operands are copied out first.
// CHECK-LABEL: func.func @matmul_heads(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3x8x4xf32>, %[[B:[^:]+]]: tensor<2x3x5x8xf32>
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[A3:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2], [3]] : tensor<2x3x8x4xf32> into tensor<6x8x4xf32>
// CHECK-DAG: %[[B3:.+]] = tensor.collapse_shape %[[B]] {{\[}}[0, 1], [2], [3]] : tensor<2x3x5x8xf32> into tensor<6x5x8xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<6x4x5xf32>)
// CHECK: %[[AT:.+]] = linalg.transpose ins(%[[A3]] : tensor<6x8x4xf32>) outs(%{{.+}} : tensor<6x4x8xf32>) permutation = [0, 2, 1]
// CHECK: %[[BT:.+]] = linalg.transpose ins(%[[B3]] : tensor<6x5x8xf32>) outs(%{{.+}} : tensor<6x8x5xf32>) permutation = [0, 2, 1]
// CHECK: %[[R:.+]] = linalg.batch_matmul ins(%[[AT]], %[[BT]] : tensor<6x4x8xf32>, tensor<6x8x5xf32>) outs(%[[INIT]] : tensor<6x4x5xf32>)
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1], [2], [3]] output_shape [2, 3, 4, 5] : tensor<6x4x5xf32> into tensor<2x3x4x5xf32>
func.func @matmul_heads(%a: tensor<2x3x8x4xf32>, %b: tensor<2x3x5x8xf32>) -> tensor<2x3x4x5xf32> {
  %0 = kiln.matmul %a, %b {transpose_lhs = true, transpose_rhs = true} : (tensor<2x3x8x4xf32>, tensor<2x3x5x8xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// Broadcast batch dims, and a batched transposed lhs against a 2-D rhs,
// stay contraction generics over (batch..., m, n, k): a [2, 1, 4, 8] lhs
// against a [3, 8, 5] rhs broadcasts to [2, 3, 4, 5]: the lhs reads index
// 0 along its size-1 batch dim; the [3, 8, 4] lhs is read at (b, k, m) and
// the 2-D rhs map has no batch dim.
// CHECK-DAG: #[[$L3:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[$R3:.+]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[$O3:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[$L4:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[$R4:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[$O4:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast(
// CHECK-NOT: linalg.batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[$L3]], #[[$R3]], #[[$O3]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<3x8x4xf32>, tensor<8x5xf32>) outs(%{{.+}} : tensor<3x4x5xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$L4]], #[[$R4]], #[[$O4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) outs(%{{.+}} : tensor<2x3x4x5xf32>)
func.func @matmul_broadcast(%a: tensor<3x8x4xf32>, %b: tensor<8x5xf32>, %c: tensor<2x1x4x8xf32>, %d: tensor<3x8x5xf32>) -> (tensor<3x4x5xf32>, tensor<2x3x4x5xf32>) {
  %0 = kiln.matmul %a, %b {transpose_lhs = true} : (tensor<3x8x4xf32>, tensor<8x5xf32>) -> tensor<3x4x5xf32>
  %1 = kiln.matmul %c, %d : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0, %1 : tensor<3x4x5xf32>, tensor<2x3x4x5xf32>
}
