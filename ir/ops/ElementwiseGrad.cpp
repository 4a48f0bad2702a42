//===- ElementwiseGrad.cpp - gradients of elementwise ops -----------------===//
//
// Vector-Jacobian products of the unary, binary, select and cast ops. Where
// an op has a kink (relu, abs, clip, max/min, leaky_relu, elu, selu), the
// gradient at the kink is the one-sided value stated per op; a tie of
// max/min goes wholly to lhs, so the gradient is never counted twice.
// Binary ops broadcast, so each operand's gradient is reduced back to its
// shape with KilnBuilder::unbroadcast. Integer operands get no gradient.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ops/GradUtils.h"

#include <cmath>

using namespace mlir;
using namespace kiln;
using namespace kiln::grad;

namespace {

/// Appends the gradient of a unary op: null without an upstream gradient,
/// otherwise `build(g)`.
template <typename Fn>
LogicalResult unaryGrad(ArrayRef<Value> resultGrads,
                        SmallVectorImpl<Value> &operandGrads, Fn build) {
  Value g = resultGrads[0];
  operandGrads.push_back(g ? build(g) : Value());
  return success();
}

double attr(const APFloat &value) { return value.convertToDouble(); }
double attr(const std::optional<APFloat> &value) {
  return value->convertToDouble();
}

} // namespace

LogicalResult ConstantOp::buildGradients(KilnBuilder &, ArrayRef<Value>,
                                         SmallVectorImpl<Value> &) {
  return success();
}

LogicalResult
StopGradientOp::buildGradients(KilnBuilder &, ArrayRef<Value>,
                               SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(Value());
  return success();
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

LogicalResult NegOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return unaryGrad(rg, og, [&](Value g) { return NegOp::create(b, g); });
}

// d|x| = sign(x); 0 at x = 0 (the subgradient of least norm).
LogicalResult AbsOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  Value x = getInput();
  return unaryGrad(rg, og, [&](Value g) {
    Value zero = scalarLike(b, x, 0.0);
    Value negative = maskGrad(b, LtOp::create(b, x, zero), NegOp::create(b, g));
    return select(b, GtOp::create(b, x, zero), g, negative);
  });
}

LogicalResult ExpOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return unaryGrad(rg, og, [&](Value g) { return b.mul(g, getOutput()); });
}

LogicalResult LogOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return unaryGrad(rg, og, [&](Value g) { return b.div(g, getInput()); });
}

// d sqrt(x) = 1 / (2 sqrt(x)), from the result.
LogicalResult SqrtOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                     SmallVectorImpl<Value> &og) {
  return unaryGrad(
      rg, og, [&](Value g) { return b.div(b.scale(g, 0.5), getOutput()); });
}

// d x^-1/2 = -x^-3/2 / 2 = -y^3 / 2.
LogicalResult RsqrtOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                      SmallVectorImpl<Value> &og) {
  Value y = getOutput();
  return unaryGrad(rg, og, [&](Value g) {
    return b.mul(b.scale(g, -0.5), b.mul(y, b.mul(y, y)));
  });
}

// d 1/x = -1/x^2 = -y^2.
LogicalResult ReciprocalOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                           SmallVectorImpl<Value> &og) {
  Value y = getOutput();
  return unaryGrad(
      rg, og, [&](Value g) { return NegOp::create(b, b.mul(g, b.mul(y, y))); });
}

LogicalResult TanhOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                     SmallVectorImpl<Value> &og) {
  Value y = getOutput();
  return unaryGrad(rg, og, [&](Value g) {
    return b.mul(g, b.sub(scalarLike(b, y, 1.0), b.mul(y, y)));
  });
}

// d cos(x) = -sin(x).
LogicalResult CosOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return unaryGrad(rg, og, [&](Value g) {
    return NegOp::create(b, b.mul(g, SinOp::create(b, getInput())));
  });
}

LogicalResult SinOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return unaryGrad(
      rg, og, [&](Value g) { return b.mul(g, CosOp::create(b, getInput())); });
}

LogicalResult SigmoidOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                        SmallVectorImpl<Value> &og) {
  Value y = getOutput();
  return unaryGrad(rg, og, [&](Value g) {
    return b.mul(g, b.mul(y, b.sub(scalarLike(b, y, 1.0), y)));
  });
}

