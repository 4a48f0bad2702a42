//===- ElementwiseTest.cpp - unary, binary, compare, select, cast ---------===//

#include "NumericTest.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace kiln::numeric;
namespace ref = kiln::ref;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

struct UnaryCase {
  std::string op;    // mnemonic
  std::string attrs; // "" or " {...}"
  bool positive;     // needs a positive operand (log, sqrt, rsqrt)
  std::function<Tensor(const Tensor &)> reference;
  Tolerance tol;
};

const std::vector<UnaryCase> &unaryCases() {
  static const std::vector<UnaryCase> cases = {
      {"neg", "", false, [](auto &x) { return ref::neg(x); }, kExact},
      {"abs", "", false, [](auto &x) { return ref::abs(x); }, kExact},
      {"exp", "", false, [](auto &x) { return ref::exp(x); }, kTranscendental},
      {"log", "", true, [](auto &x) { return ref::log(x); }, kTranscendental},
      // sqrt is correctly rounded; rsqrt may be 1 / sqrt (two roundings).
      {"sqrt", "", true, [](auto &x) { return ref::sqrt(x); }, kArith},
      {"rsqrt", "", true, [](auto &x) { return ref::rsqrt(x); }, kArith},
      {"reciprocal", "", false, [](auto &x) { return ref::reciprocal(x); },
       kArith},
      {"tanh", "", false, [](auto &x) { return ref::tanh(x); },
       kTranscendental},
      {"cos", "", false, [](auto &x) { return ref::cos(x); }, kTranscendental},
      {"sin", "", false, [](auto &x) { return ref::sin(x); }, kTranscendental},
      {"sigmoid", "", false, [](auto &x) { return ref::sigmoid(x); },
       kTranscendental},
      {"relu", "", false, [](auto &x) { return ref::relu(x); }, kExact},
      {"erf", "", false, [](auto &x) { return ref::erf(x); }, kTranscendental},
      {"softplus", "", false, [](auto &x) { return ref::softplus(x); },
       kTranscendental},
      {"leaky_relu", "", false, [](auto &x) { return ref::leakyRelu(x); },
       kArith},
      {"leaky_relu", " {alpha = 0.2 : f32}", false,
       [](auto &x) { return ref::leakyRelu(x, 0.2f); }, kArith},
      {"elu", "", false, [](auto &x) { return ref::elu(x); }, kTranscendental},
      {"elu", " {alpha = 0.5 : f32}", false,
       [](auto &x) { return ref::elu(x, 0.5f); }, kTranscendental},
      {"selu", "", false, [](auto &x) { return ref::selu(x); },
       kTranscendental},
      {"selu", " {alpha = 1.5 : f32, gamma = 2.0 : f32}", false,
       [](auto &x) { return ref::selu(x, 1.5f, 2.0f); }, kTranscendental},
      {"gelu", "", false, [](auto &x) { return ref::gelu(x); },
       kTranscendental},
      {"gelu", " {approximate = true}", false,
       [](auto &x) { return ref::gelu(x, true); }, kTranscendental},
      {"clip", " {min = -0.5 : f32, max = 1.25 : f32}", false,
       [](auto &x) { return ref::clip(x, -0.5f, 1.25f); }, kExact},
      {"clip", " {min = 0.1 : f32}", false,
       [](auto &x) { return ref::clip(x, 0.1f); }, kExact},
      {"clip", " {max = -0.3 : f32}", false,
       [](auto &x) { return ref::clip(x, std::nullopt, -0.3f); }, kExact},
      {"clip", "", false, [](auto &x) { return ref::clip(x); }, kExact},
      // Equal bounds give a constant.
      {"clip", " {min = 0.75 : f32, max = 0.75 : f32}", false,
       [](auto &x) { return ref::clip(x, 0.75f, 0.75f); }, kExact},
  };
  return cases;
}

/// One function per shape computing every unary op of `cases` on `x` (or
/// on the positive `p`), so that one compile covers them all.
std::string unaryModule(const std::vector<Shape> &shapes) {
  std::vector<FuncBuilder> funcs;
  for (size_t s = 0; s < shapes.size(); ++s) {
    FuncBuilder f("unary" + std::to_string(s));
    std::string t = ty(shapes[s]);
    std::string x = f.arg(t), p = f.arg(t);
    for (const UnaryCase &c : unaryCases())
      f.ret(f.op("kiln." + c.op + " " + (c.positive ? p : x) + c.attrs + " : " +
                 t),
            t);
    funcs.push_back(f);
  }
  return moduleOf(funcs);
}

