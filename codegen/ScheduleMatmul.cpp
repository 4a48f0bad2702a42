//===- ScheduleMatmul.cpp - packed, vectorized, threaded f32 matmul -------===//
//
// The transform schedule of docs/notes/matmul-schedule.md: stage A (tensors)
// per matmul in kiln-schedule-matmul, stage B (buffers) per function in
// kiln-lower-vectors. The sequences are generated as text and applied with
// the transform interpreter: stage A to one op at a time in a scratch
// function (codegen/Schedule.h), stage B to each function.
//
//===----------------------------------------------------------------------===//

#include "codegen/CostModel.h"
#include "codegen/Passes.h"
#include "codegen/Schedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/STLExtras.h"

#include <cstring>
#include <string>

namespace kiln {
#define GEN_PASS_DEF_KILNSCHEDULEMATMUL
#define GEN_PASS_DEF_KILNLOWERVECTORS
#define GEN_PASS_DEF_KILNSCHEDULEELEMENTWISE
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr StringLiteral kSkip = "kiln.schedule_skip";

/// Stage A for the one matmul marked kScheduleTarget in the scratch function
/// %root, in three parts: the packs (kStageAPack2D for linalg.matmul,
/// kStageAPackBatch for linalg.batch_matmul); after packs of constants were
/// folded (weights packed at compile time), the tiling of the packed
/// product, the packs left and the unpack (kStageATile2D, kStageATileBatch);
/// and the vectorization they share (kStageAVectorize). $mr, $nr: register
/// tile; $kc: K block; $fm1, $fn1: forall tile in packed units (M1, N1);
/// $tm, $tn: the same in elements (for the unpack); $fb: forall tile of the
/// batch. The tiling lines naming pA (pB) are dropped when A's (B's) pack
/// was folded away.
const char *kStageAPack2D = R"mlir(
  // 1. pack: A -> [M/mr][K][mr], B -> [N/nr][K][nr],
  //    C -> [M/mr][N/nr][mr][nr] (mmt4d layout without the unit k tile,
  //    zero padded): K is not packed, so a pack step's vector has no unit
  //    dim and lowers to one store per k-row instead of one per element
  %mm = transform.structured.match ops{["linalg.matmul"]} attributes{kiln.schedule_target} in %root : (!transform.any_op) -> !transform.any_op
  %p = transform.structured.pack %mm packed_sizes = [$mr, $nr, 0] : (!transform.any_op) -> (!transform.op<"linalg.generic">)
  %pb = transform.get_producer_of_operand %p[1] : (!transform.op<"linalg.generic">) -> (!transform.op<"linalg.pack">)
  %g, %pkb, %e = transform.structured.pack_transpose %pb with_compute_op(%p) outer_perm = [1, 0] : (!transform.op<"linalg.pack">, !transform.op<"linalg.generic">) -> (!transform.op<"linalg.generic">, !transform.op<"linalg.pack">, !transform.any_op)
  transform.apply_patterns to %root {
    transform.apply_patterns.canonicalization
  } : !transform.any_op
)mlir";

