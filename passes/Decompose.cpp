//===- Decompose.cpp - composite ops into primitives ----------------------===//
//
// The kiln-decompose pass: applies the patterns of DecomposeRecurrent.cpp and
// DecomposeAttention.cpp with the greedy driver. The patterns always apply
// (kiln types have static shapes, and the ops' shape rules have checked the
// operands), so no composite op is left behind. Also holds the null-as-zero
// builder the patterns share.
//
//===----------------------------------------------------------------------===//

#include "passes/Decompose.h"
#include "passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNDECOMPOSE
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

//===----------------------------------------------------------------------===//
// ZeroAwareBuilder
//===----------------------------------------------------------------------===//

Value ZeroAwareBuilder::add(Value lhs, Value rhs) {
  if (!lhs || !rhs)
    return lhs ? lhs : rhs;
  return KilnBuilder::add(lhs, rhs);
}

Value ZeroAwareBuilder::mul(Value lhs, Value rhs) {
  if (!lhs || !rhs)
    return {};
  return KilnBuilder::mul(lhs, rhs);
}

Value ZeroAwareBuilder::matmul(Value lhs, Value rhs, bool transposeRhs) {
  if (!lhs)
    return {};
  return KilnBuilder::matmul(lhs, rhs, transposeRhs);
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct DecomposePass : kiln::impl::KilnDecomposeBase<DecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateDecomposeRecurrentPatterns(patterns);
    populateDecomposeAttentionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("kiln-decompose did not converge");
      return signalPassFailure();
    }
  }
};
} // namespace
