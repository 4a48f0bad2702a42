//===- Dense.cpp - fully connected layer
//-----------------------------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

using namespace mlir;

namespace kiln::nn {

namespace {

class DenseLayer : public Layer {
public:
  DenseLayer(int64_t units, Activation activation, DenseOptions options)
      : Layer("Dense", options.name), units(units),
        activation(std::move(activation)), options(std::move(options)) {
    if (units < 1)
      fail("needs units >= 1, got " + std::to_string(units));
  }

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    // An image needs Flatten first; a sequence maps each step.
    if (x.size() != 2 && x.size() != 3)
      fail("expects a rank-2 input [batch, features] (or rank-3 [batch, "
           "time, features]), got " +
           formatShape(x) + (x.size() > 3 ? "; add Flatten" : ""));
    addParam("kernel", {x.back(), units}, options.kernelInit);
    if (options.useBias)
      addParam("bias", {units}, options.biasInit);
    Shape out = x;
    out.back() = units;
    return out;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    Value y = detail::affine(b, inputs[0], params[0],
                             options.useBias ? params[1] : Value());
    return activation.apply(b, y);
  }

private:
  int64_t units;
  Activation activation;
  DenseOptions options;
};

} // namespace

LayerRef Dense(int64_t units, Activation activation, DenseOptions options) {
  return std::make_shared<DenseLayer>(units, std::move(activation),
                                      std::move(options));
}

} // namespace kiln::nn
