// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s

// By default a groups = 1 kiln.conv2d is an explicit GEMM, so that the
// packed matmul schedule applies (test/Conversion/lower-to-linalg-conv.mlir
// shows the linalg named conv ops, conv-im2col=false).

// A small kernel: one copy per kernel offset (kh, kw) of the padded input's
// strided [N, C, OH, OW] window into the [C, KH, KW, N, OH, OW] patches,
// with N and C swapped; the [F, C*KH*KW] filter times the patches; the
// [F, N, OH, OW] product transposed back to NCHW with the bias added.
// CHECK-DAG: #[[$SWAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$BIAS:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @per_offset(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x2x2xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 0, 1] high[0, 0, 0, 1]
// CHECK: %[[P0:.+]] = tensor.empty() : tensor<3x2x2x2x4x5xf32>
// CHECK: %[[WIN0:.+]] = tensor.extract_slice %[[PAD]][0, 0, 0, 0] [2, 3, 4, 5] [1, 1, 2, 2]
// CHECK: %[[SLOT0:.+]] = tensor.extract_slice %[[P0]][0, 0, 0, 0, 0, 0] [3, 1, 1, 2, 4, 5] [1, 1, 1, 1, 1, 1] : tensor<3x2x2x2x4x5xf32> to tensor<3x2x4x5xf32>
// CHECK: %[[C0:.+]] = linalg.generic {indexing_maps = [#[[$SWAP]], #[[$ID]]], {{.*}}} ins(%[[WIN0]] : tensor<2x3x4x5xf32>) outs(%[[SLOT0]] : tensor<3x2x4x5xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// CHECK: %[[P1:.+]] = tensor.insert_slice %[[C0]] into %[[P0]][0, 0, 0, 0, 0, 0] [3, 1, 1, 2, 4, 5]
// Offset (0, 1) starts one column right; (1, 0) one row down.
// CHECK: tensor.extract_slice %[[PAD]][0, 0, 0, 1] [2, 3, 4, 5] [1, 1, 2, 2]
// CHECK: tensor.insert_slice %{{.+}} into %[[P1]][0, 0, 1, 0, 0, 0]
// CHECK: tensor.extract_slice %[[PAD]][0, 0, 1, 0] [2, 3, 4, 5] [1, 1, 2, 2]
// CHECK: tensor.extract_slice %[[PAD]][0, 0, 1, 1] [2, 3, 4, 5] [1, 1, 2, 2]
// CHECK: %[[P4:.+]] = tensor.insert_slice %{{.+}}[0, 1, 1, 0, 0, 0]
// CHECK: %[[LHS:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<4x3x2x2xf32> into tensor<4x12xf32>
// CHECK: %[[RHS:.+]] = tensor.collapse_shape %[[P4]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<3x2x2x2x4x5xf32> into tensor<12x40xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[LHS]], %[[RHS]] : tensor<4x12xf32>, tensor<12x40xf32>) outs(%{{.+}} : tensor<4x40xf32>)
// CHECK: %[[FN:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0], [1, 2, 3]] output_shape [4, 2, 4, 5]
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$SWAP]], #[[$BIAS]], #[[$ID]]], {{.*}}} ins(%[[FN]], %[[B]] : tensor<4x2x4x5xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<2x4x4x5xf32>)
// CHECK: arith.addf
// CHECK: return %[[R]]
func.func @per_offset(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x2x2xf32>, %b: tensor<4xf32>) -> tensor<2x4x4x5xf32> {
  %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 0, 1, 0, 1>} : (tensor<2x3x8x8xf32>, tensor<4x3x2x2xf32>, tensor<4xf32>) -> tensor<2x4x4x5xf32>
  return %0 : tensor<2x4x4x5xf32>
}

// -----

