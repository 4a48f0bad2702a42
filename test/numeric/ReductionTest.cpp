//===- ReductionTest.cpp - reductions, argmax, softmax --------------------===//

#include "NumericTest.h"

#include <limits>

using namespace kiln::numeric;
namespace ref = kiln::ref;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct ReduceOp {
  std::string name;
  Tensor (*reference)(const Tensor &, const Shape &, bool);
  /// max/min pick an input element: exact.
  bool exact;
};

const std::vector<ReduceOp> kReduceOps = {
    {"reduce_sum", ref::reduceSum, false},
    {"reduce_mean", ref::reduceMean, false},
    {"reduce_max", ref::reduceMax, true},
    {"reduce_min", ref::reduceMin, true},
    {"reduce_logsumexp", ref::reduceLogSumExp, false},
};

std::string reduceAttrs(const Shape &axes, bool keepdims) {
  std::vector<std::string> parts;
  if (!axes.empty())
    parts.push_back("axes = " + i64Array(axes));
  if (keepdims)
    parts.push_back("keepdims = true");
  if (parts.empty())
    return "";
  return " {" + parts[0] + (parts.size() > 1 ? ", " + parts[1] : "") + "}";
}

/// Every reduce op over every axes of `axesList` on `x`; keepdims (only a
/// reshape of the same loop nest) with the first and last of them.
void checkReductions(const Tensor &x, const std::vector<Shape> &axesList) {
  OpBatch batch;
  std::string in = batch.in(x);
  for (const ReduceOp &op : kReduceOps)
    for (size_t i = 0; i < axesList.size(); ++i)
      for (bool keepdims : {false, true}) {
        if (keepdims && i != 0 && i + 1 != axesList.size())
          continue;
        const Shape &axes = axesList[i];
        Tensor r = op.reference(x, axes, keepdims);
        int64_t reduced = x.numel() / std::max<int64_t>(r.numel(), 1);
        Tolerance tol = op.exact         ? kExact
                        : reduced > 1000 ? kLongReduction
                                         : kReduction;
        std::string attrs = reduceAttrs(axes, keepdims);
        batch.expectOp("kiln." + op.name + " " + in + attrs + " : " + ty(x) +
                           " -> " + ty(r),
                       r, tol, op.name + attrs);
      }
  batch.check();
}

using ReduceTest = NumericTest;

TEST_F(ReduceTest, AxesAndKeepdims) {
  checkReductions(rand({7, 17, 129}, -3, 3), {{1}, {0, 2}, {-1}, {}});
}

TEST_F(ReduceTest, SmallShapes) {
  checkReductions(rand({3, 7}, -3, 3), {{0}, {1, -2}, {}});
  checkReductions(rand({1}, -3, 3), {{0}, {}});
  checkReductions(rand({}, -3, 3), {{}});
}

// Shifted logsumexp must not overflow; the plain sum stays finite too.
TEST_F(ReduceTest, LargeValues) {
  checkReductions(rand({3, 7, 17}, 50, 100), {{2}, {0, 1}});
}

// NaN propagates; an infinite maximum gives an infinite logsumexp (+inf,
// or -inf for a slice of -inf), never NaN.
TEST_F(ReduceTest, NaNAndInfinity) {
  Tensor x({4, 3}, {1, kNaN, 2, -kInf, 0, 1, kInf, 3, -1, -kInf, -kInf, -kInf});
  checkReductions(x, {{1}, {0}, {}});
}

using ArgMaxTest = NumericTest;

/// Values from a small set make ties frequent, so first/last matter.
TEST_F(ArgMaxTest, TiesAxesAndKeepdims) {
  OpBatch batch;
  auto add = [&](const Tensor &x) {
    std::string in = batch.in(x);
    for (int64_t axis = -x.rank(); axis < x.rank(); ++axis)
      for (bool keepdims : {true, false})
        for (bool last : {false, true}) {
          Tensor r = ref::argmax(x, axis, keepdims, last);
          std::string attrs = "{axis = " + std::to_string(axis) +
                              (keepdims ? "" : ", keepdims = false") +
                              (last ? ", select_last_index = true" : "") + "}";
          batch.expectOp("kiln.argmax " + in + " " + attrs + " : " + ty(x) +
                             " -> " + ty(r),
                         r, kExact, ty(x) + " " + attrs);
        }
  };
  Tensor f = rand({7, 17, 3}, -1, 2, Tensor::I64);
  f.dtype = Tensor::F32;
  add(f);
  add(rand({17, 129}, -3, 3));
  add(rand({3, 7}, -2, 2, Tensor::I64));
  add(rand({7, 3}, -2, 2, Tensor::I32));
  // -inf everywhere: the first (or last) index, not the initial value.
  add(Tensor({2, 3}, {-kInf, -kInf, -kInf, 1, -kInf, 1}));
  add(rand({1}, -1, 1));
  batch.check();
}

// i1 is unsigned (true > false), as everywhere else in kiln.
TEST_F(ArgMaxTest, Bool) {
  OpBatch batch;
  Tensor x({3, 4}, {0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}, Tensor::I1);
  std::string in = batch.in(x);
  for (bool last : {false, true}) {
    Tensor r = ref::argmax(x, 1, false, last);
    std::string attrs = std::string("{axis = 1, keepdims = false") +
                        (last ? ", select_last_index = true}" : "}");
    batch.expectOp("kiln.argmax " + in + " " + attrs + " : " + ty(x) + " -> " +
                       ty(r),
                   r, kExact, attrs);
  }
  batch.check();
}

using SoftmaxTest = NumericTest;

void checkSoftmax(const Tensor &x, const std::vector<int64_t> &axes) {
  OpBatch batch;
  std::string in = batch.in(x);
  for (int64_t axis : axes) {
    std::string attrs =
        axis == -1 ? "" : " {axis = " + std::to_string(axis) + "}";
    batch.expectOp("kiln.softmax " + in + attrs + " : " + ty(x),
                   ref::softmax(x, axis), kReduction, "softmax" + attrs);
    batch.expectOp("kiln.log_softmax " + in + attrs + " : " + ty(x),
                   ref::logSoftmax(x, axis), kReduction, "log_softmax" + attrs);
  }
  batch.check();
}

TEST_F(SoftmaxTest, Axes) {
  checkSoftmax(rand({3, 7, 129}, -5, 5), {-1, 0, 1, 2, -2});
}

// Large logits: the max shift keeps exp finite.
TEST_F(SoftmaxTest, LargeLogits) {
  checkSoftmax(rand({7, 17}, -300, 300), {-1, 0});
}

// Rows enough for threads (39,270 elements, above the 32K of
// kMinElementsForThreads): the row reductions split their outermost dim
// into an scf.forall, whose last chunk is short (35 rows in chunks of 9).
TEST_F(SoftmaxTest, RowsAcrossThreads) {
  checkSoftmax(rand({35, 34, 33}, -5, 5), {-1, 1});
}

TEST_F(SoftmaxTest, SmallShapes) {
  checkSoftmax(rand({1}, -5, 5), {0});
  checkSoftmax(rand({17, 1}, -5, 5), {-1, 0});
}

} // namespace
