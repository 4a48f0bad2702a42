//===- ContractionTest.cpp - matmul, conv2d, pooling ----------------------===//

#include "NumericTest.h"

#include "llvm/ADT/STLExtras.h"

using namespace kiln::numeric;
namespace ref = kiln::ref;

namespace {

std::string bools(bool a, bool b, const char *na, const char *nb) {
  std::vector<std::string> parts;
  if (a)
    parts.push_back(std::string(na) + " = true");
  if (b)
    parts.push_back(std::string(nb) + " = true");
  if (parts.empty())
    return "";
  std::string s = " {" + parts[0];
  for (size_t i = 1; i < parts.size(); ++i)
    s += ", " + parts[i];
  return s + "}";
}

using MatmulTest = NumericTest;

TEST_F(MatmulTest, ShapesTransposesAndBatches) {
  struct Case {
    Shape lhs, rhs;
    bool tl = false, tr = false;
  };
  const std::vector<Case> cases = {
      {{17, 129}, {129, 7}},
      {{1, 3}, {3, 1}},
      {{129, 17}, {129, 7}, true, false},
      {{17, 129}, {7, 129}, false, true},
      {{129, 17}, {7, 129}, true, true},
      // Same batch (linalg.batch_matmul), a shared rank-2 rhs, broadcast
      // batch dims, and broadcast batches with transposes.
      {{3, 17, 7}, {3, 7, 129}},
      {{3, 17, 129}, {129, 7}},
      {{7, 129}, {3, 129, 17}},
      {{7, 1, 3, 17}, {3, 17, 1}},
      {{1, 7, 3}, {3, 17, 7}, true, true},
      {{3, 129, 7}, {1, 129, 17}, true, false},
      {{1, 1, 3}, {3, 1}},
      // Batched products of the packed schedule (linalg.batch_matmul over
      // the merged batch dims): odd per-product sizes that no register
      // tile divides, transposed operands (copied out first), attention's
      // per-head shapes (a batch of heads, 28 x 16), a batch too short
      // for the threads (split within the products), and a shared 2-D rhs
      // taken transposed (one 2-D product of all the rows).
      {{2, 3, 17, 7}, {2, 3, 7, 129}},
      {{3, 7, 17}, {3, 7, 29}, true, false},
      {{5, 17, 7}, {5, 29, 7}, false, true},
      {{2, 2, 7, 17}, {2, 2, 3, 7}, true, true},
      {{64, 28, 16}, {64, 28, 16}, false, true},
      {{2, 4, 28, 28}, {2, 4, 28, 16}, true, false},
      {{1, 1, 3}, {1, 3, 1}},
      {{1, 129, 65}, {1, 65, 33}},
      {{3, 17, 129}, {7, 129}, false, true},
      // K = 1 (an outer product); batch dims broadcast on both sides.
      {{17, 1}, {1, 7}},
      {{3, 1, 7, 17}, {1, 7, 17, 3}},
  };
  OpBatch batch;
  for (const Case &c : cases) {
    Tensor a = rand(c.lhs), b = rand(c.rhs);
    Tensor r = ref::matmul(a, b, c.tl, c.tr);
    std::string x = batch.in(a), y = batch.in(b);
    batch.expectOp("kiln.matmul " + x + ", " + y +
                       bools(c.tl, c.tr, "transpose_lhs", "transpose_rhs") +
                       " : (" + ty(a) + ", " + ty(b) + ") -> " + ty(r),
                   r, kReduction,
                   ref::shapeStr(c.lhs) + (c.tl ? "^T" : "") + " x " +
                       ref::shapeStr(c.rhs) + (c.tr ? "^T" : ""));
  }
  batch.check();
}

// Elementwise epilogues that kiln-schedule-matmul fuses into the product's
// tiles (bias, activation; the bias on either side of the add), next to a
// product whose result has a second use (not fused) and a batch of
// products, on shapes no register tile divides (AVX2 6x16, AVX-512 14x32).
TEST_F(MatmulTest, FusedEpilogues) {
  OpBatch batch;
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{17, 7}, {7, 129}},
      {{1, 3}, {3, 1}},
      {{64, 97}, {97, 33}},
      {{3, 17, 7}, {3, 7, 29}}};
  for (auto [i, s] : llvm::enumerate(shapes)) {
    Tensor a = rand(s.first), b = rand(s.second),
           bias = rand({s.second.back()});
    Tensor mm = ref::matmul(a, b);
    std::string m = batch.op("kiln.matmul " + batch.in(a) + ", " + batch.in(b) +
                             " : (" + ty(a) + ", " + ty(b) + ") -> " + ty(mm));
    std::string bi = batch.in(bias),
                what = ref::shapeStr(s.first) + " x " + ref::shapeStr(s.second);
    std::string types = "(" + ty(mm) + ", " + ty(bias) + ") -> " + ty(mm);
    switch (i) {
    case 0: // relu(C + bias)
    case 3: // the same on a batch of products
      batch.expectOp(
          "kiln.relu " + batch.op("kiln.add " + m + ", " + bi + " : " + types) +
              " : " + ty(mm),
          ref::relu(ref::add(mm, bias)), kReduction, what + " +bias relu");
      break;
    case 1: // tanh(bias + C): C is the epilogue's second operand
      batch.expectOp("kiln.tanh " +
                         batch.op("kiln.add " + bi + ", " + m + " : (" +
                                  ty(bias) + ", " + ty(mm) + ") -> " + ty(mm)) +
                         " : " + ty(mm),
                     ref::tanh(ref::add(bias, mm)), kReduction,
                     what + " bias+ tanh");
      break;
    default: // sigmoid(C + bias), C returned too (two uses: not fused)
      batch.expectOp("kiln.sigmoid " +
                         batch.op("kiln.add " + m + ", " + bi + " : " + types) +
                         " : " + ty(mm),
                     ref::sigmoid(ref::add(mm, bias)), kReduction,
                     what + " +bias sigmoid");
      batch.expect(m, mm, kReduction, what + " product");
    }
  }
  batch.check();
}

