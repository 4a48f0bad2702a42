//===- ReferenceTest.cpp - the reference ops against hand-computed cases --===//
//
// Expected values are worked out by hand or, where marked "python", printed
// with 17 significant digits by a short plain-Python `math` script written
// independently of the C++ (torch/numpy are not installed here).
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace kiln::ref;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Tensor f32(Shape shape, std::vector<double> values) {
  return Tensor(std::move(shape), std::move(values), Tensor::F32);
}
Tensor i64(Shape shape, std::vector<double> values) {
  return Tensor(std::move(shape), std::move(values), Tensor::I64);
}
Tensor i1(Shape shape, std::vector<double> values) {
  return Tensor(std::move(shape), std::move(values), Tensor::I1);
}

/// Shape and values match within an absolute tolerance (NaN matches NaN).
::testing::AssertionResult near(const Tensor &actual, const Tensor &expected,
                                double tol = 1e-12) {
  std::string why;
  if (allClose(actual, expected, 0.0, tol, &why))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why;
}

/// Shape, dtype and values match exactly.
::testing::AssertionResult same(const Tensor &actual, const Tensor &expected) {
  if (actual.dtype != expected.dtype)
    return ::testing::AssertionFailure()
           << "dtype " << dtypeName(actual.dtype) << " != expected "
           << dtypeName(expected.dtype);
  return near(actual, expected, 0.0);
}

/// Values 0, 1, ..., numel - 1 in the given shape.
Tensor iota(Shape shape) {
  Tensor t = Tensor::zeros(shape);
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = static_cast<double>(i);
  return t;
}

} // namespace

//===----------------------------------------------------------------------===//
// Tensor helpers
//===----------------------------------------------------------------------===//

TEST(TensorTest, IndexCoordsAndStrides) {
  Shape shape = {2, 3, 4};
  EXPECT_EQ(numElements(shape), 24);
  EXPECT_EQ(numElements({}), 1);
  EXPECT_EQ(stridesOf(shape), (Shape{12, 4, 1}));
  EXPECT_EQ(coordsOf(17, shape), (Shape{1, 1, 1}));
  EXPECT_EQ(indexOf({1, 2, 3}, shape), 23);
  for (int64_t i = 0; i < 24; ++i)
    EXPECT_EQ(indexOf(coordsOf(i, shape), shape), i);
  EXPECT_THROW(indexOf({0, 3, 0}, shape), std::out_of_range);
  Tensor t = iota({2, 3});
  EXPECT_EQ(t.at({1, 0}), 3.0);
}

