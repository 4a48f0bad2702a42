// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// batch_norm_inference, batch_norm_training, layer_norm and dropout.

// CHECK-LABEL: func.func @batch_norm_inference(
// CHECK-SAME: %[[X:[^:]*]]: tensor<8x3x5x5xf32>, %[[C:[^:]*]]: tensor<3xf32>
func.func @batch_norm_inference(%x: tensor<8x3x5x5xf32>, %c: tensor<3xf32>, %y: tensor<4x6xf64>, %d: tensor<6xf64>) {
  // CHECK: kiln.batch_norm_inference %[[X]], %[[C]], %[[C]], %[[C]], %[[C]] : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
  %0 = kiln.batch_norm_inference %x, %c, %c, %c, %c : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
  // CHECK: kiln.batch_norm_inference %[[X]], %[[C]], %[[C]], %[[C]], %[[C]] {epsilon = 1.000000e-03 : f32} : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
  %1 = kiln.batch_norm_inference %x, %c, %c, %c, %c {epsilon = 1.0e-3 : f32} : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
  // [N, C] input, as after a dense layer.
  // CHECK: kiln.batch_norm_inference %{{.*}} : (tensor<4x6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>) -> tensor<4x6xf64>
  %2 = kiln.batch_norm_inference %y, %d, %d, %d, %d : (tensor<4x6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>) -> tensor<4x6xf64>
  return
}

// Returns the normalized input and the batch mean and variance, both [C].
// CHECK-LABEL: func.func @batch_norm_training(
// CHECK-SAME: %[[X:[^:]*]]: tensor<8x3x5x5xf32>, %[[C:[^:]*]]: tensor<3xf32>
func.func @batch_norm_training(%x: tensor<8x3x5x5xf32>, %c: tensor<3xf32>) {
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = kiln.batch_norm_training %[[X]], %[[C]], %[[C]] : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>)
  %0:3 = kiln.batch_norm_training %x, %c, %c : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>)
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = kiln.batch_norm_training %[[X]], %[[C]], %[[C]] {epsilon = 1.000000e-01 : f32} : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>)
  %1:3 = kiln.batch_norm_training %x, %c, %c {epsilon = 0.1 : f32} : (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<8x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>)
  return
}

// scale and bias have the normalized shape input.shape[axis:].
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x5x8xf32>, %[[S:[^:]*]]: tensor<8xf32>, %[[T:[^:]*]]: tensor<5x8xf32>
func.func @layer_norm(%x: tensor<2x5x8xf32>, %s: tensor<8xf32>, %t: tensor<5x8xf32>) {
  // CHECK: kiln.layer_norm %[[X]], %[[S]], %[[S]] : (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  %0 = kiln.layer_norm %x, %s, %s : (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  // An epsilon equal to the default is elided.
  // CHECK: kiln.layer_norm %[[X]], %[[T]], %[[T]] {axis = 1 : i64} : (tensor<2x5x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x8xf32>
  %1 = kiln.layer_norm %x, %t, %t {axis = 1, epsilon = 1.0e-5 : f32} : (tensor<2x5x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x8xf32>
  // CHECK: kiln.layer_norm %[[X]], %[[T]], %[[T]] {axis = -2 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<2x5x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x8xf32>
  %2 = kiln.layer_norm %x, %t, %t {axis = -2, epsilon = 1.0e-6 : f32} : (tensor<2x5x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x8xf32>
  return
}

// dropout returns the output and the i1 keep mask; the seed is an i64 scalar.
// CHECK-LABEL: func.func @dropout(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x16xf32>, %[[SEED:[^:]*]]: tensor<i64>
func.func @dropout(%x: tensor<4x16xf32>, %seed: tensor<i64>) {
  // CHECK: %{{.*}}, %{{.*}} = kiln.dropout %[[X]], %[[SEED]] : (tensor<4x16xf32>, tensor<i64>) -> (tensor<4x16xf32>, tensor<4x16xi1>)
  %0:2 = kiln.dropout %x, %seed : (tensor<4x16xf32>, tensor<i64>) -> (tensor<4x16xf32>, tensor<4x16xi1>)
  // CHECK: %{{.*}}, %{{.*}} = kiln.dropout %[[X]], %[[SEED]] {ratio = 2.000000e-01 : f32, training = true} : (tensor<4x16xf32>, tensor<i64>) -> (tensor<4x16xf32>, tensor<4x16xi1>)
  %1:2 = kiln.dropout %x, %seed {ratio = 0.2 : f32, training = true} : (tensor<4x16xf32>, tensor<i64>) -> (tensor<4x16xf32>, tensor<4x16xi1>)
  // A ratio of 0 keeps everything.
  // CHECK: %{{.*}}, %{{.*}} = kiln.dropout %[[X]], %[[SEED]] {ratio = 0.000000e+00 : f32, training = true} : (tensor<4x16xf32>, tensor<i64>) -> (tensor<4x16xf32>, tensor<4x16xi1>)
  %2:2 = kiln.dropout %x, %seed {ratio = 0.0 : f32, training = true} : (tensor<4x16xf32>, tensor<i64>) -> (tensor<4x16xf32>, tensor<4x16xi1>)
  return
}
