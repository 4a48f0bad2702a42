//===- Passes.td - kiln passes -----------------------------*- tablegen -*-===//

#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnDecompose : Pass<"kiln-decompose"> {
  let summary = "Rewrite composite ops (lstm, gru, rnn, attention) into primitives";
  let description = [{
    Unrolls recurrent layers over their static sequence length and expands
    multi-head attention into projections, reshapes, batched matmuls and a
    softmax, so that autodiff and codegen only see primitive ops.
  }];
  let dependentDialects = ["kiln::KilnDialect"];
}

#endif // KILN_PASSES_TD
