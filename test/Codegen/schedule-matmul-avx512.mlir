// RUN: kiln-opt %s --kiln-schedule-matmul | FileCheck %s

// The module's target model (kiln.target, which kiln-compile sets from the
// target CPU's features) says 512-bit vectors and 32 registers: the register
// tile becomes 14x32 (two vectors per row, 28 accumulators; 6x16 on the
// default AVX2 model), and the packs pad A to 14 rows and B to 32 columns.
// A product this small (31K flops) is not split across threads: no
// scf.forall.
// CHECK-LABEL: func.func @mm
// CHECK-NOT: scf.forall
// CHECK: scf.for {{.*}} -> (tensor<5x7x32xf32>)
// CHECK: scf.for {{.*}} -> (tensor<2x5x14x32xf32>)
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<14x32xf32>)
// CHECK: vector.contract {{.*}} : vector<1x14xf32>, vector<1x32xf32> into vector<14x32xf32>
module attributes {kiln.target = {vector_bits = 512 : i64, vector_registers = 32 : i64}} {
  func.func @mm(%a: tensor<17x7xf32>, %b: tensor<7x129xf32>) -> tensor<17x129xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<17x129xf32>
    %c = linalg.fill ins(%zero : f32) outs(%e : tensor<17x129xf32>) -> tensor<17x129xf32>
    %0 = linalg.matmul ins(%a, %b : tensor<17x7xf32>, tensor<7x129xf32>) outs(%c : tensor<17x129xf32>) -> tensor<17x129xf32>
    return %0 : tensor<17x129xf32>
  }
}
