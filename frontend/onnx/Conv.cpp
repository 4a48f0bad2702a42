//===- Conv.cpp - ONNX convolution and pooling ----------------------------===//
//
// kiln has 2-D convolution and pooling. ONNX's 1-D forms become 2-D ones
// over a height of 1; 3-D forms are sums (max, averages) of 2-D ones over
// the depth window; ConvTranspose is a convolution of the stride-dilated,
// padded input with the flipped filter. All are compositions of kiln ops,
// so autodiff and codegen see nothing new.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/Importer.h"

#include <limits>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Window attributes of Conv, ConvTranspose and the pools, per spatial dim.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;
  bool ceilMode = false;
};

/// Reads kernel_shape (or the filter's dims), strides, dilations, pads and
/// auto_pad for `spatial` input dims `in`.
FailureOr<Window> readWindow(Importer &im, const onnx::NodeProto &node,
                             ArrayRef<int64_t> in,
                             std::optional<ArrayRef<int64_t>> filterDims) {
  size_t n = in.size();
  Window w;
  if (auto k = attrInts(node, "kernel_shape"))
    w.kernel = *k;
  else if (filterDims)
    w.kernel.assign(filterDims->begin(), filterDims->end());
  else
    return im.error() << "attribute 'kernel_shape' is required", failure();
  w.strides = attrInts(node, "strides").value_or(SmallVector<int64_t>(n, 1));
  w.dilations =
      attrInts(node, "dilations").value_or(SmallVector<int64_t>(n, 1));
  auto pads = attrInts(node, "pads").value_or(SmallVector<int64_t>(2 * n, 0));
  w.ceilMode = attrInt(node, "ceil_mode", 0);
  if (w.kernel.size() != n || w.strides.size() != n ||
      w.dilations.size() != n || pads.size() != 2 * n)
    return im.error() << "kernel_shape, strides, dilations and pads must "
                         "have one entry per spatial dim ("
                      << n << ", pads " << 2 * n << ")",
           failure();
  for (size_t i = 0; i < n; ++i)
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1 ||
        pads[i] < 0 || pads[n + i] < 0)
      return im.error() << "kernel, strides and dilations must be positive "
                           "and pads non-negative",
             failure();
  w.padBegin.assign(pads.begin(), pads.begin() + n);
  w.padEnd.assign(pads.begin() + n, pads.end());
  std::string autoPad = attrString(node, "auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    w.padBegin.assign(n, 0);
    w.padEnd.assign(n, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < n; ++i) {
      int64_t out = (in[i] + w.strides[i] - 1) / w.strides[i];
      int64_t eff = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + eff - in[i]);
      int64_t small = total / 2, large = total - small;
      w.padBegin[i] = autoPad == "SAME_UPPER" ? small : large;
      w.padEnd[i] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return im.error() << "auto_pad '" << autoPad << "' is not supported",
           failure();
  }
  return w;
}

/// A 1-D window as the 2-D one over a height of 1.
Window as2D(const Window &w) {
  Window r = w;
  r.kernel.insert(r.kernel.begin(), 1);
  r.strides.insert(r.strides.begin(), 1);
  r.dilations.insert(r.dilations.begin(), 1);
  r.padBegin.insert(r.padBegin.begin(), 0);
  r.padEnd.insert(r.padEnd.begin(), 0);
  return r;
}

/// [top, left, bottom, right] of a 2-D window.
SmallVector<int64_t> padding2D(const Window &w) {
  return {w.padBegin[0], w.padBegin[1], w.padEnd[0], w.padEnd[1]};
}

/// Inserts a dim of size 1 at `at`.
FailureOr<Value> insertUnitDim(Importer &im, Value x, int64_t at) {
  SmallVector<int64_t> shape(typeOf(x).getShape());
  shape.insert(shape.begin() + at, 1);
  return im.reshape(x, shape);
}

FailureOr<Value> dropDim(Importer &im, Value x, int64_t at) {
  SmallVector<int64_t> shape(typeOf(x).getShape());
  shape.erase(shape.begin() + at);
  return im.reshape(x, shape);
}