const char *kStageATile2D = R"mlir(
  // 2. packed matmul (the scratch function's one generic): threads over
  //    (M1, N1) blocks, K blocks, then one mr x nr register tile per
  //    (m1, n1), k innermost
  %ga = transform.structured.match ops{["linalg.generic"]} attributes{kiln.schedule_target} in %root : (!transform.any_op) -> !transform.any_op
  %fill = transform.get_producer_of_operand %ga[2] : (!transform.any_op) -> !transform.any_op
  %pA = transform.get_producer_of_operand %ga[0] : (!transform.any_op) -> !transform.any_op
  %pB = transform.get_producer_of_operand %ga[1] : (!transform.any_op) -> !transform.any_op
  %unp = transform.get_consumers_of_result %ga[0] : (!transform.any_op) -> !transform.any_op
  %tiled, %forall = transform.structured.tile_using_forall %ga tile_sizes [$fm1, $fn1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %ff, %f2 = transform.structured.fuse_into_containing_op %fill into %forall : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
  %t2, %lk = transform.structured.tile_using_for %tiled tile_sizes [0, 0, $kc] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %t3, %l1, %l2, %l3 = transform.structured.tile_using_for %t2 tile_sizes [1, 1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
  %ft, %fl1, %fl2 = transform.structured.tile_using_for %ff tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
  // 3. packs: threads over outer blocks, then 8 k-steps of one mr (nr) row
  //    group per vector op (masked at the edges)
  %fpA, %fA = transform.structured.tile_using_forall %pA tile_sizes [$fm1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %tpA, %lpA:2 = transform.structured.tile_using_for %fpA tile_sizes [1, 8] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
  %fpB, %fB = transform.structured.tile_using_forall %pB tile_sizes [$fn1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %tpB, %lpB:2 = transform.structured.tile_using_for %fpB tile_sizes [1, 8] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
  transform.structured.vectorize %tpA vector_sizes [1, 8, $mr] : !transform.any_op
  transform.structured.vectorize %tpB vector_sizes [1, 8, $nr] : !transform.any_op
)mlir";

/// Step 4 of the 2-D form without an epilogue.
const char *kStageAUnpack2D = R"mlir(
  // 4. unpack: threads over C blocks, one mr x nr tile per vector op
  %fu, %fuu = transform.structured.tile_using_forall %unp tile_sizes [$tm, $tn] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %tu, %lu:2 = transform.structured.tile_using_for %fu tile_sizes [$mr, $nr] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
  transform.structured.vectorize %tu vector_sizes [1, 1, $mr, $nr] : !transform.any_op
)mlir";

/// Step 4 of the 2-D form with an elementwise epilogue (bias, activation:
/// the matmul's one user, marked kScheduleEpilogue, reading C as operand
/// $ci): the unpack is fused into the epilogue's tiles, so each mr x nr tile
/// of C goes from the packed result through the epilogue in registers and C
/// itself is never stored.
const char *kStageAEpilogue2D = R"mlir(
  // 4. epilogue: threads over C blocks, then one mr x nr tile of C unpacked
  //    and finished per step
  %epi = transform.structured.match attributes{kiln.schedule_epilogue} in %root : (!transform.any_op) -> !transform.any_op
  %fe, %fef = transform.structured.tile_using_forall %epi tile_sizes [$tm, $tn] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %fu, %fuf = transform.structured.fuse_into_containing_op %unp into %fef : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
  %te, %le:2 = transform.structured.fuse %fe tile_sizes [$mr, $nr] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
  %tu = transform.get_producer_of_operand %te[$ci] : (!transform.any_op) -> !transform.any_op
  transform.structured.vectorize %tu vector_sizes [1, 1, $mr, $nr] : !transform.any_op
  transform.structured.vectorize %te vector_sizes [$mr, $nr] : !transform.any_op
)mlir";

/// The batched form: the same packed layouts with the batch as the
/// outermost dim of every packed tensor, so each product of the batch runs
/// the 2-D register tile. The threads split the batch first (the attention
/// products are small: 28x28 by 16 per head) and each product only where
/// the batch is too short to give every thread work.
const char *kStageAPackBatch = R"mlir(
  // 1. pack: A -> [B][M/mr][K][mr], B -> [B][N/nr][K][nr],
  //    C -> [B][M/mr][N/nr][mr][nr]
  %mm = transform.structured.match ops{["linalg.batch_matmul"]} attributes{kiln.schedule_target} in %root : (!transform.any_op) -> !transform.any_op
  %p = transform.structured.pack %mm packed_sizes = [0, $mr, $nr, 0] : (!transform.any_op) -> (!transform.op<"linalg.generic">)
  %pb = transform.get_producer_of_operand %p[1] : (!transform.op<"linalg.generic">) -> (!transform.op<"linalg.pack">)
  %g, %pkb, %e = transform.structured.pack_transpose %pb with_compute_op(%p) outer_perm = [0, 2, 1] : (!transform.op<"linalg.pack">, !transform.op<"linalg.generic">) -> (!transform.op<"linalg.generic">, !transform.op<"linalg.pack">, !transform.any_op)
  transform.apply_patterns to %root {
    transform.apply_patterns.canonicalization
  } : !transform.any_op
)mlir";

