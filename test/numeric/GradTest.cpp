//===- GradTest.cpp - finite-difference checks of kiln-autodiff -----------===//
//
// For each differentiable op: a small f64 function
//   loss = sum_k reduce_sum(result_k * W_k)
// (random weights W_k, so every output element matters with a different
// factor) with the op's float inputs marked trainable. kiln-autodiff adds
// @f_grad; both functions are compiled natively, and every element of every
// analytic gradient is compared with a central difference
// (f(x + eps) - f(x - eps)) / (2 eps) of the compiled @f.
//
// Tolerances: in f64 with eps = 1e-6 the central difference has a
// truncation error of order eps^2 |f'''| ~ 1e-12 and a rounding error of
// order 1e-16 |f| / eps ~ 1e-10 |f| (|f| is at most ~10 here), so
// |analytic - fd| <= 1e-7 + 1e-5 |fd| leaves two orders of margin over
// both while any wrong gradient term (a factor, a missed fan-out, a
// misrouted window) is off by far more. Inputs of ops with kinks (relu,
// abs, clip, max/min, pooling, leaky_relu/elu/selu) stay away from the
// kinks and ties, so the difference never straddles one.
//
//===----------------------------------------------------------------------===//

#include "NumericTest.h"

#include "codegen/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <functional>

using namespace kiln::numeric;

namespace {

constexpr Tolerance kGrad{1e-5, 1e-7};

/// Appends ops to a function body; values are %v<N>.
struct Body {
  std::vector<std::string> lines;
  int next = 0;
  std::string op(const std::string &text, int results = 1) {
    std::string name = "%v" + std::to_string(next++);
    lines.push_back(name + (results > 1 ? ":" + std::to_string(results) : "") +
                    " = " + text);
    return name;
  }
};

std::string f64(const Shape &shape) { return ty(shape, "f64"); }

struct Input {
  Tensor value;
  bool trainable;
};
/// An output to weight: SSA value and shape (f64).
struct Output {
  std::string value;
  Shape shape;
};

struct GradCase {
  std::string name;
  std::vector<Input> inputs;
  /// Emits the op(s) under test on the inputs' SSA names.
  std::function<std::vector<Output>(Body &, const std::vector<std::string> &)>
      body;
  double eps = 1e-6;
  Tolerance tol = kGrad;
};

/// kiln-autodiff on `source`, in a context of its own; returns the module
/// text with @f and @f_grad.
std::string differentiate(const std::string &source) {
  mlir::DialectRegistry registry;
  kiln::Pipeline::registerDialects(registry);
  mlir::MLIRContext context(registry);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    llvm::raw_string_ostream(diagnostics) << d.str() << "\n";
    return mlir::success();
  });
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    throw std::runtime_error("cannot parse:\n" + diagnostics + source);
  mlir::PassManager pm(&context);
  pm.addPass(kiln::createKilnAutodiff());
  if (mlir::failed(pm.run(*module)))
    throw std::runtime_error("kiln-autodiff failed:\n" + diagnostics + source);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

class GradTest : public NumericTest,
                 public ::testing::WithParamInterface<GradCase> {};

