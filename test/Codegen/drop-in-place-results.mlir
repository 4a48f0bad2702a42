// RUN: kiln-opt %s --split-input-file --verify-diagnostics --kiln-drop-in-place-results | FileCheck %s

// After bufferization, a result marked kiln.in_place_of that is its argument
// is dropped; other results stay.
// CHECK-LABEL: func.func @step(
// CHECK-SAME: %[[P:.*]]: memref<4xf32>, %[[L:.*]]: memref<f32>) -> memref<f32>
// CHECK: return %[[L]] : memref<f32>
func.func @step(%p: memref<4xf32>, %loss: memref<f32>)
    -> (memref<f32>, memref<4xf32> {kiln.in_place_of = 0 : i64}) {
  return %loss, %p : memref<f32>, memref<4xf32>
}

// -----

// A marked result that is not its argument would need a copy per call.
// expected-error @below {{result 0 should have been updated in place of argument 0 but was not}}
func.func @copied(%p: memref<4xf32>) -> (memref<4xf32> {kiln.in_place_of = 0 : i64}) {
  %a = memref.alloc() : memref<4xf32>
  return %a : memref<4xf32>
}
