//===- Loss.cpp - ONNX NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss -===//

#include "frontend/onnx/Importer.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

FailureOr<Reduction> readReduction(Importer &im, const onnx::NodeProto &node) {
  std::string r = attrString(node, "reduction", "mean");
  if (r == "mean")
    return Reduction::mean;
  if (r == "sum")
    return Reduction::sum;
  if (r == "none")
    return Reduction::none;
  return im.error() << "reduction '" << r << "' is not supported", failure();
}

/// kiln.nll_loss on log-probabilities `input`: the weighted mean divides by
/// the sum of the targets' weights, and ignore_index drops labels, as ONNX
/// specifies.
FailureOr<Value> nllLoss(Importer &im, const onnx::NodeProto &node, Value input,
                         Value target, Value weight) {
  auto reduction = readReduction(im, node);
  if (failed(reduction))
    return failure();
  SmallVector<Value> operands = {input, target};
  if (weight)
    operands.push_back(weight);
  SmallVector<NamedAttribute> attrs = {
      im.attr("reduction", ReductionAttr::get(im.ctx(), *reduction))};
  if (const onnx::AttributeProto *ii = findAttr(node, "ignore_index"))
    attrs.push_back(im.i64("ignore_index", ii->i()));
  return im.make<NllLossOp>(operands, attrs);
}

LogicalResult importNll(Importer &im, const onnx::NodeProto &node) {
  auto input = im.required(node, 0), target = im.required(node, 1);
  if (failed(input) || failed(target))
    return failure();
  KILN_TRY(loss, nllLoss(im, node, *input, *target, im.input(node, 2)));
  im.setOutput(node, 0, loss);
  return success();
}

/// SoftmaxCrossEntropyLoss = log_softmax over the class dim, then the NLL;
/// the optional second output is that log_softmax.
LogicalResult importSoftmaxCrossEntropy(Importer &im,
                                        const onnx::NodeProto &node) {
  auto scores = im.required(node, 0), labels = im.required(node, 1);
  if (failed(scores) || failed(labels))
    return failure();
  if (typeOf(*scores).getRank() < 2)
    return im.error() << "scores must be [N, C, ...], got " << typeOf(*scores);
  KILN_TRY(logProb, im.make<LogSoftmaxOp>({*scores}, {im.i64("axis", 1)},
                                          typeOf(*scores)));
  KILN_TRY(loss, nllLoss(im, node, logProb, *labels, im.input(node, 2)));
  im.setOutput(node, 0, loss);
  im.setOutput(node, 1, logProb);
  return success();
}

} // namespace

void registerLossOps(OpTable &t) {
  t["NegativeLogLikelihoodLoss"] = importNll;
  t["SoftmaxCrossEntropyLoss"] = importSoftmaxCrossEntropy;
}

} // namespace kiln::onnx_import
