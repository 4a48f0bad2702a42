//===- Pooling.cpp - max, average and global average pooling
//---------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

using namespace mlir;

namespace kiln::nn {

namespace {

class Pool2DLayer : public Layer {
public:
  Pool2DLayer(std::string kind, bool isMax, int64_t pool, Pool2DOptions options)
      : Layer(std::move(kind), options.name), isMax(isMax), pool(pool),
        options(std::move(options)) {
    if (this->options.stride == 0)
      this->options.stride = pool;
    if (pool < 1 || this->options.stride < 1)
      fail("needs pool size and stride >= 1");
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
    Shape out = {x[0], x[1], 0, 0};
    for (int i = 0; i < 2; ++i) {
      int64_t in = x[2 + i];
      if (options.padding == "same") {
        out[2 + i] = (in + s - 1) / s;
        int64_t total = std::max<int64_t>((out[2 + i] - 1) * s + pool - in, 0);
        pads[i] = total / 2;
        pads[2 + i] = total - total / 2;
      } else {
        if (in < pool)
          fail("has a pool of " + std::to_string(pool) +
               " larger than its input " + formatShape(x));
        out[2 + i] = (in - pool) / s + 1;
      }
    }
    return out;
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value>) const override {
    auto kernel = b.getDenseI64ArrayAttr({pool, pool});
    auto strides = b.getDenseI64ArrayAttr({options.stride, options.stride});
    auto padding = b.getDenseI64ArrayAttr(pads);
    if (isMax)
      return MaxPool2DOp::create(b, inputs[0], kernel, strides, padding,
                                 b.getDenseI64ArrayAttr({1, 1}),
                                 b.getBoolAttr(false));
    // Keras averages over the window's real elements only.
    return AvgPool2DOp::create(b, inputs[0], kernel, strides, padding,
                               b.getBoolAttr(false), b.getBoolAttr(false));
  }

private:
  bool isMax;
  int64_t pool;
  Pool2DOptions options;
  int64_t pads[4] = {0, 0, 0, 0};
};

/// The mean over dims [first, first + count) of a rank-`rank` input.
class GlobalAvgPoolLayer : public Layer {
public:
  GlobalAvgPoolLayer(std::string kind, size_t rank, std::string layout,
                     std::string name)
      : Layer(std::move(kind), std::move(name)), rank(rank),
        layout(std::move(layout)) {}

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    if (x.size() != rank)
      fail("expects a rank-" + std::to_string(rank) + " input " + layout +
           ", got " + formatShape(x));
    return rank == 4 ? Shape{x[0], x[1]} : Shape{x[0], x[2]};
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value>) const override {
    if (rank == 4)
      return b.mean(inputs[0], {2, 3}, /*keepdims=*/false);
    return b.mean(inputs[0], {1}, /*keepdims=*/false);
  }

private:
  size_t rank;
  std::string layout;
};

} // namespace

LayerRef MaxPool2D(int64_t poolSize, Pool2DOptions options) {
  return std::make_shared<Pool2DLayer>("MaxPool2D", true, poolSize,
                                       std::move(options));
}

LayerRef AvgPool2D(int64_t poolSize, Pool2DOptions options) {
  return std::make_shared<Pool2DLayer>("AvgPool2D", false, poolSize,
                                       std::move(options));
}

LayerRef GlobalAvgPool2D(std::string name) {
  return std::make_shared<GlobalAvgPoolLayer>(
      "GlobalAvgPool2D", 4, "[batch, channels, height, width]",
      std::move(name));
}

LayerRef GlobalAvgPool1D(std::string name) {
  return std::make_shared<GlobalAvgPoolLayer>(
      "GlobalAvgPool1D", 3, "[batch, time, features]", std::move(name));
}

} // namespace kiln::nn