TEST_P(GradTest, MatchesFiniteDifferences) {
  const GradCase &c = GetParam();
  std::mt19937 rng(1234);
  std::vector<std::string> names, params;
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    names.push_back("%a" + std::to_string(i));
    params.push_back(names.back() + ": " + ty(c.inputs[i].value) +
                     (c.inputs[i].trainable ? " {kiln.trainable}" : ""));
    inputs.push_back(c.inputs[i].value);
  }
  Body body;
  std::vector<Output> outputs = c.body(body, names);
  std::string loss;
  for (size_t k = 0; k < outputs.size(); ++k) {
    std::string w = "%w" + std::to_string(k), t = f64(outputs[k].shape);
    params.push_back(w + ": " + t);
    inputs.push_back(random(outputs[k].shape, rng, -1.0, 1.0, Tensor::F64));
    std::string p = body.op("kiln.mul " + outputs[k].value + ", " + w + " : (" +
                            t + ", " + t + ") -> " + t);
    std::string s =
        body.op("kiln.reduce_sum " + p + " : " + t + " -> tensor<f64>");
    loss = loss.empty() ? s
                        : body.op("kiln.add " + loss + ", " + s +
                                  " : (tensor<f64>, tensor<f64>) -> "
                                  "tensor<f64>");
  }
  std::string source = "func.func @f(";
  for (size_t i = 0; i < params.size(); ++i)
    source += (i ? ", " : "") + params[i];
  source += ") -> tensor<f64> {\n";
  for (const std::string &line : body.lines)
    source += "  " + line + "\n";
  source += "  return " + loss + " : tensor<f64>\n}\n";

  const CompiledModule &module = compile(differentiate(source));
  std::vector<Tensor> grads = module.run("f_grad", inputs);
  double f0 = module.run("f", inputs)[0].data[0];
  EXPECT_NEAR(grads[0].data[0], f0, 1e-12 * (1 + std::abs(f0)))
      << "f_grad's loss differs from f's";
  size_t g = 1;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    if (!c.inputs[i].trainable)
      continue;
    ASSERT_LT(g, grads.size());
    const Tensor &analytic = grads[g++];
    ASSERT_EQ(analytic.shape, inputs[i].shape) << "gradient of input " << i;
    std::vector<Tensor> probe = inputs;
    for (int64_t j = 0; j < inputs[i].numel(); ++j) {
      double x = inputs[i].data[j];
      probe[i].data[j] = x + c.eps;
      double up = module.run("f", probe)[0].data[0];
      probe[i].data[j] = x - c.eps;
      double down = module.run("f", probe)[0].data[0];
      probe[i].data[j] = x;
      double fd = (up - down) / (2 * c.eps);
      EXPECT_LE(std::abs(analytic.data[j] - fd),
                c.tol.atol + c.tol.rtol * std::abs(fd))
          << "input " << i << " element " << j << ": analytic "
          << analytic.data[j] << ", finite difference " << fd;
    }
  }
  EXPECT_EQ(g, grads.size()) << "one gradient per trainable input";
}

//===----------------------------------------------------------------------===//
// Cases
//===----------------------------------------------------------------------===//

std::mt19937 &caseRng() {
  static std::mt19937 rng(42);
  return rng;
}
/// Uniform in [lo, hi), f64.
Tensor uniform(const Shape &shape, double lo = -1.0, double hi = 1.0) {
  return random(shape, caseRng(), lo, hi, Tensor::F64);
}
/// |x| in [0.1, 1) with a random sign: away from the kink at 0.
Tensor awayFromZero(const Shape &shape) {
  Tensor t = uniform(shape, 0.1, 1.0);
  Tensor s = random(shape, caseRng(), 0.0, 1.0, Tensor::F64);
  for (size_t i = 0; i < t.data.size(); ++i)
    if (s.data[i] < 0.5)
      t.data[i] = -t.data[i];
  return t;
}
Tensor ints(const Shape &shape, std::vector<double> values) {
  return Tensor(shape, std::move(values), Tensor::I64);
}
Input train(Tensor t) { return {std::move(t), true}; }
Input fixed(Tensor t) { return {std::move(t), false}; }

GradCase unary(std::string name, std::string op, Tensor x,
               std::string attrs = "") {
  Shape shape = x.shape;
  return {name,
          {train(std::move(x))},
          [=](Body &b, const std::vector<std::string> &a) {
            return std::vector<Output>{
                {b.op("kiln." + op + " " + a[0] + attrs + " : " + f64(shape)),
                 shape}};
          }};
}

/// A binary op `op` of lhs and rhs (broadcasting to `out`).
GradCase binary(std::string name, std::string op, Tensor l, Tensor r,
                Shape out) {
  std::string type = "(" + ty(l) + ", " + ty(r) + ") -> " + f64(out);
  return {name,
          {train(std::move(l)), train(std::move(r))},
          [=](Body &b, const std::vector<std::string> &a) {
            return std::vector<Output>{
                {b.op("kiln." + op + " " + a[0] + ", " + a[1] + " : " + type),
                 out}};
          }};
}

/// One op with a single result of shape `out`: `text` is the op after its
/// operands (" {attrs} : types"), operands are all inputs in order.
GradCase generic(std::string name, std::string op, std::vector<Input> inputs,
                 std::string text, Shape out) {
  return {
      name, std::move(inputs), [=](Body &b, const std::vector<std::string> &a) {
        std::string operands;
        for (size_t i = 0; i < a.size(); ++i)
          operands += (i ? ", " : " ") + a[i];
        return std::vector<Output>{{b.op("kiln." + op + operands + text), out}};
      }};
}

