//===- SetBatch.cpp - kiln-set-batch --------------------------------------===//
//
// Gives a model function a new static batch size. Types are inferred again
// op by op from the new input type through InferTypeOpInterface; the few
// ops whose result type is an attribute of the IR (reshape, broadcast_to)
// keep dim 0 in step with the batch when it was the batch before.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnOps.h"
#include "passes/ModelFunction.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

namespace kiln {
#define GEN_PASS_DEF_KILNSETBATCH
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// `type` with dim 0 replaced by `batch`.
RankedTensorType withBatch(RankedTensorType type, int64_t batch) {
  SmallVector<int64_t> shape(type.getShape());
  shape[0] = batch;
  return type.clone(shape);
}

/// The new result types of `op`, whose operands may have new types.
FailureOr<SmallVector<Type>> inferAgain(Operation *op, int64_t oldBatch,
                                        int64_t batch) {
  SmallVector<Type> types;
  if (isa<ReshapeOp, BroadcastToOp>(op)) {
    auto in = cast<RankedTensorType>(op->getOperand(0).getType());
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    if (in.getRank() == 0 || in.getDimSize(0) != batch || out.getRank() == 0 ||
        out.getDimSize(0) != oldBatch) {
      op->emitError() << "kiln-set-batch: cannot rebatch " << op->getName()
                      << " to " << out
                      << ": its result does not keep the batch as dim 0";
      return failure();
    }
    types.push_back(withBatch(out, batch));
    return types;
  }
  auto infer = dyn_cast<InferTypeOpInterface>(op);
  if (!infer || failed(infer.inferReturnTypes(
                    op->getContext(), op->getLoc(), op->getOperands(),
                    op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
                    op->getRegions(), types))) {
    op->emitError() << "kiln-set-batch: cannot infer the type of "
                    << op->getName() << " at the new batch " << batch;
    return failure();
  }
  return types;
}

struct SetBatchPass : kiln::impl::KilnSetBatchBase<SetBatchPass> {
  using KilnSetBatchBase::KilnSetBatchBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (batch <= 0) {
      module.emitError() << "kiln-set-batch: batch must be > 0, got " << batch;
      return signalPassFailure();
    }
    func::FuncOp func = findModelFunction(module, model, "kiln-set-batch");
    if (!func)
      return signalPassFailure();
    if (failed(rebatch(func)))
      return signalPassFailure();
  }

  LogicalResult rebatch(func::FuncOp func) {
    if (!func.getBody().hasOneBlock())
      return func.emitError() << "kiln-set-batch: @" << func.getSymName()
                              << " must have one block";
    Block &body = func.getBody().front();
    BlockArgument input;
    for (BlockArgument arg : body.getArguments()) {
      if (func.getArgAttr(arg.getArgNumber(),
                          KilnDialect::getTrainableAttrName()))
        continue;
      if (input)
        return func.emitError()
               << "kiln-set-batch: @" << func.getSymName()
               << " has several inputs that are not kiln.trainable (#"
               << input.getArgNumber() << ", #" << arg.getArgNumber()
               << "); the batch is dim 0 of the only one";
      input = arg;
    }
    auto inputType = input ? dyn_cast<RankedTensorType>(input.getType())
                           : RankedTensorType();
    if (!inputType || inputType.getRank() == 0)
      return func.emitError() << "kiln-set-batch: @" << func.getSymName()
                              << " needs one input of rank >= 1 that is not "
                                 "kiln.trainable (its dim 0 is the batch)";
    int64_t oldBatch = inputType.getDimSize(0);
    if (oldBatch == batch)
      return success();
    input.setType(withBatch(inputType, batch));

    // Ops are in dominance order, so every operand is final when its user
    // is visited. Only ops that see a changed operand are inferred again.
    DenseSet<Value> changed = {input};
    for (Operation &op : body.without_terminator()) {
      if (llvm::none_of(op.getOperands(),
                        [&](Value v) { return changed.contains(v); }))
        continue;
      FailureOr<SmallVector<Type>> types = inferAgain(&op, oldBatch, batch);
      if (failed(types))
        return failure();
      for (auto [result, type] : llvm::zip(op.getResults(), *types))
        if (result.getType() != type) {
          result.setType(type);
          changed.insert(result);
        }
    }
    func.setFunctionType(
        FunctionType::get(func.getContext(), body.getArgumentTypes(),
                          body.getTerminator()->getOperandTypes()));
    return success();
  }
};

} // namespace