// [7] and [2] serve the special-value tests.
const std::vector<Shape> kUnaryShapes = {{1}, {3, 7}, {17, 129}, {}, {7}, {2}};

void checkUnary(size_t shapeIndex, const Tensor &x, const Tensor &p) {
  auto outs = run(unaryModule(kUnaryShapes),
                  "unary" + std::to_string(shapeIndex), {x, p});
  const auto &cases = unaryCases();
  ASSERT_EQ(outs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("kiln." + cases[i].op + cases[i].attrs);
    EXPECT_MATCH(outs[i], cases[i].reference(cases[i].positive ? p : x),
                 cases[i].tol);
  }
}

using UnaryTest = NumericTest;

TEST_F(UnaryTest, AllOpsOnOddShapes) {
  for (size_t s = 0; s < 4; ++s) {
    SCOPED_TRACE("shape " + ref::shapeStr(kUnaryShapes[s]));
    checkUnary(s, rand(kUnaryShapes[s], -3, 3), rand(kUnaryShapes[s], 0.1, 4));
  }
}

// Large magnitudes: the stable forms (sigmoid, softplus, elu's expm1, the
// gelu tails) must neither overflow nor lose the small side.
TEST_F(UnaryTest, WideRange) {
  Tensor x = rand({17, 129}, -80, 80), p = rand({17, 129}, 1e-30, 1e30);
  checkUnary(2, x, p);
}

// Tiny magnitudes: expm1 and log1p forms keep relative accuracy near 0.
TEST_F(UnaryTest, NearZero) {
  Tensor x = rand({17, 129}, -1e-4, 1e-4), p = rand({17, 129}, 1e-6, 1e-3);
  checkUnary(2, x, p);
}

// Infinities, signed zeros and NaN through every unary op (relu aside, see
// ReluOfNaN): x holds them all; p, the operand of log, sqrt and rsqrt, also
// holds 0 and -0 (log 0 = -inf, rsqrt 0 = inf).
TEST_F(UnaryTest, SpecialValues) {
  // 2^127 * 1.5 is an f32 value near the top of the range.
  const double big = std::ldexp(1.5, 127), tiny = std::ldexp(1.0, -100);
  Tensor x({7}, {kNaN, kInf, -kInf, 0.0, -0.0, big, -big});
  Tensor p({7}, {kNaN, kInf, 0.0, -0.0, tiny, big, 1.0});
  auto outs = run(unaryModule(kUnaryShapes), "unary4", {x, p});
  const auto &cases = unaryCases();
  ASSERT_EQ(outs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].op == "relu")
      continue; // ReluOfNaN
    SCOPED_TRACE("kiln." + cases[i].op + cases[i].attrs);
    Tensor expected = cases[i].reference(cases[i].positive ? p : x);
    // The reference does not round to f32: results past the f32 range are
    // the f32 infinity.
    for (double &v : expected.data)
      if (std::fabs(v) > 3.4028234663852886e38)
        v = v > 0 ? kInf : -kInf;
    EXPECT_MATCH(outs[i], expected, cases[i].tol);
  }
}

TEST_F(UnaryTest, ReluOfNaN) {
  Tensor x({2}, {kNaN, 1});
  auto outs = run(unaryModule(kUnaryShapes), "unary5", {x, x});
  const auto &cases = unaryCases();
  for (size_t i = 0; i < cases.size(); ++i)
    if (cases[i].op == "relu")
      EXPECT_MATCH(outs[i], ref::relu(x), kExact);
}

