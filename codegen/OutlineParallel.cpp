//===- OutlineParallel.cpp - each omp.parallel in a function of its own ---===//
//
// The translation to LLVM IR outlines every omp.parallel with LLVM's
// OpenMPIRBuilder, which builds a CodeExtractorAnalysisCache over the whole
// host function for each region, twice: quadratic in the size of a train
// step, whose one function holds hundreds of parallel regions (most of the
// translation's time). Moving each region into a small function first makes
// that linear. LLVM's inliner may put the host stubs back afterwards.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace kiln {
#define GEN_PASS_DEF_KILNOUTLINEPARALLEL
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// Whether `op` can be cloned into the outlined function instead of having
/// its result passed: pure ops without regions (constants, address and
/// index arithmetic, the insertvalue chains of memref descriptors). Passing
/// a descriptor whole would make LLVM's outlining spill it to the stack.
bool clonable(Operation *op) {
  return op && op->getNumRegions() == 0 && isPure(op);
}

/// Moves `parallel` into a new internal function of `symbols`' module that
/// takes the values it uses from outside as arguments, with the pure ops
/// computing them cloned in, and calls it in its place.
void outline(omp::ParallelOp parallel, LLVM::LLVMFuncOp host,
             SymbolTable &symbols) {
  SetVector<Value> used;
  getUsedValuesDefinedAbove(parallel->getRegions(), used);
  used.insert_range(parallel->getOperands());
  // The leaves of the pure computations of the used values become the
  // arguments.
  SetVector<Value> args;
  SmallVector<Value> worklist(used.begin(), used.end());
  DenseSet<Value> seen(used.begin(), used.end());
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!clonable(def)) {
      args.insert(v);
      continue;
    }
    for (Value operand : def->getOperands())
      if (seen.insert(operand).second)
        worklist.push_back(operand);
  }

  MLIRContext *ctx = parallel.getContext();
  Location loc = parallel.getLoc();
  OpBuilder b(host);
  SmallVector<Type> types(ValueRange(args.getArrayRef()).getTypes());
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), types);
  auto func = LLVM::LLVMFuncOp::create(b, loc, (host.getName() + "_par").str(),
                                       type, LLVM::Linkage::Internal);
  symbols.insert(func);
  Block *entry = func.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  IRMapping map;
  for (auto [v, arg] : llvm::zip(args, entry->getArguments()))
    map.map(v, arg);
  // Operands before users.
  std::function<void(Value)> materialize = [&](Value v) {
    if (map.contains(v))
      return;
    Operation *def = v.getDefiningOp();
    for (Value operand : def->getOperands())
      materialize(operand);
    b.clone(*def, map);
  };
  for (Value v : used)
    materialize(v);
  b.clone(*parallel, map);
  LLVM::ReturnOp::create(b, loc, ValueRange());

  b.setInsertionPoint(parallel);
  LLVM::CallOp::create(b, loc, func, args.getArrayRef());
  parallel.erase();
}

struct OutlineParallelPass
    : kiln::impl::KilnOutlineParallelBase<OutlineParallelPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto host : llvm::to_vector(module.getOps<LLVM::LLVMFuncOp>())) {
      // The outermost regions only; nested ones move with them.
      SmallVector<omp::ParallelOp> regions;
      host.walk<WalkOrder::PreOrder>([&](omp::ParallelOp p) {
        regions.push_back(p);
        return WalkResult::skip();
      });
      for (omp::ParallelOp p : regions)
        outline(p, host, symbols);
    }
  }
};

} // namespace
