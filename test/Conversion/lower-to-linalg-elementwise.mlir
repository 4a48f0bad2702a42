// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s

// Elementwise kiln ops become one linalg.generic each: identity maps for
// same-shaped operands, broadcasting in the input maps (a size-1 dim reads
// index 0, a missing leading dim is dropped), every loop parallel, and the
// op's scalar form in the body.

// CHECK-DAG: #[[$ID1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @unary(
// CHECK-SAME: %[[X:.+]]: tensor<4xf32>
func.func @unary(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // neg
  // CHECK: %[[E0:.+]] = tensor.empty() : tensor<4xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[$ID1]], #[[$ID1]]], iterator_types = ["parallel"]} ins(%[[X]] : tensor<4xf32>) outs(%[[E0]] : tensor<4xf32>)
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[R:.+]] = arith.negf %[[IN]] : f32
  // CHECK-NEXT: linalg.yield %[[R]] : f32
  %0 = kiln.neg %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.absf
  %1 = kiln.abs %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.exp
  %2 = kiln.exp %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.log
  %3 = kiln.log %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.sqrt
  %4 = kiln.sqrt %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.rsqrt
  %5 = kiln.rsqrt %x : tensor<4xf32>
  // reciprocal is 1 / x.
  // CHECK: linalg.generic
  // CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
  // CHECK-NEXT: arith.divf %[[ONE]], %{{.+}} : f32
  %6 = kiln.reciprocal %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.tanh
  %7 = kiln.tanh %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.cos
  %cos = kiln.cos %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.sin
  %sin = kiln.sin %x : tensor<4xf32>
  // sigmoid is 1 / (1 + exp(-x)).
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
  // CHECK-NEXT: %[[NEG:.+]] = arith.negf %[[IN]] : f32
  // CHECK-NEXT: %[[EXP:.+]] = math.exp %[[NEG]] : f32
  // CHECK-NEXT: %[[DEN:.+]] = arith.addf %[[ONE]], %[[EXP]] : f32
  // CHECK-NEXT: %[[R:.+]] = arith.divf %[[ONE]], %[[DEN]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %8 = kiln.sigmoid %x : tensor<4xf32>
  // relu is maximumf (NaN-propagating) with 0.
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[R:.+]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %9 = kiln.relu %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.erf
  %10 = kiln.erf %x : tensor<4xf32>
  // softplus is the overflow-free max(x, 0) + log1p(exp(-|x|)).
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[ABS:.+]] = math.absf %[[IN]] : f32
  // CHECK-NEXT: %[[NABS:.+]] = arith.negf %[[ABS]] : f32
  // CHECK-NEXT: %[[MAX:.+]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
  // CHECK-NEXT: %[[EXP:.+]] = math.exp %[[NABS]] : f32
  // log1p(e) = log(u) * e / (u - 1) with u = 1 + e (e itself when u == 1),
  // not math.log1p, whose LLVM lowering loses a tiny e.
  // CHECK: %[[U:.+]] = arith.addf %{{.+}}, %[[EXP]] : f32
  // CHECK-NEXT: %[[D:.+]] = arith.subf %[[U]], %{{.+}} : f32
  // CHECK-NEXT: %[[L:.+]] = math.log %[[U]] : f32
  // CHECK-NEXT: %[[Q:.+]] = arith.divf %[[EXP]], %[[D]] : f32
  // CHECK-NEXT: arith.mulf %[[L]], %[[Q]] : f32
  // CHECK: %[[LOG:.+]] = arith.select %{{.+}}, %[[EXP]], %{{.+}} : f32
  // CHECK-NEXT: %[[R:.+]] = arith.addf %[[MAX]], %[[LOG]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %11 = kiln.softplus %x : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Unary ops with attributes: the attribute values appear as constants.
