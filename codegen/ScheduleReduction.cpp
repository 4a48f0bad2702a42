//===- ScheduleReduction.cpp - tiled, vectorized f32 reductions -----------===//
//
// Reductions (softmax and loss row reductions, bias-gradient sums over
// [N, H, W], column sums of dense gradients, means) are linalg.generic ops
// with reduction iterators, which neither the matmul nor the elementwise
// schedule takes. Each becomes loops over its outer dims (tile size 1) around
// one vector step that covers its two innermost dims (or a block of rows),
// so a step reads contiguous rows: a reduced innermost dim turns into one
// horizontal vector.reduction per row (a tree of vector adds: LLVM may
// reassociate them), a parallel one into lane-wise accumulation of rows. The
// transform sequence is generated per op and applied to the function with only
// the op's own loops canonicalized, so its cost grows with the op, not with the
// function.
//
//===----------------------------------------------------------------------===//

#include "codegen/CostModel.h"
#include "codegen/Passes.h"
#include "codegen/Schedule.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace kiln {
#define GEN_PASS_DEF_KILNSCHEDULEREDUCTION
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// Largest vector step, in elements: big enough to amortize the loop and a
/// horizontal reduction, small enough that the unrolled 1-D transfers stay
/// a few dozen instructions.
constexpr int64_t kMaxStepElements = 1024;

/// $forall: the threads' chunk of the outermost dim, 0 for the others (the
/// line is dropped when there is no forall); $tiles: 1 for each outer loop,
/// 0 (whole) or a block for the two inner ones; $n / $loops: the number of
/// tiled loops; $strategy: how the multi-reduction becomes 1-D vector ops.
const char *kStageAReduction = R"mlir(
transform.sequence failures(propagate) {
^bb0(%root: !transform.any_op):
  %matched = transform.structured.match ops{["linalg.generic"]} attributes{kiln.schedule_target} in %root : (!transform.any_op) -> !transform.any_op
  %op = transform.cast %matched : !transform.any_op to !transform.any_op
  %op, %forall = transform.structured.tile_using_forall %matched tile_sizes [$forall] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %t, %l:$n = transform.structured.tile_using_for %op tile_sizes [$tiles] : (!transform.any_op) -> (!transform.any_op$loops)
  transform.structured.vectorize %t : !transform.any_op
  transform.apply_patterns to %l#0 {
    transform.apply_patterns.canonicalization
    transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
  } : !transform.any_op
  transform.apply_cse to %l#0 : !transform.any_op
  transform.apply_patterns to %l#0 {
    transform.apply_patterns.vector.lower_masked_transfers
    transform.apply_patterns.vector.transfer_permutation_patterns
    transform.apply_patterns.vector.cast_away_vector_leading_one_dim
    transform.apply_patterns.canonicalization
  } : !transform.any_op
  // Reduced innermost: one horizontal reduction per row (a tree, see
  // Pipeline.cpp); parallel innermost: lane-wise adds of the rows.
  transform.apply_patterns to %l#0 {
    transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "$strategy"
  } : !transform.any_op
}
)mlir";

/// A reduction the schedule handles: static f32 tensors, inputs read by
/// projected permutations that keep the innermost loop innermost, outputs by
/// projected permutations (the reduced dims dropped), and a body of arith and
/// math ops.
bool isReductionSchedulable(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumLoops() < 2 ||
      op.getNumReductionLoops() == 0 || op.getNumDpsInits() != 1)
    return false;
  int64_t innermost = op.getNumLoops() - 1;
  for (OpOperand &operand : op->getOpOperands()) {
    auto t = dyn_cast<RankedTensorType>(operand.get().getType());
    if (!t || !t.hasStaticShape() || llvm::is_contained(t.getShape(), 0))
      return false;
    // Not i1 masks: a vector of i1 loads packed bits, while scalar code
    // stores a byte per i1.
    if (!t.getElementType().isF32())
      return false;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return false;
    if (map.isFunctionOfDim(innermost) &&
        cast<AffineDimExpr>(map.getResults().back()).getPosition() != innermost)
      return false;
  }
  return hasScalarArithBody(op);
}

/// Tile sizes: loops over all but the two innermost dims; the innermost
/// whole; the one before it whole, or in the largest block that divides it
/// and keeps a step within kMaxStepElements. Every
/// tile then has the same static shape, so the vector step needs no masks.
/// Empty when the innermost dim alone exceeds a step.
SmallVector<int64_t> chooseTiles(ArrayRef<int64_t> loops, bool rowsParallel) {
  int64_t rank = loops.size();
  int64_t inner = loops[rank - 1], outer = loops[rank - 2];
  if (inner > kMaxStepElements)
    return {};
  SmallVector<int64_t> tiles(rank - 2, 1);
  int64_t rows = std::min(outer, kMaxStepElements / inner);
  // Parallel rows each become their own reduction (unrolled): a few.
  if (rowsParallel)
    rows = std::min<int64_t>(rows, 8);
  while (outer % rows)
    --rows;
  // A 2-D op still gets one loop, which the sequence's patterns work in.
  tiles.push_back(rows == outer && rank > 2 ? 0 : rows);
  tiles.push_back(0);
  return tiles;
}

struct ScheduleReduction : impl::KilnScheduleReductionBase<ScheduleReduction> {
  using KilnScheduleReductionBase::KilnScheduleReductionBase;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<linalg::GenericOp> ops;
    func.walk([&](linalg::GenericOp g) {
      if (isReductionSchedulable(g))
        ops.push_back(g);
    });
    // Each op is scheduled in a scratch function (codegen/Schedule.h) and
    // spliced back, so the other collected ops stay valid.
    for (linalg::GenericOp op : ops) {
      SmallVector<int64_t> loops = op.getStaticLoopRanges();
      auto iterators = op.getIteratorTypesArray();
      SmallVector<int64_t> tiles = chooseTiles(
          loops, iterators[loops.size() - 2] == utils::IteratorType::parallel);
      bool innermostReduced =
          iterators.back() == utils::IteratorType::reduction;
      int64_t tiled = llvm::count_if(tiles, [](int64_t t) { return t != 0; });
      if (tiled == 0)
        continue;
      std::string tileText, loopTypes;
      for (auto [i, t] : llvm::enumerate(tiles))
        tileText += (i ? ", " : "") + std::to_string(t);
      for (int64_t i = 0; i < tiled; ++i)
        loopTypes += ", !transform.any_op";
      std::string text = kStageAReduction;
      int64_t chunk = chooseReductionForallChunk(
          loops, iterators[0] == utils::IteratorType::parallel, threads);
      std::string forallText = std::to_string(chunk);
      for (size_t i = 1; i < loops.size(); ++i)
        forallText += ", 0";
      // Either the forall tiles the op or the cast names it for the loops.
      size_t line =
          text.find(chunk ? "  %op = transform.cast" : "  %op, %forall");
      text.erase(line, text.find('\n', line) + 1 - line);
      substitute(text, {{"$forall", forallText},
                        {"$tiles", tileText},
                        {"$strategy",
                         innermostReduced ? "innerreduction" : "innerparallel"},
                        {"$n", std::to_string(tiled)},
                        {"$loops", loopTypes}});
      // An op the schedule fails on keeps its loops.
      auto schedule = [&](Operation *scratch) {
        return applySchedule(scratch, text);
      };
      (void)scheduleInIsolation(op, schedule, /*quiet=*/true);
    }
  }
};

} // namespace
} // namespace kiln