// Elementwise producers of an operand, with the product as their one user,
// computed within the operand's pack (A, B, a batch of products, and with an
// epilogue too), on odd shapes.
TEST_F(MatmulTest, FusedPrologues) {
  OpBatch batch;
  auto unary = [&](const std::string &op, const std::string &v,
                   const Tensor &t) {
    return batch.op("kiln." + op + " " + v + " : " + ty(t));
  };
  auto matmul = [&](const std::string &a, const std::string &b,
                    const Tensor &ta, const Tensor &tb, const Tensor &r) {
    return batch.op("kiln.matmul " + a + ", " + b + " : (" + ty(ta) + ", " +
                    ty(tb) + ") -> " + ty(r));
  };
  {
    Tensor x = rand({17, 7}), w = rand({7, 129});
    Tensor r = ref::matmul(ref::relu(x), w);
    batch.expect(matmul(unary("relu", batch.in(x), x), batch.in(w), x, w, r), r,
                 kReduction, "relu(A) 17x7 x 7x129");
  }
  {
    Tensor a = rand({64, 97}), w = rand({97, 33});
    Tensor r = ref::matmul(a, ref::tanh(w));
    batch.expect(matmul(batch.in(a), unary("tanh", batch.in(w), w), a, w, r), r,
                 kReduction, "64x97 x tanh(B) 97x33");
  }
  {
    Tensor x = rand({3, 17, 7}), b = rand({3, 7, 29});
    Tensor r = ref::matmul(ref::sigmoid(x), b);
    batch.expect(matmul(unary("sigmoid", batch.in(x), x), batch.in(b), x, b, r),
                 r, kReduction, "sigmoid(A) 3x17x7 x 3x7x29");
  }
  {
    Tensor x = rand({1, 3}), w = rand({3, 1}), bias = rand({1});
    Tensor mm = ref::matmul(ref::tanh(x), w);
    std::string m =
        matmul(unary("tanh", batch.in(x), x), batch.in(w), x, w, mm);
    std::string sum =
        batch.op("kiln.add " + m + ", " + batch.in(bias) + " : (" + ty(mm) +
                 ", " + ty(bias) + ") -> " + ty(mm));
    batch.expect(unary("relu", sum, mm), ref::relu(ref::add(mm, bias)),
                 kReduction, "relu(tanh(A) 1x3 x 3x1 + bias)");
  }
  batch.check();
}

struct ConvCase {
  Shape input, filter;
  bool bias = false;
  Shape strides = {1, 1}, padding = {0, 0, 0, 0}, dilations = {1, 1};
  int64_t groups = 1;
  /// relu(conv): the direct form applies it before storing.
  bool relu = false;
};

