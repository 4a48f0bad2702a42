// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s

// Pooling is a linalg.generic over (n, c, oh, ow, kh, kw): the input is read
// at (oh * stride + kh * dilation, ow * stride + kw * dilation), an empty
// kernel-shaped operand gives the window loops their trip counts, and the
// window loops are reductions.

// max_pool2d, ceil_mode: an 8x8 input, 3x3 kernel, stride 2 gives 4x4
// outputs, whose last window needs one extra row and column of -inf
// padding on the high side; the init is -inf too.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[$WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_ceil(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x8x8xf32>
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEGINF]] : f32
// CHECK: } : tensor<1x4x8x8xf32> to tensor<1x4x9x9xf32>
// CHECK: %[[INITV:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[INITV]] : f32) outs(%{{.+}} : tensor<1x4x4x4xf32>)
// CHECK: %[[WINDOW:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$WIN]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[P]], %[[WINDOW]] : tensor<1x4x9x9xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x4x4x4xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.maximumf %[[V]], %[[ACC]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
func.func @max_pool_ceil(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = true} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Dilations scale the window index; no padding means no tensor.pad.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4 * 2, d3 + d5 * 3)>
// CHECK-LABEL: func.func @max_pool_dilated(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x7x7xf32>
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #{{.+}}, #{{.+}}], {{.+}} ins(%[[X]], %{{.+}} : tensor<1x4x7x7xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x4x5x4xf32>)
// CHECK: arith.maximumf
func.func @max_pool_dilated(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x5x4xf32> {
  %0 = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, dilations = array<i64: 2, 3>} : tensor<1x4x7x7xf32> -> tensor<1x4x5x4xf32>
  return %0 : tensor<1x4x5x4xf32>
}

// -----

// avg_pool2d sums each zero-padded window into a zero-filled init, then
// multiplies by a constant [OH, OW] tensor of 1 / count. Without
// count_include_pad the count excludes padding: 5x5 input, 3x3 kernel,
// stride 2, padding 1: corner windows cover 2x2 = 4 input elements, edge
// windows 2x3 = 6, the center 3x3 = 9.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[$WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$HW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @avg_pool(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x1x5x5xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x1x3x3xf32>)
// CHECK: %[[SUMS:.+]] = linalg.generic {indexing_maps = [#[[$IN]], #[[$WIN]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[P]], %{{.+}} : tensor<1x1x7x7xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x1x3x3xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[V]], %[[ACC]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: %[[DIV:.+]] = arith.constant dense<{{\[}}[2.500000e-01, 0.166666672, 2.500000e-01], [0.166666672, 0.111111112, 0.166666672], [2.500000e-01, 0.166666672, 2.500000e-01]]> : tensor<3x3xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$HW]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[SUMS]], %[[DIV]] : tensor<1x1x3x3xf32>, tensor<3x3xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
// CHECK: return %[[R]]
func.func @avg_pool(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// count_include_pad with ceil_mode: a 6x6 input, 3x3 kernel, stride 2,
// padding 1 gives 4x4 outputs; ceil_mode adds one more high row/column of
// padding (2 in all). Windows count padded positions (3 per dim) but not
// those ceil_mode added: the last window covers input row 5 and padding
// row 6 (row 7 is ceil_mode's), 2 per dim. So 1/9 inside, 1/6 on the last row and column, 1/4
// in the last corner.
// CHECK-LABEL: func.func @avg_pool_count_include_pad_ceil(
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 2, 2]
// CHECK: } : tensor<1x2x6x6xf32> to tensor<1x2x9x9xf32>
// CHECK: arith.constant dense<{{\[}}[0.111111112, 0.111111112, 0.111111112, 0.166666672], [0.111111112, 0.111111112, 0.111111112, 0.166666672], [0.111111112, 0.111111112, 0.111111112, 0.166666672], [0.166666672, 0.166666672, 0.166666672, 2.500000e-01]]> : tensor<4x4xf32>
func.func @avg_pool_count_include_pad_ceil(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, ceil_mode = true, count_include_pad = true} : tensor<1x2x6x6xf32> -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Without padding every window is whole: a uniform divisor of 1/4.
// CHECK-LABEL: func.func @avg_pool_uniform(
// CHECK-NOT: tensor.pad
// CHECK: arith.constant dense<2.500000e-01> : tensor<2x2xf32>
func.func @avg_pool_uniform(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x2x2xf32> {
  %0 = kiln.avg_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x3x4x4xf32> -> tensor<2x3x2x2xf32>
  return %0 : tensor<2x3x2x2xf32>
}

// -----

// max_pool2d_grad as a gather over input positions (the scalar form;
// kiln-vectorize-pooling replaces the op before this lowering in the
// pipeline): position (h, w) reads its window's maximum and gradient at
// (h / 2, w / 2) and the window's first three positions, and takes the
// gradient when it equals the maximum and no earlier position does.
// CHECK-LABEL: func.func @max_pool_grad(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x4x6xf32>, %[[Y:[^:]+]]: tensor<1x2x2x3xf32>, %[[G:[^:]+]]: tensor<1x2x2x3xf32>
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<1x2x4x6xf32>) outs(%{{.+}} : tensor<1x2x4x6xf32>)
// CHECK: ^bb0(%[[V:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[OH:.+]] = arith.divui %{{.+}}, %c2
// CHECK: %[[OW:.+]] = arith.divui %{{.+}}, %c2
// CHECK: %[[YM:.+]] = tensor.extract %[[Y]][%{{.+}}, %{{.+}}, %[[OH]], %[[OW]]]
// CHECK: %[[GV:.+]] = tensor.extract %[[G]][%{{.+}}, %{{.+}}, %[[OH]], %[[OW]]]
// CHECK-COUNT-3: tensor.extract %[[X]]
// CHECK-NOT: tensor.extract
// CHECK: %[[SELF:.+]] = arith.cmpf oeq, %[[V]], %[[YM]] : f32
// CHECK: %[[TAKE:.+]] = arith.andi %[[SELF]], %{{.+}} : i1
// CHECK: %[[R:.+]] = arith.select %[[TAKE]], %[[GV]], %{{.+}} : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @max_pool_grad(%x: tensor<1x2x4x6xf32>, %y: tensor<1x2x2x3xf32>, %g: tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = kiln.max_pool2d_grad %x, %y, %g {kernel_size = array<i64: 2, 2>} : (tensor<1x2x4x6xf32>, tensor<1x2x2x3xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}
