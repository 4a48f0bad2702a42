//===- Embedding.cpp - token and position embeddings
//-----------------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

using namespace mlir;

namespace kiln::nn {

namespace {

class EmbeddingLayer : public Layer {
public:
  EmbeddingLayer(int64_t vocabulary, int64_t dim, std::string name)
      : Layer("Embedding", std::move(name)), vocabulary(vocabulary), dim(dim) {
    if (vocabulary < 1 || dim < 1)
      fail("needs vocabulary and dim >= 1");
  }

  Shape build(const std::vector<Shape> &inputs) override {
    Shape out = single(inputs);
    addParam("table", {vocabulary, dim}, Initializer::glorotUniform());
    out.push_back(dim);
    return out;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    // Datasets hold float features; the ids are cast to the index type
    // kiln.gather takes (no gradient flows into them).
    auto type = cast<RankedTensorType>(inputs[0].getType());
    Value ids =
        CastOp::create(b, type.clone(b.getI64Type()), inputs[0]).getOutput();
    return GatherOp::create(b, params[0], ids, b.getI64IntegerAttr(0));
  }

private:
  int64_t vocabulary, dim;
};

class PositionalEmbeddingLayer : public Layer {
public:
  explicit PositionalEmbeddingLayer(std::string name)
      : Layer("PositionalEmbedding", std::move(name)) {}

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    if (x.size() != 3)
      fail("expects a rank-3 input [batch, time, features], got " +
           formatShape(x));
    // Small random values rather than zeros, so positions differ at once.
    addParam("table", {x[1], x[2]}, Initializer::glorotUniform());
    return x;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    return b.add(inputs[0], params[0]);
  }
};

} // namespace

LayerRef Embedding(int64_t vocabulary, int64_t dim, std::string name) {
  return std::make_shared<EmbeddingLayer>(vocabulary, dim, std::move(name));
}

LayerRef PositionalEmbedding(std::string name) {
  return std::make_shared<PositionalEmbeddingLayer>(std::move(name));
}

} // namespace kiln::nn