// Gradient 0 at x = 0, like every framework.
LogicalResult ReluOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                     SmallVectorImpl<Value> &og) {
  Value x = getInput();
  return unaryGrad(rg, og, [&](Value g) {
    return maskGrad(b, GtOp::create(b, x, scalarLike(b, x, 0.0)), g);
  });
}

// d erf(x) = 2 / sqrt(pi) * e^(-x^2).
LogicalResult ErfOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  Value x = getInput();
  return unaryGrad(rg, og, [&](Value g) {
    Value e = ExpOp::create(b, NegOp::create(b, b.mul(x, x)));
    return b.mul(b.scale(g, 2.0 / std::sqrt(M_PI)), e);
  });
}

// d log(1 + e^x) = sigmoid(x).
LogicalResult SoftplusOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                         SmallVectorImpl<Value> &og) {
  return unaryGrad(rg, og, [&](Value g) {
    return b.mul(g, SigmoidOp::create(b, getInput()));
  });
}

// Slope 1 at x = 0 (the forward takes the x branch there).
LogicalResult LeakyReluOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  Value x = getInput();
  return unaryGrad(rg, og, [&](Value g) {
    Value positive = GeOp::create(b, x, scalarLike(b, x, 0.0));
    return select(b, positive, g, b.scale(g, attr(getAlpha())));
  });
}

// alpha * e^x below zero (the forward's branch at x = 0).
LogicalResult EluOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  Value x = getInput();
  return unaryGrad(rg, og, [&](Value g) {
    Value positive = GtOp::create(b, x, scalarLike(b, x, 0.0));
    Value below = b.mul(b.scale(g, attr(getAlpha())), ExpOp::create(b, x));
    return select(b, positive, g, below);
  });
}

LogicalResult SeluOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                     SmallVectorImpl<Value> &og) {
  Value x = getInput();
  double gamma = attr(getGamma()), alpha = attr(getAlpha());
  return unaryGrad(rg, og, [&](Value g) {
    Value positive = GtOp::create(b, x, scalarLike(b, x, 0.0));
    Value below = b.mul(b.scale(g, gamma * alpha), ExpOp::create(b, x));
    return select(b, positive, b.scale(g, gamma), below);
  });
}

LogicalResult GeluOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                     SmallVectorImpl<Value> &og) {
  Value x = getInput();
  Value one = scalarLike(b, x, 1.0);
  if (getApproximate()) {
    // y = x/2 (1 + t), t = tanh(c (x + k x^3)):
    // dy = (1 + t)/2 + x/2 (1 - t^2) c (1 + 3k x^2).
    const double c = std::sqrt(2.0 / M_PI), k = 0.044715;
    return unaryGrad(rg, og, [&](Value g) {
      Value x2 = b.mul(x, x);
      Value inner = b.scale(b.add(x, b.scale(b.mul(x2, x), k)), c);
      Value t = TanhOp::create(b, inner);
      Value dInner = b.scale(b.add(one, b.scale(x2, 3 * k)), c);
      Value dt = b.mul(b.sub(one, b.mul(t, t)), dInner);
      Value d = b.scale(b.add(b.add(one, t), b.mul(x, dt)), 0.5);
      return b.mul(g, d);
    });
  }
  // y = x Phi(x): dy = Phi(x) + x phi(x).
  return unaryGrad(rg, og, [&](Value g) {
    Value cdf = b.scale(
        b.add(one, ErfOp::create(b, b.scale(x, 1.0 / std::sqrt(2.0)))), 0.5);
    Value pdf = b.scale(ExpOp::create(b, b.scale(b.mul(x, x), -0.5)),
                        1.0 / std::sqrt(2.0 * M_PI));
    return b.mul(g, b.add(cdf, b.mul(x, pdf)));
  });
}