// softplus and elu are lowered through math.log1p and math.expm1 so that
// tiny results keep their relative accuracy: softplus(-30) is 9.4e-14, not
// 0, and elu(-1e-5) is -1e-5 to every digit. The absolute slack of the
// other tests would hide a loss of it, so none is given here.
TEST_F(UnaryTest, StableFormsKeepRelativeAccuracy) {
  OpBatch batch;
  Tensor tail = rand({129}, -80, -20), small = rand({129}, -1e-4, -1e-7);
  std::string tn = batch.in(tail), sn = batch.in(small);
  batch.expectOp("kiln.softplus " + tn + " : " + ty(tail), ref::softplus(tail),
                 kTranscendentalRelative, "softplus of very negative x");
  batch.expectOp("kiln.softplus " + sn + " : " + ty(small),
                 ref::softplus(small), kTranscendentalRelative,
                 "softplus near 0");
  batch.expectOp("kiln.elu " + sn + " : " + ty(small), ref::elu(small),
                 kTranscendentalRelative, "elu near 0");
  batch.expectOp("kiln.selu " + sn + " : " + ty(small), ref::selu(small),
                 kTranscendentalRelative, "selu near 0");
  batch.expectOp("kiln.sigmoid " + tn + " : " + ty(tail), ref::sigmoid(tail),
                 kTranscendentalRelative, "sigmoid of very negative x");
  batch.check();
}

// exp, log, tanh and erf are polynomials in the generated code
// (kiln-approximate-math), not libm: across dense sweeps of their useful
// range they stay within a few f32 ulps of the double reference (measured:
// 3e-7 relative at most; 1e-8 fails all five), far inside kTranscendental.
TEST_F(UnaryTest, PolynomialApproximationsStayWithinAFewUlps) {
  constexpr Tolerance kFewUlps{5e-7, 1e-30};
  auto sweep = [](double lo, double hi, bool logScale) {
    const int n = 4099;
    Tensor t = Tensor::zeros({n});
    for (int i = 0; i < n; ++i) {
      double u = static_cast<double>(i) / (n - 1);
      t.data[i] = static_cast<float>(
          logScale ? std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)))
                   : lo + u * (hi - lo));
    }
    return t;
  };
  OpBatch batch;
  Tensor wide = sweep(-87, 88, false), narrow = sweep(-9, 9, false),
         positive = sweep(1e-37, 1e37, true);
  std::string w = batch.in(wide), n = batch.in(narrow), p = batch.in(positive);
  batch.expectOp("kiln.exp " + w + " : " + ty(wide), ref::exp(wide), kFewUlps,
                 "exp on [-87, 88]");
  batch.expectOp("kiln.log " + p + " : " + ty(positive), ref::log(positive),
                 kFewUlps, "log on [1e-37, 1e37]");
  batch.expectOp("kiln.tanh " + n + " : " + ty(narrow), ref::tanh(narrow),
                 kFewUlps, "tanh on [-9, 9]");
  batch.expectOp("kiln.sigmoid " + w + " : " + ty(wide), ref::sigmoid(wide),
                 kFewUlps, "sigmoid on [-87, 88]");
  batch.expectOp("kiln.erf " + n + " : " + ty(narrow), ref::erf(narrow),
                 kFewUlps, "erf on [-9, 9]");
  batch.check();
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

struct BinaryCase {
  std::string op;
  std::function<Tensor(const Tensor &, const Tensor &)> reference;
  Tolerance tol;
};

const std::vector<BinaryCase> &floatBinaryCases() {
  static const std::vector<BinaryCase> cases = {
      {"add", [](auto &a, auto &b) { return ref::add(a, b); }, kArith},
      {"sub", [](auto &a, auto &b) { return ref::sub(a, b); }, kArith},
      {"mul", [](auto &a, auto &b) { return ref::mul(a, b); }, kArith},
      {"div", [](auto &a, auto &b) { return ref::div(a, b); }, kArith},
      {"max", [](auto &a, auto &b) { return ref::max(a, b); }, kExact},
      {"min", [](auto &a, auto &b) { return ref::min(a, b); }, kExact},
  };
  return cases;
}

const std::vector<BinaryCase> &intBinaryCases() {
  static const std::vector<BinaryCase> cases = {
      {"add", [](auto &a, auto &b) { return ref::add(a, b); }, kExact},
      {"sub", [](auto &a, auto &b) { return ref::sub(a, b); }, kExact},
      {"mul", [](auto &a, auto &b) { return ref::mul(a, b); }, kExact},
      {"div", [](auto &a, auto &b) { return ref::div(a, b); }, kExact},
      {"max", [](auto &a, auto &b) { return ref::max(a, b); }, kExact},
      {"min", [](auto &a, auto &b) { return ref::min(a, b); }, kExact},
  };
  return cases;
}

