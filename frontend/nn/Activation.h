//===- Activation.h - elementwise activations by name or object -*- C++ -*-===//
//
// Layers take an optional activation applied to their output. It is named
// ("relu", "gelu", ...) as in Keras, or built from a function that emits
// kiln ops for a custom one.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_ACTIVATION_H
#define KILN_FRONTEND_NN_ACTIVATION_H

#include "mlir/IR/Value.h"

#include <functional>
#include <string>

namespace kiln {
class KilnBuilder;
} // namespace kiln

namespace kiln::nn {

class Activation {
public:
  using Fn = std::function<mlir::Value(KilnBuilder &, mlir::Value)>;

  /// No activation (the identity).
  Activation() = default;
  /// "linear" (or ""), "relu", "tanh", "sigmoid", "gelu", "softmax" (over
  /// the last dim), "log_softmax", "elu", "selu", "leaky_relu", "softplus";
  /// an unknown name throws Error.
  Activation(const char *name);
  Activation(const std::string &name);
  /// A custom activation; `fn` must keep the shape.
  Activation(std::string name, Fn fn);

  const std::string &name() const { return id; }
  bool isIdentity() const { return !fn; }
  mlir::Value apply(KilnBuilder &b, mlir::Value x) const;

private:
  std::string id = "linear";
  Fn fn;
};

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_ACTIVATION_H
