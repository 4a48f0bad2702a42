//===- ShapeGrad.cpp - gradients of shape and data movement ops -----------===//
//
// Each op's gradient is the transpose of its data movement: reshape back,
// the inverse permutation, slices of the gradient for concat, zero padding
// (with interleaved zeros for strides) for slice, a slice for constant pad,
// unbroadcast for broadcast_to. gather, and pad in reflect/edge mode, read
// some input elements several times; their gradient sums those reads with a
// matmul by a constant or one-hot matrix along the axis, which costs
// O(#indices * dim) memory per axis: fine for embeddings of moderate
// vocabulary, not a substitute for a scatter-add on huge ones.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ops/GradUtils.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::grad;

LogicalResult ReshapeOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                        SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  og.push_back(g && isFloat(g) ? b.reshape(g, tensorType(getInput()).getShape())
                               : Value());
  return success();
}

LogicalResult TransposeOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g || !isFloat(g)) {
    og.push_back(Value());
    return success();
  }
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inverse[perm[i]] = i;
  og.push_back(TransposeOp::create(b, g, inverse));
  return success();
}

LogicalResult ConcatOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                       SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g || !isFloat(g)) {
    og.append(getInputs().size(), Value());
    return success();
  }
  int64_t rank = tensorType(g).getRank();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  int64_t offset = 0;
  for (Value input : getInputs()) {
    ArrayRef<int64_t> shape = tensorType(input).getShape();
    SmallVector<int64_t> starts(rank, 0);
    starts[axis] = offset;
    og.push_back(sliceBox(b, g, starts, shape));
    offset += shape[axis];
  }
  return success();
}

LogicalResult SliceOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                      SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  og.push_back(g && isFloat(g)
                   ? unslice(b, g, tensorType(getInput()).getShape(),
                             getStarts(), getSteps())
                   : Value());
  return success();
}

LogicalResult GatherOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                       SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  auto dataType = tensorType(getData());
  int64_t axis = getAxis() < 0 ? getAxis() + dataType.getRank() : getAxis();
  og.push_back(g && isFloat(g) ? gatherGrad(b, g, getIndices(), dataType, axis)
                               : Value());
  og.push_back(Value());
  return success();
}

LogicalResult BroadcastToOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                            SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  og.push_back(g && isFloat(g) ? b.unbroadcast(g, tensorType(getInput()))
                               : Value());
  return success();
}

LogicalResult PadOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                    SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g || !isFloat(g)) {
    og.push_back(Value());
    return success();
  }
  auto inType = tensorType(getInput());
  ArrayRef<int64_t> low = getLow(), high = getHigh();
  if (getMode() == PadMode::constant) {
    og.push_back(sliceBox(b, g, low, inType.getShape()));
    return success();
  }
  // reflect/edge read input[map(o)] along each axis independently (the
  // lowering's index map), so the gradient applies the transposed 0/1
  // matrix of each padded axis in turn.
  bool reflect = getMode() == PadMode::reflect;
  for (int64_t d = 0; d < inType.getRank(); ++d) {
    if (low[d] == 0 && high[d] == 0)
      continue;
    int64_t size = inType.getDimSize(d), out = tensorType(g).getDimSize(d);
    SmallVector<double> m(size * out, 0.0);
    for (int64_t o = 0; o < out; ++o) {
      int64_t i = o - low[d];
      if (reflect) {
        if (i < 0)
          i = -i;
        if (i >= size)
          i = 2 * (size - 1) - i;
      }
      i = std::min(std::max<int64_t>(i, 0), size - 1);
      m[i * out + o] = 1.0;
    }
    auto mType = RankedTensorType::get({size, out}, inType.getElementType());
    g = applyAlongAxis(b, g, floatConstant(b, mType, m), d);
  }
  og.push_back(g);
  return success();
}
