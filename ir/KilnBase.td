//===- KilnBase.td - kiln dialect, enums and op base classes -*- tablegen -*-===//
//
// The kiln dialect: tensor ops for training and running neural networks.
// Ops work on ranked tensors; f32 is the compute type, i64/i32 carry indices
// and labels, i1 carries masks.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_BASE_TD
#define KILN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "ir/KilnInterfaces.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "Tensor ops for compiling whole training steps to native code";
  let description = [{
    Ops on ranked tensors with static shapes. Elementwise binary ops follow
    NumPy broadcasting. Composite layers (lstm, gru, rnn,
    multi_head_attention) are rewritten into primitive ops by
    `kiln-decompose` before autodiff and lowering.

    A function argument marked `{kiln.trainable}` is a parameter: autodiff
    computes its gradient and optimizers update it.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Name of the unit attribute that marks a function argument trainable.
    static constexpr llvm::StringLiteral getTrainableAttrName() {
      return llvm::StringLiteral("kiln.trainable");
    }
    /// Name of a string attribute naming an argument or result (e.g. its
    /// ONNX value name), used in generated headers and driver messages.
    static constexpr llvm::StringLiteral getNameAttrName() {
      return llvm::StringLiteral("kiln.name");
    }
    /// Name of a string attribute choosing how a trainable argument is
    /// initialized before training: zeros, ones, glorot_uniform,
    /// glorot_normal, he_uniform or he_normal (see runtime.h).
    static constexpr llvm::StringLiteral getInitAttrName() {
      return llvm::StringLiteral("kiln.init");
    }
    /// Whether `name` is one of the initializers kiln.init accepts.
    static bool isInitializerName(llvm::StringRef name);
  }];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Kiln_Reduction : I32EnumAttr<"Reduction", "how a loss reduces over the batch", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"sum", 2>]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_ReductionAttr : EnumAttr<Kiln_Dialect, Kiln_Reduction, "reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kiln_PadMode : I32EnumAttr<"PadMode", "how pad fills the border", [
    I32EnumAttrCase<"constant", 0>,
    I32EnumAttrCase<"reflect", 1>,
    I32EnumAttrCase<"edge", 2>]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_PadModeAttr : EnumAttr<Kiln_Dialect, Kiln_PadMode, "pad_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Shapes are static: the shape rules compute exact sizes, and a frontend
// substitutes the shapes the user names for dynamic dims before building ops.
def Kiln_FloatTensor : StaticShapeTensorOf<[F32, F64, F16, BF16]>;
def Kiln_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
def Kiln_BoolTensor : StaticShapeTensorOf<[I1]>;
def Kiln_I64Tensor : StaticShapeTensorOf<[I64]>;
def Kiln_Tensor : StaticShapeTensorOf<[F32, F64, F16, BF16, I1, I8, I16, I32,
                                       I64]>;
// A scalar: a rank-0 tensor.
def Kiln_I64Scalar : 0DTensorOf<[I64]>;

// An i64 attribute read back as a signed value: axes and indices may be
// negative (counted from the end), and I64Attr would return them as uint64_t.
def Kiln_SI64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                                 "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

//===----------------------------------------------------------------------===//
// Op base classes
//===----------------------------------------------------------------------===//

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

// Elementwise unary op on floats: result type equals the operand type.
class Kiln_UnaryOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                              Elementwise, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>])> {
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

// Elementwise binary op with NumPy broadcasting; result element type equals
// the operands' element type.
class Kiln_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [Pure,
        InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>])> {
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

// Comparison with NumPy broadcasting; the result is an i1 mask.
class Kiln_CompareOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [Pure,
        InferTypeOpAdaptor])> {
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_BoolTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

// Reduction over `axes` (empty: all axes) with keepdims.
class Kiln_ReduceOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [Pure,
        InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>])> {
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keepdims);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
}

// A loss: a per-example value reduced by `reduction`.
class Kiln_LossOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [Pure,
        InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>])> {
  let results = (outs Kiln_FloatTensor:$loss);
  let assemblyFormat = [{
    $input `,` $target attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KILN_BASE_TD
