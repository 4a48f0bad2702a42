// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.arange(12, dtype=np.float32).reshape(4, 3))"
// RUN: kiln-run %s --input=%t/x.npy --output-dir=%t --output-format=npy
// RUN: %python -c "import numpy as np; x = np.load('%t/x.npy'); w = np.array([[1, 2, 3, 4, 5], [.5] * 5, [-1, 0, 1, 2, 3]], np.float32); np.testing.assert_allclose(np.load('%t/output_0.npy'), x @ w, rtol=1e-6); print('ok')" | FileCheck %s

// A matmul with a constant, non-zero operand (a weight frozen into an
// inference model) goes through the packed schedule like any other; the
// schedule once failed on it and kiln-run crashed.
// CHECK: ok
func.func @const_weight(%x: tensor<4x3xf32>) -> tensor<4x5xf32> {
  %w = kiln.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [0.5, 0.5, 0.5, 0.5, 0.5], [-1.0, 0.0, 1.0, 2.0, 3.0]]> : tensor<3x5xf32>
  %0 = kiln.matmul %x, %w : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}
