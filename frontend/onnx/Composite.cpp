//===- Composite.cpp - ONNX RNN, LSTM and GRU -----------------------------===//
//
// Forward, single-direction recurrences with the default activations map to
// kiln.rnn, kiln.lstm and kiln.gru after the ONNX weights are restated in
// kiln's (PyTorch's) layout: one direction squeezed out, the bias split into
// input and hidden halves, and the gate blocks reordered (ONNX stacks LSTM
// gates as i, o, f, c and GRU gates as z, r, h; kiln as i, f, c, o and
// r, z, n). ONNX's default GRU (linear_before_reset = 0) applies the reset
// gate before the hidden projection, unlike kiln.gru, and kiln.lstm has no
// peepholes: those two are unrolled here into kiln ops.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/Importer.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// The parts of an ONNX recurrence in kiln's layout.
struct Recurrence {
  Value x;         // [T, B, I]
  Value w, r;      // [G*H, I], [G*H, H]
  Value wb, rb;    // [G*H] each, or null
  Value h0, c0;    // [B, H], or null
  Value peepholes; // [3*H] (i, o, f), or null
  int64_t t, batch, hidden;
  bool batchFirst;
};

/// Reorders the G blocks of `axis` 0 of x by `order` (new block i is old
/// block order[i]).
FailureOr<Value> reorderGates(Importer &im, Value x, ArrayRef<int64_t> order,
                              int64_t hidden) {
  if (!x)
    return x;
  SmallVector<Value> blocks;
  for (int64_t g : order) {
    auto type = typeOf(x);
    SmallVector<int64_t> starts(type.getRank(), 0), limits(type.getShape()),
        steps(type.getRank(), 1);
    starts[0] = g * hidden;
    limits[0] = (g + 1) * hidden;
    KILN_TRY(block, im.make<SliceOp>({x}, {im.i64s("starts", starts),
                                           im.i64s("limits", limits),
                                           im.i64s("steps", steps)}));
    blocks.push_back(block);
  }
  return im.make<ConcatOp>(blocks, {im.i64("axis", 0)});
}

