// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Elementwise ops: unary, binary (with NumPy broadcasting), compare, select
// and cast. Default-valued attributes are elided when printed.

// CHECK-LABEL: func.func @unary(
// CHECK-SAME: %[[X:.*]]: tensor<2x3xf32>
func.func @unary(%x: tensor<2x3xf32>) {
  // CHECK: kiln.neg %[[X]] : tensor<2x3xf32>
  %0 = kiln.neg %x : tensor<2x3xf32>
  // CHECK: kiln.abs %[[X]] : tensor<2x3xf32>
  %1 = kiln.abs %x : tensor<2x3xf32>
  // CHECK: kiln.exp %[[X]] : tensor<2x3xf32>
  %2 = kiln.exp %x : tensor<2x3xf32>
  // CHECK: kiln.log %[[X]] : tensor<2x3xf32>
  %3 = kiln.log %x : tensor<2x3xf32>
  // CHECK: kiln.sqrt %[[X]] : tensor<2x3xf32>
  %4 = kiln.sqrt %x : tensor<2x3xf32>
  // CHECK: kiln.rsqrt %[[X]] : tensor<2x3xf32>
  %5 = kiln.rsqrt %x : tensor<2x3xf32>
  // CHECK: kiln.reciprocal %[[X]] : tensor<2x3xf32>
  %6 = kiln.reciprocal %x : tensor<2x3xf32>
  // CHECK: kiln.tanh %[[X]] : tensor<2x3xf32>
  %7 = kiln.tanh %x : tensor<2x3xf32>
  // CHECK: kiln.sigmoid %[[X]] : tensor<2x3xf32>
  %8 = kiln.sigmoid %x : tensor<2x3xf32>
  // CHECK: kiln.relu %[[X]] : tensor<2x3xf32>
  %9 = kiln.relu %x : tensor<2x3xf32>
  // CHECK: kiln.erf %[[X]] : tensor<2x3xf32>
  %10 = kiln.erf %x : tensor<2x3xf32>
  // CHECK: kiln.softplus %[[X]] : tensor<2x3xf32>
  %11 = kiln.softplus %x : tensor<2x3xf32>
  // CHECK: kiln.cos %[[X]] : tensor<2x3xf32>
  %12 = kiln.cos %x : tensor<2x3xf32>
  // CHECK: kiln.sin %[[X]] : tensor<2x3xf32>
  %13 = kiln.sin %x : tensor<2x3xf32>
  return
}

// Unary ops accept every float type, scalars and empty tensors.
// CHECK-LABEL: func.func @unary_types(
func.func @unary_types(%a: tensor<f64>, %b: tensor<4xf16>, %c: tensor<0x5xbf16>) {
  // CHECK: kiln.exp %{{.*}} : tensor<f64>
  %0 = kiln.exp %a : tensor<f64>
  // CHECK: kiln.tanh %{{.*}} : tensor<4xf16>
  %1 = kiln.tanh %b : tensor<4xf16>
  // CHECK: kiln.relu %{{.*}} : tensor<0x5xbf16>
  %2 = kiln.relu %c : tensor<0x5xbf16>
  // CHECK: kiln.cos %{{.*}} : tensor<f64>
  %3 = kiln.cos %a : tensor<f64>
  return
}

