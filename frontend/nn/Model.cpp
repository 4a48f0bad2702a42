//===- Model.cpp - the layer graph and its kiln model function
//-------------===//

#include "frontend/nn/CompiledModel.h"

#include "ir/BufferAttr.h"
#include "ir/KilnBuilder.h"
#include "ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

using namespace mlir;

namespace kiln::nn {

namespace {

/// The calls from the model's input to its output, each after its inputs.
std::vector<Node *> topologicalOrder(const Tensor &input,
                                     const Tensor &output) {
  std::vector<Node *> order;
  std::set<Node *> done;
  std::function<void(Node *)> visit = [&](Node *n) {
    if (done.count(n))
      return;
    if (!n->layer) {
      if (n != input.getNode().get())
        throw Error("the model's output depends on an Input " +
                    formatShape(n->shape) +
                    " that is not the model's input (models have one input)");
    }
    for (const Tensor &t : n->inputs)
      visit(t.getNode().get());
    done.insert(n);
    order.push_back(n);
  };
  visit(output.getNode().get());
  return order;
}

} // namespace

Model::Model(std::string name) : modelName(std::move(name)) {}

Model::Model(Tensor in, Tensor out, std::string name)
    : input(std::move(in)), output(std::move(out)), modelName(std::move(name)) {
  if (!input || input.getNode()->layer)
    throw Error("Model: the input must be a tensor made by Input()");
  if (!output)
    throw Error("Model: the output is an empty tensor");
  // Checks the graph and the uniqueness of layer names (parameters are
  // named after their layer).
  std::set<std::string> names;
  for (const auto &layer : layers())
    if (!names.insert(layer->name()).second)
      throw Error("Model: two layers are named '" + layer->name() + "'");
}

std::vector<std::shared_ptr<Layer>> Model::layers() const {
  std::vector<std::shared_ptr<Layer>> result;
  std::set<Layer *> seen;
  for (Node *n : topologicalOrder(input, output))
    if (n->layer && seen.insert(n->layer.get()).second)
      result.push_back(n->layer);
  return result;
}

int64_t Model::numParams() const {
  int64_t n = 0;
  for (const auto &layer : layers())
    n += layer->numParams();
  return n;
}

std::string Model::summary() const {
  struct Row {
    std::string id, shape;
    int64_t params;
  };
  std::vector<Row> rows = {{"input (Input)", formatShape(input.shape()), 0}};
  std::set<Layer *> counted;
  for (Node *n : topologicalOrder(input, output)) {
    if (!n->layer)
      continue;
    // A shared layer's parameters count once.
    int64_t params =
        counted.insert(n->layer.get()).second ? n->layer->numParams() : 0;
    rows.push_back({n->layer->name() + " (" + n->layer->kind() + ")",
                    formatShape(n->shape), params});
  }
  size_t idWidth = 12, shapeWidth = 12;
  for (const Row &r : rows) {
    idWidth = std::max(idWidth, r.id.size());
    shapeWidth = std::max(shapeWidth, r.shape.size());
  }
  auto pad = [](std::string text, size_t width) {
    text.resize(std::max(width, text.size()), ' ');
    return text;
  };
  auto line = [&](const std::string &id, const std::string &shape,
                  const std::string &params) {
    std::string p = params.size() < 10 ? std::string(10 - params.size(), ' ')
                                       : std::string();
    return pad(id, idWidth) + "  " + pad(shape, shapeWidth) + "  " + p +
           params + "\n";
  };
  std::string rule(idWidth + shapeWidth + 14, '-');
  std::string s = "Model \"" + modelName + "\"\n" +
                  line("Layer (type)", "Output shape", "Params") + rule + "\n";
  for (const Row &r : rows)
    s += line(r.id, r.shape, std::to_string(r.params));
  s += rule + "\n";
  s += "Total params: " + std::to_string(numParams()) + "\n";
  return s;
}

OwningOpRef<ModuleOp> Model::emitModule(MLIRContext &context,
                                        int64_t batch) const {
  context.loadDialect<KilnDialect, func::FuncDialect>();
  Location loc = NameLoc::get(StringAttr::get(&context, modelName));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  KilnBuilder b(loc, &context);
  b.setInsertionPointToEnd(module->getBody());

  auto tensorType = [&](const Shape &s) {
    return RankedTensorType::get(s, b.getF32Type());
  };
  // Every inferred shape has the Input's batch as dim 0.
  auto atBatch = [&](Shape s) {
    if (batch > 0)
      s[0] = batch;
    return s;
  };
  std::vector<Node *> order = topologicalOrder(input, output);
  std::vector<std::shared_ptr<Layer>> all = layers();
  SmallVector<Type> argTypes = {tensorType(atBatch(input.shape()))};
  for (const auto &layer : all)
    for (const ParamSpec &p : layer->params())
      argTypes.push_back(tensorType(p.shape));

  // The function is named after the model; symbols must be identifiers.
  std::string symbol;
  for (char c : modelName)
    symbol += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (symbol.empty() || std::isdigit(static_cast<unsigned char>(symbol[0])))
    symbol = "m" + symbol;
  auto func = func::FuncOp::create(
      b, symbol,
      b.getFunctionType(argTypes, {tensorType(atBatch(output.shape()))}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);

  std::map<Layer *, SmallVector<Value>> params;
  unsigned arg = 1;
  for (const auto &layer : all)
    for (const ParamSpec &p : layer->params()) {
      func.setArgAttr(arg,
                      p.trainable ? KilnDialect::getTrainableAttrName()
                                  : bufferAttrName,
                      b.getUnitAttr());
      func.setArgAttr(arg, KilnDialect::getNameAttrName(),
                      b.getStringAttr(layer->name() + "." + p.name));
      func.setArgAttr(arg, KilnDialect::getInitAttrName(),
                      b.getStringAttr(p.init.kind));
      params[layer.get()].push_back(body->getArgument(arg++));
    }

  std::map<Node *, Value> values;
  values[input.getNode().get()] = body->getArgument(0);
  for (Node *n : order) {
    if (!n->layer)
      continue;
    SmallVector<Value> in;
    for (const Tensor &t : n->inputs)
      in.push_back(values.at(t.getNode().get()));
    b.setLoc(NameLoc::get(b.getStringAttr(n->layer->name())));
    Value v = n->layer->emit(b, in, params[n->layer.get()]);
    auto type = cast<RankedTensorType>(v.getType());
    Shape expected = atBatch(n->shape);
    if (type.getShape() != ArrayRef<int64_t>(expected))
      throw Error("internal error: " + n->layer->kind() + " '" +
                  n->layer->name() + "' emitted a result of another shape " +
                  "than it inferred, " + formatShape(expected));
    values[n] = v;
  }
  func::ReturnOp::create(b, values.at(output.getNode().get()));
  if (failed(verify(*module)))
    throw Error("internal error: model '" + modelName +
                "' emitted IR that does not verify");
  return module;
}

std::string Model::toMLIR(int64_t batch) const {
  MLIRContext context;
  OwningOpRef<ModuleOp> module = emitModule(context, batch);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

Sequential::Sequential(const Shape &inputShape, int64_t batch, std::string name)
    : Model(std::move(name)) {
  input = Input(inputShape, batch);
  output = input;
}

Sequential &Sequential::add(LayerRef layer) {
  if (isCompiled())
    throw Error("Sequential '" + name() +
                "': add() after compile(); build the whole model first");
  // Names count per model, so a model's names do not depend on what else
  // the program built.
  std::string kind = snakeCase(layer->kind());
  layer->assignName(kind + "_" + std::to_string(++layerCounts[kind]));
  for (const auto &l : layers())
    if (l->name() == layer->name() && l != layer.get())
      throw Error("Sequential '" + name() + "': two layers are named '" +
                  layer->name() + "'");
  output = layer(output);
  return *this;
}

} // namespace kiln::nn
