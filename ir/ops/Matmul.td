//===- Matmul.td - matrix multiplication ---------------------------------===//

#ifndef KILN_OPS_MATMUL_TD
#define KILN_OPS_MATMUL_TD

include "ir/KilnBase.td"

def Kiln_MatmulOp : Kiln_Op<"matmul", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Kiln_DifferentiableOpInterface>]> {
  let summary = "matrix product over the last two dims, batch dims broadcast";
  let description = [{
    `lhs` is [..., M, K] (or [..., K, M] with `transpose_lhs`), `rhs` is
    [..., K, N] (or [..., N, K] with `transpose_rhs`); both have rank >= 2.
    The leading (batch) dims broadcast like NumPy. The result is
    [broadcast(batch), M, N].
  }];
  let arguments = (ins Kiln_FloatTensor:$lhs, Kiln_FloatTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_lhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_rhs);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

#endif // KILN_OPS_MATMUL_TD
