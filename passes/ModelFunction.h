//===- ModelFunction.h - finding the model of a module ----------*- C++ -*-===//
//
// Passes that work on "the model" (kiln-set-batch, kiln-build-train-step)
// find it the same way: by name when the user gives one, otherwise as the
// one public function with kiln.trainable arguments.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_MODELFUNCTION_H
#define KILN_PASSES_MODELFUNCTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace kiln {

/// The function named `name`, or (empty name) the one public function with
/// a body and kiln.trainable arguments; null after an error prefixed with
/// `pass` when there is none or several.
mlir::func::FuncOp findModelFunction(mlir::ModuleOp module,
                                     llvm::StringRef name,
                                     llvm::StringRef pass);

} // namespace kiln

#endif // KILN_PASSES_MODELFUNCTION_H