FailureOr<Recurrence> readRecurrence(Importer &im, const onnx::NodeProto &node,
                                     int64_t gates,
                                     ArrayRef<StringRef> activations) {
  auto x = im.required(node, 0), w = im.required(node, 1),
       r = im.required(node, 2);
  if (failed(x) || failed(w) || failed(r))
    return failure();
  std::string direction = attrString(node, "direction", "forward");
  if (direction != "forward")
    return im.error() << "direction '" << direction
                      << "' is not supported (forward only)",
           failure();
  if (findAttr(node, "clip"))
    return im.error() << "cell clipping is not supported", failure();
  if (attrInt(node, "input_forget", 0))
    return im.error() << "input_forget is not supported", failure();
  if (const onnx::AttributeProto *acts = findAttr(node, "activations")) {
    bool same = acts->strings_size() == static_cast<int>(activations.size());
    for (int i = 0; same && i < acts->strings_size(); ++i)
      same = StringRef(acts->strings(i)).equals_insensitive(activations[i]);
    if (!same && !(activations.size() == 1 && acts->strings_size() == 1 &&
                   StringRef(acts->strings(0)).equals_insensitive("relu")))
      return im.error() << "activations other than the defaults are not "
                           "supported",
             failure();
  }
  Recurrence rec;
  rec.batchFirst = attrInt(node, "layout", 0);
  Value input = *x;
  auto xt = typeOf(input);
  if (xt.getRank() != 3)
    return im.error() << "X must be 3-D, got " << xt, failure();
  if (rec.batchFirst) {
    KILN_TRY(tbi, im.make<TransposeOp>({input},
                                       {im.i64s("permutation", {1, 0, 2})}));
    input = tbi;
  }
  rec.x = input;
  rec.t = typeOf(input).getDimSize(0);
  rec.batch = typeOf(input).getDimSize(1);
  int64_t inSize = typeOf(input).getDimSize(2);
  auto wt = typeOf(*w), rt = typeOf(*r);
  if (wt.getRank() != 3 || wt.getDimSize(0) != 1 || rt.getRank() != 3 ||
      rt.getDimSize(0) != 1 || wt.getDimSize(1) % gates ||
      wt.getDimSize(2) != inSize)
    return im.error() << "W " << wt << " and R " << rt
                      << " do not fit one direction of " << gates
                      << " gates over input " << xt,
           failure();
  rec.hidden = wt.getDimSize(1) / gates;
  if (attrInt(node, "hidden_size", rec.hidden) != rec.hidden ||
      rt.getDimSize(1) != gates * rec.hidden || rt.getDimSize(2) != rec.hidden)
    return im.error() << "hidden_size " << attrInt(node, "hidden_size", 0)
                      << " disagrees with W " << wt << " and R " << rt,
           failure();
  int64_t gh = gates * rec.hidden;
  KILN_TRY(w2, im.reshape(*w, {gh, inSize}));
  KILN_TRY(r2, im.reshape(*r, {gh, rec.hidden}));
  rec.w = w2;
  rec.r = r2;
  if (Value b = im.input(node, 3)) {
    if (typeOf(b).getShape() != ArrayRef<int64_t>{1, 2 * gh})
      return im.error() << "B must be [1, " << 2 * gh << "], got " << typeOf(b),
             failure();
    KILN_TRY(b1, im.reshape(b, {2 * gh}));
    KILN_TRY(wb, im.make<SliceOp>({b1}, {im.i64s("starts", {0}),
                                         im.i64s("limits", {gh}),
                                         im.i64s("steps", {1})}));
    KILN_TRY(rb, im.make<SliceOp>({b1}, {im.i64s("starts", {gh}),
                                         im.i64s("limits", {2 * gh}),
                                         im.i64s("steps", {1})}));
    rec.wb = wb;
    rec.rb = rb;
  }
  if (Value lens = im.input(node, 4)) {
    auto known = im.knownInts(lens);
    if (!known || llvm::any_of(*known, [&](int64_t l) { return l != rec.t; }))
      return im.error() << "sequence_lens must all equal the sequence "
                           "length (variable lengths are not supported)",
             failure();
  }
  auto state = [&](int index) -> FailureOr<Value> {
    Value v = im.input(node, index);
    if (!v)
      return Value();
    SmallVector<int64_t> expected =
        rec.batchFirst ? SmallVector<int64_t>{rec.batch, 1, rec.hidden}
                       : SmallVector<int64_t>{1, rec.batch, rec.hidden};
    if (typeOf(v).getShape() != ArrayRef<int64_t>(expected))
      return im.error() << "initial state must be [" << expected[0] << ", "
                        << expected[1] << ", " << expected[2] << "], got "
                        << typeOf(v),
             failure();
    return im.reshape(v, {rec.batch, rec.hidden});
  };
  auto h0 = state(5);
  if (failed(h0))
    return failure();
  rec.h0 = *h0;
  if (gates == 4) {
    auto c0 = state(6);
    if (failed(c0))
      return failure();
    rec.c0 = *c0;
    if (Value p = im.input(node, 7)) {
      if (typeOf(p).getShape() != ArrayRef<int64_t>{1, 3 * rec.hidden})
        return im.error() << "P must be [1, " << 3 * rec.hidden << "], got "
                          << typeOf(p),
               failure();
      KILN_TRY(p1, im.reshape(p, {3 * rec.hidden}));
      rec.peepholes = p1;
    }
  }
  return rec;
}

/// Binds Y ([T, 1, B, H], or [B, T, 1, H] batch-first) and the final
/// states ([1, B, H] or [B, 1, H]).
LogicalResult bindOutputs(Importer &im, const onnx::NodeProto &node,
                          const Recurrence &rec, Value sequence,
                          ArrayRef<Value> finals) {
  if (Importer::hasOutput(node, 0)) {
    Value y = sequence;
    if (rec.batchFirst) {
      KILN_TRY(bth,
               im.make<TransposeOp>({y}, {im.i64s("permutation", {1, 0, 2})}));
      KILN_TRY(y4, im.reshape(bth, {rec.batch, rec.t, 1, rec.hidden}));
      y = y4;
    } else {
      KILN_TRY(y4, im.reshape(y, {rec.t, 1, rec.batch, rec.hidden}));
      y = y4;
    }
    im.setOutput(node, 0, y);
  }
  for (auto [i, f] : llvm::enumerate(finals)) {
    if (!Importer::hasOutput(node, 1 + i))
      continue;
    SmallVector<int64_t> shape =
        rec.batchFirst ? SmallVector<int64_t>{rec.batch, 1, rec.hidden}
                       : SmallVector<int64_t>{1, rec.batch, rec.hidden};
    KILN_TRY(s, im.reshape(f, shape));
    im.setOutput(node, 1 + i, s);
  }
  return success();
}

