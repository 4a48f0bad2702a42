//===- NumericTest.h - shared pieces of the numeric op tests ----*- C++ -*-===//
//
// Tolerances (all in one place), IR text builders and comparisons used by
// the per-family test files. Every test builds its inputs from a fixed seed,
// computes the expected values with the reference (test/reference), writes
// the kiln IR for the same computation, and compares.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_NUMERIC_NUMERICTEST_H
#define KILN_TEST_NUMERIC_NUMERICTEST_H

#include "Harness.h"
#include "Reference.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace kiln::numeric {

using ref::Shape;

/// |actual - expected| <= atol + rtol * |expected|, elementwise.
struct Tolerance {
  double rtol, atol;
};

// The reference computes in double from the same f32 inputs; the compiled
// code computes in f32. The tolerances follow the f32 error each kind of op
// can accumulate (f32 epsilon is 1.2e-7), never the size of a bug.
//
// Data movement, integer arithmetic, compares, selects, casts, max/min and
// anything else that rounds nothing: bit-exact.
constexpr Tolerance kExact{0.0, 0.0};
// A few f32 roundings (add, mul, div, a fused multiply-add): a few ulps.
constexpr Tolerance kArith{1e-5, 1e-6};
// libm / polynomial approximations of exp, log, tanh, erf, pow, and short
// chains of them (softplus, gelu, sigmoid, ...): a few ulps of each step,
// amplified by the chain.
constexpr Tolerance kTranscendental{1e-4, 1e-5};
// The same with no absolute slack, for inputs chosen so that every result is
// tiny (tails, arguments near 0), where the stable forms (log1p, expm1) must
// keep relative accuracy.
constexpr Tolerance kTranscendentalRelative{1e-4, 0.0};
// Reductions and contractions over up to a few hundred terms (a matmul's
// K = 129, a 3x3x3 convolution window, a softmax row of 129): f32
// accumulation error grows with the number of terms and cancellation makes
// the absolute error the meaningful bound.
constexpr Tolerance kReduction{1e-4, 1e-5};
// Reductions over thousands of terms (a whole [7, 17, 129] tensor, a batch
// norm channel of 867 elements, a mean loss): sequential f32 sums carry an
// absolute error of order sqrt(n) * eps * |partial sum|.
constexpr Tolerance kLongReduction{1e-4, 1e-4};
// f64 code against the double reference: only the order of operations and
// the libm differ.
constexpr Tolerance kDouble{1e-12, 1e-13};

/// "tensor<3x7xf32>"; rank 0 gives "tensor<f32>".
std::string ty(const Shape &shape, const std::string &element = "f32");
/// The tensor type of a reference tensor (its shape and dtype).
std::string ty(const Tensor &t);
/// "f32", "f64", "i64", "i32" or "i1".
std::string elementType(Tensor::DType dtype);
/// "array<i64: 1, 2>" (an empty list gives "array<i64>").
std::string i64Array(const Shape &values);

/// Text of one func.func. Values are named %a<N> (arguments) and %v<N>.
class FuncBuilder {
public:
  explicit FuncBuilder(std::string name) : name(std::move(name)) {}
  /// Adds an argument of `t`'s type and returns its SSA name.
  std::string arg(const Tensor &t) { return arg(ty(t)); }
  std::string arg(const std::string &type);
  /// Appends `%vN = text` (or `%vN:results = text`) and returns "%vN".
  std::string op(const std::string &text, int results = 1);
  /// Returns `value` of `type` from the function (in call order).
  void ret(const std::string &value, const std::string &type);
  void ret(const std::string &value, const Tensor &like) {
    ret(value, ty(like));
  }
  std::string str() const;

private:
  std::string name;
  std::vector<std::string> args, body, results, resultTypes;
  int next = 0;
};

/// The functions' text joined into one module.
std::string moduleOf(const std::vector<FuncBuilder> &funcs);

/// Dtype, shape and every element within `tol`; the message names the first
/// failing element.
::testing::AssertionResult matches(const Tensor &actual, const Tensor &expected,
                                   Tolerance tol);

#define EXPECT_MATCH(actual, expected, tol)                                    \
  EXPECT_TRUE(::kiln::numeric::matches((actual), (expected), (tol)))

/// Several cases of one family in one function, so that one compile (the
/// expensive part) covers them all: declare inputs, add ops with their
/// expected results, then check() runs the function and compares every
/// result.
class OpBatch {
public:
  /// Adds an argument holding `t`; returns its SSA name.
  std::string in(const Tensor &t);
  /// Appends an op (text after `%vN = `) and returns its SSA name.
  std::string op(const std::string &text, int results = 1) {
    return func.op(text, results);
  }
  /// Returns `value` from the function, expecting `expected` within `tol`.
  void expect(const std::string &value, const Tensor &expected, Tolerance tol,
              std::string what);
  /// op() and expect() in one.
  void expectOp(const std::string &text, const Tensor &expected, Tolerance tol,
                std::string what) {
    expect(op(text), expected, tol, std::move(what));
  }
  std::string source() const { return moduleOf({func}); }
  /// Compiles (once per source text), runs and compares; returns the
  /// outputs for further checks.
  std::vector<Tensor> check() const;

private:
  struct Expectation {
    Tensor value;
    Tolerance tol;
    std::string what;
  };
  FuncBuilder func{"main"};
  std::vector<Tensor> inputs;
  std::vector<Expectation> expected;
};

/// Tensor::random with f32 values rounded to float.
Tensor random(const Shape &shape, std::mt19937 &rng, double lo = -1.0,
              double hi = 1.0, Tensor::DType dtype = Tensor::F32);

/// Each test starts from the same seed, whatever ran before it.
class NumericTest : public ::testing::Test {
protected:
  std::mt19937 rng{20240611};
  Tensor rand(const Shape &shape, double lo = -1.0, double hi = 1.0,
              Tensor::DType dtype = Tensor::F32) {
    return random(shape, rng, lo, hi, dtype);
  }
};

} // namespace kiln::numeric

#endif // KILN_TEST_NUMERIC_NUMERICTEST_H
