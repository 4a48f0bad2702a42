//===- Autodiff.h - reverse-mode autodiff as a library ----------*- C++ -*-===//
//
// The core of kiln-autodiff, for passes that build functions with
// gradients inside them (kiln-build-train-step).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_AUTODIFF_H
#define KILN_PASSES_AUTODIFF_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln {

/// Decomposes composite ops in `func` (one block, first result a rank-0
/// float loss), then appends d loss / d argument for each argument index in
/// `wrt` (float tensors) to its results, in `wrt` order. Errors are emitted
/// at the offending op.
mlir::LogicalResult appendGradients(mlir::func::FuncOp func,
                                    llvm::ArrayRef<unsigned> wrt);

} // namespace kiln

#endif // KILN_PASSES_AUTODIFF_H
