//===- Norm.cpp - ONNX normalization and dropout --------------------------===//

#include "frontend/onnx/Importer.h"

#include "ir/ShapeUtils.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Inference uses the running statistics (kiln.batch_norm_inference); with
/// training_mode (opset 14+) the batch's statistics normalize and the
/// running ones are updated: running = running * momentum + batch * (1 -
/// momentum), with the biased batch variance, as ONNX specifies.
LogicalResult importBatchNorm(Importer &im, const onnx::NodeProto &node) {
  SmallVector<Value> in;
  for (int i = 0; i < 5; ++i) {
    auto v = im.required(node, i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  if (!attrInt(node, "spatial", 1))
    return im.error() << "spatial=0 is not supported";
  float epsilon = attrFloat(node, "epsilon", 1e-5f);
  bool training = attrInt(node, "training_mode", 0);
  if (!training) {
    for (int i = 1; i < node.output_size(); ++i)
      if (Importer::hasOutput(node, i))
        return im.error() << "the training outputs (mean, var, saved "
                             "statistics) need training_mode";
    KILN_TRY(y,
             im.make<BatchNormInferenceOp>(in, {im.f32("epsilon", epsilon)}));
    im.setOutput(node, 0, y);
    return success();
  }
  auto results =
      im.makeAll(BatchNormTrainingOp::getOperationName(), {in[0], in[1], in[2]},
                 {im.f32("epsilon", epsilon)}, 3);
  if (failed(results))
    return failure();
  float momentum = attrFloat(node, "momentum", 0.9f);
  im.setOutput(node, 0, (*results)[0]);
  for (int i = 0; i < 2; ++i) {
    Value running = in[3 + i], batch = (*results)[1 + i];
    KILN_TRY(a, im.make<MulOp>({running, im.scalarLike(running, momentum)}));
    KILN_TRY(b, im.make<MulOp>({batch, im.scalarLike(batch, 1 - momentum)}));
    KILN_TRY(updated, im.make<AddOp>({a, b}));
    im.setOutput(node, 1 + i, updated);
  }
  return success();
}

/// LayerNormalization: kiln.layer_norm when only Y is wanted and the scale
/// and bias have the normalized shape; otherwise composed, which also gives
/// the Mean and InvStdDev outputs (kept dims).
LogicalResult importLayerNorm(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0), scale = im.required(node, 1);
  if (failed(x) || failed(scale))
    return failure();
  Value bias = im.input(node, 2);
  auto type = typeOf(*x);
  int64_t rank = type.getRank();
  auto axis = normalizeAxis(attrInt(node, "axis", -1), rank);
  if (!axis)
    return im.error() << "axis " << attrInt(node, "axis", -1)
                      << " is out of range for rank " << rank;
  float epsilon = attrFloat(node, "epsilon", 1e-5f);
  auto normShape = type.getShape().drop_front(*axis);
  bool full = typeOf(*scale).getShape() == normShape &&
              (!bias || typeOf(bias).getShape() == normShape);
  if (full && !Importer::hasOutput(node, 1) && !Importer::hasOutput(node, 2)) {
    if (!bias)
      bias = im.b().zeros(typeOf(*scale));
    KILN_TRY(y, im.make<LayerNormOp>(
                    {*x, *scale, bias},
                    {im.i64("axis", *axis), im.f32("epsilon", epsilon)}));
    im.setOutput(node, 0, y);
    return success();
  }
  SmallVector<int64_t> axes;
  for (int64_t i = *axis; i < rank; ++i)
    axes.push_back(i);
  SmallVector<NamedAttribute> reduce = {im.i64s("axes", axes),
                                        im.boolean("keepdims", true)};
  KILN_TRY(mean, im.make<ReduceMeanOp>({*x}, reduce));
  KILN_TRY(centered, im.make<SubOp>({*x, mean}));
  KILN_TRY(squared, im.make<MulOp>({centered, centered}));
  KILN_TRY(var, im.make<ReduceMeanOp>({squared}, reduce));
  KILN_TRY(shifted, im.make<AddOp>({var, im.scalarLike(var, epsilon)}));
  KILN_TRY(invStd, im.make<RsqrtOp>({shifted}, {}, typeOf(shifted)));
  KILN_TRY(normalized, im.make<MulOp>({centered, invStd}));
  KILN_TRY(scaled, im.make<MulOp>({normalized, *scale}));
  Value y = scaled;
  if (bias) {
    KILN_TRY(shiftedY, im.make<AddOp>({y, bias}));
    y = shiftedY;
  }
  if (typeOf(y) != type)
    return im.error() << "scale and bias must broadcast to " << type;
  im.setOutput(node, 0, y);
  im.setOutput(node, 1, mean);
  im.setOutput(node, 2, invStd);
  return success();
}

/// Dropout is the identity outside training (mask all true). In training
/// mode kiln.dropout draws its mask from a seed: a ratio of 0 keeps
/// everything, any other ratio gives a mask that no other runtime's
/// random numbers reproduce.
LogicalResult importDropout(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  double ratio = attrFloat(node, "ratio", 0.5f);
  bool training = false;
  if (im.opset() >= 12) {
    ratio = 0.5;
    if (Value r = im.input(node, 1)) {
      auto known = im.knownScalar(r);
      if (!known)
        return im.error() << "ratio must be a constant";
      ratio = *known;
    }
    if (Value t = im.input(node, 2)) {
      auto known = im.knownScalar(t);
      if (!known)
        return im.error() << "training_mode must be a constant";
      training = *known != 0;
    }
  } else if (im.opset() < 7) {
    training = !attrInt(node, "is_test", 0);
  }
  auto maskType = typeOf(*x).clone(im.b().getI1Type());
  if (!training || ratio == 0) {
    im.setOutput(node, 0, *x);
    if (Importer::hasOutput(node, 1))
      im.setOutput(node, 1,
                   im.constant(DenseElementsAttr::get(maskType, true)));
    return success();
  }
  Value seed = im.ints({attrInt(node, "seed", 0)}, {});
  auto results =
      im.makeAll(DropoutOp::getOperationName(), {*x, seed},
                 {im.f32("ratio", ratio), im.boolean("training", true)}, 2);
  if (failed(results))
    return failure();
  im.setOutput(node, 0, (*results)[0]);
  im.setOutput(node, 1, (*results)[1]);
  return success();
}

} // namespace

void registerNormOps(OpTable &t) {
  t["BatchNormalization"] = importBatchNorm;
  t["LayerNormalization"] = importLayerNorm;
  t["Dropout"] = importDropout;
}

} // namespace kiln::onnx_import
