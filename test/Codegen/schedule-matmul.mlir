// RUN: kiln-opt %s --kiln-schedule-matmul | FileCheck %s

// 17x250 times 250x129 (1.1 MFLOP: enough for threads; no tile divides):
// A, B and C are packed with zero padding to 6x16 register tiles, C's
// blocks are an scf.forall (threads),
// and the inner k loop carries one vector<6x16xf32> accumulator through a
// vector.contract. The packs and the unpack are masked vector copies; a
// pack step writes 8 k-rows of a panel as one 2-D transfer (no unit dim,
// so it lowers to one store per row rather than one per element).
// CHECK-LABEL: func.func @mm
// CHECK-SAME: attributes {kiln.scheduled}
// CHECK-NOT: linalg.matmul
// CHECK: vector.transfer_read %arg0{{.*}} : tensor<17x250xf32>, vector<6x8xf32>
// CHECK: vector.transpose {{.*}} to vector<1x8x6xf32>
// CHECK: vector.transfer_write {{.*}} : vector<8x6xf32>, tensor<1x?x6xf32>
// CHECK: scf.forall ({{.*}}) -> (tensor<9x250x16xf32>)
// CHECK: vector.transfer_read %arg1{{.*}} : tensor<250x129xf32>, vector<8x16xf32>
// CHECK-NEXT: vector.create_mask
// CHECK-NEXT: vector.transfer_write {{.*}} : vector<8x16xf32>, tensor<1x?x16xf32>
// CHECK: scf.forall ({{.*}}) -> (tensor<3x9x6x16xf32>)
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<6x16xf32>)
// CHECK-NEXT: vector.transfer_read {{.*}} : tensor<3x250x6xf32>, vector<6xf32>
// CHECK-NEXT: vector.transfer_read {{.*}} : tensor<9x250x16xf32>, vector<16xf32>
// CHECK: vector.contract {{.*}} : vector<1x6xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK: scf.forall ({{.*}}) -> (tensor<17x129xf32>)
// CHECK: vector.create_mask {{.*}} : vector<6x16xi1>
// CHECK-NEXT: vector.transfer_write {{.*}} : vector<6x16xf32>, tensor<?x?xf32>
func.func @mm(%a: tensor<17x250xf32>, %b: tensor<250x129xf32>) -> tensor<17x129xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<17x129xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<17x129xf32>) -> tensor<17x129xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<17x250xf32>, tensor<250x129xf32>) outs(%c : tensor<17x129xf32>) -> tensor<17x129xf32>
  return %0 : tensor<17x129xf32>
}

// A product under 1 MFLOP takes one task, and when its panels fit the L2
// budget whole it is one block: no forall (which two threads would make a
// fork/join) for the packs, the product or the unpack.
// CHECK-LABEL: func.func @mm_one_block
// CHECK-NOT: scf.forall
// CHECK: return
func.func @mm_one_block(%a: tensor<17x7xf32>, %b: tensor<7x129xf32>) -> tensor<17x129xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<17x129xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<17x129xf32>) -> tensor<17x129xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<17x7xf32>, tensor<7x129xf32>) outs(%c : tensor<17x129xf32>) -> tensor<17x129xf32>
  return %0 : tensor<17x129xf32>
}

