//===- InitTest.cpp - parameter initialization ----------------------------===//

#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

struct Param {
  std::vector<float> data;
  kiln_tensor t{};
  Param(std::initializer_list<int64_t> shape) {
    t.dtype = KILN_FLOAT;
    t.rank = static_cast<int32_t>(shape.size());
    int64_t n = 1, i = 0;
    for (int64_t d : shape)
      n *= (t.shape[i++] = d);
    data.assign(n, -7.0f);
    t.data = data.data();
  }
  double mean() const {
    double s = 0;
    for (float v : data)
      s += v;
    return s / data.size();
  }
  double variance() const {
    double m = mean(), s = 0;
    for (float v : data)
      s += (v - m) * (v - m);
    return s / data.size();
  }
};

TEST(InitTest, Fans) {
  int64_t in, out;
  Param dense({784, 256});
  ASSERT_EQ(kiln_init_fans(&dense.t, &in, &out), KILN_OK);
  EXPECT_EQ(in, 784);
  EXPECT_EQ(out, 256);
  Param conv({16, 6, 5, 5});
  ASSERT_EQ(kiln_init_fans(&conv.t, &in, &out), KILN_OK);
  EXPECT_EQ(in, 6 * 25);
  EXPECT_EQ(out, 16 * 25);
  // ONNX's recurrent weights: [directions, gates * hidden, input].
  Param lstm({1, 512, 28});
  ASSERT_EQ(kiln_init_fans(&lstm.t, &in, &out), KILN_OK);
  EXPECT_EQ(in, 28);
  EXPECT_EQ(out, 512);
  Param rank5({2, 3, 4, 5, 6});
  EXPECT_EQ(kiln_init_fans(&rank5.t, &in, &out), KILN_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(kiln_last_error()).find("rank-5"), std::string::npos);
}

TEST(InitTest, ZerosAndOnes) {
  Param p({3, 7});
  ASSERT_EQ(kiln_init_tensor(&p.t, KILN_INIT_ZEROS, 1), KILN_OK);
  for (float v : p.data)
    EXPECT_EQ(v, 0.0f);
  ASSERT_EQ(kiln_init_tensor(&p.t, KILN_INIT_ONES, 1), KILN_OK);
  for (float v : p.data)
    EXPECT_EQ(v, 1.0f);
}

// Uniform kinds stay inside +-a and have variance a^2 / 3; normal kinds have
// the stated variance. 200K samples from a fixed seed: the sample variance is
// within 1% of the true one (its relative standard error is ~0.3%).
TEST(InitTest, Distributions) {
  struct Case {
    kiln_init_kind kind;
    double variance;
    bool uniform;
  };
  const int64_t in = 400, out = 500;
  Case cases[] = {
      {KILN_INIT_GLOROT_UNIFORM, 2.0 / (in + out), true},
      {KILN_INIT_GLOROT_NORMAL, 2.0 / (in + out), false},
      {KILN_INIT_HE_UNIFORM, 2.0 / in, true},
      {KILN_INIT_HE_NORMAL, 2.0 / in, false},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.kind);
    Param p({in, out});
    ASSERT_EQ(kiln_init_tensor(&p.t, c.kind, 42), KILN_OK);
    EXPECT_NEAR(p.variance(), c.variance, 0.01 * c.variance);
    EXPECT_NEAR(p.mean(), 0.0, 0.01 * std::sqrt(c.variance));
    if (c.uniform) {
      double a = std::sqrt(3.0 * c.variance);
      for (float v : p.data)
        ASSERT_LE(std::fabs(v), a);
    }
  }
}

TEST(InitTest, SameSeedSameValues) {
  Param a({17, 3}), b({17, 3}), c({17, 3});
  ASSERT_EQ(kiln_init_tensor(&a.t, KILN_INIT_HE_NORMAL, 7), KILN_OK);
  ASSERT_EQ(kiln_init_tensor(&b.t, KILN_INIT_HE_NORMAL, 7), KILN_OK);
  ASSERT_EQ(kiln_init_tensor(&c.t, KILN_INIT_HE_NORMAL, 8), KILN_OK);
  EXPECT_EQ(a.data, b.data);
  EXPECT_NE(a.data, c.data);
}

TEST(InitTest, RejectsBadInput) {
  Param p({4, 4});
  p.t.dtype = KILN_INT64;
  EXPECT_EQ(kiln_init_tensor(&p.t, KILN_INIT_GLOROT_UNIFORM, 1),
            KILN_ERROR_UNSUPPORTED);
  EXPECT_EQ(kiln_init_tensor(nullptr, KILN_INIT_ZEROS, 1),
            KILN_ERROR_INVALID_ARGUMENT);
  Param q({4, 4});
  EXPECT_EQ(kiln_init_tensor(&q.t, static_cast<kiln_init_kind>(99), 1),
            KILN_ERROR_INVALID_ARGUMENT);
}

} // namespace
