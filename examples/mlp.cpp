//===- mlp.cpp - a 784-256-128-10 perceptron on Fashion-MNIST
//--------------===//

#include "ExampleMain.h"

using namespace kiln::nn;

int main(int argc, char **argv) {
  return kiln::examples::runExample(argc, argv, "mlp", {784}, [] {
    auto model = std::make_unique<Sequential>(Shape{784}, 1, "mlp");
    model->add(Dense(256, "relu")).add(Dense(128, "relu")).add(Dense(10));
    return model;
  });
}
