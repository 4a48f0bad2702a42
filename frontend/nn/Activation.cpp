//===- Activation.cpp - elementwise activations by name or object
//----------===//

#include "frontend/nn/Activation.h"
#include "frontend/nn/Error.h"

#include "ir/KilnBuilder.h"

using namespace mlir;

namespace kiln::nn {

static Activation::Fn byName(const std::string &name) {
  if (name.empty() || name == "linear")
    return {};
  if (name == "relu")
    return [](KilnBuilder &b, Value x) { return b.relu(x); };
  if (name == "tanh")
    return [](KilnBuilder &b, Value x) { return b.tanh(x); };
  if (name == "sigmoid")
    return [](KilnBuilder &b, Value x) { return b.sigmoid(x); };
  if (name == "gelu")
    return [](KilnBuilder &b, Value x) -> Value {
      return GeluOp::create(b, x, b.getBoolAttr(false));
    };
  if (name == "softmax")
    return [](KilnBuilder &b, Value x) { return b.softmax(x, -1); };
  if (name == "log_softmax")
    return [](KilnBuilder &b, Value x) -> Value {
      return LogSoftmaxOp::create(b, x, b.getI64IntegerAttr(-1));
    };
  if (name == "elu")
    return [](KilnBuilder &b, Value x) -> Value {
      return EluOp::create(b, x, b.getF32FloatAttr(1.0f));
    };
  if (name == "selu")
    return [](KilnBuilder &b, Value x) -> Value {
      return SeluOp::create(b, x, b.getF32FloatAttr(1.67326319217681884765625f),
                            b.getF32FloatAttr(1.05070102214813232421875f));
    };
  if (name == "leaky_relu")
    return [](KilnBuilder &b, Value x) -> Value {
      return LeakyReluOp::create(b, x, b.getF32FloatAttr(0.01f));
    };
  if (name == "softplus")
    return [](KilnBuilder &b, Value x) -> Value {
      return SoftplusOp::create(b, x);
    };
  throw Error("unknown activation '" + name +
              "' (expected linear, relu, tanh, sigmoid, gelu, softmax, "
              "log_softmax, elu, selu, leaky_relu or softplus)");
}

Activation::Activation(const std::string &name)
    : id(name.empty() ? "linear" : name), fn(byName(name)) {}
Activation::Activation(const char *name) : Activation(std::string(name)) {}
Activation::Activation(std::string name, Fn fn)
    : id(std::move(name)), fn(std::move(fn)) {}

Value Activation::apply(KilnBuilder &b, Value x) const {
  return fn ? fn(b, x) : x;
}

} // namespace kiln::nn
