//===- Schedule.h - applying generated transform schedules ------*- C++ -*-===//
//
// The schedule passes (kiln-schedule-matmul, kiln-schedule-elementwise,
// kiln-lower-vectors) generate transform sequences as text and apply them
// with the transform interpreter. A per-op schedule runs on a scratch
// function that holds only that op and the producers it folds or fuses, so
// that its canonicalization and CSE cost grows with the op, not with the
// function: on a whole train step the per-op cost made compilation
// quadratic.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_SCHEDULE_H
#define KILN_CODEGEN_SCHEDULE_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace kiln {

/// The op a per-op sequence works on is marked with this unit attribute
/// (sequences match `attributes{kiln.schedule_target}`).
constexpr llvm::StringLiteral kScheduleTarget = "kiln.schedule_target";
/// A function some per-op schedule changed: kiln-lower-vectors lowers its
/// vector code (stage B) and removes the mark.
constexpr llvm::StringLiteral kScheduledFunction = "kiln.scheduled";

/// Parses `text`, a transform.sequence, and applies it to `root`.
mlir::LogicalResult applySchedule(mlir::Operation *root, llvm::StringRef text);

/// Replaces every occurrence of each key (a `$name` placeholder of a
/// generated sequence) in `text` by its value, key by key in the given order.
void substitute(std::string &text,
                llvm::ArrayRef<std::pair<llvm::StringRef, std::string>> params);

/// The elementwise producers and consumer a schedule fuses into its op's
/// loops are marked with these unit attributes in the scratch function.
constexpr llvm::StringLiteral kSchedulePrologue = "kiln.schedule_prologue";
constexpr llvm::StringLiteral kScheduleEpilogue = "kiln.schedule_epilogue";

/// Runs `schedule` on a scratch function holding `target` (marked with
/// kScheduleTarget) and its empty, fill and constant producers, then splices
/// the scheduled code in place of `target` and marks the enclosing function
/// with kScheduledFunction. The scratch function also holds `prologues`
/// (producers whose one user is `target`, marked kSchedulePrologue) and an
/// `epilogue` (the one user of `target`'s results, later in the same block,
/// marked kScheduleEpilogue, whose results it then returns); the scheduled
/// code replaces them all. On failure nothing changes; the diagnostics of
/// the try are reported, or dropped when `quiet`.
mlir::LogicalResult scheduleInIsolation(
    mlir::Operation *target,
    llvm::function_ref<mlir::LogicalResult(mlir::Operation *scratch)> schedule,
    bool quiet, llvm::ArrayRef<mlir::Operation *> prologues = {},
    mlir::Operation *epilogue = nullptr);

/// Whether `op`'s body is arith and math ops on scalars (no index, no
/// regions, no tensor.extract gathers): what the vectorizer handles.
bool hasScalarArithBody(mlir::Operation *op);

/// Replaces each linalg.pack of an f32 constant under `root` by the packed
/// constant: weights packed once at compile time instead of at every call.
/// Returns how many packs were folded.
int foldConstantPacks(mlir::Operation *root);

} // namespace kiln

#endif // KILN_CODEGEN_SCHEDULE_H
