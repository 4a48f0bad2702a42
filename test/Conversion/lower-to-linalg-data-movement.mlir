// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s

// Constants and data movement: kiln.constant -> arith.constant, reshape ->
// collapse/expand_shape, transpose -> linalg.transpose (a copy generic when
// the innermost dim stays), concat ->
// insert_slice chain, slice -> extract_slice, gather and the reflect/edge
// pads -> a linalg.generic that computes its read coordinate, constant pad
// -> tensor.pad.

// CHECK-LABEL: func.func @constant(
// CHECK: %[[A:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[B:.+]] = arith.constant dense<[0, -1, 7]> : tensor<3xi64>
// CHECK: return %[[A]], %[[B]]
func.func @constant() -> (tensor<2x2xf32>, tensor<3xi64>) {
  %0 = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = kiln.constant dense<[0, -1, 7]> : tensor<3xi64>
  return %0, %1 : tensor<2x2xf32>, tensor<3xi64>
}

// -----

// A reshape that merges or splits adjacent dims is one collapse_shape or
// expand_shape; any other goes through a 1-D tensor; a rank-0 input
// expands with the empty reassociation.
// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>, %[[S:[^:]+]]: tensor<i64>
// CHECK: %[[R0:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[R1:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [2, 3, 2, 2] : tensor<2x3x4xf32> into tensor<2x3x2x2xf32>
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: %[[R2:.+]] = tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK: %[[S1:.+]] = tensor.expand_shape %[[S]] [] output_shape [1] : tensor<i64> into tensor<1xi64>
// CHECK: %[[R3:.+]] = tensor.expand_shape %[[S1]] {{\[}}[0, 1]] output_shape [1, 1] : tensor<1xi64> into tensor<1x1xi64>
// CHECK: return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @reshape(%x: tensor<2x3x4xf32>, %s: tensor<i64>) -> (tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>, tensor<1x1xi64>) {
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<2x3x2x2xf32>
  %2 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<4x6xf32>
  %3 = kiln.reshape %s : tensor<i64> -> tensor<1x1xi64>
  return %0, %1, %2, %3 : tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>, tensor<1x1xi64>
}

// -----

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// CHECK: return %[[T]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// A transpose that keeps the innermost dim (a conv gradient's [N, C] swap)
// is a copy generic, which fuses and vectorizes along whole rows.
// CHECK-DAG: #[[$SRC:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-DAG: #[[$DST:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @transpose_outer(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4x5xf32>
// CHECK-NOT: linalg.transpose
// CHECK: %[[E:.+]] = tensor.empty() : tensor<3x2x4x5xf32>
// CHECK: %[[T:.+]] = linalg.generic {indexing_maps = [#[[$SRC]], #[[$DST]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<2x3x4x5xf32>) outs(%[[E]] : tensor<3x2x4x5xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// CHECK: return %[[T]]
func.func @transpose_outer(%x: tensor<2x3x4x5xf32>) -> tensor<3x2x4x5xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0, 2, 3>} : tensor<2x3x4x5xf32> -> tensor<3x2x4x5xf32>
  return %0 : tensor<3x2x4x5xf32>
}

// -----

// concat along axis -1 (= 1): each input goes to its offset along the axis.
// CHECK-LABEL: func.func @concat(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3xf32>, %[[B:[^:]+]]: tensor<2x5xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x13xf32>
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x13xf32>
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x13xf32>
// CHECK: %[[I2:.+]] = tensor.insert_slice %[[B]] into %[[I1]][0, 8] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x13xf32>
// CHECK: return %[[I2]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x13xf32> {
  %0 = kiln.concat %a, %b, %b {axis = -1} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x13xf32>
  return %0 : tensor<2x13xf32>
}

// -----

