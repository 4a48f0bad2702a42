//===- OpUtils.h - helpers for kiln verifiers and shape rules --*- C++ -*-===//

#ifndef KILN_IR_OPS_OPUTILS_H
#define KILN_IR_OPS_OPUTILS_H

#include "ir/KilnOps.h"
#include "ir/ShapeUtils.h"

#include "mlir/IR/Diagnostics.h"
#include <string>

namespace kiln {

/// "2x3xf32"-style text of a shaped type, for diagnostics.
std::string typeStr(mlir::Type type);

/// Emits "'<op>' op <message>" at `loc` (when present) and fails. Shape rules
/// run both while verifying and while building, so they cannot use the
/// op's own emitOpError.
template <typename... Args>
mlir::LogicalResult opError(std::optional<mlir::Location> loc,
                            llvm::StringRef opName, Args &&...args) {
  return mlir::emitOptionalError(loc, "'", opName, "' op ",
                                 std::forward<Args>(args)...);
}

/// True when `attr` is a splat of `value` (float or integer).
bool isSplatOf(mlir::Attribute attr, double value);

/// The ranked tensor type of a value.
inline mlir::RankedTensorType tensorType(mlir::Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType());
}

/// Checks that an attribute array has `expected` entries.
mlir::LogicalResult checkArrayLength(std::optional<mlir::Location> loc,
                                     llvm::StringRef opName,
                                     llvm::StringRef attrName,
                                     llvm::ArrayRef<int64_t> values,
                                     size_t expected);

/// Checks that every entry is >= `minimum`.
mlir::LogicalResult checkAllAtLeast(std::optional<mlir::Location> loc,
                                    llvm::StringRef opName,
                                    llvm::StringRef attrName,
                                    llvm::ArrayRef<int64_t> values,
                                    int64_t minimum);

} // namespace kiln

#endif // KILN_IR_OPS_OPUTILS_H
