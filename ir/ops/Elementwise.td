//===- Elementwise.td - constants, unary, binary, compare, select, cast ---===//

#ifndef KILN_OPS_ELEMENTWISE_TD
#define KILN_OPS_ELEMENTWISE_TD

include "ir/KilnBase.td"

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "output"]>, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "a constant tensor";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Kiln_StopGradientOp : Kiln_UnaryOp<"stop_gradient"> {
  let summary = "identity in the forward pass; no gradient flows through it";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

def Kiln_NegOp : Kiln_UnaryOp<"neg"> {
  let summary = "-x"; let hasFolder = 1; }
def Kiln_AbsOp : Kiln_UnaryOp<"abs"> { let summary = "|x|"; }
def Kiln_ExpOp : Kiln_UnaryOp<"exp"> { let summary = "e^x"; }
def Kiln_LogOp : Kiln_UnaryOp<"log"> { let summary = "natural logarithm"; }
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt"> { let summary = "square root"; }
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt"> { let summary = "1 / sqrt(x)"; }
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal"> { let summary = "1 / x"; }
def Kiln_TanhOp : Kiln_UnaryOp<"tanh"> { let summary = "hyperbolic tangent"; }
def Kiln_CosOp : Kiln_UnaryOp<"cos"> { let summary = "cosine (radians)"; }
def Kiln_SinOp : Kiln_UnaryOp<"sin"> { let summary = "sine (radians)"; }
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid"> {
  let summary = "1 / (1 + e^-x)"; }
def Kiln_ReluOp : Kiln_UnaryOp<"relu"> { let summary = "max(x, 0)"; }
def Kiln_ErfOp : Kiln_UnaryOp<"erf"> { let summary = "Gauss error function"; }
def Kiln_SoftplusOp : Kiln_UnaryOp<"softplus"> {
  let summary = "log(1 + e^x), computed stably"; }

def Kiln_LeakyReluOp : Kiln_UnaryOp<"leaky_relu"> {
  let summary = "x if x >= 0 else alpha * x";
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}
def Kiln_EluOp : Kiln_UnaryOp<"elu"> {
  let summary = "x if x > 0 else alpha * (e^x - 1)";
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}
def Kiln_SeluOp : Kiln_UnaryOp<"selu"> {
  let summary = "gamma * (x if x > 0 else alpha * (e^x - 1))";
  let arguments = (ins Kiln_FloatTensor:$input,
      DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
      DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma);
}
def Kiln_GeluOp : Kiln_UnaryOp<"gelu"> {
  let summary = "x * Phi(x); `approximate` uses the tanh form";
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "false">:$approximate);
}
def Kiln_ClipOp : Kiln_UnaryOp<"clip"> {
  let summary = "min(max(x, min), max); a missing bound does not clip";
  let arguments = (ins Kiln_FloatTensor:$input, OptionalAttr<F32Attr>:$min,
                       OptionalAttr<F32Attr>:$max);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Binary with NumPy broadcasting
//===----------------------------------------------------------------------===//

def Kiln_AddOp : Kiln_BinaryOp<"add", [Commutative]> {
  let summary = "lhs + rhs"; let hasFolder = 1; }
def Kiln_SubOp : Kiln_BinaryOp<"sub"> {
  let summary = "lhs - rhs"; let hasFolder = 1; }
def Kiln_MulOp : Kiln_BinaryOp<"mul", [Commutative]> {
  let summary = "lhs * rhs"; let hasFolder = 1; }
def Kiln_DivOp : Kiln_BinaryOp<"div"> {
  let summary = "lhs / rhs (integer division truncates)"; let hasFolder = 1; }
def Kiln_PowOp : Kiln_BinaryOp<"pow"> { let summary = "lhs ^ rhs"; }
def Kiln_MaxOp : Kiln_BinaryOp<"max", [Commutative]> {
  let summary = "elementwise maximum"; }
def Kiln_MinOp : Kiln_BinaryOp<"min", [Commutative]> {
  let summary = "elementwise minimum"; }

def Kiln_EqOp : Kiln_CompareOp<"eq", [Commutative]> { let summary = "lhs == rhs"; }
def Kiln_LtOp : Kiln_CompareOp<"lt"> { let summary = "lhs < rhs"; }
def Kiln_LeOp : Kiln_CompareOp<"le"> { let summary = "lhs <= rhs"; }
def Kiln_GtOp : Kiln_CompareOp<"gt"> { let summary = "lhs > rhs"; }
def Kiln_GeOp : Kiln_CompareOp<"ge"> { let summary = "lhs >= rhs"; }

def Kiln_SelectOp : Kiln_Op<"select", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "condition ? on_true : on_false, with broadcasting of all three";
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_Tensor:$on_true,
                       Kiln_Tensor:$on_false);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_CastOp : Kiln_Op<"cast", [Pure, SameOperandsAndResultShape,
    DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "element type conversion (floats round to nearest, "
                "float to int truncates toward zero, nonzero to i1 is true)";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

#endif // KILN_OPS_ELEMENTWISE_TD
