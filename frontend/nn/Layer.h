//===- Layer.h - layers and the symbolic tensors they map -------*- C++ -*-===//
//
// A model is a graph of layer calls on symbolic tensors, built in plain C++
// with shapes checked at every call. Nothing of MLIR exists until the model
// is emitted: then each call becomes kiln ops in one function, and each
// layer's parameters become arguments marked kiln.trainable (the form of
// examples/models/*.mlir). A layer called twice shares its parameters.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_LAYER_H
#define KILN_FRONTEND_NN_LAYER_H

#include "frontend/nn/Activation.h"
#include "frontend/nn/Error.h"
#include "frontend/nn/Initializer.h"

#include "mlir/IR/Value.h"

#include <memory>
#include <string>
#include <vector>

namespace kiln {
class KilnBuilder;
} // namespace kiln

namespace kiln::nn {

class Layer;
struct Node;

/// A symbolic tensor: the result of an Input or of a layer call.
class Tensor {
public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<Node> node) : node(std::move(node)) {}
  const Shape &shape() const;
  const std::shared_ptr<Node> &getNode() const { return node; }
  explicit operator bool() const { return node != nullptr; }

private:
  std::shared_ptr<Node> node;
};

/// One call: `layer` applied to `inputs` (no layer: a model input).
struct Node {
  std::shared_ptr<Layer> layer;
  std::vector<Tensor> inputs;
  Shape shape;
};

/// A model input of per-sample shape `sampleShape` written at batch `batch`
/// (compile() rebatches it, as kiln-compile --batch does).
Tensor Input(const Shape &sampleShape, int64_t batch = 1);

/// A parameter of a layer: an argument of the model function named
/// "<layer>.<name>". A trainable one is kiln.trainable (the trainer's
/// "param:<layer>.<name>"); another is a buffer, kiln.buffer, that the
/// training step updates without a gradient ("buffer:<layer>.<name>", e.g.
/// BatchNorm's running statistics).
struct ParamSpec {
  std::string name;
  Shape shape;
  Initializer init;
  bool trainable = true;

  /// The trainer's name of the tensor of `layer`'s parameter.
  std::string tensorName(const std::string &layer) const {
    return (trainable ? "param:" : "buffer:") + layer + "." + name;
  }
};

class Layer : public std::enable_shared_from_this<Layer> {
public:
  /// `kind` is the class's name ("Dense"), `name` the instance's (empty: a
  /// generated one, e.g. "dense_1").
  Layer(std::string kind, std::string name);
  virtual ~Layer();

  const std::string &kind() const { return kindName; }
  const std::string &name() const { return layerName; }
  /// Gives an unnamed layer its name; a no-op once named.
  void assignName(const std::string &name);

  /// The output shape for `inputs`; checks them, and on the first call
  /// fixes the parameters. Throws Error naming the layer and the shapes.
  Shape call(const std::vector<Shape> &inputs);
  /// Calls the layer on symbolic tensors.
  Tensor operator()(const Tensor &x);
  Tensor operator()(const std::vector<Tensor> &xs);

  const std::vector<ParamSpec> &params() const { return paramSpecs; }
  int64_t numParams() const;

  /// Emits the layer's ops for one call; `params` are the function
  /// arguments of params(), in order.
  virtual mlir::Value emit(KilnBuilder &b, llvm::ArrayRef<mlir::Value> inputs,
                           llvm::ArrayRef<mlir::Value> params) const = 0;

protected:
  /// Checks the inputs, declares the parameters they imply with addParam
  /// and returns the output shape. call() keeps the first call's
  /// parameters and rejects a later call that implies other shapes.
  virtual Shape build(const std::vector<Shape> &inputs) = 0;
  void addParam(const std::string &name, Shape shape, Initializer init);
  /// A parameter that is not trained (see ParamSpec).
  void addBuffer(const std::string &name, Shape shape, Initializer init);
  /// Throws "<Kind> '<name>' <message>".
  [[noreturn]] void fail(const std::string &message) const;
  /// The one input of a single-input layer (fails on another count).
  const Shape &single(const std::vector<Shape> &inputs) const;

private:
  std::string kindName, layerName;
  std::vector<ParamSpec> paramSpecs;
  bool built = false;
};

/// A layer as user code holds it: `model.add(Dense(10))`, `Dense(10)(x)`.
class LayerRef {
public:
  template <typename L>
  LayerRef(std::shared_ptr<L> layer) : layer(std::move(layer)) {}
  Tensor operator()(const Tensor &x) const { return (*layer)(x); }
  Tensor operator()(const std::vector<Tensor> &xs) const {
    return (*layer)(xs);
  }
  Layer *operator->() const { return layer.get(); }
  Layer &operator*() const { return *layer; }
  const std::shared_ptr<Layer> &get() const { return layer; }

private:
  std::shared_ptr<Layer> layer;
};

/// "dense" for "Dense", "max_pool2d" for "MaxPool2D": Keras's names.
std::string snakeCase(const std::string &kind);

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_LAYER_H
