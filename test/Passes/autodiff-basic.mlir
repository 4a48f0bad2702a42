// RUN: kiln-opt %s --kiln-autodiff | FileCheck %s
// RUN: kiln-opt %s --kiln-autodiff | kiln-opt > /dev/null
// RUN: kiln-opt %s --kiln-autodiff=wrt=all | FileCheck %s --check-prefix=ALL

// linear + mse: @f_grad returns the loss, then dW and db in argument order.
// mean over 8 elements: 2 (y - t) / 8; db sums the broadcast rows; dW = x^T g.
// CHECK-LABEL: func.func @linear(
// CHECK-LABEL: func.func @linear_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x3xf32>, %[[W:[^:]*]]: tensor<3x2xf32> {kiln.trainable}, %[[B:[^:]*]]: tensor<2xf32> {kiln.trainable}, %[[T:[^:]*]]: tensor<4x2xf32>)
// CHECK-SAME: -> (tensor<f32>, tensor<3x2xf32>, tensor<2xf32>)
// CHECK: %[[Y:.*]] = kiln.add
// CHECK: %[[L:.*]] = kiln.mse_loss %[[Y]], %[[T]]
// CHECK: %[[ONE:.*]] = kiln.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[N:.*]] = kiln.constant dense<1.250000e-01> : tensor<f32>
// CHECK: %[[F:.*]] = kiln.mul %[[ONE]], %[[N]]
// CHECK: %[[D:.*]] = kiln.sub %[[Y]], %[[T]]
// CHECK: %[[D2:.*]] = kiln.mul %[[D]], %{{.*}}
// CHECK: %[[G:.*]] = kiln.mul %[[D2]], %[[F]]
// CHECK: %[[DB:.*]] = kiln.reduce_sum %[[G]] {axes = array<i64: 0>} : tensor<4x2xf32> -> tensor<2xf32>
// CHECK: %[[DW:.*]] = kiln.matmul %[[X]], %[[G]] {transpose_lhs = true} : (tensor<4x3xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
// CHECK: return %[[L]], %[[DW]], %[[DB]] : tensor<f32>, tensor<3x2xf32>, tensor<2xf32>
// ALL-LABEL: func.func @linear_grad
// ALL-SAME: -> (tensor<f32>, tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>, tensor<4x2xf32>)
func.func @linear(%x: tensor<4x3xf32>, %w: tensor<3x2xf32> {kiln.trainable}, %b: tensor<2xf32> {kiln.trainable}, %t: tensor<4x2xf32>) -> tensor<f32> {
  %0 = kiln.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %1 = kiln.add %0, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %2 = kiln.mse_loss %1, %t : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<f32>
  return %2 : tensor<f32>
}

// Broadcasting: the [4] operand's gradient sums over the broadcast rows.
// CHECK-LABEL: func.func @broadcast_add_grad(
// CHECK: %[[G:.*]] = kiln.broadcast_to %{{.*}} : tensor<1x1xf32> -> tensor<3x4xf32>
// CHECK: %[[DB:.*]] = kiln.reduce_sum %[[G]] {axes = array<i64: 0>} : tensor<3x4xf32> -> tensor<4xf32>
// CHECK: return %{{.*}}, %[[G]], %[[DB]]
func.func @broadcast_add(%x: tensor<3x4xf32> {kiln.trainable}, %b: tensor<4xf32> {kiln.trainable}) -> tensor<f32> {
  %0 = kiln.add %x, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %1 = kiln.reduce_sum %0 : tensor<3x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// Fan-out: both uses of x contribute, and the contributions are added.
// CHECK-LABEL: func.func @fan_out_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3xf32>
// CHECK: %[[G:.*]] = kiln.broadcast_to
// CHECK: %[[A:.*]] = kiln.mul %[[G]], %[[X]]
// CHECK: %[[B:.*]] = kiln.mul %[[G]], %[[X]]
// CHECK: %[[S:.*]] = kiln.add %[[A]], %[[B]]
// CHECK: return %{{.*}}, %[[S]]
func.func @fan_out(%x: tensor<3xf32> {kiln.trainable}) -> tensor<f32> {
  %0 = kiln.mul %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.reduce_sum %0 : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// relu passes the gradient where x > 0.
// CHECK-LABEL: func.func @relu_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3xf32>
// CHECK: %[[G:.*]] = kiln.broadcast_to
// CHECK: %[[Z:.*]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[M:.*]] = kiln.gt %[[X]], %[[Z]]
// CHECK: %[[R:.*]] = kiln.select %[[M]], %[[G]], %{{.*}} : (tensor<3xi1>, tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
// CHECK: return %{{.*}}, %[[R]]
func.func @relu(%x: tensor<3xf32> {kiln.trainable}) -> tensor<f32> {
  %0 = kiln.relu %x : tensor<3xf32>
  %1 = kiln.reduce_sum %0 : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// Both operands transposed: each gradient is one matmul whose flags absorb
// the transposes.
// CHECK-LABEL: func.func @matmul_transposed_grad(
// CHECK-SAME: %[[A:[^:]*]]: tensor<5x3xf32> {kiln.trainable}, %[[B:[^:]*]]: tensor<4x5xf32> {kiln.trainable}
// CHECK: %[[G:.*]] = kiln.broadcast_to
// CHECK: %[[DA:.*]] = kiln.matmul %[[B]], %[[G]] {transpose_lhs = true, transpose_rhs = true} : (tensor<4x5xf32>, tensor<3x4xf32>) -> tensor<5x3xf32>
// CHECK: %[[DB:.*]] = kiln.matmul %[[G]], %[[A]] {transpose_lhs = true, transpose_rhs = true} : (tensor<3x4xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
// CHECK: return %{{.*}}, %[[DA]], %[[DB]]
func.func @matmul_transposed(%a: tensor<5x3xf32> {kiln.trainable}, %b: tensor<4x5xf32> {kiln.trainable}) -> tensor<f32> {
  %0 = kiln.matmul %a, %b {transpose_lhs = true, transpose_rhs = true} : (tensor<5x3xf32>, tensor<4x5xf32>) -> tensor<3x4xf32>
  %1 = kiln.reduce_sum %0 : tensor<3x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// stop_gradient cuts its path: d/dx sum(stop_gradient(x) * x) is
// stop_gradient(x) only. Extra results are passed through before the
// gradients.
// CHECK-LABEL: func.func @stop_grad(
// CHECK-SAME: -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: %[[S:.*]] = kiln.stop_gradient
// CHECK: %[[G:.*]] = kiln.broadcast_to
// CHECK: %[[D:.*]] = kiln.mul %[[G]], %[[S]]
// CHECK-NOT: kiln.add
// CHECK: return %{{.*}}, %{{.*}}, %[[D]]
func.func @stop(%x: tensor<3xf32> {kiln.trainable}, %y: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %s = kiln.stop_gradient %x : tensor<3xf32>
  %0 = kiln.mul %s, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.reduce_sum %0 : tensor<3xf32> -> tensor<f32>
  return %1, %y : tensor<f32>, tensor<3xf32>
}

// No trainable argument (or a first result that is no scalar loss): no
// gradient function, unless wrt=all picks every float argument (never the
// integer labels).
// CHECK-NOT: func.func @untrained_grad
// CHECK-NOT: func.func @not_a_loss_grad
// ALL-LABEL: func.func @untrained_grad
// ALL-SAME: -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)
func.func @untrained(%x: tensor<3xf32>, %y: tensor<3xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  %0 = kiln.mse_loss %x, %y : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func @not_a_loss(%x: tensor<3xf32> {kiln.trainable}) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
