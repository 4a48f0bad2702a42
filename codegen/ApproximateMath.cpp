//===- ApproximateMath.cpp - transcendental functions as polynomials ------===//
//
// LLVM has no vector form of exp, tanh or log: convert-math-to-llvm and
// math-to-libm unroll each vector op into one libm call per lane, so an
// activation such as sigmoid or tanh cost a call per element (the LSTM's
// gates, softmax, GELU). MLIR's polynomial approximations are built from
// arith and FMA ops that vectorize like any other elementwise code; their
// error is a few ulp in f32 (erf: about 2.5e-7 absolute).
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNAPPROXIMATEMATH
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// The functions kiln's ops lower to whose approximations handle the whole
/// f32 range (infinities, NaN, under- and overflow). sin and cos are left to
/// libm: their range reduction loses accuracy on large arguments.
bool isApproximated(StringRef name) {
  return llvm::is_contained(
      {math::ExpOp::getOperationName(), math::ExpM1Op::getOperationName(),
       math::LogOp::getOperationName(), math::Log1pOp::getOperationName(),
       math::Log2Op::getOperationName(), math::TanhOp::getOperationName(),
       math::ErfOp::getOperationName()},
      name);
}

struct ApproximateMathPass
    : kiln::impl::KilnApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, isApproximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