/// Elements start, start + step, ... of `axis` (count of them).
FailureOr<Value> strided(Importer &im, Value x, int64_t axis, int64_t start,
                         int64_t count, int64_t step) {
  auto type = typeOf(x);
  SmallVector<int64_t> starts(type.getRank(), 0), limits(type.getShape()),
      steps(type.getRank(), 1);
  starts[axis] = start;
  limits[axis] = start + (count - 1) * step + 1;
  steps[axis] = step;
  return im.make<SliceOp>({x},
                          {im.i64s("starts", starts), im.i64s("limits", limits),
                           im.i64s("steps", steps)});
}

/// Pads dim `axis` of x by low/high with `value`.
FailureOr<Value> padDim(Importer &im, Value x, int64_t axis, int64_t low,
                        int64_t high, double value) {
  if (!low && !high)
    return x;
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> lo(rank, 0), hi(rank, 0);
  lo[axis] = low;
  hi[axis] = high;
  return im.make<PadOp>({x}, {im.i64s("low", lo), im.i64s("high", hi),
                              im.attr("value", im.b().getF64FloatAttr(value))});
}

FailureOr<Value> conv2d(Importer &im, Value x, Value filter, Value bias,
                        const Window &w, int64_t groups) {
  SmallVector<Value> operands = {x, filter};
  if (bias)
    operands.push_back(bias);
  return im.make<Conv2DOp>(operands, {im.i64s("strides", w.strides),
                                      im.i64s("padding", padding2D(w)),
                                      im.i64s("dilations", w.dilations),
                                      im.i64("groups", groups)});
}

/// 3-D convolution as a sum over the filter's depth of 2-D convolutions of
/// every (padded) depth slice, each output depth picking its slices.
FailureOr<Value> conv3d(Importer &im, Value x, Value filter, Value bias,
                        const Window &w, int64_t groups) {
  auto xt = typeOf(x), ft = typeOf(filter);
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), f = ft.getDimSize(0),
          cg = ft.getDimSize(1), kd = ft.getDimSize(2);
  KILN_TRY(padded, padDim(im, x, 2, w.padBegin[0], w.padEnd[0], 0.0));
  int64_t dp = typeOf(padded).getDimSize(2);
  int64_t od = (dp - w.dilations[0] * (kd - 1) - 1) / w.strides[0] + 1;
  if (od < 1)
    return im.error() << "the filter does not fit the padded depth", failure();
  KILN_TRY(ndchw, im.make<TransposeOp>(
                      {padded}, {im.i64s("permutation", {0, 2, 1, 3, 4})}));
  KILN_TRY(slices,
           im.reshape(ndchw, {n * dp, c, xt.getDimSize(3), xt.getDimSize(4)}));
  Window w2;
  w2.strides = {w.strides[1], w.strides[2]};
  w2.dilations = {w.dilations[1], w.dilations[2]};
  w2.padBegin = {w.padBegin[1], w.padBegin[2]};
  w2.padEnd = {w.padEnd[1], w.padEnd[2]};
  Value sum;
  for (int64_t k = 0; k < kd; ++k) {
    KILN_TRY(fk, strided(im, filter, 2, k, 1, 1));
    KILN_TRY(fk2, im.reshape(fk, {f, cg, ft.getDimSize(3), ft.getDimSize(4)}));
    KILN_TRY(y, conv2d(im, slices, fk2, {}, w2, groups));
    auto yt = typeOf(y);
    KILN_TRY(y5, im.reshape(y, {n, dp, f, yt.getDimSize(2), yt.getDimSize(3)}));
    KILN_TRY(picked, strided(im, y5, 1, k * w.dilations[0], od, w.strides[0]));
    if (!sum) {
      sum = picked;
      continue;
    }
    KILN_TRY(s, im.make<AddOp>({sum, picked}));
    sum = s;
  }
  if (bias) {
    KILN_TRY(b5, im.reshape(bias, {1, 1, f, 1, 1}));
    KILN_TRY(s, im.make<AddOp>({sum, b5}));
    sum = s;
  }
  return im.make<TransposeOp>({sum}, {im.i64s("permutation", {0, 2, 1, 3, 4})});
}