/// operandSegmentSizes of a kiln recurrence: input, w_ih, w_hh, then the
/// optional b_ih, b_hh, h0 (and c0).
NamedAttribute segments(Importer &im, ArrayRef<Value> optional) {
  SmallVector<int32_t> sizes = {1, 1, 1};
  for (Value v : optional)
    sizes.push_back(v ? 1 : 0);
  return im.attr("operandSegmentSizes", im.b().getDenseI32ArrayAttr(sizes));
}

SmallVector<Value> present(ArrayRef<Value> values) {
  SmallVector<Value> r;
  for (Value v : values)
    if (v)
      r.push_back(v);
  return r;
}

LogicalResult importRnn(Importer &im, const onnx::NodeProto &node) {
  auto rec = readRecurrence(im, node, 1, {"Tanh"});
  if (failed(rec))
    return failure();
  std::string activation = "tanh";
  if (const onnx::AttributeProto *acts = findAttr(node, "activations"))
    activation = StringRef(acts->strings(0)).lower();
  SmallVector<Value> optional = {rec->wb, rec->rb, rec->h0};
  SmallVector<Value> operands =
      present({rec->x, rec->w, rec->r, rec->wb, rec->rb, rec->h0});
  auto results =
      im.makeAll(RnnOp::getOperationName(), operands,
                 {segments(im, optional),
                  im.attr("activation", im.b().getStringAttr(activation))},
                 2);
  if (failed(results))
    return failure();
  return bindOutputs(im, node, *rec, (*results)[0], {(*results)[1]});
}

/// Elements [g * size, (g + 1) * size) of v's last dim.
FailureOr<Value> lastDimBlock(Importer &im, Value v, int64_t g, int64_t size) {
  auto type = typeOf(v);
  SmallVector<int64_t> starts(type.getRank(), 0), limits(type.getShape()),
      steps(type.getRank(), 1);
  starts.back() = g * size;
  limits.back() = (g + 1) * size;
  return im.make<SliceOp>({v},
                          {im.i64s("starts", starts), im.i64s("limits", limits),
                           im.i64s("steps", steps)});
}

/// An LSTM with peepholes (kiln.lstm has none), unrolled over time in
/// ONNX's form: i and f see c_{t-1} through P_i and P_f, o sees c_t
/// through P_o.
FailureOr<std::tuple<Value, Value, Value>> unrollLstm(Importer &im,
                                                      const Recurrence &rec) {
  int64_t hsz = rec.hidden, b = rec.batch;
  Type elt = typeOf(rec.x).getElementType();
  int64_t inSize = typeOf(rec.x).getDimSize(2);
  KILN_TRY(flat, im.reshape(rec.x, {rec.t * b, inSize}));
  KILN_TRY(xw, im.make<MatmulOp>({flat, rec.w},
                                 {im.boolean("transpose_rhs", true)}));
  Value xProj = xw;
  if (rec.wb) {
    KILN_TRY(withW, im.make<AddOp>({xProj, rec.wb}));
    KILN_TRY(withR, im.make<AddOp>({withW, rec.rb}));
    xProj = withR;
  }
  KILN_TRY(xSteps, im.reshape(xProj, {rec.t, b, 4 * hsz}));
  SmallVector<Value> p;
  for (int64_t g = 0; g < 3; ++g) {
    KILN_TRY(pg, lastDimBlock(im, rec.peepholes, g, hsz));
    p.push_back(pg);
  }
  auto zeros = im.b().zeros(RankedTensorType::get({b, hsz}, elt));
  Value h = rec.h0 ? rec.h0 : zeros, c = rec.c0 ? rec.c0 : zeros;
  SmallVector<Value> outputs;
  for (int64_t t = 0; t < rec.t; ++t) {
    KILN_TRY(xt3,
             im.make<SliceOp>({xSteps}, {im.i64s("starts", {t, 0, 0}),
                                         im.i64s("limits", {t + 1, b, 4 * hsz}),
                                         im.i64s("steps", {1, 1, 1})}));
    KILN_TRY(xt, im.reshape(xt3, {b, 4 * hsz}));
    KILN_TRY(
        hr, im.make<MatmulOp>({h, rec.r}, {im.boolean("transpose_rhs", true)}));
    KILN_TRY(pre, im.make<AddOp>({xt, hr}));
    // Blocks in ONNX order: i, o, f, c.
    KILN_TRY(iPre, lastDimBlock(im, pre, 0, hsz));
    KILN_TRY(oPre, lastDimBlock(im, pre, 1, hsz));
    KILN_TRY(fPre, lastDimBlock(im, pre, 2, hsz));
    KILN_TRY(cPre, lastDimBlock(im, pre, 3, hsz));
    KILN_TRY(pic, im.make<MulOp>({p[0], c}));
    KILN_TRY(pfc, im.make<MulOp>({p[2], c}));
    KILN_TRY(iIn, im.make<AddOp>({iPre, pic}));
    KILN_TRY(fIn, im.make<AddOp>({fPre, pfc}));
    KILN_TRY(i, im.make<SigmoidOp>({iIn}, {}, typeOf(iIn)));
    KILN_TRY(f, im.make<SigmoidOp>({fIn}, {}, typeOf(fIn)));
    KILN_TRY(g, im.make<TanhOp>({cPre}, {}, typeOf(cPre)));
    KILN_TRY(fc, im.make<MulOp>({f, c}));
    KILN_TRY(ig, im.make<MulOp>({i, g}));
    KILN_TRY(cNext, im.make<AddOp>({fc, ig}));
    c = cNext;
    KILN_TRY(poc, im.make<MulOp>({p[1], c}));
    KILN_TRY(oIn, im.make<AddOp>({oPre, poc}));
    KILN_TRY(o, im.make<SigmoidOp>({oIn}, {}, typeOf(oIn)));
    KILN_TRY(tc, im.make<TanhOp>({c}, {}, typeOf(c)));
    KILN_TRY(hNext, im.make<MulOp>({o, tc}));
    h = hNext;
    KILN_TRY(h3, im.reshape(h, {1, b, hsz}));
    outputs.push_back(h3);
  }
  KILN_TRY(sequence, im.make<ConcatOp>(outputs, {im.i64("axis", 0)}));
  return std::make_tuple(sequence, h, c);
}

