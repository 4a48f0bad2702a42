// RUN: kiln-opt %s --kiln-approximate-math | FileCheck %s

// Vector exp and tanh become polynomials (FMAs), not math ops that LLVM
// would unroll into one libm call per lane.
// CHECK-LABEL: func.func @vector
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: math.fma {{.*}} : vector<16xf32>
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
func.func @vector(%x: vector<16xf32>) -> (vector<16xf32>, vector<16xf32>) {
  %e = math.exp %x : vector<16xf32>
  %t = math.tanh %x : vector<16xf32>
  return %e, %t : vector<16xf32>, vector<16xf32>
}

// log and erf too, on scalars as on vectors.
// CHECK-LABEL: func.func @scalar
// CHECK-NOT: math.log
// CHECK-NOT: math.erf
// CHECK: return
func.func @scalar(%x: f32) -> (f32, f32) {
  %l = math.log %x : f32
  %e = math.erf %x : f32
  return %l, %e : f32, f32
}

// sin and cos stay (libm): the approximation's range reduction is poor for
// large arguments. f64 is left alone.
// CHECK-LABEL: func.func @kept
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.exp {{.*}} : f64
func.func @kept(%x: f32, %y: f64) -> (f32, f32, f64) {
  %s = math.sin %x : f32
  %c = math.cos %x : f32
  %e = math.exp %y : f64
  return %s, %c, %e : f32, f32, f64
}
