//===- ConvGrad.cpp - gradients of conv2d and pooling ---------------------===//
//
// conv2d's input gradient is a transposed convolution written as a conv2d:
// the upstream gradient, dilated by the stride (zeros interleaved) and
// padded by dilation * (K - 1), correlated with the spatially flipped
// filter whose F and C dims are swapped. Its filter gradient correlates the
// input with the upstream gradient: a conv2d over [C, N, H, W] with the
// gradient [F, N, OH, OW] as filter, stride and dilation exchanged. Groups
// are handled one group at a time through channel slices and a concat.
//
// Pooling gradients visit each of the KH * KW window offsets: the elements
// an offset reads form a strided slice of the (padded) input, so its share
// of the gradient goes back through the transpose of that slice. max_pool2d
// routes each output's gradient to the first offset (row-major in the
// window) whose input equals the maximum, so a tie never counts twice.
// Windows that tile the input exactly use kiln.max_pool2d_grad instead,
// with the same rule.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnBuilder.h"
#include "ir/ops/GradUtils.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::grad;

namespace {

/// x reversed along `axis`, as a gather with a constant index list.
Value flip(KilnBuilder &b, Value x, int64_t axis) {
  int64_t n = tensorType(x).getDimSize(axis);
  if (n == 1)
    return x;
  SmallVector<int64_t> indices;
  for (int64_t i = n - 1; i >= 0; --i)
    indices.push_back(i);
  auto type = RankedTensorType::get({n}, b.getI64Type());
  Value idx =
      ConstantOp::create(b, DenseElementsAttr::get(type, ArrayRef(indices)));
  return GatherOp::create(b, x, idx, b.getI64IntegerAttr(axis));
}

struct ConvGeometry {
  ArrayRef<int64_t> strides, padding, dilations;
};

/// d input of a groups = 1 convolution of x [N, C, H, W] with w
/// [F, C, KH, KW], given g [N, F, OH, OW].
Value convInputGrad(KilnBuilder &b, Value g, Value w, RankedTensorType xType,
                    const ConvGeometry &c) {
  auto gs = tensorType(g).getShape();
  auto ws = tensorType(w).getShape();
  auto xs = xType.getShape();
  int64_t sh = c.strides[0], sw = c.strides[1];
  int64_t dh = c.dilations[0], dw = c.dilations[1];
  Value dilated =
      unslice(b, g, {gs[0], gs[1], (gs[2] - 1) * sh + 1, (gs[3] - 1) * sw + 1},
              {0, 0, 0, 0}, {1, 1, sh, sw});
  Value filter = TransposeOp::create(b, w, ArrayRef<int64_t>{1, 0, 2, 3});
  filter = flip(b, flip(b, filter, 2), 3);
  int64_t ph = dh * (ws[2] - 1), pw = dw * (ws[3] - 1);
  Value dx = Conv2DOp::create(
      b, dilated, filter, Value(), ArrayRef<int64_t>{1, 1},
      ArrayRef<int64_t>{ph, pw, ph, pw}, ArrayRef<int64_t>{dh, dw}, 1);
  // dx covers the padded rows the windows touched, [0, used); rows past
  // them (and the padding) get nothing.
  int64_t hp = xs[2] + c.padding[0] + c.padding[2];
  int64_t wp = xs[3] + c.padding[1] + c.padding[3];
  auto ds = tensorType(dx).getShape();
  dx = zeroPad(b, dx, {0, 0, 0, 0}, {0, 0, hp - ds[2], wp - ds[3]});
  return sliceBox(b, dx, {0, 0, c.padding[0], c.padding[1]}, xs);
}

/// d filter of a groups = 1 convolution (see convInputGrad).
Value convFilterGrad(KilnBuilder &b, Value g, Value x, RankedTensorType wType,
                     const ConvGeometry &c) {
  const int64_t swap[] = {1, 0, 2, 3};
  Value xt = TransposeOp::create(b, x, swap);
  Value gt = TransposeOp::create(b, g, swap);
  // r[c, f, i, j] = sum_{n, oh, ow} xpad[n, c, i d + oh s, j d + ow s]
  // g[n, f, oh, ow]: stride d, dilation s. Trailing rows the forward never
  // read can make r larger than the kernel; they are cut off.
  Value r = Conv2DOp::create(b, xt, gt, Value(), c.dilations, c.padding,
                             c.strides, 1);
  auto ws = wType.getShape();
  r = sliceBox(b, r, {0, 0, 0, 0}, {ws[1], ws[0], ws[2], ws[3]});
  return TransposeOp::create(b, r, swap);
}

} // namespace

