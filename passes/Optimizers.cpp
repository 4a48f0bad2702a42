//===- Optimizers.cpp - optimizer updates as kiln ops ---------------------===//

#include "passes/Optimizers.h"
#include "ir/ops/OpUtils.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace kiln;

namespace {

/// `v` converted to element type `et` (no op when it has it already).
Value castTo(KilnBuilder &b, Value v, Type et) {
  if (tensorType(v).getElementType() == et)
    return v;
  return CastOp::create(b, tensorType(v).clone(et), v);
}

/// a * x + c * y with scalar factors a and c of x's element type.
Value axpby(KilnBuilder &b, double a, Value x, double c, Value y) {
  return b.add(b.scale(x, a), b.scale(y, c));
}

} // namespace

std::optional<OptimizerKind> kiln::parseOptimizerKind(StringRef name) {
  return llvm::StringSwitch<std::optional<OptimizerKind>>(name)
      .Case("sgd", OptimizerKind::Sgd)
      .Case("momentum", OptimizerKind::Momentum)
      .Case("nesterov", OptimizerKind::Nesterov)
      .Case("adagrad", OptimizerKind::AdaGrad)
      .Case("rmsprop", OptimizerKind::RmsProp)
      .Case("adam", OptimizerKind::Adam)
      .Case("adamw", OptimizerKind::AdamW)
      .Default(std::nullopt);
}

std::optional<LrSchedule> kiln::parseLrSchedule(StringRef name) {
  return llvm::StringSwitch<std::optional<LrSchedule>>(name)
      .Case("constant", LrSchedule::Constant)
      .Case("step", LrSchedule::Step)
      .Case("cosine", LrSchedule::Cosine)
      .Default(std::nullopt);
}

OptimizerConfig OptimizerConfig::defaults(OptimizerKind kind) {
  OptimizerConfig c;
  c.kind = kind;
  switch (kind) {
  case OptimizerKind::Sgd:
    break;
  case OptimizerKind::Momentum:
  case OptimizerKind::Nesterov:
    // torch.optim.SGD defaults momentum to 0, which would make these plain
    // SGD; 0.9 is the value everyone passes.
    c.momentum = 0.9;
    break;
  case OptimizerKind::AdaGrad:
    c.lr = 1e-2;
    c.eps = 1e-10;
    break;
  case OptimizerKind::RmsProp:
    c.lr = 1e-2;
    break;
  case OptimizerKind::Adam:
    break;
  case OptimizerKind::AdamW:
    c.weightDecay = 1e-2;
    break;
  }
  return c;
}

std::string OptimizerConfig::validate() const {
  auto bad = [](const char *what, double v) {
    return std::string(what) + " must be " + "in range, got " +
           std::to_string(v);
  };
  if (!(lr >= 0) || !std::isfinite(lr))
    return bad("lr (>= 0)", lr);
  if (!(momentum >= 0 && momentum < 1))
    return bad("momentum ([0, 1))", momentum);
  if ((kind == OptimizerKind::Momentum || kind == OptimizerKind::Nesterov) &&
      momentum == 0)
    return "momentum must be > 0 for optimizer momentum/nesterov";
  if (!(beta1 >= 0 && beta1 < 1))
    return bad("beta1 ([0, 1))", beta1);
  if (!(beta2 >= 0 && beta2 < 1))
    return bad("beta2 ([0, 1))", beta2);
  if (!(alpha >= 0 && alpha < 1))
    return bad("alpha ([0, 1))", alpha);
  if (!(eps >= 0) || !std::isfinite(eps))
    return bad("eps (>= 0)", eps);
  if (!(weightDecay >= 0) || !std::isfinite(weightDecay))
    return bad("weight-decay (>= 0)", weightDecay);
  if (!(clipNorm >= 0) || !std::isfinite(clipNorm))
    return bad("clip-norm (>= 0, 0 = off)", clipNorm);
  if (schedule == LrSchedule::Step && stepSize <= 0)
    return "step-size must be > 0 for schedule=step, got " +
           std::to_string(stepSize);
  if (schedule == LrSchedule::Step && !(gamma > 0))
    return bad("gamma (> 0)", gamma);
  if (schedule == LrSchedule::Cosine && totalSteps <= 0)
    return "total-steps must be > 0 for schedule=cosine, got " +
           std::to_string(totalSteps);
  if (schedule == LrSchedule::Cosine && (!(lrMin >= 0) || lrMin > lr))
    return "lr-min must be in [0, lr] for schedule=cosine, got " +
           std::to_string(lrMin);
  return "";
}

