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

def KilnAutodiff : Pass<"kiln-autodiff", "mlir::ModuleOp"> {
  let summary = "Add @f_grad: the loss, then its gradient per trainable argument";
  let description = [{
    Reverse-mode autodiff over the kiln dialect. For each public function
    `@f` whose first result is a rank-0 float tensor (the loss) and that has
    an argument to differentiate (`{kiln.trainable}`, or every float
    argument with `wrt=all`), adds `@f_grad` with the same arguments,
    returning f's results followed by d loss / d argument for each
    differentiated argument in argument order.

    The clone is first decomposed (composite ops have no gradient of their
    own). Ops are then visited in reverse; each op on a path from a
    differentiated argument to the loss states its vector-Jacobian product
    through DifferentiableOpInterface, and gradients of values used several
    times are added up. `kiln.stop_gradient` and integer operands cut the
    path. An op on the path without the interface is an error at that op.
  }];
  let options = [
    Option<"wrt", "wrt", "std::string", /*default=*/"\"trainable\"",
           "which arguments to differentiate: trainable (those marked "
           "kiln.trainable) or all (every float tensor argument)">
  ];
  let dependentDialects = ["kiln::KilnDialect"];
}

#endif // KILN_PASSES_TD