LogicalResult Conv2DOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                       SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.append(getNumOperands(), Value());
    return success();
  }
  Value x = getInput(), w = getFilter();
  auto xType = tensorType(x), wType = tensorType(w);
  ConvGeometry geometry{getStrides(), getPadding(), getDilations()};
  int64_t groups = getGroups();
  int64_t cg = wType.getDimSize(1), fg = wType.getDimSize(0) / groups;
  SmallVector<Value> dxs, dws;
  for (int64_t i = 0; i < groups; ++i) {
    // This group's channels: input [i cg, (i + 1) cg), filters and
    // gradient [i fg, (i + 1) fg).
    auto channels = [&](Value v, int64_t axis, int64_t start, int64_t size) {
      if (groups == 1)
        return v;
      SmallVector<int64_t> starts(4, 0), sizes(tensorType(v).getShape());
      starts[axis] = start;
      sizes[axis] = size;
      return sliceBox(b, v, starts, sizes);
    };
    Value gi = channels(g, 1, i * fg, fg);
    Value wi = channels(w, 0, i * fg, fg);
    Value xi = channels(x, 1, i * cg, cg);
    SmallVector<int64_t> xiShape(xType.getShape());
    xiShape[1] = cg;
    dxs.push_back(convInputGrad(b, gi, wi, xType.clone(xiShape), geometry));
    dws.push_back(convFilterGrad(b, gi, xi, tensorType(wi), geometry));
  }
  og.push_back(groups == 1 ? dxs[0] : ConcatOp::create(b, dxs, 1));
  og.push_back(groups == 1 ? dws[0] : ConcatOp::create(b, dws, 0));
  if (getBias())
    og.push_back(b.sum(g, {0, 2, 3}, false));
  return success();
}

namespace {

/// Pooling windows: output o reads padded input rows o s + k d, k < K.
struct Windows {
  SmallVector<int64_t> full; // padded input extent covering every window
  int64_t kh, kw, sh, sw, dh, dw, pt, pl;
};

Windows windows(RankedTensorType in, RankedTensorType out,
                ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                ArrayRef<int64_t> padding, int64_t dh, int64_t dw) {
  Windows w{{}, kernel[0], kernel[1],  strides[0], strides[1],
            dh, dw,        padding[0], padding[1]};
  auto is = in.getShape(), os = out.getShape();
  int64_t needH = (os[2] - 1) * w.sh + dh * (w.kh - 1) + 1;
  int64_t needW = (os[3] - 1) * w.sw + dw * (w.kw - 1) + 1;
  w.full = {is[0], is[1], std::max(is[2] + padding[0] + padding[2], needH),
            std::max(is[3] + padding[1] + padding[3], needW)};
  return w;
}

/// Sums `share(kh, kw)` (a [N, C, OH, OW] gradient for window offset
/// (kh, kw)) back onto the input positions that offset read.
Value scatterWindows(KilnBuilder &b, const Windows &w, RankedTensorType in,
                     function_ref<Value(int64_t, int64_t)> share) {
  Value acc;
  for (int64_t i = 0; i < w.kh; ++i)
    for (int64_t j = 0; j < w.kw; ++j) {
      Value part = unslice(b, share(i, j), w.full, {0, 0, i * w.dh, j * w.dw},
                           {1, 1, w.sh, w.sw});
      acc = acc ? b.add(acc, part) : part;
    }
  return sliceBox(b, acc, {0, 0, w.pt, w.pl}, in.getShape());
}

} // namespace