SmallVector<std::string> kiln::optimizerStateNames(const OptimizerConfig &c) {
  switch (c.kind) {
  case OptimizerKind::Sgd:
    return {};
  case OptimizerKind::Momentum:
  case OptimizerKind::Nesterov:
    return {"momentum"};
  case OptimizerKind::AdaGrad:
    return {"sum"};
  case OptimizerKind::RmsProp: {
    SmallVector<std::string> names = {"square_avg"};
    if (c.momentum > 0)
      names.push_back("momentum");
    if (c.centered)
      names.push_back("grad_avg");
    return names;
  }
  case OptimizerKind::Adam:
  case OptimizerKind::AdamW:
    return {"m", "v"};
  }
  return {};
}

Value kiln::buildLearningRate(KilnBuilder &b, const OptimizerConfig &c,
                              Value step) {
  Type f64 = b.getF64Type();
  Type stepType = tensorType(step).getElementType();
  Value lr = b.scalar(f64, c.lr);
  switch (c.schedule) {
  case LrSchedule::Constant:
    return lr;
  case LrSchedule::Step: {
    // The step is never negative, so the truncating division is floor.
    Value k = castTo(b, b.div(step, b.scalar(stepType, c.stepSize)), f64);
    return b.mul(lr, PowOp::create(b, b.scalar(f64, c.gamma), k));
  }
  case LrSchedule::Cosine: {
    // Past total-steps the rate stays at lr-min instead of rising again.
    Value t = castTo(
        b, MinOp::create(b, step, b.scalar(stepType, c.totalSteps)), f64);
    Value angle = b.scale(t, M_PI / static_cast<double>(c.totalSteps));
    Value one = b.scalar(f64, 1.0);
    Value factor = b.add(one, CosOp::create(b, angle));
    return b.add(b.scalar(f64, c.lrMin),
                 b.scale(factor, 0.5 * (c.lr - c.lrMin)));
  }
  }
  return lr;
}

void kiln::buildClipByGlobalNorm(KilnBuilder &b, double maxNorm,
                                 MutableArrayRef<Value> grads) {
  if (grads.empty())
    return;
  Type f64 = b.getF64Type();
  Value total;
  for (Value g : grads) {
    Value sq = b.mul(g, g);
    int64_t rank = tensorType(g).getRank();
    if (rank > 0)
      sq = b.sum(sq, axesFrom(0, rank), /*keepdims=*/false);
    sq = castTo(b, sq, f64);
    total = total ? b.add(total, sq) : sq;
  }
  Value norm = SqrtOp::create(b, total);
  Value coef = b.div(b.scalar(f64, maxNorm), b.add(norm, b.scalar(f64, 1e-6)));
  Value scale = MinOp::create(b, coef, b.scalar(f64, 1.0));
  for (Value &g : grads)
    g = b.mul(g, castTo(b, scale, tensorType(g).getElementType()));
}

