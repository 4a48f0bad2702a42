// RUN: kiln-opt %s --kiln-plan-memory --split-input-file -verify-diagnostics

// Buffers the arena cannot hold are errors at the allocation.

func.func @dynamic(%n: index) {
  // expected-error @below {{cannot place a dynamically shaped or strided buffer in the arena: 'memref<?xf32>'}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

func.func @strided() {
  // expected-error @below {{cannot place a dynamically shaped or strided buffer in the arena: 'memref<4xf32, strided<[2]>>'}}
  %a = memref.alloc() : memref<4xf32, strided<[2]>>
  return
}

// -----

#id = affine_map<(d0) -> (d0)>
func.func @in_region(%x: memref<16xf32>, %out: memref<16xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : memref<16xf32>) outs(%out : memref<16xf32>) {
  ^bb0(%in: f32, %o: f32):
    // expected-error @below {{cannot place a buffer allocated inside a region in the arena (hoist it first)}}
    %t = memref.alloc() : memref<4xf32>
    linalg.yield %in : f32
  }
  return
}

// -----

// A callee's arena is a block of its caller's: recursion has no plan.
// expected-error @below {{kiln-plan-memory: recursive calls have no arena plan}}
func.func @recursive(%x: memref<4xf32>) {
  call @recursive(%x) : (memref<4xf32>) -> ()
  return
}
