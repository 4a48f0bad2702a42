//===- Schedule.cpp - applying generated transform schedules --------------===//

#include "codegen/Schedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

#include <thread>

using namespace mlir;

namespace kiln {

LogicalResult applySchedule(Operation *root, StringRef text) {
  MLIRContext *ctx = root->getContext();
  OwningOpRef<ModuleOp> schedule =
      parseSourceString<ModuleOp>(text, ParserConfig(ctx));
  if (!schedule)
    return root->emitError("kiln: the generated transform schedule does not "
                           "parse (a bug in kiln)");
  auto sequence =
      *schedule->getBody()->getOps<transform::TransformOpInterface>().begin();
  return transform::applyTransforms(root, sequence);
}

void substitute(std::string &text,
                ArrayRef<std::pair<StringRef, std::string>> params) {
  for (auto &[key, value] : params)
    for (size_t at; (at = text.find(key.str())) != std::string::npos;)
      text.replace(at, key.size(), value);
}

bool hasScalarArithBody(Operation *op) {
  for (Operation &inner :
       cast<linalg::LinalgOp>(op).getBlock()->getOperations()) {
    if (isa<linalg::YieldOp>(inner))
      continue;
    StringRef dialect =
        inner.getDialect() ? inner.getDialect()->getNamespace() : StringRef();
    if ((dialect != "arith" && dialect != "math") || inner.getNumRegions())
      return false;
    for (Type t :
         llvm::concat<Type>(inner.getOperandTypes(), inner.getResultTypes()))
      if (!t.isIntOrIndexOrFloat() || t.isIndex())
        return false;
  }
  return true;
}

namespace {

/// Producers that travel with their consumer into the scratch function:
/// the schedule fuses fills into its loops and folds packs of constants
/// (weights packed at compile time).
bool travelsWithConsumer(Operation *op) {
  return op && isa<tensor::EmptyOp, arith::ConstantOp, linalg::FillOp>(op);
}

/// `roots` and their travelling producers, producers first.
SmallVector<Operation *> collectOps(ArrayRef<Operation *> roots) {
  llvm::SetVector<Operation *> ops;
  std::function<void(Operation *)> visit = [&](Operation *op) {
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp();
          travelsWithConsumer(def) && !ops.contains(def))
        visit(def);
    ops.insert(op);
  };
  for (Operation *root : roots)
    visit(root);
  return ops.takeVector();
}

} // namespace

LogicalResult scheduleInIsolation(
    Operation *target, function_ref<LogicalResult(Operation *scratch)> schedule,
    bool quiet, ArrayRef<Operation *> prologues, Operation *epilogue) {
  MLIRContext *ctx = target->getContext();
  Location loc = target->getLoc();
  // The last op's results leave the scratch function, and its place is
  // where the scheduled code goes (the epilogue may use values defined
  // after `target`).
  Operation *last = epilogue ? epilogue : target;
  SmallVector<Operation *> roots(prologues);
  roots.push_back(target);
  if (epilogue)
    roots.push_back(epilogue);
  SmallVector<Operation *> ops = collectOps(roots);
  llvm::SetVector<Operation *> inside(ops.begin(), ops.end());

  // Everything the ops use from outside becomes an argument.
  llvm::SetVector<Value> external;
  for (Operation *op : ops) {
    for (Value v : op->getOperands())
      if (!inside.contains(v.getDefiningOp()))
        external.insert(v);
    getUsedValuesDefinedAbove(op->getRegions(), external);
  }

  OpBuilder b(ctx);
  SmallVector<Type> argTypes;
  for (Value v : external)
    argTypes.push_back(v.getType());
  OwningOpRef<func::FuncOp> scratch =
      func::FuncOp::create(loc, "kiln_schedule_scratch",
                           b.getFunctionType(argTypes, last->getResultTypes()));
  Block *body = scratch->addEntryBlock();
  IRMapping map;
  for (auto [v, arg] : llvm::zip(external, body->getArguments()))
    map.map(v, arg);
  b.setInsertionPointToStart(body);
  for (Operation *op : ops) {
    Operation *copy = b.clone(*op, map);
    if (op == target)
      copy->setAttr(kScheduleTarget, UnitAttr::get(ctx));
    if (op == epilogue)
      copy->setAttr(kScheduleEpilogue, UnitAttr::get(ctx));
    if (llvm::is_contained(prologues, op))
      copy->setAttr(kSchedulePrologue, UnitAttr::get(ctx));
  }
  func::ReturnOp::create(b, loc, map.lookup(last)->getResults());

  {
    // Other threads of the pass manager share the context's handlers: drop
    // only this thread's diagnostics.
    std::thread::id self = std::this_thread::get_id();
    std::optional<ScopedDiagnosticHandler> silence;
    if (quiet)
      silence.emplace(ctx, [self](Diagnostic &) {
        return success(std::this_thread::get_id() == self);
      });
    if (failed(schedule(*scratch)) || failed(verify(*scratch)))
      return failure();
  }

  // Splice the scheduled ops in before `last` and let them take its place.
  target->getParentOfType<func::FuncOp>()->setAttr(kScheduledFunction,
                                                   UnitAttr::get(ctx));
  for (auto [v, arg] : llvm::zip(external, body->getArguments()))
    arg.replaceAllUsesWith(v);
  auto ret = cast<func::ReturnOp>(body->getTerminator());
  last->replaceAllUsesWith(ret.getOperands());
  last->getBlock()->getOperations().splice(Block::iterator(last),
                                           body->getOperations(), body->begin(),
                                           Block::iterator(ret));
  last->erase();
  if (epilogue)
    target->erase();
  for (Operation *op : prologues)
    op->erase();
  return success();
}

} // namespace kiln