std::string convAttrs(const ConvCase &c) {
  std::vector<std::string> parts;
  if (c.strides != Shape{1, 1})
    parts.push_back("strides = " + i64Array(c.strides));
  if (c.padding != Shape{0, 0, 0, 0})
    parts.push_back("padding = " + i64Array(c.padding));
  if (c.dilations != Shape{1, 1})
    parts.push_back("dilations = " + i64Array(c.dilations));
  if (c.groups != 1)
    parts.push_back("groups = " + std::to_string(c.groups));
  if (parts.empty())
    return "";
  std::string s = " {" + parts[0];
  for (size_t i = 1; i < parts.size(); ++i)
    s += ", " + parts[i];
  return s + "}";
}

void checkConv(const std::vector<ConvCase> &cases, std::mt19937 &rng) {
  OpBatch batch;
  for (const ConvCase &c : cases) {
    Tensor x = random(c.input, rng), w = random(c.filter, rng),
           b = random({c.filter[0]}, rng);
    Tensor r = ref::conv2d(x, w, c.bias ? &b : nullptr, c.strides, c.padding,
                           c.dilations, c.groups);
    std::string operands = batch.in(x) + ", " + batch.in(w);
    std::string types = ty(x) + ", " + ty(w);
    if (c.bias) {
      operands += ", " + batch.in(b);
      types += ", " + ty(b);
    }
    std::string what = ref::shapeStr(c.input) + " * " +
                       ref::shapeStr(c.filter) + convAttrs(c) +
                       (c.bias ? " +bias" : "");
    std::string conv = batch.op("kiln.conv2d " + operands + convAttrs(c) +
                                " : (" + types + ") -> " + ty(r));
    if (c.relu)
      batch.expectOp("kiln.relu " + conv + " : " + ty(r), ref::relu(r),
                     kReduction, what + " relu");
    else
      batch.expect(conv, r, kReduction, what);
  }
  batch.check();
}

using ConvTest = NumericTest;

TEST_F(ConvTest, StridesPaddingDilationGroupsBias) {
  checkConv(
      {
          {{1, 3, 17, 17}, {7, 3, 3, 3}},
          {{1, 3, 17, 17}, {7, 3, 3, 3}, true},
          // Different stride, dilation and asymmetric padding per dim.
          {{3, 3, 17, 17}, {7, 3, 3, 3}, true, {2, 1}, {1, 0, 2, 1}, {2, 3}},
          {{1, 3, 17, 17}, {1, 3, 5, 3}, false, {3, 2}, {2, 1, 0, 2}},
          // Grouped and depthwise (multiplier 1 and 3).
          {{3, 9, 7, 7}, {9, 3, 3, 3}, true, {2, 2}, {1, 1, 1, 1}, {1, 1}, 3},
          {{1, 3, 17, 17},
           {3, 1, 3, 3},
           false,
           {1, 1},
           {0, 0, 0, 0},
           {1, 1},
           3},
          {{1, 3, 17, 17}, {9, 1, 3, 3}, true, {2, 1}, {0, 2, 1, 0}, {1, 2}, 3},
          // Fewer output than input channels at stride 1: lowered as a
          // matmul and a scatter (col2im), here with bias, dilation and
          // asymmetric padding, and without padding.
          {{2, 3, 4, 5}, {1, 3, 3, 3}, true, {1, 1}, {2, 1, 2, 3}, {1, 2}},
          {{1, 8, 6, 6}, {2, 8, 3, 3}},
          // 1x1 over many channels; a kernel larger than the input.
          {{1, 129, 7, 7}, {17, 129, 1, 1}, true},
          {{1, 1, 1, 1}, {1, 1, 3, 3}, true, {1, 1}, {1, 1, 1, 1}},
      },
      rng);
}

