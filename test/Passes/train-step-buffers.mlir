// RUN: kiln-opt %s --kiln-build-train-step="optimizer=sgd lr=0.1" | FileCheck %s
// RUN: kiln-opt %s --kiln-build-train-step="optimizer=sgd lr=0.1" | kiln-opt > /dev/null

// Running statistics are {kiln.buffer} arguments: train_step takes them
// after the optimizer state, normalizes with the batch's statistics and
// writes (1 - m) * old + m * stat into them in place (the variance
// unbiased: 4 samples x 3 positions per channel, 12 / 11); eval_step calls
// the model, which reads them. Buffers are not differentiated.
func.func @model(%x: tensor<4x2x3xf32>,
                 %scale: tensor<2xf32> {kiln.trainable, kiln.name = "bn.scale"},
                 %bias: tensor<2xf32> {kiln.trainable, kiln.name = "bn.bias"},
                 %mean: tensor<2xf32> {kiln.buffer, kiln.name = "bn.moving_mean", kiln.init = "zeros"},
                 %var: tensor<2xf32> {kiln.buffer, kiln.name = "bn.moving_variance", kiln.init = "ones"}) -> tensor<4x6xf32> {
  %0 = kiln.batch_norm_inference %x, %scale, %bias, %mean, %var {epsilon = 1.0e-3 : f32, kiln.momentum = 2.500000e-01 : f64} : (tensor<4x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2x3xf32>
  %1 = kiln.reshape %0 : tensor<4x2x3xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[SCALE:[^:]*]]: tensor<2xf32> {bufferization.writable = true, kiln.name = "param:bn.scale"},
// CHECK-SAME: %[[BIAS:[^:]*]]: tensor<2xf32> {bufferization.writable = true, kiln.name = "param:bn.bias"},
// CHECK-SAME: %[[MEAN:[^:]*]]: tensor<2xf32> {bufferization.writable = true, kiln.init = "zeros", kiln.name = "buffer:bn.moving_mean"},
// CHECK-SAME: %[[VAR:[^:]*]]: tensor<2xf32> {bufferization.writable = true, kiln.init = "ones", kiln.name = "buffer:bn.moving_variance"},
// CHECK-SAME: %{{[^:]*}}: tensor<i64> {kiln.name = "step"},
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x2x3xf32> {kiln.name = "x"},
// CHECK-SAME: -> (tensor<f32> {kiln.name = "loss"},
// CHECK-SAME: tensor<2xf32> {kiln.in_place_of = 2 : i64, kiln.name = "updated:buffer:bn.moving_mean"}, tensor<2xf32> {kiln.in_place_of = 3 : i64, kiln.name = "updated:buffer:bn.moving_variance"})
// CHECK-SAME: num_buffers = 2 : i64, num_params = 2 : i64
// CHECK-SAME: step_arg = 4 : i64
// CHECK-NOT: kiln.batch_norm_inference
// CHECK-DAG: %[[KEEP:.*]] = kiln.constant dense<7.500000e-01> : tensor<f32>
// CHECK-DAG: %[[M:.*]] = kiln.constant dense<2.500000e-01> : tensor<f32>
// CHECK-DAG: %[[MUNBIASED:.*]] = kiln.constant dense<0.272727{{[0-9]*}}> : tensor<f32>
// CHECK: %[[OUT:.*]], %[[BMEAN:.*]], %[[BVAR:.*]] = kiln.batch_norm_training %[[X]], %[[SCALE]], %[[BIAS]] {epsilon = 1.000000e-03 : f32}
// CHECK-DAG: %[[OLDMEAN:.*]] = kiln.mul %[[MEAN]], %[[KEEP]]
// CHECK-DAG: %[[NEWMEAN:.*]] = kiln.add %[[OLDMEAN]], %{{.*}}
// CHECK-DAG: kiln.mul %[[BMEAN]], %[[M]]
// CHECK-DAG: kiln.mul %[[BVAR]], %[[MUNBIASED]]
// CHECK: bufferization.materialize_in_destination %[[NEWMEAN]] in %[[MEAN]]
// CHECK: bufferization.materialize_in_destination %{{.*}} in %[[VAR]]

// CHECK-LABEL: func.func @eval_step(
// CHECK-SAME: %[[ES:[^:]*]]: tensor<2xf32> {kiln.name = "param:bn.scale"}, %[[EB:[^:]*]]: tensor<2xf32> {kiln.name = "param:bn.bias"}, %[[EM:[^:]*]]: tensor<2xf32> {kiln.name = "buffer:bn.moving_mean"}, %[[EV:[^:]*]]: tensor<2xf32> {kiln.name = "buffer:bn.moving_variance"}, %[[EX:[^:]*]]: tensor<4x2x3xf32> {kiln.name = "x"}
// CHECK: call @model(%[[EX]], %[[ES]], %[[EB]], %[[EM]], %[[EV]])
// CHECK-NOT: materialize_in_destination
// CHECK: return