// CHECK-LABEL: func.func @unary_attrs(
func.func @unary_attrs(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // leaky_relu: x > 0 ? x : alpha * x.
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[A:.+]] = arith.constant 2.000000e-01 : f32
  // CHECK-NEXT: %[[AX:.+]] = arith.mulf %[[A]], %[[IN]] : f32
  // CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[POS:.+]] = arith.cmpf ogt, %[[IN]], %[[ZERO]] : f32
  // CHECK-NEXT: %[[R:.+]] = arith.select %[[POS]], %[[IN]], %[[AX]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %0 = kiln.leaky_relu %x {alpha = 0.2 : f32} : tensor<4xf32>
  // elu: x > 0 ? x : alpha * expm1(x).
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[A:.+]] = arith.constant 5.000000e-01 : f32
  // expm1(x) = (u - 1) * x / log(u) with u = exp(x) (x itself when u == 1).
  // CHECK: %[[U:.+]] = math.exp %[[IN]] : f32
  // CHECK: math.log %[[U]] : f32
  // CHECK: %[[EM1:.+]] = arith.select %{{.+}}, %[[IN]], %{{.+}} : f32
  // CHECK-NEXT: %[[T:.+]] = arith.mulf %[[A]], %[[EM1]] : f32
  // CHECK: %[[POS:.+]] = arith.cmpf ogt, %[[IN]], %{{.+}} : f32
  // CHECK-NEXT: %[[R:.+]] = arith.select %[[POS]], %[[IN]], %[[T]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %1 = kiln.elu %x {alpha = 0.5 : f32} : tensor<4xf32>
  // selu: the elu with selu's alpha, times gamma.
  // CHECK: linalg.generic
  // CHECK: arith.constant 1.67326319 : f32
  // CHECK: math.exp
  // CHECK: arith.select
  // CHECK: arith.constant 1.05070102 : f32
  // CHECK-NEXT: arith.mulf
  // CHECK-NEXT: linalg.yield
  %2 = kiln.selu %x : tensor<4xf32>
  // Exact gelu: 0.5 x (1 + erf(x / sqrt(2))).
  // CHECK: linalg.generic
  // CHECK: arith.constant 0.707106769 : f32
  // CHECK: math.erf
  // CHECK-NOT: math.tanh
  // CHECK: linalg.yield
  %3 = kiln.gelu %x : tensor<4xf32>
  // tanh-approximated gelu: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
  // CHECK: linalg.generic
  // CHECK: arith.constant 4.471500e-02 : f32
  // CHECK: arith.constant 0.797884583 : f32
  // CHECK: math.tanh
  // CHECK-NOT: math.erf
  // CHECK: linalg.yield
  %4 = kiln.gelu %x {approximate = true} : tensor<4xf32>
  // clip: maximumf with min, then minimumf with max.
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[LO:.+]] = arith.constant -1.000000e+00 : f32
  // CHECK-NEXT: %[[M:.+]] = arith.maximumf %[[IN]], %[[LO]] : f32
  // CHECK-NEXT: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
  // CHECK-NEXT: %[[R:.+]] = arith.minimumf %[[M]], %[[HI]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %5 = kiln.clip %x {min = -1.0 : f32, max = 6.0 : f32} : tensor<4xf32>
  // clip with only a max bound has no maximumf.
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
  // CHECK-NEXT: %[[R:.+]] = arith.minimumf %[[IN]], %[[HI]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %6 = kiln.clip %x {max = 6.0 : f32} : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Binary float ops with broadcasting: [2, 3] op [3] reads the rhs at (d1),