std::vector<GradCase> cases() {
  std::vector<GradCase> cs;
  Shape s = {3, 7};
  // Unary.
  cs.push_back(unary("neg", "neg", uniform(s)));
  cs.push_back(unary("abs", "abs", awayFromZero(s)));
  cs.push_back(unary("exp", "exp", uniform(s)));
  cs.push_back(unary("log", "log", uniform(s, 0.2, 2.0)));
  cs.push_back(unary("sqrt", "sqrt", uniform(s, 0.2, 2.0)));
  cs.push_back(unary("rsqrt", "rsqrt", uniform(s, 0.2, 2.0)));
  cs.push_back(unary("reciprocal", "reciprocal", awayFromZero(s)));
  cs.push_back(unary("tanh", "tanh", uniform(s, -2, 2)));
  cs.push_back(unary("cos", "cos", uniform(s, -4, 4)));
  cs.push_back(unary("sin", "sin", uniform(s, -4, 4)));
  cs.push_back(unary("sigmoid", "sigmoid", uniform(s, -3, 3)));
  cs.push_back(unary("relu", "relu", awayFromZero(s)));
  cs.push_back(unary("erf", "erf", uniform(s, -2, 2)));
  cs.push_back(unary("softplus", "softplus", uniform(s, -3, 3)));
  cs.push_back(unary("leaky_relu", "leaky_relu", awayFromZero(s),
                     " {alpha = 0.2 : f32}"));
  cs.push_back(unary("elu", "elu", awayFromZero(s), " {alpha = 0.5 : f32}"));
  cs.push_back(unary("selu", "selu", awayFromZero(s)));
  cs.push_back(unary("gelu", "gelu", uniform(s, -3, 3)));
  cs.push_back(
      unary("gelu_tanh", "gelu", uniform(s, -3, 3), " {approximate = true}"));
  // Values in +-[0.1, 1): none within 1e-6 of the bounds -0.55 and 0.45.
  cs.push_back(unary("clip", "clip", awayFromZero(s),
                     " {min = -0.55 : f32, max = 0.45 : f32}"));
  cs.push_back(
      unary("clip_min", "clip", awayFromZero({7}), " {min = 0.35 : f32}"));
  cs.push_back(unary("shape_1", "tanh", uniform({1})));

  // Binary with broadcasting.
  cs.push_back(
      binary("add_broadcast", "add", uniform({3, 7}), uniform({7}), {3, 7}));
  cs.push_back(binary("sub_broadcast_both", "sub", uniform({3, 1}),
                      uniform({1, 7}), {3, 7}));
  cs.push_back(
      binary("mul_broadcast", "mul", uniform({7}), uniform({3, 7}), {3, 7}));
  cs.push_back(binary("div_broadcast", "div", uniform({3, 7}),
                      uniform({3, 1}, 0.5, 2.0), {3, 7}));
  cs.push_back(binary("pow", "pow", uniform({3, 7}, 0.5, 2.0),
                      uniform({7}, -1.5, 1.5), {3, 7}));
  // Independent uniform values tie with probability zero.
  cs.push_back(binary("max", "max", uniform({3, 7}), uniform({1, 7}), {3, 7}));
  cs.push_back(binary("min", "min", uniform({3, 7}), uniform({3, 7}), {3, 7}));
  cs.push_back(generic("select", "select",
                       {fixed(random({3, 7}, caseRng(), 0, 1, Tensor::I1)),
                        train(uniform({3, 7})), train(uniform({7}))},
                       " : (tensor<3x7xi1>, tensor<3x7xf64>, tensor<7xf64>) "
                       "-> tensor<3x7xf64>",
                       {3, 7}));
  {
    // f64 -> f32 -> f64: the f32 rounding (relative 6e-8) limits the
    // difference quotient to about 6e-8 |x| / eps, hence eps = 1e-2 and
    // a 1e-4 tolerance for this case only.
    GradCase cast{"cast_roundtrip",
                  {train(uniform({3, 7}))},
                  [](Body &b, const std::vector<std::string> &a) {
                    std::string f = b.op("kiln.cast " + a[0] +
                                         " : tensor<3x7xf64> -> "
                                         "tensor<3x7xf32>");
                    std::string sq =
                        b.op("kiln.mul " + f + ", " + f +
                             " : (tensor<3x7xf32>, tensor<3x7xf32>) -> "
                             "tensor<3x7xf32>");
                    return std::vector<Output>{
                        {b.op("kiln.cast " + sq +
                              " : tensor<3x7xf32> -> tensor<3x7xf64>"),
                         {3, 7}}};
                  },
                  1e-2,
                  {1e-4, 1e-4}};
    cs.push_back(cast);
  }
  {
    // Fan-out: x reaches the loss three ways.
    GradCase fan{"fan_out",
                 {train(uniform({3, 7}))},
                 [](Body &b, const std::vector<std::string> &a) {
                   std::string t = "tensor<3x7xf64>";
                   std::string y = b.op("kiln.tanh " + a[0] + " : " + t);
                   std::string z = b.op("kiln.mul " + y + ", " + a[0] + " : (" +
                                        t + ", " + t + ") -> " + t);
                   return std::vector<Output>{
                       {b.op("kiln.add " + z + ", " + a[0] + " : (" + t + ", " +
                             t + ") -> " + t),
                        {3, 7}}};
                 }};
    cs.push_back(fan);
  }

  // Matmul.
  cs.push_back(generic("matmul", "matmul",
                       {train(uniform({3, 5})), train(uniform({5, 7}))},
                       " : (tensor<3x5xf64>, tensor<5x7xf64>) -> "
                       "tensor<3x7xf64>",
                       {3, 7}));
  cs.push_back(generic("matmul_transpose_lhs", "matmul",
                       {train(uniform({5, 3})), train(uniform({5, 7}))},
                       " {transpose_lhs = true} : (tensor<5x3xf64>, "
                       "tensor<5x7xf64>) -> tensor<3x7xf64>",
                       {3, 7}));
  cs.push_back(generic("matmul_transpose_rhs", "matmul",
                       {train(uniform({3, 5})), train(uniform({7, 5}))},
                       " {transpose_rhs = true} : (tensor<3x5xf64>, "
                       "tensor<7x5xf64>) -> tensor<3x7xf64>",
                       {3, 7}));
  cs.push_back(generic("matmul_transpose_both_batched", "matmul",
                       {train(uniform({2, 5, 3})), train(uniform({7, 5}))},
                       " {transpose_lhs = true, transpose_rhs = true} : "
                       "(tensor<2x5x3xf64>, tensor<7x5xf64>) -> "
                       "tensor<2x3x7xf64>",
                       {2, 3, 7}));
  // A 2-D rhs shared by a batched lhs (a dense layer on a sequence): its
  // gradient is one product over all the rows.
  cs.push_back(generic("matmul_shared_rhs", "matmul",
                       {train(uniform({2, 5, 3})), train(uniform({3, 7}))},
                       " : (tensor<2x5x3xf64>, tensor<3x7xf64>) -> "
                       "tensor<2x5x7xf64>",
                       {2, 5, 7}));
  cs.push_back(generic("matmul_shared_rhs_transposed", "matmul",
                       {train(uniform({2, 5, 3})), train(uniform({7, 3}))},
                       " {transpose_rhs = true} : (tensor<2x5x3xf64>, "
                       "tensor<7x3xf64>) -> tensor<2x5x7xf64>",
                       {2, 5, 7}));
  cs.push_back(
      generic("matmul_batch_broadcast", "matmul",
              {train(uniform({2, 1, 3, 5})), train(uniform({3, 5, 1}))},
              " : (tensor<2x1x3x5xf64>, tensor<3x5x1xf64>) -> "
              "tensor<2x3x3x1xf64>",
              {2, 3, 3, 1}));

  // Convolution and pooling.
  cs.push_back(
      generic("conv2d", "conv2d",
              {train(uniform({2, 3, 5, 5})), train(uniform({4, 3, 3, 3})),
               train(uniform({4}))},
              " {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x5x5xf64>, "
              "tensor<4x3x3x3xf64>, tensor<4xf64>) -> tensor<2x4x5x5xf64>",
              {2, 4, 5, 5}));
  // One input channel, 13-wide rows (8 + 5 f64 lanes): the forward and the
  // filter gradient take kiln-vectorize-conv's direct form.
  cs.push_back(
      generic("conv2d_direct", "conv2d",
              {train(uniform({2, 1, 6, 13})), train(uniform({3, 1, 3, 3})),
               train(uniform({3}))},
              " {padding = array<i64: 1, 0, 1, 2>} : (tensor<2x1x6x13xf64>, "
              "tensor<3x1x3x3xf64>, tensor<3xf64>) -> tensor<2x3x6x13xf64>",
              {2, 3, 6, 13}));
  // OH = (7 + 1 + 2 - 3) / 2 + 1 = 4, OW = (7 + 0 + 1 - 2 * 2 - 1) / 2 + 1 = 2.
  cs.push_back(
      generic("conv2d_stride_pad_dilation", "conv2d",
              {train(uniform({1, 2, 7, 7})), train(uniform({3, 2, 3, 3}))},
              " {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 2, 1>, "
              "dilations = array<i64: 1, 2>} : (tensor<1x2x7x7xf64>, "
              "tensor<3x2x3x3xf64>) -> tensor<1x3x4x2xf64>",
              {1, 3, 4, 2}));
  cs.push_back(
      generic("conv2d_groups", "conv2d",
              {train(uniform({1, 4, 5, 5})), train(uniform({6, 2, 3, 3})),
               train(uniform({6}))},
              " {groups = 2 : i64, strides = array<i64: 2, 1>} : "
              "(tensor<1x4x5x5xf64>, tensor<6x2x3x3xf64>, tensor<6xf64>) -> "
              "tensor<1x6x2x3xf64>",
              {1, 6, 2, 3}));
  cs.push_back(generic("max_pool2d", "max_pool2d",
                       {train(uniform({2, 2, 7, 7}))},
                       " {kernel_size = array<i64: 3, 3>, strides = "
                       "array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} "
                       ": tensor<2x2x7x7xf64> -> tensor<2x2x4x4xf64>",
                       {2, 2, 4, 4}));
  // Windows that tile the input (kiln.max_pool2d_grad, vectorized): rows
  // of 11 and 5 windows, 4 f64 lanes per step, so full and masked steps.
  cs.push_back(generic("max_pool2d_exact", "max_pool2d",
                       {train(uniform({2, 3, 4, 22}))},
                       " {kernel_size = array<i64: 2, 2>, strides = "
                       "array<i64: 2, 2>} : tensor<2x3x4x22xf64> -> "
                       "tensor<2x3x2x11xf64>",
                       {2, 3, 2, 11}));
  cs.push_back(generic("max_pool2d_exact_3x2", "max_pool2d",
                       {train(uniform({1, 2, 6, 10}))},
                       " {kernel_size = array<i64: 3, 2>, strides = "
                       "array<i64: 3, 2>} : tensor<1x2x6x10xf64> -> "
                       "tensor<1x2x2x5xf64>",
                       {1, 2, 2, 5}));
  // Overlapping windows (stride 1) and ceil_mode's partial last window.
  cs.push_back(generic("max_pool2d_overlap_ceil", "max_pool2d",
                       {train(uniform({1, 2, 6, 7}))},
                       " {kernel_size = array<i64: 2, 3>, strides = "
                       "array<i64: 2, 1>, dilations = array<i64: 1, 2>, "
                       "ceil_mode = true} : tensor<1x2x6x7xf64> -> "
                       "tensor<1x2x3x3xf64>",
                       {1, 2, 3, 3}));
  cs.push_back(generic("avg_pool2d", "avg_pool2d",
                       {train(uniform({2, 2, 7, 7}))},
                       " {kernel_size = array<i64: 3, 3>, strides = "
                       "array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} "
                       ": tensor<2x2x7x7xf64> -> tensor<2x2x4x4xf64>",
                       {2, 2, 4, 4}));
  cs.push_back(generic("avg_pool2d_include_pad_ceil", "avg_pool2d",
                       {train(uniform({1, 2, 6, 7}))},
                       " {kernel_size = array<i64: 3, 2>, strides = "
                       "array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>, "
                       "count_include_pad = true, ceil_mode = true} : "
                       "tensor<1x2x6x7xf64> -> tensor<1x2x4x4xf64>",
                       {1, 2, 4, 4}));
  cs.push_back(generic(
      "global_avg_pool", "global_avg_pool", {train(uniform({2, 3, 5, 5}))},
      " : tensor<2x3x5x5xf64> -> tensor<2x3x1x1xf64>", {2, 3, 1, 1}));

  // Reductions and softmax.
  cs.push_back(generic("reduce_sum", "reduce_sum", {train(uniform({3, 7, 5}))},
                       " {axes = array<i64: 1>} : tensor<3x7x5xf64> -> "
                       "tensor<3x5xf64>",
                       {3, 5}));
  cs.push_back(generic("reduce_mean_keepdims", "reduce_mean",
                       {train(uniform({3, 7, 5}))},
                       " {axes = array<i64: 0, 2>, keepdims = true} : "
                       "tensor<3x7x5xf64> -> tensor<1x7x1xf64>",
                       {1, 7, 1}));
  cs.push_back(generic("reduce_max", "reduce_max", {train(uniform({3, 7}))},
                       " {axes = array<i64: 1>} : tensor<3x7xf64> -> "
                       "tensor<3xf64>",
                       {3}));
  cs.push_back(generic("reduce_min_all", "reduce_min", {train(uniform({3, 7}))},
                       " : tensor<3x7xf64> -> tensor<f64>", {}));
  cs.push_back(generic("reduce_logsumexp", "reduce_logsumexp",
                       {train(uniform({3, 7}, -3, 3))},
                       " {axes = array<i64: 1>} : tensor<3x7xf64> -> "
                       "tensor<3xf64>",
                       {3}));
  cs.push_back(generic("softmax", "softmax", {train(uniform({3, 7}, -2, 2))},
                       " {axis = 0 : i64} : tensor<3x7xf64>", {3, 7}));
  cs.push_back(generic("log_softmax", "log_softmax",
                       {train(uniform({3, 7}, -2, 2))}, " : tensor<3x7xf64>",
                       {3, 7}));

  // Shape ops.
  cs.push_back(generic("reshape", "reshape", {train(uniform({3, 7}))},
                       " : tensor<3x7xf64> -> tensor<7x3xf64>", {7, 3}));
  cs.push_back(generic("transpose", "transpose", {train(uniform({3, 5, 7}))},
                       " {permutation = array<i64: 2, 0, 1>} : "
                       "tensor<3x5x7xf64> -> tensor<7x3x5xf64>",
                       {7, 3, 5}));
  cs.push_back(generic("concat", "concat",
                       {train(uniform({3, 2})), train(uniform({3, 5}))},
                       " {axis = 1 : i64} : (tensor<3x2xf64>, tensor<3x5xf64>)"
                       " -> tensor<3x7xf64>",
                       {3, 7}));
  cs.push_back(generic("slice_steps", "slice", {train(uniform({7, 9}))},
                       " {starts = array<i64: 1, 0>, limits = array<i64: 7, "
                       "8>, steps = array<i64: 2, 3>} : tensor<7x9xf64> -> "
                       "tensor<3x3xf64>",
                       {3, 3}));
  cs.push_back(
      generic("gather_embedding", "gather",
              {train(uniform({7, 3})), fixed(ints({5}, {2, 0, 6, 2, -1}))},
              " : (tensor<7x3xf64>, tensor<5xi64>) -> "
              "tensor<5x3xf64>",
              {5, 3}));
  cs.push_back(
      generic("gather_axis1", "gather",
              {train(uniform({3, 5, 2})), fixed(ints({2, 2}, {4, 1, 1, 0}))},
              " {axis = 1 : i64} : (tensor<3x5x2xf64>, "
              "tensor<2x2xi64>) -> tensor<3x2x2x2xf64>",
              {3, 2, 2, 2}));
  cs.push_back(generic("broadcast_to", "broadcast_to", {train(uniform({3, 1}))},
                       " : tensor<3x1xf64> -> tensor<2x3x7xf64>", {2, 3, 7}));
  cs.push_back(generic("pad_constant", "pad", {train(uniform({3, 5}))},
                       " {low = array<i64: 1, 0>, high = array<i64: 2, 3>} : "
                       "tensor<3x5xf64> -> tensor<6x8xf64>",
                       {6, 8}));
  cs.push_back(generic("pad_reflect", "pad", {train(uniform({3, 5}))},
                       " {low = array<i64: 2, 1>, high = array<i64: 1, 3>, "
                       "mode = #kiln.pad_mode<reflect>} : tensor<3x5xf64> -> "
                       "tensor<6x9xf64>",
                       {6, 9}));
  cs.push_back(generic("pad_edge", "pad", {train(uniform({3, 5}))},
                       " {low = array<i64: 0, 2>, high = array<i64: 3, 1>, "
                       "mode = #kiln.pad_mode<edge>} : tensor<3x5xf64> -> "
                       "tensor<6x8xf64>",
                       {6, 8}));

  // Normalization and dropout.
  cs.push_back(generic(
      "batch_norm_inference", "batch_norm_inference",
      {train(uniform({2, 3, 5})), train(uniform({3})), train(uniform({3})),
       train(uniform({3})), train(uniform({3}, 0.5, 2.0))},
      " : (tensor<2x3x5xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, "
      "tensor<3xf64>) -> tensor<2x3x5xf64>",
      {2, 3, 5}));
  {
    GradCase bn{
        "batch_norm_training",
        {train(uniform({3, 3, 5})), train(uniform({3})), train(uniform({3}))},
        [](Body &b, const std::vector<std::string> &a) {
          std::string r = b.op("kiln.batch_norm_training " + a[0] + ", " +
                                   a[1] + ", " + a[2] +
                                   " : (tensor<3x3x5xf64>, tensor<3xf64>, "
                                   "tensor<3xf64>) -> (tensor<3x3x5xf64>, "
                                   "tensor<3xf64>, tensor<3xf64>)",
                               3);
          return std::vector<Output>{
              {r + "#0", {3, 3, 5}}, {r + "#1", {3}}, {r + "#2", {3}}};
        }};
    cs.push_back(bn);
  }
  cs.push_back(generic(
      "layer_norm", "layer_norm",
      {train(uniform({3, 7})), train(uniform({7})), train(uniform({7}))},
      " : (tensor<3x7xf64>, tensor<7xf64>, tensor<7xf64>) -> "
      "tensor<3x7xf64>",
      {3, 7}));
  cs.push_back(generic(
      "layer_norm_axis0", "layer_norm",
      {train(uniform({3, 5})), train(uniform({3, 5})), train(uniform({3, 5}))},
      " {axis = 0 : i64} : (tensor<3x5xf64>, tensor<3x5xf64>,"
      " tensor<3x5xf64>) -> tensor<3x5xf64>",
      {3, 5}));
  {
    GradCase dropout{"dropout",
                     {train(uniform({3, 7})), fixed(ints({}, {17}))},
                     [](Body &b, const std::vector<std::string> &a) {
                       std::string r =
                           b.op("kiln.dropout " + a[0] + ", " + a[1] +
                                    " {ratio = 0.25 : f32, training = true} : "
                                    "(tensor<3x7xf64>, tensor<i64>) -> "
                                    "(tensor<3x7xf64>, tensor<3x7xi1>)",
                                2);
                       return std::vector<Output>{{r + "#0", {3, 7}}};
                     }};
    cs.push_back(dropout);
  }

  // Losses.
  Shape l = {5, 4};
  cs.push_back(
      generic("mse_mean", "mse_loss", {train(uniform(l)), train(uniform(l))},
              " : (tensor<5x4xf64>, tensor<5x4xf64>) -> tensor<f64>", {}));
  cs.push_back(generic("mse_none", "mse_loss",
                       {train(uniform(l)), train(uniform(l))},
                       " {reduction = #kiln.reduction<none>} : "
                       "(tensor<5x4xf64>, tensor<5x4xf64>) -> tensor<5x4xf64>",
                       l));
  cs.push_back(generic("bce_with_logits_sum",
                       "binary_cross_entropy_with_logits",
                       {train(uniform(l, -3, 3)), train(uniform(l, 0, 1))},
                       " {reduction = #kiln.reduction<sum>} : "
                       "(tensor<5x4xf64>, tensor<5x4xf64>) -> tensor<f64>",
                       {}));
  Tensor labels = ints({5}, {3, 0, 1, 3, 2});
  cs.push_back(generic("softmax_cross_entropy", "softmax_cross_entropy",
                       {train(uniform(l, -2, 2)), fixed(labels)},
                       " : (tensor<5x4xf64>, tensor<5xi64>) -> tensor<f64>",
                       {}));
  cs.push_back(generic(
      "softmax_cross_entropy_weight_ignore", "softmax_cross_entropy",
      {train(uniform(l, -2, 2)), fixed(labels), fixed(uniform({4}, 0.5, 2))},
      " {ignore_index = 3 : i64} : (tensor<5x4xf64>, tensor<5xi64>, "
      "tensor<4xf64>) -> tensor<f64>",
      {}));
  cs.push_back(generic("softmax_cross_entropy_ignore_sum",
                       "softmax_cross_entropy",
                       {train(uniform(l, -2, 2)), fixed(labels)},
                       " {ignore_index = 0 : i64, reduction = "
                       "#kiln.reduction<sum>} : (tensor<5x4xf64>, "
                       "tensor<5xi64>) -> tensor<f64>",
                       {}));
  cs.push_back(
      generic("softmax_cross_entropy_spatial_none", "softmax_cross_entropy",
              {train(uniform({2, 3, 2}, -2, 2)),
               fixed(ints({2, 2}, {0, 2, 1, 1})), fixed(uniform({3}, 0.5, 2))},
              " {reduction = #kiln.reduction<none>} : (tensor<2x3x2xf64>, "
              "tensor<2x2xi64>, tensor<3xf64>) -> tensor<2x2xf64>",
              {2, 2}));
  cs.push_back(generic(
      "softmax_cross_entropy_probs", "softmax_cross_entropy",
      {train(uniform(l, -2, 2)), train(uniform(l, 0, 1)),
       fixed(uniform({4}, 0.5, 2))},
      " : (tensor<5x4xf64>, tensor<5x4xf64>, tensor<4xf64>) -> tensor<f64>",
      {}));
  cs.push_back(generic(
      "nll_loss_weight_ignore", "nll_loss",
      {train(uniform(l, -3, 0)), fixed(labels), fixed(uniform({4}, 0.5, 2))},
      " {ignore_index = 1 : i64} : (tensor<5x4xf64>, tensor<5xi64>, "
      "tensor<4xf64>) -> tensor<f64>",
      {}));
  cs.push_back(generic("nll_loss_none", "nll_loss",
                       {train(uniform(l, -3, 0)), fixed(labels)},
                       " {reduction = #kiln.reduction<none>} : "
                       "(tensor<5x4xf64>, tensor<5xi64>) -> tensor<5xf64>",
                       {5}));
  return cs;
}

