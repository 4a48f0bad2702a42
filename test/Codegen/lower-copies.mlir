// RUN: kiln-opt %s --kiln-lower-copies | FileCheck %s

// A copy out of a strided view becomes linalg.copy (loops later), not a call
// into MLIR's C runner library.
// CHECK-LABEL: func.func @strided
// CHECK: linalg.copy ins(%{{.*}} : memref<2x2xf32, strided<[4, 1], offset: 5>>) outs(%{{.*}} : memref<2x2xf32>)
// CHECK-NOT: memref.copy
func.func @strided(%src: memref<4x4xf32>, %dst: memref<2x2xf32>) {
  %v = memref.subview %src[1, 1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  memref.copy %v, %dst : memref<2x2xf32, strided<[4, 1], offset: 5>> to memref<2x2xf32>
  return
}

// Contiguous copies stay memref.copy: they lower to llvm.memcpy.
// CHECK-LABEL: func.func @contiguous
// CHECK: memref.copy
// CHECK-NOT: linalg.copy
func.func @contiguous(%src: memref<4x4xf32>, %dst: memref<4x4xf32>) {
  memref.copy %src, %dst : memref<4x4xf32> to memref<4x4xf32>
  return
}
