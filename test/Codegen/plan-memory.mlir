// RUN: kiln-opt %s --kiln-plan-memory --split-input-file | FileCheck %s

// kiln-plan-memory replaces each static memref.alloc with a memref.view into
// a new trailing memref<Nxi8> argument, the arena. A buffer is live from its
// alloc to the last top-level op using it (or a view of it); buffers whose
// live ranges are disjoint share bytes; sizes round up to 64 bytes; larger
// buffers are placed first (first fit). N is also the function's
// kiln.arena_size.

// A chain a -> b -> c of 256-byte buffers: a and b overlap (a is read while
// b is written), b and c overlap, but a is dead before c is allocated, so c
// reuses a's offset 0 and the arena is 2 x 256 bytes, not 3 x 256.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[X:[^:]+]]: memref<64xf32>, %[[OUT:[^:]+]]: memref<64xf32>, %[[ARENA:[^:]+]]: memref<512xi8>)
// CHECK-SAME: attributes {kiln.arena_size = 512 : i64}
// CHECK-NOT: memref.alloc
// CHECK: %[[OA:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.+]] = memref.view %[[ARENA]][%[[OA]]][] : memref<512xi8> to memref<64xf32>
// CHECK-NEXT: memref.copy %[[X]], %[[A]]
// CHECK-NEXT: %[[OB:.+]] = arith.constant 256 : index
// CHECK-NEXT: %[[B:.+]] = memref.view %[[ARENA]][%[[OB]]][] : memref<512xi8> to memref<64xf32>
// CHECK-NEXT: memref.copy %[[A]], %[[B]]
// CHECK-NEXT: %[[OC:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[C:.+]] = memref.view %[[ARENA]][%[[OC]]][] : memref<512xi8> to memref<64xf32>
// CHECK-NEXT: memref.copy %[[B]], %[[C]]
// CHECK-NEXT: memref.copy %[[C]], %[[OUT]]
// CHECK-NOT: memref.alloc
func.func @chain(%x: memref<64xf32>, %out: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  memref.copy %x, %a : memref<64xf32> to memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  memref.copy %a, %b : memref<64xf32> to memref<64xf32>
  %c = memref.alloc() : memref<64xf32>
  memref.copy %b, %c : memref<64xf32> to memref<64xf32>
  memref.copy %c, %out : memref<64xf32> to memref<64xf32>
  return
}

// -----

// Three buffers live at once: every one gets its own bytes. Sizes round up
// to 64 bytes (3 x f32 = 12 -> 64; 10 x i1, one byte each, -> 64) and the
// largest buffer (1024 bytes) is placed first, at offset 0, even though it
// is allocated last.
// CHECK-LABEL: func.func @overlapping_sizes(
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<1152xi8>)
// CHECK-SAME: attributes {kiln.arena_size = 1152 : i64}
// CHECK: %[[O1:.+]] = arith.constant 1024 : index
// CHECK-NEXT: memref.view %[[ARENA]][%[[O1]]][] : memref<1152xi8> to memref<3xf32>
// CHECK-NEXT: %[[O2:.+]] = arith.constant 1088 : index
// CHECK-NEXT: memref.view %[[ARENA]][%[[O2]]][] : memref<1152xi8> to memref<10xi1>
// CHECK-NEXT: %[[O3:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[ARENA]][%[[O3]]][] : memref<1152xi8> to memref<256xf32>
func.func @overlapping_sizes(%x: memref<3xf32>, %m: memref<10xi1>, %out: memref<256xf32>) {
  %small = memref.alloc() : memref<3xf32>
  %bits = memref.alloc() : memref<10xi1>
  %big = memref.alloc() : memref<256xf32>
  memref.copy %x, %small : memref<3xf32> to memref<3xf32>
  memref.copy %m, %bits : memref<10xi1> to memref<10xi1>
  memref.copy %big, %out : memref<256xf32> to memref<256xf32>
  memref.copy %bits, %m : memref<10xi1> to memref<10xi1>
  memref.copy %small, %x : memref<3xf32> to memref<3xf32>
  return
}

// -----

// A use through a view (collapse_shape) keeps the buffer live: %a is last
// used, through %s, after %b is written, so they must not share bytes.
// CHECK-LABEL: func.func @use_through_view(
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<512xi8>)
// CHECK-SAME: kiln.arena_size = 512
// CHECK: %[[OA:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.+]] = memref.view %[[ARENA]][%[[OA]]][] : memref<512xi8> to memref<4x16xf32>
// CHECK-NEXT: %[[S:.+]] = memref.view %[[ARENA]][%[[OA]]][] : memref<512xi8> to memref<64xf32>
// CHECK-NEXT: %[[OB:.+]] = arith.constant 256 : index
// CHECK-NEXT: %[[B:.+]] = memref.view %[[ARENA]][%[[OB]]][] : memref<512xi8> to memref<64xf32>
// CHECK: memref.copy %[[B]], %[[S]]
func.func @use_through_view(%x: memref<64xf32>, %out: memref<64xf32>) {
  %a = memref.alloc() : memref<4x16xf32>
  %s = memref.collapse_shape %a [[0, 1]] : memref<4x16xf32> into memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  memref.copy %x, %b : memref<64xf32> to memref<64xf32>
  memref.copy %b, %s : memref<64xf32> to memref<64xf32>
  memref.copy %s, %out : memref<64xf32> to memref<64xf32>
  return
}

// -----

