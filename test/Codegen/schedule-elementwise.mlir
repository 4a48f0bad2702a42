// RUN: kiln-opt %s --kiln-schedule-elementwise | FileCheck %s
// RUN: kiln-opt %s --kiln-schedule-elementwise=threads=1 | FileCheck %s --check-prefix=ONE

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// bias + relu on 17x129: too small for threads (no forall); one row and
// 4 x 8 lanes per step, the bias read as a vector, the 129 % 32 = 1 lane
// tail masked.
// CHECK-LABEL: func.func @bias_relu
// CHECK-SAME: attributes {kiln.scheduled}
// CHECK-NOT: scf.forall
// CHECK-NOT: linalg.generic
// CHECK: scf.for {{.*}} -> (tensor<17x129xf32>)
// CHECK: scf.for {{.*}} step %c32
// CHECK: %[[M:.*]] = vector.create_mask {{.*}} : vector<32xi1>
// CHECK: vector.transfer_read {{.*}}, %[[M]] {{.*}} : tensor<17x129xf32>, vector<32xf32>
// CHECK: vector.transfer_read {{.*}}, %[[M]] {{.*}} : tensor<129xf32>, vector<32xf32>
// CHECK: arith.addf {{.*}} : vector<32xf32>
// CHECK: arith.maximumf {{.*}} : vector<32xf32>
// CHECK: vector.transfer_write {{.*}}, %[[M]] {{.*}} : vector<32xf32>
func.func @bias_relu(%x: tensor<17x129xf32>, %b: tensor<129xf32>) -> tensor<17x129xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<17x129xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<17x129xf32>, tensor<129xf32>) outs(%e : tensor<17x129xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<17x129xf32>
  return %0 : tensor<17x129xf32>
}

// 1024x1024 (>= 32K elements): rows split over 4 equal tasks (2 per thread).
// With one thread, no forall.
// CHECK-LABEL: func.func @big
// CHECK: scf.forall (%{{.*}}) in (4) shared_outs
// CHECK: vector.transfer_read {{.*}} : tensor<1024x1024xf32>, vector<32xf32>
// CHECK: arith.maximumf {{.*}} : vector<32xf32>
// ONE-LABEL: func.func @big
// ONE-NOT: scf.forall
// ONE: arith.maximumf {{.*}} : vector<32xf32>
func.func @big(%x: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x1024xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1024x1024xf32>) outs(%e : tensor<1024x1024xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}

// 3 elements: one masked vector of 8, no loop.
// CHECK-LABEL: func.func @small_1d
// CHECK: vector.constant_mask [3] : vector<8xi1>
// CHECK: math.exp {{.*}} : vector<8xf32>
func.func @small_1d(%x: tensor<3xf32>) -> tensor<3xf32> {
  %e = tensor.empty() : tensor<3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<3xf32>) outs(%e : tensor<3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Index-based bodies, gathers, other types and transposed reads keep loops.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: kiln.scheduled
// CHECK-COUNT-4: linalg.generic
func.func @kept(%x: tensor<4x8xf32>, %t: tensor<8x4xf32>, %i: tensor<4x8xi32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xi32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %ei = tensor.empty() : tensor<4x8xi32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i32
    %jf = arith.sitofp %ji : i32 to f32
    %r = arith.addf %a, %jf : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%i : tensor<4x8xi32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: i32, %o: f32):
    %c0 = arith.constant 0 : index
    %k = arith.index_cast %a : i32 to index
    %r = tensor.extract %x[%c0, %k] : tensor<4x8xf32>
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%i : tensor<4x8xi32>) outs(%ei : tensor<4x8xi32>) {
  ^bb0(%a: i32, %o: i32):
    %r = arith.addi %a, %a : i32
    linalg.yield %r : i32
  } -> tensor<4x8xi32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<8x4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xi32>, tensor<4x8xf32>
}

// softmax's x - max on 4x28: the row maxima keep their reduced dim (a
// 4x1 operand read through a constant 0 index) and are broadcast along the
// row, one scalar read per row; the op is vectorized like any other (it
// was left as scalar loops: 15% of the Transformer's instructions).
#keep = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @sub_row_max
// CHECK-NOT: linalg.generic
// CHECK: vector.transfer_read {{.*}} : tensor<4x28xf32>, vector<32xf32>
// CHECK: %[[M:.*]] = vector.transfer_read {{.*}} : tensor<4x1xf32>, vector<f32>
// CHECK: vector.broadcast %[[M]] : vector<f32> to vector<32xf32>
// CHECK: arith.subf {{.*}} : vector<32xf32>
// CHECK: math.exp {{.*}} : vector<32xf32>
func.func @sub_row_max(%x: tensor<4x28xf32>, %m: tensor<4x1xf32>) -> tensor<4x28xf32> {
  %e = tensor.empty() : tensor<4x28xf32>
  %0 = linalg.generic {indexing_maps = [#id, #keep, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %m : tensor<4x28xf32>, tensor<4x1xf32>) outs(%e : tensor<4x28xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    %r = math.exp %s : f32
    linalg.yield %r : f32
  } -> tensor<4x28xf32>
  return %0 : tensor<4x28xf32>
}
