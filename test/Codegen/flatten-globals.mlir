// RUN: kiln-opt %s --kiln-flatten-globals | FileCheck %s

// A 2x3 constant global is stored as 6 floats and read back through an
// expand_shape; 1-D and mutable globals stay as they are.
// CHECK: memref.global "private" constant @w : memref<6xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]>
// CHECK: memref.global "private" constant @v : memref<2xf32>
// CHECK: memref.global "private" @state : memref<2x2xf32>
// CHECK-LABEL: func.func @read
// CHECK: %[[FLAT:.+]] = memref.get_global @w : memref<6xf32>
// CHECK: %[[W:.+]] = memref.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
// CHECK: %[[V:.+]] = memref.get_global @v : memref<2xf32>
// CHECK: %[[S:.+]] = memref.get_global @state : memref<2x2xf32>
// CHECK: return %[[W]], %[[V]], %[[S]]
memref.global "private" constant @w : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
memref.global "private" constant @v : memref<2xf32> = dense<[1.0, 2.0]>
memref.global "private" @state : memref<2x2xf32> = dense<0.0>
func.func @read() -> (memref<2x3xf32>, memref<2xf32>, memref<2x2xf32>) {
  %w = memref.get_global @w : memref<2x3xf32>
  %v = memref.get_global @v : memref<2xf32>
  %s = memref.get_global @state : memref<2x2xf32>
  return %w, %v, %s : memref<2x3xf32>, memref<2xf32>, memref<2x2xf32>
}