const char *kStageATileBatch = R"mlir(
  // 2. packed products: threads over (batch, M1, N1) blocks, K blocks,
  //    then one mr x nr register tile per (b, m1, n1), k innermost
  %ga = transform.structured.match ops{["linalg.generic"]} attributes{kiln.schedule_target} in %root : (!transform.any_op) -> !transform.any_op
  %fill = transform.get_producer_of_operand %ga[2] : (!transform.any_op) -> !transform.any_op
  %pA = transform.get_producer_of_operand %ga[0] : (!transform.any_op) -> !transform.any_op
  %pB = transform.get_producer_of_operand %ga[1] : (!transform.any_op) -> !transform.any_op
  %unp = transform.get_consumers_of_result %ga[0] : (!transform.any_op) -> !transform.any_op
  %tiled, %forall = transform.structured.tile_using_forall %ga tile_sizes [$fb, $fm1, $fn1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %ff, %f2 = transform.structured.fuse_into_containing_op %fill into %forall : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
  %t2, %lk = transform.structured.tile_using_for %tiled tile_sizes [0, 0, 0, $kc] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %t3, %l1, %l2, %l3, %l4 = transform.structured.tile_using_for %t2 tile_sizes [1, 1, 1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
  %ft, %fl1, %fl2, %fl3 = transform.structured.tile_using_for %ff tile_sizes [1, 1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
  // 3. packs: threads over the batch and outer blocks, then 8 k-steps of
  //    one mr (nr) row group per vector op (masked at the edges)
  %fpA, %fA = transform.structured.tile_using_forall %pA tile_sizes [$fb, $fm1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %tpA, %lpA:3 = transform.structured.tile_using_for %fpA tile_sizes [1, 1, 8] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
  %fpB, %fB = transform.structured.tile_using_forall %pB tile_sizes [$fb, $fn1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %tpB, %lpB:3 = transform.structured.tile_using_for %fpB tile_sizes [1, 1, 8] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
  transform.structured.vectorize %tpA vector_sizes [1, 1, 8, $mr] : !transform.any_op
  transform.structured.vectorize %tpB vector_sizes [1, 1, 8, $nr] : !transform.any_op
)mlir";

/// Step 4 of the batched form.
const char *kStageAUnpackBatch = R"mlir(
  // 4. unpack: threads over C blocks, one mr x nr tile per vector op
  %fu, %fuu = transform.structured.tile_using_forall %unp tile_sizes [$fb, $tm, $tn] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %tu, %lu:3 = transform.structured.tile_using_for %fu tile_sizes [1, $mr, $nr] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
  transform.structured.vectorize %tu vector_sizes [1, 1, 1, $mr, $nr] : !transform.any_op
)mlir";

/// Step 4 of the batched form with an elementwise epilogue (as
/// kStageAEpilogue2D; attention's scaling of its scores, for one).
const char *kStageAEpilogueBatch = R"mlir(
  // 4. epilogue: threads over C blocks, then one mr x nr tile of C unpacked
  //    and finished per step
  %epi = transform.structured.match attributes{kiln.schedule_epilogue} in %root : (!transform.any_op) -> !transform.any_op
  %fe, %fef = transform.structured.tile_using_forall %epi tile_sizes [$fb, $tm, $tn] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %fu, %fuf = transform.structured.fuse_into_containing_op %unp into %fef : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
  %te, %le:3 = transform.structured.fuse %fe tile_sizes [1, $mr, $nr] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
  %tu = transform.get_producer_of_operand %te[$ci] : (!transform.any_op) -> !transform.any_op
  transform.structured.vectorize %tu vector_sizes [1, 1, 1, $mr, $nr] : !transform.any_op
  transform.structured.vectorize %te vector_sizes [1, $mr, $nr] : !transform.any_op
)mlir";

/// Step 5 of both: vectorize the fill and the register tile (only these:
/// the rest of the function keeps its loops), fold the contraction to 2-D
/// and hoist the accumulator into iter_args while still on tensors.
const char *kStageAVectorize = R"mlir(
  transform.structured.vectorize %ft : !transform.any_op
  transform.structured.vectorize %t3 : !transform.any_op
  // Before canonicalization folds the unit-dim reduction into mulf + addf
  // (no FMA): make it a vector.contract, later lowered to vector.fma.
  transform.apply_patterns to %root {
    transform.apply_patterns.vector.reduction_to_contract
    transform.apply_patterns.vector.transfer_permutation_patterns
  } : !transform.any_op
  transform.apply_patterns to %root {
    transform.apply_patterns.canonicalization
    transform.apply_patterns.tensor.fold_tensor_empty
    transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
  } : !transform.any_op
  transform.apply_cse to %root : !transform.any_op
  transform.apply_patterns to %root {
    transform.apply_patterns.vector.lower_masked_transfers
    transform.apply_patterns.vector.reduction_to_contract
    transform.apply_patterns.vector.transfer_permutation_patterns
    transform.apply_patterns.vector.cast_away_vector_leading_one_dim
    transform.apply_patterns.canonicalization
  } : !transform.any_op
  %all_loops = transform.structured.match interface{LoopLikeInterface} in %root : (!transform.any_op) -> !transform.any_op
  transform.apply_licm to %all_loops : !transform.any_op
  transform.loop.hoist_loop_invariant_subsets %all_loops : !transform.any_op
  transform.apply_patterns to %root {
    transform.apply_patterns.canonicalization
  } : !transform.any_op
  transform.apply_cse to %root : !transform.any_op
)mlir";

/// Stage A for the one elementwise generic marked kScheduleTarget in %root
/// (block 4c of the notes). $forall: the threads' tile (the line is dropped
/// when the op is too small); $ones / $w: one row and w lanes per step,
/// vectorized with masks where the tile is partial; $n: the number of loops.
const char *kStageAElementwise = R"mlir(
transform.sequence failures(propagate) {
^bb0(%root: !transform.any_op):
  %op = transform.structured.match ops{["linalg.generic"]} attributes{kiln.schedule_target} in %root : (!transform.any_op) -> !transform.any_op
  %t = transform.cast %op : !transform.any_op to !transform.any_op
  // forall: %t, %fa = transform.structured.tile_using_forall %op tile_sizes [$forall] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
  %v, %l:$n = transform.structured.tile_using_for %t tile_sizes [$ones$w] : (!transform.any_op) -> (!transform.any_op$loops)
  transform.structured.vectorize %v vector_sizes [$ones$w] : !transform.any_op
  transform.apply_patterns to %root {
    transform.apply_patterns.canonicalization
    transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
  } : !transform.any_op
  transform.apply_cse to %root : !transform.any_op
  transform.apply_patterns to %root {
    transform.apply_patterns.vector.lower_masked_transfers
    transform.apply_patterns.vector.transfer_permutation_patterns
    transform.apply_patterns.vector.cast_away_vector_leading_one_dim
    transform.apply_patterns.canonicalization
  } : !transform.any_op
  transform.apply_cse to %root : !transform.any_op
}
)mlir";

