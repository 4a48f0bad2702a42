//===- lenet5.cpp - LeNet-5 on Fashion-MNIST
//-------------------------------===//

#include "ExampleMain.h"

using namespace kiln::nn;

int main(int argc, char **argv) {
  return kiln::examples::runExample(argc, argv, "lenet5", {1, 28, 28}, [] {
    auto model = std::make_unique<Sequential>(Shape{1, 28, 28}, 1, "lenet5");
    Conv2DOptions same;
    same.padding = "same";
    model->add(Conv2D(6, 5, "relu", same))
        .add(MaxPool2D(2))
        .add(Conv2D(16, 5, "relu"))
        .add(MaxPool2D(2))
        .add(Flatten())
        .add(Dense(120, "relu"))
        .add(Dense(84, "relu"))
        .add(Dense(10));
    return model;
  });
}
