// RUN: kiln-opt %s --kiln-build-train-step="optimizer=sgd lr=0.1" | FileCheck %s

// A model's dropout is the identity (training = false), as inference runs
// it. train_step turns it on with the seed advanced by the step, so every
// step draws a new mask; eval_step calls the model, which keeps it off.
func.func @model(%x: tensor<4x3xf32>, %w: tensor<3x2xf32> {kiln.trainable, kiln.name = "w"}) -> tensor<4x2xf32> {
  %seed = kiln.constant dense<7> : tensor<i64>
  %d, %mask = kiln.dropout %x, %seed {ratio = 2.500000e-01 : f32} : (tensor<4x3xf32>, tensor<i64>) -> (tensor<4x3xf32>, tensor<4x3xi1>)
  %0 = kiln.matmul %d, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @model(
// CHECK: kiln.dropout %{{.*}}, %{{.*}} {ratio = 2.500000e-01 : f32} :
// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[STEP:[^:]*]]: tensor<i64> {kiln.name = "step"}
// CHECK: %[[SEED:.*]] = kiln.constant dense<7> : tensor<i64>
// CHECK: %[[S:.*]] = kiln.add %[[STEP]], %[[SEED]]
// CHECK: kiln.dropout %{{.*}}, %[[S]] {ratio = 2.500000e-01 : f32, training = true}
// CHECK-LABEL: func.func @eval_step(
// CHECK-NOT: kiln.dropout
// CHECK: call @model(