// A batch of 5 products of 17x256 times 256x29: the same packed layouts with the
// batch outermost ([B][M/mr][K][mr], [B][N/nr][K][nr],
// [B][M/mr][N/nr][mr][nr]); the threads take whole products (an scf.forall
// over the batch) and each product runs the 6x16 register tile. (Products
// of under 1 MFLOP in all are not split for threads, see
// schedule-matmul-avx512.mlir.)
// CHECK-LABEL: func.func @bmm
// CHECK-SAME: attributes {kiln.scheduled}
// CHECK-NOT: linalg.batch_matmul
// CHECK: scf.forall (%{{.+}}) in (5) {{.*}} -> (tensor<5x3x256x6xf32>)
// CHECK: vector.transfer_write {{.*}} : vector<8x6xf32>, tensor<1x3x256x6xf32>
// CHECK: scf.forall (%{{.+}}) in (5) {{.*}} -> (tensor<5x2x256x16xf32>)
// CHECK: vector.transfer_write {{.*}} : vector<8x16xf32>, tensor<1x2x256x16xf32>
// CHECK: scf.forall (%[[B:.+]]) in (5) {{.*}} -> (tensor<5x3x2x6x16xf32>)
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<6x16xf32>)
// CHECK-NEXT: vector.transfer_read %{{.+}}[%[[B]], {{.*}} : tensor<5x3x256x6xf32>, vector<6xf32>
// CHECK-NEXT: vector.transfer_read %{{.+}}[%[[B]], {{.*}} : tensor<5x2x256x16xf32>, vector<16xf32>
// CHECK: vector.contract {{.*}} : vector<1x6xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK: scf.forall ({{.*}}) -> (tensor<5x17x29xf32>)
// CHECK: vector.create_mask {{.*}} : vector<6x16xi1>
// CHECK-NEXT: vector.transfer_write {{.*}} : vector<6x16xf32>, tensor<1x?x?xf32>
func.func @bmm(%a: tensor<5x17x256xf32>, %b: tensor<5x256x29xf32>) -> tensor<5x17x29xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x17x29xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<5x17x29xf32>) -> tensor<5x17x29xf32>
  %0 = linalg.batch_matmul ins(%a, %b : tensor<5x17x256xf32>, tensor<5x256x29xf32>) outs(%c : tensor<5x17x29xf32>) -> tensor<5x17x29xf32>
  return %0 : tensor<5x17x29xf32>
}

// A batch of 2 large products is too short for 2 tasks per thread: each
// product is split too (forall over the batch and N1 blocks; M1 stays
// whole).
// CHECK-LABEL: func.func @bmm_short
// CHECK: scf.forall (%{{.+}}, %{{.+}}) in (2, 2) {{.*}} -> (tensor<2x11x5x6x16xf32>)
func.func @bmm_short(%a: tensor<2x64x128xf32>, %b: tensor<2x128x80xf32>) -> tensor<2x64x80xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x64x80xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<2x64x80xf32>) -> tensor<2x64x80xf32>
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x64x128xf32>, tensor<2x128x80xf32>) outs(%c : tensor<2x64x80xf32>) -> tensor<2x64x80xf32>
  return %0 : tensor<2x64x80xf32>
}

// Integer matmuls and batched ones with transposing maps keep loops.
// CHECK-LABEL: func.func @int_mm
// CHECK: linalg.matmul
func.func @int_mm(%a: tensor<4x4xi32>, %b: tensor<4x4xi32>, %c: tensor<4x4xi32>) -> tensor<4x4xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xi32>, tensor<4x4xi32>) outs(%c : tensor<4x4xi32>) -> tensor<4x4xi32>
  return %0 : tensor<4x4xi32>
}

