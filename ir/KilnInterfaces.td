//===- KilnInterfaces.td - kiln op interfaces --------------*- tablegen -*-===//

#ifndef KILN_INTERFACES_TD
#define KILN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Kiln_DifferentiableOpInterface
    : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::kiln";
  let description = [{
    An op that states its vector-Jacobian product in kiln ops, for reverse
    mode autodiff (kiln-autodiff). Gradients are stated on the op itself,
    never on its expansion: the closed forms of softmax, layer_norm or a
    loss are shorter and better conditioned than the chain rule through
    their pieces.
  }];
  let methods = [
    InterfaceMethod<[{
        Given the gradient of the loss with respect to each result
        (`resultGrads[i]` has the type of result i, or is null where that
        result has no gradient, i.e. zero), appends to `operandGrads` one
        Value per operand: the gradient with respect to that operand (its
        exact type), or null where the operand gets none (integer and
        boolean operands: labels, indices, seeds, masks). Builds at `b`'s
        insertion point and location. Fails with an error at the op where
        the gradient cannot be expressed (an unsupported attribute case).
      }], "::mlir::LogicalResult", "buildGradients",
      (ins "::kiln::KilnBuilder &":$b,
           "::mlir::ArrayRef<::mlir::Value>":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // KILN_INTERFACES_TD