LogicalResult importConv(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0), filter = im.required(node, 1);
  if (failed(x) || failed(filter))
    return failure();
  Value bias = im.input(node, 2);
  auto xt = typeOf(*x), ft = typeOf(*filter);
  int64_t rank = xt.getRank();
  if (rank < 3 || rank > 5 || ft.getRank() != rank)
    return im.error() << "input and filter must both be 3-D, 4-D or 5-D, got "
                      << xt << " and " << ft;
  auto w = readWindow(im, node, xt.getShape().drop_front(2),
                      ft.getShape().drop_front(2));
  if (failed(w))
    return failure();
  for (size_t i = 0; i < w->kernel.size(); ++i)
    if (w->kernel[i] != ft.getDimSize(2 + i))
      return im.error() << "kernel_shape disagrees with the filter " << ft;
  int64_t groups = attrInt(node, "group", 1);
  if (groups < 1)
    return im.error() << "group must be positive, got " << groups;
  Value result;
  if (rank == 4) {
    KILN_TRY(y, conv2d(im, *x, *filter, bias, *w, groups));
    result = y;
  } else if (rank == 3) {
    KILN_TRY(x4, insertUnitDim(im, *x, 2));
    KILN_TRY(f4, insertUnitDim(im, *filter, 2));
    KILN_TRY(y, conv2d(im, x4, f4, bias, as2D(*w), groups));
    KILN_TRY(y3, dropDim(im, y, 2));
    result = y3;
  } else {
    if (xt.getDimSize(1) != ft.getDimSize(1) * groups)
      return im.error() << "filter " << ft << " does not fit input " << xt
                        << " with " << groups << " groups";
    KILN_TRY(y, conv3d(im, *x, *filter, bias, *w, groups));
    result = y;
  }
  im.setOutput(node, 0, result);
  return success();
}

/// Reverses `axis` of x.
FailureOr<Value> flip(Importer &im, Value x, int64_t axis) {
  int64_t n = typeOf(x).getDimSize(axis);
  SmallVector<int64_t> idx;
  for (int64_t i = n - 1; i >= 0; --i)
    idx.push_back(i);
  return im.make<GatherOp>({x, im.ints(idx, {n})}, {im.i64("axis", axis)});
}

