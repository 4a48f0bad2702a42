//===- NN.h - the C++ model-building API of kiln ----------------*- C++ -*-===//
//
//   #include "frontend/nn/NN.h"
//   using namespace kiln::nn;
//   Sequential model({784});
//   model.add(Dense(128, "relu")).add(Dense(10));
//   model.compile({"softmax_cross_entropy", "adam:lr=1e-3", {"accuracy"}, 64});
//   model.fit(train, {5});
//   Evaluation e = model.evaluate(test);
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_NN_H
#define KILN_FRONTEND_NN_NN_H

#include "frontend/nn/Activation.h"
#include "frontend/nn/Dataset.h"
#include "frontend/nn/Error.h"
#include "frontend/nn/Initializer.h"
#include "frontend/nn/Layer.h"
#include "frontend/nn/Layers.h"
#include "frontend/nn/Model.h"

#endif // KILN_FRONTEND_NN_NN_H
