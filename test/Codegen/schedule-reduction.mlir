// RUN: kiln-opt %s --kiln-schedule-reduction --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-schedule-reduction=threads=1 --split-input-file | FileCheck %s --check-prefix=ONE

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c = affine_map<(d0, d1, d2, d3) -> (d1)>

// A convolution's bias gradient, sum over (n, h, w): loops over n and c,
// each step one 28x28 image read as rows and summed by one horizontal
// reduction over its 784 elements into the running sum of channel c.
// CHECK-LABEL: func.func @bias_grad
// CHECK-SAME: attributes {kiln.scheduled}
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[N:[^ ]+]] = {{.+}} -> (tensor<6xf32>)
// CHECK: scf.for %[[C:[^ ]+]] = {{.+}} -> (tensor<6xf32>)
// CHECK: %[[X:.+]] = vector.transfer_read %{{.+}}[%[[N]], %[[C]], %{{.+}}, %{{.+}}], %{{.+}} {in_bounds = [true, true]} : tensor<64x6x28x28xf32>, vector<28x28xf32>
// CHECK: %[[FLAT:.+]] = vector.shape_cast %{{.+}} : vector<1x1x28x28xf32> to vector<1x784xf32>
// CHECK: %[[ROW:.+]] = vector.extract %[[FLAT]][0] : vector<784xf32> from vector<1x784xf32>
// CHECK: vector.reduction <add>, %[[ROW]], %{{.+}} : vector<784xf32> into f32
func.func @bias_grad(%x: tensor<64x6x28x28xf32>) -> tensor<6xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<6xf32>) -> tensor<6xf32>
  %r = linalg.generic {indexing_maps = [#id, #c], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x : tensor<64x6x28x28xf32>) outs(%f : tensor<6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<6xf32>
  return %r : tensor<6xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A dense layer's bias gradient, sum over rows: 8 rows of 120 per step,
// added lane-wise into the 120 running sums (no horizontal reduction).
// CHECK-LABEL: func.func @column_sum
// CHECK: scf.for {{.+}} step %c8 {{.+}} -> (tensor<120xf32>)
// CHECK: %[[X:.+]] = vector.transfer_read {{.+}} : tensor<64x120xf32>, vector<8x120xf32>
// CHECK: %[[ACC:.+]] = vector.transfer_read {{.+}} : tensor<120xf32>, vector<120xf32>
// CHECK: %[[R0:.+]] = vector.extract %[[X]][0] : vector<120xf32> from vector<8x120xf32>
// CHECK: %[[S0:.+]] = arith.addf %[[R0]], %[[ACC]] : vector<120xf32>
// CHECK-COUNT-7: arith.addf {{.+}} : vector<120xf32>
// CHECK-NOT: vector.reduction
// CHECK: vector.transfer_write {{.+}} : vector<120xf32>, tensor<120xf32>
func.func @column_sum(%x: tensor<64x120xf32>) -> tensor<120xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<120xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<120xf32>) -> tensor<120xf32>
  %r = linalg.generic {indexing_maps = [#id2, #col], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<64x120xf32>) outs(%f : tensor<120xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<120xf32>
  return %r : tensor<120xf32>
}

// -----

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#rows = affine_map<(d0, d1, d2) -> (d0, d1)>

// Softmax's row maximum over 10 logits: one row per step, one horizontal
// maximumf reduction of the 10 lanes.
// CHECK-LABEL: func.func @row_max
// CHECK: scf.for {{.+}} -> (tensor<64x1xf32>)
// CHECK: %[[X:.+]] = vector.transfer_read {{.+}} : tensor<64x1x10xf32>, vector<10xf32>
// CHECK: vector.reduction <maximumf>, %{{.+}}, %{{.+}} : vector<10xf32> into f32
func.func @row_max(%x: tensor<64x1x10xf32>) -> tensor<64x1xf32> {
  %cst = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<64x1xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<64x1xf32>) -> tensor<64x1xf32>
  %r = linalg.generic {indexing_maps = [#id3, #rows], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<64x1x10xf32>) outs(%f : tensor<64x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<64x1xf32>
  return %r : tensor<64x1xf32>
}

// -----

// Softmax-sized rows (1024 x 28 rows of 28, 800K elements): the outermost
// dim, parallel, is split into an scf.forall of 4 chunks of 256 (two per
// thread) around the same loops and row reductions; with threads=1 no
// forall.
// CHECK-LABEL: func.func @rows_threads
// CHECK: scf.forall (%{{.+}}) in (4) shared_outs(%{{.+}}) -> (tensor<1024x28xf32>)
// CHECK: scf.for {{.+}} -> (tensor<256x28xf32>)
// CHECK: vector.reduction <maximumf>, %{{.+}} : vector<28xf32> into f32
// CHECK: scf.forall.in_parallel
// ONE-LABEL: func.func @rows_threads
// ONE-NOT: scf.forall
// ONE: vector.reduction <maximumf>
func.func @rows_threads(%x: tensor<1024x28x28xf32>) -> tensor<1024x28xf32> {
  %cst = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1024x28xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1024x28xf32>) -> tensor<1024x28xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<1024x28x28xf32>) outs(%f : tensor<1024x28xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<1024x28xf32>
  return %r : tensor<1024x28xf32>
}
