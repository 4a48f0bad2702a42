//===- Normalization.cpp - batch and layer normalization
//-------------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

using namespace mlir;

namespace kiln::nn {

namespace {

class BatchNormLayer : public Layer {
public:
  BatchNormLayer(double epsilon, double momentum, std::string name)
      : Layer("BatchNorm", std::move(name)), epsilon(epsilon),
        momentum(momentum) {
    if (!(momentum >= 0 && momentum <= 1))
      fail("needs a momentum in [0, 1], got " + std::to_string(momentum));
  }

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    if (x.size() < 2)
      fail("expects an input [batch, channels, ...], got " + formatShape(x));
    addParam("scale", {x[1]}, Initializer::ones());
    addParam("bias", {x[1]}, Initializer::zeros());
    addBuffer("moving_mean", {x[1]}, Initializer::zeros());
    addBuffer("moving_variance", {x[1]}, Initializer::ones());
    return x;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    // The model function is inference: the running statistics.
    // kiln-build-train-step switches it to the batch's statistics in
    // train_step and updates the buffers with kiln.momentum.
    auto op = BatchNormInferenceOp::create(
        b, inputs[0], params[0], params[1], params[2], params[3],
        b.getF32FloatAttr(static_cast<float>(epsilon)));
    op->setAttr("kiln.momentum", b.getF64FloatAttr(momentum));
    return op.getOutput();
  }

private:
  double epsilon, momentum;
};

class LayerNormLayer : public Layer {
public:
  LayerNormLayer(double epsilon, std::string name)
      : Layer("LayerNorm", std::move(name)), epsilon(epsilon) {}

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    if (x.size() < 2)
      fail("expects an input [batch, ..., features], got " + formatShape(x));
    addParam("scale", {x.back()}, Initializer::ones());
    addParam("bias", {x.back()}, Initializer::zeros());
    return x;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    return LayerNormOp::create(b, inputs[0], params[0], params[1],
                               b.getI64IntegerAttr(-1),
                               b.getF32FloatAttr(static_cast<float>(epsilon)));
  }

private:
  double epsilon;
};

} // namespace

LayerRef BatchNorm(double epsilon, std::string name, double momentum) {
  return std::make_shared<BatchNormLayer>(epsilon, momentum, std::move(name));
}

LayerRef LayerNorm(double epsilon, std::string name) {
  return std::make_shared<LayerNormLayer>(epsilon, std::move(name));
}

} // namespace kiln::nn