/// Stage B, shape independent. Lowering steps that would loop forever in
/// one pattern set stay in separate apply_patterns (pitfall 5 of the notes).
const char *kStageB = R"mlir(
transform.sequence failures(propagate) {
^bb0(%root: !transform.any_op):
  %foralls = transform.structured.match ops{["scf.forall"]} in %root : (!transform.any_op) -> !transform.any_op
  transform.foreach %foralls : !transform.any_op {
  ^bb0(%fa: !transform.any_op):
    %par = transform.loop.forall_to_parallel %fa : (!transform.any_op) -> !transform.any_op
  }
  transform.apply_patterns to %root {
    transform.apply_patterns.memref.fold_memref_alias_ops
    transform.apply_patterns.canonicalization
  } : !transform.any_op
  %loops = transform.structured.match interface{LoopLikeInterface} in %root : (!transform.any_op) -> !transform.any_op
  transform.apply_licm to %loops : !transform.any_op
  transform.apply_cse to %root : !transform.any_op
  %f3 = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
  %h = transform.structured.hoist_redundant_vector_transfers %f3 : (!transform.any_op) -> !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.drop_inner_most_unit_dims_from_xfer_ops
    transform.apply_patterns.vector.cast_away_vector_leading_one_dim
    transform.apply_patterns.canonicalization
  } : !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
  } : !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.lower_outerproduct
    transform.apply_patterns.vector.transfer_permutation_patterns
    transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "innerparallel"
  } : !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.transfer_to_scf max_transfer_rank = 1 full_unroll = true
  } : !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
  } : !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.lower_transpose lowering_strategy = "shuffle_1d"
  } : !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.lower_shape_cast
  } : !transform.any_op
  transform.apply_patterns to %h {
    transform.apply_patterns.vector.lower_broadcast
    transform.apply_patterns.canonicalization
  } : !transform.any_op
}
)mlir";

