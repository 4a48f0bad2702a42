//===- MatmulGrad.cpp - gradient of matmul --------------------------------===//
//
// For Y = A' B' (A' = A or A^T, B' = B or B^T): dA' = G B'^T and
// dB' = A'^T G. Each is one matmul whose transpose flags absorb both the
// op's flags and the gradient's transposes, so no transpose op is built.
// Broadcast batch dims are summed back with unbroadcast.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ops/GradUtils.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::grad;

LogicalResult MatmulOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                       SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(2, Value());
    return success();
  }
  Value a = getLhs(), bb = getRhs();
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  // A stored as [K, M] (ta): dA = (G B'^T)^T = B' G^T.
  Value da = ta ? MatmulOp::create(b, bb, g, tb, true)
                : MatmulOp::create(b, g, bb, false, !tb);
  // B stored as [N, K] (tb): dB = (A'^T G)^T = G^T A'.
  Value db = tb ? MatmulOp::create(b, g, a, true, ta)
                : MatmulOp::create(b, a, g, !ta, false);
  og.push_back(b.unbroadcast(da, tensorType(a)));
  og.push_back(b.unbroadcast(db, tensorType(bb)));
  return success();
}