// and the result has the identity map.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @binary_float(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3xf32>, %[[B:[^:]+]]: tensor<3xf32>
func.func @binary_float(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: %[[E:.+]] = tensor.empty() : tensor<2x3xf32>
  // CHECK-NEXT: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>)
  // CHECK-NEXT: ^bb0(%[[L:.+]]: f32, %[[R:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[S:.+]] = arith.addf %[[L]], %[[R]] : f32
  // CHECK-NEXT: linalg.yield %[[S]] : f32
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: arith.subf
  %1 = kiln.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: arith.mulf
  %2 = kiln.mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: arith.divf
  %3 = kiln.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: math.powf
  %4 = kiln.pow %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: arith.maximumf
  %5 = kiln.max %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: arith.minimumf
  %6 = kiln.min %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Integer binary ops use the signed integer forms; [2, 1] op [1, 3] reads
// each operand at index 0 along its size-1 dim.
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @binary_int(
func.func @binary_int(%a: tensor<2x1xi64>, %b: tensor<1x3xi64>) -> (tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>) {
  // CHECK: linalg.generic {indexing_maps = [#[[$COL]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
  // CHECK: arith.addi
  %0 = kiln.add %a, %b : (tensor<2x1xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  // CHECK: arith.subi
  %1 = kiln.sub %a, %b : (tensor<2x1xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  // CHECK: arith.muli
  %2 = kiln.mul %a, %b : (tensor<2x1xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  // CHECK: arith.divsi
  %3 = kiln.div %a, %b : (tensor<2x1xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  // CHECK: arith.maxsi
  %4 = kiln.max %a, %b : (tensor<2x1xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  // CHECK: arith.minsi
  %5 = kiln.min %a, %b : (tensor<2x1xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>
}

// -----

// i1 is unsigned (true = 1 > false = 0): max is "or", min is "and", and
// division is unsigned; add/sub/mul keep the plain (mod 2) integer forms.
// CHECK-LABEL: func.func @binary_bool(
func.func @binary_bool(%a: tensor<3xi1>, %b: tensor<3xi1>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  // CHECK: arith.maxui %{{.+}}, %{{.+}} : i1
  %0 = kiln.max %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  // CHECK: arith.minui %{{.+}}, %{{.+}} : i1
  %1 = kiln.min %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  // CHECK: arith.divui %{{.+}}, %{{.+}} : i1
  %2 = kiln.div %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  // CHECK: arith.addi %{{.+}}, %{{.+}} : i1
  %3 = kiln.add %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %0, %1, %2, %3 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// Comparisons produce i1: ordered float predicates, signed integer ones,
// and unsigned ones for i1 (so that true > false).
// CHECK-LABEL: func.func @compare(
func.func @compare(%a: tensor<3xf32>, %b: tensor<3xf32>, %i: tensor<3xi32>, %m: tensor<3xi1>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  // CHECK: outs(%{{.+}} : tensor<3xi1>)
  // CHECK-NEXT: ^bb0(%{{.+}}: f32, %{{.+}}: f32, %{{.+}}: i1):
  // CHECK-NEXT: arith.cmpf oeq
  %0 = kiln.eq %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  // CHECK: arith.cmpf olt
  %1 = kiln.lt %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  // CHECK: arith.cmpf ole
  %2 = kiln.le %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  // CHECK: arith.cmpf ogt
  %3 = kiln.gt %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  // CHECK: arith.cmpf oge
  %4 = kiln.ge %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  // CHECK: arith.cmpi eq, %{{.+}}, %{{.+}} : i32
  %5 = kiln.eq %i, %i : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  // CHECK: arith.cmpi slt, %{{.+}}, %{{.+}} : i32
  %6 = kiln.lt %i, %i : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  // CHECK: arith.cmpi ugt, %{{.+}}, %{{.+}} : i1
  %7 = kiln.gt %m, %m : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  // CHECK: arith.cmpi ule, %{{.+}}, %{{.+}} : i1
  %8 = kiln.le %m, %m : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// select broadcasts all three operands; a rank-0 operand has the empty map.
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$SCALAR:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @select(
func.func @select(%c: tensor<2x1xi1>, %a: tensor<f32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[$COL]], #[[$SCALAR]], #[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
  // CHECK-NEXT: ^bb0(%[[C:.+]]: i1, %[[T:.+]]: f32, %[[F:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[R:.+]] = arith.select %[[C]], %[[T]], %[[F]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %0 = kiln.select %c, %a, %b : (tensor<2x1xi1>, tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// cast: float to int truncates toward zero (fptosi), i1 converts unsigned,
// integers narrow with trunci and widen with extsi (extui for i1), floats
// with extf/truncf, and anything to i1 is "!= 0".
// CHECK-LABEL: func.func @cast(
func.func @cast(%x: tensor<4xf32>, %m: tensor<4xi1>, %i: tensor<4xi64>, %j: tensor<4xi32>, %d: tensor<4xf64>) -> (tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xf64>, tensor<4xi64>, tensor<4xi64>, tensor<4xf32>, tensor<4xf32>, tensor<4xi1>) {
  // CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: i32):
  // CHECK-NEXT: %[[R:.+]] = arith.fptosi %[[IN]] : f32 to i32
  // CHECK-NEXT: linalg.yield %[[R]] : i32
  %0 = kiln.cast %x : tensor<4xf32> -> tensor<4xi32>
  // CHECK: arith.uitofp %{{.+}} : i1 to f32
  %1 = kiln.cast %m : tensor<4xi1> -> tensor<4xf32>
  // CHECK: arith.trunci %{{.+}} : i64 to i32
  %2 = kiln.cast %i : tensor<4xi64> -> tensor<4xi32>
  // CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: i1):
  // CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[R:.+]] = arith.cmpf une, %[[IN]], %[[ZERO]] : f32
  // CHECK-NEXT: linalg.yield %[[R]] : i1
  %3 = kiln.cast %x : tensor<4xf32> -> tensor<4xi1>
  // CHECK: arith.extf %{{.+}} : f32 to f64
  %4 = kiln.cast %x : tensor<4xf32> -> tensor<4xf64>
  // CHECK: arith.extsi %{{.+}} : i32 to i64
  %5 = kiln.cast %j : tensor<4xi32> -> tensor<4xi64>
  // CHECK: arith.extui %{{.+}} : i1 to i64
  %6 = kiln.cast %m : tensor<4xi1> -> tensor<4xi64>
  // CHECK: arith.sitofp %{{.+}} : i32 to f32
  %7 = kiln.cast %j : tensor<4xi32> -> tensor<4xf32>
  // CHECK: arith.truncf %{{.+}} : f64 to f32
  %8 = kiln.cast %d : tensor<4xf64> -> tensor<4xf32>
  // CHECK: arith.cmpi ne, %{{.+}}, %{{.+}} : i32
  %9 = kiln.cast %j : tensor<4xi32> -> tensor<4xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xf64>, tensor<4xi64>, tensor<4xi64>, tensor<4xf32>, tensor<4xf32>, tensor<4xi1>
}

// -----

// broadcast_to is a copy whose input map broadcasts: [3] -> [4, 3] drops
// d0; [2, 1] -> [5, 2, 7] drops d0 and reads index 0 along d2.
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$MID:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @broadcast_to(
func.func @broadcast_to(%a: tensor<3xf32>, %b: tensor<2x1xi64>) -> (tensor<4x3xf32>, tensor<5x2x7xi64>) {
  // CHECK: linalg.generic {indexing_maps = [#[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}} : tensor<3xf32>) outs(%{{.+}} : tensor<4x3xf32>)
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: linalg.yield %[[IN]] : f32
  %0 = kiln.broadcast_to %a : tensor<3xf32> -> tensor<4x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[$MID]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.+}} : tensor<2x1xi64>) outs(%{{.+}} : tensor<5x2x7xi64>)
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: i64, %{{.+}}: i64):
  // CHECK-NEXT: linalg.yield %[[IN]] : i64
  %1 = kiln.broadcast_to %b : tensor<2x1xi64> -> tensor<5x2x7xi64>
  return %0, %1 : tensor<4x3xf32>, tensor<5x2x7xi64>
}

// -----

// stop_gradient is the identity at run time: no op remains.
// CHECK-LABEL: func.func @stop_gradient(
// CHECK-SAME: %[[X:.+]]: tensor<2xf32>
// CHECK-NEXT: return %[[X]] : tensor<2xf32>
func.func @stop_gradient(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = kiln.stop_gradient %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Training dropout: one generic with two results (the scaled output and the
// keep mask); the seed is a rank-0 input; the keep test hashes (seed, the
// row-major linear index) with splitmix64 and compares the top 24 bits with
// ratio * 2^24 (0.25 * 2^24 = 4194304); kept elements are scaled by
// 1 / (1 - ratio).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$SCALAR:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @dropout_training(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[SEED:[^:]+]]: tensor<i64>
func.func @dropout_training(%x: tensor<2x3xf32>, %seed: tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  // CHECK: %[[R:.+]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[SEED]] : tensor<2x3xf32>, tensor<i64>) outs(%{{.+}}, %{{.+}} : tensor<2x3xf32>, tensor<2x3xi1>)
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[S:.+]]: i64, %{{.+}}: f32, %{{.+}}: i1):
  // CHECK: linalg.index 0 : index
  // CHECK: linalg.index 1 : index
  // CHECK: arith.constant 3 : i64
  // CHECK: arith.constant -7046029254386353131 : i64
  // CHECK: arith.addi %[[S]], %{{.+}} : i64
  // CHECK: arith.shrui
  // CHECK: arith.xori
  // CHECK: %[[C40:.+]] = arith.constant 40 : i64
  // CHECK-NEXT: %[[BITS:.+]] = arith.shrui %{{.+}}, %[[C40]] : i64
  // CHECK-NEXT: %[[T:.+]] = arith.constant 4194304 : i64
  // CHECK-NEXT: %[[KEEP:.+]] = arith.cmpi uge, %[[BITS]], %[[T]] : i64
  // CHECK-NEXT: %[[SCALE:.+]] = arith.constant 1.33333337 : f32
  // CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[IN]], %[[SCALE]] : f32
  // CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[OUT:.+]] = arith.select %[[KEEP]], %[[SCALED]], %[[ZERO]] : f32
  // CHECK-NEXT: linalg.yield %[[OUT]], %[[KEEP]] : f32, i1
  // CHECK: return %[[R]]#0, %[[R]]#1
  %0, %1 = kiln.dropout %x, %seed {ratio = 0.25 : f32, training = true} : (tensor<2x3xf32>, tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi1>
}

// -----

// Inference dropout (and training with ratio 0) is the identity with an
// all-true mask.
// CHECK-LABEL: func.func @dropout_inference(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[MASK:.+]] = arith.constant dense<true> : tensor<2x3xi1>
// CHECK-NEXT: return %[[X]], %[[MASK]]
func.func @dropout_inference(%x: tensor<2x3xf32>, %seed: tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %0, %1 = kiln.dropout %x, %seed : (tensor<2x3xf32>, tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi1>
}

// CHECK-LABEL: func.func @dropout_ratio_zero(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[MASK:.+]] = arith.constant dense<true> : tensor<2x3xi1>
// CHECK-NEXT: return %[[X]], %[[MASK]]
func.func @dropout_ratio_zero(%x: tensor<2x3xf32>, %seed: tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %0, %1 = kiln.dropout %x, %seed {ratio = 0.0 : f32, training = true} : (tensor<2x3xf32>, tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi1>
}
