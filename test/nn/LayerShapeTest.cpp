//===- LayerShapeTest.cpp - shapes each layer infers, and the IR it emits
//--===//

#include "frontend/nn/NN.h"
#include "ir/KilnBuilder.h"

#include "gtest/gtest.h"

using namespace kiln::nn;

namespace {

Shape shapeOf(LayerRef layer, const Shape &sample, int64_t batch = 4) {
  return layer(Input(sample, batch)).shape();
}

TEST(LayerShape, Dense) {
  EXPECT_EQ(shapeOf(Dense(10), {784}), (Shape{4, 10}));
  // On sequences it maps every step.
  EXPECT_EQ(shapeOf(Dense(64), {28, 28}), (Shape{4, 28, 64}));
  LayerRef d = Dense(3, "relu");
  d(Input({5}));
  ASSERT_EQ(d->params().size(), 2u);
  EXPECT_EQ(d->params()[0].shape, (Shape{5, 3}));
  EXPECT_EQ(d->params()[1].shape, (Shape{3}));
  EXPECT_EQ(d->numParams(), 18);
  DenseOptions noBias;
  noBias.useBias = false;
  LayerRef n = Dense(3, {}, noBias);
  n(Input({5}));
  EXPECT_EQ(n->numParams(), 15);
}

TEST(LayerShape, Conv2DPaddingAndStride) {
  EXPECT_EQ(shapeOf(Conv2D(6, 5), {1, 28, 28}), (Shape{4, 6, 24, 24}));
  Conv2DOptions same;
  same.padding = "same";
  EXPECT_EQ(shapeOf(Conv2D(6, 5, "relu", same), {1, 28, 28}),
            (Shape{4, 6, 28, 28}));
  Conv2DOptions strided;
  strided.stride = 2;
  EXPECT_EQ(shapeOf(Conv2D(8, 3, {}, strided), {3, 9, 9}), (Shape{4, 8, 4, 4}));
  strided.padding = "same";
  EXPECT_EQ(shapeOf(Conv2D(8, 3, {}, strided), {3, 9, 9}), (Shape{4, 8, 5, 5}));
  LayerRef c = Conv2D(16, 5);
  c(Input({6, 14, 14}));
  EXPECT_EQ(c->params()[0].shape, (Shape{16, 6, 5, 5}));
}

TEST(LayerShape, Pooling) {
  EXPECT_EQ(shapeOf(MaxPool2D(2), {6, 28, 28}), (Shape{4, 6, 14, 14}));
  EXPECT_EQ(shapeOf(AvgPool2D(3), {6, 10, 10}), (Shape{4, 6, 3, 3}));
  Pool2DOptions o;
  o.stride = 1;
  o.padding = "same";
  EXPECT_EQ(shapeOf(MaxPool2D(3, o), {2, 7, 7}), (Shape{4, 2, 7, 7}));
  EXPECT_EQ(shapeOf(GlobalAvgPool2D(), {6, 5, 5}), (Shape{4, 6}));
  EXPECT_EQ(shapeOf(GlobalAvgPool1D(), {28, 64}), (Shape{4, 64}));
}

TEST(LayerShape, ShapeAndNormalization) {
  EXPECT_EQ(shapeOf(Flatten(), {16, 5, 5}), (Shape{4, 400}));
  EXPECT_EQ(shapeOf(Dropout(0.5), {7}), (Shape{4, 7}));
  EXPECT_EQ(shapeOf(BatchNorm(), {6, 5, 5}), (Shape{4, 6, 5, 5}));
  EXPECT_EQ(shapeOf(LayerNorm(), {28, 64}), (Shape{4, 28, 64}));
  EXPECT_EQ(shapeOf(ActivationLayer("gelu"), {3}), (Shape{4, 3}));
  LayerRef bn = BatchNorm();
  bn(Input({6, 5, 5}));
  EXPECT_EQ(bn->params()[0].shape, (Shape{6}));
  EXPECT_EQ(bn->params()[0].init.kind, "ones");
}

TEST(LayerShape, Embedding) {
  EXPECT_EQ(shapeOf(Embedding(100, 8), {12}), (Shape{4, 12, 8}));
  EXPECT_EQ(shapeOf(PositionalEmbedding(), {12, 8}), (Shape{4, 12, 8}));
}

TEST(LayerShape, Recurrent) {
  EXPECT_EQ(shapeOf(LSTM(128), {28, 28}), (Shape{4, 128}));
  RecurrentOptions seq;
  seq.returnSequences = true;
  EXPECT_EQ(shapeOf(GRU(16, seq), {10, 3}), (Shape{4, 10, 16}));
  EXPECT_EQ(shapeOf(SimpleRNN(5, "relu"), {10, 3}), (Shape{4, 5}));
  LayerRef lstm = LSTM(8);
  lstm(Input({10, 3}));
  EXPECT_EQ(lstm->params()[0].shape, (Shape{32, 3}));
  EXPECT_EQ(lstm->params()[1].shape, (Shape{32, 8}));
  LayerRef gru = GRU(8);
  gru(Input({10, 3}));
  EXPECT_EQ(gru->params()[0].shape, (Shape{24, 3}));
}

TEST(LayerShape, Attention) {
  EXPECT_EQ(shapeOf(MultiHeadAttention(4), {28, 64}), (Shape{4, 28, 64}));
  Tensor q = Input({5, 16}), kv = Input({9, 16});
  EXPECT_EQ(MultiHeadAttention(2)({q, kv}).shape(), (Shape{1, 5, 16}));
  LayerRef enc = TransformerEncoderLayer(4, 128);
  EXPECT_EQ(enc(Input({28, 64})).shape(), (Shape{1, 28, 64}));
  // 4 * 64 * 64 + 4 * 64 (attention) + 64 * 128 + 128 + 128 * 64 + 64
  // (feed-forward) + 4 * 64 (two norms).
  EXPECT_EQ(enc->numParams(),
            4 * 64 * 64 + 4 * 64 + 64 * 128 + 128 + 128 * 64 + 64 + 4 * 64);
}

TEST(LayerShape, SequentialNamesAndSummary) {
  Sequential m({1, 28, 28}, 64, "lenet");
  m.add(Conv2D(6, 5)).add(MaxPool2D(2)).add(Flatten()).add(Dense(10));
  std::vector<std::string> names;
  for (const auto &l : m.layers())
    names.push_back(l->name());
  EXPECT_EQ(names, (std::vector<std::string>{"conv2d_1", "max_pool2d_1",
                                             "flatten_1", "dense_1"}));
  EXPECT_EQ(m.outputShape(), (Shape{64, 10}));
  EXPECT_EQ(m.numParams(), 6 * 25 + 6 + 6 * 12 * 12 * 10 + 10);
  std::string s = m.summary();
  EXPECT_NE(s.find("conv2d_1 (Conv2D)"), std::string::npos) << s;
  EXPECT_NE(s.find("[64, 6, 12, 12]"), std::string::npos) << s;
  EXPECT_NE(s.find("Total params: 8806"), std::string::npos) << s;
}

TEST(LayerShape, SharedLayerCountsOnce) {
  Tensor x = Input({8});
  LayerRef shared = Dense(8, "tanh", DenseOptions{true, {}, {}, "shared"});
  Tensor y = shared(shared(x));
  Model m(x, Dense(2)(y));
  EXPECT_EQ(m.layers().size(), 2u);
  EXPECT_EQ(m.numParams(), 72 + 18);
}

TEST(LayerShape, EmittedFunction) {
  Sequential m({4}, 1, "tiny");
  m.add(Dense(3, "relu")).add(Dense(2));
  std::string ir = m.toMLIR();
  EXPECT_NE(ir.find("func.func @tiny(%arg0: tensor<1x4xf32>"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find("kiln.init = \"glorot_uniform\", kiln.name = "
                    "\"dense_1.kernel\", kiln.trainable"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find("kiln.relu"), std::string::npos) << ir;
  EXPECT_NE(ir.find("-> tensor<1x2xf32>"), std::string::npos) << ir;
}

TEST(LayerShape, EveryLayerEmitsIRThatVerifies) {
  // The composite layers emit ops whose types MLIR infers; emitModule
  // checks each against the shape the layer inferred.
  Tensor x = Input({6, 8}, 2);
  Tensor h = Dense(8)(x);
  h = LSTM(8, RecurrentOptions{true, ""})(h);
  h = GRU(8, RecurrentOptions{true, ""})(h);
  h = SimpleRNN(8, "tanh", RecurrentOptions{true, ""})(h);
  h = PositionalEmbedding()(h);
  h = MultiHeadAttention(2)(h);
  h = TransformerEncoderLayer(2, 16)(h);
  h = LayerNorm()(h);
  h = Dropout(0.1)(h);
  h = GlobalAvgPool1D()(h);
  Model m(x, Dense(3)(h), "everything");
  std::string ir;
  EXPECT_NO_THROW(ir = m.toMLIR());
  for (const char *op :
       {"kiln.lstm", "kiln.gru", "kiln.rnn", "kiln.multi_head_attention",
        "kiln.layer_norm", "kiln.dropout"})
    EXPECT_NE(ir.find(op), std::string::npos) << op;

  Tensor img = Input({3, 8, 8}, 2);
  Tensor c =
      Conv2D(4, 3, "relu", Conv2DOptions{2, "same", true, {}, {}, ""})(img);
  c = BatchNorm()(c);
  c = AvgPool2D(2)(c);
  c = MaxPool2D(2, Pool2DOptions{1, "same", ""})(c);
  c = GlobalAvgPool2D()(c);
  Model m2(img, Dense(3)(c), "images");
  EXPECT_NO_THROW(ir = m2.toMLIR());
  // The model function is inference: BatchNorm reads its running
  // statistics, arguments marked kiln.buffer (train_step switches to the
  // batch's statistics).
  EXPECT_NE(ir.find("kiln.batch_norm_inference"), std::string::npos);
  EXPECT_NE(ir.find("kiln.buffer"), std::string::npos);
  EXPECT_EQ(ir.find("kiln.batch_norm_training"), std::string::npos);
}

} // namespace

namespace {

TEST(LayerShape, ActivationsByNameAndObject) {
  for (const char *name :
       {"relu", "tanh", "sigmoid", "gelu", "softmax", "log_softmax", "elu",
        "selu", "leaky_relu", "softplus"}) {
    Sequential m({4});
    m.add(Dense(3, name));
    std::string ir = m.toMLIR();
    EXPECT_NE(ir.find("kiln." + std::string(name)), std::string::npos)
        << name << "\n"
        << ir;
  }
  // A custom activation emits its own ops.
  Activation square("square", [](kiln::KilnBuilder &b, mlir::Value x) {
    return b.mul(x, x);
  });
  Sequential m({4});
  m.add(Dense(3, square));
  EXPECT_NE(m.toMLIR().find("kiln.mul"), std::string::npos);
  EXPECT_EQ(square.name(), "square");
  EXPECT_TRUE(Activation().isIdentity());
}

} // namespace
