//===- OptimizerTest.cpp - compiled train steps against hand-computed ones
//-===//
//
// kiln-build-train-step on a tiny linear model z = x W + b (parameters W
// and b interleaved with x in @model's arguments), compiled natively; three
// (or more) calls of @train_step feed the parameters and optimizer state
// updated in place back in (CompiledModule::runInPlace reads the argument
// buffers back after each call). After every step the loss, the parameters
// and every state slot are compared with a plain double-precision
// implementation of PyTorch's update rules written here, independent of
// passes/Optimizers.cpp.
//
// Tolerances: the optimizer cases run in f64, where kiln and this reference
// differ only in the order of a few operations and in libm's pow/cos, so
// |kiln - ref| <= 1e-12 + 1e-10 |ref| (a wrong coefficient, a missed bias
// correction, a skipped decay or a wrong schedule step is off by 1e-4 or
// more). The f32 case (softmax cross-entropy + Adam) carries f32 rounding
// of the forward pass and gradients: 1e-6 + 1e-5 |ref|.
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

using namespace kiln::numeric;

namespace {

constexpr int64_t kN = 5, kIn = 3, kOut = 2;

/// The reference optimizer: PyTorch's rules, element by element.
struct RefConfig {
  std::string opt;
  double lr = 1e-3, momentum = 0, beta1 = 0.9, beta2 = 0.999, alpha = 0.99,
         eps = 1e-8, wd = 0;
  bool centered = false;
  double clip = 0;
  std::string schedule = "constant";
  int64_t stepSize = 1, totalSteps = 1;
  double gamma = 0.1, lrMin = 0;
};

int numSlots(const RefConfig &c) {
  if (c.opt == "sgd")
    return 0;
  if (c.opt == "momentum" || c.opt == "nesterov" || c.opt == "adagrad")
    return 1;
  if (c.opt == "rmsprop")
    return 1 + (c.momentum > 0) + c.centered;
  return 2; // adam, adamw
}

double lrAt(const RefConfig &c, int64_t step) {
  if (c.schedule == "step")
    return c.lr * std::pow(c.gamma, static_cast<double>(step / c.stepSize));
  if (c.schedule == "cosine") {
    double t = static_cast<double>(std::min(step, c.totalSteps));
    return c.lrMin +
           0.5 * (c.lr - c.lrMin) * (1 + std::cos(M_PI * t / c.totalSteps));
  }
  return c.lr;
}

/// One step of one parameter tensor; `state` holds numSlots(c) vectors.
void refUpdate(const RefConfig &c, int64_t step, std::vector<double> &p,
               std::vector<double> g, std::vector<std::vector<double>> &s) {
  double lr = lrAt(c, step);
  for (size_t i = 0; i < p.size(); ++i) {
    double gi = g[i];
    if (c.wd != 0 && c.opt != "adamw")
      gi += c.wd * p[i];
    if (c.opt == "sgd") {
      p[i] -= lr * gi;
    } else if (c.opt == "momentum" || c.opt == "nesterov") {
      // torch: buf = g on the first step, mu * buf + g after; with a zero
      // initial buffer both are mu * buf + g.
      s[0][i] = step == 0 ? gi : c.momentum * s[0][i] + gi;
      p[i] -= lr * (c.opt == "nesterov" ? gi + c.momentum * s[0][i] : s[0][i]);
    } else if (c.opt == "adagrad") {
      s[0][i] += gi * gi;
      p[i] -= lr * gi / (std::sqrt(s[0][i]) + c.eps);
    } else if (c.opt == "rmsprop") {
      size_t slot = 0;
      double &sq = s[slot++][i];
      sq = c.alpha * sq + (1 - c.alpha) * gi * gi;
      double *buf = c.momentum > 0 ? &s[slot++][i] : nullptr;
      double avg;
      if (c.centered) {
        double &ga = s[slot++][i];
        ga = c.alpha * ga + (1 - c.alpha) * gi;
        avg = std::sqrt(sq - ga * ga) + c.eps;
      } else {
        avg = std::sqrt(sq) + c.eps;
      }
      if (buf) {
        *buf = c.momentum * *buf + gi / avg;
        p[i] -= lr * *buf;
      } else {
        p[i] -= lr * gi / avg;
      }
    } else { // adam, adamw
      if (c.opt == "adamw")
        p[i] *= 1 - lr * c.wd;
      double t = static_cast<double>(step + 1);
      s[0][i] = c.beta1 * s[0][i] + (1 - c.beta1) * gi;
      s[1][i] = c.beta2 * s[1][i] + (1 - c.beta2) * gi * gi;
      double bc1 = 1 - std::pow(c.beta1, t), bc2 = 1 - std::pow(c.beta2, t);
      double denom = std::sqrt(s[1][i]) / std::sqrt(bc2) + c.eps;
      p[i] -= lr / bc1 * s[0][i] / denom;
    }
  }
}

/// Loss and gradients of z = x W + b against `y` (mse: y is [N, C] values;
/// sce: y is [N] labels), in double.
double refLossAndGrads(bool sce, const std::vector<double> &w,
                       const std::vector<double> &b,
                       const std::vector<double> &x,
                       const std::vector<double> &y, std::vector<double> &gw,
                       std::vector<double> &gb) {
  std::vector<double> z(kN * kOut), dz(kN * kOut);
  for (int64_t n = 0; n < kN; ++n)
    for (int64_t c = 0; c < kOut; ++c) {
      double acc = b[c];
      for (int64_t k = 0; k < kIn; ++k)
        acc += x[n * kIn + k] * w[k * kOut + c];
      z[n * kOut + c] = acc;
    }
  double loss = 0;
  for (int64_t n = 0; n < kN; ++n) {
    if (!sce) {
      for (int64_t c = 0; c < kOut; ++c) {
        double d = z[n * kOut + c] - y[n * kOut + c];
        loss += d * d / (kN * kOut);
        dz[n * kOut + c] = 2 * d / (kN * kOut);
      }
      continue;
    }
    double m = -INFINITY, sum = 0;
    for (int64_t c = 0; c < kOut; ++c)
      m = std::max(m, z[n * kOut + c]);
    for (int64_t c = 0; c < kOut; ++c)
      sum += std::exp(z[n * kOut + c] - m);
    int64_t label = static_cast<int64_t>(y[n]);
    loss -= (z[n * kOut + label] - m - std::log(sum)) / kN;
    for (int64_t c = 0; c < kOut; ++c)
      dz[n * kOut + c] =
          (std::exp(z[n * kOut + c] - m) / sum - (c == label)) / kN;
  }
  gw.assign(kIn * kOut, 0);
  gb.assign(kOut, 0);
  for (int64_t n = 0; n < kN; ++n)
    for (int64_t c = 0; c < kOut; ++c) {
      gb[c] += dz[n * kOut + c];
      for (int64_t k = 0; k < kIn; ++k)
        gw[k * kOut + c] += x[n * kIn + k] * dz[n * kOut + c];
    }
  return loss;
}

/// @model's text; W and b are interleaved with x on purpose.
std::string modelSource(const std::string &et) {
  std::string w = "tensor<3x2x" + et + ">", x = "tensor<5x3x" + et + ">",
              b = "tensor<2x" + et + ">", z = "tensor<5x2x" + et + ">";
  return "func.func @model(%w: " + w +
         " {kiln.trainable, kiln.name = \"w\"}, %x: " + x + ", %b: " + b +
         " {kiln.trainable, kiln.name = \"b\"}) -> " + z +
         " {\n"
         "  %0 = kiln.matmul %x, %w : (" +
         x + ", " + w + ") -> " + z +
         "\n"
         "  %1 = kiln.add %0, %b : (" +
         z + ", " + b + ") -> " + z + "\n  return %1 : " + z + "\n}\n";
}

/// kiln-build-train-step with `options` on `source`; returns the module
/// text.
std::string buildTrainStep(const std::string &source,
                           const std::string &options) {
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
  auto pm = mlir::PassManager::on<mlir::ModuleOp>(&context);
  std::unique_ptr<mlir::Pass> pass = kiln::createKilnBuildTrainStep();
  if (mlir::failed(pass->initializeOptions(options, [&](const llvm::Twine &e) {
        diagnostics += e.str();
        return mlir::failure();
      })))
    throw std::runtime_error("bad options " + options + ": " + diagnostics);
  pm.addPass(std::move(pass));
  if (mlir::failed(pm.run(*module)))
    throw std::runtime_error("kiln-build-train-step " + options + " failed:\n" +
                             diagnostics + source);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

struct OptCase {
  std::string name;
  /// kiln-build-train-step options.
  std::string options;
  RefConfig ref;
  int steps = 3;
  bool f32Sce = false;
};

class OptimizerTest : public NumericTest,
                      public ::testing::WithParamInterface<OptCase> {};

TEST_P(OptimizerTest, MatchesHandComputedSteps) {
  const OptCase &c = GetParam();
  bool f32 = c.f32Sce;
  Tensor::DType dt = f32 ? Tensor::F32 : Tensor::F64;
  Tolerance tol = f32 ? Tolerance{1e-5, 1e-6} : Tolerance{1e-10, 1e-12};
  std::string source = buildTrainStep(
      modelSource(f32 ? "f32" : "f64"),
      c.options + (f32 ? " loss=softmax_cross_entropy" : " loss=mse"));
  const CompiledModule &module = compile(source);

  std::mt19937 rng(42);
  // Inputs rounded to the compiled type, so both sides start equal.
  auto values = [&](int64_t n, double lo, double hi) {
    Tensor t = random({n}, rng, lo, hi, dt);
    return t.data;
  };
  std::vector<double> w = values(kIn * kOut, -1, 1), b = values(kOut, -1, 1),
                      x = values(kN * kIn, -2, 2), y;
  if (f32)
    y = {0, 1, 1, 0, 1};
  else
    y = values(kN * kOut, -1, 1);
  int slots = numSlots(c.ref);
  std::vector<std::vector<double>> sw(slots, std::vector<double>(w.size())),
      sb(slots, std::vector<double>(b.size()));

  std::vector<Tensor> inputs = {Tensor({kIn, kOut}, w, dt),
                                Tensor({kOut}, b, dt)};
  for (int s = 0; s < slots; ++s)
    inputs.push_back(Tensor::zeros({kIn, kOut}, dt));
  for (int s = 0; s < slots; ++s)
    inputs.push_back(Tensor::zeros({kOut}, dt));
  size_t stepIndex = inputs.size();
  inputs.push_back(Tensor::scalar(0, Tensor::I64));
  inputs.push_back(Tensor({kN, kIn}, x, dt));
  inputs.push_back(f32 ? Tensor({kN}, y, Tensor::I64)
                       : Tensor({kN, kOut}, y, dt));

  bool clipped = false;
  for (int step = 0; step < c.steps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    inputs[stepIndex] = Tensor::scalar(step, Tensor::I64);
    std::vector<Tensor> outs = module.runInPlace("train_step", inputs);

    std::vector<double> gw, gb;
    double loss = refLossAndGrads(f32, w, b, x, y, gw, gb);
    if (c.ref.clip > 0) {
      double sq = 0;
      for (double g : gw)
        sq += g * g;
      for (double g : gb)
        sq += g * g;
      double scale = std::min(1.0, c.ref.clip / (std::sqrt(sq) + 1e-6));
      clipped |= scale < 1;
      for (double &g : gw)
        g *= scale;
      for (double &g : gb)
        g *= scale;
    }
    refUpdate(c.ref, step, w, gw, sw);
    refUpdate(c.ref, step, b, gb, sb);

    EXPECT_MATCH(outs[0], Tensor::scalar(loss, dt), tol);
    EXPECT_MATCH(inputs[0], Tensor({kIn, kOut}, w, dt), tol);
    EXPECT_MATCH(inputs[1], Tensor({kOut}, b, dt), tol);
    for (int s = 0; s < slots; ++s) {
      SCOPED_TRACE("state slot " + std::to_string(s));
      EXPECT_MATCH(inputs[2 + s], Tensor({kIn, kOut}, sw[s], dt), tol);
      EXPECT_MATCH(inputs[2 + slots + s], Tensor({kOut}, sb[s], dt), tol);
    }
    // The updated values are written in place only, not also returned
    // (kiln-drop-in-place-results removes those results).
    EXPECT_EQ(outs.size(), 1u);
  }
  if (c.ref.clip > 0)
    EXPECT_TRUE(clipped) << "the case never clips; it would test nothing";
}

RefConfig ref(const std::string &opt, double lr) {
  RefConfig r;
  r.opt = opt;
  r.lr = lr;
  return r;
}

std::vector<OptCase> cases() {
  std::vector<OptCase> cs;
  auto add = [&](std::string name, std::string options, RefConfig r,
                 int steps = 3) {
    cs.push_back({std::move(name), std::move(options), r, steps});
  };
  add("sgd", "optimizer=sgd lr=0.1", ref("sgd", 0.1));
  RefConfig r = ref("sgd", 0.1);
  r.wd = 0.05;
  add("sgd_weight_decay", "optimizer=sgd lr=0.1 weight-decay=0.05", r);
  r = ref("momentum", 0.1);
  r.momentum = 0.9;
  add("momentum", "optimizer=momentum lr=0.1", r);
  r = ref("nesterov", 0.1);
  r.momentum = 0.8;
  r.wd = 0.01;
  add("nesterov", "optimizer=nesterov lr=0.1 momentum=0.8 weight-decay=0.01",
      r);
  r = ref("adagrad", 0.1);
  r.eps = 1e-10;
  add("adagrad", "optimizer=adagrad lr=0.1", r);
  r = ref("rmsprop", 0.01);
  add("rmsprop", "optimizer=rmsprop lr=0.01", r);
  r = ref("rmsprop", 0.01);
  r.momentum = 0.9;
  r.centered = true;
  r.wd = 0.01;
  r.alpha = 0.9;
  add("rmsprop_centered_momentum",
      "optimizer=rmsprop lr=0.01 momentum=0.9 centered=true weight-decay=0.01 "
      "alpha=0.9",
      r);
  r = ref("adam", 0.01);
  add("adam", "optimizer=adam lr=0.01", r);
  r = ref("adam", 0.01);
  r.wd = 0.1;
  r.beta1 = 0.8;
  r.beta2 = 0.99;
  r.eps = 1e-6;
  add("adam_l2",
      "optimizer=adam lr=0.01 weight-decay=0.1 beta1=0.8 "
      "beta2=0.99 eps=1e-6",
      r);
  r = ref("adamw", 0.01);
  r.wd = 0.1;
  add("adamw", "optimizer=adamw lr=0.01 weight-decay=0.1", r);
  r = ref("adamw", 0.001);
  r.wd = 0.01;
  add("adamw_defaults", "optimizer=adamw", r);
  r = ref("sgd", 0.1);
  r.clip = 0.05;
  add("sgd_clip", "optimizer=sgd lr=0.1 clip-norm=0.05", r);
  r = ref("adam", 0.01);
  r.clip = 0.1;
  add("adam_clip", "optimizer=adam lr=0.01 clip-norm=0.1", r);
  r = ref("sgd", 0.1);
  r.schedule = "step";
  r.stepSize = 2;
  r.gamma = 0.5;
  add("sgd_step_schedule",
      "optimizer=sgd lr=0.1 schedule=step step-size=2 gamma=0.5", r, 5);
  // Four steps of a two-step cosine: the last one stays at lr-min.
  r = ref("momentum", 0.1);
  r.momentum = 0.9;
  r.schedule = "cosine";
  r.totalSteps = 2;
  r.lrMin = 0.01;
  add("momentum_cosine_schedule",
      "optimizer=momentum lr=0.1 schedule=cosine total-steps=2 lr-min=0.01", r,
      4);
  OptCase f32 = {"adam_f32_softmax_cross_entropy", "optimizer=adam lr=0.01",
                 ref("adam", 0.01)};
  f32.f32Sce = true;
  cs.push_back(f32);
  return cs;
}

INSTANTIATE_TEST_SUITE_P(Optimizers, OptimizerTest,
                         ::testing::ValuesIn(cases()),
                         [](const auto &info) { return info.param.name; });

} // namespace
