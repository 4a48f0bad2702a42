//===- FuseElementwise.cpp - elementwise fusion that keeps named ops ------===//
//
// MLIR's linalg-fuse-elementwise-ops also folds reshapes into the linalg ops
// next to them by expanding their loops. On a named op that turns, say, the
// flatten before LeNet's first dense layer (or an im2col convolution's
// collapsed patches) and a linalg.matmul into a 5-D contraction generic, which
// kiln-schedule-matmul no longer recognizes, so it runs as scalar loops. This
// pass applies the same patterns, but folds a reshape only between generics.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFUSEELEMENTWISE
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

bool isNamedLinalgOp(Operation *op) {
  return isa<linalg::LinalgOp>(op) && !isa<linalg::GenericOp>(op);
}

struct FuseElementwise : kiln::impl::KilnFuseElementwiseBase<FuseElementwise> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // As upstream: fuse into a consumer only a producer nothing else uses.
    linalg::ControlFusionFn singleUse = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse();
    };
    // The operand is the reshape's source (a reshape consuming a linalg op)
    // or the linalg op's operand (a linalg op consuming a reshape).
    linalg::ControlFusionFn genericsOnly = [singleUse](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return singleUse(fused) && !isNamedLinalgOp(producer) &&
             !isNamedLinalgOp(fused->getOwner());
    };
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, singleUse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, genericsOnly);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, singleUse);
    GreedyRewriteConfig config;
    // Top-down, as upstream, for compile time.
    config.setUseTopDownTraversal(true);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
