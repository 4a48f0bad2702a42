// kiln-compile describes the target CPU to the schedules in the module's
// kiln.target attribute: vector width and register count from the CPU's
// features, the cache sizes of the host when compiling for it (defaults
// otherwise).

// RUN: kiln-compile %s -o %t-avx2 --emit=mlir --target-cpu=haswell --print-ir-after=kiln-schedule-matmul 2>&1 | FileCheck %s --check-prefix=AVX2
// AVX2: module attributes {kiln.target = {l1_bytes = 32768 : i64, l2_bytes = 1048576 : i64, vector_bits = 256 : i64, vector_registers = 16 : i64}}
// AVX2: vector.contract {{.*}} into vector<6x16xf32>

// RUN: kiln-compile %s -o %t-avx512 --emit=mlir --target-cpu=skylake-avx512 --print-ir-after=kiln-schedule-matmul 2>&1 | FileCheck %s --check-prefix=AVX512
// AVX512: module attributes {kiln.target = {l1_bytes = 32768 : i64, l2_bytes = 1048576 : i64, vector_bits = 512 : i64, vector_registers = 32 : i64}}
// AVX512: vector.contract {{.*}} into vector<14x32xf32>

// Features override the CPU's: skylake-avx512 without AVX-512F is an AVX2
// target.
// RUN: kiln-compile %s -o %t-noavx512 --emit=mlir --target-cpu=skylake-avx512 --target-features=-avx512f --print-ir-after=kiln-schedule-matmul 2>&1 | FileCheck %s --check-prefix=NOAVX512
// NOAVX512: vector_bits = 256 : i64
// NOAVX512: vector.contract {{.*}} into vector<6x16xf32>

func.func @mm(%a: tensor<20x30xf32>, %b: tensor<30x40xf32>) -> tensor<20x40xf32> {
  %0 = kiln.matmul %a, %b : (tensor<20x30xf32>, tensor<30x40xf32>) -> tensor<20x40xf32>
  return %0 : tensor<20x40xf32>
}
