//===- PlanMemory.cpp - one arena for all intermediate buffers
//-------------===//
//
// Live ranges are measured in the order of a function's top-level ops: a
// buffer is live from its allocation to the last top-level op that uses it
// or any view of it. Offsets come from a greedy first-fit over buffers
// sorted by size, largest first, which is simple and close to optimal for
// the chain-like lifetimes of a network's layers.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace kiln {
#define GEN_PASS_DEF_KILNPLANMEMORY
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

/// A block of the arena: a buffer (`alloc`), or the arena of a function
/// that `call` calls, which lives for that call only.
struct Buffer {
  memref::AllocOp alloc;
  func::CallOp call;
  int64_t size, begin, end, offset = -1;
};

int64_t byteSize(MemRefType type) {
  int64_t bits = type.getElementTypeBitWidth();
  // i1 is stored as one byte.
  int64_t bytes = std::max<int64_t>(1, (bits + 7) / 8);
  return llvm::alignTo(type.getNumElements() * bytes, kAlignment);
}

/// The index of the last top-level op of `block` that uses `value` or a
/// view of it.
int64_t lastUse(Value value, Block &block,
                const DenseMap<Operation *, int64_t> &order) {
  int64_t last = 0;
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (Operation *top = block.findAncestorOpInBlock(*user))
        last = std::max(last, order.lookup(top));
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == v)
          llvm::append_range(worklist, user->getResults());
    }
  }
  return last;
}

/// A reshape of an arena buffer (a chain of collapse_shape/expand_shape with
/// an identity layout at the end) is the same bytes: a view of the arena at
/// the buffer's offset. A reshape that regroups dims (28x16x16 -> 112x64)
/// bufferizes as collapse-then-expand, and masked vector transfers through
/// such a chain make the later memref alias folding slow (minutes for the
/// attention's output projection of an ONNX Transformer).
void foldReshapesOfViews(func::FuncOp func, Value arena) {
  SmallVector<Operation *> reshapes;
  func.walk([&](Operation *op) {
    if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(op))
      reshapes.push_back(op);
  });
  for (Operation *op : reshapes) {
    auto type = cast<MemRefType>(op->getResult(0).getType());
    if (!type.getLayout().isIdentity() || !type.hasStaticShape())
      continue;
    Value source = op->getOperand(0);
    while (Operation *def = source.getDefiningOp()) {
      if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
        break;
      source = def->getOperand(0);
    }
    auto view = source.getDefiningOp<memref::ViewOp>();
    if (!view || view.getSource() != arena || !view.getSizes().empty() ||
        !view.getType().getLayout().isIdentity())
      continue;
    OpBuilder b(op);
    Value replacement = memref::ViewOp::create(
        b, op->getLoc(), type, arena, view.getByteShift(), ValueRange{});
    op->getResult(0).replaceAllUsesWith(replacement);
  }
  for (Operation *op : llvm::reverse(reshapes))
    if (op->use_empty())
      op->erase();
}