INSTANTIATE_TEST_SUITE_P(Ops, GradTest, ::testing::ValuesIn(cases()),
                         [](const auto &info) { return info.param.name; });

/// stop_gradient cuts the path: d/dx sum(stop_gradient(x) * x) = x, where
/// a finite difference would see 2x.
TEST_F(NumericTest, StopGradientCutsThePath) {
  std::string source = R"(
func.func @f(%x: tensor<3x7xf64> {kiln.trainable}) -> tensor<f64> {
  %s = kiln.stop_gradient %x : tensor<3x7xf64>
  %p = kiln.mul %s, %x : (tensor<3x7xf64>, tensor<3x7xf64>) -> tensor<3x7xf64>
  %l = kiln.reduce_sum %p : tensor<3x7xf64> -> tensor<f64>
  return %l : tensor<f64>
}
)";
  Tensor x = rand({3, 7}, -1, 1, Tensor::F64);
  auto out = run(differentiate(source), "f_grad", {x});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_MATCH(out[1], x, kExact);
}

/// Ties in max pooling: each window's gradient goes to its first position
/// (row-major) equal to the maximum, as in PyTorch; a finite difference
/// cannot see this. 2x2 windows over [2, 3, 4, 18] f32 (9 windows a row: a
/// full 8-lane step and a masked one) with values from {0, 1, 2}, so most
/// windows tie, and a few all -inf windows.
TEST_F(NumericTest, MaxPoolGradTiesGoToFirstPosition) {
  std::string source = R"(
func.func @f(%x: tensor<2x3x4x18xf32> {kiln.trainable}, %w: tensor<2x3x2x9xf32>) -> tensor<f32> {
  %y = kiln.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x3x4x18xf32> -> tensor<2x3x2x9xf32>
  %p = kiln.mul %y, %w : (tensor<2x3x2x9xf32>, tensor<2x3x2x9xf32>) -> tensor<2x3x2x9xf32>
  %l = kiln.reduce_sum %p : tensor<2x3x2x9xf32> -> tensor<f32>
  return %l : tensor<f32>
}
)";
  std::mt19937 rng(7);
  Tensor x = random({2, 3, 4, 18}, rng, 0, 3, Tensor::F32);
  for (double &v : x.data)
    v = std::floor(v);
  for (int64_t c : {0, 2})
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 2; ++j)
        x.at({1, c, 2 + i, 16 + j}) = -INFINITY;
  Tensor w = random({2, 3, 2, 9}, rng, 1, 2, Tensor::F32);
  Tensor expected = Tensor::zeros(x.shape);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t oh = 0; oh < 2; ++oh)
        for (int64_t ow = 0; ow < 9; ++ow) {
          Shape first;
          double best = 0;
          for (int64_t i = 0; i < 2; ++i)
            for (int64_t j = 0; j < 2; ++j) {
              Shape at = {n, c, 2 * oh + i, 2 * ow + j};
              if (first.empty() || x.at(at) > best) {
                first = at;
                best = x.at(at);
              }
            }
          expected.at(first) = w.at({n, c, oh, ow});
        }
  auto out = run(differentiate(source), "f_grad", {x, w});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_MATCH(out[1], expected, kExact);
}

} // namespace