/// A matmul the schedule handles: linalg.matmul (2-D) or
/// linalg.batch_matmul (3-D), f32, static, on tensors, with the default
/// indexing maps (the lowering copies transposed operands out first).
bool isSchedulable(linalg::LinalgOp op) {
  if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
      !op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
    return false;
  int64_t rank = isa<linalg::MatmulOp>(op) ? 2 : 3;
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || t.getRank() != rank || !t.hasStaticShape() ||
        !t.getElementType().isF32())
      return false;
  }
  return true;
}

/// An elementwise generic the schedule handles: all loops parallel, static
/// f32 tensors only, inputs read by projected permutations that keep the
/// innermost loop innermost (so rows stay contiguous), outputs written by
/// identity maps, and a body of arith and
/// math ops (no tensor.extract gathers, no linalg.index).
bool isElementwiseSchedulable(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops() || op->hasAttr(kSkip))
    return false;
  for (OpOperand &operand : op->getOpOperands()) {
    auto t = dyn_cast<RankedTensorType>(operand.get().getType());
    if (!t || !t.hasStaticShape() || !t.getElementType().isF32() ||
        llvm::is_contained(t.getShape(), 0))
      return false;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (op.isDpsInit(&operand)) {
      if (!map.isIdentity())
        return false;
      continue;
    }
    // A constant 0 result reads a unit dim: the keepdims result of a
    // reduction broadcast back over the reduced dim (softmax's x - max and
    // e / sum, layer norm's x - mean), read once per row.
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/true))
      return false;
    // Outer dims may come in any order (the transposes of a convolution's
    // patches and result): each vector step reads one run of the innermost
    // loop, which must then be the operand's innermost dim, so the run is
    // contiguous.
    int64_t innermost = op.getNumLoops() - 1;
    if (map.isFunctionOfDim(innermost)) {
      auto last = dyn_cast<AffineDimExpr>(map.getResults().back());
      if (!last || last.getPosition() != innermost)
        return false;
    }
  }
  // A result stored in place into an argument (the optimizers' updates)
  // would make the tiled loop read and write that buffer; bufferization
  // only knows a whole linalg op's accesses are elementwise and fails on
  // the loop ("cannot avoid RaW conflict"), so these keep linalg.
  SmallVector<Value> uses(op->getResults());
  while (!uses.empty()) {
    for (Operation *user : uses.pop_back_val().getUsers()) {
      if (isa<bufferization::MaterializeInDestinationOp>(user))
        return false;
      if (isa<tensor::CastOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
              user))
        uses.push_back(user->getResult(0));
    }
  }
  return hasScalarArithBody(op);
}

