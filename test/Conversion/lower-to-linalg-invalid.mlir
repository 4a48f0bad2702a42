// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file -verify-diagnostics
// RUN: not kiln-opt %s --kiln-lower-to-linalg --split-input-file 2>&1 | FileCheck %s --check-prefix=ERR

// An op the lowering does not handle is an error at its location and a
// non-zero exit, not a crash or a silently kept op: softmax and the other
// higher-level ops must go through kiln-expand first.

// ERR: lower-to-linalg-invalid.mlir:[[@LINE+3]]:8: error: failed to legalize operation 'kiln.softmax' that was explicitly marked illegal
func.func @softmax_not_expanded(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // expected-error @below {{failed to legalize operation 'kiln.softmax' that was explicitly marked illegal}}
  %0 = kiln.softmax %x : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// ERR: error: failed to legalize operation 'kiln.layer_norm'
func.func @layer_norm_not_expanded(%x: tensor<2x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{failed to legalize operation 'kiln.layer_norm'}}
  %0 = kiln.layer_norm %x, %s, %b {axis = 1} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// The ops before it lower; the error names the op that is left.
// ERR: error: failed to legalize operation 'kiln.reduce_mean'
// ERR-NOT: Assertion
// ERR-NOT: Stack dump
func.func @after_lowered(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = kiln.exp %x : tensor<3xf32>
  // expected-error @below {{failed to legalize operation 'kiln.reduce_mean'}}
  %1 = kiln.reduce_mean %0 : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
