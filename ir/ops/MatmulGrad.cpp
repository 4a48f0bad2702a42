//===- MatmulGrad.cpp - gradient of matmul --------------------------------===//
//
// For Y = A' B' (A' = A or A^T, B' = B or B^T): dA' = G B'^T and
// dB' = A'^T G. Each is one matmul whose transpose flags absorb both the
// op's flags and the gradient's transposes, so no transpose op is built.
// Broadcast batch dims are summed back with unbroadcast, except for a 2-D
// B under a batched A, whose gradient is one product over all the rows.
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
  Value db;
  auto aType = tensorType(a), bType = tensorType(bb);
  if (aType.getRank() > 2 && bType.getRank() == 2 && !ta) {
    // A 2-D B shared by every batch of A (a dense layer on a sequence):
    // the batch sum of A_i^T G_i is one product of all the rows, [K, P] x
    // [P, N] with P the rows of every batch, rather than a batch of
    // products summed afterwards.
    int64_t k = aType.getShape().back(), rows = aType.getNumElements() / k;
    int64_t n = tensorType(g).getShape().back();
    Value aRows = b.reshape(a, {rows, k}), gRows = b.reshape(g, {rows, n});
    db = tb ? MatmulOp::create(b, gRows, aRows, true, false)
            : MatmulOp::create(b, aRows, gRows, true, false);
  } else {
    db = tb ? MatmulOp::create(b, g, a, true, ta)
            : MatmulOp::create(b, a, g, !ta, false);
  }
  og.push_back(b.unbroadcast(da, tensorType(a)));
  og.push_back(b.unbroadcast(db, tensorType(bb)));
  return success();
}
