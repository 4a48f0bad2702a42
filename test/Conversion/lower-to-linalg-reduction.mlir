// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s

// Reductions are one linalg.generic whose output map drops the reduced dims
// (those loops are "reduction"), into an init filled with the identity (0
// for sum, -inf for max, +inf for min); keepdims is a tensor.expand_shape
// of the result.

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$DROP1:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @reduce_sum(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$DROP1]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[IN]], %[[ACC]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @reduce_sum(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// max over axes {2, -3} (= {0, 2}) with keepdims: reduce to [3], then
// expand to [1, 3, 1].
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$MID:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @reduce_max_keepdims(
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<3xf32>)
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$MID]]], iterator_types = ["reduction", "parallel", "reduction"]} ins(%{{.+}} : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3xf32>)
// CHECK: arith.maximumf
// CHECK: %[[E:.+]] = tensor.expand_shape %[[R]] {{\[}}[0, 1, 2]] output_shape [1, 3, 1] : tensor<3xf32> into tensor<1x3x1xf32>
// CHECK: return %[[E]]
func.func @reduce_max_keepdims(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %0 = kiln.reduce_max %x {axes = array<i64: 2, -3>, keepdims = true} : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// -----

// No axes: every loop is a reduction into a rank-0 tensor.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ALL:.+]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-LABEL: func.func @reduce_min_all(
// CHECK: %[[INF:.+]] = arith.constant 0x7F800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[INF]] : f32) outs(%{{.+}} : tensor<f32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ALL]]], iterator_types = ["reduction", "reduction", "reduction"]} ins(%{{.+}} : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<f32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.minimumf %[[IN]], %[[ACC]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
func.func @reduce_min_all(%x: tensor<2x3x4xf32>) -> tensor<f32> {
  %0 = kiln.reduce_min %x : tensor<2x3x4xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// keepdims of a full reduction: the rank-0 sum expands to [1, 1, 1].
// CHECK-LABEL: func.func @reduce_sum_all_keepdims(
// CHECK: %[[R:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<f32>)
// CHECK: tensor.expand_shape
// CHECK: %[[E:.+]] = tensor.expand_shape {{.+}} into tensor<1x1x1xf32>
// CHECK-NEXT: return %[[E]] : tensor<1x1x1xf32>
func.func @reduce_sum_all_keepdims(%x: tensor<2x3x4xf32>) -> tensor<1x1x1xf32> {
  %0 = kiln.reduce_sum %x {keepdims = true} : tensor<2x3x4xf32> -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

// argmax carries the running maximum and its index as two outputs of one
// generic: a strict ogt keeps the first of equal maxima; the index is
// linalg.index of the reduced dim. Only the index result is used; keepdims
// (the default) expands [3, 4] to [1, 3, 4].
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$DROP0:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @argmax(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[VALS:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<3x4xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK: %[[IDXS:.+]] = linalg.fill ins(%[[ZERO]] : i64) outs(%{{.+}} : tensor<3x4xi64>)
// CHECK: %[[R:.+]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$DROP0]], #[[$DROP0]]], iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[VALS]], %[[IDXS]] : tensor<3x4xf32>, tensor<3x4xi64>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[BEST:.+]]: f32, %[[BESTI:.+]]: i64):
// CHECK-NEXT: %[[GT:.+]] = arith.cmpf ogt, %[[IN]], %[[BEST]] : f32
// CHECK-NEXT: %[[I:.+]] = linalg.index 0 : index
// CHECK-NEXT: %[[I64:.+]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT: %[[NV:.+]] = arith.select %[[GT]], %[[IN]], %[[BEST]] : f32
// CHECK-NEXT: %[[NI:.+]] = arith.select %[[GT]], %[[I64]], %[[BESTI]] : i64
// CHECK-NEXT: linalg.yield %[[NV]], %[[NI]] : f32, i64
// CHECK: %[[E:.+]] = tensor.expand_shape %[[R]]#1 {{\[}}[0, 1], [2]] output_shape [1, 3, 4] : tensor<3x4xi64> into tensor<1x3x4xi64>
// CHECK: return %[[E]]
func.func @argmax(%x: tensor<2x3x4xf32>) -> tensor<1x3x4xi64> {
  %0 = kiln.argmax %x : tensor<2x3x4xf32> -> tensor<1x3x4xi64>
  return %0 : tensor<1x3x4xi64>
}

// -----

// select_last_index uses oge so that a later equal maximum wins; axis 2
// without keepdims needs no reshape.
// CHECK-DAG: #[[$DROP2:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @argmax_last(
// CHECK: %[[R:.+]]:2 = linalg.generic {indexing_maps = [#{{.+}}, #[[$DROP2]], #[[$DROP2]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.cmpf oge
// CHECK: linalg.index 2 : index
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[R]]#1 : tensor<2x3xi64>
func.func @argmax_last(%x: tensor<2x3x4xf32>) -> tensor<2x3xi64> {
  %0 = kiln.argmax %x {axis = 2, keepdims = false, select_last_index = true} : tensor<2x3x4xf32> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// Integer argmax: the running maximum starts at the type's minimum and
// compares signed.
// CHECK-LABEL: func.func @argmax_int(
// CHECK: %[[MIN:.+]] = arith.constant -2147483648 : i32
// CHECK: linalg.fill ins(%[[MIN]] : i32) outs(%{{.+}} : tensor<i32>)
// CHECK: linalg.generic {{.+}} iterator_types = ["reduction"]} ins(%{{.+}} : tensor<5xi32>) outs(%{{.+}}, %{{.+}} : tensor<i32>, tensor<i64>)
// CHECK: arith.cmpi sgt, %{{.+}}, %{{.+}} : i32
func.func @argmax_int(%x: tensor<5xi32>) -> tensor<i64> {
  %0 = kiln.argmax %x {keepdims = false} : tensor<5xi32> -> tensor<i64>
  return %0 : tensor<i64>
}
