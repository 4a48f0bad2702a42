//===- CostModel.h - tile sizes for kiln's generated kernels ----*- C++ -*-===//
//
// A small analytic model of the target CPU, and the tile sizes of the packed
// matmul schedule derived from it (docs/notes/matmul-schedule.md, "Tile
// sizes").
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_COSTMODEL_H
#define KILN_CODEGEN_COSTMODEL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <vector>

namespace mlir {
class ModuleOp;
class Operation;
} // namespace mlir

namespace kiln {

/// What the schedules need to know about the CPU. The defaults describe an
/// AVX2 core (Haswell, Zen 1-3); the pipeline describes its actual target
/// (Pipeline::targetModel) in the module's kTargetModelAttr, so that an
/// AVX-512 core gets 16-lane tiles over 32 registers.
struct TargetModel {
  /// f32 lanes per vector register (AVX2 ymm; 16 with AVX-512).
  int64_t vectorLanes = 8;
  /// Architectural vector registers (16 ymm; 32 with AVX-512).
  int64_t vectorRegisters = 16;
  /// Per-core data caches.
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 1024 * 1024;
};

/// The module attribute that holds the target model: a dictionary of
/// vector_bits, vector_registers, l1_bytes and l2_bytes (each optional).
constexpr llvm::StringLiteral kTargetModelAttr = "kiln.target";

/// The target model of `op`'s module, the defaults where it says nothing.
TargetModel getTargetModel(mlir::Operation *op);

/// Records `target` on `module` (kTargetModelAttr).
void setTargetModel(mlir::ModuleOp module, const TargetModel &target);

/// Tile sizes of the packed matmul. The forall sizes are in packed units
/// (blocks of mr rows and nr columns).
struct MatmulTiles {
  int64_t mr, nr, kc;
  int64_t forallM1, forallN1;
  /// Products of a batched matmul per forall task (1 for a 2-D matmul).
  int64_t forallB = 1;
};

/// Floating-point operations a matmul needs before it is split across
/// threads: 1 MFLOP is about 10 us on one core, a few fork/joins of libomp.
/// Below it (batch-1 inference, attention heads of one sample) a split costs
/// more than it saves.
constexpr int64_t kMinFlopsForThreads = 1000 * 1000;

/// Whether a loop nest of `flops` splits across `threads` threads (0:
/// unknown, assume 2; 1: never): the matmuls' threshold, also used by the
/// direct convolutions.
bool takesThreads(unsigned threads, int64_t flops);

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

/// The threads' chunk of a reduction's outermost loop, or 0 for no forall:
/// rank 3 or more (the outermost loop is then one of those of tile size 1)
/// with that loop parallel, and as many elements as an elementwise op needs
/// for threads; two chunks per thread.
int64_t chooseReductionForallChunk(llvm::ArrayRef<int64_t> loops,
                                   bool outermostParallel, unsigned threads);

} // namespace kiln

#endif // KILN_CODEGEN_COSTMODEL_H