/// ConvTranspose (2-D and 3-D, and 1-D through 2-D): the input with
/// stride - 1 zeros between elements, padded by (effective kernel - 1 - pad)
/// on each side (plus output_padding at the end), convolved with the
/// spatially flipped filter whose in/out channels are swapped within each
/// group.
LogicalResult importConvTranspose(Importer &im, const onnx::NodeProto &node) {
  auto xOr = im.required(node, 0), fOr = im.required(node, 1);
  if (failed(xOr) || failed(fOr))
    return failure();
  Value x = *xOr, filter = *fOr, bias = im.input(node, 2);
  int64_t rank = typeOf(x).getRank();
  if (rank < 3 || rank > 5 || typeOf(filter).getRank() != rank)
    return im.error() << "input and filter must both be 3-D, 4-D or 5-D, got "
                      << typeOf(x) << " and " << typeOf(filter);
  bool lifted = rank == 3;
  if (lifted) {
    KILN_TRY(x4, insertUnitDim(im, x, 2));
    KILN_TRY(f4, insertUnitDim(im, filter, 2));
    x = x4;
    filter = f4;
    rank = 4;
  }
  int64_t k = rank - 2;
  auto xt = typeOf(x), ft = typeOf(filter);
  int64_t groups = attrInt(node, "group", 1);
  if (groups < 1)
    return im.error() << "group must be positive, got " << groups;
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), fg = ft.getDimSize(1);
  if (ft.getDimSize(0) != c || c % groups)
    return im.error() << "filter " << typeOf(*fOr) << " does not fit input "
                      << typeOf(*xOr) << " with " << groups << " groups";
  auto lift = [&](std::optional<SmallVector<int64_t>> v,
                  int64_t fill) -> std::optional<SmallVector<int64_t>> {
    if (v && lifted)
      v->insert(v->begin(), fill);
    return v;
  };
  SmallVector<int64_t> kernel(ft.getShape().drop_front(2));
  SmallVector<int64_t> in(xt.getShape().drop_front(2));
  auto strides =
      lift(attrInts(node, "strides"), 1).value_or(SmallVector<int64_t>(k, 1));
  auto dilations =
      lift(attrInts(node, "dilations"), 1).value_or(SmallVector<int64_t>(k, 1));
  auto outPad = lift(attrInts(node, "output_padding"), 0)
                    .value_or(SmallVector<int64_t>(k, 0));
  auto pads = attrInts(node, "pads").value_or(SmallVector<int64_t>(2 * k, 0));
  if (lifted && pads.size() == 2)
    pads = {0, pads[0], 0, pads[1]};
  auto outputShape = lift(attrInts(node, "output_shape"), 1);
  std::string autoPad = attrString(node, "auto_pad", "NOTSET");
  if ((int64_t)strides.size() != k || (int64_t)dilations.size() != k ||
      (int64_t)outPad.size() != k || (int64_t)pads.size() != 2 * k ||
      (outputShape && (int64_t)outputShape->size() != k))
    return im.error() << "strides, dilations, output_padding, pads and "
                         "output_shape need one entry per spatial dim";
  for (int64_t i = 0; i < k; ++i)
    if (strides[i] < 1 || dilations[i] < 1 || outPad[i] < 0)
      return im.error() << "strides and dilations must be positive and "
                           "output_padding non-negative";
  SmallVector<int64_t> eff(k);
  for (int64_t i = 0; i < k; ++i)
    eff[i] = (kernel[i] - 1) * dilations[i] + 1;
  if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < k; ++i) {
      int64_t out = outputShape ? (*outputShape)[i] : in[i] * strides[i];
      // A negative total (output_shape larger than the strides give) pads
      // the output; the halves round down as in ONNX's reference.
      int64_t total = strides[i] * (in[i] - 1) + outPad[i] + eff[i] - out;
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      bool upper = autoPad == "SAME_UPPER";
      pads[i] = upper ? half : total - half;
      pads[k + i] = total - pads[i];
    }
  } else if (autoPad == "VALID") {
    pads.assign(2 * k, 0);
  }

  // Stride-dilate: each spatial dim d becomes [d, 1], padded to [d, s],
  // merged to d * s, and the trailing s - 1 zeros dropped.
  Value z = x;
  if (llvm::any_of(strides, [](int64_t s) { return s > 1; })) {
    SmallVector<int64_t> split = {n, c}, low, high, merged = {n, c};
    for (int64_t i = 0; i < k; ++i) {
      split.append({in[i], 1});
      merged.push_back(in[i] * strides[i]);
    }
    low.assign(split.size(), 0);
    high.assign(split.size(), 0);
    for (int64_t i = 0; i < k; ++i)
      high[3 + 2 * i] = strides[i] - 1;
    KILN_TRY(xs, im.reshape(x, split));
    KILN_TRY(padded, im.make<PadOp>(
                         {xs}, {im.i64s("low", low), im.i64s("high", high)}));
    KILN_TRY(xm, im.reshape(padded, merged));
    SmallVector<int64_t> starts(rank, 0), limits = {n, c}, steps(rank, 1);
    for (int64_t i = 0; i < k; ++i)
      limits.push_back((in[i] - 1) * strides[i] + 1);
    KILN_TRY(trimmed, im.make<SliceOp>({xm}, {im.i64s("starts", starts),
                                              im.i64s("limits", limits),
                                              im.i64s("steps", steps)}));
    z = trimmed;
  }
  // Border: eff - 1 - pad on each side, output_padding more at the end;
  // negative amounts crop.
  SmallVector<int64_t> low(rank, 0), high(rank, 0), cropLow(rank, 0),
      cropHigh(rank, 0);
  for (int64_t i = 0; i < k; ++i) {
    int64_t lo = eff[i] - 1 - pads[i],
            hi = eff[i] - 1 - pads[k + i] + outPad[i];
    (lo >= 0 ? low[2 + i] : cropLow[2 + i]) = std::abs(lo);
    (hi >= 0 ? high[2 + i] : cropHigh[2 + i]) = std::abs(hi);
  }
  KILN_TRY(bordered,
           im.make<PadOp>({z}, {im.i64s("low", low), im.i64s("high", high)}));
  z = bordered;
  if (llvm::any_of(cropLow, [](int64_t v) { return v; }) ||
      llvm::any_of(cropHigh, [](int64_t v) { return v; })) {
    SmallVector<int64_t> limits(typeOf(z).getShape());
    for (int64_t i = 0; i < rank; ++i)
      limits[i] -= cropHigh[i];
    KILN_TRY(cropped,
             im.make<SliceOp>(
                 {z}, {im.i64s("starts", cropLow), im.i64s("limits", limits),
                       im.i64s("steps", SmallVector<int64_t>(rank, 1))}));
    z = cropped;
  }
  // Filter [C, F/g, K...] -> flipped -> [F, C/g, K...] per group.
  Value w = filter;
  for (int64_t i = 0; i < k; ++i) {
    KILN_TRY(flipped, flip(im, w, 2 + i));
    w = flipped;
  }
  SmallVector<int64_t> grouped = {groups, c / groups, fg}, perm = {0, 2, 1},
                       regrouped = {groups * fg, c / groups};
  for (int64_t i = 0; i < k; ++i) {
    grouped.push_back(kernel[i]);
    perm.push_back(3 + i);
    regrouped.push_back(kernel[i]);
  }
  KILN_TRY(wg, im.reshape(w, grouped));
  KILN_TRY(swapped, im.make<TransposeOp>({wg}, {im.i64s("permutation", perm)}));
  KILN_TRY(wc, im.reshape(swapped, regrouped));
  Window win;
  win.strides.assign(k, 1);
  win.dilations = dilations;
  win.padBegin.assign(k, 0);
  win.padEnd.assign(k, 0);
  Value result;
  if (k == 2) {
    KILN_TRY(y, conv2d(im, z, wc, bias, win, groups));
    result = y;
  } else {
    KILN_TRY(y, conv3d(im, z, wc, bias, win, groups));
    result = y;
  }
  if (lifted) {
    KILN_TRY(y3, dropDim(im, result, 2));
    result = y3;
  }
  im.setOutput(node, 0, result);
  return success();
}

