//===- Conv2D.cpp - 2-D convolution layer
//----------------------------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

using namespace mlir;

namespace kiln::nn {

namespace {

class Conv2DLayer : public Layer {
public:
  Conv2DLayer(int64_t filters, int64_t kernel, Activation activation,
              Conv2DOptions options)
      : Layer("Conv2D", options.name), filters(filters), kernel(kernel),
        activation(std::move(activation)), options(std::move(options)) {
    if (filters < 1 || kernel < 1 || this->options.stride < 1)
      fail("needs filters, kernel size and stride >= 1");
    if (this->options.padding != "valid" && this->options.padding != "same")
      fail("padding must be \"valid\" or \"same\", got \"" +
           this->options.padding + "\"");
  }

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    if (x.size() != 4)
      fail("expects a rank-4 input [batch, channels, height, width], got " +
           formatShape(x));
    int64_t s = options.stride;
    Shape out = {x[0], filters, 0, 0};
    for (int i = 0; i < 2; ++i) {
      int64_t in = x[2 + i];
      if (options.padding == "same") {
        out[2 + i] = (in + s - 1) / s;
        int64_t total =
            std::max<int64_t>((out[2 + i] - 1) * s + kernel - in, 0);
        pads[i] = total / 2;
        pads[2 + i] = total - total / 2;
      } else {
        if (in < kernel)
          fail("has a " + std::to_string(kernel) + "x" +
               std::to_string(kernel) + " kernel larger than its input " +
               formatShape(x) + " (use padding \"same\")");
        out[2 + i] = (in - kernel) / s + 1;
      }
    }
    addParam("kernel", {filters, x[1], kernel, kernel}, options.kernelInit);
    if (options.useBias)
      addParam("bias", {filters}, options.biasInit);
    return out;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    int64_t s = options.stride;
    Value y = Conv2DOp::create(
        b, inputs[0], params[0], options.useBias ? params[1] : Value(),
        b.getDenseI64ArrayAttr({s, s}), b.getDenseI64ArrayAttr(pads),
        b.getDenseI64ArrayAttr({1, 1}), b.getI64IntegerAttr(1));
    return activation.apply(b, y);
  }

private:
  int64_t filters, kernel;
  Activation activation;
  Conv2DOptions options;
  /// [top, left, bottom, right], fixed by build().
  int64_t pads[4] = {0, 0, 0, 0};
};

} // namespace

LayerRef Conv2D(int64_t filters, int64_t kernelSize, Activation activation,
                Conv2DOptions options) {
  return std::make_shared<Conv2DLayer>(
      filters, kernelSize, std::move(activation), std::move(options));
}

} // namespace kiln::nn
