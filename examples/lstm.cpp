//===- lstm.cpp - an LSTM reading the 28 image rows as a sequence
//----------===//
//
// The functional API: each image is 28 time steps of 28 pixels.
//
//===----------------------------------------------------------------------===//

#include "ExampleMain.h"

using namespace kiln::nn;

int main(int argc, char **argv) {
  return kiln::examples::runExample(argc, argv, "lstm", {28, 28}, [] {
    Tensor x = Input({28, 28});
    Tensor h = LSTM(128)(x);
    Tensor logits = Dense(10)(h);
    return std::make_unique<Model>(x, logits, "lstm");
  });
}
