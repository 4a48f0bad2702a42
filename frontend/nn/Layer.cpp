//===- Layer.cpp - layers and the symbolic tensors they map
//----------------===//

#include "frontend/nn/Layer.h"

#include <cctype>
#include <map>

namespace kiln::nn {

const Shape &Tensor::shape() const {
  if (!node)
    throw Error("use of an empty Tensor (not the result of Input or of a "
                "layer call)");
  return node->shape;
}

Tensor Input(const Shape &sampleShape, int64_t batch) {
  if (batch < 1)
    throw Error("Input: batch must be >= 1, got " + std::to_string(batch));
  auto node = std::make_shared<Node>();
  node->shape.push_back(batch);
  for (int64_t d : sampleShape) {
    if (d < 1)
      throw Error("Input: every dim must be >= 1, got " +
                  formatShape(sampleShape));
    node->shape.push_back(d);
  }
  return Tensor(node);
}

Layer::Layer(std::string kind, std::string name)
    : kindName(std::move(kind)), layerName(std::move(name)) {}

Layer::~Layer() = default;

void Layer::assignName(const std::string &name) {
  if (layerName.empty())
    layerName = name;
}

std::string snakeCase(const std::string &kind) {
  std::string s;
  for (size_t i = 0; i < kind.size(); ++i) {
    char c = kind[i];
    // A new word at an upper-case letter after a lower-case one ("MaxPool"),
    // so "LSTM" stays "lstm" and "MaxPool2D" becomes "max_pool2d".
    if (i > 0 && std::isupper(c) && std::islower(kind[i - 1]))
      s += '_';
    s += static_cast<char>(std::tolower(c));
  }
  return s;
}

Shape Layer::call(const std::vector<Shape> &inputs) {
  if (layerName.empty()) {
    // Layers called outside a Sequential get process-wide numbers per kind,
    // as in Keras.
    static std::map<std::string, int> counters;
    layerName =
        snakeCase(kindName) + "_" + std::to_string(++counters[kindName]);
  }
  std::vector<ParamSpec> before = paramSpecs;
  Shape out = build(inputs);
  if (built) {
    // A second call must fit the parameters of the first.
    bool same = before.size() == paramSpecs.size();
    for (size_t i = 0; same && i < before.size(); ++i)
      same = before[i].shape == paramSpecs[i].shape;
    if (!same) {
      paramSpecs = before;
      std::string shapes;
      for (const Shape &s : inputs)
        shapes += (shapes.empty() ? "" : ", ") + formatShape(s);
      fail("is shared, but input " + shapes +
           " needs parameters of other shapes than its first call's");
    }
    paramSpecs = before;
  }
  built = true;
  return out;
}

void Layer::addParam(const std::string &name, Shape shape, Initializer init) {
  for (ParamSpec &p : paramSpecs)
    if (p.name == name) {
      p.shape = std::move(shape);
      return;
    }
  paramSpecs.push_back({name, std::move(shape), std::move(init)});
}

void Layer::addBuffer(const std::string &name, Shape shape, Initializer init) {
  addParam(name, std::move(shape), std::move(init));
  for (ParamSpec &p : paramSpecs)
    if (p.name == name)
      p.trainable = false;
}

Tensor Layer::operator()(const Tensor &x) {
  return (*this)(std::vector<Tensor>{x});
}

Tensor Layer::operator()(const std::vector<Tensor> &xs) {
  std::vector<Shape> shapes;
  for (const Tensor &x : xs)
    shapes.push_back(x.shape());
  auto node = std::make_shared<Node>();
  node->shape = call(shapes);
  node->layer = shared_from_this();
  node->inputs = xs;
  return Tensor(node);
}

int64_t Layer::numParams() const {
  int64_t n = 0;
  for (const ParamSpec &p : paramSpecs) {
    int64_t e = 1;
    for (int64_t d : p.shape)
      e *= d;
    n += e;
  }
  return n;
}

void Layer::fail(const std::string &message) const {
  throw Error(kindName + " '" + layerName + "' " + message);
}

const Shape &Layer::single(const std::vector<Shape> &inputs) const {
  if (inputs.size() != 1)
    fail("takes one input, got " + std::to_string(inputs.size()));
  return inputs.front();
}

} // namespace kiln::nn
