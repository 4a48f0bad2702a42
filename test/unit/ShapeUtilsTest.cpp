//===- ShapeUtilsTest.cpp - unit tests of ir/ShapeUtils
//--------------------===//

#include "ir/ShapeUtils.h"

#include "gtest/gtest.h"

using namespace kiln;

namespace {

/// Compares an optional shape with an expected one, printing both on failure.
testing::AssertionResult shapeIs(const std::optional<Shape> &actual,
                                 std::vector<int64_t> expected) {
  if (!actual)
    return testing::AssertionFailure() << "got no shape";
  std::vector<int64_t> got(actual->begin(), actual->end());
  if (got == expected)
    return testing::AssertionSuccess();
  auto str = [](const std::vector<int64_t> &v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
  };
  return testing::AssertionFailure()
         << "got " << str(got) << ", expected " << str(expected);
}

//===----------------------------------------------------------------------===//
// broadcastShapes
//===----------------------------------------------------------------------===//

TEST(BroadcastShapes, EqualShapes) {
  EXPECT_TRUE(shapeIs(broadcastShapes({2, 3}, {2, 3}), {2, 3}));
}

TEST(BroadcastShapes, BothScalars) {
  EXPECT_TRUE(shapeIs(broadcastShapes({}, {}), {}));
}

TEST(BroadcastShapes, ScalarWithTensor) {
  EXPECT_TRUE(shapeIs(broadcastShapes({}, {4, 5}), {4, 5}));
  EXPECT_TRUE(shapeIs(broadcastShapes({4, 5}, {}), {4, 5}));
}

TEST(BroadcastShapes, RankDifferenceAlignsTrailingDims) {
  EXPECT_TRUE(shapeIs(broadcastShapes({5}, {3, 4, 5}), {3, 4, 5}));
  EXPECT_TRUE(shapeIs(broadcastShapes({3, 4, 5}, {4, 1}), {3, 4, 5}));
  EXPECT_TRUE(shapeIs(broadcastShapes({8, 1, 6, 1}, {7, 1, 5}), {8, 7, 6, 5}));
}

TEST(BroadcastShapes, OnesStretchBothWays) {
  EXPECT_TRUE(shapeIs(broadcastShapes({1, 3}, {2, 1}), {2, 3}));
  EXPECT_TRUE(shapeIs(broadcastShapes({1, 1}, {1}), {1, 1}));
}

TEST(BroadcastShapes, ZeroSizedDims) {
  // A 0 broadcasts only with 0 or 1, and a 1 stretches to 0.
  EXPECT_TRUE(shapeIs(broadcastShapes({0, 3}, {1, 3}), {0, 3}));
  EXPECT_TRUE(shapeIs(broadcastShapes({1}, {0}), {0}));
  EXPECT_TRUE(shapeIs(broadcastShapes({0}, {0}), {0}));
  EXPECT_FALSE(broadcastShapes({0}, {2}));
  EXPECT_FALSE(broadcastShapes({2, 0}, {2, 3}));
}

TEST(BroadcastShapes, MismatchFails) {
  EXPECT_FALSE(broadcastShapes({2, 3}, {3, 2}));
  EXPECT_FALSE(broadcastShapes({3}, {4}));
  EXPECT_FALSE(broadcastShapes({2, 3, 4}, {5, 4}));
}

TEST(BroadcastShapes, IsSymmetric) {
  EXPECT_TRUE(shapeIs(broadcastShapes({4, 1, 3}, {2, 1}), {4, 2, 3}));
  EXPECT_TRUE(shapeIs(broadcastShapes({2, 1}, {4, 1, 3}), {4, 2, 3}));
}

//===----------------------------------------------------------------------===//
// broadcastsTo
//===----------------------------------------------------------------------===//

TEST(BroadcastsTo, SameShape) {
  EXPECT_TRUE(broadcastsTo({2, 3}, {2, 3}));
  EXPECT_TRUE(broadcastsTo({}, {}));
}

TEST(BroadcastsTo, StretchesOnesAndAddsLeadingDims) {
  EXPECT_TRUE(broadcastsTo({}, {2, 3}));
  EXPECT_TRUE(broadcastsTo({3}, {2, 3}));
  EXPECT_TRUE(broadcastsTo({1, 3}, {4, 2, 3}));
  EXPECT_TRUE(broadcastsTo({1}, {0}));
}

TEST(BroadcastsTo, IsOneDirectional) {
  // The target never stretches: [2, 3] does not broadcast to [1, 3].
  EXPECT_FALSE(broadcastsTo({2, 3}, {1, 3}));
  EXPECT_FALSE(broadcastsTo({2, 3}, {3}));
  EXPECT_FALSE(broadcastsTo({2}, {2, 3}));
  EXPECT_FALSE(broadcastsTo({0}, {1}));
}

//===----------------------------------------------------------------------===//
// normalizeAxis
//===----------------------------------------------------------------------===//

TEST(NormalizeAxis, InRange) {
  EXPECT_EQ(normalizeAxis(0, 3), 0);
  EXPECT_EQ(normalizeAxis(2, 3), 2);
  EXPECT_EQ(normalizeAxis(-1, 3), 2);
  EXPECT_EQ(normalizeAxis(-3, 3), 0);
}

TEST(NormalizeAxis, OutOfRange) {
  EXPECT_EQ(normalizeAxis(3, 3), std::nullopt);
  EXPECT_EQ(normalizeAxis(-4, 3), std::nullopt);
  EXPECT_EQ(normalizeAxis(0, 0), std::nullopt);
  EXPECT_EQ(normalizeAxis(-1, 0), std::nullopt);
}

//===----------------------------------------------------------------------===//
// reducedShape
//===----------------------------------------------------------------------===//

TEST(ReducedShape, DropsAxes) {
  EXPECT_TRUE(shapeIs(reducedShape({2, 3, 4}, {1}, false), {2, 4}));
  EXPECT_TRUE(shapeIs(reducedShape({2, 3, 4}, {2, 0}, false), {3}));
}

TEST(ReducedShape, KeepDims) {
  EXPECT_TRUE(shapeIs(reducedShape({2, 3, 4}, {1}, true), {2, 1, 4}));
  EXPECT_TRUE(shapeIs(reducedShape({2, 3, 4}, {0, 2}, true), {1, 3, 1}));
}

TEST(ReducedShape, EmptyAxesReduceEverything) {
  EXPECT_TRUE(shapeIs(reducedShape({2, 3, 4}, {}, false), {}));
  EXPECT_TRUE(shapeIs(reducedShape({2, 3, 4}, {}, true), {1, 1, 1}));
}

TEST(ReducedShape, AllAxesListed) {
  EXPECT_TRUE(shapeIs(reducedShape({2, 3}, {0, 1}, false), {}));
}

TEST(ReducedShape, Scalar) {
  EXPECT_TRUE(shapeIs(reducedShape({}, {}, false), {}));
  EXPECT_TRUE(shapeIs(reducedShape({}, {}, true), {}));
}

//===----------------------------------------------------------------------===//
// numElements
//===----------------------------------------------------------------------===//

TEST(NumElements, Products) {
  EXPECT_EQ(numElements({}), 1);
  EXPECT_EQ(numElements({7}), 7);
  EXPECT_EQ(numElements({2, 3, 4}), 24);
  EXPECT_EQ(numElements({2, 0, 4}), 0);
  EXPECT_EQ(numElements({1, 1, 1}), 1);
}

//===----------------------------------------------------------------------===//
// isPermutation
//===----------------------------------------------------------------------===//

TEST(IsPermutation, Valid) {
  EXPECT_TRUE(isPermutation({}));
  EXPECT_TRUE(isPermutation({0}));
  EXPECT_TRUE(isPermutation({0, 1, 2}));
  EXPECT_TRUE(isPermutation({2, 0, 1}));
}

TEST(IsPermutation, Invalid) {
  EXPECT_FALSE(isPermutation({0, 0}));
  EXPECT_FALSE(isPermutation({1, 2}));
  EXPECT_FALSE(isPermutation({-1, 0}));
  EXPECT_FALSE(isPermutation({0, 1, 3}));
}

//===----------------------------------------------------------------------===//
// windowOutputSize
//===----------------------------------------------------------------------===//

TEST(WindowOutputSize, Basic) {
  // (input + pads - dilation * (kernel - 1) - 1) / stride + 1.
  EXPECT_EQ(windowOutputSize(5, 3, 1, 0, 0, 1), 3);
  EXPECT_EQ(windowOutputSize(28, 5, 1, 0, 0, 1), 24);
  EXPECT_EQ(windowOutputSize(3, 3, 1, 0, 0, 1), 1);
  EXPECT_EQ(windowOutputSize(1, 1, 1, 0, 0, 1), 1);
}

TEST(WindowOutputSize, Stride) {
  EXPECT_EQ(windowOutputSize(7, 3, 2, 0, 0, 1), 3);
  EXPECT_EQ(windowOutputSize(8, 3, 2, 0, 0, 1), 3);
  EXPECT_EQ(windowOutputSize(8, 2, 2, 0, 0, 1), 4);
}

TEST(WindowOutputSize, Padding) {
  EXPECT_EQ(windowOutputSize(5, 3, 1, 1, 1, 1), 5);
  EXPECT_EQ(windowOutputSize(5, 3, 1, 2, 0, 1), 5);
  EXPECT_EQ(windowOutputSize(5, 3, 1, 0, 1, 1), 4);
  // Padding lets a kernel larger than the input fit.
  EXPECT_EQ(windowOutputSize(2, 3, 1, 1, 0, 1), 1);
}

TEST(WindowOutputSize, Dilation) {
  // A 3-tap kernel with dilation 2 spans 5 inputs.
  EXPECT_EQ(windowOutputSize(7, 3, 1, 0, 0, 2), 3);
  EXPECT_EQ(windowOutputSize(5, 3, 1, 0, 0, 2), 1);
  EXPECT_EQ(windowOutputSize(9, 3, 2, 1, 1, 3), 3);
}

TEST(WindowOutputSize, DoesNotFit) {
  EXPECT_LT(windowOutputSize(2, 3, 1, 0, 0, 1), 1);
  EXPECT_LT(windowOutputSize(4, 3, 1, 0, 0, 2), 1);
  EXPECT_LT(windowOutputSize(0, 1, 1, 0, 0, 1), 1);
}

TEST(WindowOutputSize, CeilMode) {
  // Floor gives 2 windows ([0,3), [2,5)); ceil adds one starting at 4.
  EXPECT_EQ(windowOutputSize(6, 3, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(windowOutputSize(6, 3, 2, 0, 0, 1, true), 3);
  // Exact fit: ceil mode adds nothing.
  EXPECT_EQ(windowOutputSize(7, 3, 2, 0, 0, 1, true), 3);
  EXPECT_EQ(windowOutputSize(5, 2, 1, 0, 0, 1, true), 4);
  // Rounding up would add a window starting at 4, which is in the high
  // padding (4 >= input 4 + low padding 0), so it is dropped.
  EXPECT_EQ(windowOutputSize(4, 3, 2, 0, 2, 1, false), 2);
  EXPECT_EQ(windowOutputSize(4, 3, 2, 0, 2, 1, true), 2);
  // PyTorch: input 4, kernel 2, stride 3, ceil -> 2 windows (at 0 and 3).
  EXPECT_EQ(windowOutputSize(4, 2, 3, 0, 0, 1, false), 1);
  EXPECT_EQ(windowOutputSize(4, 2, 3, 0, 0, 1, true), 2);
  // With low padding the last window may start in the input at
  // index input + padLow - 1.
  EXPECT_EQ(windowOutputSize(5, 3, 2, 1, 0, 1, true), 3);
}

TEST(WindowOutputSize, OverflowDoesNotFit) {
  // Attribute values are arbitrary i64s; overflowing sizes must not wrap
  // into a plausible output size.
  EXPECT_LT(windowOutputSize(5, 3, 1, 0, 0, INT64_MAX), 1);
  EXPECT_LT(windowOutputSize(INT64_MAX, 1, 1, 1, 1, 1), 1);
  // Kernel 1 spans one element whatever the dilation.
  EXPECT_EQ(windowOutputSize(5, 1, 1, 0, 0, INT64_MAX), 5);
  EXPECT_EQ(windowOutputSize(INT64_MAX, 1, INT64_MAX, 0, 0, 1), 1);
}

//===----------------------------------------------------------------------===//
// sliceLength
//===----------------------------------------------------------------------===//

TEST(SliceLength, UnitStep) {
  EXPECT_EQ(sliceLength(0, 5, 1), 5);
  EXPECT_EQ(sliceLength(2, 5, 1), 3);
}

TEST(SliceLength, LargerSteps) {
  EXPECT_EQ(sliceLength(0, 5, 2), 3); // 0, 2, 4
  EXPECT_EQ(sliceLength(1, 5, 2), 2); // 1, 3
  EXPECT_EQ(sliceLength(0, 6, 3), 2); // 0, 3
  EXPECT_EQ(sliceLength(0, 7, 3), 3); // 0, 3, 6
  EXPECT_EQ(sliceLength(3, 4, 10), 1);
}

TEST(SliceLength, HugeStepDoesNotOverflow) {
  EXPECT_EQ(sliceLength(0, 5, INT64_MAX), 1);
  EXPECT_EQ(sliceLength(0, INT64_MAX, INT64_MAX), 1);
  EXPECT_EQ(sliceLength(0, INT64_MAX, 1), INT64_MAX);
}

TEST(SliceLength, Empty) {
  EXPECT_EQ(sliceLength(3, 3, 1), 0);
  EXPECT_EQ(sliceLength(4, 2, 1), 0);
  EXPECT_EQ(sliceLength(0, 5, 0), 0);
  EXPECT_EQ(sliceLength(0, 5, -1), 0);
}

} // namespace

TEST(ReductionAxes, EmptyMeansEveryAxis) {
  EXPECT_EQ(reductionAxes({}, 3), (Shape{0, 1, 2}));
  EXPECT_TRUE(reductionAxes({}, 0).empty());
}

TEST(ReductionAxes, NegativeAxesCountFromTheEnd) {
  EXPECT_EQ(reductionAxes({-1, 0}, 3), (Shape{2, 0}));
  EXPECT_EQ(reductionAxes({1}, 2), (Shape{1}));
}
