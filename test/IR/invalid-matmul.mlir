// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @matmul_rank_1(%a: tensor<4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @below {{'kiln.matmul' op operands need rank >= 2, got lhs 4xf32 and rhs 4x5xf32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @matmul_element_types_differ(%a: tensor<2x4xf32>, %b: tensor<4x5xf64>) {
  // expected-error @below {{'kiln.matmul' op lhs 2x4xf32 and rhs 4x5xf64 have different element types}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<4x5xf64>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_contraction_mismatch(%a: tensor<2x4xf32>, %b: tensor<3x5xf32>) {
  // expected-error @below {{'kiln.matmul' op contraction sizes differ: lhs 2x4xf32 has K = 4, rhs 3x5xf32 has K = 3}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// With transpose_rhs, K is the last dim of rhs.
func.func @matmul_transposed_contraction_mismatch(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @below {{'kiln.matmul' op contraction sizes differ: lhs 2x4xf32 has K = 4, rhs 4x5xf32 has K = 5}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b {transpose_rhs = true} : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<3x2x4xf32>, %b: tensor<2x4x5xf32>) {
  // expected-error @below {{'kiln.matmul' op batch dims of lhs 3x2x4xf32 and rhs 2x4x5xf32 do not broadcast}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<3x2x4xf32>, tensor<2x4x5xf32>) -> tensor<3x2x5xf32>
  return
}

// -----

func.func @matmul_wrong_result(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @below {{'kiln.matmul' op inferred type(s) 'tensor<2x5xf32>' are incompatible with return type(s) of operation 'tensor<5x2xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<5x2xf32>
  return
}

// -----

func.func @matmul_integer(%a: tensor<2x4xi32>, %b: tensor<4x5xi32>) {
  // expected-error @below {{'kiln.matmul' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<2x4xi32>'}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xi32>, tensor<4x5xi32>) -> tensor<2x5xi32>
  return
}
