//===- Shape.cpp - ONNX data movement and shape operators -----------------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice,
// Gather, Expand, Pad and Shape. Shapes, axes, pads and slice bounds must be
// known at import time (kiln compiles static shapes): from opset 10-13 on
// they are inputs, which must then be constants or computed from constants
// and static shapes (Shape is folded to a constant here).
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/Importer.h"

#include "ir/ShapeUtils.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Normalizes axes against `rank`, rejecting out-of-range and repeated ones.
LogicalResult normalizeAxes(Importer &im, SmallVectorImpl<int64_t> &axes,
                            int64_t rank) {
  for (int64_t &a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n)
      return im.error() << "axis " << a << " is out of range for rank " << rank;
    a = *n;
  }
  SmallVector<int64_t> sorted(axes.begin(), axes.end());
  llvm::sort(sorted);
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return im.error() << "axes must not repeat";
  return success();
}

/// Ints from an attribute (before `inputSince`) or a constant input.
FailureOr<std::optional<SmallVector<int64_t>>>
intsParam(Importer &im, const onnx::NodeProto &node, StringRef name,
          int inputIndex, int64_t inputSince) {
  if (im.opset() < inputSince)
    return attrInts(node, name);
  if (!im.input(node, inputIndex))
    return std::optional<SmallVector<int64_t>>();
  auto v = im.constantInts(node, inputIndex, name);
  if (failed(v))
    return failure();
  return std::optional<SmallVector<int64_t>>(*v);
}

