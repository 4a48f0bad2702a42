//===- Reduction.cpp - ONNX reductions, ArgMax, Softmax, LogSoftmax -------===//

#include "frontend/onnx/Importer.h"

#include "ir/ShapeUtils.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Reduce*: axes are an attribute, or (ReduceSum from opset 13, the others
/// from 18) an optional input; no axes means all of them unless
/// noop_with_empty_axes makes the op an identity.
template <typename OpTy>
LogicalResult importReduce(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  bool axesAsInput =
      node.op_type() == "ReduceSum" ? im.opset() >= 13 : im.opset() >= 18;
  if (axesAsInput && im.input(node, 1)) {
    auto known = im.constantInts(node, 1, "axes");
    if (failed(known))
      return failure();
    axes = *known;
  } else if (auto a = attrInts(node, "axes")) {
    axes = *a;
  }
  if (axes.empty() && attrInt(node, "noop_with_empty_axes", 0)) {
    im.setOutput(node, 0, *x);
    return success();
  }
  int64_t rank = typeOf(*x).getRank();
  for (int64_t &a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n)
      return im.error() << "axis " << a << " is out of range for rank " << rank;
    a = *n;
  }
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  auto r = im.make<OpTy>(
      {*x}, {im.i64s("axes", axes),
             im.boolean("keepdims", attrInt(node, "keepdims", 1))});
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

LogicalResult importArgMax(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  auto axis = normalizeAxis(attrInt(node, "axis", 0), rank);
  if (!axis)
    return im.error() << "axis " << attrInt(node, "axis", 0)
                      << " is out of range for rank " << rank;
  auto r = im.make<ArgMaxOp>(
      {*x},
      {im.i64("axis", *axis),
       im.boolean("keepdims", attrInt(node, "keepdims", 1)),
       im.boolean("select_last_index", attrInt(node, "select_last_index", 0))});
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

/// Before opset 13, Softmax and LogSoftmax work on the input coerced to 2-D
/// at `axis` (default 1): [prod(dims < axis), prod(dims >= axis)].
template <typename OpTy>
LogicalResult importSoftmax(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto type = typeOf(*x);
  int64_t rank = type.getRank();
  bool legacy = im.opset() < 13;
  int64_t given = attrInt(node, "axis", legacy ? 1 : -1);
  auto axis = normalizeAxis(given, rank);
  if (!axis)
    return im.error() << "axis " << given << " is out of range for rank "
                      << rank;
  if (!legacy || rank == 0) {
    auto r = im.make<OpTy>({*x}, {im.i64("axis", *axis)}, type);
    if (failed(r))
      return failure();
    im.setOutput(node, 0, *r);
    return success();
  }
  int64_t outer = numElements(type.getShape().take_front(*axis));
  int64_t inner = numElements(type.getShape().drop_front(*axis));
  KILN_TRY(flat, im.reshape(*x, {outer, inner}));
  KILN_TRY(r, im.make<OpTy>({flat}, {im.i64("axis", 1)}, typeOf(flat)));
  KILN_TRY(back, im.reshape(r, type.getShape()));
  im.setOutput(node, 0, back);
  return success();
}

} // namespace

void registerReductionOps(OpTable &t) {
  t["ReduceSum"] = importReduce<ReduceSumOp>;
  t["ReduceMean"] = importReduce<ReduceMeanOp>;
  t["ReduceMax"] = importReduce<ReduceMaxOp>;
  t["ReduceMin"] = importReduce<ReduceMinOp>;
  t["ReduceLogSumExp"] = importReduce<ReduceLogSumExpOp>;
  t["ArgMax"] = importArgMax;
  t["Softmax"] = importSoftmax<SoftmaxOp>;
  t["LogSoftmax"] = importSoftmax<LogSoftmaxOp>;
}

} // namespace kiln::onnx_import
