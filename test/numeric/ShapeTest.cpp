//===- ShapeTest.cpp - reshape, transpose, concat, slice, gather, ... -----===//
//
// Data movement: every result must be bit-exact.
//
//===----------------------------------------------------------------------===//

#include "NumericTest.h"

using namespace kiln::numeric;
namespace ref = kiln::ref;

namespace {

using ShapeTest = NumericTest;

TEST_F(ShapeTest, Reshape) {
  OpBatch batch;
  auto add = [&](const Tensor &x, const Shape &to) {
    Tensor r = ref::reshape(x, to);
    batch.expectOp("kiln.reshape " + batch.in(x) + " : " + ty(x) + " -> " +
                       ty(r),
                   r, kExact, ty(x) + " -> " + ty(r));
  };
  Tensor x = rand({3, 7, 17});
  add(x, {21, 17});         // collapse
  add(x, {357});            // flatten
  add(x, {3, 7, 1, 17, 1}); // expand
  add(x, {17, 3, 7});       // neither: through 1-D
  add(x, {7, 51});
  add(rand({1}), {});
  add(rand({}), {1, 1});
  add(rand({3, 7}, -9, 9, Tensor::I64), {7, 3});
  add(rand({17}, 0, 1, Tensor::I1), {17, 1});
  batch.check();
}

TEST_F(ShapeTest, Transpose) {
  OpBatch batch;
  auto add = [&](const Tensor &x, const Shape &perm) {
    Tensor r = ref::transpose(x, perm);
    batch.expectOp("kiln.transpose " + batch.in(x) + " {permutation = " +
                       i64Array(perm) + "} : " + ty(x) + " -> " + ty(r),
                   r, kExact, ty(x) + " " + i64Array(perm));
  };
  Tensor x = rand({3, 7, 17});
  add(x, {2, 0, 1});
  add(x, {1, 0, 2});
  add(x, {0, 2, 1});
  add(x, {0, 1, 2});
  add(rand({17, 129}), {1, 0});
  add(rand({7, 3}, 0, 1, Tensor::I1), {1, 0});
  add(rand({3, 1, 7}, -9, 9, Tensor::I32), {2, 1, 0});
  batch.check();
}

TEST_F(ShapeTest, Concat) {
  OpBatch batch;
  auto add = [&](const std::vector<Tensor> &xs, int64_t axis) {
    Tensor r = ref::concat(xs, axis);
    std::string operands, types;
    for (size_t i = 0; i < xs.size(); ++i) {
      operands += (i ? ", " : "") + batch.in(xs[i]);
      types += (i ? ", " : "") + ty(xs[i]);
    }
    batch.expectOp("kiln.concat " + operands + " {axis = " +
                       std::to_string(axis) + "} : (" + types + ") -> " + ty(r),
                   r, kExact, "(" + types + ") axis " + std::to_string(axis));
  };
  add({rand({3, 7}), rand({1, 7}), rand({17, 7})}, 0);
  add({rand({3, 7, 1}), rand({3, 7, 17})}, -1);
  add({rand({3, 1, 17}), rand({3, 7, 17}), rand({3, 3, 17})}, 1);
  add({rand({3, 7})}, 0);
  add({rand({7}, -9, 9, Tensor::I64), rand({3}, -9, 9, Tensor::I64)}, 0);
  add({rand({1, 3}, 0, 1, Tensor::I1), rand({1, 7}, 0, 1, Tensor::I1)}, 1);
  batch.check();
}

TEST_F(ShapeTest, Slice) {
  OpBatch batch;
  auto add = [&](const Tensor &x, const Shape &starts, const Shape &limits,
                 const Shape &steps) {
    Tensor r = ref::slice(x, starts, limits, steps);
    std::string attrs = "{starts = " + i64Array(starts) +
                        ", limits = " + i64Array(limits) +
                        ", steps = " + i64Array(steps) + "}";
    batch.expectOp("kiln.slice " + batch.in(x) + " " + attrs + " : " + ty(x) +
                       " -> " + ty(r),
                   r, kExact, ty(x) + " " + attrs);
  };
  Tensor x = rand({17, 129});
  add(x, {1, 3}, {17, 129}, {3, 7});
  add(x, {0, 0}, {17, 129}, {1, 1});
  add(x, {16, 128}, {17, 129}, {1, 1});
  add(x, {2, 5}, {9, 6}, {2, 1});
  add(rand({3, 7, 17}), {1, 0, 3}, {3, 7, 17}, {1, 3, 5});
  add(rand({7}, -9, 9, Tensor::I64), {1}, {7}, {2});
  batch.check();
}

// A slice may be empty; its result has no elements to compare, but it must
// compile and run.
TEST_F(ShapeTest, EmptySlice) {
  OpBatch batch;
  Tensor x = rand({3, 7});
  Tensor r = ref::slice(x, {2, 0}, {2, 7}, {1, 1});
  batch.expectOp("kiln.slice " + batch.in(x) +
                     " {starts = array<i64: 2, 0>, limits = array<i64: 2, 7>, "
                     "steps = array<i64: 1, 1>} : " +
                     ty(x) + " -> " + ty(r),
                 r, kExact, "empty");
  batch.check();
}

TEST_F(ShapeTest, Gather) {
  OpBatch batch;
  auto add = [&](const Tensor &data, const Tensor &indices, int64_t axis) {
    Tensor r = ref::gather(data, indices, axis);
    std::string attrs =
        axis == 0 ? "" : " {axis = " + std::to_string(axis) + "}";
    batch.expectOp("kiln.gather " + batch.in(data) + ", " + batch.in(indices) +
                       attrs + " : (" + ty(data) + ", " + ty(indices) +
                       ") -> " + ty(r),
                   r, kExact, ty(data) + "[" + ty(indices) + "]" + attrs);
  };
  // Indices in [-size, size): negatives count from the end.
  Tensor table = rand({17, 7});
  add(table, rand({3, 7}, -17, 16, Tensor::I64), 0);
  add(table, rand({129}, -7, 6, Tensor::I32), 1);
  add(table, rand({3, 1}, -7, 6, Tensor::I64), -1);
  add(rand({3, 7, 17}), rand({}, -7, 6, Tensor::I64), 1);
  add(rand({3, 7, 17}), rand({1}, -3, 2, Tensor::I32), 0);
  add(rand({7, 3}, -100, 100, Tensor::I64), rand({17}, -7, 6, Tensor::I64), 0);
  // The extremes.
  add(table, Tensor({4}, {-17, -1, 0, 16}, Tensor::I64), 0);
  batch.check();
}

TEST_F(ShapeTest, BroadcastTo) {
  OpBatch batch;
  auto add = [&](const Tensor &x, const Shape &to) {
    Tensor r = ref::broadcastTo(x, to);
    batch.expectOp("kiln.broadcast_to " + batch.in(x) + " : " + ty(x) + " -> " +
                       ty(r),
                   r, kExact, ty(x) + " -> " + ty(r));
  };
  add(rand({3}), {7, 3});
  add(rand({7, 1}), {3, 7, 17});
  add(rand({}), {3, 7});
  add(rand({1, 1}), {1, 1});
  add(rand({17, 1, 3}), {17, 7, 3});
  add(rand({7, 1}, -9, 9, Tensor::I64), {3, 7, 17});
  add(rand({1, 3}, 0, 1, Tensor::I1), {7, 3});
  batch.check();
}

std::string padAttrs(const Shape &low, const Shape &high, ref::PadMode mode,
                     const std::string &value) {
  std::string s = "{low = " + i64Array(low) + ", high = " + i64Array(high);
  if (mode == ref::PadMode::Reflect)
    s += ", mode = #kiln.pad_mode<reflect>";
  if (mode == ref::PadMode::Edge)
    s += ", mode = #kiln.pad_mode<edge>";
  if (!value.empty())
    s += ", value = " + value;
  return s + "}";
}

struct PadCase {
  Tensor input;
  Shape low, high;
  ref::PadMode mode;
  double value = 0; // constant mode
  std::string valueText;
};

void checkPad(const std::vector<PadCase> &cases) {
  OpBatch batch;
  for (const PadCase &c : cases) {
    Tensor r = ref::pad(c.input, c.low, c.high, c.mode, c.value);
    std::string attrs = padAttrs(c.low, c.high, c.mode, c.valueText);
    batch.expectOp("kiln.pad " + batch.in(c.input) + " " + attrs + " : " +
                       ty(c.input) + " -> " + ty(r),
                   r, kExact, ty(c.input) + " " + attrs);
  }
  batch.check();
}

TEST_F(ShapeTest, PadConstant) {
  using ref::PadMode;
  checkPad({
      {rand({3, 7}), {1, 0}, {0, 2}, PadMode::Constant},
      {rand({3, 7, 17}), {1, 2, 3}, {3, 2, 1}, PadMode::Constant, -1.5, "-1.5"},
      {rand({17}), {0}, {0}, PadMode::Constant},
      {rand({7}, -9, 9, Tensor::I64), {3}, {1}, PadMode::Constant, 7, "7.0"},
      // Integer padding truncates the value toward zero.
      {rand({3}, -9, 9, Tensor::I32),
       {1},
       {2},
       PadMode::Constant,
       -2.75,
       "-2.75"},
  });
}

// An i1 pad value is true when nonzero, like a cast to i1.
TEST_F(ShapeTest, PadBool) {
  using ref::PadMode;
  checkPad({
      {rand({7}, 0, 1, Tensor::I1), {1}, {2}, PadMode::Constant, 1, "1.0"},
      {rand({7}, 0, 1, Tensor::I1), {2}, {1}, PadMode::Constant, 0.5, "0.5"},
      {rand({7}, 0, 1, Tensor::I1), {3}, {0}, PadMode::Constant, 2, "2.0"},
      {rand({7}, 0, 1, Tensor::I1), {0}, {3}, PadMode::Constant, -1, "-1.0"},
  });
}

TEST_F(ShapeTest, PadReflectAndEdge) {
  using ref::PadMode;
  checkPad({
      {rand({3, 7}), {1, 2}, {2, 6}, PadMode::Reflect},
      {rand({3, 7, 17}), {0, 3, 16}, {2, 0, 1}, PadMode::Reflect},
      // Edge padding may exceed the dim.
      {rand({3, 7}), {5, 0}, {4, 9}, PadMode::Edge},
      {rand({1, 3}), {2, 1}, {3, 4}, PadMode::Edge},
      {rand({7}, -9, 9, Tensor::I64), {6}, {6}, PadMode::Reflect},
      {rand({3}, 0, 1, Tensor::I1), {2}, {5}, PadMode::Edge},
  });
}

} // namespace
