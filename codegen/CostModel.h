//===- CostModel.h - tile sizes for kiln's generated kernels ----*- C++ -*-===//
//
// A small analytic model of the target CPU, and the tile sizes of the packed
// matmul schedule derived from it (docs/notes/matmul-schedule.md, "Tile
// sizes").
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_COSTMODEL_H
#define KILN_CODEGEN_COSTMODEL_H

#include <cstdint>
#include <vector>

namespace kiln {

/// What the schedule needs to know about the CPU. The defaults describe an
/// AVX2 core (Zen 4/5, Haswell and later), which is also what OpenBLAS picks
/// on the development machine.
struct TargetModel {
  /// f32 lanes per vector register (AVX2 ymm; 16 with AVX-512).
  int64_t vectorLanes = 8;
  /// Architectural vector registers (16 ymm; 32 with AVX-512).
  int64_t vectorRegisters = 16;
  /// FMA latency (cycles) times FMA pipes: independent accumulators needed
  /// to keep the pipes busy.
  int64_t fmaInFlight = 4 * 2;
  /// Per-core data caches.
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 1024 * 1024;
};

/// Tile sizes of the packed matmul. The forall sizes are in packed units
/// (blocks of mr rows and nr columns).
struct MatmulTiles {
  int64_t mr, nr, kc;
  int64_t forallM1, forallN1;
  /// Products of a batched matmul per forall task (1 for a 2-D matmul).
  int64_t forallB = 1;
};

/// Tiles for an f32 `m x k` times `k x n` product run on `threads` threads
/// (0: unknown, assume 2).
MatmulTiles chooseMatmulTiles(const TargetModel &target, int64_t m, int64_t n,
                              int64_t k, unsigned threads);

/// Tiles for a batch of `batch` f32 `m x k` times `k x n` products: the
/// register and K tiles of one product, the threads' tasks taken from the
/// batch first and from within the products only when it is too short.
MatmulTiles chooseBatchMatmulTiles(const TargetModel &target, int64_t batch,
                                   int64_t m, int64_t n, int64_t k,
                                   unsigned threads);

/// Tiles of an elementwise op: `forall` has one size per loop (0: not split;
/// empty: no threads), the innermost loop steps by `vectorWidth` lanes.
struct ElementwiseTiles {
  std::vector<int64_t> forall;
  int64_t vectorWidth;
};

/// Elements an elementwise op needs before it is split across threads.
constexpr int64_t kMinElementsForThreads = 32 * 1024;

/// Tiles for an f32 elementwise op of static `shape` on `threads` threads
/// (0: unknown, assume 2; 1: no forall).
ElementwiseTiles chooseElementwiseTiles(const TargetModel &target,
                                        const std::vector<int64_t> &shape,
                                        unsigned threads);

} // namespace kiln

#endif // KILN_CODEGEN_COSTMODEL_H
