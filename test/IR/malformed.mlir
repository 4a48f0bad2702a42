// RUN: not kiln-opt %s -split-input-file 2>&1 | FileCheck %s

// Broken text must give a diagnostic, never a crash (`not` without --crash
// fails if kiln-opt crashes). Every chunk fails, so each error is checked in
// order.

func.func @unknown_op(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: custom op 'kiln.frobnicate' is unknown
  %0 = kiln.frobnicate %x : tensor<2xf32>
  return
}

// -----

func.func @unknown_op_generic(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: unregistered operation 'kiln.frobnicate' found in dialect ('kiln') that does not allow unknown operations
  %0 = "kiln.frobnicate"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

// CHECK: error: expected non-function type
func.func @bad_element_type(%x: tensor<2xfloat>) {
  return
}

// -----

// CHECK: error: expected non-function type
func.func @bad_dims(%x: tensor<2xx3xf32>) {
  return
}

// -----

// CHECK: error: expected 'x' in dimension list
func.func @missing_element_type(%x: tensor<2x3>) {
  return
}

// -----

func.func @missing_operand(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: expected ','
  %0 = kiln.add %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @missing_type(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: expected ':'
  %0 = kiln.neg %x
  return
}

// -----

func.func @not_a_function_type(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: custom op 'kiln.add' invalid kind of type specified: expected builtin.function, but found 'tensor<2xf32>'
  %0 = kiln.add %x, %x : tensor<2xf32>
  return
}

// -----

// CHECK: error: expected operation name in quotes
func.func @unclosed_brace(%x: tensor<2xf32>) {
  %0 = kiln.neg %x : tensor<2xf32>

// -----

// CHECK: error: expected SSA operand
func.func @truncated(%x: tensor<2xf32>) {
  %0 = kiln.add %x,

// -----

func.func @bad_reduction(%x: tensor<4xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: expected ::kiln::Reduction to be one of: none, mean, sum
  %0 = kiln.mse_loss %x, %x {reduction = #kiln.reduction<avg>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @bad_pad_mode(%x: tensor<4xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: expected ::kiln::PadMode to be one of: constant, reflect, edge
  %0 = kiln.pad %x {low = array<i64: 1>, high = array<i64: 1>, mode = #kiln.pad_mode<wrap>} : tensor<4xf32> -> tensor<6xf32>
  return
}

// -----

func.func @unknown_attribute_kind(%x: tensor<4xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: unknown attribute `bogus` in dialect `kiln`
  %0 = kiln.mse_loss %x, %x {reduction = #kiln.bogus<1>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @enum_of_wrong_kind(%x: tensor<4xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: custom op 'kiln.mse_loss' 'kiln.mse_loss' op attribute 'reduction' failed to satisfy constraint: how a loss reduces over the batch
  %0 = kiln.mse_loss %x, %x {reduction = #kiln.pad_mode<edge>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @string_axis(%x: tensor<4xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: custom op 'kiln.softmax' 'kiln.softmax' op attribute 'axis' failed to satisfy constraint: 64-bit integer attribute
  %0 = kiln.softmax %x {axis = "last"} : tensor<4xf32>
  return
}

// -----

func.func @array_attr_instead_of_dense_array(%x: tensor<2x3xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: custom op 'kiln.transpose' 'kiln.transpose' op attribute 'permutation' failed to satisfy constraint: i64 dense array attribute
  %0 = kiln.transpose %x {permutation = [1, 0]} : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @integer_instead_of_float(%x: tensor<4xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: custom op 'kiln.leaky_relu' 'kiln.leaky_relu' op attribute 'alpha' failed to satisfy constraint: 32-bit float attribute
  %0 = kiln.leaky_relu %x {alpha = 1 : i32} : tensor<4xf32>
  return
}

// -----

func.func @too_many_results_bound(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: operation defines 1 results but was provided 2 to bind
  %0:2 = kiln.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @too_few_results_bound(%x: tensor<2x3xf32>, %c: tensor<3xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: operation defines 3 results but was provided 1 to bind
  %0 = kiln.batch_norm_training %x, %c, %c : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @too_many_result_types(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: 'kiln.add' op requires one result
  %0:2 = kiln.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return
}

// -----

func.func @undefined_value(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: use of undeclared SSA value name
  %0 = kiln.neg %nope : tensor<2xf32>
  return
}

// -----

func.func @operand_type_mismatch(%x: tensor<2xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: use of value '%x' expects different type than prior uses: 'tensor<3xf32>' vs 'tensor<2xf32>'
  %0 = kiln.add %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @constant_wrong_count() {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: inferred shape of elements literal ([2]) does not match type ([3])
  %0 = kiln.constant dense<[1.0, 2.0]> : tensor<3xf32>
  return
}

// -----

func.func @constant_without_value() {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: expected attribute value
  %0 = kiln.constant : tensor<3xf32>
  return
}

// -----

func.func @redefined_value(%x: tensor<2xf32>) {
  %0 = kiln.neg %x : tensor<2xf32>
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: redefinition of SSA value '%0'
  %0 = kiln.abs %x : tensor<2xf32>
  return
}

// -----

func.func @wrong_operand_segments(%x: tensor<5x2x3xf32>, %w: tensor<4x3xf32>, %h: tensor<4x4xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: 'kiln.rnn' op operand count (3) does not match with the total size (4) specified in attribute 'operandSegmentSizes'
  %0:2 = "kiln.rnn"(%x, %w, %h) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0>}> : (tensor<5x2x3xf32>, tensor<4x3xf32>, tensor<4x4xf32>) -> (tensor<5x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @missing_properties(%x: tensor<2x3xf32>) {
  // CHECK: [[@LINE+1]]:{{[0-9]+}}: error: 'kiln.slice' op requires attribute 'limits'
  %0 = "kiln.slice"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}
