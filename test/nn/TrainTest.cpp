//===- TrainTest.cpp - small models compiled, trained, saved and emitted
//---===//
//
// Synthetic data whose classes a small model separates in a few epochs, so
// that each test compiles (1-5 s) and trains (well under a second) quickly
// on a 2-core machine, and fails if the gradients or the optimizer are
// wrong.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"
#include "frontend/nn/NN.h"

#include "gtest/gtest.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

using namespace kiln::nn;
using kiln::nn::test::quiet;

namespace {

/// `n` samples of `classes` Gaussian blobs in `features` dims: class c is
/// centered at +3 on feature c.
Dataset blobs(int64_t n, int64_t features, int64_t classes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(n * features);
  std::vector<int64_t> y(n);
  for (int64_t i = 0; i < n; ++i) {
    y[i] = i % classes;
    for (int64_t f = 0; f < features; ++f)
      x[i * features + f] = noise(rng) + (f == y[i] ? 3.0f : 0.0f);
  }
  return Dataset::fromVectors(x, {features}, y);
}

/// Sequences [steps, 2] of small noise where one step (the class) holds a
/// spike on feature 0: a recurrent or attention model must find where.
Dataset spikes(int64_t n, int64_t steps, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::vector<float> x(n * steps * 2);
  std::vector<int64_t> y(n);
  for (int64_t i = 0; i < n; ++i) {
    y[i] = i % steps;
    for (int64_t t = 0; t < steps; ++t)
      for (int64_t f = 0; f < 2; ++f)
        x[(i * steps + t) * 2 + f] =
            noise(rng) + (t == y[i] && f == 0 ? 2.0f : 0.0f);
  }
  return Dataset::fromVectors(x, {steps, 2}, y);
}

/// Images [1, 6, 6] with a bright 3x3 quadrant (the class) over noise.
Dataset quadrants(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::vector<float> x(n * 36);
  std::vector<int64_t> y(n);
  for (int64_t i = 0; i < n; ++i) {
    y[i] = i % 4;
    int64_t r0 = (y[i] / 2) * 3, c0 = (y[i] % 2) * 3;
    for (int64_t r = 0; r < 6; ++r)
      for (int64_t c = 0; c < 6; ++c)
        x[i * 36 + r * 6 + c] =
            noise(rng) +
            (r >= r0 && r < r0 + 3 && c >= c0 && c < c0 + 3 ? 1.0f : 0.0f);
  }
  return Dataset::fromVectors(x, {1, 6, 6}, y);
}

CompileOptions fastOptions(double lr = 0.01, uint64_t seed = 1) {
  CompileOptions o;
  o.optimizer = "adam:lr=" + std::to_string(lr);
  o.batch = 32;
  o.seed = seed;
  o.optLevel = 1;
  o.metrics = {"accuracy", "precision", "recall", "f1"};
  return o;
}

std::unique_ptr<Model> mlp(uint64_t seed = 1) {
  auto m = std::make_unique<Sequential>(Shape{8}, 1, "blob_mlp");
  static_cast<Sequential &>(*m).add(Dense(16, "relu")).add(Dense(4));
  m->compile(fastOptions(0.01, seed));
  return m;
}

std::vector<int64_t> argmaxRows(const std::vector<float> &logits,
                                int64_t classes) {
  std::vector<int64_t> out(logits.size() / classes);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = std::max_element(logits.begin() + i * classes,
                              logits.begin() + (i + 1) * classes) -
             (logits.begin() + i * classes);
  return out;
}

std::string tempDir() {
  llvm::SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("kiln-nn-test", dir));
  return dir.str().str();
}

TEST(Train, DenseModelLearnsBlobs) {
  Dataset train = blobs(512, 8, 4, 1), test = blobs(256, 8, 4, 2);
  auto m = mlp();
  EXPECT_EQ(m->batchSize(), 32);
  EXPECT_EQ(m->numClasses(), 4);
  Evaluation before = m->evaluate(test);
  FitOptions f = quiet(5);
  f.validation = &test;
  History h = m->fit(train, f);
  ASSERT_EQ(h.epochs.size(), 5u);
  EXPECT_EQ(h.epochs.back().epoch, 5);
  EXPECT_LT(h.epochs.back().train_loss, h.epochs.front().train_loss);
  EXPECT_GE(h.epochs.back().val_accuracy, 0.9);
  Evaluation e = m->evaluate(test);
  EXPECT_LT(e.loss, before.loss);
  EXPECT_GE(e.accuracy, 0.9);
  EXPECT_DOUBLE_EQ(e.accuracy, h.epochs.back().val_accuracy);
  EXPECT_GE(e.f1, 0.85);
  EXPECT_GT(e.precision, 0.85);
  EXPECT_GT(e.recall, 0.85);
  int64_t total = 0;
  for (int64_t c : e.confusion)
    total += c;
  EXPECT_EQ(total, 256);
}