/// Adds `kiln.<op> a, b` for every case to `batch`.
void addBinary(OpBatch &batch, const std::vector<BinaryCase> &cases,
               const Tensor &a, const Tensor &b) {
  std::string x = batch.in(a), y = batch.in(b);
  for (const BinaryCase &c : cases) {
    Tensor r = c.reference(a, b);
    batch.expectOp("kiln." + c.op + " " + x + ", " + y + " : (" + ty(a) + ", " +
                       ty(b) + ") -> " + ty(r),
                   r, c.tol, c.op + " " + ty(a) + " x " + ty(b));
  }
}

using BinaryTest = NumericTest;

TEST_F(BinaryTest, FloatBroadcasting) {
  const std::vector<std::pair<Shape, Shape>> shapes = {{{17, 129}, {17, 129}},
                                                       {{7, 1, 3}, {17, 3}},
                                                       {{}, {3, 7}},
                                                       {{3, 7}, {}},
                                                       {{}, {}},
                                                       {{3, 1}, {1, 7}},
                                                       {{1}, {3, 7}},
                                                       {{17, 1, 1}, {7, 3}},
                                                       {{1, 129}, {17, 1}}};
  // pow's base is positive so that every exponent is defined.
  const std::vector<BinaryCase> pow = {
      {"pow", [](auto &a, auto &b) { return ref::pow(a, b); },
       kTranscendental}};
  OpBatch batch;
  for (auto &[sa, sb] : shapes) {
    Tensor a = rand(sa, -3, 3), p = rand(sa, 0.1, 4);
    // Divisors away from zero: magnitude in [0.5, 2], random sign.
    Tensor b = rand(sb, 0.5, 2);
    Tensor sign = rand(sb, 0, 1, Tensor::I1);
    for (int64_t i = 0; i < b.numel(); ++i)
      if (sign.data[i])
        b.data[i] = -b.data[i];
    addBinary(batch, floatBinaryCases(), a, b);
    addBinary(batch, pow, p, b);
  }
  batch.check();
}

// Integer arithmetic wraps (i32 products overflow here), division truncates
// toward zero, max/min are signed.
TEST_F(BinaryTest, Integer) {
  OpBatch batch;
  for (auto dtype : {Tensor::I64, Tensor::I32}) {
    for (auto &[sa, sb] : std::vector<std::pair<Shape, Shape>>{
             {{17, 129}, {17, 129}}, {{7, 1, 3}, {17, 3}}, {{}, {3, 7}}}) {
      double range = dtype == Tensor::I32 ? 200000 : 3e12;
      Tensor a = rand(sa, -range, range, dtype);
      Tensor b = rand(sb, -range, range, dtype);
      // No zero divisors, and some small ones so that quotients vary.
      for (int64_t i = 0; i < b.numel(); ++i) {
        if (i % 3 == 0)
          b.data[i] = static_cast<double>(i % 7) - 3;
        if (b.data[i] == 0)
          b.data[i] = 5;
      }
      addBinary(batch, intBinaryCases(), a, b);
    }
  }
  batch.check();
}

// i1 is unsigned (true > false): max is "or", min is "and"; add and sub
// wrap mod 2, mul is "and"; x / true is x.
TEST_F(BinaryTest, Bool) {
  Tensor a({4}, {0, 0, 1, 1}, Tensor::I1), b({4}, {0, 1, 0, 1}, Tensor::I1);
  std::vector<BinaryCase> cases, div;
  for (const BinaryCase &c : intBinaryCases())
    (c.op == "div" ? div : cases).push_back(c);
  OpBatch batch;
  addBinary(batch, cases, a, b);
  addBinary(batch, div, a, Tensor::full({4}, 1, Tensor::I1));
  batch.check();
}

// max/min propagate NaN; infinities and signed zeros pass through.
TEST_F(BinaryTest, SpecialValues) {
  OpBatch batch;
  addBinary(batch, floatBinaryCases(),
            Tensor({6}, {kNaN, 1, kInf, -kInf, 0, kNaN}),
            Tensor({6}, {1, kNaN, 2, 3, -0.0, kNaN}));
  batch.check();
}

