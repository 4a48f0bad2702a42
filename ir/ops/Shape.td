//===- Shape.td - reshape, transpose, concat, slice, gather, broadcast, pad -===//

#ifndef KILN_OPS_SHAPE_TD
#define KILN_OPS_SHAPE_TD

include "ir/KilnBase.td"

def Kiln_ReshapeOp : Kiln_Op<"reshape", [Pure,
    DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "same elements in row-major order, new static shape";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_TransposeOp : Kiln_Op<"transpose", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "permute dims: output dim i is input dim permutation[i]";
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def Kiln_ConcatOp : Kiln_Op<"concat", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "join tensors along one axis";
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, Kiln_SI64Attr:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_Op<"slice", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "elements start[i], start[i] + step[i], ... before limit[i]";
  let description = [{
    One entry per dim of `input`; starts and limits are in range
    (0 <= start <= limit <= dim), steps are positive. Frontends normalize
    negative, clamped or reversed slices before building this op.
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$limits, DenseI64ArrayAttr:$steps);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_Op<"gather", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "take slices of data along axis at integer indices";
  let description = [{
    The result shape is data.shape[:axis] + indices.shape +
    data.shape[axis + 1:]. Negative indices count from the end. An
    embedding lookup is a gather along axis 0.
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<Kiln_SI64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_BroadcastToOp : Kiln_Op<"broadcast_to", [Pure,
    DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "NumPy broadcast of input to the result shape";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_PadOp : Kiln_Op<"pad", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "pad each dim by low/high amounts (constant, reflect or edge)";
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$low,
      DenseI64ArrayAttr:$high,
      DefaultValuedAttr<Kiln_PadModeAttr, "::kiln::PadMode::constant">:$mode,
      DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

#endif // KILN_OPS_SHAPE_TD
