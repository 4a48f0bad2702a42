//===- LossTest.cpp - mse, bce_with_logits, softmax_cross_entropy, nll ----===//

#include "NumericTest.h"

#include <cmath>
#include <limits>

using namespace kiln::numeric;
namespace ref = kiln::ref;
using ref::Reduction;

namespace {

const std::vector<Reduction> kReductions = {Reduction::None, Reduction::Mean,
                                            Reduction::Sum};

std::string reductionText(Reduction r) {
  switch (r) {
  case Reduction::None:
    return "none";
  case Reduction::Mean:
    return "mean";
  case Reduction::Sum:
    return "sum";
  }
  return "?";
}

/// The loss's attribute dictionary ("" when everything is default).
std::string lossAttrs(Reduction r, std::optional<int64_t> ignoreIndex = {}) {
  std::vector<std::string> parts;
  if (r != Reduction::Mean)
    parts.push_back("reduction = #kiln.reduction<" + reductionText(r) + ">");
  if (ignoreIndex)
    parts.push_back("ignore_index = " + std::to_string(*ignoreIndex));
  if (parts.empty())
    return "";
  return " {" + parts[0] + (parts.size() > 1 ? ", " + parts[1] : "") + "}";
}

/// Sums over thousands of per-element losses need the long tolerance.
Tolerance lossTol(const Tensor &perElement, Reduction r) {
  if (r == Reduction::None || perElement.numel() < 1000)
    return kReduction;
  return kLongReduction;
}

/// `kiln.<op> operands` with a functional type, expecting `expected`.
void addLoss(OpBatch &batch, const std::string &op,
             const std::vector<const Tensor *> &operands,
             const std::string &attrs, const Tensor &expected, Tolerance tol,
             const std::string &what) {
  std::string names, types;
  for (size_t i = 0; i < operands.size(); ++i) {
    names += (i ? ", " : "") + batch.in(*operands[i]);
    types += (i ? ", " : "") + ty(*operands[i]);
  }
  batch.expectOp("kiln." + op + " " + names + attrs + " : (" + types + ") -> " +
                     ty(expected),
                 expected, tol, what + attrs);
}

using LossTest = NumericTest;

TEST_F(LossTest, MseAndBceWithLogits) {
  OpBatch batch;
  for (const Shape &shape : std::vector<Shape>{{17, 129}, {3, 7}, {1}, {}}) {
    Tensor x = rand(shape, -3, 3), t = rand(shape, -3, 3);
    // Logits far into both tails, targets in [0, 1].
    Tensor logits = rand(shape, -30, 30), p = rand(shape, 0, 1);
    for (Reduction r : kReductions) {
      std::string attrs = lossAttrs(r);
      Tensor none = ref::mseLoss(x, t, Reduction::None);
      addLoss(batch, "mse_loss", {&x, &t}, attrs, ref::mseLoss(x, t, r),
              lossTol(none, r), "mse " + ref::shapeStr(shape));
      addLoss(batch, "binary_cross_entropy_with_logits", {&logits, &p}, attrs,
              ref::binaryCrossEntropyWithLogits(logits, p, r), lossTol(none, r),
              "bce " + ref::shapeStr(shape));
    }
  }
  batch.check();
}

/// Labels in [0, C) for input [N, C, d...].
Tensor labels(const Shape &inputShape, Tensor::DType dtype, std::mt19937 &rng) {
  Shape shape = inputShape;
  shape.erase(shape.begin() + 1);
  return random(shape, rng, 0, inputShape[1] - 1, dtype);
}

/// Nonnegative targets that sum to 1 along dim 1.
Tensor probabilities(const Shape &shape, std::mt19937 &rng) {
  Tensor logits = random(shape, rng, -2, 2);
  Tensor p = ref::softmax(logits, 1);
  for (double &v : p.data)
    v = static_cast<float>(v);
  return p;
}

/// A (weighted, reduction) combination of a class-indexed loss.
struct Variant {
  bool weighted;
  Reduction reduction;
};

/// All six variants: for the main shape of each test. Other shapes take
/// two or three, which keeps every variant covered at a fraction of the
/// compile time.
const std::vector<Variant> kAllVariants = {
    {false, Reduction::None}, {false, Reduction::Mean}, {false, Reduction::Sum},
    {true, Reduction::None},  {true, Reduction::Mean},  {true, Reduction::Sum}};

/// `op` (softmax_cross_entropy or nll_loss) on integer labels `t`, in each
/// of `variants`, with an optional ignore_index.
void addLabelCases(OpBatch &batch, const std::string &op, const Tensor &x,
                   const Tensor &t, const Tensor &w,
                   std::optional<int64_t> ignoreIndex,
                   const std::vector<Variant> &variants = kAllVariants) {
  bool sce = op == "softmax_cross_entropy";
  for (const Variant &v : variants) {
    const Tensor *weight = v.weighted ? &w : nullptr;
    Reduction r = v.reduction;
    Tensor expected =
        sce ? ref::softmaxCrossEntropy(x, t, weight, r, ignoreIndex)
            : ref::nllLoss(x, t, weight, r, ignoreIndex);
    std::vector<const Tensor *> operands = {&x, &t};
    if (v.weighted)
      operands.push_back(&w);
    addLoss(batch, op, operands, lossAttrs(r, ignoreIndex), expected,
            kReduction,
            op + " " + ty(x) + " " + ty(t) + (v.weighted ? " weighted" : ""));
  }
}

TEST_F(LossTest, SoftmaxCrossEntropyLabels) {
  OpBatch batch;
  auto add = [&](const Shape &shape, Tensor::DType labelType,
                 const std::vector<Variant> &variants) {
    Tensor x = rand(shape, -4, 4), w = rand({shape[1]}, 0.1, 2);
    addLabelCases(batch, "softmax_cross_entropy", x,
                  labels(shape, labelType, rng), w, std::nullopt, variants);
  };
  add({17, 7}, Tensor::I64, kAllVariants);
  add({3, 7, 17}, Tensor::I64,
      {{true, Reduction::Mean}, {false, Reduction::None}});
  add({3, 7, 3, 5}, Tensor::I32,
      {{true, Reduction::Sum}, {false, Reduction::Mean}});
  add({1, 3}, Tensor::I32, {{true, Reduction::None}});
  batch.check();
}

TEST_F(LossTest, SoftmaxCrossEntropyIgnoreIndex) {
  OpBatch batch;
  Tensor x = rand({17, 7}, -4, 4), w = rand({7}, 0.1, 2);
  // A class that occurs among the labels.
  Tensor t = labels({17, 7}, Tensor::I64, rng);
  addLabelCases(batch, "softmax_cross_entropy", x, t, w, 2);
  // An out-of-range ignore value, as PyTorch's -100.
  Tensor t100 = t;
  for (int64_t i = 0; i < t100.numel(); i += 3)
    t100.data[i] = -100;
  addLabelCases(batch, "softmax_cross_entropy", x, t100, w, -100,
                {{true, Reduction::Mean}, {false, Reduction::Mean}});
  Tensor xs = rand({3, 7, 17}, -4, 4);
  Tensor ts = labels({3, 7, 17}, Tensor::I32, rng);
  addLabelCases(batch, "softmax_cross_entropy", xs, ts, w, 0,
                {{true, Reduction::Mean}, {false, Reduction::None}});
  batch.check();
}

// Every label ignored: the mean is 0 / 0 = NaN, sum and none are 0.
TEST_F(LossTest, AllLabelsIgnored) {
  OpBatch batch;
  Tensor x = rand({3, 7}, -4, 4), w = rand({7}, 0.1, 2);
  Tensor t = Tensor::full({3}, 4, Tensor::I64);
  addLabelCases(batch, "softmax_cross_entropy", x, t, w, 4);
  addLabelCases(batch, "nll_loss", x, t, w, 4);
  batch.check();
}

TEST_F(LossTest, SoftmaxCrossEntropyProbabilities) {
  OpBatch batch;
  auto add = [&](const Shape &shape, const std::vector<Variant> &variants) {
    Tensor x = rand(shape, -4, 4), w = rand({shape[1]}, 0.1, 2);
    Tensor p = probabilities(shape, rng);
    for (const Variant &v : variants) {
      std::vector<const Tensor *> operands = {&x, &p};
      if (v.weighted)
        operands.push_back(&w);
      addLoss(batch, "softmax_cross_entropy", operands, lossAttrs(v.reduction),
              ref::softmaxCrossEntropy(x, p, v.weighted ? &w : nullptr,
                                       v.reduction),
              kReduction,
              "probabilities " + ty(x) + (v.weighted ? " weighted" : ""));
    }
  };
  add({17, 7}, kAllVariants);
  add({3, 7, 17}, {{true, Reduction::Mean}, {false, Reduction::None}});
  add({3, 7, 3, 5}, {{true, Reduction::Sum}});
  add({1, 3}, {{false, Reduction::Mean}});
  batch.check();
}

TEST_F(LossTest, NllLoss) {
  OpBatch batch;
  auto add = [&](const Shape &shape, Tensor::DType labelType,
                 std::optional<int64_t> ignoreIndex,
                 const std::vector<Variant> &variants) {
    Tensor x = ref::logSoftmax(rand(shape, -4, 4), 1);
    for (double &v : x.data)
      v = static_cast<float>(v);
    Tensor w = rand({shape[1]}, 0.1, 2);
    addLabelCases(batch, "nll_loss", x, labels(shape, labelType, rng), w,
                  ignoreIndex, variants);
  };
  add({17, 7}, Tensor::I64, std::nullopt, kAllVariants);
  add({17, 7}, Tensor::I32, 1,
      {{true, Reduction::Mean},
       {false, Reduction::Mean},
       {true, Reduction::None}});
  add({3, 7, 17}, Tensor::I64, std::nullopt,
      {{true, Reduction::Mean}, {false, Reduction::Sum}});
  add({3, 7, 3, 5}, Tensor::I32, 2, {{true, Reduction::Mean}});
  add({1, 3}, Tensor::I64, std::nullopt, {{false, Reduction::None}});
  batch.check();
}

} // namespace
