//===- Autodiff.cpp - reverse-mode autodiff over the kiln dialect ---------===//
//
// kiln-autodiff adds @f_grad next to each loss function @f: a clone that
// also returns d loss / d argument for the differentiated arguments. The
// clone is decomposed first (composites have no gradient of their own),
// then its ops are visited in reverse order; each op on a path from a
// differentiated argument to the loss (found by a forward activity sweep)
// builds its vector-Jacobian product through DifferentiableOpInterface at
// the end of the function, and the gradients of a value used several times
// are summed. Ops off that path are never asked for a gradient, so data
// preprocessing (argmax of labels, integer casts) may use any op.
//
//===----------------------------------------------------------------------===//

#include "passes/Autodiff.h"
#include "ir/KilnBuilder.h"
#include "passes/Decompose.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseSet.h"

namespace kiln {
#define GEN_PASS_DEF_KILNAUTODIFF
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// The arguments of `func` to differentiate, in order.
SmallVector<unsigned> wrtArguments(func::FuncOp func, bool all) {
  SmallVector<unsigned> wrt;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    if (!isFloatTensor(func.getArgumentTypes()[i]))
      continue;
    if (all || func.getArgAttr(i, KilnDialect::getTrainableAttrName()))
      wrt.push_back(i);
  }
  return wrt;
}

/// Whether `func` returns a loss first: a rank-0 float tensor.
bool returnsLoss(func::FuncOp func) {
  if (func.isDeclaration() || !func.isPublic() || func.getNumResults() == 0)
    return false;
  auto type = dyn_cast<RankedTensorType>(func.getResultTypes()[0]);
  return type && type.getRank() == 0 && isa<FloatType>(type.getElementType());
}

/// Appends the gradients of `func`'s first result with respect to the
/// arguments `wrt` to its results.
LogicalResult differentiate(func::FuncOp func, ArrayRef<unsigned> wrt) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("kiln-autodiff needs a function of one block");
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());

  // Forward sweep: the float values that depend on a differentiated
  // argument. Only they receive gradients.
  llvm::DenseSet<Value> active;
  for (unsigned i : wrt)
    active.insert(body.getArgument(i));
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator()) {
    ops.push_back(&op);
    bool uses = llvm::any_of(op.getOperands(),
                             [&](Value v) { return active.contains(v); });
    op.walk([&](Operation *nested) {
      uses |= llvm::any_of(nested->getOperands(),
                           [&](Value v) { return active.contains(v); });
    });
    if (!uses)
      continue;
    for (Value r : op.getResults())
      if (isFloatTensor(r.getType()))
        active.insert(r);
  }

  KilnBuilder b(ret.getLoc(), func.getContext());
  b.setInsertionPoint(ret);
  DenseMap<Value, Value> grads;
  Value loss = ret.getOperand(0);
  if (active.contains(loss))
    grads[loss] = b.splat(cast<RankedTensorType>(loss.getType()), 1.0);

  for (Operation *op : llvm::reverse(ops)) {
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value r : op->getResults()) {
      resultGrads.push_back(grads.lookup(r));
      any |= static_cast<bool>(resultGrads.back());
    }
    if (!any)
      continue;
    auto diff = dyn_cast<DifferentiableOpInterface>(op);
    if (!diff)
      return op->emitError()
             << "'" << op->getName()
             << "' has no gradient; it lies on a path from a differentiated "
                "argument to the loss (cut the path with kiln.stop_gradient "
                "or express it in differentiable kiln ops)";
    b.setLoc(op->getLoc());
    SmallVector<Value> operandGrads;
    if (failed(diff.buildGradients(b, resultGrads, operandGrads)))
      return failure();
    if (operandGrads.size() != op->getNumOperands())
      return op->emitError()
             << "internal error: buildGradients gave " << operandGrads.size()
             << " gradients for " << op->getNumOperands() << " operands";
    for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads)) {
      if (!g || !active.contains(operand))
        continue;
      if (g.getType() != operand.getType())
        return op->emitError()
               << "internal error: gradient of type " << g.getType()
               << " for an operand of type " << operand.getType();
      auto [it, inserted] = grads.try_emplace(operand, g);
      if (!inserted)
        it->second = b.add(it->second, g);
    }
  }

  // Results: the original ones, then one gradient per argument (zeros for
  // an argument the loss does not depend on).
  b.setLoc(ret.getLoc());
  SmallVector<Value> results(ret.getOperands());
  SmallVector<Type> resultTypes(func.getResultTypes());
  for (unsigned i : wrt) {
    Value arg = body.getArgument(i);
    Value g = grads.lookup(arg);
    if (!g)
      g = b.splat(cast<RankedTensorType>(arg.getType()), 0.0);
    results.push_back(g);
    resultTypes.push_back(arg.getType());
  }
  func::ReturnOp::create(b, results);
  ret.erase();
  ArrayAttr resultAttrs = func.getAllResultAttrs();
  func.setFunctionType(FunctionType::get(func.getContext(),
                                         func.getArgumentTypes(), resultTypes));
  if (resultAttrs) {
    SmallVector<Attribute> attrs(resultAttrs.getValue());
    attrs.resize(resultTypes.size(), DictionaryAttr::get(func.getContext()));
    func.setAllResultAttrs(attrs);
  }

  // Operand gradients nobody needed (labels' targets, inactive operands).
  SmallVector<Operation *> all;
  for (Operation &op : body.without_terminator())
    all.push_back(&op);
  for (Operation *op : llvm::reverse(all))
    if (isOpTriviallyDead(op))
      op->erase();
  return success();
}

} // namespace

LogicalResult kiln::appendGradients(func::FuncOp func, ArrayRef<unsigned> wrt) {
  RewritePatternSet patterns(func.getContext());
  populateDecomposeRecurrentPatterns(patterns);
  populateDecomposeAttentionPatterns(patterns);
  if (failed(applyPatternsGreedily(func, std::move(patterns))))
    return func.emitError("kiln-autodiff: decomposition did not converge");
  return differentiate(func, wrt);
}

namespace {

struct AutodiffPass : kiln::impl::KilnAutodiffBase<AutodiffPass> {
  using KilnAutodiffBase::KilnAutodiffBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (wrt != "trainable" && wrt != "all") {
      module.emitError() << "kiln-autodiff: wrt must be 'trainable' or "
                            "'all', got '"
                         << wrt << "'";
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> losses;
    for (auto func : module.getOps<func::FuncOp>())
      if (returnsLoss(func) && !wrtArguments(func, wrt == "all").empty())
        losses.push_back(func);

    SymbolTable symbols(module);
    for (func::FuncOp func : losses) {
      std::string name = (func.getSymName() + "_grad").str();
      if (symbols.lookup(name)) {
        func.emitError() << "kiln-autodiff: cannot add @" << name
                         << ": the symbol exists";
        return signalPassFailure();
      }
      auto grad = cast<func::FuncOp>(func->clone());
      grad.setSymName(name);
      symbols.insert(grad, std::next(Block::iterator(func)));
      if (failed(appendGradients(grad, wrtArguments(grad, wrt == "all"))))
        return signalPassFailure();
    }
  }
};

} // namespace
