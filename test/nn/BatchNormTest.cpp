//===- BatchNormTest.cpp - running statistics of BatchNorm ---------------===//
//
// BatchNorm first in the model, so that the batch statistics are those of
// the data and the running statistics a hand computation of PyTorch's rule
// (running = (1 - momentum) running + momentum stat, the variance
// unbiased); one batch per epoch, so the batch is known.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"
#include "frontend/nn/NN.h"

#include "kiln/train.h"

#include "gtest/gtest.h"

#include "llvm/Support/FileSystem.h"

#include <cmath>
#include <random>

using namespace kiln::nn;
using kiln::nn::test::quiet;

namespace {

CompileOptions options(int64_t batch) {
  CompileOptions o;
  o.optimizer = "adam:lr=0.05";
  o.batch = batch;
  o.optLevel = 1;
  return o;
}

/// Mean and unbiased variance of each channel of [n, channels, spatial].
void channelStats(const std::vector<float> &x, int64_t n, int64_t channels,
                  int64_t spatial, std::vector<double> &mean,
                  std::vector<double> &var) {
  mean.assign(channels, 0);
  var.assign(channels, 0);
  int64_t m = n * spatial;
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s)
        mean[c] += x[(i * channels + c) * spatial + s];
    mean[c] /= m;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s) {
        double d = x[(i * channels + c) * spatial + s] - mean[c];
        var[c] += d * d;
      }
    var[c] /= m - 1;
  }
}

struct Case {
  Shape sample;
  int64_t channels, spatial;
};

void checkRunningStatistics(const Case &k, double momentum) {
  const int64_t n = 8; // one batch
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  int64_t per = k.channels * k.spatial;
  std::vector<float> x(n * per);
  for (int64_t i = 0; i < n * per; ++i)
    x[i] = 2.0f * normal(rng) + 0.5f * static_cast<float>(i % per);
  std::vector<int64_t> y(n);
  for (int64_t i = 0; i < n; ++i)
    y[i] = i % per;
  Dataset data = Dataset::fromVectors(x, k.sample, y);

  Sequential m(k.sample, 1, "bn");
  m.add(BatchNorm(1e-5, "", momentum));
  if (k.sample.size() > 1)
    m.add(Flatten());
  m.compile(options(n));
  ASSERT_EQ(m.numClasses(), per);
  // The buffers start at PyTorch's values.
  EXPECT_EQ(m.tensor("buffer:batch_norm_1.moving_mean"),
            std::vector<float>(k.channels, 0.0f));
  EXPECT_EQ(m.tensor("buffer:batch_norm_1.moving_variance"),
            std::vector<float>(k.channels, 1.0f));

  std::vector<double> mean, var;
  channelStats(x, n, k.channels, k.spatial, mean, var);
  // Two steps on the same batch: the statistics do not depend on the
  // trained scale and bias, which come after them.
  m.fit(data, quiet(2));
  std::vector<float> runningMean = m.tensor("buffer:batch_norm_1.moving_mean");
  std::vector<float> runningVar =
      m.tensor("buffer:batch_norm_1.moving_variance");
  double keep = (1 - momentum) * (1 - momentum);
  for (int64_t c = 0; c < k.channels; ++c) {
    EXPECT_NEAR(runningMean[c], (1 - keep) * mean[c], 1e-4) << "channel " << c;
    EXPECT_NEAR(runningVar[c], keep * 1.0 + (1 - keep) * var[c],
                1e-4 * (1 + var[c]))
        << "channel " << c;
  }

  // predict and evaluate normalize with the running statistics, not the
  // batch's: the logits are the hand computation's.
  std::vector<float> scale = m.tensor("param:batch_norm_1.scale");
  std::vector<float> bias = m.tensor("param:batch_norm_1.bias");
  std::vector<float> logits = m.predict(data);
  ASSERT_EQ(static_cast<int64_t>(logits.size()), n * per);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < k.channels; ++c)
      for (int64_t s = 0; s < k.spatial; ++s) {
        int64_t at = (i * k.channels + c) * k.spatial + s;
        double expected = scale[c] * (x[at] - runningMean[c]) /
                              std::sqrt(runningVar[c] + 1e-5) +
                          bias[c];
        EXPECT_NEAR(logits[at], expected, 1e-4) << "element " << at;
      }
  // One sample alone gets the same logits: nothing depends on the batch.
  std::vector<float> one(x.begin(), x.begin() + per);
  std::vector<float> oneLogits = m.predict(one);
  for (int64_t j = 0; j < per; ++j)
    EXPECT_NEAR(oneLogits[j], logits[j], 1e-5);

  // Checkpoints keep the buffers.
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("kiln-bn", dir));
  std::string ckpt = (dir + "/bn.ckpt").str();
  m.save(ckpt);
  kiln_checkpoint c;
  ASSERT_EQ(kiln_checkpoint_load(ckpt.c_str(), &c), KILN_OK);
  const kiln_tensor *saved =
      kiln_checkpoint_find(&c, "buffer:batch_norm_1.moving_variance");
  ASSERT_NE(saved, nullptr);
  EXPECT_EQ(
      std::vector<float>(static_cast<const float *>(saved->data),
                         static_cast<const float *>(saved->data) + k.channels),
      runningVar);
  kiln_checkpoint_free(&c);
  m.fit(data, quiet(1));
  EXPECT_NE(m.tensor("buffer:batch_norm_1.moving_variance"), runningVar);
  m.load(ckpt);
  EXPECT_EQ(m.tensor("buffer:batch_norm_1.moving_variance"), runningVar);
  EXPECT_EQ(m.predict(data), logits);
  llvm::sys::fs::remove_directories(dir);
}

TEST(BatchNorm, RunningStatisticsOfFeatures) {
  checkRunningStatistics({{5}, 5, 1}, 0.1);
}

TEST(BatchNorm, RunningStatisticsOfImageChannels) {
  // Statistics per channel over the batch and 3x2 positions; another
  // momentum.
  checkRunningStatistics({{2, 3, 2}, 2, 6}, 0.3);
}

TEST(BatchNorm, MomentumOutOfRangeIsAnError) {
  EXPECT_THROW(BatchNorm(1e-5, "", 1.5), Error);
}

} // namespace