//===----------------------------------------------------------------------===//
// Compare and select
//===----------------------------------------------------------------------===//

const std::vector<BinaryCase> &compareCases() {
  static const std::vector<BinaryCase> cases = {
      {"eq", [](auto &a, auto &b) { return ref::eq(a, b); }, kExact},
      {"lt", [](auto &a, auto &b) { return ref::lt(a, b); }, kExact},
      {"le", [](auto &a, auto &b) { return ref::le(a, b); }, kExact},
      {"gt", [](auto &a, auto &b) { return ref::gt(a, b); }, kExact},
      {"ge", [](auto &a, auto &b) { return ref::ge(a, b); }, kExact},
  };
  return cases;
}

using CompareTest = NumericTest;

// Small integer values make ties common, so == and <= are exercised.
TEST_F(CompareTest, FloatWithTies) {
  OpBatch batch;
  for (auto &[sa, sb] : std::vector<std::pair<Shape, Shape>>{
           {{17, 129}, {17, 129}}, {{7, 1, 3}, {17, 3}}, {{}, {3, 7}}}) {
    Tensor a = rand(sa, -2, 2, Tensor::I64), b = rand(sb, -2, 2, Tensor::I64);
    a.dtype = b.dtype = Tensor::F32;
    addBinary(batch, compareCases(), a, b);
  }
  batch.check();
}

TEST_F(CompareTest, IntegerAndBool) {
  OpBatch batch;
  addBinary(batch, compareCases(), rand({7, 1, 3}, -2, 2, Tensor::I64),
            rand({17, 3}, -2, 2, Tensor::I64));
  addBinary(batch, compareCases(), rand({3, 7}, -5, 5, Tensor::I32),
            rand({7}, -5, 5, Tensor::I32));
  // i1 compares unsigned: true > false.
  addBinary(batch, compareCases(), Tensor({4}, {0, 0, 1, 1}, Tensor::I1),
            Tensor({4}, {0, 1, 0, 1}, Tensor::I1));
  batch.check();
}

// Every comparison with NaN is false.
TEST_F(CompareTest, NaN) {
  OpBatch batch;
  addBinary(batch, compareCases(), Tensor({5}, {kNaN, 1, kNaN, kInf, -kInf}),
            Tensor({5}, {1, kNaN, kNaN, kInf, -kInf}));
  batch.check();
}

using SelectTest = NumericTest;

TEST_F(SelectTest, Broadcasting) {
  struct Case {
    Shape cond, onTrue, onFalse;
    Tensor::DType dtype;
  };
  const std::vector<Case> cases = {
      {{17, 129}, {17, 129}, {17, 129}, Tensor::F32},
      {{7, 1, 3}, {17, 3}, {}, Tensor::F32},
      {{3, 1}, {}, {}, Tensor::F32},
      {{1}, {3, 7}, {7}, Tensor::I64},
      {{3, 7}, {3, 1}, {1, 7}, Tensor::I32},
      {{17}, {17}, {1}, Tensor::I1},
  };
  FuncBuilder f("main");
  std::vector<Tensor> inputs, expected;
  for (const Case &c : cases) {
    Tensor cond = rand(c.cond, 0, 1, Tensor::I1);
    Tensor t = rand(c.onTrue, -100, 100, c.dtype);
    Tensor e = rand(c.onFalse, -100, 100, c.dtype);
    std::string sc = f.arg(cond), st = f.arg(t), se = f.arg(e);
    Tensor r = ref::select(cond, t, e);
    f.ret(f.op("kiln.select " + sc + ", " + st + ", " + se + " : (" + ty(cond) +
               ", " + ty(t) + ", " + ty(e) + ") -> " + ty(r)),
          r);
    inputs.insert(inputs.end(), {cond, t, e});
    expected.push_back(r);
  }
  auto outs = run(moduleOf({f}), "main", inputs);
  ASSERT_EQ(outs.size(), expected.size());
  for (size_t i = 0; i < outs.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    EXPECT_MATCH(outs[i], expected[i], kExact);
  }
}

