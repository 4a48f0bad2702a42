//===- Recurrent.cpp - SimpleRNN, LSTM and GRU
//-----------------------------===//
//
// One class for the three: they differ in the number of gates and the kiln
// op (kiln.rnn, kiln.lstm, kiln.gru; decomposed into the unrolled time loop
// by kiln-decompose). The ops are time-major, the API batch-major as
// Keras's: the layer transposes on the way in and out.
//
//===----------------------------------------------------------------------===//

#include "frontend/nn/Layers.h"
#include "frontend/nn/layers/LayerUtils.h"

using namespace mlir;

namespace kiln::nn {

namespace {

enum class Cell { Rnn, Lstm, Gru };

class RecurrentLayer : public Layer {
public:
  RecurrentLayer(Cell cell, int64_t units, std::string activation,
                 RecurrentOptions options)
      : Layer(kindOf(cell), options.name), cell(cell), units(units),
        activation(std::move(activation)), options(std::move(options)) {
    if (units < 1)
      fail("needs units >= 1, got " + std::to_string(units));
    if (this->activation != "tanh" && this->activation != "relu")
      fail("activation must be \"tanh\" or \"relu\", got \"" +
           this->activation + "\"");
  }

  static std::string kindOf(Cell cell) {
    switch (cell) {
    case Cell::Rnn:
      return "SimpleRNN";
    case Cell::Lstm:
      return "LSTM";
    case Cell::Gru:
      return "GRU";
    }
    return "";
  }

  Shape build(const std::vector<Shape> &inputs) override {
    const Shape &x = single(inputs);
    if (x.size() != 3)
      fail("expects a rank-3 input [batch, time, features], got " +
           formatShape(x) + (x.size() == 4 ? "; reshape images to rows" : ""));
    int64_t gates = cell == Cell::Lstm ? 4 : cell == Cell::Gru ? 3 : 1;
    addParam("w_ih", {gates * units, x[2]}, Initializer::glorotUniform());
    addParam("w_hh", {gates * units, units}, Initializer::glorotUniform());
    addParam("b_ih", {gates * units}, Initializer::zeros());
    addParam("b_hh", {gates * units}, Initializer::zeros());
    if (options.returnSequences)
      return {x[0], x[1], units};
    return {x[0], units};
  }

  Value emit(KilnBuilder &b, ArrayRef<Value> inputs,
             ArrayRef<Value> params) const override {
    Value x = b.transpose(inputs[0], {1, 0, 2});
    Value all, last;
    switch (cell) {
    case Cell::Rnn: {
      auto op = RnnOp::create(b, x, params[0], params[1], params[2], params[3],
                              Value(), b.getStringAttr(activation));
      all = op.getOutput();
      last = op.getHN();
      break;
    }
    case Cell::Lstm: {
      auto op = LstmOp::create(b, x, params[0], params[1], params[2], params[3],
                               Value(), Value());
      all = op.getOutput();
      last = op.getHN();
      break;
    }
    case Cell::Gru: {
      auto op = GruOp::create(b, x, params[0], params[1], params[2], params[3],
                              Value());
      all = op.getOutput();
      last = op.getHN();
      break;
    }
    }
    return options.returnSequences ? b.transpose(all, {1, 0, 2}) : last;
  }

private:
  Cell cell;
  int64_t units;
  std::string activation;
  RecurrentOptions options;
};

} // namespace

LayerRef SimpleRNN(int64_t units, std::string activation,
                   RecurrentOptions options) {
  return std::make_shared<RecurrentLayer>(
      Cell::Rnn, units, std::move(activation), std::move(options));
}

LayerRef LSTM(int64_t units, RecurrentOptions options) {
  return std::make_shared<RecurrentLayer>(Cell::Lstm, units, "tanh",
                                          std::move(options));
}

LayerRef GRU(int64_t units, RecurrentOptions options) {
  return std::make_shared<RecurrentLayer>(Cell::Gru, units, "tanh",
                                          std::move(options));
}

} // namespace kiln::nn