LogicalResult importLstm(Importer &im, const onnx::NodeProto &node) {
  auto rec = readRecurrence(im, node, 4, {"Sigmoid", "Tanh", "Tanh"});
  if (failed(rec))
    return failure();
  if (rec->peepholes) {
    auto unrolled = unrollLstm(im, *rec);
    if (failed(unrolled))
      return failure();
    auto [sequence, h, c] = *unrolled;
    return bindOutputs(im, node, *rec, sequence, {h, c});
  }
  // ONNX i, o, f, c -> kiln i, f, c, o.
  SmallVector<int64_t> order = {0, 2, 3, 1};
  KILN_TRY(w, reorderGates(im, rec->w, order, rec->hidden));
  KILN_TRY(r, reorderGates(im, rec->r, order, rec->hidden));
  KILN_TRY(wb, reorderGates(im, rec->wb, order, rec->hidden));
  KILN_TRY(rb, reorderGates(im, rec->rb, order, rec->hidden));
  SmallVector<Value> optional = {wb, rb, rec->h0, rec->c0};
  auto results = im.makeAll(LstmOp::getOperationName(),
                            present({rec->x, w, r, wb, rb, rec->h0, rec->c0}),
                            {segments(im, optional)}, 3);
  if (failed(results))
    return failure();
  return bindOutputs(im, node, *rec, (*results)[0],
                     {(*results)[1], (*results)[2]});
}