// Strided slice: offsets are the starts, sizes the result shape, strides
// the steps.
// CHECK-LABEL: func.func @slice(
// CHECK-SAME: %[[X:[^:]+]]: tensor<5x8xf32>
// CHECK: %[[S:.+]] = tensor.extract_slice %[[X]][0, 1] [3, 3] [2, 3] : tensor<5x8xf32> to tensor<3x3xf32>
// CHECK: return %[[S]]
func.func @slice(%x: tensor<5x8xf32>) -> tensor<3x3xf32> {
  %0 = kiln.slice %x {starts = array<i64: 0, 1>, limits = array<i64: 5, 8>, steps = array<i64: 2, 3>} : tensor<5x8xf32> -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// gather along axis 0 with [2, 3] indices: the result's loops (i, j, k)
// read the index at (i, j); the index is wrapped once if negative (+10),
// clamped to [0, 9], and the data read with tensor.extract at (index, k).
// CHECK-DAG: #[[$IDX:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %[[D:[^:]+]]: tensor<10x4xf32>, %[[I:[^:]+]]: tensor<2x3xi64>
// CHECK: linalg.generic {indexing_maps = [#[[$IDX]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[I]] : tensor<2x3xi64>) outs(%{{.+}} : tensor<2x3x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: i64, %{{.+}}: f32):
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK-NEXT: %[[N:.+]] = arith.constant 10 : i64
// CHECK-NEXT: %[[NEG:.+]] = arith.cmpi slt, %[[IN]], %[[ZERO]] : i64
// CHECK-NEXT: %[[W:.+]] = arith.addi %[[IN]], %[[N]] : i64
// CHECK-NEXT: %[[SEL:.+]] = arith.select %[[NEG]], %[[W]], %[[IN]] : i64
// CHECK-NEXT: %[[LO:.+]] = arith.maxsi %[[SEL]], %[[ZERO]] : i64
// CHECK-NEXT: %[[LAST:.+]] = arith.constant 9 : i64
// CHECK-NEXT: %[[CL:.+]] = arith.minsi %[[LO]], %[[LAST]] : i64
// CHECK-NEXT: %[[ROW:.+]] = arith.index_cast %[[CL]] : i64 to index
// CHECK-NEXT: %[[COL:.+]] = linalg.index 2 : index
// CHECK-NEXT: %[[V:.+]] = tensor.extract %[[D]][%[[ROW]], %[[COL]]] : tensor<10x4xf32>
// CHECK-NEXT: linalg.yield %[[V]] : f32
func.func @gather(%d: tensor<10x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %0 = kiln.gather %d, %i : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// gather along axis 1: the leading data dim comes first in the coordinate;
// the index map reads (d1, d2).
// CHECK-DAG: #[[$IDX:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @gather_axis1(
// CHECK-SAME: %[[D:[^:]+]]: tensor<10x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$IDX]], #{{.+}}], {{.+}} outs(%{{.+}} : tensor<10x2x3xf32>)
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: arith.constant 4 : i64
// CHECK: arith.constant 3 : i64
// CHECK: %[[COL:.+]] = arith.index_cast
// CHECK: tensor.extract %[[D]][%[[ROW]], %[[COL]]] : tensor<10x4xf32>
func.func @gather_axis1(%d: tensor<10x4xf32>, %i: tensor<2x3xi64>) -> tensor<10x2x3xf32> {
  %0 = kiln.gather %d, %i {axis = 1} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<10x2x3xf32>
  return %0 : tensor<10x2x3xf32>
}

// -----

// A rank-0 i32 index drops the dim; the index arithmetic stays in i32.
// CHECK-DAG: #[[$SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @gather_scalar(
// CHECK: linalg.generic {indexing_maps = [#[[$SCALAR]], #[[$ID]]], iterator_types = ["parallel"]} ins(%{{.+}} : tensor<i32>) outs(%{{.+}} : tensor<10xf32>)
// CHECK: arith.cmpi slt, %{{.+}}, %{{.+}} : i32
// CHECK: arith.index_cast %{{.+}} : i32 to index
func.func @gather_scalar(%d: tensor<10x4xf32>, %j: tensor<i32>) -> tensor<10xf32> {
  %0 = kiln.gather %d, %j {axis = -1} : (tensor<10x4xf32>, tensor<i32>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// -----

// Constant padding is tensor.pad yielding the value, converted to the
// element type (2.0 -> 2 : i32).
// CHECK-LABEL: func.func @pad_constant(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[I:[^:]+]]: tensor<4xi32>
// CHECK: %[[V:.+]] = arith.constant -1.000000e+00 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[V]] : f32
// CHECK: } : tensor<2x3xf32> to tensor<3x5xf32>
// CHECK: %[[VI:.+]] = arith.constant 2 : i32
// CHECK: tensor.pad %[[I]] low[0] high[3]
// CHECK: tensor.yield %[[VI]] : i32
// CHECK: } : tensor<4xi32> to tensor<7xi32>
func.func @pad_constant(%x: tensor<2x3xf32>, %i: tensor<4xi32>) -> (tensor<3x5xf32>, tensor<7xi32>) {
  %0 = kiln.pad %x {low = array<i64: 1, 0>, high = array<i64: 0, 2>, value = -1.0} : tensor<2x3xf32> -> tensor<3x5xf32>
  %1 = kiln.pad %i {low = array<i64: 0>, high = array<i64: 3>, value = 2.0} : tensor<4xi32> -> tensor<7xi32>
  return %0, %1 : tensor<3x5xf32>, tensor<7xi32>
}

// -----

// Reflect padding: a generic with only an output; for each dim i = idx -
// low, then -i before the start and 2 (size - 1) - i past the end, then a
// clamp to [0, size - 1], and a tensor.extract. Dim 0: low 1, size 2; dim
// 1: low 2, size 3 (so 2 (size - 1) = 4).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @pad_reflect(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[$ID]]], iterator_types = ["parallel", "parallel"]} outs(%{{.+}} : tensor<3x7xf32>)
// CHECK: %[[I0:.+]] = linalg.index 0 : index
// CHECK-NEXT: %[[L0:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[A0:.+]] = arith.subi %[[I0]], %[[L0]] : index
// CHECK: %[[B0:.+]] = arith.cmpi slt, %[[A0]], %{{.+}} : index
// CHECK: %[[M0:.+]] = arith.subi %{{.+}}, %[[A0]] : index
// CHECK-NEXT: %[[S0:.+]] = arith.select %[[B0]], %[[M0]], %[[A0]] : index
// CHECK-NEXT: %[[SZ0:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[P0:.+]] = arith.cmpi sge, %[[S0]], %[[SZ0]] : index
// CHECK-NEXT: %[[T0:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[R0:.+]] = arith.subi %[[T0]], %[[S0]] : index
// CHECK-NEXT: %[[U0:.+]] = arith.select %[[P0]], %[[R0]], %[[S0]] : index
// CHECK: arith.maxsi %[[U0]]
// CHECK: %[[C0:.+]] = arith.minsi
// CHECK: %[[I1:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[L1:.+]] = arith.constant 2 : index
// CHECK-NEXT: arith.subi %[[I1]], %[[L1]] : index
// CHECK: %[[SZ1:.+]] = arith.constant 3 : index
// CHECK-NEXT: arith.cmpi sge, %{{.+}}, %[[SZ1]] : index
// CHECK-NEXT: %[[T1:.+]] = arith.constant 4 : index
// CHECK-NEXT: arith.subi %[[T1]], %{{.+}} : index
// CHECK: %[[C1:.+]] = arith.minsi
// CHECK-NEXT: %[[V:.+]] = tensor.extract %[[X]][%[[C0]], %[[C1]]] : tensor<2x3xf32>
// CHECK-NEXT: linalg.yield %[[V]] : f32
func.func @pad_reflect(%x: tensor<2x3xf32>) -> tensor<3x7xf32> {
  %0 = kiln.pad %x {low = array<i64: 1, 2>, high = array<i64: 0, 2>, mode = #kiln.pad_mode<reflect>} : tensor<2x3xf32> -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// Edge padding only clamps (idx - low) to [0, size - 1]: no reflection.
// CHECK-LABEL: func.func @pad_edge(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<7x7xf32>)
// CHECK-NOT: arith.cmpi
// CHECK: %[[I0:.+]] = linalg.index 0 : index
// CHECK: %[[MAX0:.+]] = arith.maxsi
// CHECK-NEXT: %[[LAST0:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[C0:.+]] = arith.minsi %[[MAX0]], %[[LAST0]] : index
// CHECK-NEXT: %[[I1:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[L1:.+]] = arith.constant 4 : index
// CHECK-NEXT: arith.subi %[[I1]], %[[L1]] : index
// CHECK: %[[MAX1:.+]] = arith.maxsi
// CHECK-NEXT: %[[LAST1:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[C1:.+]] = arith.minsi %[[MAX1]], %[[LAST1]] : index
// CHECK-NEXT: tensor.extract %[[X]][%[[C0]], %[[C1]]] : tensor<2x3xf32>
// CHECK-NOT: arith.cmpi
// CHECK: return
func.func @pad_edge(%x: tensor<2x3xf32>) -> tensor<7x7xf32> {
  %0 = kiln.pad %x {low = array<i64: 0, 4>, high = array<i64: 5, 0>, mode = #kiln.pad_mode<edge>} : tensor<2x3xf32> -> tensor<7x7xf32>
  return %0 : tensor<7x7xf32>
}
