// RUN: kiln-opt %s --kiln-vectorize-pooling --split-input-file | FileCheck %s

// 2x2 max pooling, stride 2, on 28x28: loops over (n, c, oh) and 8 outputs
// per step. Each of the window's two input rows is one contiguous
// 16-lane read, split by shuffles into its even and odd columns; the four
// window offsets are combined with maximumf. The 14 outputs of a row are
// one full step (in bounds) and one peeled, masked step of 6 at column 8.
// CHECK-LABEL: func.func @max_pool_2x2(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x28x28xf32>
// CHECK-NOT: kiln.max_pool2d
// CHECK-DAG: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG: %[[C16:.+]] = arith.constant 16 : index
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x3x14x14xf32>
// CHECK: scf.for %[[N:.+]] = {{.+}} iter_args(%{{.+}} = %[[INIT]])
// CHECK: scf.for %[[C:[^ ]+]] =
// CHECK: scf.for %[[OH:[^ ]+]] =
// CHECK: scf.for %[[OW:[^ ]+]] = {{.+}} step %[[C8]]
// CHECK: %[[R0:.+]] = vector.transfer_read %[[X]][%[[N]], %[[C]], %{{.+}}, %{{.+}}], %[[NEGINF]] {in_bounds = [true]} : tensor<2x3x28x28xf32>, vector<16xf32>
// CHECK: %[[E0:.+]] = vector.shuffle %[[R0]], %[[R0]] [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: %[[O0:.+]] = vector.shuffle %[[R0]], %[[R0]] [1, 3, 5, 7, 9, 11, 13, 15]
// CHECK: %[[M0:.+]] = arith.maximumf %[[E0]], %[[O0]] : vector<8xf32>
// CHECK: %[[R1:.+]] = vector.transfer_read %[[X]]{{.+}} {in_bounds = [true]} : tensor<2x3x28x28xf32>, vector<16xf32>
// CHECK: %[[E1:.+]] = vector.shuffle %[[R1]], %[[R1]] [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: %[[O1:.+]] = vector.shuffle %[[R1]], %[[R1]] [1, 3, 5, 7, 9, 11, 13, 15]
// CHECK: %[[M1:.+]] = arith.maximumf %[[M0]], %[[E1]] : vector<8xf32>
// CHECK: %[[M2:.+]] = arith.maximumf %[[M1]], %[[O1]] : vector<8xf32>
// CHECK: vector.transfer_write %[[M2]], %{{.+}}[%[[N]], %[[C]], %[[OH]], %[[OW]]] {in_bounds = [true]} : vector<8xf32>, tensor<2x3x14x14xf32>
// The ragged step: no in_bounds, so out-of-bounds lanes are masked.
// CHECK: vector.transfer_read %[[X]][%[[N]], %[[C]], %{{.+}}, %[[C16]]], %[[NEGINF]] : tensor<2x3x28x28xf32>, vector<16xf32>
// CHECK: vector.transfer_write %{{.+}}, %{{.+}}[%[[N]], %[[C]], %[[OH]], %[[C8]]] : vector<8xf32>, tensor<2x3x14x14xf32>
func.func @max_pool_2x2(%x: tensor<2x3x28x28xf32>) -> tensor<2x3x14x14xf32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x3x28x28xf32> -> tensor<2x3x14x14xf32>
  return %0 : tensor<2x3x14x14xf32>
}

// -----

// Overlapping or padded windows are left to kiln-lower-to-linalg.
// CHECK-LABEL: func.func @max_pool_overlap(
// CHECK: kiln.max_pool2d %{{.+}} {kernel_size = array<i64: 2, 2>} : tensor<1x1x6x6xf32> -> tensor<1x1x5x5xf32>
// CHECK: kiln.max_pool2d {{.+}} padding = array<i64: 1, 1, 1, 1>
// CHECK-NOT: vector.
func.func @max_pool_overlap(%x: tensor<1x1x6x6xf32>) -> (tensor<1x1x5x5xf32>, tensor<1x1x4x4xf32>) {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 1, 1>} : tensor<1x1x6x6xf32> -> tensor<1x1x5x5xf32>
  %1 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : tensor<1x1x6x6xf32> -> tensor<1x1x4x4xf32>
  return %0, %1 : tensor<1x1x5x5xf32>, tensor<1x1x4x4xf32>
}