FailureOr<Value> pool2d(Importer &im, bool isMax, Value x, const Window &w,
                        bool countIncludePad) {
  SmallVector<NamedAttribute> attrs = {
      im.i64s("kernel_size", w.kernel), im.i64s("strides", w.strides),
      im.i64s("padding", padding2D(w)), im.boolean("ceil_mode", w.ceilMode)};
  if (isMax)
    attrs.push_back(im.i64s("dilations", w.dilations));
  else
    attrs.push_back(im.boolean("count_include_pad", countIncludePad));
  if (isMax)
    return im.make<MaxPool2DOp>({x}, attrs);
  return im.make<AvgPool2DOp>({x}, attrs);
}

/// 3-D pooling: the 2-D pool of every depth slice, then the max (or mean)
/// over each depth window. Average pooling's divisor is a product of per-dim
/// counts, so excluding padding stays exact when split this way.
FailureOr<Value> pool3d(Importer &im, bool isMax, Value x, const Window &w,
                        bool countIncludePad) {
  if (w.ceilMode)
    return im.error() << "ceil_mode is not supported for 3-D pooling",
           failure();
  auto xt = typeOf(x);
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), d = xt.getDimSize(2);
  Window w2;
  w2.kernel = {w.kernel[1], w.kernel[2]};
  w2.strides = {w.strides[1], w.strides[2]};
  w2.dilations = {w.dilations[1], w.dilations[2]};
  w2.padBegin = {w.padBegin[1], w.padBegin[2]};
  w2.padEnd = {w.padEnd[1], w.padEnd[2]};
  KILN_TRY(flat, im.reshape(x, {n, c * d, xt.getDimSize(3), xt.getDimSize(4)}));
  KILN_TRY(p2, pool2d(im, isMax, flat, w2, countIncludePad));
  auto pt = typeOf(p2);
  KILN_TRY(p5, im.reshape(p2, {n, c, d, pt.getDimSize(2), pt.getDimSize(3)}));
  double fill = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  KILN_TRY(padded, padDim(im, p5, 2, w.padBegin[0], w.padEnd[0], fill));
  int64_t dp = d + w.padBegin[0] + w.padEnd[0];
  int64_t od = (dp - w.dilations[0] * (w.kernel[0] - 1) - 1) / w.strides[0] + 1;
  if (od < 1)
    return im.error() << "the window does not fit the padded depth", failure();
  Value acc;
  for (int64_t k = 0; k < w.kernel[0]; ++k) {
    KILN_TRY(s, strided(im, padded, 2, k * w.dilations[0], od, w.strides[0]));
    if (!acc) {
      acc = s;
      continue;
    }
    KILN_TRY(r, isMax ? im.make<MaxOp>({acc, s}) : im.make<AddOp>({acc, s}));
    acc = r;
  }
  if (isMax)
    return acc;
  // Divide each output depth by its window's count of real (or, with
  // count_include_pad, real and padded) positions.
  SmallVector<float> scale;
  for (int64_t o = 0; o < od; ++o) {
    int64_t count = 0;
    for (int64_t k = 0; k < w.kernel[0]; ++k) {
      int64_t pos = o * w.strides[0] + k * w.dilations[0] - w.padBegin[0];
      if (countIncludePad || (pos >= 0 && pos < d))
        ++count;
    }
    scale.push_back(1.0f / std::max<int64_t>(count, 1));
  }
  auto scaleType = RankedTensorType::get({1, 1, od, 1, 1}, xt.getElementType());
  if (!xt.getElementType().isF32())
    return im.error() << "3-D average pooling supports f32 only", failure();
  Value factors =
      im.constant(DenseElementsAttr::get(scaleType, ArrayRef<float>(scale)));
  return im.make<MulOp>({acc, factors});
}

