//===- Decompose.h - shared pieces of kiln-decompose -----------*- C++ -*-===//
//
// The rewrite patterns of kiln-decompose live in one file per kind of
// composite op; this header declares their entry points and the builder they
// share.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_DECOMPOSE_H
#define KILN_PASSES_DECOMPOSE_H

#include "ir/KilnBuilder.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {

/// Patterns rewriting kiln.rnn, kiln.lstm and kiln.gru (unrolled in time).
void populateDecomposeRecurrentPatterns(mlir::RewritePatternSet &patterns);

/// Pattern rewriting kiln.multi_head_attention.
void populateDecomposeAttentionPatterns(mlir::RewritePatternSet &patterns);

/// A KilnBuilder where a null Value stands for an all-zero tensor (an absent
/// bias, a zero initial state): these helpers then emit nothing, which keeps
/// optional operands out of the callers' control flow and spares work on
/// known zeros. Every other helper expects non-null operands.
class ZeroAwareBuilder : public KilnBuilder {
public:
  using KilnBuilder::KilnBuilder;

  /// lhs + rhs; a null operand counts as zero.
  mlir::Value add(mlir::Value lhs, mlir::Value rhs);
  /// lhs * rhs; null (zero) when either operand is null.
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs);
  /// lhs @ rhs (rhs transposed on request); null (zero) when lhs is null.
  mlir::Value matmul(mlir::Value lhs, mlir::Value rhs,
                     bool transposeRhs = false);
};

} // namespace kiln

#endif // KILN_PASSES_DECOMPOSE_H