/// The elementwise generic that finishes a matmul's result (bias,
/// activation, scaling) within the matmul's tiles: the result's one user, in
/// the same block, reading it as an input through the identity map, with
/// outputs of the result's shape.
linalg::GenericOp findEpilogue(linalg::LinalgOp mm) {
  Value c = mm->getResult(0);
  if (!c.hasOneUse())
    return {};
  auto user = dyn_cast<linalg::GenericOp>(*c.user_begin());
  if (!user || user->getBlock() != mm->getBlock() ||
      !isElementwiseSchedulable(user))
    return {};
  for (OpOperand &operand : user->getOpOperands())
    if (operand.get() == c &&
        (user.isDpsInit(&operand) ||
         !user.getMatchingIndexingMap(&operand).isIdentity()))
      return {};
  for (Value init : user.getDpsInits())
    if (init.getType() != c.getType())
      return {};
  return user;
}

/// A masked read of what a masked write just put into a tensor, at the same
/// place under the same mask, is the written vector where the mask is set
/// and the padding elsewhere. The fused epilogue reads each unpacked C tile
/// this way (edge tiles are masked); without the fold the tile would
/// bufferize to an allocation per step.
struct ForwardMaskedTileRead : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto write = read.getBase().getDefiningOp<vector::TransferWriteOp>();
    if (!write || !read.getMask() || write.getMask() != read.getMask() ||
        write.getVectorType() != read.getVectorType() ||
        write.getIndices() != read.getIndices() ||
        write.getPermutationMap() != read.getPermutationMap() ||
        !read.getPermutationMap().isMinorIdentity())
      return failure();
    Value pad = vector::BroadcastOp::create(
        rewriter, read.getLoc(), read.getVectorType(), read.getPadding());
    rewriter.replaceOpWithNewOp<arith::SelectOp>(read, read.getMask(),
                                                 write.getVector(), pad);
    return success();
  }
};

/// The elementwise generic that computes operand `i` of a matmul (a layer
/// norm's scale and shift before a dense layer, for one) and that can be
/// computed within the operand's pack instead: its one result has the
/// matmul as its one user.
linalg::GenericOp findPrologue(linalg::LinalgOp mm, unsigned i) {
  Value v = mm.getDpsInputs()[i];
  auto producer = v.getDefiningOp<linalg::GenericOp>();
  if (!producer || producer->getNumResults() != 1 || !v.hasOneUse() ||
      producer->getBlock() != mm->getBlock() ||
      !isElementwiseSchedulable(producer))
    return {};
  return producer;
}

/// Lines that fuse the prologue of operand `x` ("A" or "B"), whose handle
/// is %prX, into the loops of its pack (the forall, then each loop around
/// the pack's tile), and vectorize its tile: mr rows by 8 k-steps of A, 8
/// k-steps by nr columns of B.
std::string prologueLines(char x, bool batched) {
  std::string X(1, x), any = "!transform.any_op";
  std::string text, from = "%pr" + X;
  auto fuse = [&](const std::string &into, int i) {
    std::string to = "%fu" + X + std::to_string(i);
    text += "  " + to + ", %fc" + X + std::to_string(i) +
            " = transform.structured.fuse_into_containing_op " + from +
            " into " + into + " : (" + any + ", " + any + ") -> (" + any +
            ", " + any + ")\n";
    from = to;
  };
  fuse("%f" + X, 0);
  int loops = batched ? 3 : 2;
  for (int i = 0; i < loops; ++i)
    fuse("%lp" + X + "#" + std::to_string(i), i + 1);
  std::string sizes = x == 'A' ? "$mr, 8" : "8, $nr";
  text += "  transform.structured.vectorize " + from + " vector_sizes [" +
          (batched ? "1, " : "") + sizes + "] : " + any + "\n";
  return text;
}