/// MaxPool's Indices output for a 2-D pool: the row-major flat index into
/// the input of each window's first maximum. Every window offset (kh, kw)
/// slices the padded input and a padded tensor of flat indices with the
/// pool's strides; where the slice equals the pooled maximum, its index is
/// a candidate, and the smallest candidate wins.
FailureOr<Value> maxPoolIndices(Importer &im, Value x, Value pooled,
                                const Window &w, bool columnMajor) {
  auto xt = typeOf(x);
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), h = xt.getDimSize(2),
          wd = xt.getDimSize(3);
  int64_t oh = typeOf(pooled).getDimSize(2), ow = typeOf(pooled).getDimSize(3);
  // The flat indices are a constant as large as the input.
  if (xt.getNumElements() > (int64_t(1) << 24))
    return im.error() << "the Indices output is supported for inputs of up "
                         "to 2^24 elements",
           failure();
  SmallVector<int64_t> flat;
  for (int64_t i = 0; i < n * c; ++i)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t z = 0; z < wd; ++z)
        flat.push_back(columnMajor ? i * h * wd + z * h + y
                                   : (i * h + y) * wd + z);
  Value indices = im.ints(flat, xt.getShape());
  int64_t big = n * c * h * wd;
  // Padding beyond ceil_mode's last window is covered by the high side.
  SmallVector<int64_t> low = {0, 0, w.padBegin[0], w.padBegin[1]};
  SmallVector<int64_t> high = {0, 0, w.padEnd[0] + w.strides[0] * w.kernel[0],
                               w.padEnd[1] + w.strides[1] * w.kernel[1]};
  auto pad = [&](Value v, double fill) {
    return im.make<PadOp>({v},
                          {im.i64s("low", low), im.i64s("high", high),
                           im.attr("value", im.b().getF64FloatAttr(fill))});
  };
  KILN_TRY(px, pad(x, -std::numeric_limits<double>::infinity()));
  KILN_TRY(pi, pad(indices, static_cast<double>(big)));
  Value best;
  for (int64_t kh = 0; kh < w.kernel[0]; ++kh)
    for (int64_t kw = 0; kw < w.kernel[1]; ++kw) {
      SmallVector<int64_t> starts = {0, 0, kh * w.dilations[0],
                                     kw * w.dilations[1]};
      SmallVector<int64_t> limits = {n, c,
                                     starts[2] + (oh - 1) * w.strides[0] + 1,
                                     starts[3] + (ow - 1) * w.strides[1] + 1};
      SmallVector<NamedAttribute> attrs = {
          im.i64s("starts", starts), im.i64s("limits", limits),
          im.i64s("steps", {1, 1, w.strides[0], w.strides[1]})};
      KILN_TRY(xs, im.make<SliceOp>({px}, attrs));
      KILN_TRY(is, im.make<SliceOp>({pi}, attrs));
      KILN_TRY(match, im.make<EqOp>({xs, pooled}));
      KILN_TRY(candidate, im.make<SelectOp>({match, is, im.ints({big}, {})}));
      if (!best) {
        best = candidate;
        continue;
      }
      KILN_TRY(m, im.make<MinOp>({best, candidate}));
      best = m;
    }
  return best;
}

