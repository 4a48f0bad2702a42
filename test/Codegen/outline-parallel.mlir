// RUN: kiln-opt %s --kiln-outline-parallel | FileCheck %s

// Each outermost omp.parallel moves into an internal function of its own
// (a nested one moves with it), called in its place. The values it uses
// from above are passed, except what pure ops compute: those ops are
// cloned in, down to their non-pure leaves (here the GEP of %p and its
// constant are recomputed; the loaded %v and %p itself are passed).
// CHECK-LABEL: llvm.func internal @host_par(
// CHECK-SAME: %[[P:.+]]: !llvm.ptr, %[[V:.+]]: f32)
// CHECK-NEXT: %[[C:.+]] = llvm.mlir.constant(4 : i64) : i64
// CHECK-NEXT: %[[Q:.+]] = llvm.getelementptr %[[P]][%[[C]]]
// CHECK-NEXT: omp.parallel {
// CHECK-NEXT: llvm.store %[[V]], %[[Q]]
// CHECK-NEXT: omp.parallel {
// CHECK-NEXT: llvm.store %[[V]], %[[P]]
// CHECK: llvm.return
// CHECK-LABEL: llvm.func internal @host_par_0(
// CHECK-SAME: %[[V2:.+]]: f32, %[[N2:.+]]: i64, %[[P2:.+]]: !llvm.ptr)
// CHECK-NEXT: omp.parallel {
// CHECK-NEXT: %[[W:.+]] = llvm.getelementptr %[[P2]][%[[N2]]]
// CHECK-NEXT: llvm.store %[[V2]], %[[W]]
// CHECK-LABEL: llvm.func @host(
// CHECK-SAME: %[[HP:[^:]+]]: !llvm.ptr, %[[HN:[^:]+]]: i64)
// CHECK: %[[HV:.+]] = llvm.load %[[HP]]
// CHECK-NEXT: llvm.call @host_par(%[[HP]], %[[HV]])
// CHECK-NEXT: llvm.call @host_par_0(%[[HV]], %[[HN]], %[[HP]])
// CHECK-NOT: omp.parallel
// CHECK: llvm.return
llvm.func @host(%p: !llvm.ptr, %n: i64) {
  %c = llvm.mlir.constant(4 : i64) : i64
  %q = llvm.getelementptr %p[%c] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  omp.parallel {
    llvm.store %v, %q : f32, !llvm.ptr
    omp.parallel {
      llvm.store %v, %p : f32, !llvm.ptr
      omp.terminator
    }
    omp.terminator
  }
  omp.parallel {
    %w = llvm.getelementptr %p[%n] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    llvm.store %v, %w : f32, !llvm.ptr
    omp.terminator
  }
  llvm.return
}
