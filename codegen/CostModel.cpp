//===- CostModel.cpp - tile sizes for kiln's generated kernels ------------===//

#include "codegen/CostModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

#include <algorithm>

using namespace mlir;

namespace kiln {

TargetModel getTargetModel(Operation *op) {
  TargetModel target;
  auto module =
      isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  auto dict = module ? module->getAttrOfType<DictionaryAttr>(kTargetModelAttr)
                     : nullptr;
  if (!dict)
    return target;
  auto read = [&](StringRef key, int64_t &field) {
    if (auto v = dict.getAs<IntegerAttr>(key); v && v.getInt() > 0)
      field = v.getInt();
  };
  int64_t bits = target.vectorLanes * 32;
  read("vector_bits", bits);
  target.vectorLanes = std::max<int64_t>(1, bits / 32);
  read("vector_registers", target.vectorRegisters);
  read("l1_bytes", target.l1Bytes);
  read("l2_bytes", target.l2Bytes);
  return target;
}

void setTargetModel(ModuleOp module, const TargetModel &target) {
  Builder b(module.getContext());
  NamedAttribute fields[] = {
      b.getNamedAttr("vector_bits",
                     b.getI64IntegerAttr(target.vectorLanes * 32)),
      b.getNamedAttr("vector_registers",
                     b.getI64IntegerAttr(target.vectorRegisters)),
      b.getNamedAttr("l1_bytes", b.getI64IntegerAttr(target.l1Bytes)),
      b.getNamedAttr("l2_bytes", b.getI64IntegerAttr(target.l2Bytes))};
  module->setAttr(kTargetModelAttr, b.getDictionaryAttr(fields));
}

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The tiles of one product split into at least `minTasks` forall tasks.
MatmulTiles chooseTiles(const TargetModel &target, int64_t m, int64_t n,
                        int64_t k, int64_t minTasks) {
  MatmulTiles t;
  const int64_t v = target.vectorLanes;
  // Register tile: two vectors per row of C. One k step holds mr*nr/V
  // accumulators, nr/V B vectors and one A broadcast, all in registers; take
  // the most rows that fit (AVX2: 2*mr + 3 <= 16, so 6x16; AVX-512: 14x32).
  // That is at least the 8 accumulators two FMA pipes of latency 4 need.
  t.nr = 2 * v;
  int64_t perRow = t.nr / v;
  t.mr = std::max<int64_t>(1, (target.vectorRegisters - perRow - 1) / perRow);
  // Fewer rows than that (batch-1 inference, a recurrence's hidden step):
  // padding M up to mr would multiply the work, so the tile takes the rows
  // there are and spends the registers on columns instead, up to 8 vectors
  // per row (mr * perRow accumulators + perRow B vectors + 1 <= registers)
  // and no more than N needs.
  if (m < t.mr) {
    t.mr = m;
    perRow = std::clamp<int64_t>((target.vectorRegisters - 1) / (m + 1), 2, 8);
    perRow = std::min(perRow, std::max<int64_t>(2, ceilDiv(n, v)));
    t.nr = perRow * v;
  }
  // kc: the A and B micro-panels, (mr + nr) * kc floats, stay in 3/4 of L1
  // (AVX2: kc <= 279); a multiple of 64 keeps the K loop's trip count even.
  int64_t kc = target.l1Bytes * 3 / 4 / ((t.mr + t.nr) * 4);
  t.kc = std::max<int64_t>(64, kc / 64 * 64);
  // The forall block (one task): at most 16 x 8 register tiles, 96 x 128 on
  // AVX2, measured as good as any TM/TN with (TM + TN) * kc * 4 <= L2 / 2.
  int64_t maxM1 = 16, maxN1 = 8;
  while ((maxM1 * t.mr + maxN1 * t.nr) * t.kc * 4 > target.l2Bytes / 2 &&
         maxM1 > 1)
    maxM1 /= 2;
  int64_t m1 = ceilDiv(m, t.mr), n1 = ceilDiv(n, t.nr);
  int64_t mBlocks = ceilDiv(m1, maxM1), nBlocks = ceilDiv(n1, maxN1);
  // A product that takes one task and whose panels fit that L2 budget whole
  // (an LSTM's input projection at batch 1, 28 x 28 x 512) is one block:
  // more would only make a forall of several iterations, which becomes a
  // fork/join on two threads.
  if (minTasks == 1 &&
      (m1 * t.mr + n1 * t.nr) * std::min(k, t.kc) * 4 <= target.l2Bytes / 2)
    mBlocks = nBlocks = 1;
  // At least minTasks tasks, of equal size: choose the block counts first,
  // then the sizes (splitting N first keeps A's panel shared).
  while (mBlocks * nBlocks < minTasks) {
    if (nBlocks < n1)
      ++nBlocks;
    else if (mBlocks < m1)
      ++mBlocks;
    else
      break;
  }
  t.forallM1 = ceilDiv(m1, mBlocks);
  t.forallN1 = ceilDiv(n1, nBlocks);
  return t;
}

/// Two equal tasks per thread (0 threads: unknown, assume 2).
int64_t tasksFor(unsigned threads) { return 2 * (threads ? threads : 2); }

/// Two equal tasks per thread, or one task (no fork) for a product too
/// small to outlast the fork/join.
int64_t minTasksFor(unsigned threads, int64_t flops) {
  if (flops < kMinFlopsForThreads)
    return 1;
  return tasksFor(threads);
}

} // namespace

