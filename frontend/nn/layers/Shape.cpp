//===- Shape.cpp - Flatten, Add and standalone activations
//-----------------===//
//
// Layers without parameters that only reshape or combine their inputs.
//
//===----------------------------------------------------------------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

using namespace mlir;

namespace kiln::nn {

namespace {

class FlattenLayer : public Layer {
public:
  explicit FlattenLayer(std::string name) : Layer("Flatten", std::move(name)) {}

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    if (x.size() < 2)
      fail("expects an input with a batch dim and at least one more, got " +
           formatShape(x));
    return {x[0], detail::product(x, 1)};
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value>) const override {
    auto type = cast<RankedTensorType>(inputs[0].getType());
    Shape x(type.getShape().begin(), type.getShape().end());
    return b.reshape(inputs[0], {x[0], detail::product(x, 1)});
  }
};

class AddLayer : public Layer {
public:
  explicit AddLayer(std::string name) : Layer("Add", std::move(name)) {}

  Shape build(const std::vector<Shape> &inputs) override {
    if (inputs.size() < 2)
      fail("needs at least two inputs, got " + std::to_string(inputs.size()));
    for (const Shape &s : inputs)
      if (s != inputs[0])
        fail("needs inputs of one shape, got " + formatShape(inputs[0]) +
             " and " + formatShape(s));
    return inputs[0];
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value>) const override {
    Value sum = inputs[0];
    for (Value v : inputs.drop_front())
      sum = b.add(sum, v);
    return sum;
  }
};

class ActivationLayerImpl : public Layer {
public:
  ActivationLayerImpl(Activation activation, std::string name)
      : Layer("Activation", std::move(name)),
        activation(std::move(activation)) {}

  Shape build(const std::vector<Shape> &inputs) override {
    return single(inputs);
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value>) const override {
    return activation.apply(b, inputs[0]);
  }

private:
  Activation activation;
};

} // namespace

LayerRef Flatten(std::string name) {
  return std::make_shared<FlattenLayer>(std::move(name));
}

LayerRef Add(std::string name) {
  return std::make_shared<AddLayer>(std::move(name));
}

LayerRef ActivationLayer(Activation activation, std::string name) {
  return std::make_shared<ActivationLayerImpl>(std::move(activation),
                                               std::move(name));
}

} // namespace kiln::nn
