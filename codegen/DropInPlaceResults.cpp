//===- DropInPlaceResults.cpp - results that alias their arguments --------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln {
#define GEN_PASS_DEF_KILNDROPINPLACERESULTS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kInPlaceOf = "kiln.in_place_of";

LogicalResult dropInPlaceResults(func::FuncOp func) {
  if (func.isExternal())
    return success();
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  llvm::BitVector drop(func.getNumResults());
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    auto argIndex = func.getResultAttrOfType<IntegerAttr>(i, kInPlaceOf);
    if (!argIndex)
      continue;
    int64_t arg = argIndex.getInt();
    if (arg < 0 || arg >= static_cast<int64_t>(func.getNumArguments()) ||
        ret.getOperand(i) != func.getArgument(arg))
      return func.emitError("result ")
             << i << " should have been updated in place of argument " << arg
             << " but was not (it would cost a copy per call)";
    drop.set(i);
  }
  if (drop.none())
    return success();
  ret->eraseOperands(drop);
  return func.eraseResults(drop);
}

struct DropInPlaceResultsPass
    : kiln::impl::KilnDropInPlaceResultsBase<DropInPlaceResultsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(dropInPlaceResults(func)))
        return signalPassFailure();
  }
};

} // namespace
