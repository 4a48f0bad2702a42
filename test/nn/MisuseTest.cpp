//===- MisuseTest.cpp - errors name the layer and the shapes
//---------------===//

#include "frontend/nn/NN.h"

#include "gtest/gtest.h"

using namespace kiln::nn;

namespace {

/// The message of the Error `f` throws ("" if it throws none).
template <typename F> std::string errorOf(F f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST(Misuse, DenseAfterConvWithoutFlatten) {
  Sequential m({1, 28, 28}, 64);
  m.add(Conv2D(6, 5, "relu", Conv2DOptions{1, "same", true, {}, {}, ""}));
  EXPECT_EQ(errorOf([&] { m.add(Dense(10)); }),
            "Dense 'dense_1' expects a rank-2 input [batch, features] (or "
            "rank-3 [batch, time, features]), got [64, 6, 28, 28]; add "
            "Flatten");
}

TEST(Misuse, ConvOnFlatInput) {
  Tensor x = Input({784});
  EXPECT_EQ(errorOf([&] {
              Conv2D(6, 5, {}, {1, "valid", true, {}, {}, "c"})(x);
            }),
            "Conv2D 'c' expects a rank-4 input [batch, channels, height, "
            "width], got [1, 784]");
}

TEST(Misuse, KernelLargerThanInput) {
  EXPECT_EQ(
      errorOf([] {
        Conv2D(1, 5, {}, {1, "valid", true, {}, {}, "big"})(Input({1, 3, 3}));
      }),
      "Conv2D 'big' has a 5x5 kernel larger than its input [1, 1, 3, "
      "3] (use padding \"same\")");
}

TEST(Misuse, LstmOnImages) {
  EXPECT_EQ(errorOf([] {
              LSTM(8, {false, "rnn"})(Input({1, 28, 28}));
            }),
            "LSTM 'rnn' expects a rank-3 input [batch, time, features], got "
            "[1, 1, 28, 28]; reshape images to rows");
}

TEST(Misuse, HeadsMustDivideEmbedding) {
  EXPECT_EQ(errorOf([] {
              MultiHeadAttention(3, "mha")(Input({5, 16}));
            }),
            "MultiHeadAttention 'mha' has 3 heads, which do not divide the "
            "embedding size of its input [1, 5, 16]");
}

TEST(Misuse, AddNeedsOneShape) {
  Tensor a = Input({4});
  Tensor b = Dense(5)(a);
  EXPECT_EQ(errorOf([&] {
              Add("sum")({a, b});
            }),
            "Add 'sum' needs inputs of one shape, got [1, 4] and [1, 5]");
}

TEST(Misuse, SharedLayerWithOtherShape) {
  LayerRef d = Dense(3, {}, DenseOptions{true, {}, {}, "d"});
  d(Input({4}));
  EXPECT_EQ(errorOf([&] { d(Input({5})); }),
            "Dense 'd' is shared, but input [1, 5] needs parameters of other "
            "shapes than its first call's");
}

TEST(Misuse, BadOptions) {
  EXPECT_EQ(errorOf([] {
              Conv2D(4, 3, {}, {1, "full", true, {}, {}, "c"});
            }),
            "Conv2D 'c' padding must be \"valid\" or \"same\", got \"full\"");
  EXPECT_EQ(errorOf([] { Dropout(1.5, 0, "drop"); }),
            "Dropout 'drop' needs a rate in [0, 1), got 1.500000");
  EXPECT_NE(errorOf([] {
              Activation a("swishy");
            }).find("unknown activation 'swishy'"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              Initializer i("uniformish");
            }).find("unknown initializer 'uniformish'"),
            std::string::npos);
}

TEST(Misuse, ModelErrors) {
  Tensor x = Input({4}), other = Input({4});
  Tensor y = Add()({Dense(4)(x), other});
  EXPECT_NE(errorOf([&] { Model m(x, y); })
                .find("depends on an Input [1, 4] that is not the model's "
                      "input"),
            std::string::npos);
  Tensor z = Dense(4, {}, DenseOptions{true, {}, {}, "twin"})(x);
  z = Dense(4, {}, DenseOptions{true, {}, {}, "twin"})(z);
  EXPECT_EQ(errorOf([&] { Model m(x, z); }),
            "Model: two layers are named 'twin'");
  Sequential s({4});
  s.add(Dense(2));
  EXPECT_EQ(errorOf([&] { s.fit(Dataset()); }),
            "fit: model 'sequential' is not compiled; call compile() first");
  EXPECT_NE(errorOf([&] {
              s.compile({"mse"});
            }).find("loss must be softmax_cross_entropy"),
            std::string::npos);
  CompileOptions badOptimizer;
  badOptimizer.optimizer = "adamax";
  EXPECT_NE(errorOf([&] {
              s.compile(badOptimizer);
            }).find("unknown optimizer 'adamax'"),
            std::string::npos);
  Sequential seq({28, 28});
  seq.add(Dense(10));
  EXPECT_EQ(errorOf([&] { seq.compile(); }),
            "compile: a classifier's output must be [batch, classes], got "
            "[1, 28, 10]; add Flatten or pooling");
}

} // namespace
