// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// kiln.constant: any ElementsAttr whose type is a kiln tensor; the result
// type is the attribute's type.

// CHECK-LABEL: func.func @constants(
func.func @constants() {
  // CHECK: kiln.constant dense<1.000000e+00> : tensor<2x3xf32>
  %0 = kiln.constant dense<1.0> : tensor<2x3xf32>
  // CHECK: kiln.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  %1 = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // CHECK: kiln.constant dense<-2.500000e-01> : tensor<f32>
  %2 = kiln.constant dense<-0.25> : tensor<f32>
  // CHECK: kiln.constant dense<[0, -1, 7]> : tensor<3xi64>
  %3 = kiln.constant dense<[0, -1, 7]> : tensor<3xi64>
  // CHECK: kiln.constant dense<[true, false]> : tensor<2xi1>
  %4 = kiln.constant dense<[true, false]> : tensor<2xi1>
  // CHECK: kiln.constant dense<5> : tensor<4x1xi32>
  %5 = kiln.constant dense<5> : tensor<4x1xi32>
  // CHECK: kiln.constant dense<1.500000e+00> : tensor<2xf16>
  %6 = kiln.constant dense<1.5> : tensor<2xf16>
  // CHECK: kiln.constant dense<2.000000e+00> : tensor<2xbf16>
  %7 = kiln.constant dense<2.0> : tensor<2xbf16>
  // CHECK: kiln.constant dense<1.000000e-01> : tensor<f64>
  %8 = kiln.constant dense<0.1> : tensor<f64>
  // CHECK: kiln.constant dense<-128> : tensor<2xi8>
  %9 = kiln.constant dense<-128> : tensor<2xi8>
  // CHECK: kiln.constant dense<300> : tensor<i16>
  %10 = kiln.constant dense<300> : tensor<i16>
  // CHECK: kiln.constant dense<> : tensor<0x3xf32>
  %11 = kiln.constant dense<> : tensor<0x3xf32>
  return
}

// A constant feeds other kiln ops like any value.
// CHECK-LABEL: func.func @constant_use(
// CHECK: %[[C:.*]] = kiln.constant dense<{{\[}}1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: kiln.add %{{.*}}, %[[C]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @constant_use(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = kiln.add %x, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
