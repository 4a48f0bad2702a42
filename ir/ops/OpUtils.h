//===- OpUtils.h - verifier, shape rule and fold helpers ---*- C++ -*-===//

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

// Constant folding of data movement: slices, concats and transposes of
// constants fold, so that weight layouts an importer restates (ONNX's LSTM
// gate order) or a matmul transposes are constants again, packed at compile
// time instead of copied at every call. Each returns null when an input is
// not a constant or its elements are not whole bytes (i1 is packed bits).

/// The constant of `type` whose element at index `at` is `input`'s element
/// at the index whose dim `source(d, at[d]).first` is
/// `source(d, at[d]).second`, for each dim d of `type`.
mlir::DenseElementsAttr gatherConstant(
    mlir::DenseElementsAttr input, mlir::RankedTensorType type,
    llvm::function_ref<std::pair<int64_t, int64_t>(int64_t d, int64_t i)>
        source);

/// `input` with its dims permuted: result dim d is input dim perm[d].
mlir::DenseElementsAttr transposeConstant(mlir::DenseElementsAttr input,
                                          llvm::ArrayRef<int64_t> perm);

/// `inputs` (null entries allowed: the result is then null) joined along
/// `axis` into `type`.
mlir::DenseElementsAttr
concatConstants(llvm::ArrayRef<mlir::DenseElementsAttr> inputs,
                mlir::RankedTensorType type, int64_t axis);

} // namespace kiln

#endif // KILN_IR_OPS_OPUTILS_H