// Unit-stride convolutions with a contraction C * KH * KW of at most 512 and
// rows that fill at least half of the vector steps (kiln-vectorize-conv's
// direct form): ragged last steps (29 = 16 + 13, 12 and 10 of 16),
// asymmetric padding, more output channels than one block of accumulators
// (26 > 24), several input channels (a loop over them; 16 * 5 * 5 = 400 is
// LeNet's conv2 input gradient), and products big enough (1.9 and 2.3
// MFLOP) for a forall over the batch (the second, with its contraction of
// 25, stays serial), the second with the relu fused.
TEST_F(ConvTest, DirectSmallContraction) {
  checkConv(
      {
          {{2, 1, 11, 30}, {5, 1, 3, 5}, true, {1, 1}, {1, 2, 0, 1}},
          {{3, 2, 7, 14}, {7, 2, 3, 3}},
          {{1, 1, 5, 16}, {26, 1, 1, 1}, true},
          {{2, 1, 9, 31}, {3, 1, 5, 4}, false, {1, 1}, {2, 0, 1, 1}},
          {{2, 16, 6, 6}, {6, 16, 5, 5}, false, {1, 1}, {4, 4, 4, 4}},
          {{2, 5, 12, 14}, {27, 5, 3, 5}, true, {1, 1}, {0, 0, 1, 0}},
          // relu as the convolution's one user: applied before the store.
          {{2, 1, 11, 30},
           {5, 1, 3, 5},
           true,
           {1, 1},
           {1, 2, 0, 1},
           {1, 1},
           1,
           true},
          {{3, 2, 7, 14},
           {7, 2, 3, 3},
           false,
           {1, 1},
           {0, 0, 0, 0},
           {1, 1},
           1,
           true},
          {{4, 6, 14, 14}, {16, 6, 5, 5}, true},
          {{5, 1, 28, 28},
           {6, 1, 5, 5},
           true,
           {1, 1},
           {2, 2, 2, 2},
           {1, 1},
           1,
           true},
      },
      rng);
}

// Filter gradients as ConvGrad.cpp writes them, conv2d(transpose(x),
// transpose(g)), of such convolutions: read in NCHW by the direct form,
// with partial sums per (output channel, kernel column) blocks; 9 output
// channels times 5 columns take two blocks, and 10-wide rows (conv2's) one
// masked step. The last two (1.4 and 1.2 MFLOP) take a forall over
// (input channel, kernel row), dims 0 and 2 of the result.
TEST_F(ConvTest, DirectFilterGradient) {
  struct Case {
    Shape x, g, padding;
  };
  OpBatch batch;
  for (const Case &c : std::vector<Case>{
           {{3, 1, 12, 29}, {3, 6, 10, 28}, {0, 1, 0, 0}},
           {{2, 2, 6, 14}, {2, 9, 6, 13}, {1, 1, 1, 2}},
           {{4, 1, 8, 16}, {4, 2, 8, 16}, {1, 1, 1, 1}},
           {{3, 6, 14, 14}, {3, 16, 10, 10}, {0, 0, 0, 0}},
           {{5, 1, 28, 28}, {5, 6, 28, 28}, {2, 2, 2, 2}},
       }) {
    Tensor x = random(c.x, rng), g = random(c.g, rng);
    const Shape swap = {1, 0, 2, 3};
    Tensor xt = ref::transpose(x, swap), gt = ref::transpose(g, swap);
    Tensor r = ref::conv2d(xt, gt, nullptr, {1, 1}, c.padding, {1, 1}, 1);
    std::string perm = " {permutation = array<i64: 1, 0, 2, 3>} : ";
    std::string xs = batch.op("kiln.transpose " + batch.in(x) + perm + ty(x) +
                              " -> " + ty(xt));
    std::string gs = batch.op("kiln.transpose " + batch.in(g) + perm + ty(g) +
                              " -> " + ty(gt));
    batch.expectOp("kiln.conv2d " + xs + ", " + gs +
                       " {padding = " + i64Array(c.padding) + "} : (" + ty(xt) +
                       ", " + ty(gt) + ") -> " + ty(r),
                   r, kReduction,
                   "filter gradient of x " + ref::shapeStr(c.x) + ", g " +
                       ref::shapeStr(c.g));
  }
  batch.check();
}

struct PoolCase {
  Shape input, kernel, strides = {1, 1}, padding = {0, 0, 0, 0},
                       dilations = {1, 1};
  bool ceil = false, includePad = false;
};

std::string poolAttrs(const PoolCase &c, bool isMax) {
  std::string s = "{kernel_size = " + i64Array(c.kernel);
  if (c.strides != Shape{1, 1})
    s += ", strides = " + i64Array(c.strides);
  if (c.padding != Shape{0, 0, 0, 0})
    s += ", padding = " + i64Array(c.padding);
  if (isMax && c.dilations != Shape{1, 1})
    s += ", dilations = " + i64Array(c.dilations);
  if (c.ceil)
    s += ", ceil_mode = true";
  if (!isMax && c.includePad)
    s += ", count_include_pad = true";
  return s + "}";
}