LogicalResult importPool(Importer &im, const onnx::NodeProto &node) {
  auto xOr = im.required(node, 0);
  if (failed(xOr))
    return failure();
  bool isMax = node.op_type() == "MaxPool";
  bool wantIndices = Importer::hasOutput(node, 1);
  Value x = *xOr;
  auto xt = typeOf(x);
  int64_t rank = xt.getRank();
  if (rank < 3 || rank > 5)
    return im.error() << "input must be 3-D, 4-D or 5-D, got " << xt;
  auto w = readWindow(im, node, xt.getShape().drop_front(2), std::nullopt);
  if (failed(w))
    return failure();
  if (!isMax && llvm::any_of(w->dilations, [](int64_t d) { return d != 1; }))
    return im.error() << "dilated average pooling is not supported";
  bool countIncludePad = attrInt(node, "count_include_pad", 0);
  Value result;
  if (wantIndices && (!isMax || rank != 4))
    return im.error() << "the Indices output is supported for 2-D MaxPool "
                         "only";
  if (rank == 4) {
    KILN_TRY(y, pool2d(im, isMax, x, *w, countIncludePad));
    result = y;
    if (wantIndices) {
      KILN_TRY(indices,
               maxPoolIndices(im, x, y, *w, attrInt(node, "storage_order", 0)));
      im.setOutput(node, 1, indices);
    }
  } else if (rank == 3) {
    KILN_TRY(x4, insertUnitDim(im, x, 2));
    KILN_TRY(y, pool2d(im, isMax, x4, as2D(*w), countIncludePad));
    KILN_TRY(y3, dropDim(im, y, 2));
    result = y3;
  } else {
    KILN_TRY(y, pool3d(im, isMax, x, *w, countIncludePad));
    result = y;
  }
  im.setOutput(node, 0, result);
  return success();
}

/// GlobalAveragePool and GlobalMaxPool: reduce every spatial dim, kept.
LogicalResult importGlobalPool(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  if (rank < 3)
    return im.error() << "input must be [N, C, ...], got " << typeOf(*x);
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  SmallVector<NamedAttribute> attrs = {im.i64s("axes", axes),
                                       im.boolean("keepdims", true)};
  auto r = node.op_type() == "GlobalMaxPool"
               ? im.make<ReduceMaxOp>({*x}, attrs)
               : im.make<ReduceMeanOp>({*x}, attrs);
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

} // namespace

void registerConvOps(OpTable &t) {
  t["Conv"] = importConv;
  t["ConvTranspose"] = importConvTranspose;
  t["MaxPool"] = importPool;
  t["AveragePool"] = importPool;
  t["GlobalAveragePool"] = importGlobalPool;
  t["GlobalMaxPool"] = importGlobalPool;
}

} // namespace kiln::onnx_import