ParamUpdate kiln::buildOptimizerUpdate(KilnBuilder &b, const OptimizerConfig &c,
                                       Value lr64, Value step, Value p, Value g,
                                       ValueRange state) {
  Type et = tensorType(p).getElementType();
  Value lr = castTo(b, lr64, et);
  ParamUpdate out;
  // L2 decay: the gradient of wd/2 |p|^2 joins the gradient. AdamW decays
  // the parameter directly instead.
  if (c.weightDecay != 0 && c.kind != OptimizerKind::AdamW)
    g = b.add(g, b.scale(p, c.weightDecay));
  auto descend = [&](Value direction) {
    return b.sub(p, b.mul(lr, direction));
  };

  switch (c.kind) {
  case OptimizerKind::Sgd:
    out.param = descend(g);
    break;
  case OptimizerKind::Momentum:
  case OptimizerKind::Nesterov: {
    // buf = mu buf + g (a zero buffer makes the first step buf = g, as in
    // PyTorch); Nesterov steps along g + mu buf.
    Value buf = b.add(b.scale(state[0], c.momentum), g);
    Value d = c.kind == OptimizerKind::Nesterov
                  ? b.add(g, b.scale(buf, c.momentum))
                  : buf;
    out.param = descend(d);
    out.state.push_back(buf);
    break;
  }
  case OptimizerKind::AdaGrad: {
    Value sum = b.add(state[0], b.mul(g, g));
    Value denom = b.add(SqrtOp::create(b, sum), b.scalar(et, c.eps));
    out.param = descend(b.div(g, denom));
    out.state.push_back(sum);
    break;
  }
  case OptimizerKind::RmsProp: {
    unsigned slot = 0;
    Value sq = axpby(b, c.alpha, state[slot++], 1 - c.alpha, b.mul(g, g));
    Value bufIn = c.momentum > 0 ? state[slot++] : Value();
    Value avgIn = c.centered ? state[slot++] : Value();
    Value var = sq, gradAvg;
    if (c.centered) {
      gradAvg = axpby(b, c.alpha, avgIn, 1 - c.alpha, g);
      var = b.sub(sq, b.mul(gradAvg, gradAvg));
    }
    Value avg = b.add(SqrtOp::create(b, var), b.scalar(et, c.eps));
    out.state.push_back(sq);
    if (c.momentum > 0) {
      Value buf = b.add(b.scale(bufIn, c.momentum), b.div(g, avg));
      out.param = descend(buf);
      out.state.push_back(buf);
    } else {
      out.param = descend(b.div(g, avg));
    }
    if (c.centered)
      out.state.push_back(gradAvg);
    break;
  }
  case OptimizerKind::Adam:
  case OptimizerKind::AdamW: {
    if (c.kind == OptimizerKind::AdamW && c.weightDecay != 0) {
      Value keep =
          b.sub(b.scalar(et, 1.0), b.mul(lr, b.scalar(et, c.weightDecay)));
      p = b.mul(p, keep);
    }
    Value m = axpby(b, c.beta1, state[0], 1 - c.beta1, g);
    Value v = axpby(b, c.beta2, state[1], 1 - c.beta2, b.mul(g, g));
    // step_size = lr / (1 - b1^t), denom = sqrt(v) / sqrt(1 - b2^t) + eps
    // with t = step + 1, the scalars in f64.
    Type f64 = b.getF64Type();
    Type stepType = tensorType(step).getElementType();
    Value t = castTo(b, b.add(step, b.scalar(stepType, 1)), f64);
    Value one = b.scalar(f64, 1.0);
    Value bc1 = b.sub(one, PowOp::create(b, b.scalar(f64, c.beta1), t));
    Value bc2 = b.sub(one, PowOp::create(b, b.scalar(f64, c.beta2), t));
    Value stepSize = castTo(b, b.div(lr64, bc1), et);
    Value bc2Sqrt = castTo(b, SqrtOp::create(b, bc2), et);
    Value denom =
        b.add(b.div(SqrtOp::create(b, v), bc2Sqrt), b.scalar(et, c.eps));
    out.param = b.sub(p, b.mul(stepSize, b.div(m, denom)));
    out.state.push_back(m);
    out.state.push_back(v);
    break;
  }
  }
  return out;
}