// The gradient passes strictly inside (min, max), where the output follows
// the input; at or beyond a bound the output is constant.
LogicalResult ClipOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                     SmallVectorImpl<Value> &og) {
  Value x = getInput();
  return unaryGrad(rg, og, [&](Value g) {
    if (getMin())
      g = maskGrad(b, GtOp::create(b, x, scalarLike(b, x, attr(getMin()))), g);
    if (getMax())
      g = maskGrad(b, LtOp::create(b, x, scalarLike(b, x, attr(getMax()))), g);
    return g;
  });
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

namespace {

/// Appends the gradients of a binary op: `dl` and `dr` build the
/// full-shape gradient of lhs and rhs from the upstream g; both are reduced
/// to the operand shapes. Integer ops get none.
template <typename L, typename R>
LogicalResult binaryGrad(KilnBuilder &b, Value lhs, Value rhs,
                         ArrayRef<Value> resultGrads,
                         SmallVectorImpl<Value> &operandGrads, L dl, R dr) {
  Value g = resultGrads[0];
  if (!g || !isFloat(lhs)) {
    operandGrads.append(2, Value());
    return success();
  }
  operandGrads.push_back(b.unbroadcast(dl(g), tensorType(lhs)));
  operandGrads.push_back(b.unbroadcast(dr(g), tensorType(rhs)));
  return success();
}

} // namespace

LogicalResult AddOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  auto id = [](Value g) { return g; };
  return binaryGrad(b, getLhs(), getRhs(), rg, og, id, id);
}

LogicalResult SubOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return binaryGrad(
      b, getLhs(), getRhs(), rg, og, [](Value g) { return g; },
      [&](Value g) { return NegOp::create(b, g); });
}

LogicalResult MulOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return binaryGrad(
      b, getLhs(), getRhs(), rg, og,
      [&](Value g) { return b.mul(g, getRhs()); },
      [&](Value g) { return b.mul(g, getLhs()); });
}

// d(a/b)/db = -a/b^2 = -y/b.
LogicalResult DivOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  return binaryGrad(
      b, getLhs(), getRhs(), rg, og,
      [&](Value g) { return b.div(g, getRhs()); },
      [&](Value g) {
        return NegOp::create(b, b.div(b.mul(g, getOutput()), getRhs()));
      });
}

// d a^b/da = b a^(b-1); d a^b/db = a^b log(a), taken as 0 where a <= 0
// (a^b is then 0, or not real-differentiable in b).
LogicalResult PowOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  Value base = getLhs(), exponent = getRhs();
  return binaryGrad(
      b, base, exponent, rg, og,
      [&](Value g) {
        Value lower = b.sub(exponent, scalarLike(b, exponent, 1.0));
        return b.mul(g, b.mul(exponent, PowOp::create(b, base, lower)));
      },
      [&](Value g) {
        Value positive = GtOp::create(b, base, scalarLike(b, base, 0.0));
        // log of a clamped-positive base keeps NaN out of the unused branch.
        Value safe = select(b, positive, base, scalarLike(b, base, 1.0));
        Value d = b.mul(g, b.mul(getOutput(), LogOp::create(b, safe)));
        return maskGrad(b, positive, d);
      });
}

// Ties route the whole gradient to lhs.
LogicalResult MaxOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  Value lhsWins = GeOp::create(b, getLhs(), getRhs());
  Value zero = scalarLike(b, getLhs(), 0.0);
  return binaryGrad(
      b, getLhs(), getRhs(), rg, og,
      [&](Value g) { return select(b, lhsWins, g, zero); },
      [&](Value g) { return select(b, lhsWins, zero, g); });
}

LogicalResult MinOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  Value lhsWins = LeOp::create(b, getLhs(), getRhs());
  Value zero = scalarLike(b, getLhs(), 0.0);
  return binaryGrad(
      b, getLhs(), getRhs(), rg, og,
      [&](Value g) { return select(b, lhsWins, g, zero); },
      [&](Value g) { return select(b, lhsWins, zero, g); });
}

//===----------------------------------------------------------------------===//
// Select, cast
//===----------------------------------------------------------------------===//

LogicalResult SelectOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                       SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  og.push_back(Value());
  if (!g || !isFloat(getOnTrue())) {
    og.append(2, Value());
    return success();
  }
  Value c = getCondition(), zero = scalarLike(b, g, 0.0);
  og.push_back(b.unbroadcast(select(b, c, g, zero), tensorType(getOnTrue())));
  og.push_back(b.unbroadcast(select(b, c, zero, g), tensorType(getOnFalse())));
  return success();
}

// Only float-to-float casts carry a gradient (cast back to the input type);
// an integer or boolean result is piecewise constant.
LogicalResult CastOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                     SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g || !isFloat(getInput()) || !isFloat(getOutput())) {
    og.push_back(Value());
    return success();
  }
  og.push_back(CastOp::create(b, tensorType(getInput()), g));
  return success();
}