struct ScheduleMatmul : impl::KilnScheduleMatmulBase<ScheduleMatmul> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    TargetModel target = getTargetModel(func);
    // One matmul at a time, each scheduled in isolation (codegen/Schedule.h);
    // the scheduled form has no linalg.matmul or batch_matmul left.
    while (true) {
      linalg::LinalgOp mm;
      func.walk([&](linalg::LinalgOp op) {
        if (!isSchedulable(op))
          return WalkResult::advance();
        mm = op;
        return WalkResult::interrupt();
      });
      if (!mm)
        break;
      bool batched = isa<linalg::BatchMatmulOp>(mm);
      auto lhs = cast<RankedTensorType>(mm.getDpsInputs()[0].getType());
      auto out = cast<RankedTensorType>(mm.getDpsInits()[0].getType());
      int64_t batch = batched ? out.getDimSize(0) : 1;
      int64_t m = out.getDimSize(out.getRank() - 2),
              n = out.getDimSize(out.getRank() - 1),
              k = lhs.getDimSize(lhs.getRank() - 1);
      MatmulTiles t =
          batched ? chooseBatchMatmulTiles(target, batch, m, n, k, threads)
                  : chooseMatmulTiles(target, m, n, k, threads);
      // The epilogue reads C as its operand $ci.
      linalg::GenericOp epilogue = findEpilogue(mm);
      int64_t ci =
          epilogue ? mm->getResult(0).getUses().begin()->getOperandNumber() : 0;
      std::pair<StringRef, int64_t> params[] = {{"$mr", t.mr},
                                                {"$nr", t.nr},
                                                {"$kc", t.kc},
                                                {"$fb", t.forallB},
                                                {"$fm1", t.forallM1},
                                                {"$fn1", t.forallN1},
                                                {"$tm", t.forallM1 * t.mr},
                                                {"$tn", t.forallN1 * t.nr},
                                                {"$ci", ci}};
      // Each part is a sequence of its own over %root.
      auto instantiate = [&](StringRef body) {
        std::string text = "transform.sequence failures(propagate) {\n"
                           "^bb0(%root: !transform.any_op):\n" +
                           body.str() + "}\n";
        SmallVector<std::pair<StringRef, std::string>> values;
        for (auto [key, value] : params)
          values.push_back({key, std::to_string(value)});
        substitute(text, values);
        return text;
      };
      linalg::GenericOp prologueA = findPrologue(mm, 0),
                        prologueB = findPrologue(mm, 1);
      auto schedule = [&](Operation *scratch) -> LogicalResult {
        if (failed(applySchedule(
                scratch,
                instantiate(batched ? kStageAPackBatch : kStageAPack2D))))
          return failure();
        foldConstantPacks(scratch);
        // The packed product is the generic that is neither a prologue nor
        // the epilogue; a folded pack left a constant operand: drop its
        // tiling lines.
        linalg::GenericOp product;
        scratch->walk([&](linalg::GenericOp g) {
          if (!g->hasAttr(kScheduleEpilogue) && !g->hasAttr(kSchedulePrologue))
            product = g;
        });
        if (!product)
          return failure();
        product->setAttr(kScheduleTarget, UnitAttr::get(&getContext()));
        bool constantA = matchPattern(product.getDpsInputs()[0], m_Constant());
        bool constantB = matchPattern(product.getDpsInputs()[1], m_Constant());
        std::string tile;
        for (StringRef line : llvm::split(
                 StringRef(batched ? kStageATileBatch : kStageATile2D), '\n')) {
          if ((constantA && line.contains("pA")) ||
              (constantB && line.contains("pB")))
            continue;
          // A prologue's handle is taken with its pack's, and it is fused
          // into the pack's loops once they exist, before the pack is
          // vectorized.
          std::string before, after;
          for (auto [x, prologue] :
               {std::pair('A', prologueA), std::pair('B', prologueB)}) {
            if (!prologue)
              continue;
            std::string X(1, x);
            if (line.contains("transform.structured.vectorize %tp" + X))
              before += prologueLines(x, batched);
            if (line.contains("%p" + X + " = "))
              after += "  %pr" + X + " = transform.get_producer_of_operand %p" +
                       X + "[0] : (!transform.any_op) -> !transform.any_op\n";
          }
          tile += before + line.str() + "\n" + after;
        }
        if (batched)
          tile += epilogue ? kStageAEpilogueBatch : kStageAUnpackBatch;
        else
          tile += epilogue ? kStageAEpilogue2D : kStageAUnpack2D;
        if (failed(
                applySchedule(scratch, instantiate(tile + kStageAVectorize))))
          return failure();
        if (!epilogue && !prologueA && !prologueB)
          return success();
        RewritePatternSet patterns(&getContext());
        patterns.add<ForwardMaskedTileRead>(&getContext());
        tensor::EmptyOp::getCanonicalizationPatterns(patterns, &getContext());
        vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                             &getContext());
        return applyPatternsGreedily(scratch, std::move(patterns));
      };
      // Prologues and an epilogue the schedule cannot fuse stay for
      // kiln-schedule-elementwise.
      SmallVector<Operation *> prologues;
      for (linalg::GenericOp g : {prologueA, prologueB})
        if (g)
          prologues.push_back(g);
      if (!prologues.empty() &&
          succeeded(scheduleInIsolation(mm, schedule, /*quiet=*/true, prologues,
                                        epilogue)))
        continue;
      prologueA = prologueB = {};
      if (epilogue && succeeded(scheduleInIsolation(
                          mm, schedule, /*quiet=*/true, {}, epilogue)))
        continue;
      epilogue = {};
      if (failed(scheduleInIsolation(mm, schedule, /*quiet=*/false))) {
        InFlightDiagnostic diag =
            mm.emitError("kiln-schedule-matmul: the schedule failed on this "
                         "matmul (");
        if (batched)
          diag << batch << " x ";
        diag << m << "x" << k << "x" << n << ")";
        return signalPassFailure();
      }
    }
  }
};

