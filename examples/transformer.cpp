//===- transformer.cpp - a two-layer Transformer encoder classifier
//--------===//
//
// The 28 rows of an image are 28 tokens, projected 28 -> 64, with learned
// positions; two encoder layers (4 heads, feed-forward 128); the mean over
// tokens goes to the classifier.
//
//===----------------------------------------------------------------------===//

#include "ExampleMain.h"

using namespace kiln::nn;

int main(int argc, char **argv) {
  return kiln::examples::runExample(argc, argv, "transformer", {28, 28}, [] {
    Tensor x = Input({28, 28});
    Tensor h = Dense(64)(x);
    h = PositionalEmbedding()(h);
    for (int i = 0; i < 2; ++i)
      h = TransformerEncoderLayer(4, 128)(h);
    h = GlobalAvgPool1D()(h);
    Tensor logits = Dense(10)(h);
    return std::make_unique<Model>(x, logits, "transformer");
  });
}