//===----------------------------------------------------------------------===//
// Cast, stop_gradient, constant
//===----------------------------------------------------------------------===//

using CastTest = NumericTest;

TEST_F(CastTest, AllPairs) {
  using D = Tensor::DType;
  const Shape shape = {3, 7, 17};
  // Floats with fractions of both signs (truncation toward zero), exact
  // zeros and -0 (false as i1), and values past the i32 range for i64.
  Tensor f = rand(shape, -1000, 1000);
  f.data[0] = 0;
  f.data[1] = -0.0;
  f.data[2] = -0.75;
  f.data[3] = 0.25;
  f.data[4] = -7.5;
  Tensor big = rand(shape, -1e12, 1e12, Tensor::I64);
  big.data[0] = 0;
  big.data[1] = 4294967295.0;  // wraps to -1 as i32
  big.data[2] = 2147483648.0;  // wraps to INT32_MIN
  big.data[3] = -2147483649.0; // wraps to INT32_MAX
  Tensor i32 = rand(shape, -2147483648.0, 2147483647.0, Tensor::I32);
  i32.data[0] = 0;
  Tensor b = rand(shape, 0, 1, Tensor::I1);
  Tensor nanInf({3}, {kNaN, kInf, -kInf});

  // Inputs by index: 0 f32, 1 i64, 2 i32, 3 i1, 4 f32 NaN/inf.
  const std::vector<Tensor> inputs = {f, big, i32, b, nanInf};
  const std::vector<std::pair<size_t, D>> cases = {
      {0, D::I64}, {0, D::I32}, {0, D::I1},  {0, D::F32}, {1, D::F32},
      {1, D::I32}, {1, D::I1},  {1, D::I64}, {2, D::F32}, {2, D::I64},
      {2, D::I1},  {3, D::F32}, {3, D::I64}, {3, D::I32}, {4, D::I1}};
  FuncBuilder fb("main");
  std::vector<std::string> names;
  for (const Tensor &t : inputs)
    names.push_back(fb.arg(t));
  std::vector<Tensor> expected;
  for (auto [which, to] : cases) {
    Tensor r = ref::cast(inputs[which], to);
    fb.ret(fb.op("kiln.cast " + names[which] + " : " + ty(inputs[which]) +
                 " -> " + ty(r)),
           r);
    expected.push_back(r);
  }
  auto outs = run(moduleOf({fb}), "main", inputs);
  ASSERT_EQ(outs.size(), expected.size());
  for (size_t i = 0; i < outs.size(); ++i) {
    SCOPED_TRACE(ty(inputs[cases[i].first]) + " -> " +
                 elementType(cases[i].second));
    // i64 -> f32 rounds to nearest exactly like the reference.
    EXPECT_MATCH(outs[i], expected[i], kExact);
  }
}

using IdentityTest = NumericTest;

// stop_gradient is the identity in the forward pass; constant materializes
// its attribute (kiln.constant values are given exactly in the text).
TEST_F(IdentityTest, StopGradientAndConstant) {
  Tensor x = rand({3, 7}), i = rand({17}, -50, 50, Tensor::I64);
  const std::string source = R"(
func.func @main(%x: tensor<3x7xf32>, %i: tensor<17xi64>)
    -> (tensor<3x7xf32>, tensor<17xi64>, tensor<2x3xf32>, tensor<3xi64>,
        tensor<2xi1>, tensor<f32>, tensor<3x7xf32>) {
  %0 = kiln.stop_gradient %x : tensor<3x7xf32>
  %1 = kiln.stop_gradient %i : tensor<17xi64>
  %2 = kiln.constant dense<[[1.5, -2.0, 0.25], [3.0, 4.0, -0.125]]> : tensor<2x3xf32>
  %3 = kiln.constant dense<[0, -1, 7]> : tensor<3xi64>
  %4 = kiln.constant dense<[true, false]> : tensor<2xi1>
  %5 = kiln.constant dense<-2.5> : tensor<f32>
  %c = kiln.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<7xf32>
  %6 = kiln.add %x, %c : (tensor<3x7xf32>, tensor<7xf32>) -> tensor<3x7xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<3x7xf32>, tensor<17xi64>, tensor<2x3xf32>, tensor<3xi64>, tensor<2xi1>, tensor<f32>, tensor<3x7xf32>
}
)";
  auto outs = run(source, "main", {x, i});
  ASSERT_EQ(outs.size(), 7u);
  EXPECT_MATCH(outs[0], ref::stopGradient(x), kExact);
  EXPECT_MATCH(outs[1], ref::stopGradient(i), kExact);
  EXPECT_MATCH(
      outs[2],
      ref::constant(Tensor({2, 3}, {1.5, -2.0, 0.25, 3.0, 4.0, -0.125})),
      kExact);
  EXPECT_MATCH(outs[3], Tensor({3}, {0, -1, 7}, Tensor::I64), kExact);
  EXPECT_MATCH(outs[4], Tensor({2}, {1, 0}, Tensor::I1), kExact);
  EXPECT_MATCH(outs[5], Tensor::scalar(-2.5), kExact);
  EXPECT_MATCH(outs[6], ref::add(x, Tensor({7}, {1, 2, 3, 4, 5, 6, 7})),
               kArith);
}