// CHECK-LABEL: func.func @unary_with_attrs(
// CHECK-SAME: %[[X:.*]]: tensor<4xf32>
func.func @unary_with_attrs(%x: tensor<4xf32>) {
  // CHECK: kiln.leaky_relu %[[X]] : tensor<4xf32>
  %0 = kiln.leaky_relu %x : tensor<4xf32>
  // CHECK: kiln.leaky_relu %[[X]] {alpha = 2.000000e-01 : f32} : tensor<4xf32>
  %1 = kiln.leaky_relu %x {alpha = 0.2 : f32} : tensor<4xf32>
  // CHECK: kiln.elu %[[X]] : tensor<4xf32>
  %2 = kiln.elu %x : tensor<4xf32>
  // CHECK: kiln.elu %[[X]] {alpha = 5.000000e-01 : f32} : tensor<4xf32>
  %3 = kiln.elu %x {alpha = 0.5 : f32} : tensor<4xf32>
  // CHECK: kiln.selu %[[X]] : tensor<4xf32>
  %4 = kiln.selu %x : tensor<4xf32>
  // CHECK: kiln.selu %[[X]] {alpha = 1.500000e+00 : f32, gamma = 2.000000e+00 : f32} : tensor<4xf32>
  %5 = kiln.selu %x {alpha = 1.5 : f32, gamma = 2.0 : f32} : tensor<4xf32>
  // CHECK: kiln.gelu %[[X]] : tensor<4xf32>
  %6 = kiln.gelu %x : tensor<4xf32>
  // CHECK: kiln.gelu %[[X]] {approximate = true} : tensor<4xf32>
  %7 = kiln.gelu %x {approximate = true} : tensor<4xf32>
  // CHECK: kiln.clip %[[X]] : tensor<4xf32>
  %8 = kiln.clip %x : tensor<4xf32>
  // CHECK: kiln.clip %[[X]] {min = -1.000000e+00 : f32} : tensor<4xf32>
  %9 = kiln.clip %x {min = -1.0 : f32} : tensor<4xf32>
  // CHECK: kiln.clip %[[X]] {max = 6.000000e+00 : f32} : tensor<4xf32>
  %10 = kiln.clip %x {max = 6.0 : f32} : tensor<4xf32>
  // CHECK: kiln.clip %[[X]] {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<4xf32>
  %11 = kiln.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xf32>
  // Equal bounds are allowed.
  // CHECK: kiln.clip %[[X]] {max = 1.000000e+00 : f32, min = 1.000000e+00 : f32} : tensor<4xf32>
  %12 = kiln.clip %x {min = 1.0 : f32, max = 1.0 : f32} : tensor<4xf32>
  return
}

// stop_gradient takes any element type, not only floats.
// CHECK-LABEL: func.func @stop_gradient(
func.func @stop_gradient(%x: tensor<2xf32>, %i: tensor<3x2xi64>, %m: tensor<i1>) {
  // CHECK: kiln.stop_gradient %{{.*}} : tensor<2xf32>
  %0 = kiln.stop_gradient %x : tensor<2xf32>
  // CHECK: kiln.stop_gradient %{{.*}} : tensor<3x2xi64>
  %1 = kiln.stop_gradient %i : tensor<3x2xi64>
  // CHECK: kiln.stop_gradient %{{.*}} : tensor<i1>
  %2 = kiln.stop_gradient %m : tensor<i1>
  return
}