TEST(Train, PredictAgreesWithEvaluate) {
  Dataset train = blobs(256, 8, 4, 3);
  // 250 is not a multiple of the batch: the last batch is padded.
  Dataset test = blobs(250, 8, 4, 4);
  auto m = mlp();
  m->fit(train, quiet(2));
  Evaluation e = m->evaluate(test);
  std::vector<float> logits = m->predict(test);
  ASSERT_EQ(logits.size(), 250u * 4);
  EXPECT_EQ(argmaxRows(logits, 4), e.predictions);
  // Raw samples give the same logits.
  std::vector<float> raw(test.features(), test.features() + 250 * 8);
  EXPECT_EQ(m->predict(raw), logits);
  EXPECT_THROW(m->predict(std::vector<float>(7)), Error);
}

TEST(Train, SaveLoadRoundTrip) {
  Dataset train = blobs(256, 8, 4, 5), test = blobs(64, 8, 4, 6);
  std::string dir = tempDir();
  std::string ckpt = dir + "/model.ckpt";
  auto m = mlp();
  m->fit(train, quiet(1));
  m->save(ckpt);
  std::vector<float> saved = m->predict(test);
  std::vector<float> kernel = m->tensor("param:dense_1.kernel");
  m->fit(train, quiet(1));
  ASSERT_NE(m->tensor("param:dense_1.kernel"), kernel);
  m->load(ckpt);
  EXPECT_EQ(m->tensor("param:dense_1.kernel"), kernel);
  EXPECT_EQ(m->predict(test), saved);

  // Another instance, initialized from another seed, takes the checkpoint
  // whole: parameters and Adam's state.
  auto other = mlp(/*seed=*/99);
  EXPECT_NE(other->tensor("param:dense_1.kernel"), kernel);
  other->load(ckpt);
  EXPECT_EQ(other->predict(test), saved);
  EXPECT_EQ(other->tensor("state:dense_1.kernel.m"),
            m->tensor("state:dense_1.kernel.m"));
  // A model of other shapes rejects it.
  Sequential wide({8}, 1, "wide");
  wide.add(Dense(17, "relu")).add(Dense(4));
  wide.compile(fastOptions());
  EXPECT_THROW(wide.load(ckpt), Error);
  llvm::sys::fs::remove_directories(dir);
}

TEST(Train, InitializerSeeds) {
  auto build = [](uint64_t modelSeed) {
    auto m = std::make_unique<Sequential>(Shape{8}, 1, "seeded");
    DenseOptions fixed;
    fixed.kernelInit = Initializer::heUniform(7);
    static_cast<Sequential &>(*m).add(Dense(16, "relu", fixed)).add(Dense(4));
    m->compile(fastOptions(0.01, modelSeed));
    return m;
  };
  auto a = build(1), b = build(2);
  // The seeded kernel is the same whatever the model's seed; the other
  // differs.
  EXPECT_EQ(a->tensor("param:dense_1.kernel"),
            b->tensor("param:dense_1.kernel"));
  EXPECT_NE(a->tensor("param:dense_2.kernel"),
            b->tensor("param:dense_2.kernel"));
  // He uniform: |w| < sqrt(6 / fan_in) = sqrt(6 / 8).
  for (float w : a->tensor("param:dense_1.kernel"))
    EXPECT_LT(std::fabs(w), std::sqrt(6.0f / 8.0f));
}