// A constant operand is packed at compile time (each matmul is scheduled in
// a scratch function with its fill and constant producers): B's panel
// [N/16][K][16] holds row k of B, zero padded, and the register tile
// reads it; only A is packed at run time.
// CHECK-LABEL: func.func @const_weight
// CHECK-SAME: attributes {kiln.scheduled}
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.pack
// CHECK: %[[W:.+]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 0.000000e+00, {{.*}}> : tensor<1x3x16xf32>
// CHECK: vector.transfer_read %arg0
// CHECK: scf.for
// CHECK: vector.transfer_read %[[W]]
// CHECK: vector.contract
func.func @const_weight(%a: tensor<4x3xf32>) -> tensor<4x5xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [0.5, 0.5, 0.5, 0.5, 0.5], [-1.0, 0.0, 1.0, 2.0, 3.0]]> : tensor<3x5xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x5xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<4x5xf32>) -> tensor<4x5xf32>
  %0 = linalg.matmul ins(%a, %w : tensor<4x3xf32>, tensor<3x5xf32>) outs(%c : tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// A batch_matmul with transposing maps keeps loops (the lowering copies
// transposed operands out instead).
// CHECK-LABEL: func.func @bmm_transposed_map
// CHECK: linalg.batch_matmul
func.func @bmm_transposed_map(%a: tensor<2x4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x4x5xf32>) -> tensor<2x4x5xf32> {
  %0 = linalg.batch_matmul indexing_maps = [
      affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>,
      affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>,
      affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
      ins(%a, %b : tensor<2x4x3xf32>, tensor<2x5x3xf32>) outs(%c : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// An elementwise epilogue (bias + relu), the product's one user, is fused
// into the product's tiles: the unpack is fused into the epilogue's forall,
// each 6x16 tile of C goes from the packed result through the add and the
// max in registers to one masked write of the epilogue's result, and no
// generic is left.
#row = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @epilogue
// CHECK: scf.forall ({{.*}}) -> (tensor<3x9x6x16xf32>)
// CHECK: scf.forall ({{.*}}) -> (tensor<17x129xf32>)
// CHECK: %[[C:.+]] = vector.transfer_read {{.*}} : tensor<3x9x6x16xf32>, vector<6x16xf32>
// CHECK: %[[B:.+]] = vector.transfer_read %arg2{{.*}} : tensor<129xf32>, vector<16xf32>
// CHECK: %[[BB:.+]] = vector.broadcast %[[B]]
// CHECK: %[[S:.+]] = arith.addf %[[BB]], %[[C]] : vector<6x16xf32>
// CHECK: %[[R:.+]] = arith.maximumf %[[S]]
// CHECK: vector.transfer_write %[[R]]
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @epilogue(%a: tensor<17x250xf32>, %b: tensor<250x129xf32>, %bias: tensor<129xf32>) -> tensor<17x129xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<17x129xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<17x129xf32>) -> tensor<17x129xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<17x250xf32>, tensor<250x129xf32>) outs(%c : tensor<17x129xf32>) -> tensor<17x129xf32>
  %1 = linalg.generic {indexing_maps = [#col, #row, #row], iterator_types = ["parallel", "parallel"]} ins(%bias, %0 : tensor<129xf32>, tensor<17x129xf32>) outs(%e : tensor<17x129xf32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<17x129xf32>
  return %1 : tensor<17x129xf32>
}

// A product whose result has another use keeps its own unpack (a forall
// writing C); the elementwise op is left to kiln-schedule-elementwise.
// CHECK-LABEL: func.func @two_uses
// CHECK: scf.forall ({{.*}}) -> (tensor<17x129xf32>)
// CHECK: linalg.generic
func.func @two_uses(%a: tensor<17x250xf32>, %b: tensor<250x129xf32>) -> (tensor<17x129xf32>, tensor<17x129xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<17x129xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<17x129xf32>) -> tensor<17x129xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<17x250xf32>, tensor<250x129xf32>) outs(%c : tensor<17x129xf32>) -> tensor<17x129xf32>
  %1 = linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel", "parallel"]} ins(%0 : tensor<17x129xf32>) outs(%e : tensor<17x129xf32>) {
  ^bb0(%x: f32, %out: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  } -> tensor<17x129xf32>
  return %0, %1 : tensor<17x129xf32>, tensor<17x129xf32>
}

// A batched product's epilogue (attention's scaling of its scores) is fused
// the same way, per product of the batch.
// CHECK-LABEL: func.func @bmm_epilogue
// CHECK: vector.contract
// CHECK: %[[C:.+]] = vector.transfer_read {{.*}} : tensor<5x3x2x6x16xf32>, vector<6x16xf32>
// CHECK: %[[R:.+]] = arith.mulf %[[C]], {{.*}} : vector<6x16xf32>
// CHECK: vector.transfer_write %[[R]], {{.*}} : vector<6x16xf32>, tensor<1x?x?xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @bmm_epilogue(%a: tensor<5x17x64xf32>, %b: tensor<5x64x29xf32>) -> tensor<5x17x29xf32> {
  %zero = arith.constant 0.0 : f32
  %s = arith.constant 0.125 : f32
  %e = tensor.empty() : tensor<5x17x29xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<5x17x29xf32>) -> tensor<5x17x29xf32>
  %0 = linalg.batch_matmul ins(%a, %b : tensor<5x17x64xf32>, tensor<5x64x29xf32>) outs(%c : tensor<5x17x29xf32>) -> tensor<5x17x29xf32>
  %1 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%0 : tensor<5x17x29xf32>) outs(%e : tensor<5x17x29xf32>) {
  ^bb0(%x: f32, %out: f32):
    %r = arith.mulf %x, %s : f32
    linalg.yield %r : f32
  } -> tensor<5x17x29xf32>
  return %1 : tensor<5x17x29xf32>
}

