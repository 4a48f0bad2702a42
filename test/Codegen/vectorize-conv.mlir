// RUN: kiln-opt %s --kiln-vectorize-conv --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-vectorize-conv=threads=1 --split-input-file | FileCheck %s --check-prefix=ONE

// The steps and accumulator blocks follow the target model; these cases
// name an AVX-512 target (16 f32 lanes, 32 registers), as kiln-compile
// records for this CPU.

// One input channel, 5x5, padding 2 on 28x28 (LeNet's first layer): loops
// over (n, oh) and 16 output columns per step, no im2col. Each step reads
// the 25 shifted rows of the padded input once and FMAs each into the six
// channels' accumulators, which start at the bias. 28 columns are one full
// step (in bounds) and a peeled step at column 16 whose out-of-bounds lanes
// are masked.
// CHECK-LABEL: func.func @conv_one_channel(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x1x28x28xf32>, %[[W:[^:]+]]: tensor<6x1x5x5xf32>, %[[B:[^:]+]]: tensor<6xf32>
// CHECK-NOT: kiln.conv2d
// CHECK-DAG: %[[C16:.+]] = arith.constant 16 : index
// CHECK: %[[XP:.+]] = tensor.pad %[[X]] low[0, 0, 2, 2] high[0, 0, 2, 2]
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x6x28x28xf32>
// CHECK: scf.for %[[N:[^ ]+]] = {{.+}} iter_args(%{{.+}} = %[[INIT]])
// CHECK: scf.for %[[OH:[^ ]+]] =
// CHECK: scf.for %[[OW:[^ ]+]] = {{.+}} step %[[C16]]
// CHECK: %[[B0:.+]] = tensor.extract %[[B]][%{{.+}}] : tensor<6xf32>
// CHECK: %[[ACC0:.+]] = vector.broadcast %[[B0]] : f32 to vector<16xf32>
// CHECK: %[[ROW:.+]] = vector.transfer_read %[[XP]][%[[N]], %{{.+}}, %[[OH]], %[[OW]]], %{{.+}} {in_bounds = [true]} : tensor<2x1x32x32xf32>, vector<16xf32>
// CHECK: %[[W0:.+]] = tensor.extract %[[W]][%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : tensor<6x1x5x5xf32>
// CHECK: %[[WV:.+]] = vector.broadcast %[[W0]] : f32 to vector<16xf32>
// CHECK: vector.fma %[[WV]], %[[ROW]], %[[ACC0]] : vector<16xf32>
// CHECK-COUNT-149: vector.fma
// CHECK: vector.transfer_write %{{.+}}, %{{.+}}[%[[N]], %{{.+}}, %[[OH]], %[[OW]]] {in_bounds = [true]} : vector<16xf32>, tensor<2x6x28x28xf32>
// The ragged step: no in_bounds.
// CHECK: vector.transfer_read %[[XP]][%[[N]], %{{.+}}, %[[OH]], %[[C16]]], %{{.+}} : tensor<2x1x32x32xf32>, vector<16xf32>
// CHECK: vector.transfer_write %{{.+}}, %{{.+}}[%[[N]], %{{.+}}, %[[OH]], %[[C16]]] : vector<16xf32>, tensor<2x6x28x28xf32>
module attributes {kiln.target = {vector_bits = 512 : i64, vector_registers = 32 : i64}} {
  func.func @conv_one_channel(%x: tensor<2x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>) -> tensor<2x6x28x28xf32> {
    %0 = kiln.conv2d %x, %w, %b {padding = array<i64: 2, 2, 2, 2>} : (tensor<2x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<2x6x28x28xf32>
    return %0 : tensor<2x6x28x28xf32>
  }
}

// -----

// Its filter gradient as ConvGrad.cpp writes it (both operands transposed
// to [C, N, H, W]): x and g are read in NCHW, the transposes are gone. Per
// (c, i) of the result, lane-wise partial sums of 3 channels x 5 kernel
// columns (two blocks of 3 for the 6 channels) run over (n, oh) and the
// row steps; each is reduced to one element. In the ragged step the lanes
// past the row end are zeroed in x as well (g reads zero there).
// CHECK-LABEL: func.func @filter_grad(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x1x28x28xf32>, %[[G:[^:]+]]: tensor<2x6x28x28xf32>
// CHECK-NOT: kiln.transpose
// CHECK-DAG: %[[TAIL:.+]] = arith.constant dense<[true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false]> : vector<16xi1>
// CHECK: %[[XP:.+]] = tensor.pad %[[X]] low[0, 0, 2, 2] high[0, 0, 2, 2]
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<1x6x5x5xf32>
// CHECK: scf.for %[[C:[^ ]+]] = {{.+}} iter_args(%{{.+}} = %[[INIT]])
// CHECK: scf.for %[[I:[^ ]+]] =
// CHECK: scf.for %[[N:[^ ]+]] = {{.+}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: scf.for %[[OH:[^ ]+]] =
// CHECK: scf.for %[[OW:[^ ]+]] =
// CHECK: %[[G0:.+]] = vector.transfer_read %[[G]][%[[N]], %{{.+}}, %[[OH]], %[[OW]]], %{{.+}} {in_bounds = [true]} : tensor<2x6x28x28xf32>, vector<16xf32>
// CHECK: %[[X0:.+]] = vector.transfer_read %[[XP]][%[[N]], %[[C]], %{{.+}}, %[[OW]]], %{{.+}} {in_bounds = [true]} : tensor<2x1x32x32xf32>, vector<16xf32>
// CHECK: vector.fma %[[G0]], %[[X0]], %{{.+}} : vector<16xf32>
// CHECK-COUNT-14: vector.fma
// CHECK: scf.yield
// CHECK: vector.transfer_read %[[G]]{{.+}} : tensor<2x6x28x28xf32>, vector<16xf32>
// CHECK: %[[XT:.+]] = vector.transfer_read %[[XP]]{{.+}} : tensor<2x1x32x32xf32>, vector<16xf32>
// CHECK: arith.select %[[TAIL]], %[[XT]], %{{.+}} : vector<16xi1>, vector<16xf32>
// CHECK: %[[S:.+]] = vector.reduction <add>, %{{.+}} : vector<16xf32> into f32
// CHECK: tensor.insert %[[S]] into %{{.+}}[%[[C]], %{{.+}}, %[[I]], %{{.+}}] : tensor<1x6x5x5xf32>
module attributes {kiln.target = {vector_bits = 512 : i64, vector_registers = 32 : i64}} {
  func.func @filter_grad(%x: tensor<2x1x28x28xf32>, %g: tensor<2x6x28x28xf32>) -> tensor<1x6x5x5xf32> {
    %xt = kiln.transpose %x {permutation = array<i64: 1, 0, 2, 3>} : tensor<2x1x28x28xf32> -> tensor<1x2x28x28xf32>
    %gt = kiln.transpose %g {permutation = array<i64: 1, 0, 2, 3>} : tensor<2x6x28x28xf32> -> tensor<6x2x28x28xf32>
    %r = kiln.conv2d %xt, %gt {padding = array<i64: 2, 2, 2, 2>} : (tensor<1x2x28x28xf32>, tensor<6x2x28x28xf32>) -> tensor<1x6x5x5xf32>
    return %r : tensor<1x6x5x5xf32>
  }
}

// -----

// Several input channels (conv2-like, contraction 6 * 5 * 5 = 150, rows of
// 10 = one masked step): the channels are an scf.for carrying the 16
// channels' sums, its body the 25 taps of one channel.
// CHECK-LABEL: func.func @conv_channels(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x6x14x14xf32>, %[[W:[^:]+]]: tensor<16x6x5x5xf32>
// CHECK-DAG: %[[C6:.+]] = arith.constant 6 : index
// CHECK: scf.for %[[N:[^ ]+]] =
// CHECK: scf.for %[[OH:[^ ]+]] =
// CHECK: scf.for %[[C:[^ ]+]] = %{{.+}} to %[[C6]] step %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: vector.transfer_read %[[X]][%[[N]], %[[C]], %[[OH]], %{{.+}}], %{{.+}} : tensor<2x6x14x14xf32>, vector<16xf32>
// CHECK: tensor.extract %[[W]][%{{.+}}, %[[C]], %{{.+}}, %{{.+}}] : tensor<16x6x5x5xf32>
// CHECK-COUNT-400: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-16: vector.transfer_write {{.+}} : vector<16xf32>, tensor<2x16x10x10xf32>
module attributes {kiln.target = {vector_bits = 512 : i64, vector_registers = 32 : i64}} {
  func.func @conv_channels(%x: tensor<2x6x14x14xf32>, %w: tensor<16x6x5x5xf32>) -> tensor<2x16x10x10xf32> {
    %0 = kiln.conv2d %x, %w : (tensor<2x6x14x14xf32>, tensor<16x6x5x5xf32>) -> tensor<2x16x10x10xf32>
    return %0 : tensor<2x16x10x10xf32>
  }
}

// -----

// Left to im2col: 7-wide rows (7 of 16 lanes), a contraction of
// 32 * 5 * 5 = 800, a stride.
// CHECK-LABEL: func.func @im2col_kept(
// CHECK-COUNT-3: kiln.conv2d
// CHECK-NOT: vector.fma
module attributes {kiln.target = {vector_bits = 512 : i64, vector_registers = 32 : i64}} {
  func.func @im2col_kept(%a: tensor<2x1x11x11xf32>, %w1: tensor<6x1x5x5xf32>, %b: tensor<2x32x32x32xf32>, %w2: tensor<16x32x5x5xf32>, %c: tensor<2x1x32x32xf32>, %w3: tensor<4x1x3x3xf32>) -> (tensor<2x6x7x7xf32>, tensor<2x16x28x28xf32>, tensor<2x4x15x15xf32>) {
    %0 = kiln.conv2d %a, %w1 : (tensor<2x1x11x11xf32>, tensor<6x1x5x5xf32>) -> tensor<2x6x7x7xf32>
    %1 = kiln.conv2d %b, %w2 : (tensor<2x32x32x32xf32>, tensor<16x32x5x5xf32>) -> tensor<2x16x28x28xf32>
    %2 = kiln.conv2d %c, %w3 {strides = array<i64: 2, 2>} : (tensor<2x1x32x32xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x15x15xf32>
    return %0, %1, %2 : tensor<2x6x7x7xf32>, tensor<2x16x28x28xf32>, tensor<2x4x15x15xf32>
  }
}

// -----

// Without a target model (kiln-opt's AVX2 defaults) the steps are 8 lanes.
// CHECK-LABEL: func.func @conv_avx2
// CHECK: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<2x1x32x32xf32>, vector<8xf32>
// CHECK: vector.fma {{.*}} : vector<8xf32>
func.func @conv_avx2(%x: tensor<2x1x28x28xf32>, %w: tensor<6x1x5x5xf32>) -> tensor<2x6x28x28xf32> {
  %0 = kiln.conv2d %x, %w {padding = array<i64: 2, 2, 2, 2>} : (tensor<2x1x28x28xf32>, tensor<6x1x5x5xf32>) -> tensor<2x6x28x28xf32>
  return %0 : tensor<2x6x28x28xf32>
}

// -----

// A relu that is the convolution's one user is applied to the sums before
// each store; no kiln.relu is left.
// CHECK-LABEL: func.func @conv_relu
// CHECK-NOT: kiln.relu
// CHECK: %[[S:.+]] = vector.fma
// CHECK: %[[R:.+]] = arith.maximumf %{{.+}}, %{{.+}} : vector<16xf32>
// CHECK: vector.transfer_write %[[R]]
// CHECK-NOT: kiln.relu
module attributes {kiln.target = {vector_bits = 512 : i64, vector_registers = 32 : i64}} {
  func.func @conv_relu(%x: tensor<2x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>) -> tensor<2x6x28x28xf32> {
    %0 = kiln.conv2d %x, %w, %b {padding = array<i64: 2, 2, 2, 2>} : (tensor<2x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<2x6x28x28xf32>
    %1 = kiln.relu %0 : tensor<2x6x28x28xf32>
    return %1 : tensor<2x6x28x28xf32>
  }
}

// -----

// Big enough for threads (LeNet's conv2 at batch 64: 31 MFLOP, above the
// matmuls' 1 MFLOP): the batch loop is an scf.forall, each sample's rows
// written into its own [1, 16, 10, 10] slice, and the function is marked
// for kiln-lower-vectors (forall -> scf.parallel -> OpenMP). The filter
// gradient's forall runs over (input channel, kernel row), dims 0 and 2 of
// the result. conv1's forward (contraction 25, under 64) stays a loop: a few
// FMAs per output, splitting it mostly moves data between the cores. With
// threads=1 none has a forall.
// CHECK-LABEL: func.func @threads(
// CHECK-SAME: attributes {kiln.scheduled}
// CHECK: %[[FWD:.+]] = scf.forall (%[[N:.+]]) in (64) shared_outs(%[[O:.+]] = %{{.+}}) -> (tensor<64x16x10x10xf32>)
// CHECK: %[[S:.+]] = tensor.extract_slice %[[O]][%[[N]], 0, 0, 0] [1, 16, 10, 10] [1, 1, 1, 1]
// CHECK: scf.for {{.+}} iter_args(%{{.+}} = %[[S]])
// CHECK: vector.transfer_read %{{.+}}[%[[N]],
// CHECK: vector.transfer_write {{.+}} : vector<16xf32>, tensor<1x16x10x10xf32>
// CHECK: tensor.parallel_insert_slice %{{.+}} into %[[O]][%[[N]], 0, 0, 0] [1, 16, 10, 10] [1, 1, 1, 1]
// CHECK: scf.forall (%[[C:.+]], %[[I:.+]]) in (1, 5) shared_outs(%[[R:.+]] = %{{.+}}) -> (tensor<1x6x5x5xf32>)
// CHECK: tensor.extract_slice %[[R]][%[[C]], 0, %[[I]], 0] [1, 6, 1, 5] [1, 1, 1, 1]
// CHECK: tensor.insert %{{.+}} into %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : tensor<1x6x1x5xf32>
// CHECK: tensor.parallel_insert_slice %{{.+}} into %[[R]][%[[C]], 0, %[[I]], 0] [1, 6, 1, 5] [1, 1, 1, 1]
// CHECK-NOT: scf.forall
// CHECK: scf.for {{.+}} -> (tensor<64x6x28x28xf32>)
// CHECK-NOT: scf.forall
// CHECK: return
// ONE-LABEL: func.func @threads(
// ONE-NOT: kiln.scheduled
// ONE-NOT: scf.forall
// ONE: return
module attributes {kiln.target = {vector_bits = 512 : i64, vector_registers = 32 : i64}} {
  func.func @threads(%p: tensor<64x6x14x14xf32>, %w2: tensor<16x6x5x5xf32>, %x: tensor<64x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %g: tensor<64x6x28x28xf32>) -> (tensor<64x16x10x10xf32>, tensor<1x6x5x5xf32>, tensor<64x6x28x28xf32>) {
    %0 = kiln.conv2d %p, %w2 : (tensor<64x6x14x14xf32>, tensor<16x6x5x5xf32>) -> tensor<64x16x10x10xf32>
    %xt = kiln.transpose %x {permutation = array<i64: 1, 0, 2, 3>} : tensor<64x1x28x28xf32> -> tensor<1x64x28x28xf32>
    %gt = kiln.transpose %g {permutation = array<i64: 1, 0, 2, 3>} : tensor<64x6x28x28xf32> -> tensor<6x64x28x28xf32>
    %r = kiln.conv2d %xt, %gt {padding = array<i64: 2, 2, 2, 2>} : (tensor<1x64x28x28xf32>, tensor<6x64x28x28xf32>) -> tensor<1x6x5x5xf32>
    %1 = kiln.conv2d %x, %w {padding = array<i64: 2, 2, 2, 2>} : (tensor<64x1x28x28xf32>, tensor<6x1x5x5xf32>) -> tensor<64x6x28x28xf32>
    return %0, %r, %1 : tensor<64x16x10x10xf32>, tensor<1x6x5x5xf32>, tensor<64x6x28x28xf32>
  }
}
