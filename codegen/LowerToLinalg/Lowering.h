//===- Lowering.h - shared pieces of the kiln-to-linalg lowering -*- C++
//-*-===//

#ifndef KILN_CODEGEN_LOWERTOLINALG_LOWERING_H
#define KILN_CODEGEN_LOWERTOLINALG_LOWERING_H

#include "ir/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {

/// Computes one scalar of a generic's body from its block arguments.
using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The map from a result's iteration space (rank `resultRank`) to an operand
/// of `operandShape` under NumPy broadcasting: trailing dims align, and an
/// operand dim of 1 against a larger result dim reads index 0.
mlir::AffineMap broadcastMap(llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape,
                             mlir::MLIRContext *ctx);

/// An elementwise linalg.generic producing `resultType` from broadcast
/// `inputs`.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, ScalarBody body);

/// A copy generic whose loops follow `dest` and whose input `src` is read
/// through `perm` (dest dim i reads src dim perm[i]). Unlike
/// linalg.transpose it fuses with elementwise neighbours, and when the
/// innermost dim stays innermost the elementwise schedule vectorizes it.
mlir::Value permutedCopy(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value src, mlir::Value dest,
                         llvm::ArrayRef<unsigned> perm);

/// tensor.empty of a type, and the same filled with `value`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::TypedAttr value);

/// A scalar arith.constant of a float or integer type.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);
/// The identity of max (lowest value) or min (highest value) for a type.
mlir::TypedAttr extremeValue(mlir::Type type, bool lowest);

/// Reshapes a static tensor with expand/collapse_shape (through 1-D when
/// neither applies).
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::RankedTensorType type);

/// Converts a scalar between element types (float, integer, i1) with the
/// semantics of kiln.cast.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type to);

void populateElementwiseLowering(mlir::RewritePatternSet &patterns);
/// `im2col`: groups = 1 convolutions as patches times a matmul (the packed
/// matmul schedule then applies) instead of linalg's NCHW conv ops.
void populateContractionLowering(mlir::RewritePatternSet &patterns,
                                 bool im2col);
void populateReductionLowering(mlir::RewritePatternSet &patterns);
void populateDataMovementLowering(mlir::RewritePatternSet &patterns);
/// kiln.max_pool2d_grad (the pooling ops themselves are in Contraction.cpp).
void populatePoolingLowering(mlir::RewritePatternSet &patterns);

} // namespace kiln

#endif // KILN_CODEGEN_LOWERTOLINALG_LOWERING_H