// -----

// The gradient of 2x2 windows over a 4x6 input (3 windows per row: one
// masked step). Per step: the pooled maximum and the gradient (8 lanes),
// the two input rows split into the four window offsets; in row-major
// window order each offset equal to the maximum takes what gradient is
// left and leaves none for later ties. Each input row is written back as
// the interleave of its two offsets.
// CHECK-LABEL: func.func @max_pool_grad(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x4x6xf32>, %[[Y:[^:]+]]: tensor<1x2x2x3xf32>, %[[G:[^:]+]]: tensor<1x2x2x3xf32>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<1x2x4x6xf32>
// CHECK: %[[YV:.+]] = vector.transfer_read %[[Y]]{{.+}} : tensor<1x2x2x3xf32>, vector<8xf32>
// CHECK: %[[GV:.+]] = vector.transfer_read %[[G]]{{.+}} : tensor<1x2x2x3xf32>, vector<8xf32>
// CHECK: %[[R0:.+]] = vector.transfer_read %[[X]]{{.+}} : tensor<1x2x4x6xf32>, vector<16xf32>
// CHECK: %[[X00:.+]] = vector.shuffle %[[R0]], %[[R0]] [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: %[[X01:.+]] = vector.shuffle %[[R0]], %[[R0]] [1, 3, 5, 7, 9, 11, 13, 15]
// CHECK: %[[H00:.+]] = arith.cmpf oeq, %[[X00]], %[[YV]] : vector<8xf32>
// CHECK: %[[P00:.+]] = arith.select %[[H00]], %[[GV]], %[[ZERO]]
// CHECK: %[[L00:.+]] = arith.select %[[H00]], %[[ZERO]], %[[GV]]
// CHECK: %[[H01:.+]] = arith.cmpf oeq, %[[X01]], %[[YV]]
// CHECK: %[[P01:.+]] = arith.select %[[H01]], %[[L00]], %[[ZERO]]
// CHECK: %[[L01:.+]] = arith.select %[[H01]], %[[ZERO]], %[[L00]]
// CHECK: %[[R1:.+]] = vector.transfer_read %[[X]]{{.+}} : tensor<1x2x4x6xf32>, vector<16xf32>
// CHECK: %[[X10:.+]] = vector.shuffle %[[R1]], %[[R1]] [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: %[[X11:.+]] = vector.shuffle %[[R1]], %[[R1]] [1, 3, 5, 7, 9, 11, 13, 15]
// CHECK: %[[H10:.+]] = arith.cmpf oeq, %[[X10]], %[[YV]]
// CHECK: %[[P10:.+]] = arith.select %[[H10]], %[[L01]], %[[ZERO]]
// CHECK: %[[L10:.+]] = arith.select %[[H10]], %[[ZERO]], %[[L01]]
// CHECK: %[[H11:.+]] = arith.cmpf oeq, %[[X11]], %[[YV]]
// CHECK: %[[P11:.+]] = arith.select %[[H11]], %[[L10]], %[[ZERO]]
// CHECK-NOT: arith.select %[[H11]], %[[ZERO]]
// CHECK: %[[CAT0:.+]] = vector.shuffle %[[P00]], %[[P01]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// CHECK: %[[ROW0:.+]] = vector.shuffle %[[CAT0]], %[[CAT0]] [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15]
// CHECK: %[[W0:.+]] = vector.transfer_write %[[ROW0]], %{{.+}} : vector<16xf32>, tensor<1x2x4x6xf32>
// CHECK: %[[CAT1:.+]] = vector.shuffle %[[P10]], %[[P11]]
// CHECK: %[[ROW1:.+]] = vector.shuffle %[[CAT1]], %[[CAT1]] [0, 8, 1, 9
// CHECK: vector.transfer_write %[[ROW1]], %[[W0]]
func.func @max_pool_grad(%x: tensor<1x2x4x6xf32>, %y: tensor<1x2x2x3xf32>, %g: tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = kiln.max_pool2d_grad %x, %y, %g {kernel_size = array<i64: 2, 2>} : (tensor<1x2x4x6xf32>, tensor<1x2x2x3xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}
