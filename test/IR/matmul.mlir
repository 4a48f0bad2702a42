// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// kiln.matmul: [..., M, K] x [..., K, N] -> [broadcast(...), M, N].

// CHECK-LABEL: func.func @matmul_2d(
// CHECK-SAME: %[[A:[^:]*]]: tensor<4x8xf32>, %[[B:[^:]*]]: tensor<8x5xf32>
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>) -> tensor<4x5xf32> {
  // CHECK: kiln.matmul %[[A]], %[[B]] : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  %0 = kiln.matmul %a, %b : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @matmul_transposed(
func.func @matmul_transposed(%a: tensor<8x4xf32>, %b: tensor<5x8xf32>, %c: tensor<4x8xf32>) {
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} {transpose_lhs = true} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %0 = kiln.matmul %a, %a {transpose_lhs = true} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} {transpose_rhs = true} : (tensor<4x8xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  %1 = kiln.matmul %c, %b {transpose_rhs = true} : (tensor<4x8xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} {transpose_lhs = true, transpose_rhs = true} : (tensor<8x4xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  %2 = kiln.matmul %a, %b {transpose_lhs = true, transpose_rhs = true} : (tensor<8x4xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  // The defaults are elided.
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %3 = kiln.matmul %c, %a {transpose_lhs = false, transpose_rhs = false} : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  return
}

// Batch dims broadcast like NumPy; a rank-2 operand is shared by every batch.
// CHECK-LABEL: func.func @matmul_batched(
func.func @matmul_batched(%a: tensor<3x4x8xf32>, %b: tensor<8x5xf32>,
                          %c: tensor<2x1x4x8xf32>, %d: tensor<3x8x5xf32>,
                          %e: tensor<3x5x8xf64>, %f: tensor<1x4x8xf64>) {
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<3x4x8xf32>, tensor<8x5xf32>) -> tensor<3x4x5xf32>
  %0 = kiln.matmul %a, %b : (tensor<3x4x8xf32>, tensor<8x5xf32>) -> tensor<3x4x5xf32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<3x4x8xf32>, tensor<3x8x5xf32>) -> tensor<3x4x5xf32>
  %1 = kiln.matmul %a, %d : (tensor<3x4x8xf32>, tensor<3x8x5xf32>) -> tensor<3x4x5xf32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  %2 = kiln.matmul %c, %d : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} {transpose_rhs = true} : (tensor<1x4x8xf64>, tensor<3x5x8xf64>) -> tensor<3x4x5xf64>
  %3 = kiln.matmul %f, %e {transpose_rhs = true} : (tensor<1x4x8xf64>, tensor<3x5x8xf64>) -> tensor<3x4x5xf64>
  return
}
