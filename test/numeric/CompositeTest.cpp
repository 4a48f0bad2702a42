//===- CompositeTest.cpp - rnn, lstm, gru, multi_head_attention -----------===//
//
// Composite layers reach codegen through kiln-decompose (unrolled recurrences,
// attention as matmuls and softmax); these tests check the whole path.
//
//===----------------------------------------------------------------------===//

#include "NumericTest.h"

#include <limits>

using namespace kiln::numeric;
namespace ref = kiln::ref;

namespace {

// T = 7 steps, B = 3, I = 17 inputs, H = 7 hidden.
constexpr int64_t kT = 7, kB = 3, kI = 17, kH = 7;

/// Which optional operands a recurrent case passes.
struct Optionals {
  bool bIh, bHh, h0, c0;
};

const std::vector<Optionals> kOptionals = {{false, false, false, false},
                                           {true, true, true, true},
                                           {false, true, false, false},
                                           {true, false, true, false},
                                           {false, false, false, true}};

std::string optionalsText(const Optionals &o) {
  std::string s;
  for (auto [on, name] :
       {std::pair{o.bIh, "b_ih"}, {o.bHh, "b_hh"}, {o.h0, "h0"}, {o.c0, "c0"}})
    if (on)
      s += std::string(" ") + name;
  return s.empty() ? " (none)" : s;
}

/// Adds `kiln.<op>` with the optional operands `o` selects (c0 only for
/// lstm) and returns the op's value name; `results` gives the result types.
std::string addRecurrent(OpBatch &batch, const std::string &op,
                         const std::string &attrs, const Tensor &x,
                         const Tensor &wIh, const Tensor &wHh,
                         const Tensor &bIh, const Tensor &bHh, const Tensor &h0,
                         const Tensor &c0, const Optionals &o,
                         const std::vector<Tensor> &results) {
  std::string text = "kiln." + op + " " + batch.in(x) + ", " + batch.in(wIh) +
                     ", " + batch.in(wHh);
  std::string types = ty(x) + ", " + ty(wIh) + ", " + ty(wHh);
  auto optional = [&](bool on, const char *name, const Tensor &t) {
    if (!on)
      return;
    text += std::string(" ") + name + "(" + batch.in(t) + ")";
    types += ", " + ty(t);
  };
  optional(o.bIh, "b_ih", bIh);
  optional(o.bHh, "b_hh", bHh);
  optional(o.h0, "h0", h0);
  optional(op == "lstm" && o.c0, "c0", c0);
  std::string resultTypes;
  for (size_t i = 0; i < results.size(); ++i)
    resultTypes += (i ? ", " : "") + ty(results[i]);
  return batch.op(text + attrs + " : (" + types + ") -> (" + resultTypes + ")",
                  static_cast<int>(results.size()));
}

using CompositeTest = NumericTest;

TEST_F(CompositeTest, Rnn) {
  OpBatch batch;
  const std::vector<std::pair<std::string, Optionals>> cases = {
      {"tanh", kOptionals[0]},
      {"relu", kOptionals[1]},
      {"tanh", kOptionals[2]},
      {"relu", kOptionals[3]},
      {"tanh", kOptionals[1]}};
  for (const auto &[activation, o] : cases) {
    Tensor x = rand({kT, kB, kI}), wIh = rand({kH, kI}, -0.5, 0.5),
           wHh = rand({kH, kH}, -0.5, 0.5), bIh = rand({kH}), bHh = rand({kH}),
           h0 = rand({kB, kH});
    auto r = ref::rnn(x, wIh, wHh, o.bIh ? &bIh : nullptr,
                      o.bHh ? &bHh : nullptr, o.h0 ? &h0 : nullptr, activation);
    std::string attrs =
        activation == "tanh" ? "" : " {activation = \"" + activation + "\"}";
    std::string v = addRecurrent(batch, "rnn", attrs, x, wIh, wHh, bIh, bHh, h0,
                                 h0, o, {r.output, r.hN});
    std::string what = activation + optionalsText(o);
    batch.expect(v + "#0", r.output, kReduction, "rnn output " + what);
    batch.expect(v + "#1", r.hN, kReduction, "rnn h_n " + what);
  }
  batch.check();
}

TEST_F(CompositeTest, Lstm) {
  OpBatch batch;
  for (const Optionals &o : kOptionals) {
    Tensor x = rand({kT, kB, kI}), wIh = rand({4 * kH, kI}, -0.5, 0.5),
           wHh = rand({4 * kH, kH}, -0.5, 0.5), bIh = rand({4 * kH}),
           bHh = rand({4 * kH}), h0 = rand({kB, kH}), c0 = rand({kB, kH});
    auto r =
        ref::lstm(x, wIh, wHh, o.bIh ? &bIh : nullptr, o.bHh ? &bHh : nullptr,
                  o.h0 ? &h0 : nullptr, o.c0 ? &c0 : nullptr);
    std::string v = addRecurrent(batch, "lstm", "", x, wIh, wHh, bIh, bHh, h0,
                                 c0, o, {r.output, r.hN, r.cN});
    std::string what = optionalsText(o);
    batch.expect(v + "#0", r.output, kReduction, "lstm output" + what);
    batch.expect(v + "#1", r.hN, kReduction, "lstm h_n" + what);
    batch.expect(v + "#2", r.cN, kReduction, "lstm c_n" + what);
  }
  batch.check();
}

// An LSTM whose input projection, T * B x 4H, exceeds 1 MiB computes both
// projections of each step in one product of [x_t, h] (DecomposeRecurrent):
// T = 2, B = 200, H = 180 (288K elements), each optional operand on or off.
TEST_F(CompositeTest, LstmPerStepProjection) {
  constexpr int64_t t = 2, b = 200, i = 5, h = 180;
  OpBatch batch;
  for (const Optionals &o : kOptionals) {
    Tensor x = rand({t, b, i}), wIh = rand({4 * h, i}, -0.5, 0.5),
           wHh = rand({4 * h, h}, -0.1, 0.1), bIh = rand({4 * h}),
           bHh = rand({4 * h}), h0 = rand({b, h}), c0 = rand({b, h});
    auto r =
        ref::lstm(x, wIh, wHh, o.bIh ? &bIh : nullptr, o.bHh ? &bHh : nullptr,
                  o.h0 ? &h0 : nullptr, o.c0 ? &c0 : nullptr);
    std::string v = addRecurrent(batch, "lstm", "", x, wIh, wHh, bIh, bHh, h0,
                                 c0, o, {r.output, r.hN, r.cN});
    std::string what = " per step" + optionalsText(o);
    batch.expect(v + "#0", r.output, kReduction, "lstm output" + what);
    batch.expect(v + "#1", r.hN, kReduction, "lstm h_n" + what);
    batch.expect(v + "#2", r.cN, kReduction, "lstm c_n" + what);
  }
  batch.check();
}

TEST_F(CompositeTest, Gru) {
  OpBatch batch;
  for (const Optionals &o : kOptionals) {
    Tensor x = rand({kT, kB, kI}), wIh = rand({3 * kH, kI}, -0.5, 0.5),
           wHh = rand({3 * kH, kH}, -0.5, 0.5), bIh = rand({3 * kH}),
           bHh = rand({3 * kH}), h0 = rand({kB, kH});
    auto r = ref::gru(x, wIh, wHh, o.bIh ? &bIh : nullptr,
                      o.bHh ? &bHh : nullptr, o.h0 ? &h0 : nullptr);
    std::string v = addRecurrent(batch, "gru", "", x, wIh, wHh, bIh, bHh, h0,
                                 h0, o, {r.output, r.hN});
    std::string what = optionalsText(o);
    batch.expect(v + "#0", r.output, kReduction, "gru output" + what);
    batch.expect(v + "#1", r.hN, kReduction, "gru h_n" + what);
  }
  batch.check();
}

// B = 3, Tq = 7, Tk = 17, E = 9.
constexpr int64_t kTq = 7, kTk = 17, kE = 9;

struct AttentionCase {
  int64_t heads;
  bool self = false; // query = key = value
  bool bQ = false, bK = false, bV = false, bO = false;
  enum { None, Bool2D, Bool3D, Float2D, Float3D } mask = None;
};

void checkAttention(const std::vector<AttentionCase> &cases, std::mt19937 &rng,
                    bool maskFullRow = false) {
  OpBatch batch;
  for (const AttentionCase &c : cases) {
    int64_t tk = c.self ? kTq : kTk;
    Tensor q = random({kB, kTq, kE}, rng), k = random({kB, tk, kE}, rng),
           v = random({kB, tk, kE}, rng);
    Tensor w[4], b[4];
    for (int i = 0; i < 4; ++i) {
      w[i] = random({kE, kE}, rng, -0.5, 0.5);
      b[i] = random({kE}, rng);
    }
    Tensor mask;
    bool hasMask = c.mask != AttentionCase::None;
    bool batched =
        c.mask == AttentionCase::Bool3D || c.mask == AttentionCase::Float3D;
    Shape maskShape = batched ? Shape{kB, kTq, tk} : Shape{kTq, tk};
    if (c.mask == AttentionCase::Bool2D || c.mask == AttentionCase::Bool3D) {
      mask = random(maskShape, rng, 0, 1, Tensor::I1);
      // Keep one key per query row (the maskFullRow variant masks a whole
      // row on purpose).
      int64_t rows = mask.numel() / tk;
      for (int64_t row = 0; row < rows; ++row)
        mask.data[row * tk + row % tk] = 1;
      if (maskFullRow)
        for (int64_t j = 0; j < tk; ++j)
          mask.data[j] = 0;
    } else if (hasMask) {
      mask = random(maskShape, rng, -2, 2);
    }
    Tensor r = ref::multiHeadAttention(
        q, c.self ? q : k, c.self ? q : v, w[0], w[1], w[2], w[3], c.heads,
        c.bQ ? &b[0] : nullptr, c.bK ? &b[1] : nullptr, c.bV ? &b[2] : nullptr,
        c.bO ? &b[3] : nullptr, hasMask ? &mask : nullptr);
    std::string qn = batch.in(q);
    std::string kn = c.self ? qn : batch.in(k), vn = c.self ? qn : batch.in(v);
    std::string text = "kiln.multi_head_attention " + qn + ", " + kn + ", " +
                       vn + " weights(" + batch.in(w[0]) + ", " +
                       batch.in(w[1]) + ", " + batch.in(w[2]) + ", " +
                       batch.in(w[3]) + ")";
    std::string kt = c.self ? ty(q) : ty(k), vt = c.self ? ty(q) : ty(v);
    std::string types = ty(q) + ", " + kt + ", " + vt;
    for (int i = 0; i < 4; ++i)
      types += ", " + ty(w[i]);
    const char *names[] = {"b_q", "b_k", "b_v", "b_o"};
    bool on[] = {c.bQ, c.bK, c.bV, c.bO};
    std::string what = "heads " + std::to_string(c.heads);
    for (int i = 0; i < 4; ++i)
      if (on[i]) {
        text += std::string(" ") + names[i] + "(" + batch.in(b[i]) + ")";
        types += ", " + ty(b[i]);
        what += std::string(" ") + names[i];
      }
    if (hasMask) {
      text += " mask(" + batch.in(mask) + ")";
      types += ", " + ty(mask);
      what += " mask " + ty(mask);
    }
    batch.expectOp(text + " {num_heads = " + std::to_string(c.heads) + "} : (" +
                       types + ") -> " + ty(r),
                   r, kReduction, what + (c.self ? " self" : ""));
  }
  batch.check();
}

TEST_F(CompositeTest, MultiHeadAttention) {
  using A = AttentionCase;
  checkAttention({{1},
                  {9, false, true, true, true, true, A::Bool2D},
                  {3, false, false, false, true, false, A::Float3D},
                  {3, false, false, true, false, true, A::Bool3D},
                  {1, false, true, false, false, false, A::Float2D},
                  {3, true, true, true, true, true, A::Bool2D}},
                 rng);
}

// A query whose keys are all masked out attends uniformly: masked scores are
// the lowest finite value, not -inf (see the op's description), so the row
// is the mean of the values instead of NaN.
TEST_F(CompositeTest, MultiHeadAttentionFullyMaskedRow) {
  using A = AttentionCase;
  checkAttention({{3, false, true, true, true, true, A::Bool2D}}, rng,
                 /*maskFullRow=*/true);
}

} // namespace
