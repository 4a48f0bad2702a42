// RUN: kiln-opt %s --kiln-lower-to-linalg=conv-im2col=false --split-input-file | FileCheck %s

// kiln.conv2d: groups 1 is linalg.conv_2d_nchw_fchw, groups > 1 is
// linalg.conv_2d_ngchw_gfchw on [N, G, C/G, H, W] views; padding is a
// zero tensor.pad of H and W; strides and dilations carry over.

// Groups 1 with a bias: the bias, broadcast along [1, C, 1, 1], is the
// accumulator's initial value (no separate add). Padding [top, left,
// bottom, right] = [2, 2, 2, 2] pads H and W by 2 on each side. (With
// N = 1 the batch dim of the bias map is d0, not 0: both are size 1.)
// CHECK-DAG: #[[$BIAS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_bias_padded(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x3x32x32xf32>, %[[W:[^:]+]]: tensor<16x3x5x5xf32>, %[[B:[^:]+]]: tensor<16xf32>
// CHECK: %[[PADV:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 2, 2] high[0, 0, 2, 2]
// CHECK: tensor.yield %[[PADV]] : f32
// CHECK: } : tensor<1x3x32x32xf32> to tensor<1x3x36x36xf32>
// CHECK: %[[B4:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1, 2, 3]] output_shape [1, 16, 1, 1] : tensor<16xf32> into tensor<1x16x1x1xf32>
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$BIAS]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[B4]] : tensor<1x16x1x1xf32>) outs(%{{.+}} : tensor<1x16x16x16xf32>)
// CHECK: %[[R:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PADDED]], %[[W]] : tensor<1x3x36x36xf32>, tensor<16x3x5x5xf32>) outs(%[[INIT]] : tensor<1x16x16x16xf32>)
// CHECK: return %[[R]]
func.func @conv_bias_padded(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x5x5xf32>, %b: tensor<16xf32>) -> tensor<1x16x16x16xf32> {
  %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 2, 2, 2, 2>} : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}

// -----

// No bias: a zero-filled init. No padding: no tensor.pad. Asymmetric
// strides and dilations.
// CHECK-LABEL: func.func @conv_no_bias(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x3x32x32xf32>, %[[W:[^:]+]]: tensor<16x3x5x5xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<1x16x24x10xf32>)
// CHECK-NOT: linalg.generic
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 3]> : tensor<2xi64>} ins(%[[X]], %[[W]] : tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) outs(%[[INIT]] : tensor<1x16x24x10xf32>)
func.func @conv_no_bias(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x5x5xf32>) -> tensor<1x16x24x10xf32> {
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 2, 1>, strides = array<i64: 1, 3>} : (tensor<1x3x32x32xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x24x10xf32>
  return %0 : tensor<1x16x24x10xf32>
}

// -----

// Asymmetric padding [top 1, left 0, bottom 2, right 0].
// CHECK-LABEL: func.func @conv_asymmetric_padding(
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 0] high[0, 0, 2, 0]
// CHECK: } : tensor<2x1x10x10xf32> to tensor<2x1x13x10xf32>
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.+}}, %{{.+}} : tensor<2x1x13x10xf32>, tensor<4x1x3x3xf32>) outs(%{{.+}} : tensor<2x4x11x8xf32>)
func.func @conv_asymmetric_padding(%x: tensor<2x1x10x10xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<2x4x11x8xf32> {
  %0 = kiln.conv2d %x, %w {padding = array<i64: 1, 0, 2, 0>} : (tensor<2x1x10x10xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x11x8xf32>
  return %0 : tensor<2x4x11x8xf32>
}

// -----

// Groups 4: input [2, 8, 10, 10] -> [2, 4, 2, 10, 10], filter [8, 2, 3, 3]
// -> [4, 2, 2, 3, 3], result [2, 4, 2, 8, 8] -> [2, 8, 8, 8]; the bias is
// added after the convolution by an elementwise generic.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$BIAS:.+]] = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
// CHECK-LABEL: func.func @conv_grouped(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8x10x10xf32>, %[[W:[^:]+]]: tensor<8x2x3x3xf32>, %[[B:[^:]+]]: tensor<8xf32>
// CHECK: %[[GX:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [2, 4, 2, 10, 10] : tensor<2x8x10x10xf32> into tensor<2x4x2x10x10xf32>
// CHECK: %[[GW:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [4, 2, 2, 3, 3] : tensor<8x2x3x3xf32> into tensor<4x2x2x3x3xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x4x2x8x8xf32>)
// CHECK: %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[GX]], %[[GW]] : tensor<2x4x2x10x10xf32>, tensor<4x2x2x3x3xf32>) outs(%[[INIT]] : tensor<2x4x2x8x8xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<2x4x2x8x8xf32> into tensor<2x8x8x8xf32>
// CHECK: %[[B4:.+]] = tensor.expand_shape %[[B]] {{.+}} into tensor<1x8x1x1xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$BIAS]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[FLAT]], %[[B4]] : tensor<2x8x8x8xf32>, tensor<1x8x1x1xf32>)
// CHECK: arith.addf
// CHECK: return %[[R]]
func.func @conv_grouped(%x: tensor<2x8x10x10xf32>, %w: tensor<8x2x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x8x8xf32> {
  %0 = kiln.conv2d %x, %w, %b {groups = 4} : (tensor<2x8x10x10xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return %0 : tensor<2x8x8x8xf32>
}

// -----

// Depthwise with a channel multiplier 2 (groups = C = 8, F = 16) and
// padding: pad first, then the grouped views.
// CHECK-LABEL: func.func @conv_depthwise(
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: } : tensor<2x8x10x10xf32> to tensor<2x8x12x12xf32>
// CHECK: %[[GX:.+]] = tensor.expand_shape %[[P]] {{.+}} : tensor<2x8x12x12xf32> into tensor<2x8x1x12x12xf32>
// CHECK: %[[GW:.+]] = tensor.expand_shape %{{.+}} : tensor<16x1x3x3xf32> into tensor<8x2x1x3x3xf32>
// CHECK: %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw {{.+}} ins(%[[GX]], %[[GW]] : {{.+}}) outs(%{{.+}} : tensor<2x8x2x10x10xf32>)
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[CONV]] {{.+}} : tensor<2x8x2x10x10xf32> into tensor<2x16x10x10xf32>
// CHECK-NEXT: return %[[R]]
func.func @conv_depthwise(%x: tensor<2x8x10x10xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<2x16x10x10xf32> {
  %0 = kiln.conv2d %x, %w {groups = 8, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x8x10x10xf32>, tensor<16x1x3x3xf32>) -> tensor<2x16x10x10xf32>
  return %0 : tensor<2x16x10x10xf32>
}
