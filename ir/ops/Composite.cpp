//===- Composite.cpp - recurrent layers and attention shape rules ---------===//

#include "ir/ops/OpUtils.h"

using namespace mlir;
using namespace kiln;

/// Checks the operands shared by rnn, lstm and gru (`gates` gate blocks per
/// weight) and returns [T, B, H] and [B, H].
static LogicalResult
inferRecurrent(std::optional<Location> loc, StringRef name, int64_t gates,
               Value x, Value wIh, Value wHh, Value bIh, Value bHh,
               ArrayRef<StringRef> stateNames, ArrayRef<Value> states,
               RankedTensorType &sequence, RankedTensorType &state) {
  auto input = tensorType(x);
  if (input.getRank() != 3)
    return opError(loc, name, "input must be [T, B, I], got ", typeStr(input));
  Type elt = input.getElementType();
  int64_t batch = input.getDimSize(1), inSize = input.getDimSize(2);
  auto hh = tensorType(wHh);
  if (hh.getRank() != 2 || hh.getDimSize(0) != gates * hh.getDimSize(1) ||
      hh.getElementType() != elt)
    return opError(loc, name, "w_hh must be [", gates, " * H, H] of ", elt,
                   ", got ", typeStr(hh));
  int64_t hidden = hh.getDimSize(1);
  auto ih = tensorType(wIh);
  if (ih.getShape() != ArrayRef<int64_t>{gates * hidden, inSize} ||
      ih.getElementType() != elt)
    return opError(loc, name, "w_ih must be [", gates * hidden, ", ", inSize,
                   "] of ", elt, ", got ", typeStr(ih));
  // Named arrays: an ArrayRef of a braced list in the range expression would
  // dangle once the loop starts.
  StringRef biasNames[] = {"b_ih", "b_hh"};
  Value biases[] = {bIh, bHh};
  for (auto [n, b] : llvm::zip(biasNames, biases)) {
    if (!b)
      continue;
    auto t = tensorType(b);
    if (t.getShape() != ArrayRef<int64_t>{gates * hidden} ||
        t.getElementType() != elt)
      return opError(loc, name, "'", n, "' must be [", gates * hidden, "] of ",
                     elt, ", got ", typeStr(t));
  }
  state = RankedTensorType::get({batch, hidden}, elt);
  for (auto [n, s] : llvm::zip(stateNames, states))
    if (s && tensorType(s) != state)
      return opError(loc, name, "initial state '", n, "' ",
                     typeStr(s.getType()), " must be ", typeStr(state));
  sequence = RankedTensorType::get({input.getDimSize(0), batch, hidden}, elt);
  return success();
}

LogicalResult RnnOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &inferred) {
  if (a.getActivation() != "tanh" && a.getActivation() != "relu")
    return opError(loc, getOperationName(), "activation '", a.getActivation(),
                   "' is not tanh or relu");
  RankedTensorType seq, state;
  if (failed(inferRecurrent(loc, getOperationName(), 1, a.getInput(),
                            a.getWIh(), a.getWHh(), a.getBIh(), a.getBHh(),
                            {"h0"}, {a.getH0()}, seq, state)))
    return failure();
  inferred.append({seq, state});
  return success();
}

LogicalResult LstmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc, Adaptor a,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType seq, state;
  if (failed(inferRecurrent(loc, getOperationName(), 4, a.getInput(),
                            a.getWIh(), a.getWHh(), a.getBIh(), a.getBHh(),
                            {"h0", "c0"}, {a.getH0(), a.getC0()}, seq, state)))
    return failure();
  inferred.append({seq, state, state});
  return success();
}

LogicalResult GruOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType seq, state;
  if (failed(inferRecurrent(loc, getOperationName(), 3, a.getInput(),
                            a.getWIh(), a.getWHh(), a.getBIh(), a.getBHh(),
                            {"h0"}, {a.getH0()}, seq, state)))
    return failure();
  inferred.append({seq, state});
  return success();
}

LogicalResult
MultiHeadAttentionOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc, Adaptor a,
                                       SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto q = tensorType(a.getQuery());
  if (q.getRank() != 3)
    return opError(loc, name, "query must be [B, Tq, E], got ", typeStr(q));
  int64_t batch = q.getDimSize(0), tq = q.getDimSize(1), e = q.getDimSize(2);
  Type elt = q.getElementType();
  int64_t heads = a.getNumHeads();
  if (heads < 1 || e % heads != 0)
    return opError(loc, name, "num_heads = ", heads,
                   " must divide the embedding size ", e);
  auto k = tensorType(a.getKey()), v = tensorType(a.getValue());
  if (k.getRank() != 3 || k.getDimSize(0) != batch || k.getDimSize(2) != e ||
      k.getElementType() != elt)
    return opError(loc, name, "key must be [", batch, ", Tk, ", e, "], got ",
                   typeStr(k));
  if (v != k)
    return opError(loc, name, "value ", typeStr(v), " must match key ",
                   typeStr(k));
  int64_t tk = k.getDimSize(1);
  auto weight = RankedTensorType::get({e, e}, elt);
  auto bias = RankedTensorType::get({e}, elt);
  StringRef wNames[] = {"w_q", "w_k", "w_v", "w_o"};
  Value ws[] = {a.getWQ(), a.getWK(), a.getWV(), a.getWO()};
  StringRef bNames[] = {"b_q", "b_k", "b_v", "b_o"};
  Value bs[] = {a.getBQ(), a.getBK(), a.getBV(), a.getBO()};
  for (int i = 0; i < 4; ++i) {
    if (tensorType(ws[i]) != weight)
      return opError(loc, name, "'", wNames[i], "' must be ", typeStr(weight),
                     ", got ", typeStr(ws[i].getType()));
    if (bs[i] && tensorType(bs[i]) != bias)
      return opError(loc, name, "'", bNames[i], "' must be ", typeStr(bias),
                     ", got ", typeStr(bs[i].getType()));
  }
  if (Value mask = a.getMask()) {
    auto m = tensorType(mask);
    bool shapeOk = m.getShape() == ArrayRef<int64_t>{tq, tk} ||
                   m.getShape() == ArrayRef<int64_t>{batch, tq, tk};
    bool typeOk = m.getElementType().isInteger(1) || m.getElementType() == elt;
    if (!shapeOk || !typeOk)
      return opError(loc, name, "mask must be [", tq, ", ", tk, "] or [", batch,
                     ", ", tq, ", ", tk, "] of i1 or ", elt, ", got ",
                     typeStr(m));
  }
  inferred.push_back(q);
  return success();
}