void checkPool(const std::vector<PoolCase> &cases, bool isMax,
               std::mt19937 &rng, double lo = -3, double hi = 3) {
  OpBatch batch;
  for (const PoolCase &c : cases) {
    Tensor x = random(c.input, rng, lo, hi);
    Tensor r = isMax ? ref::maxPool2d(x, c.kernel, c.strides, c.padding,
                                      c.dilations, c.ceil)
                     : ref::avgPool2d(x, c.kernel, c.strides, c.padding, c.ceil,
                                      c.includePad);
    std::string attrs = poolAttrs(c, isMax);
    batch.expectOp(
        std::string(isMax ? "kiln.max_pool2d " : "kiln.avg_pool2d ") +
            batch.in(x) + " " + attrs + " : " + ty(x) + " -> " + ty(r),
        r, isMax ? kExact : kReduction, ref::shapeStr(c.input) + attrs);
  }
  batch.check();
}

using PoolTest = NumericTest;

TEST_F(PoolTest, MaxPool) {
  checkPool({{{1, 3, 17, 17}, {3, 3}, {2, 2}, {1, 1, 1, 1}},
             {{3, 7, 17, 17}, {2, 2}, {1, 1}, {0, 0, 0, 0}, {2, 3}},
             {{1, 3, 7, 17}, {1, 7}},
             // ceil_mode adds a partial last window (17 -> 9 instead of 8).
             {{1, 3, 17, 17}, {2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1}, true},
             {{1, 3, 17, 17}, {3, 3}, {2, 1}, {1, 0, 0, 2}, {1, 1}, true},
             // Dilation with padding and ceil_mode together.
             {{1, 3, 17, 17}, {3, 2}, {3, 2}, {2, 1, 1, 1}, {2, 3}, true},
             {{1, 1, 1, 1}, {1, 1}},
             // A stride larger than the kernel skips cells.
             {{1, 3, 17, 17}, {2, 1}, {3, 4}}},
            true, rng);
}

// All values negative: a padded cell (or a zero init) that wins would show.
TEST_F(PoolTest, MaxPoolNegativeInputs) {
  checkPool({{{1, 3, 7, 7}, {3, 3}, {2, 2}},
             {{1, 3, 7, 7}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, true}},
            true, rng, -5, -1);
}

TEST_F(PoolTest, AvgPool) {
  std::vector<PoolCase> cases;
  for (bool includePad : {false, true}) {
    cases.push_back({{1, 3, 17, 17}, {3, 3}, {2, 2}, {1, 1, 1, 1}});
    cases.push_back(
        {{1, 3, 17, 17}, {2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1}, true});
    // ceil_mode with padding: the last window reaches past the padding.
    cases.push_back(
        {{3, 7, 17, 17}, {3, 3}, {2, 2}, {0, 0, 1, 1}, {1, 1}, true});
    cases.push_back({{1, 3, 17, 17}, {3, 2}, {2, 3}, {1, 0, 2, 1}});
    cases.push_back(
        {{1, 3, 17, 7}, {3, 3}, {3, 3}, {1, 2, 2, 1}, {1, 1}, true});
    for (size_t i = cases.size() - 5; i < cases.size(); ++i)
      cases[i].includePad = includePad;
  }
  cases.push_back({{3, 7, 17, 7}, {1, 7}});
  cases.push_back({{1, 3, 17, 17}, {2, 1}, {3, 4}});
  cases.push_back({{1, 3, 7, 7}, {7, 7}});
  checkPool(cases, false, rng);
}

TEST_F(PoolTest, GlobalAvgPool) {
  OpBatch batch;
  for (const Shape &shape : std::vector<Shape>{
           {3, 7, 17, 17}, {3, 7, 129}, {1, 3, 1, 1}, {1, 3, 3, 7, 5}}) {
    Tensor x = rand(shape, -3, 3);
    Tensor r = ref::globalAvgPool(x);
    batch.expectOp("kiln.global_avg_pool " + batch.in(x) + " : " + ty(x) +
                       " -> " + ty(r),
                   r, kReduction, ref::shapeStr(shape));
  }
  batch.check();
}

} // namespace