TEST(TensorTest, ConstructorValidates) {
  EXPECT_THROW(f32({2, 2}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(i64({1}, {0.5}), std::invalid_argument);
  EXPECT_THROW(i1({1}, {2}), std::invalid_argument);
  EXPECT_EQ(Tensor::scalar(3).rank(), 0);
  EXPECT_EQ(Tensor::scalar(3).numel(), 1);
}

TEST(TensorTest, Broadcasting) {
  EXPECT_EQ(broadcastShapes({3, 1}, {1, 4}), (Shape{3, 4}));
  EXPECT_EQ(broadcastShapes({2, 1, 5}, {3, 1}), (Shape{2, 3, 5}));
  EXPECT_EQ(broadcastShapes({}, {2}), (Shape{2}));
  EXPECT_THROW(broadcastShapes({2, 3}, {4}), std::invalid_argument);
  // [2, 1] read at result coordinates (r, c) of [3, 2, 4] gives element r.
  Tensor t = f32({2, 1}, {10, 20});
  EXPECT_EQ(atBroadcast(t, {2, 0, 3}), 10.0);
  EXPECT_EQ(atBroadcast(t, {0, 1, 2}), 20.0);
}

TEST(TensorTest, RandomIsSeededAndInRange) {
  std::mt19937 a(42), b(42);
  Tensor x = Tensor::random({17}, Tensor::F32, a, -2, 3);
  Tensor y = Tensor::random({17}, Tensor::F32, b, -2, 3);
  EXPECT_EQ(x.data, y.data);
  for (double v : x.data) {
    EXPECT_GE(v, -2.0);
    EXPECT_LE(v, 3.0);
    EXPECT_EQ(v, static_cast<double>(static_cast<float>(v)));
  }
  Tensor k = Tensor::random({129}, Tensor::I64, a, -3, 3);
  for (double v : k.data) {
    EXPECT_EQ(v, std::trunc(v));
    EXPECT_GE(v, -3.0);
    EXPECT_LE(v, 3.0);
  }
  Tensor m = Tensor::random({129}, Tensor::I1, a);
  for (double v : m.data)
    EXPECT_TRUE(v == 0 || v == 1);
}

TEST(TensorTest, AllCloseReportsMismatch) {
  std::string why;
  EXPECT_TRUE(allClose(f32({2}, {1, 2}), f32({2}, {1, 2.0005}), 0, 1e-3));
  EXPECT_FALSE(allClose(f32({2}, {1, 2}), f32({2}, {1, 2.1}), 0, 1e-3, &why));
  EXPECT_NE(why.find("element 1"), std::string::npos);
  EXPECT_FALSE(allClose(f32({2}, {1, 2}), f32({1, 2}, {1, 2}), 0, 1));
  EXPECT_FALSE(allClose(f32({1}, {NAN}), f32({1}, {1}), 0, 1));
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

TEST(UnaryTest, Simple) {
  Tensor x = f32({4}, {-2, -0.5, 0, 4});
  EXPECT_TRUE(same(constant(x), x));
  EXPECT_TRUE(same(stopGradient(x), x));
  EXPECT_TRUE(same(neg(x), f32({4}, {2, 0.5, -0.0, -4})));
  EXPECT_TRUE(same(abs(x), f32({4}, {2, 0.5, 0, 4})));
  EXPECT_TRUE(same(relu(x), f32({4}, {0, 0, 0, 4})));
  EXPECT_TRUE(std::isnan(relu(f32({1}, {NAN})).data[0]));
  EXPECT_TRUE(near(exp(f32({2}, {0, 1})), f32({2}, {1, M_E})));
  EXPECT_TRUE(near(log(f32({2}, {1, M_E})), f32({2}, {0, 1})));
  EXPECT_TRUE(near(sqrt(f32({2}, {4, 2.25})), f32({2}, {2, 1.5})));
  EXPECT_TRUE(near(rsqrt(f32({2}, {4, 0.25})), f32({2}, {0.5, 2})));
  EXPECT_TRUE(near(reciprocal(f32({2}, {4, -0.5})), f32({2}, {0.25, -2})));
  // python: math.tanh(1), 1/(1+exp(-2)), math.erf(1).
  EXPECT_TRUE(near(tanh(f32({2}, {0, 1})), f32({2}, {0, 0.7615941559557649})));
  EXPECT_TRUE(
      near(sigmoid(f32({2}, {0, 2})), f32({2}, {0.5, 0.8807970779778823})));
  EXPECT_TRUE(near(erf(f32({2}, {0, 1})), f32({2}, {0, 0.8427007929497149})));
  // python: math.cos(1), math.sin(1).
  EXPECT_TRUE(near(cos(f32({2}, {0, 1})), f32({2}, {1, 0.5403023058681398})));
  EXPECT_TRUE(near(sin(f32({2}, {0, 1})), f32({2}, {0, 0.8414709848078965})));
  EXPECT_THROW(neg(i64({1}, {1})), std::invalid_argument);
}

TEST(UnaryTest, SoftplusIsStable) {
  // python: math.log1p(math.exp(-100)).
  Tensor y = softplus(f32({3}, {0, 100, -100}));
  EXPECT_TRUE(near(y, f32({3}, {M_LN2, 100, 0})));
  EXPECT_NEAR(y.data[2] / 3.720075976020836e-44, 1.0, 1e-12);
}

TEST(UnaryTest, ParameterizedActivations) {
  // Default alpha is the f32 attribute 0.01f; python: float32(0.01) * -2.
  EXPECT_TRUE(near(leakyRelu(f32({3}, {-2, 0, 3})),
                   f32({3}, {-0.019999999552965164, 0, 3})));
  EXPECT_TRUE(near(leakyRelu(f32({1}, {-2}), 0.5f), f32({1}, {-1})));
  // python: exp(-1) - 1.
  EXPECT_TRUE(near(elu(f32({2}, {-1, 2})), f32({2}, {-0.6321205588285577, 2})));
  EXPECT_TRUE(near(elu(f32({1}, {-1}), 2.0f), f32({1}, {-1.2642411176571154})));
  // python, with the f32 default alpha and gamma.
  EXPECT_TRUE(near(selu(f32({3}, {-1, 0, 2})),
                   f32({3}, {-1.1113307412864784, 0, 2.1014020442962646})));
}

TEST(UnaryTest, GeluBothForms) {
  Tensor x = f32({4}, {-1, 0, 1, 2});
  // python: 0.5*x*(1+erf(x/sqrt(2))).
  EXPECT_TRUE(
      near(gelu(x), f32({4}, {-0.15865525393145707, 0, 0.8413447460685429,
                              1.9544997361036416})));
  // python: 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3))).
  EXPECT_TRUE(
      near(gelu(x, true), f32({4}, {-0.15880800939172324, 0, 0.8411919906082768,
                                    1.954597694087775})));
}

TEST(UnaryTest, ClipWithMissingBounds) {
  Tensor x = f32({4}, {-3, -1, 1, 3});
  EXPECT_TRUE(same(clip(x, -2.0f, 2.0f), f32({4}, {-2, -1, 1, 2})));
  EXPECT_TRUE(same(clip(x, std::nullopt, 0.0f), f32({4}, {-3, -1, 0, 0})));
  EXPECT_TRUE(same(clip(x, 0.0f), f32({4}, {0, 0, 1, 3})));
  EXPECT_TRUE(same(clip(x), x));
  EXPECT_THROW(clip(x, 1.0f, 0.0f), std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// Binary, compare, select, cast
//===----------------------------------------------------------------------===//

TEST(BinaryTest, BroadcastArithmetic) {
  Tensor a = f32({2, 1}, {1, 2});
  Tensor b = f32({3}, {10, 20, 30});
  EXPECT_TRUE(same(add(a, b), f32({2, 3}, {11, 21, 31, 12, 22, 32})));
  EXPECT_TRUE(same(sub(a, b), f32({2, 3}, {-9, -19, -29, -8, -18, -28})));
  EXPECT_TRUE(same(mul(a, b), f32({2, 3}, {10, 20, 30, 20, 40, 60})));
  EXPECT_TRUE(near(div(b, a), f32({2, 3}, {10, 20, 30, 5, 10, 15})));
  EXPECT_TRUE(
      same(max(a, f32({3}, {0, 1.5, 3})), f32({2, 3}, {1, 1.5, 3, 2, 2, 3})));
  EXPECT_TRUE(
      same(min(a, f32({3}, {0, 1.5, 3})), f32({2, 3}, {0, 1, 1, 0, 1.5, 2})));
  EXPECT_TRUE(near(pow(f32({3}, {2, 4, 9}), f32({3}, {3, 0.5, -0.5})),
                   f32({3}, {8, 2, 1.0 / 3})));
  // Rank-0 operands broadcast too.
  EXPECT_TRUE(same(add(Tensor::scalar(1), f32({2}, {1, 2})), f32({2}, {2, 3})));
  EXPECT_THROW(add(f32({2}, {1, 2}), f32({3}, {1, 2, 3})),
               std::invalid_argument);
  EXPECT_THROW(add(f32({1}, {1}), i64({1}, {1})), std::invalid_argument);
  EXPECT_THROW(pow(i64({1}, {2}), i64({1}, {2})), std::invalid_argument);
}

TEST(BinaryTest, FloatMaxMinPropagateNaN) {
  EXPECT_TRUE(std::isnan(max(f32({1}, {NAN}), f32({1}, {1})).data[0]));
  EXPECT_TRUE(std::isnan(min(f32({1}, {1}), f32({1}, {NAN})).data[0]));
}

TEST(BinaryTest, IntegerSemantics) {
  EXPECT_TRUE(same(div(i64({4}, {7, -7, 7, -7}), i64({4}, {2, 2, -2, -2})),
                   i64({4}, {3, -3, -3, 3})));
  EXPECT_THROW(div(i64({1}, {1}), i64({1}, {0})), std::domain_error);
  Tensor big = Tensor({1}, {2147483647}, Tensor::I32);
  EXPECT_TRUE(same(add(big, Tensor({1}, {1}, Tensor::I32)),
                   Tensor({1}, {-2147483648.0}, Tensor::I32)));
  EXPECT_TRUE(same(mul(i64({2}, {-3, 4}), i64({1}, {5})), i64({2}, {-15, 20})));
  // i1 is unsigned and wraps mod 2.
  EXPECT_TRUE(same(max(i1({2}, {0, 1}), i1({2}, {1, 0})), i1({2}, {1, 1})));
  EXPECT_TRUE(same(add(i1({2}, {1, 1}), i1({2}, {0, 1})), i1({2}, {1, 0})));
}

TEST(CompareTest, AllPredicates) {
  Tensor x = f32({3}, {1, 2, 3});
  Tensor two = Tensor::scalar(2);
  EXPECT_TRUE(same(eq(x, two), i1({3}, {0, 1, 0})));
  EXPECT_TRUE(same(lt(x, two), i1({3}, {1, 0, 0})));
  EXPECT_TRUE(same(le(x, two), i1({3}, {1, 1, 0})));
  EXPECT_TRUE(same(gt(x, two), i1({3}, {0, 0, 1})));
  EXPECT_TRUE(same(ge(x, two), i1({3}, {0, 1, 1})));
  EXPECT_TRUE(same(lt(i64({2, 1}, {0, 5}), i64({2}, {1, 6})),
                   i1({2, 2}, {1, 1, 0, 1})));
  EXPECT_TRUE(same(eq(f32({1}, {NAN}), f32({1}, {NAN})), i1({1}, {0})));
}

TEST(SelectTest, BroadcastsAllThree) {
  Tensor cond = i1({2, 1}, {1, 0});
  Tensor t = f32({3}, {1, 2, 3});
  Tensor f = Tensor::scalar(-1);
  EXPECT_TRUE(same(select(cond, t, f), f32({2, 3}, {1, 2, 3, -1, -1, -1})));
  EXPECT_THROW(select(f32({1}, {1}), t, f), std::invalid_argument);
}

TEST(CastTest, Conversions) {
  Tensor x = f32({5}, {-1.7, -0.5, 0, 0.5, 2.9});
  EXPECT_TRUE(same(cast(x, Tensor::I64), i64({5}, {-1, 0, 0, 0, 2})));
  EXPECT_TRUE(
      same(cast(x, Tensor::I32), Tensor({5}, {-1, 0, 0, 0, 2}, Tensor::I32)));
  EXPECT_TRUE(same(cast(x, Tensor::I1), i1({5}, {1, 1, 0, 1, 1})));
  EXPECT_TRUE(same(cast(f32({1}, {NAN}), Tensor::I1), i1({1}, {1})));
  Tensor d = Tensor({1}, {0.1}, Tensor::F64);
  Tensor r = cast(d, Tensor::F32);
  EXPECT_EQ(r.dtype, Tensor::F32);
  EXPECT_EQ(r.data[0], static_cast<double>(0.1f));
  EXPECT_NE(r.data[0], 0.1);
  EXPECT_TRUE(same(cast(i64({2}, {2147483648.0, -1}), Tensor::I32),
                   Tensor({2}, {-2147483648.0, -1}, Tensor::I32)));
  EXPECT_TRUE(same(cast(i1({2}, {1, 0}), Tensor::F32), f32({2}, {1, 0})));
  EXPECT_TRUE(same(cast(i1({2}, {1, 0}), Tensor::I64), i64({2}, {1, 0})));
  EXPECT_THROW(cast(f32({1}, {3e9}), Tensor::I32), std::out_of_range);
  EXPECT_THROW(cast(f32({1}, {NAN}), Tensor::I64), std::out_of_range);
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

TEST(MatmulTest, TwoByThree) {
  Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = f32({3, 2}, {7, 8, 9, 10, 11, 12});
  Tensor expected = f32({2, 2}, {58, 64, 139, 154});
  EXPECT_TRUE(same(matmul(a, b), expected));
  Tensor at = f32({3, 2}, {1, 4, 2, 5, 3, 6});
  Tensor bt = f32({2, 3}, {7, 9, 11, 8, 10, 12});
  EXPECT_TRUE(same(matmul(at, b, true), expected));
  EXPECT_TRUE(same(matmul(a, bt, false, true), expected));
  EXPECT_TRUE(same(matmul(at, bt, true, true), expected));
  EXPECT_THROW(matmul(a, a), std::invalid_argument);
  EXPECT_THROW(matmul(f32({3}, {1, 2, 3}), b), std::invalid_argument);
}

TEST(MatmulTest, BatchDimsBroadcast) {
  // lhs[b] = (b + 1) * I, rhs[c] = diag(c, c + 1): result[b, c] = (b + 1) *
  // rhs[c].
  Tensor lhs = f32({2, 1, 2, 2}, {1, 0, 0, 1, 2, 0, 0, 2});
  Tensor rhs = f32({3, 2, 2}, {0, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 3});
  Tensor out = matmul(lhs, rhs);
  ASSERT_EQ(out.shape, (Shape{2, 3, 2, 2}));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t c = 0; c < 3; ++c) {
      EXPECT_EQ(out.at({b, c, 0, 0}), (b + 1) * c);
      EXPECT_EQ(out.at({b, c, 1, 1}), (b + 1) * (c + 1));
      EXPECT_EQ(out.at({b, c, 0, 1}), 0);
    }
  // A rank-2 operand against a batched one.
  Tensor one = matmul(f32({1, 2}, {1, 1}), rhs);
  EXPECT_TRUE(same(one, f32({3, 1, 2}, {0, 1, 1, 2, 2, 3})));
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

TEST(Conv2dTest, OneChannelPaddedBoxFilter) {
  Tensor x = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = Tensor::full({1, 1, 3, 3}, 1.0);
  // Each output is the sum of the 3x3 neighbourhood, zeros outside.
  EXPECT_TRUE(same(conv2d(x, w, nullptr, {1, 1}, {1, 1, 1, 1}),
                   f32({1, 1, 3, 3}, {12, 21, 16, 27, 45, 33, 24, 39, 28})));
  Tensor bias = f32({1}, {0.5});
  EXPECT_TRUE(same(conv2d(x, w, &bias), f32({1, 1, 1, 1}, {45.5})));
}

TEST(Conv2dTest, PaddingOrderIsTopLeftBottomRight) {
  Tensor x = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = Tensor::full({1, 1, 2, 2}, 1.0);
  // Top only: a zero row above, 3 x 2 outputs.
  EXPECT_TRUE(same(conv2d(x, w, nullptr, {1, 1}, {1, 0, 0, 0}),
                   f32({1, 1, 3, 2}, {3, 5, 12, 16, 24, 28})));
  // Left only: a zero column on the left, 2 x 3 outputs.
  EXPECT_TRUE(same(conv2d(x, w, nullptr, {1, 1}, {0, 1, 0, 0}),
                   f32({1, 1, 2, 3}, {5, 12, 16, 11, 24, 28})));
  // Bottom only.
  EXPECT_TRUE(same(conv2d(x, w, nullptr, {1, 1}, {0, 0, 1, 0}),
                   f32({1, 1, 3, 2}, {12, 16, 24, 28, 15, 17})));
}

TEST(Conv2dTest, StrideAndDilation) {
  Tensor x = iota({1, 1, 5, 5});
  Tensor w = Tensor::full({1, 1, 2, 2}, 1.0);
  // Taps at (0,0), (0,2), (2,0), (2,2) from each window corner.
  EXPECT_TRUE(same(conv2d(x, w, nullptr, {2, 2}, {0, 0, 0, 0}, {2, 2}),
                   f32({1, 1, 2, 2}, {24, 32, 64, 72})));
  // Stride only along W.
  EXPECT_TRUE(
      same(conv2d(iota({1, 1, 1, 5}), f32({1, 1, 1, 1}, {2}), nullptr, {1, 2}),
           f32({1, 1, 1, 3}, {0, 4, 8})));
}

TEST(Conv2dTest, ChannelsGroupsAndBias) {
  Tensor x = f32({1, 2, 1, 2}, {1, 2, 10, 20});
  // One filter mixing both channels: x0 - x1.
  EXPECT_TRUE(same(conv2d(x, f32({1, 2, 1, 1}, {1, -1})),
                   f32({1, 1, 1, 2}, {-9, -18})));
  // groups = 2: filter f sees only channel f.
  Tensor w = f32({2, 1, 1, 1}, {2, 3});
  Tensor bias = f32({2}, {100, 200});
  EXPECT_TRUE(same(conv2d(x, w, &bias, {1, 1}, {0, 0, 0, 0}, {1, 1}, 2),
                   f32({1, 2, 1, 2}, {102, 104, 230, 260})));
  // groups = 2 with 4 filters: filters 0-1 see channel 0, 2-3 channel 1.
  Tensor w4 = f32({4, 1, 1, 1}, {1, 2, 3, 4});
  EXPECT_TRUE(same(conv2d(x, w4, nullptr, {1, 1}, {0, 0, 0, 0}, {1, 1}, 2),
                   f32({1, 4, 1, 2}, {1, 2, 2, 4, 30, 60, 40, 80})));
  EXPECT_THROW(conv2d(x, w, nullptr, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
               std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST(PoolTest, WindowOutputSizeFollowsPyTorch) {
  EXPECT_EQ(windowOutputSize(5, 2, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(windowOutputSize(5, 2, 2, 0, 0, 1, true), 3);
  // The ceil window would start at 4, inside the high padding: dropped.
  EXPECT_EQ(windowOutputSize(3, 2, 2, 1, 1, 1, true), 2);
  EXPECT_EQ(windowOutputSize(6, 3, 2, 1, 1, 1, true), 4);
  EXPECT_EQ(windowOutputSize(5, 2, 1, 0, 0, 2, false), 3);
  EXPECT_LT(windowOutputSize(2, 3, 1, 0, 0, 1, false), 1);
}

TEST(PoolTest, MaxPoolBasicAndCeil) {
  Tensor x = iota({1, 1, 4, 4});
  EXPECT_TRUE(
      same(maxPool2d(x, {2, 2}, {2, 2}), f32({1, 1, 2, 2}, {5, 7, 13, 15})));
  Tensor y = iota({1, 1, 5, 5});
  EXPECT_TRUE(same(maxPool2d(y, {2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1}, true),
                   f32({1, 1, 3, 3}, {6, 8, 9, 16, 18, 19, 21, 23, 24})));
  // ceil_mode where the extra window would start in the right padding.
  Tensor z = f32({1, 1, 1, 3}, {1, 2, 3});
  EXPECT_TRUE(same(maxPool2d(z, {1, 2}, {1, 2}, {0, 1, 0, 1}, {1, 1}, true),
                   f32({1, 1, 1, 2}, {1, 3})));
}

TEST(PoolTest, MaxPoolPaddingNeverWins) {
  Tensor x = f32({1, 1, 2, 2}, {-1, -2, -3, -4});
  EXPECT_TRUE(same(maxPool2d(x, {2, 2}, {2, 2}, {1, 1, 1, 1}),
                   f32({1, 1, 2, 2}, {-1, -2, -3, -4})));
  EXPECT_THROW(maxPool2d(x, {2, 2}, {1, 1}, {2, 0, 0, 0}),
               std::invalid_argument);
}

TEST(PoolTest, MaxPoolDilationAndChannels) {
  Tensor x = f32({1, 2, 1, 5}, {3, 1, 4, 1, 5, -3, -1, -4, -1, -5});
  EXPECT_TRUE(same(maxPool2d(x, {1, 2}, {1, 1}, {0, 0, 0, 0}, {1, 2}),
                   f32({1, 2, 1, 3}, {4, 1, 5, -3, -1, -4})));
}

TEST(PoolTest, AvgPoolBasic) {
  EXPECT_TRUE(same(avgPool2d(iota({1, 1, 4, 4}), {2, 2}, {2, 2}),
                   f32({1, 1, 2, 2}, {2.5, 4.5, 10.5, 12.5})));
}

TEST(PoolTest, AvgPoolCountIncludePad) {
  Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  EXPECT_TRUE(same(avgPool2d(x, {2, 2}, {1, 1}, {1, 1, 1, 1}),
                   f32({1, 1, 3, 3}, {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4})));
  EXPECT_TRUE(
      same(avgPool2d(x, {2, 2}, {1, 1}, {1, 1, 1, 1}, false, true),
           f32({1, 1, 3, 3}, {0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1})));
}

TEST(PoolTest, AvgPoolCeilModeNeverCountsPastPadding) {
  // W = 6, kernel 3, stride 2, pad 1 each side, ceil: windows start at -1,
  // 1, 3, 5. The last covers x5, one pad cell and one cell past the padding.
  Tensor x = f32({1, 1, 1, 6}, {1, 2, 3, 4, 5, 6});
  Shape k = {1, 3}, s = {1, 2}, p = {0, 1, 0, 1};
  EXPECT_TRUE(same(avgPool2d(x, k, s, p, true, false),
                   f32({1, 1, 1, 4}, {1.5, 3, 5, 6})));
  EXPECT_TRUE(
      same(avgPool2d(x, k, s, p, true, true), f32({1, 1, 1, 4}, {1, 3, 5, 3})));
  // No padding: the ceil window holds x4 only, whatever count_include_pad.
  Tensor y = f32({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  Tensor expected = f32({1, 1, 1, 3}, {1.5, 3.5, 5});
  EXPECT_TRUE(
      same(avgPool2d(y, {1, 2}, {1, 2}, {0, 0, 0, 0}, true, true), expected));
  EXPECT_TRUE(
      same(avgPool2d(y, {1, 2}, {1, 2}, {0, 0, 0, 0}, true, false), expected));
}

TEST(PoolTest, GlobalAvgPool) {
  Tensor x = f32({1, 2, 2, 2}, {1, 2, 3, 4, 10, 20, 30, 40});
  EXPECT_TRUE(same(globalAvgPool(x), f32({1, 2, 1, 1}, {2.5, 25})));
  EXPECT_TRUE(same(globalAvgPool(f32({2, 1, 3}, {1, 2, 3, 4, 5, 6})),
                   f32({2, 1, 1}, {2, 5})));
  EXPECT_THROW(globalAvgPool(f32({2, 2}, {1, 2, 3, 4})), std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// Reductions, argmax, softmax
//===----------------------------------------------------------------------===//

TEST(ReduceTest, AxesAndKeepdims) {
  Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(same(reduceSum(x), Tensor::scalar(21)));
  EXPECT_TRUE(same(reduceSum(x, {}, true), f32({1, 1}, {21})));
  EXPECT_TRUE(same(reduceSum(x, {0}), f32({3}, {5, 7, 9})));
  EXPECT_TRUE(same(reduceSum(x, {-1}, true), f32({2, 1}, {6, 15})));
  EXPECT_TRUE(same(reduceSum(x, {1, 0}), Tensor::scalar(21)));
  EXPECT_TRUE(same(reduceMean(x, {1}), f32({2}, {2, 5})));
  EXPECT_TRUE(same(reduceMax(x, {1}), f32({2}, {3, 6})));
  EXPECT_TRUE(same(reduceMin(x, {0}, true), f32({1, 3}, {1, 2, 3})));
  EXPECT_THROW(reduceSum(x, {0, -2}), std::invalid_argument);
  EXPECT_THROW(reduceSum(x, {2}), std::invalid_argument);
  // Middle axis of a 3-D tensor.
  EXPECT_TRUE(
      same(reduceSum(iota({2, 2, 2}), {1}), f32({2, 2}, {2, 4, 10, 12})));
}

TEST(ReduceTest, LogSumExpIsStable) {
  // python: log(e + e^2 + e^3).
  EXPECT_TRUE(near(reduceLogSumExp(f32({3}, {1, 2, 3})),
                   Tensor::scalar(3.40760596444438)));
  EXPECT_TRUE(near(reduceLogSumExp(f32({2}, {1000, 1000})),
                   Tensor::scalar(1000.6931471805599)));
  EXPECT_TRUE(
      same(reduceLogSumExp(f32({2}, {-kInf, -kInf})), Tensor::scalar(-kInf)));
  EXPECT_TRUE(std::isnan(reduceMax(f32({2}, {NAN, 1})).data[0]));
}

TEST(ArgmaxTest, TiesAxisKeepdims) {
  Tensor x = f32({2, 3}, {1, 3, 3, 2, 0, 2});
  EXPECT_TRUE(same(argmax(x, 1), i64({2, 1}, {1, 0})));
  EXPECT_TRUE(same(argmax(x, -1, true, true), i64({2, 1}, {2, 2})));
  EXPECT_TRUE(same(argmax(x, 0, false), i64({3}, {1, 0, 0})));
  EXPECT_TRUE(same(argmax(i64({4}, {-5, 7, 7, 1}), 0, false), i64({}, {1})));
}

TEST(SoftmaxTest, KnownValues) {
  // python: exp(x - logsumexp(x)) for x = 1, 2, 3.
  Tensor x = f32({3}, {1, 2, 3});
  EXPECT_TRUE(near(
      softmax(x),
      f32({3}, {0.09003057317038048, 0.2447284710547977, 0.665240955774822})));
  EXPECT_TRUE(
      near(logSoftmax(x), f32({3}, {-2.40760596444438, -1.4076059644443801,
                                    -0.40760596444438013})));
  // Shift invariance keeps large inputs finite.
  EXPECT_TRUE(near(softmax(f32({3}, {1001, 1002, 1003})), softmax(x)));
  // Axis 0 of [[1, 5], [3, 3]]: columns [1, 3] and [5, 3].
  // python: 1/(1+exp(2)), 1/(1+exp(-2)).
  EXPECT_TRUE(near(softmax(f32({2, 2}, {1, 5, 3, 3}), 0),
                   f32({2, 2}, {0.11920292202211755, 0.8807970779778823,
                                0.8807970779778823, 0.11920292202211755})));
  EXPECT_THROW(softmax(x, 1), std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

TEST(ShapeTest, ReshapeAndTranspose) {
  Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(same(reshape(x, {3, 2}), f32({3, 2}, {1, 2, 3, 4, 5, 6})));
  EXPECT_THROW(reshape(x, {4}), std::invalid_argument);
  EXPECT_TRUE(same(transpose(x, {1, 0}), f32({3, 2}, {1, 4, 2, 5, 3, 6})));
  // out[i][j][k] = in[j][k][i] for permutation [2, 0, 1].
  Tensor y = iota({2, 3, 4});
  Tensor t = transpose(y, {2, 0, 1});
  ASSERT_EQ(t.shape, (Shape{4, 2, 3}));
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 2; ++j)
      for (int64_t k = 0; k < 3; ++k)
        EXPECT_EQ(t.at({i, j, k}), y.at({j, k, i}));
  EXPECT_THROW(transpose(x, {0, 0}), std::invalid_argument);
}

TEST(ShapeTest, Concat) {
  Tensor a = f32({2, 1}, {1, 2});
  Tensor b = f32({2, 2}, {3, 4, 5, 6});
  EXPECT_TRUE(same(concat({a, b}, 1), f32({2, 3}, {1, 3, 4, 2, 5, 6})));
  EXPECT_TRUE(
      same(concat({a, b, a}, -1), f32({2, 4}, {1, 3, 4, 1, 2, 5, 6, 2})));
  EXPECT_TRUE(same(concat({b, b}, 0), f32({4, 2}, {3, 4, 5, 6, 3, 4, 5, 6})));
  EXPECT_THROW(concat({a, b}, 0), std::invalid_argument);
}

TEST(ShapeTest, Slice) {
  EXPECT_TRUE(same(slice(iota({10}), {1}, {8}, {3}), f32({3}, {1, 4, 7})));
  EXPECT_TRUE(same(slice(iota({10}), {2}, {2}, {1}), f32({0}, {})));
  Tensor x = iota({3, 4});
  EXPECT_TRUE(
      same(slice(x, {1, 0}, {3, 4}, {1, 2}), f32({2, 2}, {4, 6, 8, 10})));
  EXPECT_THROW(slice(x, {2, 0}, {1, 4}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(slice(x, {0, 0}, {3, 4}, {1, 0}), std::invalid_argument);
}

TEST(ShapeTest, Gather) {
  Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(same(gather(data, i64({3}, {2, -1, 0})),
                   f32({3, 2}, {5, 6, 5, 6, 1, 2})));
  // Axis 1 with 2-D indices: [3] + [1, 2] + [] = [3, 1, 2].
  EXPECT_TRUE(same(gather(data, i64({1, 2}, {1, 0}), 1),
                   f32({3, 1, 2}, {2, 1, 4, 3, 6, 5})));
  // Scalar index removes the axis.
  EXPECT_TRUE(
      same(gather(data, Tensor({}, {1}, Tensor::I32), 0), f32({2}, {3, 4})));
  EXPECT_THROW(gather(data, i64({1}, {3})), std::out_of_range);
  EXPECT_THROW(gather(data, i64({1}, {-4})), std::out_of_range);
}

TEST(ShapeTest, BroadcastTo) {
  EXPECT_TRUE(same(broadcastTo(f32({3}, {1, 2, 3}), {2, 3}),
                   f32({2, 3}, {1, 2, 3, 1, 2, 3})));
  EXPECT_TRUE(same(broadcastTo(f32({2, 1}, {1, 2}), {2, 3}),
                   f32({2, 3}, {1, 1, 1, 2, 2, 2})));
  EXPECT_THROW(broadcastTo(f32({2}, {1, 2}), {2, 3}), std::invalid_argument);
  EXPECT_THROW(broadcastTo(f32({2, 1}, {1, 2}), {2}), std::invalid_argument);
}

TEST(ShapeTest, PadModes) {
  Tensor x = f32({3}, {1, 2, 3});
  EXPECT_TRUE(same(pad(x, {2}, {1}, PadMode::Constant, 9),
                   f32({6}, {9, 9, 1, 2, 3, 9})));
  EXPECT_TRUE(same(pad(x, {2}, {2}, PadMode::Reflect),
                   f32({7}, {3, 2, 1, 2, 3, 2, 1})));
  EXPECT_TRUE(
      same(pad(x, {2}, {2}, PadMode::Edge), f32({7}, {1, 1, 1, 2, 3, 3, 3})));
  EXPECT_THROW(pad(x, {3}, {0}, PadMode::Reflect), std::invalid_argument);
  // 2-D reflect: rows then columns mirror independently.
  Tensor y = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(same(pad(y, {1, 1}, {0, 1}, PadMode::Reflect),
                   f32({3, 5}, {5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5})));
  // Integer constant padding truncates the value.
  EXPECT_TRUE(same(pad(i64({1}, {7}), {1}, {0}, PadMode::Constant, -2.5),
                   i64({2}, {-2, 7})));
}

//===----------------------------------------------------------------------===//
// Normalization and dropout
//===----------------------------------------------------------------------===//

TEST(NormTest, BatchNormInference) {
  // Channel 0 holds 1, 3; channel 1 holds 2, 4.
  Tensor x = f32({1, 2, 1, 2}, {1, 3, 2, 4});
  Tensor scale = f32({2}, {2, 1}), bias = f32({2}, {0, 1});
  Tensor mean = f32({2}, {2, 3}), var = f32({2}, {1, 4});
  EXPECT_TRUE(near(batchNormInference(x, scale, bias, mean, var, 0.0f),
                   f32({1, 2, 1, 2}, {-2, 2, 0.5, 1.5})));
  // Default epsilon: 1e-5f inside the square root.
  double eps = static_cast<double>(1e-5f);
  double inv0 = 1.0 / std::sqrt(1.0 + eps), inv1 = 1.0 / std::sqrt(4.0 + eps);
  EXPECT_TRUE(
      near(batchNormInference(x, scale, bias, mean, var),
           f32({1, 2, 1, 2}, {-2 * inv0, 2 * inv0, 1 - inv1, 1 + inv1})));
  EXPECT_THROW(batchNormInference(x, f32({3}, {1, 1, 1}), bias, mean, var),
               std::invalid_argument);
}

TEST(NormTest, BatchNormTrainingUsesBiasedVariance) {
  // N = 2, C = 1, L = 2: values 1, 2, 3, 4; mean 2.5, biased variance 1.25.
  Tensor x = f32({2, 1, 2}, {1, 2, 3, 4});
  auto r = batchNormTraining(x, f32({1}, {1}), f32({1}, {0}), 0.0f);
  EXPECT_TRUE(same(r.batchMean, f32({1}, {2.5})));
  EXPECT_TRUE(same(r.batchVariance, f32({1}, {1.25})));
  // python: sqrt(1.25).
  double s = 1.118033988749895;
  EXPECT_TRUE(
      near(r.output, f32({2, 1, 2}, {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s})));
  // Two channels, statistics kept apart; scale and bias per channel.
  Tensor y = f32({2, 2}, {0, 10, 2, 30});
  auto q = batchNormTraining(y, f32({2}, {1, 2}), f32({2}, {0, 5}), 0.0f);
  EXPECT_TRUE(same(q.batchMean, f32({2}, {1, 20})));
  EXPECT_TRUE(same(q.batchVariance, f32({2}, {1, 100})));
  EXPECT_TRUE(near(q.output, f32({2, 2}, {-1, 3, 1, 7})));
}

TEST(NormTest, LayerNorm) {
  // Row [1, 3]: mean 2, variance 1 -> [-1, 1], then * [2, 3] + [1, 1].
  // Row [2, 6]: mean 4, variance 4 -> [-1, 1]; rows are independent.
  EXPECT_TRUE(near(layerNorm(f32({2, 2}, {1, 3, 2, 6}), f32({2}, {2, 3}),
                             f32({2}, {1, 1}), -1, 0.0f),
                   f32({2, 2}, {-1, 4, -1, 4})));
  // A constant row normalizes to 0 (epsilon keeps it finite): bias only.
  EXPECT_TRUE(
      near(layerNorm(f32({1, 2}, {5, 5}), f32({2}, {2, 3}), f32({2}, {1, 1})),
           f32({1, 2}, {1, 1})));
  // axis 1 of [1, 2, 2] normalizes all four values: mean 2.5, var 1.25.
  Tensor y = f32({1, 2, 2}, {1, 2, 3, 4});
  double s = 1.118033988749895; // python: sqrt(1.25).
  EXPECT_TRUE(near(
      layerNorm(y, Tensor::full({2, 2}, 1.0), Tensor::zeros({2, 2}), 1, 0.0f),
      f32({1, 2, 2}, {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s})));
  EXPECT_THROW(layerNorm(y, f32({2}, {1, 1}), f32({2}, {0, 0}), 1),
               std::invalid_argument);
}

TEST(DropoutTest, MaskAndScale) {
  Tensor x = f32({4}, {1, 2, 3, 4});
  auto eval = dropout(x, nullptr, 0.5f, false);
  EXPECT_TRUE(same(eval.output, x));
  EXPECT_TRUE(same(eval.mask, i1({4}, {1, 1, 1, 1})));
  Tensor mask = i1({4}, {1, 0, 1, 1});
  auto train = dropout(x, &mask, 0.5f, true);
  EXPECT_TRUE(same(train.output, f32({4}, {2, 0, 6, 8})));
  EXPECT_TRUE(same(train.mask, mask));
  auto quarter = dropout(x, &mask, 0.25f, true);
  EXPECT_TRUE(near(quarter.output, f32({4}, {4.0 / 3, 0, 4, 16.0 / 3})));
  EXPECT_THROW(dropout(x, nullptr, 0.5f, true), std::invalid_argument);
  EXPECT_THROW(dropout(x, &mask, 1.0f, true), std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

TEST(LossTest, Mse) {
  Tensor x = f32({2}, {1, 2}), t = f32({2}, {3, 5});
  EXPECT_TRUE(same(mseLoss(x, t, Reduction::None), f32({2}, {4, 9})));
  EXPECT_TRUE(same(mseLoss(x, t), Tensor::scalar(6.5)));
  EXPECT_TRUE(same(mseLoss(x, t, Reduction::Sum), Tensor::scalar(13)));
  EXPECT_THROW(mseLoss(x, f32({1}, {1})), std::invalid_argument);
}

TEST(LossTest, BinaryCrossEntropyWithLogits) {
  Tensor x = f32({4}, {0, 2, -3, 100}), t = f32({4}, {1, 0, 0.25, 1});
  // python: log(2), 2 + log1p(exp(-2)), 0.75 + log1p(exp(-3)),
  // log1p(exp(-100)).
  Tensor none = binaryCrossEntropyWithLogits(x, t, Reduction::None);
  EXPECT_TRUE(near(none, f32({4}, {M_LN2, 2.1269280110429727, 0.798587351573742,
                                   3.720075976020836e-44})));
  // The naive form gives the same for moderate logits.
  double sig = 1 / (1 + std::exp(3.0));
  EXPECT_NEAR(none.data[2], -(0.25 * std::log(sig) + 0.75 * std::log(1 - sig)),
              1e-12);
  EXPECT_TRUE(
      near(binaryCrossEntropyWithLogits(x, t, Reduction::Sum),
           Tensor::scalar(M_LN2 + 2.1269280110429727 + 0.798587351573742)));
}

TEST(LossTest, SoftmaxCrossEntropyLabels) {
  Tensor x = f32({2, 3}, {1, 2, 3, 1, 1, 1});
  Tensor labels = i64({2}, {2, 0});
  // python: -log_softmax([1,2,3])[2], log(3).
  double l0 = 0.40760596444438013, l1 = 1.0986122886681098;
  EXPECT_TRUE(near(softmaxCrossEntropy(x, labels, nullptr, Reduction::None),
                   f32({2}, {l0, l1})));
  EXPECT_TRUE(
      near(softmaxCrossEntropy(x, labels), Tensor::scalar(0.753109126556245)));
  EXPECT_TRUE(near(softmaxCrossEntropy(x, labels, nullptr, Reduction::Sum),
                   Tensor::scalar(l0 + l1)));
  // Weighted mean divides by the weights of the labels: 3 + 1.
  Tensor w = f32({3}, {1, 2, 3});
  EXPECT_TRUE(near(softmaxCrossEntropy(x, labels, &w),
                   Tensor::scalar(0.5803575455003125)));
  // Ignoring label 0 drops example 1 from the sum and the divisor.
  EXPECT_TRUE(near(softmaxCrossEntropy(x, labels, &w, Reduction::None, 0),
                   f32({2}, {3 * l0, 0})));
  EXPECT_TRUE(near(softmaxCrossEntropy(x, labels, &w, Reduction::Mean, 0),
                   Tensor::scalar(l0)));
  EXPECT_TRUE(near(softmaxCrossEntropy(x, labels, nullptr, Reduction::Mean, 0),
                   Tensor::scalar(l0)));
  EXPECT_TRUE(std::isnan(
      softmaxCrossEntropy(x, i64({2}, {-1, -1}), nullptr, Reduction::Mean, -1)
          .data[0]));
  EXPECT_THROW(softmaxCrossEntropy(x, i64({2}, {3, 0})), std::out_of_range);
}

TEST(LossTest, SoftmaxCrossEntropyProbabilities) {
  Tensor x = f32({2, 3}, {1, 2, 3, 1, 1, 1});
  Tensor t = f32({2, 3}, {0, 0, 1, 1.0 / 3, 1.0 / 3, 1.0 / 3});
  double l0 = 0.40760596444438013, l1 = 1.0986122886681098;
  EXPECT_TRUE(near(softmaxCrossEntropy(x, t, nullptr, Reduction::None),
                   f32({2}, {l0, l1})));
  // Weighted: -sum_c w[c] t[c] logp[c]; the mean divides by N = 2.
  // Row 1 has logp = -log 3 for all classes: (1 + 2 + 3) / 3 * log 3.
  Tensor w = f32({3}, {1, 2, 3});
  EXPECT_TRUE(near(softmaxCrossEntropy(x, t, &w),
                   Tensor::scalar((3 * l0 + 2 * l1) / 2)));
  EXPECT_THROW(softmaxCrossEntropy(x, t, nullptr, Reduction::Mean, 0),
               std::invalid_argument);
}

TEST(LossTest, SoftmaxCrossEntropyHigherRank) {
  // [N=1, C=2, d=2]: position 0 has logits (0, 0) and label 1; position 1
  // has logits (1, 0) and label 0. python: log(2), log1p(exp(-1)).
  Tensor x = f32({1, 2, 2}, {0, 1, 0, 0});
  Tensor labels = Tensor({1, 2}, {1, 0}, Tensor::I32);
  EXPECT_TRUE(near(softmaxCrossEntropy(x, labels, nullptr, Reduction::None),
                   f32({1, 2}, {M_LN2, 0.31326168751822286})));
  EXPECT_TRUE(
      near(softmaxCrossEntropy(x, labels), Tensor::scalar(0.5032044340390841)));
}

TEST(LossTest, NllLoss) {
  Tensor x = f32({2, 2}, {-1, -2, -3, -4});
  Tensor labels = i64({2}, {1, 0});
  EXPECT_TRUE(
      same(nllLoss(x, labels, nullptr, Reduction::None), f32({2}, {2, 3})));
  EXPECT_TRUE(same(nllLoss(x, labels), Tensor::scalar(2.5)));
  // Weights [0.5, 2]: losses 2 * 2 and 0.5 * 3; mean 5.5 / 2.5.
  Tensor w = f32({2}, {0.5, 2});
  EXPECT_TRUE(near(nllLoss(x, labels, &w), Tensor::scalar(2.2)));
  EXPECT_TRUE(
      same(nllLoss(x, labels, &w, Reduction::Sum), Tensor::scalar(5.5)));
  EXPECT_TRUE(
      same(nllLoss(x, labels, nullptr, Reduction::None, 1), f32({2}, {0, 3})));
  EXPECT_TRUE(
      same(nllLoss(x, labels, nullptr, Reduction::Mean, 1), Tensor::scalar(3)));
  // [N=1, C=2, d=2] with an i32 target.
  Tensor y = f32({1, 2, 2}, {-1, -2, -3, -4});
  EXPECT_TRUE(same(
      nllLoss(y, Tensor({1, 2}, {1, 0}, Tensor::I32), nullptr, Reduction::None),
      f32({1, 2}, {3, 2})));
  EXPECT_THROW(nllLoss(x, f32({2}, {1, 0})), std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// Composite layers
//===----------------------------------------------------------------------===//

TEST(RnnTest, TwoStepsOneUnit) {
  Tensor x = f32({2, 1, 1}, {1, 2});
  Tensor wIh = f32({1, 1}, {0.5}), wHh = f32({1, 1}, {-1});
  Tensor bIh = f32({1}, {0.1}), bHh = f32({1}, {0.2});
  // python: h1 = tanh(0.8), h2 = tanh(1.3 - h1).
  auto r = rnn(x, wIh, wHh, &bIh, &bHh);
  EXPECT_TRUE(
      near(r.output, f32({2, 1, 1}, {0.6640367702678491, 0.5621446952832613})));
  EXPECT_TRUE(near(r.hN, f32({1, 1}, {0.5621446952832613})));
  // relu: h1 = 0.8, h2 = relu(1.3 - 0.8).
  auto q = rnn(x, wIh, wHh, &bIh, &bHh, nullptr, "relu");
  EXPECT_TRUE(near(q.output, f32({2, 1, 1}, {0.8, 0.5})));
  // h0 = 1 and no biases: relu(0.5 - 1) = 0, then relu(1 - 0) = 1.
  Tensor h0 = f32({1, 1}, {1});
  EXPECT_TRUE(near(rnn(x, wIh, wHh, nullptr, nullptr, &h0, "relu").output,
                   f32({2, 1, 1}, {0, 1})));
  EXPECT_THROW(rnn(x, wIh, wHh, nullptr, nullptr, nullptr, "gelu"),
               std::invalid_argument);
}

TEST(RnnTest, WeightsAreTransposed) {
  // x W_ih^T with W_ih [H=2, I=2]: h_j = relu(sum_k x_k W[j, k]).
  Tensor x = f32({1, 1, 2}, {1, 2});
  Tensor wIh = f32({2, 2}, {1, 10, 100, 1000});
  auto r =
      rnn(x, wIh, Tensor::zeros({2, 2}), nullptr, nullptr, nullptr, "relu");
  EXPECT_TRUE(same(r.hN, f32({1, 2}, {21, 2100})));
}

TEST(LstmTest, OneStepOneUnit) {
  // Gates i, f, g, o with weights 0.1..0.4 (input) and 0.5..0.8 (hidden),
  // x = 1, h0 = 0.5, c0 = 0.25: pre-activations 0.35, 0.5, 0.65, 0.8.
  // python: c = sig(.5)*.25 + sig(.35)*tanh(.65); h = sig(.8)*tanh(c).
  Tensor x = f32({1, 1, 1}, {1});
  Tensor wIh = f32({4, 1}, {0.1, 0.2, 0.3, 0.4});
  Tensor wHh = f32({4, 1}, {0.5, 0.6, 0.7, 0.8});
  Tensor h0 = f32({1, 1}, {0.5}), c0 = f32({1, 1}, {0.25});
  auto r = lstm(x, wIh, wHh, nullptr, nullptr, &h0, &c0);
  EXPECT_TRUE(near(r.cN, f32({1, 1}, {0.4909664842450674})));
  EXPECT_TRUE(near(r.hN, f32({1, 1}, {0.31392678509102045})));
  EXPECT_TRUE(near(r.output, f32({1, 1, 1}, {0.31392678509102045})));
  // Biases add to the same pre-activations: moving 0.05 of each input weight
  // into b_ih and b_hh with x = 1 changes nothing.
  Tensor wIh2 = f32({4, 1}, {0.0, 0.1, 0.2, 0.3});
  Tensor b = f32({4}, {0.05, 0.05, 0.05, 0.05});
  auto q = lstm(x, wIh2, wHh, &b, &b, &h0, &c0);
  EXPECT_TRUE(near(q.hN, r.hN));
  EXPECT_TRUE(near(q.cN, r.cN));
}

TEST(LstmTest, ZeroStateAndZeroWeights) {
  // All zero: i = f = o = 0.5, g = 0, so c and h stay 0 over two steps.
  auto r = lstm(f32({2, 3, 1}, {1, 2, 3, 4, 5, 6}), Tensor::zeros({8, 1}),
                Tensor::zeros({8, 2}));
  EXPECT_TRUE(same(r.output, Tensor::zeros({2, 3, 2})));
  // Only the cell gate's bias set to atanh(0.5): each step c = 0.5 c + 0.25.
  Tensor b = f32({8}, {0, 0, 0, 0, std::atanh(0.5), std::atanh(0.5), 0, 0});
  auto q = lstm(f32({2, 1, 1}, {0, 0}), Tensor::zeros({8, 1}),
                Tensor::zeros({8, 2}), &b);
  EXPECT_TRUE(near(q.cN, f32({1, 2}, {0.375, 0.375})));
  EXPECT_TRUE(near(
      q.hN, f32({1, 2}, {0.5 * std::tanh(0.375), 0.5 * std::tanh(0.375)})));
}

TEST(GruTest, OneStepOneUnit) {
  // python: r = sig(0.35), z = sig(0.52), n = tanh(0.33 + r * 0.36),
  // h = (1 - z) n + z * 0.5. The 0.36 = w_hn h + b_hn is scaled by r as a
  // whole, which tells PyTorch's GRU from the original formulation.
  Tensor x = f32({1, 1, 1}, {1});
  Tensor wIh = f32({3, 1}, {0.1, 0.2, 0.3});
  Tensor wHh = f32({3, 1}, {0.4, 0.5, 0.6});
  Tensor bIh = f32({3}, {0.01, 0.02, 0.03}), bHh = f32({3}, {0.04, 0.05, 0.06});
  Tensor h0 = f32({1, 1}, {0.5});
  auto r = gru(x, wIh, wHh, &bIh, &bHh, &h0);
  EXPECT_TRUE(near(r.hN, f32({1, 1}, {0.4977190479758463})));
  EXPECT_TRUE(near(r.output, f32({1, 1, 1}, {0.4977190479758463})));
  // Zero weights: z = 0.5, n = 0, so h halves each step.
  auto q = gru(f32({2, 1, 1}, {3, 4}), Tensor::zeros({3, 1}),
               Tensor::zeros({3, 1}), nullptr, nullptr, &h0);
  EXPECT_TRUE(near(q.output, f32({2, 1, 1}, {0.25, 0.125})));
}

TEST(AttentionTest, OneHeadIdentityWeights) {
  Tensor eye = f32({2, 2}, {1, 0, 0, 1});
  Tensor q = f32({1, 1, 2}, {1, 0});
  Tensor k = f32({1, 2, 2}, {1, 0, 0, 1});
  Tensor v = f32({1, 2, 2}, {1, 2, 3, 4});
  // python: p0 = 1 / (1 + exp(-1 / sqrt(2))), out = p0 v0 + (1 - p0) v1.
  EXPECT_TRUE(near(multiHeadAttention(q, k, v, eye, eye, eye, eye, 1),
                   f32({1, 1, 2}, {1.6604769013466862, 2.6604769013466862})));
  // An i1 mask that hides key 1 leaves value 0.
  Tensor hide = i1({1, 2}, {1, 0});
  EXPECT_TRUE(near(multiHeadAttention(q, k, v, eye, eye, eye, eye, 1, nullptr,
                                      nullptr, nullptr, nullptr, &hide),
                   f32({1, 1, 2}, {1, 2})));
  // A float mask that evens the scores gives the mean of the values.
  Tensor even = f32({1, 1, 2}, {0, 1 / std::sqrt(2.0)});
  EXPECT_TRUE(near(multiHeadAttention(q, k, v, eye, eye, eye, eye, 1, nullptr,
                                      nullptr, nullptr, nullptr, &even),
                   f32({1, 1, 2}, {2, 3})));
  // Every key masked: the scores are all the lowest finite value, so the
  // query attends uniformly (the mean of the values), not NaN.
  Tensor none = i1({1, 2}, {0, 0});
  EXPECT_TRUE(near(multiHeadAttention(q, k, v, eye, eye, eye, eye, 1, nullptr,
                                      nullptr, nullptr, nullptr, &none),
                   f32({1, 1, 2}, {2, 3})));
}

TEST(AttentionTest, TwoHeadsSplitColumns) {
  // D = 1: head 0 scores q0 k_j0 = [1, 0]; head 1 scores q1 k_j1 = [0, 2].
  // python: sig(1) * 1 + sig(-1) * 3, sig(-2) * 2 + sig(2) * 4.
  Tensor eye = f32({2, 2}, {1, 0, 0, 1});
  Tensor q = f32({1, 1, 2}, {1, 2});
  Tensor k = f32({1, 2, 2}, {1, 0, 0, 1});
  Tensor v = f32({1, 2, 2}, {1, 2, 3, 4});
  Tensor out = multiHeadAttention(q, k, v, eye, eye, eye, eye, 2);
  EXPECT_TRUE(
      near(out, f32({1, 1, 2}, {1.5378828427399902, 3.761594155955765})));
  // w_o swaps the heads and b_o shifts them; b_v adds 1 to every value,
  // which passes through the convex combination.
  Tensor swap = f32({2, 2}, {0, 1, 1, 0});
  Tensor bO = f32({2}, {10, 20}), bV = f32({2}, {1, 1});
  EXPECT_TRUE(near(multiHeadAttention(q, k, v, eye, eye, eye, swap, 2, nullptr,
                                      nullptr, &bV, &bO),
                   f32({1, 1, 2}, {3.761594155955765 + 1 + 10,
                                   1.5378828427399902 + 1 + 20})));
  EXPECT_THROW(multiHeadAttention(q, k, v, eye, eye, eye, eye, 3),
               std::invalid_argument);
}

TEST(AttentionTest, ProjectionIsXTimesW) {
  // One key: attention returns its projected value, v @ w_v. With w_v =
  // [[0, 1], [0, 0]], [a, b] @ w_v = [0, a] (w_v @ v would give [b, 0]).
  Tensor eye = f32({2, 2}, {1, 0, 0, 1});
  Tensor wV = f32({2, 2}, {0, 1, 0, 0});
  Tensor q = f32({2, 1, 2}, {1, 1, 1, 1});
  Tensor kv = f32({2, 1, 2}, {3, 5, 7, 9});
  EXPECT_TRUE(near(multiHeadAttention(q, kv, kv, eye, eye, wV, eye, 1),
                   f32({2, 1, 2}, {0, 3, 0, 7})));
  // b_q and b_k only move scores, which one key ignores.
  Tensor b = f32({2}, {5, -5});
  EXPECT_TRUE(near(multiHeadAttention(q, kv, kv, eye, eye, wV, eye, 1, &b, &b),
                   f32({2, 1, 2}, {0, 3, 0, 7})));
}

TEST(AttentionTest, BatchedMask) {
  // [B, Tq, Tk] mask: batch 0 hides key 1, batch 1 hides key 0.
  Tensor eye = f32({2, 2}, {1, 0, 0, 1});
  Tensor q = f32({2, 1, 2}, {1, 0, 1, 0});
  Tensor kv = f32({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor mask = i1({2, 1, 2}, {1, 0, 0, 1});
  EXPECT_TRUE(near(multiHeadAttention(q, kv, kv, eye, eye, eye, eye, 1, nullptr,
                                      nullptr, nullptr, nullptr, &mask),
                   f32({2, 1, 2}, {1, 2, 7, 8})));
}