// A reshape that regroups dims bufferizes as collapse_shape then
// expand_shape; of an arena buffer it is one view of the same bytes.
// CHECK-LABEL: func.func @regrouping_reshape(
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<3072xi8>)
// CHECK: %[[O:.+]] = arith.constant 0 : index
// CHECK: %[[R:.+]] = memref.view %[[ARENA]][%[[O]]][] : memref<3072xi8> to memref<12x64xf32>
// CHECK-NOT: memref.collapse_shape
// CHECK-NOT: memref.expand_shape
// CHECK: memref.copy %[[R]], %{{.+}} : memref<12x64xf32> to memref<12x64xf32>
func.func @regrouping_reshape(%x: memref<3x16x16xf32>, %out: memref<12x64xf32>) {
  %a = memref.alloc() : memref<3x16x16xf32>
  memref.copy %x, %a : memref<3x16x16xf32> to memref<3x16x16xf32>
  %c = memref.collapse_shape %a [[0, 1, 2]] : memref<3x16x16xf32> into memref<768xf32>
  %e = memref.expand_shape %c [[0, 1]] output_shape [12, 64] : memref<768xf32> into memref<12x64xf32>
  memref.copy %e, %out : memref<12x64xf32> to memref<12x64xf32>
  return
}

// -----

// A use nested in a region counts at the top-level op that holds it: %a is
// read inside the linalg.generic that reads %b, so they overlap.
// CHECK-LABEL: func.func @use_in_region(
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<128xi8>)
// CHECK-SAME: kiln.arena_size = 128
// CHECK: %[[OA:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.+]] = memref.view %[[ARENA]][%[[OA]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[OB:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[B:.+]] = memref.view %[[ARENA]][%[[OB]]][] : memref<128xi8> to memref<16xf32>
// CHECK: linalg.generic {{.+}} ins(%[[B]] : memref<16xf32>)
// CHECK: memref.load %[[A]]
#id = affine_map<(d0) -> (d0)>
func.func @use_in_region(%x: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %x, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %x, %b : memref<16xf32> to memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%b : memref<16xf32>) outs(%out : memref<16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c0 = arith.constant 0 : index
    %v = memref.load %a[%c0] : memref<16xf32>
    %s = arith.addf %in, %v : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Deallocations of planned buffers are removed (the arena outlives the call).
// CHECK-LABEL: func.func @dealloc(
// CHECK-SAME: memref<64xi8>
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @dealloc(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  return
}

// -----

// Without allocations the arena is empty (memref<0xi8>, size 0); each
// function gets its own arena; declarations are left alone.
// CHECK-LABEL: func.func private @external(memref<4xf32>)
// CHECK-LABEL: func.func @no_buffers(
// CHECK-SAME: %{{.+}}: memref<4xf32>, %{{.+}}: memref<0xi8>) attributes {kiln.arena_size = 0 : i64}
// CHECK-LABEL: func.func @one_buffer(
// CHECK-SAME: %{{.+}}: memref<128xi8>) attributes {kiln.arena_size = 128 : i64}
func.func private @external(memref<4xf32>)
func.func @no_buffers(%x: memref<4xf32>) {
  return
}
func.func @one_buffer(%x: memref<32xf32>) {
  %a = memref.alloc() : memref<32xf32>
  memref.copy %x, %a : memref<32xf32> to memref<32xf32>
  return
}

// -----

// A call passes the callee (planned first, wherever it is in the module) a
// block of the caller's arena, live during the call only: here the 128
// bytes the callee needs go after %a, which the call reads, and %b, born
// after the call, reuses offset 0. A call of a declaration passes nothing.
// CHECK-LABEL: func.func private @declared(memref<64xf32>)
// CHECK-LABEL: func.func @caller(
// CHECK-SAME: %[[X:[^:]+]]: memref<64xf32>, %[[OUT:[^:]+]]: memref<64xf32>, %[[ARENA:[^:]+]]: memref<384xi8>)
// CHECK-SAME: attributes {kiln.arena_size = 384 : i64}
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<384xi8> to memref<64xf32>
// CHECK: %[[OC:.+]] = arith.constant 256 : index
// CHECK-NEXT: %[[C:.+]] = memref.view %[[ARENA]][%[[OC]]][] : memref<384xi8> to memref<128xi8>
// CHECK-NEXT: call @callee(%[[A]], %[[OUT]], %[[C]]) : (memref<64xf32>, memref<64xf32>, memref<128xi8>) -> ()
// CHECK-NEXT: call @declared(%[[OUT]]) : (memref<64xf32>) -> ()
// CHECK-NEXT: %[[OB:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[ARENA]][%[[OB]]][] : memref<384xi8> to memref<64xf32>
// CHECK-LABEL: func.func @callee(
// CHECK-SAME: memref<128xi8>) attributes {kiln.arena_size = 128 : i64}
func.func private @declared(memref<64xf32>)
func.func @caller(%x: memref<64xf32>, %out: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  memref.copy %x, %a : memref<64xf32> to memref<64xf32>
  call @callee(%a, %out) : (memref<64xf32>, memref<64xf32>) -> ()
  call @declared(%out) : (memref<64xf32>) -> ()
  %b = memref.alloc() : memref<64xf32>
  memref.copy %out, %b : memref<64xf32> to memref<64xf32>
  memref.copy %b, %out : memref<64xf32> to memref<64xf32>
  return
}
func.func @callee(%x: memref<64xf32>, %out: memref<64xf32>) {
  %t = memref.alloc() : memref<32xf32>
  %s = memref.subview %x[0] [32] [1] : memref<64xf32> to memref<32xf32, strided<[1]>>
  memref.copy %s, %t : memref<32xf32, strided<[1]>> to memref<32xf32>
  %o = memref.subview %out[32] [32] [1] : memref<64xf32> to memref<32xf32, strided<[1], offset: 32>>
  memref.copy %t, %o : memref<32xf32> to memref<32xf32, strided<[1], offset: 32>>
  return
}