// An elementwise producer of an operand whose one user is the product (a
// layer norm's scale before a dense layer) is computed within the operand's
// pack: each 6x8 tile of A is read, scaled and transposed into the packed
// layout in registers, with zeros where the pack pads.
// CHECK-LABEL: func.func @prologue
// CHECK-NOT: linalg.generic
// CHECK: scf.for {{.*}} -> (tensor<3x7x6xf32>)
// CHECK: %[[M:.+]] = vector.create_mask {{.*}} : vector<6x8xi1>
// CHECK: %[[X:.+]] = vector.transfer_read %arg0{{.*}}, %[[M]] {{.*}} : tensor<17x7xf32>, vector<6x8xf32>
// CHECK: %[[S:.+]] = arith.mulf %[[X]], {{.*}} : vector<6x8xf32>
// CHECK: arith.select %[[M]], %[[S]], {{.*}} : vector<6x8xi1>, vector<6x8xf32>
// CHECK: vector.transpose
// CHECK-NOT: linalg.generic
// CHECK: return
#bcast = affine_map<(d0, d1) -> (d1)>
func.func @prologue(%x: tensor<17x7xf32>, %g: tensor<7xf32>, %b: tensor<7x129xf32>) -> tensor<17x129xf32> {
  %zero = arith.constant 0.0 : f32
  %ea = tensor.empty() : tensor<17x7xf32>
  %a = linalg.generic {indexing_maps = [#row, #bcast, #row], iterator_types = ["parallel", "parallel"]} ins(%x, %g : tensor<17x7xf32>, tensor<7xf32>) outs(%ea : tensor<17x7xf32>) {
  ^bb0(%u: f32, %v: f32, %out: f32):
    %s = arith.mulf %u, %v : f32
    linalg.yield %s : f32
  } -> tensor<17x7xf32>
  %e = tensor.empty() : tensor<17x129xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<17x129xf32>) -> tensor<17x129xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<17x7xf32>, tensor<7x129xf32>) outs(%c : tensor<17x129xf32>) -> tensor<17x129xf32>
  return %0 : tensor<17x129xf32>
}

// The same for B (8 k-steps by 16 columns per tile) and for a batched
// product's operand.
// CHECK-LABEL: func.func @prologue_b
// CHECK-NOT: linalg.generic
// CHECK: math.tanh {{.*}} : vector<8x16xf32>
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func @prologue_bmm
// CHECK-NOT: linalg.generic
// CHECK: arith.mulf {{.*}} : vector<6x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @prologue_b(%a: tensor<17x7xf32>, %w: tensor<7x129xf32>) -> tensor<17x129xf32> {
  %zero = arith.constant 0.0 : f32
  %eb = tensor.empty() : tensor<7x129xf32>
  %b = linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<7x129xf32>) outs(%eb : tensor<7x129xf32>) {
  ^bb0(%u: f32, %out: f32):
    %s = math.tanh %u : f32
    linalg.yield %s : f32
  } -> tensor<7x129xf32>
  %e = tensor.empty() : tensor<17x129xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<17x129xf32>) -> tensor<17x129xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<17x7xf32>, tensor<7x129xf32>) outs(%c : tensor<17x129xf32>) -> tensor<17x129xf32>
  return %0 : tensor<17x129xf32>
}
func.func @prologue_bmm(%x: tensor<5x17x64xf32>, %b: tensor<5x64x29xf32>) -> tensor<5x17x29xf32> {
  %zero = arith.constant 0.0 : f32
  %s = arith.constant 0.125 : f32
  %ea = tensor.empty() : tensor<5x17x64xf32>
  %a = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<5x17x64xf32>) outs(%ea : tensor<5x17x64xf32>) {
  ^bb0(%u: f32, %out: f32):
    %r = arith.mulf %u, %s : f32
    linalg.yield %r : f32
  } -> tensor<5x17x64xf32>
  %e = tensor.empty() : tensor<5x17x29xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<5x17x29xf32>) -> tensor<5x17x29xf32>
  %0 = linalg.batch_matmul ins(%a, %b : tensor<5x17x64xf32>, tensor<5x64x29xf32>) outs(%c : tensor<5x17x29xf32>) -> tensor<5x17x29xf32>
  return %0 : tensor<5x17x29xf32>
}
