//===- ModelFunction.cpp - finding the model of a module ------------------===//

#include "passes/ModelFunction.h"
#include "ir/KilnDialect.h"

using namespace mlir;

namespace kiln {

static bool hasTrainableArgument(func::FuncOp func) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, KilnDialect::getTrainableAttrName()))
      return true;
  return false;
}

func::FuncOp findModelFunction(ModuleOp module, StringRef name,
                               StringRef pass) {
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isDeclaration())
      continue;
    bool match = name.empty() ? func.isPublic() && hasTrainableArgument(func)
                              : func.getSymName() == name;
    if (!match)
      continue;
    if (found) {
      module.emitError() << pass
                         << ": several public functions have kiln.trainable "
                            "arguments (@"
                         << found.getSymName() << ", @" << func.getSymName()
                         << "); name one with model=";
      return {};
    }
    found = func;
  }
  if (!found) {
    if (name.empty())
      module.emitError() << pass
                         << ": no public function has kiln.trainable "
                            "arguments";
    else
      module.emitError() << pass << ": no function @" << name;
  }
  return found;
}

} // namespace kiln
