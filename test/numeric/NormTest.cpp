//===- NormTest.cpp - batch_norm, layer_norm, dropout ---------------------===//

#include "NumericTest.h"

#include <cmath>

using namespace kiln::numeric;
namespace ref = kiln::ref;

namespace {

using NormTest = NumericTest;

TEST_F(NormTest, BatchNormInference) {
  OpBatch batch;
  for (const Shape &shape :
       std::vector<Shape>{{3, 7, 17, 17}, {17, 7}, {3, 7, 129}, {1, 3, 1}}) {
    int64_t c = shape[1];
    Tensor x = rand(shape, -3, 3), scale = rand({c}, -2, 2),
           bias = rand({c}, -1, 1), mean = rand({c}, -1, 1),
           var = rand({c}, 0.1, 2);
    for (bool customEps : {false, true}) {
      Tensor r = customEps
                     ? ref::batchNormInference(x, scale, bias, mean, var, 1e-3f)
                     : ref::batchNormInference(x, scale, bias, mean, var);
      std::string operands = batch.in(x) + ", " + batch.in(scale) + ", " +
                             batch.in(bias) + ", " + batch.in(mean) + ", " +
                             batch.in(var);
      std::string attrs = customEps ? " {epsilon = 1.0e-3 : f32}" : "";
      batch.expectOp("kiln.batch_norm_inference " + operands + attrs + " : (" +
                         ty(x) + ", " + ty(scale) + ", " + ty(bias) + ", " +
                         ty(mean) + ", " + ty(var) + ") -> " + ty(r),
                     r, kArith, ref::shapeStr(shape) + attrs);
    }
  }
  batch.check();
}

TEST_F(NormTest, BatchNormTraining) {
  OpBatch batch;
  for (const Shape &shape :
       std::vector<Shape>{{3, 7, 17, 17}, {17, 7}, {3, 7, 129}, {3, 1}}) {
    int64_t c = shape[1];
    // An offset mean makes a naive E[x^2] - E[x]^2 variance visibly wrong.
    Tensor x = rand(shape, 5, 9), scale = rand({c}, -2, 2),
           bias = rand({c}, -1, 1);
    for (bool customEps : {false, true}) {
      auto r = customEps ? ref::batchNormTraining(x, scale, bias, 0.1f)
                         : ref::batchNormTraining(x, scale, bias);
      std::string attrs = customEps ? " {epsilon = 0.1 : f32}" : "";
      std::string v = batch.op(
          "kiln.batch_norm_training " + batch.in(x) + ", " + batch.in(scale) +
              ", " + batch.in(bias) + attrs + " : (" + ty(x) + ", " +
              ty(scale) + ", " + ty(bias) + ") -> (" + ty(r.output) + ", " +
              ty(r.batchMean) + ", " + ty(r.batchVariance) + ")",
          3);
      std::string what = ref::shapeStr(shape) + attrs;
      batch.expect(v + "#0", r.output, kReduction, what + " output");
      batch.expect(v + "#1", r.batchMean, kReduction, what + " mean");
      batch.expect(v + "#2", r.batchVariance, kReduction, what + " variance");
    }
  }
  batch.check();
}

TEST_F(NormTest, LayerNorm) {
  OpBatch batch;
  auto add = [&](const Shape &shape, int64_t axis, bool customEps) {
    int64_t a = axis < 0 ? axis + static_cast<int64_t>(shape.size()) : axis;
    Shape normalized(shape.begin() + a, shape.end());
    Tensor x = rand(shape, 2, 6), scale = rand(normalized, -2, 2),
           bias = rand(normalized, -1, 1);
    Tensor r = customEps ? ref::layerNorm(x, scale, bias, axis, 1e-3f)
                         : ref::layerNorm(x, scale, bias, axis);
    std::string attrs;
    if (axis != -1 || customEps) {
      attrs = " {axis = " + std::to_string(axis);
      if (customEps)
        attrs += ", epsilon = 1.0e-3 : f32";
      attrs += "}";
    }
    batch.expectOp("kiln.layer_norm " + batch.in(x) + ", " + batch.in(scale) +
                       ", " + batch.in(bias) + attrs + " : (" + ty(x) + ", " +
                       ty(scale) + ", " + ty(bias) + ") -> " + ty(r),
                   r, kReduction, ref::shapeStr(shape) + attrs);
  };
  add({3, 7, 17}, -1, false);
  add({3, 7, 17}, 1, false);
  add({3, 7, 17}, 0, true);
  add({17, 129}, -1, true);
  add({3, 1}, -1, false);
  batch.check();
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

const Shape kDropoutShape = {129, 129};

/// dropout(x, seed) with `attrs`, returning output and mask.
std::string dropoutModule(const std::string &attrs) {
  std::string t = ty(kDropoutShape), m = ty(kDropoutShape, "i1");
  FuncBuilder f("main");
  std::string x = f.arg(t), seed = f.arg("tensor<i64>");
  std::string v = f.op("kiln.dropout " + x + ", " + seed + attrs + " : (" + t +
                           ", tensor<i64>) -> (" + t + ", " + m + ")",
                       2);
  f.ret(v + "#0", t);
  f.ret(v + "#1", m);
  return moduleOf({f});
}

using DropoutTest = NumericTest;

TEST_F(DropoutTest, InferenceIsIdentity) {
  Tensor x = rand(kDropoutShape);
  for (const std::string &attrs :
       {std::string(""), std::string(" {ratio = 0.3 : f32}"),
        std::string(" {ratio = 0.0 : f32, training = true}")}) {
    SCOPED_TRACE("attrs" + attrs);
    auto outs =
        run(dropoutModule(attrs), "main", {x, Tensor::scalar(7, Tensor::I64)});
    ASSERT_EQ(outs.size(), 2u);
    auto r = ref::dropout(x, nullptr, 0.3f, false);
    EXPECT_MATCH(outs[0], r.output, kExact);
    EXPECT_MATCH(outs[1], r.mask, kExact);
  }
}

TEST_F(DropoutTest, TrainingMaskScaleAndSeeds) {
  const float ratio = 0.3f;
  const std::string source =
      dropoutModule(" {ratio = 0.3 : f32, training = true}");
  Tensor x = rand(kDropoutShape);
  auto runSeed = [&](int64_t seed) {
    return run(source, "main", {x, Tensor::scalar(seed, Tensor::I64)});
  };
  auto a = runSeed(42);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(a[1].dtype, Tensor::I1);

  // output = x * mask / (1 - ratio), with the compiled mask.
  auto r = ref::dropout(x, &a[1], ratio, true);
  EXPECT_MATCH(a[0], r.output, kArith);
  EXPECT_MATCH(a[1], r.mask, kExact);

  // The keep fraction is 1 - ratio within 3 standard deviations of a
  // binomial over n elements.
  double n = static_cast<double>(a[1].numel()), kept = 0;
  for (double m : a[1].data)
    kept += m;
  double sigma = std::sqrt(ratio * (1.0 - ratio) / n);
  EXPECT_NEAR(kept / n, 1.0 - ratio, 3 * sigma);

  // Same seed, same mask; another seed, another mask (independent masks
  // differ in 2 p (1 - p) = 42% of the elements; demand 30%).
  auto again = runSeed(42);
  EXPECT_MATCH(again[1], a[1], kExact);
  EXPECT_MATCH(again[0], a[0], kExact);
  auto other = runSeed(43);
  double differ = 0;
  for (int64_t i = 0; i < other[1].numel(); ++i)
    differ += other[1].data[i] != a[1].data[i];
  EXPECT_GT(differ / n, 0.3) << "seeds 42 and 43 give nearly the same mask";
  auto r43 = ref::dropout(x, &other[1], ratio, true);
  EXPECT_MATCH(other[0], r43.output, kArith);

  // Neighbouring elements are not correlated: the kept fraction among the
  // right neighbours of kept elements is also 1 - ratio.
  double pairs = 0, both = 0;
  for (int64_t i = 0; i + 1 < a[1].numel(); ++i)
    if (a[1].data[i]) {
      ++pairs;
      both += a[1].data[i + 1];
    }
  EXPECT_NEAR(both / pairs, 1.0 - ratio,
              3 * std::sqrt(ratio * (1.0 - ratio) / pairs));
}

} // namespace
