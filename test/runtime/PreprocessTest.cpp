//===- PreprocessTest.cpp - scaling, standardization, min-max, one-hot ----===//

#include "TestUtil.h"

#include "kiln/preprocess.h"

#include <cmath>
#include <cstring>

using namespace kiln::test;

namespace {

void makeFloat(Tensor &t, std::vector<int64_t> shape,
               std::vector<float> values) {
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_FLOAT, (int32_t)shape.size(),
                              shape.data()),
            KILN_OK);
  ASSERT_EQ((size_t)kiln_tensor_numel(t.get()), values.size());
  std::memcpy(t->data, values.data(), values.size() * sizeof(float));
}

std::vector<float> values(Tensor &t) {
  return std::vector<float>(t.as<float>(),
                            t.as<float>() + kiln_tensor_numel(t.get()));
}

} // namespace

TEST(Preprocess, ScaleToUnit) {
  Tensor x;
  makeFloat(x, {2, 2}, {0, 51, 255, 127.5f});
  ASSERT_EQ(kiln_scale_to_unit(x.get(), 255), KILN_OK);
  EXPECT_EQ(values(x), (std::vector<float>{0, 0.2f, 1.0f, 0.5f}));
  EXPECT_EQ(kiln_scale_to_unit(x.get(), 0), KILN_ERROR_INVALID_ARGUMENT);
}

