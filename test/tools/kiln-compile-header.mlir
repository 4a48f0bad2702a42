// RUN: rm -rf %t && mkdir -p %t
// RUN: kiln-compile %s -o %t/model --emit=header --target-cpu=x86-64-v3
// RUN: FileCheck %s --input-file=%t/model.h
// RUN: ls %t | FileCheck %s --check-prefix=FILES

// --emit=header writes only NAME.h: per public entry point a comment with
// each argument's name, dtype and shape, the arena size macro, the C
// declaration (inputs const, then outputs, then the arena) and the packed
// variant. Names come from kiln.name or default to argN / resultN.

// FILES-NOT: model.{{[^h]}}
// FILES: model.h
// FILES-NOT: model

// CHECK:      #ifndef MODEL_H
// CHECK-NEXT: #define MODEL_H
// CHECK:      #include <stdbool.h>
// CHECK-NEXT: #include <stdint.h>
// CHECK:      extern "C" {

// The arena of predict holds the packed matmul operands (A, B, C in 2x16
// tiles by kiln-schedule-matmul for the AVX2 CPU the RUN line names: M = 2
// is fewer rows than 6, so the tile takes 2 and B pads to 16 columns),
// the matmul result and the softmax's row maxima and sums, with buffers that
// are not live together sharing bytes.
// CHECK:      /* predict
// CHECK-NEXT:  *   input  x: f32[2, 3]
// CHECK-NEXT:  *   input  w: f32[3, 4]
// CHECK-NEXT:  *   output y: f32[2, 4]
// CHECK-NEXT:  */
// CHECK-NEXT: #define PREDICT_ARENA_SIZE 256
// CHECK-NEXT: void predict(const float *x, const float *w, float *y, void *arena);
// CHECK:      void predict_packed(void **args);
func.func @predict(%x: tensor<2x3xf32> {kiln.name = "x"}, %w: tensor<3x4xf32> {kiln.name = "w"}) -> (tensor<2x4xf32> {kiln.name = "y"}) {
  %0 = kiln.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = kiln.softmax %0 : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// Other dtypes map to C types (i1 -> bool, i64 -> int64_t, f64 -> double);
// rank 0 is []; several results come in order.
// CHECK:      /* scores
// CHECK-NEXT:  *   input  arg0: bool[4]
// CHECK-NEXT:  *   input  arg1: i64[4]
// CHECK-NEXT:  *   input  arg2: f64[]
// CHECK-NEXT:  *   output result0: i64[4]
// CHECK-NEXT:  *   output result1: f64[]
// CHECK-NEXT:  */
// CHECK-NEXT: #define SCORES_ARENA_SIZE {{[0-9]+}}
// CHECK-NEXT: void scores(const bool *arg0, const int64_t *arg1, const double *arg2, int64_t *result0, double *result1, void *arena);
// CHECK:      void scores_packed(void **args);
func.func @scores(%c: tensor<4xi1>, %ids: tensor<4xi64>, %s: tensor<f64>) -> (tensor<4xi64>, tensor<f64>) {
  %z = kiln.constant dense<0> : tensor<4xi64>
  %0 = kiln.select %c, %ids, %z : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0, %s : tensor<4xi64>, tensor<f64>
}

// A private function is not an entry point.
// CHECK-NOT: helper
// CHECK:      #endif /* MODEL_H */
func.func private @helper(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