struct ScheduleElementwise
    : impl::KilnScheduleElementwiseBase<ScheduleElementwise> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    TargetModel target = getTargetModel(func);
    MLIRContext *ctx = &getContext();
    // One op at a time, each scheduled in isolation (codegen/Schedule.h);
    // an op the schedule fails on is marked and skipped.
    while (true) {
      linalg::GenericOp op;
      func.walk([&](linalg::GenericOp g) {
        if (!isElementwiseSchedulable(g))
          return WalkResult::advance();
        op = g;
        return WalkResult::interrupt();
      });
      if (!op)
        break;
      auto shape = cast<RankedTensorType>(op.getDpsInits()[0].getType())
                       .getShape()
                       .vec();
      ElementwiseTiles t = chooseElementwiseTiles(target, shape, threads);
      std::string ones, forall, loops;
      for (size_t i = 0; i + 1 < shape.size(); ++i)
        ones += "1, ";
      for (size_t i = 0; i < shape.size(); ++i)
        loops += ", !transform.any_op";
      for (int64_t s : t.forall)
        forall += (forall.empty() ? "" : ", ") + std::to_string(s);
      std::string text = kStageAElementwise;
      if (!t.forall.empty()) {
        // Tile for threads first; the inner tiling then works on %t.
        text.replace(text.find("  %t = transform.cast"),
                     text.find("  // forall: ") -
                         text.find("  %t = transform.cast"),
                     "");
        text.replace(text.find("// forall: "), strlen("// forall: "), "");
      }
      substitute(text, {{"$forall", forall},
                        {"$ones", ones},
                        {"$w", std::to_string(t.vectorWidth)},
                        {"$n", std::to_string(shape.size())},
                        {"$loops", loops}});
      // An op the schedule fails on keeps its loops.
      auto schedule = [&](Operation *scratch) {
        return applySchedule(scratch, text);
      };
      if (failed(scheduleInIsolation(op, schedule, /*quiet=*/true)))
        op->setAttr(kSkip, UnitAttr::get(ctx));
    }
    func.walk([](linalg::GenericOp g) { g->removeAttr(kSkip); });
  }
};

struct LowerVectors : impl::KilnLowerVectorsBase<LowerVectors> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func->removeAttr(kScheduledFunction))
      return;
    if (failed(applySchedule(func, kStageB)))
      return signalPassFailure();
  }
};

} // namespace
} // namespace kiln