/// ONNX's default GRU step, h' = (1 - z) h~ + z h with
/// h~ = tanh(x Wh^T + Wbh + (r * h) Rh^T + Rbh), unrolled over time.
FailureOr<std::pair<Value, Value>> unrollGru(Importer &im,
                                             const Recurrence &rec) {
  int64_t hsz = rec.hidden, b = rec.batch;
  Type elt = typeOf(rec.x).getElementType();
  auto block = [&](Value v, int64_t g) -> FailureOr<Value> {
    auto type = typeOf(v);
    SmallVector<int64_t> starts(type.getRank(), 0), limits(type.getShape()),
        steps(type.getRank(), 1);
    starts.back() = g * hsz;
    limits.back() = (g + 1) * hsz;
    return im.make<SliceOp>({v}, {im.i64s("starts", starts),
                                  im.i64s("limits", limits),
                                  im.i64s("steps", steps)});
  };
  // The input projection of every step at once: [T*B, 3H].
  int64_t inSize = typeOf(rec.x).getDimSize(2);
  KILN_TRY(flat, im.reshape(rec.x, {rec.t * b, inSize}));
  KILN_TRY(xw, im.make<MatmulOp>({flat, rec.w},
                                 {im.boolean("transpose_rhs", true)}));
  Value xProj = xw;
  if (rec.wb) {
    KILN_TRY(biased, im.make<AddOp>({xProj, rec.wb}));
    xProj = biased;
  }
  KILN_TRY(xSteps, im.reshape(xProj, {rec.t, b, 3 * hsz}));
  // R's blocks transposed once: z, r, h.
  SmallVector<Value> rBlocks, rBias;
  for (int64_t g = 0; g < 3; ++g) {
    auto type = typeOf(rec.r);
    KILN_TRY(rg, im.make<SliceOp>(
                     {rec.r},
                     {im.i64s("starts", {g * hsz, 0}),
                      im.i64s("limits", {(g + 1) * hsz, type.getDimSize(1)}),
                      im.i64s("steps", {1, 1})}));
    rBlocks.push_back(rg);
    if (rec.rb) {
      KILN_TRY(bg, block(rec.rb, g));
      rBias.push_back(bg);
    }
  }
  Value h =
      rec.h0 ? rec.h0 : im.b().zeros(RankedTensorType::get({b, hsz}, elt));
  SmallVector<Value> outputs;
  auto project = [&](Value v, int64_t g) -> FailureOr<Value> {
    KILN_TRY(p, im.make<MatmulOp>({v, rBlocks[g]},
                                  {im.boolean("transpose_rhs", true)}));
    if (!rec.rb)
      return p;
    return im.make<AddOp>({p, rBias[g]});
  };
  for (int64_t t = 0; t < rec.t; ++t) {
    KILN_TRY(xt3,
             im.make<SliceOp>({xSteps}, {im.i64s("starts", {t, 0, 0}),
                                         im.i64s("limits", {t + 1, b, 3 * hsz}),
                                         im.i64s("steps", {1, 1, 1})}));
    KILN_TRY(xt, im.reshape(xt3, {b, 3 * hsz}));
    KILN_TRY(xz, block(xt, 0));
    KILN_TRY(xr, block(xt, 1));
    KILN_TRY(xh, block(xt, 2));
    KILN_TRY(hz, project(h, 0));
    KILN_TRY(hr, project(h, 1));
    KILN_TRY(zPre, im.make<AddOp>({xz, hz}));
    KILN_TRY(rPre, im.make<AddOp>({xr, hr}));
    KILN_TRY(z, im.make<SigmoidOp>({zPre}, {}, typeOf(zPre)));
    KILN_TRY(r, im.make<SigmoidOp>({rPre}, {}, typeOf(rPre)));
    KILN_TRY(rh, im.make<MulOp>({r, h}));
    KILN_TRY(hh, project(rh, 2));
    KILN_TRY(nPre, im.make<AddOp>({xh, hh}));
    KILN_TRY(n, im.make<TanhOp>({nPre}, {}, typeOf(nPre)));
    // h' = n + z * (h - n)
    KILN_TRY(diff, im.make<SubOp>({h, n}));
    KILN_TRY(zd, im.make<MulOp>({z, diff}));
    KILN_TRY(next, im.make<AddOp>({n, zd}));
    h = next;
    KILN_TRY(h3, im.reshape(h, {1, b, hsz}));
    outputs.push_back(h3);
  }
  KILN_TRY(sequence, im.make<ConcatOp>(outputs, {im.i64("axis", 0)}));
  return std::make_pair(sequence, h);
}

LogicalResult importGru(Importer &im, const onnx::NodeProto &node) {
  auto rec = readRecurrence(im, node, 3, {"Sigmoid", "Tanh"});
  if (failed(rec))
    return failure();
  if (!attrInt(node, "linear_before_reset", 0)) {
    auto unrolled = unrollGru(im, *rec);
    if (failed(unrolled))
      return failure();
    return bindOutputs(im, node, *rec, unrolled->first, {unrolled->second});
  }
  // ONNX z, r, h -> kiln r, z, n.
  SmallVector<int64_t> order = {1, 0, 2};
  KILN_TRY(w, reorderGates(im, rec->w, order, rec->hidden));
  KILN_TRY(r, reorderGates(im, rec->r, order, rec->hidden));
  KILN_TRY(wb, reorderGates(im, rec->wb, order, rec->hidden));
  KILN_TRY(rb, reorderGates(im, rec->rb, order, rec->hidden));
  SmallVector<Value> optional = {wb, rb, rec->h0};
  auto results = im.makeAll(GruOp::getOperationName(),
                            present({rec->x, w, r, wb, rb, rec->h0}),
                            {segments(im, optional)}, 2);
  if (failed(results))
    return failure();
  return bindOutputs(im, node, *rec, (*results)[0], {(*results)[1]});
}

} // namespace

void registerCompositeOps(OpTable &t) {
  t["RNN"] = importRnn;
  t["LSTM"] = importLstm;
  t["GRU"] = importGru;
}

} // namespace kiln::onnx_import
