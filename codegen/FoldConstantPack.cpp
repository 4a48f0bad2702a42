//===- FoldConstantPack.cpp - linalg.pack of a constant, at compile time --===//
//
// The matmul schedule packs both operands into register-tile panels. When an
// operand is a constant (the weights of a model compiled for inference), the
// packed panels are computed here once, so the generated code only reads
// them: upstream folds a pack only when its source is a splat.
//
//===----------------------------------------------------------------------===//

#include "codegen/Schedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {
namespace {

struct FoldConstantPack : OpRewritePattern<linalg::PackOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::PackOp pack,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr source;
    if (!matchPattern(pack.getSource(), m_Constant(&source)) ||
        !source.getElementType().isF32())
      return failure();
    auto resultType = pack.getDestType();
    if (!resultType.hasStaticShape() ||
        llvm::any_of(pack.getStaticInnerTiles(), ShapedType::isDynamic))
      return failure();
    float pad = 0;
    if (Value padding = pack.getPaddingValue()) {
      FloatAttr value;
      if (!matchPattern(padding, m_Constant(&value)))
        return failure();
      pad = value.getValueAsDouble();
    }

    ArrayRef<int64_t> srcShape = source.getType().getShape();
    ArrayRef<int64_t> innerDims = pack.getInnerDimsPos();
    ArrayRef<int64_t> tiles = pack.getStaticInnerTiles();
    SmallVector<int64_t> outerPerm(pack.getOuterDimsPerm());
    int64_t rank = srcShape.size();
    if (outerPerm.empty())
      outerPerm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    SmallVector<int64_t> srcStrides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      srcStrides[d] = srcStrides[d + 1] * srcShape[d + 1];

    SmallVector<float> src(source.getValues<float>());
    ArrayRef<int64_t> shape = resultType.getShape();
    std::vector<float> packed(resultType.getNumElements());
    SmallVector<int64_t> index(shape.size(), 0), srcIndex(rank);
    for (float &out : packed) {
      // Result dim i < rank is outer dim outerPerm[i] of the source; the
      // inner tile j adds its offset to source dim innerDims[j].
      for (int64_t i = 0; i < rank; ++i)
        srcIndex[outerPerm[i]] = index[i];
      for (auto [j, d] : llvm::enumerate(innerDims))
        srcIndex[d] = srcIndex[d] * tiles[j] + index[rank + j];
      int64_t offset = 0;
      bool inside = true;
      for (int64_t d = 0; d < rank; ++d) {
        inside &= srcIndex[d] < srcShape[d];
        offset += srcIndex[d] * srcStrides[d];
      }
      out = inside ? src[offset] : pad;
      for (int64_t i = shape.size() - 1; i >= 0 && ++index[i] == shape[i]; --i)
        index[i] = 0;
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        pack, DenseElementsAttr::get(resultType, ArrayRef<float>(packed)));
    return success();
  }
};

} // namespace

int foldConstantPacks(Operation *root) {
  int packs = 0;
  root->walk([&](linalg::PackOp) { ++packs; });
  RewritePatternSet patterns(root->getContext());
  patterns.add<FoldConstantPack>(root->getContext());
  (void)applyPatternsGreedily(root, std::move(patterns));
  int left = 0;
  root->walk([&](linalg::PackOp) { ++left; });
  return packs - left;
}

} // namespace kiln
