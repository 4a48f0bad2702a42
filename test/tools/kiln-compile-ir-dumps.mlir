// RUN: rm -rf %t && mkdir -p %t

// --dump-ir-dir writes the IR after each pass to DIR/NN-<pass>.mlir,
// numbered in pipeline order from 01.
// RUN: kiln-compile %s -o %t/model --emit=mlir --dump-ir-dir=%t/dump
// RUN: ls %t/dump | FileCheck %s --check-prefix=DIR
// DIR:      01-kiln-decompose.mlir
// DIR-NEXT: 02-kiln-expand.mlir
// DIR:      {{^[0-9][0-9]}}-kiln-lower-to-linalg.mlir
// DIR:      {{^[0-9][0-9]}}-one-shot-bufferize.mlir
// DIR:      {{^[0-9][0-9]}}-kiln-plan-memory.mlir
// DIR:      {{^[0-9][0-9]}}-convert-func-to-llvm.mlir
// DIR:      {{^[0-9][0-9]}}-reconcile-unrealized-casts.mlir

// Each file is the whole module after that pass: softmax is gone after
// kiln-expand; no kiln op is left after kiln-lower-to-linalg; the arena
// appears with kiln-plan-memory.
// RUN: FileCheck %s --check-prefix=EXPAND --input-file=%t/dump/02-kiln-expand.mlir
// EXPAND: IR Dump After {{.*}}kiln-expand
// EXPAND-NOT: kiln.softmax
// EXPAND: kiln.reduce_max
// EXPAND-NOT: kiln.softmax
// RUN: cat %t/dump/*-kiln-lower-to-linalg.mlir | FileCheck %s --check-prefix=LINALG
// LINALG: IR Dump After {{.*}}kiln-lower-to-linalg
// LINALG-NOT: {{kiln\.[a-z_0-9]+ %}}
// LINALG: linalg.matmul
// LINALG-NOT: {{kiln\.[a-z_0-9]+ %}}
// RUN: cat %t/dump/*-kiln-plan-memory.mlir | FileCheck %s --check-prefix=PLAN
// PLAN: func.func @predict({{.*}}, %{{.+}}: memref<{{[0-9]+}}xi8>) attributes {kiln.arena_size = {{[0-9]+}} : i64{{.*}}}
// PLAN: memref.view

// Large constants (more than 16 elements) are elided in dumps; small ones
// are printed whole. The compiled output itself is unaffected.
// RUN: FileCheck %s --check-prefix=ELIDED --input-file=%t/dump/01-kiln-decompose.mlir
// ELIDED: kiln.constant dense_resource<__elided__> : tensor<4x8xf32>
// ELIDED: kiln.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]> : tensor<8xf32>
// RUN: FileCheck %s --check-prefix=OUT --input-file=%t/model.mlir
// OUT-NOT: __elided__
// OUT: llvm.mlir.global

// --print-full-constants prints them whole.
// RUN: kiln-compile %s -o %t/full --emit=mlir --dump-ir-dir=%t/full-dump --print-full-constants
// RUN: FileCheck %s --check-prefix=FULL --input-file=%t/full-dump/01-kiln-decompose.mlir
// FULL-NOT: __elided__
// FULL: kiln.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, {{.*}}, 3.100000e+01]]> : tensor<4x8xf32>

// --print-ir-after=PASS prints to stderr after that pass only.
// RUN: kiln-compile %s -o %t/one --emit=mlir --print-ir-after=kiln-lower-to-linalg 2>&1 | FileCheck %s --check-prefix=ONE
// ONE-NOT: IR Dump After {{.*}}kiln-expand
// ONE: IR Dump After {{.*}}kiln-lower-to-linalg
// ONE: linalg.matmul
// ONE: return
// ONE-NOT: IR Dump After

// --print-ir-after-all prints after every pass, in order.
// RUN: kiln-compile %s -o %t/all --emit=mlir --print-ir-after-all 2>&1 | FileCheck %s --check-prefix=ALL
// ALL: IR Dump After {{.*}}kiln-decompose
// ALL: IR Dump After {{.*}}kiln-expand
// ALL: IR Dump After {{.*}}kiln-lower-to-linalg
// ALL: IR Dump After {{.*}}one-shot-bufferize
// ALL: IR Dump After {{.*}}kiln-plan-memory
// ALL: IR Dump After {{.*}}convert-func-to-llvm
// ALL: llvm.func @predict

// Without these options nothing is printed.
// RUN: kiln-compile %s -o %t/quiet --emit=mlir 2>&1 | count 0

func.func @predict(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %big = kiln.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<4x8xf32>
  %small = kiln.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %w = kiln.constant dense<0.5> : tensor<8x8xf32>
  %0 = kiln.add %x, %big : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = kiln.mul %0, %small : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = kiln.matmul %1, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %3 = kiln.softmax %2 : tensor<4x8xf32>
  return %3 : tensor<4x8xf32>
}
