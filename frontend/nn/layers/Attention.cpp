//===- Attention.cpp - multi-head attention and the Transformer encoder ---===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

#include <functional>

using namespace mlir;

namespace kiln::nn {

namespace {

/// The checks and parameters of attention over [batch, time, embed]; the
/// encoder layer declares them under "attn." through the same function.
void checkAttentionInput(int64_t heads, const Shape &x,
                         const std::function<void(const std::string &)> &fail) {
  if (x.size() != 3)
    fail("expects a rank-3 input [batch, time, embed], got " + formatShape(x));
  if (x[2] % heads != 0)
    fail("has " + std::to_string(heads) +
         " heads, which do not divide the embedding size of its input " +
         formatShape(x));
}

Value attention(KilnBuilder &b, int64_t heads, Value q, Value kv,
                ArrayRef<Value> p) {
  return MultiHeadAttentionOp::create(b, q, kv, kv, p[0], p[1], p[2], p[3],
                                      p[4], p[5], p[6], p[7], Value(),
                                      b.getI64IntegerAttr(heads));
}

const char *const kAttentionParams[] = {"w_q", "w_k", "w_v", "w_o",
                                        "b_q", "b_k", "b_v", "b_o"};

class MultiHeadAttentionLayer : public Layer {
public:
  MultiHeadAttentionLayer(int64_t heads, std::string name)
      : Layer("MultiHeadAttention", std::move(name)), heads(heads) {
    if (heads < 1)
      fail("needs numHeads >= 1, got " + std::to_string(heads));
  }

  Shape build(const std::vector<Shape> &inputs) override {
    if (inputs.empty() || inputs.size() > 2)
      fail("takes a query and optionally a key/value input, got " +
           std::to_string(inputs.size()) + " inputs");
    auto failHere = [this](const std::string &m) { fail(m); };
    for (const Shape &x : inputs)
      checkAttentionInput(heads, x, failHere);
    const Shape &q = inputs[0], &kv = inputs.back();
    if (kv[0] != q[0] || kv[2] != q[2])
      fail("needs query and key/value of one batch and embedding size, got " +
           formatShape(q) + " and " + formatShape(kv));
    int64_t e = q[2];
    for (int i = 0; i < 8; ++i)
      addParam(kAttentionParams[i], i < 4 ? Shape{e, e} : Shape{e},
               i < 4 ? Initializer::glorotUniform() : Initializer::zeros());
    return q;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    return attention(b, heads, inputs[0], inputs.back(), params);
  }

private:
  int64_t heads;
};

class TransformerEncoderLayerImpl : public Layer {
public:
  TransformerEncoderLayerImpl(int64_t heads, int64_t ffDim,
                              TransformerOptions options)
      : Layer("TransformerEncoderLayer", options.name), heads(heads),
        ffDim(ffDim), options(std::move(options)) {
    if (heads < 1 || ffDim < 1)
      fail("needs numHeads and ffDim >= 1");
  }

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    checkAttentionInput(heads, x, [this](const std::string &m) { fail(m); });
    int64_t e = x[2];
    for (int i = 0; i < 8; ++i)
      addParam(std::string("attn.") + kAttentionParams[i],
               i < 4 ? Shape{e, e} : Shape{e},
               i < 4 ? Initializer::glorotUniform() : Initializer::zeros());
    addParam("norm1.scale", {e}, Initializer::ones());
    addParam("norm1.bias", {e}, Initializer::zeros());
    addParam("ff1.kernel", {e, ffDim}, Initializer::glorotUniform());
    addParam("ff1.bias", {ffDim}, Initializer::zeros());
    addParam("ff2.kernel", {ffDim, e}, Initializer::glorotUniform());
    addParam("ff2.bias", {e}, Initializer::zeros());
    addParam("norm2.scale", {e}, Initializer::ones());
    addParam("norm2.bias", {e}, Initializer::zeros());
    return x;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> p) const override {
    auto eps = b.getF32FloatAttr(static_cast<float>(options.epsilon));
    auto axis = b.getI64IntegerAttr(-1);
    Value x = inputs[0];
    Value a = attention(b, heads, x, x, p.take_front(8));
    x = LayerNormOp::create(b, b.add(x, a), p[8], p[9], axis, eps);
    Value h = options.activation.apply(b, detail::affine(b, x, p[10], p[11]));
    Value f = detail::affine(b, h, p[12], p[13]);
    return LayerNormOp::create(b, b.add(x, f), p[14], p[15], axis, eps);
  }

private:
  int64_t heads, ffDim;
  TransformerOptions options;
};

} // namespace

LayerRef MultiHeadAttention(int64_t numHeads, std::string name) {
  return std::make_shared<MultiHeadAttentionLayer>(numHeads, std::move(name));
}

LayerRef TransformerEncoderLayer(int64_t numHeads, int64_t ffDim,
                                 TransformerOptions options) {
  return std::make_shared<TransformerEncoderLayerImpl>(numHeads, ffDim,
                                                       std::move(options));
}

} // namespace kiln::nn