/// Plans `func`, whose callees in the module were planned before (their
/// arena sizes are in `arenaSizes`).
LogicalResult planFunction(func::FuncOp func, SymbolTable &symbols,
                           const DenseMap<func::FuncOp, int64_t> &arenaSizes) {
  Block &block = func.getBody().front();
  DenseMap<Operation *, int64_t> order;
  for (auto [i, op] : llvm::enumerate(block))
    order[&op] = i;

  SmallVector<Buffer> buffers;
  WalkResult walk = func.walk([&](memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
      alloc.emitError("cannot place a dynamically shaped or strided buffer "
                      "in the arena: ")
          << type;
      return WalkResult::interrupt();
    }
    if (alloc->getBlock() != &block) {
      alloc.emitError("cannot place a buffer allocated inside a region in "
                      "the arena (hoist it first)");
      return WalkResult::interrupt();
    }
    buffers.push_back({alloc,
                       {},
                       byteSize(type),
                       order[alloc],
                       lastUse(alloc, block, order)});
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  func.walk([&](func::CallOp call) {
    auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
    if (!callee || callee.isExternal())
      return;
    int64_t at = order.lookup(block.findAncestorOpInBlock(*call));
    buffers.push_back({{},
                       call,
                       static_cast<int64_t>(llvm::alignTo(
                           arenaSizes.lookup(callee), kAlignment)),
                       at,
                       at});
  });

  // First fit, largest buffers first.
  SmallVector<Buffer *> bySize;
  for (Buffer &b : buffers)
    bySize.push_back(&b);
  llvm::stable_sort(bySize,
                    [](Buffer *a, Buffer *b) { return a->size > b->size; });
  int64_t arenaSize = 0;
  SmallVector<Buffer *> placed;
  for (Buffer *buf : bySize) {
    SmallVector<Buffer *> overlapping;
    for (Buffer *p : placed)
      if (p->begin <= buf->end && buf->begin <= p->end)
        overlapping.push_back(p);
    llvm::sort(overlapping,
               [](Buffer *a, Buffer *b) { return a->offset < b->offset; });
    int64_t offset = 0;
    for (Buffer *p : overlapping) {
      if (offset + buf->size <= p->offset)
        break;
      offset = std::max(offset, p->offset + p->size);
    }
    buf->offset = offset;
    arenaSize = std::max(arenaSize, offset + buf->size);
    placed.push_back(buf);
  }

  MLIRContext *ctx = func.getContext();
  auto arenaType = MemRefType::get({arenaSize}, IntegerType::get(ctx, 8));
  unsigned index = func.getNumArguments();
  if (failed(func.insertArgument(index, arenaType, DictionaryAttr(),
                                 func.getLoc())))
    return failure();
  Value arena = func.getArgument(index);
  for (Buffer &buf : buffers) {
    if (buf.call) {
      // The callee's arena is the last argument it took.
      OpBuilder b(buf.call);
      Location loc = buf.call.getLoc();
      Value offset = arith::ConstantIndexOp::create(b, loc, buf.offset);
      auto type =
          MemRefType::get({arenaSizes.lookup(symbols.lookup<func::FuncOp>(
                              buf.call.getCallee()))},
                          IntegerType::get(func.getContext(), 8));
      Value view =
          memref::ViewOp::create(b, loc, type, arena, offset, ValueRange{});
      buf.call->insertOperands(buf.call->getNumOperands(), view);
      continue;
    }
    OpBuilder b(buf.alloc);
    Value offset =
        arith::ConstantIndexOp::create(b, buf.alloc.getLoc(), buf.offset);
    Value view =
        memref::ViewOp::create(b, buf.alloc.getLoc(), buf.alloc.getType(),
                               arena, offset, ValueRange{});
    for (Operation *user : llvm::make_early_inc_range(buf.alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    buf.alloc.replaceAllUsesWith(view);
    buf.alloc.erase();
  }
  foldReshapesOfViews(func, arena);
  func->setAttr("kiln.arena_size",
                IntegerAttr::get(IntegerType::get(ctx, 64), arenaSize));
  return success();
}

struct PlanMemoryPass : kiln::impl::KilnPlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    // Callees first: a call passes the callee a block of the caller's
    // arena, so the callee's arena size must be known.
    DenseMap<func::FuncOp, int64_t> arenaSizes;
    SmallVector<func::FuncOp> pending;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        pending.push_back(func);
    while (!pending.empty()) {
      auto ready = llvm::find_if(pending, [&](func::FuncOp func) {
        WalkResult calls = func.walk([&](func::CallOp call) {
          auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
          return callee && !callee.isExternal() && !arenaSizes.count(callee)
                     ? WalkResult::interrupt()
                     : WalkResult::advance();
        });
        return !calls.wasInterrupted();
      });
      if (ready == pending.end()) {
        pending.front().emitError(
            "kiln-plan-memory: recursive calls have no arena plan");
        return signalPassFailure();
      }
      func::FuncOp func = *ready;
      pending.erase(ready);
      if (failed(planFunction(func, symbols, arenaSizes)))
        return signalPassFailure();
      arenaSizes[func] =
          func->getAttrOfType<IntegerAttr>("kiln.arena_size").getInt();
    }
  }
};

} // namespace
