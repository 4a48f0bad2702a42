// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Shape-rule errors of shape-inferring ops come with a second error,
// "failed to infer returned types", from the InferTypeOpInterface verifier.

func.func @clip_min_above_max(%x: tensor<4xf32>) {
  // expected-error @below {{'kiln.clip' op min 2.000000e+00 is greater than max 1.000000e+00}}
  %0 = kiln.clip %x {min = 2.0 : f32, max = 1.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @binary_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) {
  // expected-error @below {{'kiln.add' op operand 'rhs' of type 3x2xf32 does not broadcast with shape [2, 3]}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @binary_trailing_dim_mismatch(%a: tensor<4x1x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @below {{'kiln.mul' op operand 'rhs' of type 2x4xf32 does not broadcast with shape [4, 1, 3]}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.mul %a, %b : (tensor<4x1x3xf32>, tensor<2x4xf32>) -> tensor<4x2x4xf32>
  return
}

// -----

func.func @binary_element_types_differ(%a: tensor<2xf32>, %b: tensor<2xf64>) {
  // expected-error @below {{'kiln.sub' op operand 'rhs' has element type 'f64' but 'lhs' has 'f32'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.sub %a, %b : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  return
}

// -----

func.func @binary_wrong_result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @below {{'kiln.div' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @binary_wrong_result_element_type(%a: tensor<2xi32>) {
  // expected-error @below {{'kiln.max' op inferred type(s) 'tensor<2xi32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.max %a, %a : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

func.func @pow_needs_floats(%a: tensor<2xi32>, %b: tensor<1xi32>) {
  // expected-error @below {{'kiln.pow' op needs float operands, got lhs 2xi32 and rhs 1xi32}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.pow %a, %b : (tensor<2xi32>, tensor<1xi32>) -> tensor<2xi32>
  return
}

// -----

func.func @compare_element_types_differ(%a: tensor<2xi32>, %b: tensor<2xi64>) {
  // expected-error @below {{'kiln.lt' op operand 'rhs' has element type 'i64' but 'lhs' has 'i32'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.lt %a, %b : (tensor<2xi32>, tensor<2xi64>) -> tensor<2xi1>
  return
}

// -----

func.func @compare_result_not_mask(%a: tensor<2xf32>) {
  // expected-error @below {{'kiln.eq' op result #0 must be statically shaped tensor of 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = kiln.eq %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @select_branch_types_differ(%c: tensor<2xi1>, %a: tensor<2xf32>, %b: tensor<2xi32>) {
  // expected-error @below {{'kiln.select' op operand 'on_false' has element type 'i32' but 'on_true' has 'f32'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.select %c, %a, %b : (tensor<2xi1>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

func.func @select_condition_not_broadcastable(%c: tensor<3xi1>, %a: tensor<2xf32>) {
  // expected-error @below {{'kiln.select' op operand 'on_true' of type 2xf32 does not broadcast with shape [3]}}
  // expected-error @below {{failed to infer returned types}}
  %0 = kiln.select %c, %a, %a : (tensor<3xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @select_condition_not_i1(%c: tensor<2xi32>, %a: tensor<2xf32>) {
  // expected-error @below {{'kiln.select' op operand #0 must be statically shaped tensor of 1-bit signless integer values, but got 'tensor<2xi32>'}}
  %0 = kiln.select %c, %a, %a : (tensor<2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @unary_needs_float(%x: tensor<4xi32>) {
  // expected-error @below {{'kiln.exp' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi32>'}}
  %0 = kiln.exp %x : tensor<4xi32>
  return
}

// -----

func.func @unary_result_type_differs(%x: tensor<4xf32>) {
  // expected-error @below {{'kiln.relu' op requires the same type for all operands and results}}
  %0 = "kiln.relu"(%x) : (tensor<4xf32>) -> tensor<4xf64>
  return
}

// -----

func.func @cast_changes_shape(%x: tensor<4xf32>) {
  // expected-error @below {{'kiln.cast' op requires the same shape for all operands and results}}
  %0 = kiln.cast %x : tensor<4xf32> -> tensor<2x2xi32>
  return
}

// -----

// Kiln ops need static shapes: a frontend substitutes the shapes the user
// names for dynamic dims before building them.
func.func @dynamic_shape(%x: tensor<?x3xf32>) {
  // expected-error @below {{'kiln.add' op operand #0 must be statically shaped tensor}}
  %0 = kiln.add %x, %x : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @unranked(%x: tensor<*xf32>) {
  // expected-error @below {{'kiln.neg' op operand #0 must be statically shaped tensor}}
  %0 = "kiln.neg"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @unsupported_element_type(%x: tensor<2xui8>) {
  // expected-error @below {{'kiln.add' op operand #0 must be statically shaped tensor of}}
  %0 = kiln.add %x, %x : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return
}

// -----

func.func @constant_type_mismatch() {
  // expected-error @below {{'kiln.constant' op failed to verify that all of {value, output} have same type}}
  %0 = "kiln.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @constant_not_a_tensor() {
  // expected-error @below {{'kiln.constant' op result #0 must be statically shaped tensor}}
  %0 = kiln.constant dense<1.0> : vector<2xf32>
  return
}
