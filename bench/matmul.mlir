// The matmuls of bench/matmul_bench.cpp: a square 1024^3 product and an MLP
// layer (batch 64, 784 inputs, 256 units) with its bias and ReLU fused.
func.func @mm_1024(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %0 = kiln.matmul %a, %b : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}

func.func @mm_64x784x256(%a: tensor<64x784xf32>, %b: tensor<784x256xf32>) -> tensor<64x256xf32> {
  %0 = kiln.matmul %a, %b : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

func.func @dense_relu_64x784x256(%a: tensor<64x784xf32>, %b: tensor<784x256xf32>, %bias: tensor<256xf32>) -> tensor<64x256xf32> {
  %0 = kiln.matmul %a, %b : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
  %1 = kiln.add %0, %bias : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  %2 = kiln.relu %1 : tensor<64x256xf32>
  return %2 : tensor<64x256xf32>
}

// Elementwise ops alone (memory bound; reported in GB/s of operands moved).
func.func @relu_64x784(%a: tensor<64x784xf32>) -> tensor<64x784xf32> {
  %0 = kiln.relu %a : tensor<64x784xf32>
  return %0 : tensor<64x784xf32>
}

func.func @add_64x784(%a: tensor<64x784xf32>, %b: tensor<64x784xf32>) -> tensor<64x784xf32> {
  %0 = kiln.add %a, %b : (tensor<64x784xf32>, tensor<64x784xf32>) -> tensor<64x784xf32>
  return %0 : tensor<64x784xf32>
}

func.func @relu_1024(%a: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %0 = kiln.relu %a : tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}

func.func @add_1024(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %0 = kiln.add %a, %b : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}
