//===- Decompose.h - shared pieces of kiln-decompose -----------*- C++ -*-===//
//
// The rewrite patterns of kiln-decompose live in one file per kind of
// composite op; this header declares their entry points and a small builder
// that emits primitive kiln ops at one location with inferred result types.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_DECOMPOSE_H
#define KILN_PASSES_DECOMPOSE_H

#include "ir/KilnOps.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {

/// Patterns rewriting kiln.rnn, kiln.lstm and kiln.gru (unrolled in time).
void populateDecomposeRecurrentPatterns(mlir::RewritePatternSet &patterns);

/// Pattern rewriting kiln.multi_head_attention.
void populateDecomposeAttentionPatterns(mlir::RewritePatternSet &patterns);

/// Emits primitive kiln ops at `loc`. Where noted, a null Value stands for
/// an all-zero tensor (an absent bias, a zero initial state): the helpers
/// then emit nothing, which keeps optional operands out of the callers'
/// control flow and spares work on known zeros.
class PrimitiveBuilder {
public:
  PrimitiveBuilder(mlir::PatternRewriter &rewriter, mlir::Location loc)
      : rewriter(rewriter), loc(loc) {}

  /// lhs @ rhs (rhs transposed on request); null (zero) when lhs is null.
  mlir::Value matmul(mlir::Value lhs, mlir::Value rhs,
                     bool transposeRhs = false);
  /// lhs + rhs; a null operand counts as zero.
  mlir::Value add(mlir::Value lhs, mlir::Value rhs);
  mlir::Value sub(mlir::Value lhs, mlir::Value rhs);
  /// lhs * rhs; null (zero) when either operand is null.
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs);
  mlir::Value sigmoid(mlir::Value input);
  mlir::Value tanh(mlir::Value input);
  mlir::Value relu(mlir::Value input);
  mlir::Value softmax(mlir::Value input, int64_t axis);
  mlir::Value select(mlir::Value condition, mlir::Value onTrue,
                     mlir::Value onFalse);
  mlir::Value reshape(mlir::Value input, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value input, llvm::ArrayRef<int64_t> perm);
  mlir::Value concat(mlir::ValueRange inputs, int64_t axis);
  /// Elements [start, limit) of `axis`, every other dim whole; null when
  /// `input` is null.
  mlir::Value slice(mlir::Value input, int64_t axis, int64_t start,
                    int64_t limit);
  /// A rank-0 constant; it broadcasts against any shape.
  mlir::Value scalar(mlir::Type elementType, const llvm::APFloat &value);
  mlir::Value scalar(mlir::Type elementType, double value);
  /// A zero-filled constant of `type`.
  mlir::Value zeros(mlir::RankedTensorType type);

private:
  mlir::PatternRewriter &rewriter;
  mlir::Location loc;
};

} // namespace kiln

#endif // KILN_PASSES_DECOMPOSE_H