// CHECK-LABEL: func.func @binary(
// CHECK-SAME: %[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<2x3xf32>
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) {
  // CHECK: kiln.add %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.sub %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.sub %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.mul %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = kiln.mul %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.div %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = kiln.div %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.pow %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = kiln.pow %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.max %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = kiln.max %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.min %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = kiln.min %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// The result shape is the NumPy broadcast of the operand shapes.
// CHECK-LABEL: func.func @binary_broadcast(
func.func @binary_broadcast(%a: tensor<2x3xf32>, %row: tensor<3xf32>,
                            %col: tensor<2x1xf32>, %s: tensor<f32>,
                            %p: tensor<4x1x3xf32>) {
  // CHECK: kiln.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = kiln.add %a, %row : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.sub %{{.*}}, %{{.*}} : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.sub %col, %row : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.mul %{{.*}}, %{{.*}} : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = kiln.mul %s, %a : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.div %{{.*}}, %{{.*}} : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  %3 = kiln.div %p, %col : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  // CHECK: kiln.pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %4 = kiln.pow %a, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: kiln.max %{{.*}}, %{{.*}} : (tensor<4x1x3xf32>, tensor<2x3xf32>) -> tensor<4x2x3xf32>
  %5 = kiln.max %p, %a : (tensor<4x1x3xf32>, tensor<2x3xf32>) -> tensor<4x2x3xf32>
  // CHECK: kiln.min %{{.*}}, %{{.*}} : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %6 = kiln.min %s, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return
}

// Arithmetic ops other than pow accept integers.
// CHECK-LABEL: func.func @binary_integer(
func.func @binary_integer(%a: tensor<4xi32>, %b: tensor<1xi32>, %c: tensor<4xi64>) {
  // CHECK: kiln.add %{{.*}}, %{{.*}} : (tensor<4xi32>, tensor<1xi32>) -> tensor<4xi32>
  %0 = kiln.add %a, %b : (tensor<4xi32>, tensor<1xi32>) -> tensor<4xi32>
  // CHECK: kiln.div %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = kiln.div %c, %c : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  // CHECK: kiln.max %{{.*}}, %{{.*}} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = kiln.max %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return
}

// Comparisons broadcast like binary ops and return an i1 mask.
// CHECK-LABEL: func.func @compare(
// CHECK-SAME: %[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<3xf32>, %[[I:[^:]*]]: tensor<5xi64>
func.func @compare(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<5xi64>) {
  // CHECK: kiln.eq %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %0 = kiln.eq %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: kiln.lt %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %1 = kiln.lt %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: kiln.le %[[A]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %2 = kiln.le %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: kiln.gt %[[B]], %[[A]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %3 = kiln.gt %b, %a : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: kiln.ge %[[I]], %[[I]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %4 = kiln.ge %i, %i : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  return
}

// select broadcasts all three operands; the condition is an i1 mask.
// CHECK-LABEL: func.func @select(
// CHECK-SAME: %[[C:[^:]*]]: tensor<2x3xi1>, %[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<f32>, %[[R:[^:]*]]: tensor<2x1xi1>
func.func @select(%c: tensor<2x3xi1>, %a: tensor<2x3xf32>, %b: tensor<f32>, %r: tensor<2x1xi1>, %i: tensor<3xi64>) {
  // CHECK: kiln.select %[[C]], %[[A]], %[[A]] : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = kiln.select %c, %a, %a : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.select %[[C]], %[[A]], %[[B]] : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = kiln.select %c, %a, %b : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // The condition alone can widen the result.
  // CHECK: kiln.select %[[R]], %[[B]], %[[B]] : (tensor<2x1xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1xf32>
  %2 = kiln.select %r, %b, %b : (tensor<2x1xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1xf32>
  // CHECK: kiln.select %[[R]], %{{.*}}, %{{.*}} : (tensor<2x1xi1>, tensor<3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %3 = kiln.select %r, %i, %i : (tensor<2x1xi1>, tensor<3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  return
}

// CHECK-LABEL: func.func @cast(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>, %[[I:[^:]*]]: tensor<2x3xi64>
func.func @cast(%x: tensor<2x3xf32>, %i: tensor<2x3xi64>) {
  // CHECK: kiln.cast %[[X]] : tensor<2x3xf32> -> tensor<2x3xi32>
  %0 = kiln.cast %x : tensor<2x3xf32> -> tensor<2x3xi32>
  // CHECK: kiln.cast %[[X]] : tensor<2x3xf32> -> tensor<2x3xbf16>
  %1 = kiln.cast %x : tensor<2x3xf32> -> tensor<2x3xbf16>
  // CHECK: kiln.cast %[[I]] : tensor<2x3xi64> -> tensor<2x3xf32>
  %2 = kiln.cast %i : tensor<2x3xi64> -> tensor<2x3xf32>
  // CHECK: kiln.cast %[[I]] : tensor<2x3xi64> -> tensor<2x3xi1>
  %3 = kiln.cast %i : tensor<2x3xi64> -> tensor<2x3xi1>
  // Casting to the same type is allowed (and folds away).
  // CHECK: kiln.cast %[[X]] : tensor<2x3xf32> -> tensor<2x3xf32>
  %4 = kiln.cast %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}
