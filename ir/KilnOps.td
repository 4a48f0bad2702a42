//===- KilnOps.td - all kiln ops, by family ---------------*- tablegen -*-===//

#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "ir/KilnBase.td"
include "ir/ops/Elementwise.td"
include "ir/ops/Matmul.td"
include "ir/ops/Conv.td"
include "ir/ops/Reduction.td"
include "ir/ops/Shape.td"
include "ir/ops/Norm.td"
include "ir/ops/Loss.td"
include "ir/ops/Composite.td"

#endif // KILN_OPS_TD