// A filter gradient's shape (kernel 6x6, output 2x2): one copy per output
// position (oh, ow) of the [N, C, KH, KW] window into the
// [N, OH, OW, C, KH, KW] patches, unpermuted; the patches [N*OH*OW,
// C*KH*KW] times the filter transposed to [C*KH*KW, F]; the [N, OH, OW, F]
// product back to NCHW. Four copies, not 36.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$T2:.+]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[$NHWF:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-LABEL: func.func @per_position(
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x5x7x7xf32>, %[[W:[^:]+]]: tensor<2x5x6x6xf32>
// CHECK: tensor.empty() : tensor<3x2x2x5x6x6xf32>
// CHECK: tensor.extract_slice %[[X]][0, 0, 0, 0] [3, 5, 6, 6] [1, 1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]]
// CHECK: tensor.extract_slice %[[X]][0, 0, 0, 1] [3, 5, 6, 6] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[X]][0, 0, 1, 0] [3, 5, 6, 6] [1, 1, 1, 1]
// CHECK: %[[P:.+]] = tensor.insert_slice %{{.+}}[0, 1, 1, 0, 0, 0] [3, 1, 1, 5, 6, 6]
// CHECK-NOT: tensor.extract_slice %[[X]]
// CHECK: %[[LHS:.+]] = tensor.collapse_shape %[[P]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<3x2x2x5x6x6xf32> into tensor<12x180xf32>
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<2x5x6x6xf32> into tensor<2x180xf32>
// CHECK: %[[RHS:.+]] = linalg.generic {indexing_maps = [#[[$T2]], {{.*}}} ins(%[[FLAT]] : tensor<2x180xf32>) outs(%{{.+}} : tensor<180x2xf32>)
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[LHS]], %[[RHS]] : tensor<12x180xf32>, tensor<180x2xf32>) outs(%{{.+}} : tensor<12x2xf32>)
// CHECK: %[[E:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0, 1, 2], [3]] output_shape [3, 2, 2, 2]
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$NHWF]], #[[$ID]]], {{.*}}} ins(%[[E]] : tensor<3x2x2x2xf32>) outs(%{{.+}} : tensor<3x2x2x2xf32>)
// CHECK: return %[[R]]
func.func @per_position(%x: tensor<3x5x7x7xf32>, %w: tensor<2x5x6x6xf32>) -> tensor<3x2x2x2xf32> {
  %0 = kiln.conv2d %x, %w : (tensor<3x5x7x7xf32>, tensor<2x5x6x6xf32>) -> tensor<3x2x2x2xf32>
  return %0 : tensor<3x2x2x2xf32>
}

// -----

// An input gradient's shape (stride 1, padding K - 1, more input than output
// channels): cols = filter [F*KH*KW, C] x input [C, N*H*W], no padding, then
// each kernel offset's columns are added to the output rows and columns they
// land on. Offset (0, 0) of a 3x3 kernel with padding 2 shifts by -2: output
// [2, 6) x [2, 6) gets input [0, 4) x [0, 4); offset (2, 2) writes [0, 4).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$SWAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-DAG: #[[$FKKC:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-LABEL: func.func @col2im(
// CHECK-SAME: %[[G:[^:]+]]: tensor<2x6x4x4xf32>, %[[W:[^:]+]]: tensor<3x6x3x3xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[WT:.+]] = linalg.generic {indexing_maps = [#[[$FKKC]], #[[$ID]]], {{.*}}} ins(%[[W]] : tensor<3x6x3x3xf32>) outs(%{{.+}} : tensor<3x3x3x6xf32>)
// CHECK: %[[LHS:.+]] = tensor.collapse_shape %[[WT]] {{.*}} into tensor<27x6xf32>
// CHECK: %[[GT:.+]] = linalg.generic {indexing_maps = [#[[$SWAP]], #[[$ID]]], {{.*}}} ins(%[[G]] : tensor<2x6x4x4xf32>) outs(%{{.+}} : tensor<6x2x4x4xf32>)
// CHECK: %[[RHS:.+]] = tensor.collapse_shape %[[GT]] {{.*}} into tensor<6x32xf32>
// CHECK: %[[COLS:.+]] = linalg.matmul ins(%[[LHS]], %[[RHS]] : tensor<27x6xf32>, tensor<6x32xf32>) outs(%{{.+}} : tensor<27x32xf32>)
// CHECK: %[[C6:.+]] = tensor.expand_shape %[[COLS]] {{.*}} output_shape [3, 3, 3, 2, 4, 4]
// CHECK: %[[ACC:.+]] = linalg.fill
// CHECK: %[[PART:.+]] = tensor.extract_slice %[[C6]][0, 0, 0, 0, 0, 0] [3, 1, 1, 2, 4, 4] [1, 1, 1, 1, 1, 1] : tensor<3x3x3x2x4x4xf32> to tensor<3x2x4x4xf32>
// CHECK: %[[DEST:.+]] = tensor.extract_slice %[[ACC]][0, 0, 2, 2] [2, 3, 4, 4] [1, 1, 1, 1]
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$SWAP]], #[[$ID]]], {{.*}}} ins(%[[PART]] : tensor<3x2x4x4xf32>) outs(%[[DEST]] : tensor<2x3x4x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[OUT:.+]]: f32):
// CHECK-NEXT: %[[ADD:.+]] = arith.addf %[[OUT]], %[[IN]] : f32
// CHECK: tensor.insert_slice %[[SUM]] into %[[ACC]][0, 0, 2, 2] [2, 3, 4, 4]
// CHECK: tensor.extract_slice %[[C6]][0, 2, 2, 0, 0, 0]
// CHECK: %[[LAST:.+]] = tensor.insert_slice %{{.+}}[0, 0, 0, 0] [2, 3, 4, 4]
// CHECK: return %[[LAST]]
func.func @col2im(%g: tensor<2x6x4x4xf32>, %w: tensor<3x6x3x3xf32>) -> tensor<2x3x6x6xf32> {
  %0 = kiln.conv2d %g, %w {padding = array<i64: 2, 2, 2, 2>} : (tensor<2x6x4x4xf32>, tensor<3x6x3x3xf32>) -> tensor<2x3x6x6xf32>
  return %0 : tensor<2x3x6x6xf32>
}