TEST(Preprocess, StandardizePerFeatureFitOnTrainApplyOnTest) {
  // Feature 0 is 1, 2, 3, 4: mean 2.5, deviations -1.5 -0.5 0.5 1.5, variance
  // (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, stddev sqrt(1.25) = 1.1180340.
  // Feature 1 is constant 5: mean 5, stddev 0, stored as 1.
  Tensor train, test, mean, sd;
  makeFloat(train, {4, 2}, {1, 5, 2, 5, 3, 5, 4, 5});
  ASSERT_EQ(kiln_standardize_fit(train.get(), KILN_NORM_PER_FEATURE, mean.get(),
                                 sd.get()),
            KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(mean->rank, 1);
  ASSERT_EQ(mean->shape[0], 2);
  EXPECT_FLOAT_EQ(mean.as<float>()[0], 2.5f);
  EXPECT_FLOAT_EQ(mean.as<float>()[1], 5.0f);
  EXPECT_FLOAT_EQ(sd.as<float>()[0], 1.1180340f);
  EXPECT_FLOAT_EQ(sd.as<float>()[1], 1.0f);
  // Test data uses train's statistics: (2.5 - 2.5) / 1.118 = 0,
  // (7 - 5) / 1 = 2, (0 - 2.5) / 1.1180340 = -2.2360680.
  makeFloat(test, {2, 2}, {2.5f, 7, 0, 5});
  ASSERT_EQ(kiln_standardize_apply(test.get(), KILN_NORM_PER_FEATURE,
                                   mean.get(), sd.get()),
            KILN_OK);
  auto v = values(test);
  EXPECT_FLOAT_EQ(v[0], 0.0f);
  EXPECT_FLOAT_EQ(v[1], 2.0f);
  EXPECT_FLOAT_EQ(v[2], -2.2360680f);
  EXPECT_FLOAT_EQ(v[3], 0.0f);
  // Train itself ends up with mean 0 and stddev 1 in feature 0.
  ASSERT_EQ(kiln_standardize_apply(train.get(), KILN_NORM_PER_FEATURE,
                                   mean.get(), sd.get()),
            KILN_OK);
  EXPECT_FLOAT_EQ(train.as<float>()[0], -1.5f / 1.1180340f);
  EXPECT_FLOAT_EQ(train.as<float>()[6], 1.5f / 1.1180340f);
}

TEST(Preprocess, StandardizePerChannelAndGlobal) {
  // Images [N=2, C=2, H=1, W=2]. Channel 0 holds 0, 2 (image 0) and 4, 6
  // (image 1): mean 3, variance (9 + 1 + 1 + 9) / 4 = 5. Channel 1 holds
  // 10, 10, 20, 20: mean 15, variance 25, stddev 5.
  Tensor x, mean, sd;
  makeFloat(x, {2, 2, 1, 2}, {0, 2, 10, 10, 4, 6, 20, 20});
  ASSERT_EQ(kiln_standardize_fit(x.get(), KILN_NORM_PER_CHANNEL, mean.get(),
                                 sd.get()),
            KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(mean->shape[0], 2);
  EXPECT_FLOAT_EQ(mean.as<float>()[0], 3.0f);
  EXPECT_FLOAT_EQ(mean.as<float>()[1], 15.0f);
  EXPECT_FLOAT_EQ(sd.as<float>()[0], std::sqrt(5.0f));
  EXPECT_FLOAT_EQ(sd.as<float>()[1], 5.0f);
  ASSERT_EQ(kiln_standardize_apply(x.get(), KILN_NORM_PER_CHANNEL, mean.get(),
                                   sd.get()),
            KILN_OK);
  EXPECT_FLOAT_EQ(x.as<float>()[0], -3.0f / std::sqrt(5.0f));
  EXPECT_FLOAT_EQ(x.as<float>()[2], -1.0f); // (10 - 15) / 5
  EXPECT_FLOAT_EQ(x.as<float>()[7], 1.0f);  // (20 - 15) / 5

  // Global over 1, 2, 3, 6: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5.
  Tensor g, gm, gs;
  makeFloat(g, {2, 2}, {1, 2, 3, 6});
  ASSERT_EQ(kiln_standardize_fit(g.get(), KILN_NORM_GLOBAL, gm.get(), gs.get()),
            KILN_OK);
  ASSERT_EQ(kiln_tensor_numel(gm.get()), 1);
  EXPECT_FLOAT_EQ(gm.as<float>()[0], 3.0f);
  EXPECT_FLOAT_EQ(gs.as<float>()[0], std::sqrt(3.5f));

  // One-channel images [N, H, W]: per channel is one statistic.
  Tensor m1, s1, m1b, s1b;
  makeFloat(m1, {2, 1, 2}, {1, 2, 3, 6});
  ASSERT_EQ(kiln_standardize_fit(m1.get(), KILN_NORM_PER_CHANNEL, m1b.get(),
                                 s1b.get()),
            KILN_OK);
  EXPECT_EQ(kiln_tensor_numel(m1b.get()), 1);
  EXPECT_FLOAT_EQ(m1b.as<float>()[0], 3.0f);
}

TEST(Preprocess, MinMax) {
  // Feature 0: 1..4 -> min 1, max 4. Feature 1: constant 5.
  Tensor train, test, lo, hi;
  makeFloat(train, {4, 2}, {1, 5, 2, 5, 3, 5, 4, 5});
  ASSERT_EQ(
      kiln_minmax_fit(train.get(), KILN_NORM_PER_FEATURE, lo.get(), hi.get()),
      KILN_OK);
  EXPECT_EQ(values(lo), (std::vector<float>{1, 5}));
  EXPECT_EQ(values(hi), (std::vector<float>{4, 5}));
  // (2.5 - 1) / 3 = 0.5; (7 - 1) / 3 = 2 (outside train's range, not
  // clipped); constant feature: x - 5.
  makeFloat(test, {2, 2}, {2.5f, 5, 7, 6});
  ASSERT_EQ(
      kiln_minmax_apply(test.get(), KILN_NORM_PER_FEATURE, lo.get(), hi.get()),
      KILN_OK);
  EXPECT_EQ(values(test), (std::vector<float>{0.5f, 0, 2, 1}));
  ASSERT_EQ(
      kiln_minmax_apply(train.get(), KILN_NORM_PER_FEATURE, lo.get(), hi.get()),
      KILN_OK);
  EXPECT_FLOAT_EQ(train.as<float>()[2], 1.0f / 3.0f);
  EXPECT_EQ(train.as<float>()[6], 1.0f);
}

TEST(Preprocess, StatisticsMustMatchTheData) {
  Tensor train, other, mean, sd;
  makeFloat(train, {2, 3}, {1, 2, 3, 4, 5, 6});
  makeFloat(other, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_EQ(kiln_standardize_fit(train.get(), KILN_NORM_PER_FEATURE, mean.get(),
                                 sd.get()),
            KILN_OK);
  EXPECT_EQ(kiln_standardize_apply(other.get(), KILN_NORM_PER_FEATURE,
                                   mean.get(), sd.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "mean has 3 values but the data "
                                           "need 4"),
            nullptr)
      << kiln_last_error();
  EXPECT_EQ(other.as<float>()[0], 1.0f); // untouched
  Tensor m2, s2;
  EXPECT_EQ(kiln_standardize_fit(train.get(), KILN_NORM_PER_CHANNEL, m2.get(),
                                 s2.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "got rank 2"), nullptr);
  EXPECT_EQ(m2->data, nullptr);
  EXPECT_EQ(kiln_standardize_fit(train.get(), 9, m2.get(), s2.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  Tensor ints;
  int64_t shape[2] = {2, 2};
  ASSERT_EQ(kiln_tensor_alloc(ints.get(), KILN_INT32, 2, shape), KILN_OK);
  EXPECT_EQ(kiln_scale_to_unit(ints.get(), 255), KILN_ERROR_UNSUPPORTED);
}

TEST(Preprocess, OneHot) {
  Tensor labels, out;
  int64_t n = 4;
  ASSERT_EQ(kiln_tensor_alloc(labels.get(), KILN_INT64, 1, &n), KILN_OK);
  const int64_t l[4] = {2, 0, -1, 1};
  std::memcpy(labels->data, l, sizeof(l));
  ASSERT_EQ(kiln_one_hot(labels.get(), 3, out.get()), KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(out->rank, 2);
  EXPECT_EQ(out->shape[0], 4);
  EXPECT_EQ(out->shape[1], 3);
  // Row i has a 1 in column l[i]; the padding label -1 gives zeros.
  EXPECT_EQ(values(out),
            (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0}));
  Tensor bad;
  labels.as<int64_t>()[1] = 3;
  EXPECT_EQ(kiln_one_hot(labels.get(), 3, bad.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "label[1] = 3 outside [0, 3)"),
            nullptr);
  EXPECT_EQ(bad->data, nullptr);
  labels.as<int64_t>()[1] = -2;
  EXPECT_EQ(kiln_one_hot(labels.get(), 3, bad.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_one_hot(labels.get(), 0, bad.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  // uint8 labels as read from IDX files work too.
  Tensor u8, out8;
  ASSERT_EQ(kiln_tensor_alloc(u8.get(), KILN_UINT8, 1, &n), KILN_OK);
  u8.as<uint8_t>()[0] = 9;
  ASSERT_EQ(kiln_one_hot(u8.get(), 10, out8.get()), KILN_OK);
  EXPECT_EQ(out8.as<float>()[9], 1.0f);
  EXPECT_EQ(out8.as<float>()[10], 1.0f); // label 0 in row 1
}
