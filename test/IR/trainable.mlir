// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// A function argument marked {kiln.trainable} is a parameter.

// CHECK-LABEL: func.func @dense(
// CHECK-SAME: %{{[^:]*}}: tensor<4x8xf32>,
// CHECK-SAME: %{{[^:]*}}: tensor<8x3xf32> {kiln.trainable},
// CHECK-SAME: %{{[^:]*}}: tensor<3xf32> {kiln.trainable}
func.func @dense(%x: tensor<4x8xf32>, %w: tensor<8x3xf32> {kiln.trainable},
                 %b: tensor<3xf32> {kiln.trainable}) -> tensor<4x3xf32> {
  %0 = kiln.matmul %x, %w : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %1 = kiln.add %0, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}

// A declaration may mark its arguments too.
// CHECK-LABEL: func.func private @external(tensor<2xf64> {kiln.trainable})
func.func private @external(tensor<2xf64> {kiln.trainable})

// Arguments and results may carry names (e.g. ONNX value names).
// CHECK-LABEL: func.func @named(
// CHECK-SAME: %{{[^:]*}}: tensor<2xf32> {kiln.name = "input.1"}
// CHECK-SAME: -> (tensor<2xf32> {kiln.name = "out"})
func.func @named(%x: tensor<2xf32> {kiln.name = "input.1"})
    -> (tensor<2xf32> {kiln.name = "out"}) {
  return %x : tensor<2xf32>
}