LogicalResult MaxPool2DOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.push_back(Value());
    return success();
  }
  Value x = getInput(), y = getOutput();
  auto in = tensorType(x), out = tensorType(y);
  ArrayRef<int64_t> dil = getDilations();
  // Windows that tile the input exactly (LeNet's 2x2, stride 2): one op
  // that lowers to a gather per input position, vectorized by
  // kiln-vectorize-pooling, instead of KH * KW strided scatters.
  ArrayRef<int64_t> kernel = getKernelSize();
  if (getStrides() == kernel &&
      llvm::all_of(dil, [](int64_t d) { return d == 1; }) &&
      llvm::all_of(getPadding(), [](int64_t p) { return p == 0; }) &&
      in.getDimSize(2) == out.getDimSize(2) * kernel[0] &&
      in.getDimSize(3) == out.getDimSize(3) * kernel[1]) {
    og.push_back(MaxPool2DGradOp::create(b, x, y, g, kernel));
    return success();
  }
  Windows w = windows(in, out, getKernelSize(), getStrides(), getPadding(),
                      dil[0], dil[1]);
  // -inf padding never equals a window's maximum.
  int64_t padBottom = w.full[2] - in.getDimSize(2) - w.pt;
  int64_t padRight = w.full[3] - in.getDimSize(3) - w.pl;
  Value padded = x;
  if (w.pt || w.pl || padBottom || padRight)
    padded = PadOp::create(b, x, ArrayRef<int64_t>{0, 0, w.pt, w.pl},
                           ArrayRef<int64_t>{0, 0, padBottom, padRight},
                           PadMode::constant,
                           APFloat::getInf(APFloat::IEEEdouble(), true));
  Value remaining = g, zero = scalarLike(b, g, 0.0);
  auto os = out.getShape();
  og.push_back(scatterWindows(b, w, in, [&](int64_t i, int64_t j) {
    SmallVector<int64_t> starts = {0, 0, i * w.dh, j * w.dw};
    SmallVector<int64_t> limits = {os[0], os[1],
                                   starts[2] + (os[2] - 1) * w.sh + 1,
                                   starts[3] + (os[3] - 1) * w.sw + 1};
    Value read = SliceOp::create(b, padded, starts, limits,
                                 ArrayRef<int64_t>{1, 1, w.sh, w.sw});
    Value hit = EqOp::create(b, read, y);
    // The first offset that hits takes the gradient; later ties get none.
    Value part = select(b, hit, remaining, zero);
    remaining = select(b, hit, zero, remaining);
    return part;
  }));
  return success();
}

LogicalResult AvgPool2DOp::buildGradients(KilnBuilder &b, ArrayRef<Value> rg,
                                          SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.push_back(Value());
    return success();
  }
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  ArrayRef<int64_t> padding = getPadding();
  Windows w = windows(in, out, getKernelSize(), getStrides(), padding, 1, 1);
  // Each output's divisor: the window positions inside the input, or inside
  // input + padding with count_include_pad (never the ceil_mode overhang).
  auto count = [&](int64_t o, int64_t stride, int64_t k, int64_t pad,
                   int64_t size, int64_t padEnd) {
    int64_t lo = getCountIncludePad() ? -pad : 0;
    int64_t hi = getCountIncludePad() ? size + padEnd : size;
    int64_t n = 0;
    for (int64_t i = 0; i < k; ++i) {
      int64_t r = o * stride - pad + i;
      n += r >= lo && r < hi;
    }
    return n;
  };
  int64_t oh = out.getDimSize(2), ow = out.getDimSize(3);
  SmallVector<double> inverse;
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j)
      inverse.push_back(
          1.0 /
          (count(i, w.sh, w.kh, padding[0], in.getDimSize(2), padding[2]) *
           count(j, w.sw, w.kw, padding[1], in.getDimSize(3), padding[3])));
  Value scaled = b.mul(
      g, floatConstant(b, RankedTensorType::get({oh, ow}, in.getElementType()),
                       inverse));
  og.push_back(
      scatterWindows(b, w, in, [&](int64_t, int64_t) { return scaled; }));
  return success();
}

LogicalResult GlobalAvgPoolOp::buildGradients(KilnBuilder &b,
                                              ArrayRef<Value> rg,
                                              SmallVectorImpl<Value> &og) {
  Value g = rg[0];
  if (!g) {
    og.push_back(Value());
    return success();
  }
  auto in = tensorType(getInput());
  int64_t n = in.getNumElements() / (in.getDimSize(0) * in.getDimSize(1));
  og.push_back(BroadcastToOp::create(b, in, b.scale(g, 1.0 / n)));
  return success();
}
