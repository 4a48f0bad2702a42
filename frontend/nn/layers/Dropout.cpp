//===- Dropout.cpp - dropout layer
//-----------------------------------------===//
//
// Emitted as kiln.dropout with training = false and a constant seed: the
// model function is what inference runs. kiln-build-train-step turns it on
// in @train_step, with the seed advanced by the step so that every step
// draws a new mask.
//
//===----------------------------------------------------------------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

#include <functional>

using namespace mlir;

namespace kiln::nn {

namespace {

class DropoutLayer : public Layer {
public:
  DropoutLayer(double rate, uint64_t seed, std::string name)
      : Layer("Dropout", std::move(name)), rate(rate), seed(seed) {
    if (!(rate >= 0 && rate < 1))
      fail("needs a rate in [0, 1), got " + std::to_string(rate));
  }

  Shape build(const std::vector<Shape> &inputs) override {
    return single(inputs);
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value>) const override {
    // Two dropout layers of one model must not share masks: the layer's
    // name goes into its seed.
    int64_t s = static_cast<int64_t>(
        (seed * 1000003ULL + std::hash<std::string>()(name())) >> 1);
    Value seedValue =
        b.scalar(b.getI64Type(), static_cast<double>(s % (1LL << 52)));
    auto op = DropoutOp::create(b, inputs[0], seedValue,
                                b.getF32FloatAttr(static_cast<float>(rate)),
                                b.getBoolAttr(false));
    return op.getOutput();
  }

private:
  double rate;
  uint64_t seed;
};

} // namespace

LayerRef Dropout(double rate, uint64_t seed, std::string name) {
  return std::make_shared<DropoutLayer>(rate, seed, std::move(name));
}

} // namespace kiln::nn
