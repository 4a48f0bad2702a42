// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// expected-error @below {{unknown kiln argument attribute 'kiln.frozen' on argument 0}}
func.func @unknown_attribute(%x: tensor<2xf32> {kiln.frozen}) {
  return
}

// -----

// expected-error @below {{'kiln.trainable' is a unit attribute (argument 1)}}
func.func @not_unit(%x: tensor<2xf32>, %w: tensor<2xf32> {kiln.trainable = true}) {
  return
}

// -----

// expected-error @below {{trainable argument 0 must be a ranked float tensor, got 'tensor<2xi64>'}}
func.func @integer_parameter(%x: tensor<2xi64> {kiln.trainable}) {
  return
}

// -----

// expected-error @below {{trainable argument 0 must be a ranked float tensor, got 'f32'}}
func.func @scalar_parameter(%x: f32 {kiln.trainable}) {
  return
}

// -----

// A declaration is checked against its function type.
// expected-error @below {{trainable argument 1 must be a ranked float tensor, got 'tensor<3xi32>'}}
func.func private @declaration(tensor<2xf32>, tensor<3xi32> {kiln.trainable})

// -----

// expected-error @below {{'kiln.name' must be a string (argument 0)}}
func.func @bad_name(%x: tensor<2xf32> {kiln.name = 3 : i64}) {
  return
}

// -----

// Buffers (state that training updates without gradients) are float
// tensors and unit attributes too.
// expected-error @below {{buffer argument 1 must be a ranked float tensor, got 'tensor<2xi64>'}}
func.func @integer_buffer(%x: tensor<2xf32>, %b: tensor<2xi64> {kiln.buffer}) {
  return
}

// -----

// expected-error @below {{'kiln.buffer' is a unit attribute (argument 0)}}
func.func @buffer_not_unit(%b: tensor<2xf32> {kiln.buffer = 1 : i64}) {
  return
}