LogicalResult importReshape(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto given = intsParam(im, node, "shape", 1, 5);
  if (failed(given))
    return failure();
  if (!*given)
    return im.error() << "the target shape is required";
  auto in = typeOf(*x).getShape();
  SmallVector<int64_t> shape(**given);
  bool allowZero = attrInt(node, "allowzero", 0);
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return im.error() << "shape entry " << i
                          << " is 0 (copy) but the input has rank "
                          << in.size();
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return im.error() << "shape has more than one -1";
      inferred = i;
      continue;
    }
    if (d < 0)
      return im.error() << "shape entry " << d << " is invalid";
    known *= d;
  }
  int64_t total = numElements(in);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return im.error() << "cannot infer the -1 of shape ["
                        << ArrayRef<int64_t>(**given) << "] for " << typeOf(*x);
    shape[inferred] = total / known;
  }
  if (numElements(shape) != total)
    return im.error() << "cannot reshape " << typeOf(*x) << " to ["
                      << ArrayRef<int64_t>(shape) << "]";
  KILN_TRY(r, im.reshape(*x, shape));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importFlatten(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto in = typeOf(*x).getShape();
  int64_t rank = in.size(), axis = attrInt(node, "axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return im.error() << "axis " << attrInt(node, "axis", 1)
                      << " is out of range for rank " << rank;
  KILN_TRY(r, im.reshape(*x, {numElements(in.take_front(axis)),
                              numElements(in.drop_front(axis))}));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importSqueeze(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto axesOr = intsParam(im, node, "axes", 1, 13);
  if (failed(axesOr))
    return failure();
  auto in = typeOf(*x).getShape();
  SmallVector<int64_t> axes;
  if (*axesOr) {
    axes = **axesOr;
    if (failed(normalizeAxes(im, axes, in.size())))
      return failure();
    for (int64_t a : axes)
      if (in[a] != 1)
        return im.error() << "cannot squeeze dim " << a << " of size " << in[a];
  } else {
    for (auto [i, d] : llvm::enumerate(in))
      if (d == 1)
        axes.push_back(i);
  }
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(in))
    if (!llvm::is_contained(axes, (int64_t)i))
      shape.push_back(d);
  KILN_TRY(r, im.reshape(*x, shape));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importUnsqueeze(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto axesOr = intsParam(im, node, "axes", 1, 13);
  if (failed(axesOr))
    return failure();
  if (!*axesOr)
    return im.error() << "axes are required";
  auto in = typeOf(*x).getShape();
  SmallVector<int64_t> axes = **axesOr;
  int64_t rank = in.size() + axes.size();
  if (failed(normalizeAxes(im, axes, rank)))
    return failure();
  SmallVector<int64_t> shape;
  auto next = in.begin();
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(llvm::is_contained(axes, i) ? 1 : *next++);
  KILN_TRY(r, im.reshape(*x, shape));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importTranspose(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  SmallVector<int64_t> perm;
  if (auto p = attrInts(node, "perm"))
    perm = *p;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  KILN_TRY(r, im.make<TransposeOp>({*x}, {im.i64s("permutation", perm)}));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importConcat(Importer &im, const onnx::NodeProto &node) {
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    auto v = im.required(node, i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  if (inputs.empty())
    return im.error() << "needs at least one input";
  int64_t rank = typeOf(inputs[0]).getRank();
  auto axis = normalizeAxis(attrInt(node, "axis", 0), rank);
  if (!axis)
    return im.error() << "axis " << attrInt(node, "axis", 0)
                      << " is out of range for rank " << rank;
  KILN_TRY(r, im.make<ConcatOp>(inputs, {im.i64("axis", *axis)}));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importSplit(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto type = typeOf(*x);
  auto axis = normalizeAxis(attrInt(node, "axis", 0), type.getRank());
  if (!axis)
    return im.error() << "axis " << attrInt(node, "axis", 0)
                      << " is out of range for rank " << type.getRank();
  auto sizesOr = intsParam(im, node, "split", 1, 13);
  if (failed(sizesOr))
    return failure();
  int64_t dim = type.getDimSize(*axis), parts = node.output_size();
  SmallVector<int64_t> sizes;
  if (*sizesOr) {
    sizes = **sizesOr;
  } else {
    if (const onnx::AttributeProto *n = findAttr(node, "num_outputs"))
      parts = n->i();
    if (parts < 1)
      return im.error() << "needs at least one output";
    // Equal parts; the last is smaller when the dim does not divide.
    int64_t each = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(each, dim - i * each)));
  }
  if ((int64_t)sizes.size() != node.output_size())
    return im.error() << "split has " << sizes.size() << " sizes for "
                      << node.output_size() << " outputs";
  int64_t sum = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return im.error() << "split sizes must be non-negative";
    sum += s;
  }
  if (sum != dim)
    return im.error() << "split sizes add up to " << sum << ", not dim " << dim;
  int64_t start = 0;
  for (auto [i, s] : llvm::enumerate(sizes)) {
    SmallVector<int64_t> starts(type.getRank(), 0), limits(type.getShape()),
        steps(type.getRank(), 1);
    starts[*axis] = start;
    limits[*axis] = start + s;
    KILN_TRY(part, im.make<SliceOp>({*x}, {im.i64s("starts", starts),
                                           im.i64s("limits", limits),
                                           im.i64s("steps", steps)}));
    im.setOutput(node, i, part);
    start += s;
  }
  return success();
}

/// Slice with ONNX's clamping: negative bounds count from the end, bounds
/// past the ends are clamped, and a negative step walks backwards (done
/// with a gather of the reversed indices, kiln.slice stepping forwards).
LogicalResult importSlice(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto type = typeOf(*x);
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (im.opset() < 10) {
    starts = attrInts(node, "starts").value_or(SmallVector<int64_t>());
    ends = attrInts(node, "ends").value_or(SmallVector<int64_t>());
    if (auto a = attrInts(node, "axes"))
      axes = *a;
  } else {
    auto s = im.constantInts(node, 1, "starts");
    auto e = im.constantInts(node, 2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (im.input(node, 3)) {
      auto a = im.constantInts(node, 3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (im.input(node, 4)) {
      auto st = im.constantInts(node, 4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return im.error() << "starts, ends, axes and steps must have the same "
                         "length";
  if (failed(normalizeAxes(im, axes, rank)))
    return failure();
  SmallVector<int64_t> lo(rank, 0), hi(type.getShape()), st(rank, 1);
  SmallVector<std::pair<int64_t, SmallVector<int64_t>>> reversed;
  for (auto [i, axis] : llvm::enumerate(axes)) {
    int64_t dim = type.getDimSize(axis), step = steps[i];
    if (step == 0)
      return im.error() << "slice step must not be 0";
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      int64_t count = end > start ? (end - start + step - 1) / step : 0;
      lo[axis] = start;
      hi[axis] = count ? start + (count - 1) * step + 1 : start;
      st[axis] = step;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      SmallVector<int64_t> idx;
      for (int64_t k = start; k > end; k += step)
        idx.push_back(k);
      reversed.push_back({axis, idx});
    }
  }
  // An empty slice is an empty constant: nothing to read, and no slice
  // whose offset points past the end reaches codegen.
  SmallVector<int64_t> outShape;
  for (int64_t i = 0; i < rank; ++i)
    outShape.push_back(sliceLength(lo[i], hi[i], st[i]));
  for (auto &[axis, idx] : reversed)
    outShape[axis] = idx.size();
  if (numElements(outShape) == 0) {
    im.setOutput(node, 0,
                 im.constant(DenseElementsAttr::get(type.clone(outShape),
                                                    ArrayRef<Attribute>())));
    return success();
  }
  KILN_TRY(sliced,
           im.make<SliceOp>({*x}, {im.i64s("starts", lo), im.i64s("limits", hi),
                                   im.i64s("steps", st)}));
  Value result = sliced;
  for (auto &[axis, idx] : reversed) {
    KILN_TRY(g, im.make<GatherOp>({result, im.ints(idx, {(int64_t)idx.size()})},
                                  {im.i64("axis", axis)}));
    result = g;
  }
  im.setOutput(node, 0, result);
  return success();
}

LogicalResult importGather(Importer &im, const onnx::NodeProto &node) {
  auto data = im.required(node, 0), indices = im.required(node, 1);
  if (failed(data) || failed(indices))
    return failure();
  int64_t rank = typeOf(*data).getRank();
  auto axis = normalizeAxis(attrInt(node, "axis", 0), rank);
  if (!axis)
    return im.error() << "axis " << attrInt(node, "axis", 0)
                      << " is out of range for rank " << rank;
  if (auto known = im.knownInts(*indices)) {
    int64_t dim = typeOf(*data).getDimSize(*axis);
    for (int64_t k : *known)
      if (k < -dim || k >= dim)
        return im.error() << "index " << k << " is out of range for dim "
                          << dim;
  }
  KILN_TRY(r, im.make<GatherOp>({*data, *indices}, {im.i64("axis", *axis)}));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importExpand(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto shape = im.constantInts(node, 1, "shape");
  if (failed(shape))
    return failure();
  auto out = broadcastShapes(typeOf(*x).getShape(), *shape);
  if (!out)
    return im.error() << typeOf(*x) << " does not broadcast to ["
                      << ArrayRef<int64_t>(*shape) << "]";
  KILN_TRY(r, im.make<BroadcastToOp>({*x}, {}, typeOf(*x).clone(*out)));
  im.setOutput(node, 0, r);
  return success();
}

LogicalResult importPad(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto type = typeOf(*x);
  int64_t rank = type.getRank();
  SmallVector<int64_t> pads;
  double value = 0;
  if (im.opset() < 11) {
    auto p = attrInts(node, "pads");
    if (!p)
      p = attrInts(node, "paddings"); // opset 1
    if (!p)
      return im.error() << "attribute 'pads' is required";
    pads = *p;
    value = attrFloat(node, "value", 0.0f);
  } else {
    auto p = im.constantInts(node, 1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (Value v = im.input(node, 2)) {
      auto c = im.knownScalar(v);
      if (!c)
        return im.error() << "constant_value must be a constant";
      value = *c;
    }
    if (im.input(node, 3)) {
      auto a = im.constantInts(node, 3, "axes");
      if (failed(a))
        return failure();
      SmallVector<int64_t> axes = *a;
      if (failed(normalizeAxes(im, axes, rank)) ||
          pads.size() != 2 * axes.size())
        return im.error() << "pads must have two entries per axis";
      SmallVector<int64_t> full(2 * rank, 0);
      for (auto [i, axis] : llvm::enumerate(axes)) {
        full[axis] = pads[i];
        full[rank + axis] = pads[axes.size() + i];
      }
      pads = full;
    }
  }
  if ((int64_t)pads.size() != 2 * rank)
    return im.error() << "pads has " << pads.size() << " entries for rank "
                      << rank << " (need " << 2 * rank << ")";
  std::string mode = attrString(node, "mode", "constant");
  PadMode padMode;
  if (mode == "constant")
    padMode = PadMode::constant;
  else if (mode == "reflect")
    padMode = PadMode::reflect;
  else if (mode == "edge")
    padMode = PadMode::edge;
  else
    return im.error() << "pad mode '" << mode << "' is not supported";
  // Negative pads crop.
  SmallVector<int64_t> low(rank), high(rank), cropLo(rank, 0),
      cropHi(type.getShape());
  bool crop = false;
  for (int64_t i = 0; i < rank; ++i) {
    low[i] = std::max<int64_t>(0, pads[i]);
    high[i] = std::max<int64_t>(0, pads[rank + i]);
    if (pads[i] < 0 || pads[rank + i] < 0) {
      crop = true;
      cropLo[i] = std::max<int64_t>(0, -pads[i]);
      cropHi[i] -= std::max<int64_t>(0, -pads[rank + i]);
      if (cropLo[i] > cropHi[i])
        return im.error() << "negative pads crop more than dim " << i;
    }
  }
  Value result = *x;
  if (crop) {
    KILN_TRY(
        c, im.make<SliceOp>(
               {result}, {im.i64s("starts", cropLo), im.i64s("limits", cropHi),
                          im.i64s("steps", SmallVector<int64_t>(rank, 1))}));
    result = c;
  }
  KILN_TRY(r,
           im.make<PadOp>({result},
                          {im.i64s("low", low), im.i64s("high", high),
                           im.attr("mode", PadModeAttr::get(im.ctx(), padMode)),
                           im.attr("value", im.b().getF64FloatAttr(value))}));
  im.setOutput(node, 0, r);
  return success();
}

/// Shape is known at import time: a constant.
LogicalResult importShape(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto shape = typeOf(*x).getShape();
  int64_t rank = shape.size();
  int64_t start = attrInt(node, "start", 0), end = attrInt(node, "end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  SmallVector<int64_t> dims(shape.begin() + start, shape.begin() + end);
  im.setOutput(node, 0, im.ints(dims, {(int64_t)dims.size()}));
  return success();
}

} // namespace

void registerShapeOps(OpTable &t) {
  t["Reshape"] = importReshape;
  t["Flatten"] = importFlatten;
  t["Squeeze"] = importSqueeze;
  t["Unsqueeze"] = importUnsqueeze;
  t["Transpose"] = importTranspose;
  t["Concat"] = importConcat;
  t["Split"] = importSplit;
  t["Slice"] = importSlice;
  t["Gather"] = importGather;
  t["Expand"] = importExpand;
  t["Pad"] = importPad;
  t["Shape"] = importShape;
}

} // namespace kiln::onnx_import