TEST(Train, EmitWritesObjectHeaderAndExecutable) {
  auto m = mlp();
  std::string dir = tempDir();
  m->emit(dir);
  std::string base = dir + "/blob_mlp";
  for (const char *suffix : {".o", ".h", ".kiln.mlir", ""}) {
    uint64_t size = 0;
    EXPECT_FALSE(llvm::sys::fs::file_size(base + suffix, size)) << suffix;
    EXPECT_GT(size, 0u) << suffix;
  }
  EXPECT_TRUE(llvm::sys::fs::can_execute(base));
  std::ifstream header(base + ".h");
  std::stringstream text;
  text << header.rdbuf();
  EXPECT_NE(text.str().find("train_step"), std::string::npos);
  EXPECT_NE(text.str().find("eval_step"), std::string::npos);
  // The executable runs and describes its entry points.
  std::string out = dir + "/info.txt";
  std::optional<llvm::StringRef> redirects[] = {
      std::nullopt, llvm::StringRef(out), std::nullopt};
  int rc = llvm::sys::ExecuteAndWait(base, {base, "--info"}, std::nullopt,
                                     redirects);
  EXPECT_EQ(rc, 0);
  std::ifstream info(out);
  std::stringstream infoText;
  infoText << info.rdbuf();
  EXPECT_NE(infoText.str().find("train_step"), std::string::npos)
      << infoText.str();
  llvm::sys::fs::remove_directories(dir);
}

TEST(Train, ConvBatchNormPoolLearnsQuadrants) {
  Dataset train = quadrants(512, 7), test = quadrants(128, 8);
  Sequential m({1, 6, 6}, 1, "cnn");
  m.add(Conv2D(4, 3, "relu", Conv2DOptions{1, "same", true, {}, {}, ""}))
      .add(BatchNorm())
      .add(MaxPool2D(2))
      .add(AvgPool2D(1))
      .add(Flatten())
      .add(Dense(4));
  m.compile(fastOptions());
  m.fit(train, quiet(4));
  EXPECT_GE(m.evaluate(test).accuracy, 0.9);
}

/// A recurrent or attention layer reads the sequence; Dense classifies.
double sequenceAccuracy(const std::function<Tensor(Tensor)> &body,
                        const char *name) {
  Dataset train = spikes(512, 4, 9), test = spikes(128, 4, 10);
  Tensor x = Input({4, 2});
  Model m(x, Dense(4)(body(x)), name);
  m.compile(fastOptions(0.02));
  m.fit(train, quiet(6));
  return m.evaluate(test).accuracy;
}

TEST(Train, RecurrentLayersLearnWhereTheSpikeIs) {
  EXPECT_GE(sequenceAccuracy([](Tensor x) { return LSTM(16)(x); }, "lstm"),
            0.9);
  EXPECT_GE(sequenceAccuracy([](Tensor x) { return GRU(16)(x); }, "gru"), 0.9);
  EXPECT_GE(sequenceAccuracy([](Tensor x) { return SimpleRNN(16)(x); }, "rnn"),
            0.9);
}

TEST(Train, TransformerLearnsWhereTheSpikeIs) {
  double accuracy = sequenceAccuracy(
      [](Tensor x) {
        Tensor h = Dense(8)(x);
        h = PositionalEmbedding()(h);
        h = TransformerEncoderLayer(2, 16)(h);
        return GlobalAvgPool1D()(h);
      },
      "transformer");
  EXPECT_GE(accuracy, 0.9);
}

TEST(Train, EmbeddingLearnsTokenClasses) {
  // Two tokens per sample from a vocabulary of 8; the class is the first
  // token's id mod 4.
  std::mt19937 rng(11);
  std::vector<float> x;
  std::vector<int64_t> y;
  for (int i = 0; i < 512; ++i) {
    int64_t a = rng() % 8, b = rng() % 8;
    x.push_back(static_cast<float>(a));
    x.push_back(static_cast<float>(b));
    y.push_back(a % 4);
  }
  Dataset train = Dataset::fromVectors(x, {2}, y);
  Tensor in = Input({2});
  Tensor h = Flatten()(Embedding(8, 4)(in));
  Model m(in, Dense(4)(h), "embedding");
  m.compile(fastOptions(0.05));
  m.fit(train, quiet(5));
  EXPECT_GE(m.evaluate(train).accuracy, 0.95);
}

} // namespace

namespace {

TEST(Train, DropoutTrainsAndIsOffWhenEvaluating) {
  Dataset train = blobs(512, 8, 4, 12), test = blobs(128, 8, 4, 13);
  Sequential m({8}, 1, "dropout_mlp");
  m.add(Dense(32, "relu")).add(Dropout(0.3, 5)).add(Dense(4));
  m.compile(fastOptions());
  m.fit(train, quiet(5));
  Evaluation a = m.evaluate(test), b = m.evaluate(test);
  EXPECT_GE(a.accuracy, 0.9);
  // No mask at evaluation: the same parameters give the same numbers.
  EXPECT_EQ(a.loss, b.loss);
  EXPECT_EQ(m.predict(test), m.predict(test));
}

} // namespace