//===----------------------------------------------------------------------===//
// f64
//===----------------------------------------------------------------------===//

using Float64Test = NumericTest;

// Every float op is written for any float type; f64 takes other
// instructions and libm entry points, so a sample of each kind runs here.
TEST_F(Float64Test, Sample) {
  OpBatch batch;
  Tensor x = rand({17, 129}, -3, 3, Tensor::F64),
         y = rand({129}, 0.5, 2, Tensor::F64),
         p = rand({17, 129}, 0.1, 4, Tensor::F64);
  std::string xn = batch.in(x), yn = batch.in(y), pn = batch.in(p);
  std::string t = ty(x);
  for (const UnaryCase &c : unaryCases())
    batch.expectOp("kiln." + c.op + " " + (c.positive ? pn : xn) + c.attrs +
                       " : " + t,
                   c.reference(c.positive ? p : x), kDouble, "f64 " + c.op);
  std::string bin = " : (" + t + ", " + ty(y) + ") -> " + t;
  batch.expectOp("kiln.div " + xn + ", " + yn + bin, ref::div(x, y), kDouble,
                 "f64 div");
  batch.expectOp("kiln.pow " + pn + ", " + yn + bin, ref::pow(p, y), kDouble,
                 "f64 pow");
  batch.expectOp("kiln.max " + xn + ", " + yn + bin, ref::max(x, y), kExact,
                 "f64 max");
  Tensor m = rand({129, 7}, -1, 1, Tensor::F64);
  Tensor mm = ref::matmul(x, m);
  batch.expectOp("kiln.matmul " + xn + ", " + batch.in(m) + " : (" + t + ", " +
                     ty(m) + ") -> " + ty(mm),
                 mm, kDouble, "f64 matmul");
  Tensor s = ref::reduceSum(x, {1});
  batch.expectOp("kiln.reduce_sum " + xn + " {axes = array<i64: 1>} : " + t +
                     " -> " + ty(s),
                 s, kDouble, "f64 reduce_sum");
  batch.expectOp("kiln.softmax " + xn + " : " + t, ref::softmax(x), kDouble,
                 "f64 softmax");
  Tensor lt = ref::lt(x, y);
  batch.expectOp("kiln.lt " + xn + ", " + yn + " : (" + t + ", " + ty(y) +
                     ") -> " + ty(lt),
                 lt, kExact, "f64 lt");
  // f64 <-> f32 and f64 -> i64 casts.
  Tensor f = ref::cast(x, Tensor::F32);
  batch.expectOp("kiln.cast " + xn + " : " + t + " -> " + ty(f), f, kExact,
                 "f64 -> f32");
  Tensor i = ref::cast(x, Tensor::I64);
  batch.expectOp("kiln.cast " + xn + " : " + t + " -> " + ty(i), i, kExact,
                 "f64 -> i64");
  Tensor x32 = rand({3, 7}, -3, 3);
  Tensor d = ref::cast(x32, Tensor::F64);
  batch.expectOp("kiln.cast " + batch.in(x32) + " : " + ty(x32) + " -> " +
                     ty(d),
                 d, kExact, "f32 -> f64");
  batch.check();
}

} // namespace