bool takesThreads(unsigned threads, int64_t flops) {
  return threads != 1 && flops >= kMinFlopsForThreads;
}

MatmulTiles chooseMatmulTiles(const TargetModel &target, int64_t m, int64_t n,
                              int64_t k, unsigned threads) {
  return chooseTiles(target, m, n, k, minTasksFor(threads, 2 * m * n * k));
}

MatmulTiles chooseBatchMatmulTiles(const TargetModel &target, int64_t batch,
                                   int64_t m, int64_t n, int64_t k,
                                   unsigned threads) {
  int64_t tasks = minTasksFor(threads, 2 * batch * m * n * k);
  // Whole products per task where the batch has enough of them (the
  // products stay in cache blocks of at most 16 x 8 register tiles).
  int64_t perProduct = batch >= tasks ? 1 : ceilDiv(tasks, batch);
  MatmulTiles t = chooseTiles(target, m, n, k, perProduct);
  int64_t blocks = ceilDiv(ceilDiv(m, t.mr), t.forallM1) *
                   ceilDiv(ceilDiv(n, t.nr), t.forallN1);
  t.forallB = std::max<int64_t>(1, batch * blocks / tasks);
  t.forallB = ceilDiv(batch, ceilDiv(batch, t.forallB));
  return t;
}

ElementwiseTiles chooseElementwiseTiles(const TargetModel &target,
                                        const std::vector<int64_t> &shape,
                                        unsigned threads) {
  ElementwiseTiles t;
  const int64_t v = target.vectorLanes;
  int64_t inner = shape.back();
  // Four vectors per step keep loads in flight and amortize the loop; a
  // short row takes just enough whole vectors (masked) to cover it.
  t.vectorWidth = inner >= 4 * v ? 4 * v : ceilDiv(inner, v) * v;
  int64_t elements = 1;
  for (int64_t d : shape)
    elements *= d;
  // Threads only pay for a memory-bound op once each one's share outlasts the
  // fork/join (a few microseconds with libomp): 32K f32 elements are 128 KiB
  // per operand, roughly 10 us of streaming on one core.
  if (threads == 1 || elements < kMinElementsForThreads)
    return t;
  // Two equal tasks per thread, split over the outer dims first (rows stay
  // whole and contiguous); the innermost dim only in whole vector steps.
  int64_t tasks = tasksFor(threads), blocks = 1;
  t.forall.assign(shape.size(), 0);
  for (size_t i = 0; i < shape.size() && blocks < tasks; ++i) {
    bool innermost = i + 1 == shape.size();
    int64_t unit = innermost ? t.vectorWidth : 1;
    int64_t units = ceilDiv(shape[i], unit);
    int64_t want = std::min(units, ceilDiv(tasks, blocks));
    if (want <= 1)
      continue;
    int64_t chunk = ceilDiv(units, want);
    t.forall[i] = chunk * unit;
    blocks *= ceilDiv(units, chunk);
  }
  if (blocks < 2)
    t.forall.clear();
  return t;
}

int64_t chooseReductionForallChunk(ArrayRef<int64_t> loops,
                                   bool outermostParallel, unsigned threads) {
  int64_t elements = 1;
  for (int64_t d : loops)
    elements *= d;
  if (threads == 1 || loops.size() < 3 || !outermostParallel ||
      elements < kMinElementsForThreads)
    return 0;
  int64_t chunk = ceilDiv(loops[0], tasksFor(threads));
  return chunk < loops[0] ? chunk : 0;
}

} // namespace kiln
