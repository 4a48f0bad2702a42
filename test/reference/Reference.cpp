//===- Reference.cpp - plain C++ reference for every kiln op --------------===//
//
// Straightforward loops over coordinates; clarity over speed. Every function
// in the kiln::ref namespace that shares a name with a <cmath> function
// (exp, log, ...) hides it here, so math on doubles is always std::-qualified.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace kiln::ref {

namespace {

using DType = Tensor::DType;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(const std::string &op, const std::string &message) {
  throw std::invalid_argument(op + ": " + message);
}

void requireFloat(const std::string &op, const Tensor &t,
                  const char *name = "input") {
  if (!t.isFloat())
    fail(op,
         std::string(name) + " must be f32 or f64, got " + dtypeName(t.dtype));
}

void requireShape(const std::string &op, const Tensor &t, const Shape &shape,
                  const char *name) {
  if (t.shape != shape)
    fail(op, std::string(name) + " must be " + shapeStr(shape) + ", got " +
                 shapeStr(t.shape));
}

void requireLength(const std::string &op, const Shape &values, size_t n,
                   const char *name) {
  if (values.size() != n)
    fail(op, std::string(name) + " needs " + std::to_string(n) +
                 " entries, got " + std::to_string(values.size()));
}

int64_t normalizeAxis(const std::string &op, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    fail(op, "axis " + std::to_string(axis) + " is out of range for rank " +
                 std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

Tensor mapUnary(const std::string &op, const Tensor &input,
                const std::function<double(double)> &f) {
  requireFloat(op, input);
  Tensor out = input;
  for (double &v : out.data)
    v = f(v);
  return out;
}

/// Applies `f` to broadcast operand pairs; `resultType` is the output dtype.
Tensor mapBinary(const std::string &op, const Tensor &lhs, const Tensor &rhs,
                 DType resultType,
                 const std::function<double(double, double)> &f) {
  if (lhs.dtype != rhs.dtype)
    fail(op, std::string("operand dtypes differ: ") + dtypeName(lhs.dtype) +
                 " and " + dtypeName(rhs.dtype));
  Shape shape = broadcastShapes(lhs.shape, rhs.shape);
  Tensor out = Tensor::zeros(shape, resultType);
  for (int64_t i = 0; i < out.numel(); ++i) {
    Shape c = coordsOf(i, shape);
    out.data[i] = f(atBroadcast(lhs, c), atBroadcast(rhs, c));
  }
  return out;
}

/// Integer arithmetic in int64_t (exact, truncating division), wrapped to
/// the dtype; the unsigned detour keeps int64 overflow defined.
double intArith(char op, double a, double b, DType dtype) {
  int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
  uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
  int64_t r = 0;
  switch (op) {
  case '+':
    r = static_cast<int64_t>(ux + uy);
    break;
  case '-':
    r = static_cast<int64_t>(ux - uy);
    break;
  case '*':
    r = static_cast<int64_t>(ux * uy);
    break;
  case '/':
    if (y == 0)
      throw std::domain_error("div: integer division by zero");
    if (y == -1)
      r = static_cast<int64_t>(0 - ux);
    else
      r = x / y;
    break;
  }
  return wrapToDType(static_cast<double>(r), dtype);
}

Tensor arith(const std::string &op, char symbol, const Tensor &lhs,
             const Tensor &rhs) {
  bool isFloat = lhs.isFloat();
  DType dtype = lhs.dtype;
  return mapBinary(op, lhs, rhs, lhs.dtype, [&](double a, double b) {
    if (!isFloat)
      return intArith(symbol, a, b, dtype);
    switch (symbol) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default:
      return a / b;
    }
  });
}

/// The axes of `input` that `axes` names (all when empty), validated.
std::vector<bool> reducedAxes(const std::string &op, const Tensor &input,
                              const Shape &axes) {
  std::vector<bool> reduced(input.rank(), axes.empty());
  for (int64_t a : axes) {
    int64_t n = normalizeAxis(op, a, input.rank());
    if (reduced[n])
      fail(op, "axis " + std::to_string(a) + " is repeated");
    reduced[n] = true;
  }
  return reduced;
}

/// Groups the elements of `input` by their coordinates outside the reduced
/// axes: groups[j] lists (in row-major order) the values reduced into result
/// element j; `outShape` is the result shape (reduced dims kept as 1 with
/// keepdims, dropped otherwise); `groupOf[i]` is the group of element i.
struct Groups {
  Shape outShape;
  std::vector<std::vector<double>> values;
  std::vector<int64_t> groupOf;
};

Groups groupReduced(const Tensor &input, const std::vector<bool> &reduced,
                    bool keepdims) {
  Groups g;
  Shape keptShape; // Result shape with reduced dims as 1.
  for (int64_t d = 0; d < input.rank(); ++d) {
    keptShape.push_back(reduced[d] ? 1 : input.shape[d]);
    if (!reduced[d])
      g.outShape.push_back(input.shape[d]);
    else if (keepdims)
      g.outShape.push_back(1);
  }
  g.values.resize(numElements(keptShape));
  g.groupOf.resize(input.numel());
  for (int64_t i = 0; i < input.numel(); ++i) {
    Shape c = coordsOf(i, input.shape);
    for (int64_t d = 0; d < input.rank(); ++d)
      if (reduced[d])
        c[d] = 0;
    int64_t j = indexOf(c, keptShape);
    g.values[j].push_back(input.data[i]);
    g.groupOf[i] = j;
  }
  return g;
}

Tensor reduce(const std::string &op, const Tensor &input, const Shape &axes,
              bool keepdims,
              const std::function<double(const std::vector<double> &)> &f) {
  requireFloat(op, input);
  Groups g = groupReduced(input, reducedAxes(op, input, axes), keepdims);
  Tensor out = Tensor::zeros(g.outShape, input.dtype);
  for (size_t j = 0; j < g.values.size(); ++j)
    out.data[j] = f(g.values[j]);
  return out;
}

double sumOf(const std::vector<double> &v) {
  double s = 0;
  for (double x : v)
    s += x;
  return s;
}

double maxOf(const std::vector<double> &v) {
  double m = -kInf;
  for (double x : v) {
    if (std::isnan(x))
      return kNaN;
    m = std::max(m, x);
  }
  return m;
}

double logSumExpOf(const std::vector<double> &v) {
  double m = maxOf(v);
  if (std::isnan(m) || std::isinf(m))
    return m;
  double s = 0;
  for (double x : v)
    s += std::exp(x - m);
  return m + std::log(s);
}

double sigmoidOf(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// Checks a per-channel operand of batch norm: [C].
void requireChannels(const std::string &op, const Tensor &input,
                     const Tensor &t, const char *name) {
  requireFloat(op, t, name);
  requireShape(op, t, {input.shape[1]}, name);
}

/// Index of element (n, c, s) of an [N, C, S...] tensor flattened to
/// [N, C, S]; class-indexed losses and batch norm walk tensors this way.
int64_t ncs(int64_t n, int64_t c, int64_t s, int64_t channels,
            int64_t spatial) {
  return (n * channels + c) * spatial + s;
}

} // namespace

//===----------------------------------------------------------------------===//
// Constant, stop_gradient, unary
//===----------------------------------------------------------------------===//

Tensor constant(const Tensor &value) { return value; }
Tensor stopGradient(const Tensor &input) { return input; }

Tensor neg(const Tensor &input) {
  return mapUnary("neg", input, [](double x) { return -x; });
}
Tensor abs(const Tensor &input) {
  return mapUnary("abs", input, [](double x) { return std::fabs(x); });
}
Tensor exp(const Tensor &input) {
  return mapUnary("exp", input, [](double x) { return std::exp(x); });
}
Tensor log(const Tensor &input) {
  return mapUnary("log", input, [](double x) { return std::log(x); });
}
Tensor sqrt(const Tensor &input) {
  return mapUnary("sqrt", input, [](double x) { return std::sqrt(x); });
}
Tensor rsqrt(const Tensor &input) {
  return mapUnary("rsqrt", input, [](double x) { return 1.0 / std::sqrt(x); });
}
Tensor reciprocal(const Tensor &input) {
  return mapUnary("reciprocal", input, [](double x) { return 1.0 / x; });
}
Tensor tanh(const Tensor &input) {
  return mapUnary("tanh", input, [](double x) { return std::tanh(x); });
}
Tensor cos(const Tensor &input) {
  return mapUnary("cos", input, [](double x) { return std::cos(x); });
}
Tensor sin(const Tensor &input) {
  return mapUnary("sin", input, [](double x) { return std::sin(x); });
}
Tensor sigmoid(const Tensor &input) {
  return mapUnary("sigmoid", input, sigmoidOf);
}
Tensor relu(const Tensor &input) {
  // max(x, 0) propagating NaN, like PyTorch and the lowering's maximumf.
  return mapUnary("relu", input,
                  [](double x) { return std::isnan(x) || x > 0 ? x : 0.0; });
}
Tensor erf(const Tensor &input) {
  return mapUnary("erf", input, [](double x) { return std::erf(x); });
}
Tensor softplus(const Tensor &input) {
  return mapUnary("softplus", input, [](double x) {
    return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
  });
}
Tensor leakyRelu(const Tensor &input, float alpha) {
  double a = alpha;
  return mapUnary("leaky_relu", input,
                  [a](double x) { return x >= 0 ? x : a * x; });
}
Tensor elu(const Tensor &input, float alpha) {
  double a = alpha;
  return mapUnary("elu", input, [a](double x) {
    return x > 0 ? x : a * (std::exp(x) - 1.0);
  });
}
Tensor selu(const Tensor &input, float alpha, float gamma) {
  double a = alpha, g = gamma;
  return mapUnary("selu", input, [a, g](double x) {
    return g * (x > 0 ? x : a * (std::exp(x) - 1.0));
  });
}
Tensor gelu(const Tensor &input, bool approximate) {
  const double pi = std::acos(-1.0);
  return mapUnary("gelu", input, [=](double x) {
    if (approximate)
      return 0.5 * x *
             (1.0 +
              std::tanh(std::sqrt(2.0 / pi) * (x + 0.044715 * x * x * x)));
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  });
}
Tensor clip(const Tensor &input, std::optional<float> min,
            std::optional<float> max) {
  if (min && max && *min > *max)
    fail("clip", "min is greater than max");
  return mapUnary("clip", input, [=](double x) {
    if (min && x < *min)
      x = *min;
    if (max && x > *max)
      x = *max;
    return x;
  });
}

//===----------------------------------------------------------------------===//
// Binary, compare, select, cast
//===----------------------------------------------------------------------===//

Tensor add(const Tensor &lhs, const Tensor &rhs) {
  return arith("add", '+', lhs, rhs);
}
Tensor sub(const Tensor &lhs, const Tensor &rhs) {
  return arith("sub", '-', lhs, rhs);
}
Tensor mul(const Tensor &lhs, const Tensor &rhs) {
  return arith("mul", '*', lhs, rhs);
}
Tensor div(const Tensor &lhs, const Tensor &rhs) {
  return arith("div", '/', lhs, rhs);
}
Tensor pow(const Tensor &lhs, const Tensor &rhs) {
  requireFloat("pow", lhs, "lhs");
  return mapBinary("pow", lhs, rhs, lhs.dtype,
                   [](double a, double b) { return std::pow(a, b); });
}
Tensor max(const Tensor &lhs, const Tensor &rhs) {
  return mapBinary("max", lhs, rhs, lhs.dtype, [](double a, double b) {
    return std::isnan(a) || std::isnan(b) ? kNaN : std::max(a, b);
  });
}
Tensor min(const Tensor &lhs, const Tensor &rhs) {
  return mapBinary("min", lhs, rhs, lhs.dtype, [](double a, double b) {
    return std::isnan(a) || std::isnan(b) ? kNaN : std::min(a, b);
  });
}

Tensor eq(const Tensor &lhs, const Tensor &rhs) {
  return mapBinary("eq", lhs, rhs, Tensor::I1,
                   [](double a, double b) { return a == b ? 1.0 : 0.0; });
}
Tensor lt(const Tensor &lhs, const Tensor &rhs) {
  return mapBinary("lt", lhs, rhs, Tensor::I1,
                   [](double a, double b) { return a < b ? 1.0 : 0.0; });
}
Tensor le(const Tensor &lhs, const Tensor &rhs) {
  return mapBinary("le", lhs, rhs, Tensor::I1,
                   [](double a, double b) { return a <= b ? 1.0 : 0.0; });
}
Tensor gt(const Tensor &lhs, const Tensor &rhs) {
  return mapBinary("gt", lhs, rhs, Tensor::I1,
                   [](double a, double b) { return a > b ? 1.0 : 0.0; });
}
Tensor ge(const Tensor &lhs, const Tensor &rhs) {
  return mapBinary("ge", lhs, rhs, Tensor::I1,
                   [](double a, double b) { return a >= b ? 1.0 : 0.0; });
}

Tensor select(const Tensor &condition, const Tensor &onTrue,
              const Tensor &onFalse) {
  if (condition.dtype != Tensor::I1)
    fail("select", "condition must be i1");
  if (onTrue.dtype != onFalse.dtype)
    fail("select", "on_true and on_false dtypes differ");
  Shape shape = broadcastShapes(broadcastShapes(condition.shape, onTrue.shape),
                                onFalse.shape);
  Tensor out = Tensor::zeros(shape, onTrue.dtype);
  for (int64_t i = 0; i < out.numel(); ++i) {
    Shape c = coordsOf(i, shape);
    out.data[i] = atBroadcast(condition, c) != 0 ? atBroadcast(onTrue, c)
                                                 : atBroadcast(onFalse, c);
  }
  return out;
}

Tensor cast(const Tensor &input, Tensor::DType to) {
  Tensor out = Tensor::zeros(input.shape, to);
  for (int64_t i = 0; i < input.numel(); ++i) {
    double v = input.data[i];
    switch (to) {
    case Tensor::F64:
      break;
    case Tensor::F32:
      v = static_cast<float>(v);
      break;
    case Tensor::I1:
      v = v != 0 ? 1.0 : 0.0; // NaN != 0 is true.
      break;
    case Tensor::I64:
    case Tensor::I32:
      if (input.isFloat()) {
        double lo = to == Tensor::I32 ? -2147483648.0 : -9223372036854775808.0;
        double t = std::trunc(v);
        // The upper bound -lo is itself out of range (2^31 or 2^63).
        if (!(t >= lo && t < -lo))
          throw std::out_of_range("cast: " + std::to_string(v) +
                                  " does not fit " + dtypeName(to));
        v = t;
      } else {
        v = wrapToDType(v, to);
      }
      break;
    }
    out.data[i] = v;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Matmul, convolution, pooling
//===----------------------------------------------------------------------===//

Tensor matmul(const Tensor &lhs, const Tensor &rhs, bool transposeLhs,
              bool transposeRhs) {
  const std::string op = "matmul";
  requireFloat(op, lhs, "lhs");
  if (lhs.dtype != rhs.dtype)
    fail(op, "lhs and rhs dtypes differ");
  if (lhs.rank() < 2 || rhs.rank() < 2)
    fail(op, "operands need rank >= 2");
  int64_t lr = lhs.rank(), rr = rhs.rank();
  int64_t m = transposeLhs ? lhs.shape[lr - 1] : lhs.shape[lr - 2];
  int64_t k = transposeLhs ? lhs.shape[lr - 2] : lhs.shape[lr - 1];
  int64_t kr = transposeRhs ? rhs.shape[rr - 1] : rhs.shape[rr - 2];
  int64_t n = transposeRhs ? rhs.shape[rr - 2] : rhs.shape[rr - 1];
  if (k != kr)
    fail(op, "contraction sizes differ");
  Shape lhsBatch(lhs.shape.begin(), lhs.shape.end() - 2);
  Shape rhsBatch(rhs.shape.begin(), rhs.shape.end() - 2);
  Shape batch = broadcastShapes(lhsBatch, rhsBatch);
  Shape shape = batch;
  shape.push_back(m);
  shape.push_back(n);
  Tensor out = Tensor::zeros(shape, lhs.dtype);
  for (int64_t b = 0; b < numElements(batch); ++b) {
    Shape bc = coordsOf(b, batch);
    int64_t lOff = broadcastIndex(lhsBatch, bc) * m * k;
    int64_t rOff = broadcastIndex(rhsBatch, bc) * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0;
        for (int64_t p = 0; p < k; ++p) {
          double a = lhs.data[lOff + (transposeLhs ? p * m + i : i * k + p)];
          double c = rhs.data[rOff + (transposeRhs ? j * k + p : p * n + j)];
          sum += a * c;
        }
        out.data[(b * m + i) * n + j] = sum;
      }
  }
  return out;
}

int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padLow, int64_t padHigh, int64_t dilation,
                         bool ceilMode) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t room = in + padLow + padHigh - span;
  if (room < 0)
    return 0;
  int64_t out = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
  if (ceilMode && (out - 1) * stride >= in + padLow)
    --out;
  return out;
}

/// Checks the window attributes of conv2d and pooling; returns [OH, OW].
static std::pair<int64_t, int64_t>
checkWindow(const std::string &op, const Tensor &input, const Shape &kernel,
            const Shape &strides, const Shape &padding, const Shape &dilations,
            bool ceilMode) {
  requireFloat(op, input);
  if (input.rank() != 4)
    fail(op, "input must be [N, C, H, W], got " + shapeStr(input.shape));
  requireLength(op, kernel, 2, "kernel_size");
  requireLength(op, strides, 2, "strides");
  requireLength(op, padding, 4, "padding");
  requireLength(op, dilations, 2, "dilations");
  for (int i = 0; i < 2; ++i)
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1)
      fail(op, "kernel sizes, strides and dilations must be >= 1");
  for (int64_t p : padding)
    if (p < 0)
      fail(op, "padding must be >= 0");
  int64_t oh = windowOutputSize(input.shape[2], kernel[0], strides[0],
                                padding[0], padding[2], dilations[0], ceilMode);
  int64_t ow = windowOutputSize(input.shape[3], kernel[1], strides[1],
                                padding[1], padding[3], dilations[1], ceilMode);
  if (oh < 1 || ow < 1)
    fail(op, "window does not fit the input");
  return {oh, ow};
}

Tensor conv2d(const Tensor &input, const Tensor &filter, const Tensor *bias,
              const Shape &strides, const Shape &padding,
              const Shape &dilations, int64_t groups) {
  const std::string op = "conv2d";
  if (filter.rank() != 4 || filter.dtype != input.dtype)
    fail(op, "filter must be [F, C / groups, KH, KW] of the input dtype");
  int64_t f = filter.shape[0], kh = filter.shape[2], kw = filter.shape[3];
  auto [oh, ow] =
      checkWindow(op, input, {kh, kw}, strides, padding, dilations, false);
  int64_t n = input.shape[0], c = input.shape[1], h = input.shape[2],
          w = input.shape[3];
  if (groups < 1 || c % groups || f % groups || filter.shape[1] * groups != c)
    fail(op, "groups must divide the channels and filters, and the filter "
             "must have C / groups input channels");
  if (bias && (bias->shape != Shape{f} || bias->dtype != input.dtype))
    fail(op, "bias must be [F]");
  int64_t cg = c / groups, fg = f / groups;
  Tensor out = Tensor::zeros({n, f, oh, ow}, input.dtype);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < f; ++o) {
      int64_t g = o / fg;
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double sum = bias ? bias->data[o] : 0.0;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t iy = y * strides[0] - padding[0] + i * dilations[0];
                int64_t ix = x * strides[1] - padding[1] + j * dilations[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                  continue; // Zero padding.
                sum += input.at({b, g * cg + ci, iy, ix}) *
                       filter.at({o, ci, i, j});
              }
          out.at({b, o, y, x}) = sum;
        }
    }
  return out;
}

/// Pooling padding must be smaller than the kernel (the op's rule), so that
/// every window without dilation holds at least one input cell.
static void checkPoolPadding(const std::string &op, const Shape &kernel,
                             const Shape &padding) {
  for (int i = 0; i < 4; ++i)
    if (padding[i] >= kernel[i % 2])
      fail(op, "padding must be smaller than the kernel size");
}

Tensor maxPool2d(const Tensor &input, const Shape &kernelSize,
                 const Shape &strides, const Shape &padding,
                 const Shape &dilations, bool ceilMode) {
  const std::string op = "max_pool2d";
  auto [oh, ow] =
      checkWindow(op, input, kernelSize, strides, padding, dilations, ceilMode);
  checkPoolPadding(op, kernelSize, padding);
  int64_t n = input.shape[0], c = input.shape[1], h = input.shape[2],
          w = input.shape[3];
  Tensor out = Tensor::zeros({n, c, oh, ow}, input.dtype);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double best = -kInf;
          for (int64_t i = 0; i < kernelSize[0]; ++i)
            for (int64_t j = 0; j < kernelSize[1]; ++j) {
              int64_t iy = y * strides[0] - padding[0] + i * dilations[0];
              int64_t ix = x * strides[1] - padding[1] + j * dilations[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                continue; // Padding never wins.
              double v = input.at({b, ch, iy, ix});
              if (v > best || std::isnan(v))
                best = v;
            }
          out.at({b, ch, y, x}) = best;
        }
  return out;
}

Tensor avgPool2d(const Tensor &input, const Shape &kernelSize,
                 const Shape &strides, const Shape &padding, bool ceilMode,
                 bool countIncludePad) {
  const std::string op = "avg_pool2d";
  auto [oh, ow] =
      checkWindow(op, input, kernelSize, strides, padding, {1, 1}, ceilMode);
  checkPoolPadding(op, kernelSize, padding);
  int64_t n = input.shape[0], c = input.shape[1], h = input.shape[2],
          w = input.shape[3];
  Tensor out = Tensor::zeros({n, c, oh, ow}, input.dtype);
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x) {
      // Window in input coordinates, clipped first to the padded extent
      // (for the count_include_pad divisor), then to the input.
      int64_t y0 = y * strides[0] - padding[0];
      int64_t x0 = x * strides[1] - padding[1];
      int64_t y1 = std::min(y0 + kernelSize[0], h + padding[2]);
      int64_t x1 = std::min(x0 + kernelSize[1], w + padding[3]);
      int64_t padded = (y1 - y0) * (x1 - x0);
      y0 = std::max<int64_t>(y0, 0);
      x0 = std::max<int64_t>(x0, 0);
      y1 = std::min(y1, h);
      x1 = std::min(x1, w);
      int64_t divisor = countIncludePad ? padded : (y1 - y0) * (x1 - x0);
      for (int64_t b = 0; b < n; ++b)
        for (int64_t ch = 0; ch < c; ++ch) {
          double sum = 0;
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix)
              sum += input.at({b, ch, iy, ix});
          out.at({b, ch, y, x}) = sum / static_cast<double>(divisor);
        }
    }
  return out;
}

Tensor globalAvgPool(const Tensor &input) {
  if (input.rank() < 3)
    fail("global_avg_pool", "input must be [N, C, spatial...]");
  Shape axes;
  for (int64_t d = 2; d < input.rank(); ++d)
    axes.push_back(d);
  return reduceMean(input, axes, /*keepdims=*/true);
}

//===----------------------------------------------------------------------===//
// Reductions, argmax, softmax
//===----------------------------------------------------------------------===//

Tensor reduceSum(const Tensor &input, const Shape &axes, bool keepdims) {
  return reduce("reduce_sum", input, axes, keepdims, sumOf);
}

Tensor reduceMean(const Tensor &input, const Shape &axes, bool keepdims) {
  return reduce("reduce_mean", input, axes, keepdims,
                [](const std::vector<double> &v) {
                  return sumOf(v) / static_cast<double>(v.size());
                });
}

Tensor reduceMax(const Tensor &input, const Shape &axes, bool keepdims) {
  return reduce("reduce_max", input, axes, keepdims, maxOf);
}

Tensor reduceMin(const Tensor &input, const Shape &axes, bool keepdims) {
  return reduce("reduce_min", input, axes, keepdims,
                [](const std::vector<double> &v) {
                  double m = kInf;
                  for (double x : v) {
                    if (std::isnan(x))
                      return kNaN;
                    m = std::min(m, x);
                  }
                  return m;
                });
}

Tensor reduceLogSumExp(const Tensor &input, const Shape &axes, bool keepdims) {
  return reduce("reduce_logsumexp", input, axes, keepdims, logSumExpOf);
}

Tensor argmax(const Tensor &input, int64_t axis, bool keepdims,
              bool selectLastIndex) {
  int64_t a = normalizeAxis("argmax", axis, input.rank());
  std::vector<bool> reduced(input.rank(), false);
  reduced[a] = true;
  // Each group lists the values along the axis in index order.
  Groups g = groupReduced(input, reduced, keepdims);
  Tensor out = Tensor::zeros(g.outShape, Tensor::I64);
  for (size_t j = 0; j < g.values.size(); ++j) {
    const std::vector<double> &v = g.values[j];
    size_t best = 0;
    for (size_t i = 1; i < v.size(); ++i)
      if (v[i] > v[best] || (selectLastIndex && v[i] == v[best]))
        best = i;
    out.data[j] = static_cast<double>(best);
  }
  return out;
}

static Tensor softmaxLike(const std::string &op, const Tensor &input,
                          int64_t axis, bool logarithm) {
  requireFloat(op, input);
  std::vector<bool> reduced(input.rank(), false);
  reduced[normalizeAxis(op, axis, input.rank())] = true;
  Groups g = groupReduced(input, reduced, true);
  std::vector<double> lse(g.values.size());
  for (size_t j = 0; j < g.values.size(); ++j)
    lse[j] = logSumExpOf(g.values[j]);
  Tensor out = input;
  for (int64_t i = 0; i < input.numel(); ++i) {
    double l = input.data[i] - lse[g.groupOf[i]];
    out.data[i] = logarithm ? l : std::exp(l);
  }
  return out;
}

Tensor softmax(const Tensor &input, int64_t axis) {
  return softmaxLike("softmax", input, axis, false);
}

Tensor logSoftmax(const Tensor &input, int64_t axis) {
  return softmaxLike("log_softmax", input, axis, true);
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

Tensor reshape(const Tensor &input, const Shape &shape) {
  if (numElements(shape) != input.numel())
    fail("reshape",
         "cannot reshape " + shapeStr(input.shape) + " to " + shapeStr(shape));
  return Tensor(shape, input.data, input.dtype);
}

Tensor transpose(const Tensor &input, const Shape &permutation) {
  const std::string op = "transpose";
  requireLength(op, permutation, input.rank(), "permutation");
  std::vector<bool> seen(input.rank(), false);
  Shape shape;
  for (int64_t p : permutation) {
    if (p < 0 || p >= input.rank() || seen[p])
      fail(op, "not a permutation");
    seen[p] = true;
    shape.push_back(input.shape[p]);
  }
  Tensor out = Tensor::zeros(shape, input.dtype);
  for (int64_t i = 0; i < out.numel(); ++i) {
    Shape oc = coordsOf(i, shape), ic(input.rank());
    for (int64_t d = 0; d < input.rank(); ++d)
      ic[permutation[d]] = oc[d];
    out.data[i] = input.at(ic);
  }
  return out;
}

Tensor concat(const std::vector<Tensor> &inputs, int64_t axis) {
  const std::string op = "concat";
  if (inputs.empty())
    fail(op, "needs at least one input");
  const Tensor &first = inputs[0];
  int64_t a = normalizeAxis(op, axis, first.rank());
  Shape shape = first.shape;
  shape[a] = 0;
  for (const Tensor &t : inputs) {
    if (t.rank() != first.rank() || t.dtype != first.dtype)
      fail(op, "inputs differ in rank or dtype");
    for (int64_t d = 0; d < t.rank(); ++d)
      if (d != a && t.shape[d] != first.shape[d])
        fail(op, "inputs differ outside the concat axis");
    shape[a] += t.shape[a];
  }
  Tensor out = Tensor::zeros(shape, first.dtype);
  for (int64_t i = 0; i < out.numel(); ++i) {
    Shape c = coordsOf(i, shape);
    size_t which = 0;
    while (c[a] >= inputs[which].shape[a])
      c[a] -= inputs[which++].shape[a];
    out.data[i] = inputs[which].at(c);
  }
  return out;
}

Tensor slice(const Tensor &input, const Shape &starts, const Shape &limits,
             const Shape &steps) {
  const std::string op = "slice";
  requireLength(op, starts, input.rank(), "starts");
  requireLength(op, limits, input.rank(), "limits");
  requireLength(op, steps, input.rank(), "steps");
  Shape shape;
  for (int64_t d = 0; d < input.rank(); ++d) {
    if (steps[d] < 1 || starts[d] < 0 || starts[d] > limits[d] ||
        limits[d] > input.shape[d])
      fail(op, "need 0 <= start <= limit <= size and step >= 1 in dim " +
                   std::to_string(d));
    shape.push_back((limits[d] - starts[d] + steps[d] - 1) / steps[d]);
  }
  Tensor out = Tensor::zeros(shape, input.dtype);
  for (int64_t i = 0; i < out.numel(); ++i) {
    Shape c = coordsOf(i, shape);
    for (int64_t d = 0; d < input.rank(); ++d)
      c[d] = starts[d] + c[d] * steps[d];
    out.data[i] = input.at(c);
  }
  return out;
}

Tensor gather(const Tensor &data, const Tensor &indices, int64_t axis) {
  const std::string op = "gather";
  if (indices.dtype != Tensor::I64 && indices.dtype != Tensor::I32)
    fail(op, "indices must be i32 or i64");
  int64_t a = normalizeAxis(op, axis, data.rank());
  int64_t size = data.shape[a];
  Shape shape(data.shape.begin(), data.shape.begin() + a);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), data.shape.begin() + a + 1, data.shape.end());
  Tensor out = Tensor::zeros(shape, data.dtype);
  for (int64_t i = 0; i < out.numel(); ++i) {
    Shape c = coordsOf(i, shape);
    // c = outer (a dims), index coords (indices.rank()), inner.
    Shape ic(c.begin() + a, c.begin() + a + indices.rank());
    int64_t idx = static_cast<int64_t>(indices.at(ic));
    if (idx < -size || idx >= size)
      throw std::out_of_range("gather: index " + std::to_string(idx) +
                              " is out of range for size " +
                              std::to_string(size));
    if (idx < 0)
      idx += size;
    Shape dc(c.begin(), c.begin() + a);
    dc.push_back(idx);
    dc.insert(dc.end(), c.begin() + a + indices.rank(), c.end());
    out.data[i] = data.at(dc);
  }
  return out;
}

Tensor broadcastTo(const Tensor &input, const Shape &shape) {
  if (input.rank() > static_cast<int64_t>(shape.size()) ||
      broadcastShapes(input.shape, shape) != shape)
    fail("broadcast_to",
         shapeStr(input.shape) + " does not broadcast to " + shapeStr(shape));
  Tensor out = Tensor::zeros(shape, input.dtype);
  for (int64_t i = 0; i < out.numel(); ++i)
    out.data[i] = atBroadcast(input, coordsOf(i, shape));
  return out;
}

Tensor pad(const Tensor &input, const Shape &low, const Shape &high,
           PadMode mode, double value) {
  const std::string op = "pad";
  requireLength(op, low, input.rank(), "low");
  requireLength(op, high, input.rank(), "high");
  Shape shape;
  for (int64_t d = 0; d < input.rank(); ++d) {
    int64_t size = input.shape[d];
    if (low[d] < 0 || high[d] < 0)
      fail(op, "padding must be >= 0");
    if (mode == PadMode::Reflect && (low[d] >= size || high[d] >= size))
      fail(op, "reflect padding must be smaller than the dim size");
    if (mode == PadMode::Edge && size == 0 && (low[d] || high[d]))
      fail(op, "edge padding of an empty dim");
    shape.push_back(size + low[d] + high[d]);
  }
  double fillValue =
      cast(Tensor::scalar(value, Tensor::F64), input.dtype).data[0];
  Tensor out = Tensor::zeros(shape, input.dtype);
  for (int64_t i = 0; i < out.numel(); ++i) {
    Shape c = coordsOf(i, shape);
    bool outside = false;
    for (int64_t d = 0; d < input.rank(); ++d) {
      int64_t size = input.shape[d], j = c[d] - low[d];
      if (j >= 0 && j < size) {
        c[d] = j;
        continue;
      }
      switch (mode) {
      case PadMode::Constant:
        outside = true;
        break;
      case PadMode::Reflect:
        c[d] = j < 0 ? -j : 2 * (size - 1) - j;
        break;
      case PadMode::Edge:
        c[d] = j < 0 ? 0 : size - 1;
        break;
      }
    }
    out.data[i] = outside ? fillValue : input.at(c);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Normalization and dropout
//===----------------------------------------------------------------------===//

/// y[n, c, s] = (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c].
static Tensor normalizePerChannel(const Tensor &input,
                                  const std::vector<double> &mean,
                                  const std::vector<double> &variance,
                                  const Tensor &scale, const Tensor &bias,
                                  double epsilon) {
  int64_t n = input.shape[0], c = input.shape[1];
  int64_t s = input.numel() / std::max<int64_t>(n * c, 1);
  Tensor out = input;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < s; ++i) {
        int64_t k = ncs(b, ch, i, c, s);
        out.data[k] = (input.data[k] - mean[ch]) /
                          std::sqrt(variance[ch] + epsilon) * scale.data[ch] +
                      bias.data[ch];
      }
  return out;
}

Tensor batchNormInference(const Tensor &input, const Tensor &scale,
                          const Tensor &bias, const Tensor &mean,
                          const Tensor &variance, float epsilon) {
  const std::string op = "batch_norm_inference";
  requireFloat(op, input);
  if (input.rank() < 2)
    fail(op, "input must be [N, C, ...]");
  requireChannels(op, input, scale, "scale");
  requireChannels(op, input, bias, "bias");
  requireChannels(op, input, mean, "mean");
  requireChannels(op, input, variance, "variance");
  return normalizePerChannel(input, mean.data, variance.data, scale, bias,
                             epsilon);
}

BatchNormTrainingResult batchNormTraining(const Tensor &input,
                                          const Tensor &scale,
                                          const Tensor &bias, float epsilon) {
  const std::string op = "batch_norm_training";
  requireFloat(op, input);
  if (input.rank() < 2)
    fail(op, "input must be [N, C, ...]");
  requireChannels(op, input, scale, "scale");
  requireChannels(op, input, bias, "bias");
  int64_t n = input.shape[0], c = input.shape[1];
  int64_t s = input.numel() / std::max<int64_t>(n * c, 1);
  std::vector<double> mean(c, 0.0), variance(c, 0.0);
  double count = static_cast<double>(n * s);
  for (int64_t ch = 0; ch < c; ++ch) {
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < s; ++i)
        mean[ch] += input.data[ncs(b, ch, i, c, s)];
    mean[ch] /= count;
    // Two passes, so the variance is exactly the mean squared deviation.
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < s; ++i) {
        double d = input.data[ncs(b, ch, i, c, s)] - mean[ch];
        variance[ch] += d * d;
      }
    variance[ch] /= count;
  }
  return {normalizePerChannel(input, mean, variance, scale, bias, epsilon),
          Tensor({c}, mean, input.dtype), Tensor({c}, variance, input.dtype)};
}

Tensor layerNorm(const Tensor &input, const Tensor &scale, const Tensor &bias,
                 int64_t axis, float epsilon) {
  const std::string op = "layer_norm";
  requireFloat(op, input);
  int64_t a = normalizeAxis(op, axis, input.rank());
  Shape normalized(input.shape.begin() + a, input.shape.end());
  requireShape(op, scale, normalized, "scale");
  requireShape(op, bias, normalized, "bias");
  int64_t inner = numElements(normalized);
  int64_t outer = input.numel() / std::max<int64_t>(inner, 1);
  Tensor out = input;
  for (int64_t o = 0; o < outer; ++o) {
    const double *x = input.data.data() + o * inner;
    double mean = 0, variance = 0;
    for (int64_t i = 0; i < inner; ++i)
      mean += x[i];
    mean /= static_cast<double>(inner);
    for (int64_t i = 0; i < inner; ++i)
      variance += (x[i] - mean) * (x[i] - mean);
    variance /= static_cast<double>(inner);
    double inv = 1.0 / std::sqrt(variance + static_cast<double>(epsilon));
    for (int64_t i = 0; i < inner; ++i)
      out.data[o * inner + i] =
          (x[i] - mean) * inv * scale.data[i] + bias.data[i];
  }
  return out;
}

DropoutResult dropout(const Tensor &input, const Tensor *keepMask, float ratio,
                      bool training) {
  const std::string op = "dropout";
  requireFloat(op, input);
  if (!(ratio >= 0.0f && ratio < 1.0f))
    fail(op, "ratio must be in [0, 1)");
  if (!training)
    return {input, Tensor::full(input.shape, 1.0, Tensor::I1)};
  if (!keepMask)
    fail(op, "training needs the keep mask of the compiled code");
  if (keepMask->dtype != Tensor::I1)
    fail(op, "mask must be i1");
  requireShape(op, *keepMask, input.shape, "mask");
  Tensor out = input;
  double scale = 1.0 / (1.0 - static_cast<double>(ratio));
  for (int64_t i = 0; i < input.numel(); ++i)
    out.data[i] = keepMask->data[i] != 0 ? input.data[i] * scale : 0.0;
  return {out, *keepMask};
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// Reduces per-element losses; mean divides by `meanDivisor`.
static Tensor reduceLoss(Tensor perElement, Reduction reduction,
                         double meanDivisor) {
  if (reduction == Reduction::None)
    return perElement;
  double sum = sumOf(perElement.data);
  return Tensor::scalar(reduction == Reduction::Sum ? sum : sum / meanDivisor,
                        perElement.dtype);
}

static Tensor elementwiseLoss(const std::string &op, const Tensor &input,
                              const Tensor &target, Reduction reduction,
                              double (*f)(double, double)) {
  requireFloat(op, input);
  if (target.dtype != input.dtype)
    fail(op, "target must have the input's dtype");
  requireShape(op, target, input.shape, "target");
  Tensor loss = input;
  for (int64_t i = 0; i < input.numel(); ++i)
    loss.data[i] = f(input.data[i], target.data[i]);
  return reduceLoss(loss, reduction, static_cast<double>(input.numel()));
}

Tensor mseLoss(const Tensor &input, const Tensor &target, Reduction reduction) {
  return elementwiseLoss("mse_loss", input, target, reduction,
                         [](double x, double t) { return (x - t) * (x - t); });
}

Tensor binaryCrossEntropyWithLogits(const Tensor &input, const Tensor &target,
                                    Reduction reduction) {
  return elementwiseLoss("binary_cross_entropy_with_logits", input, target,
                         reduction, [](double x, double t) {
                           return std::max(x, 0.0) - x * t +
                                  std::log1p(std::exp(-std::fabs(x)));
                         });
}

/// Shared by softmax_cross_entropy with labels and nll_loss: `logProb` is
/// [N, C, d...] log-probabilities, `target` labels [N, d...].
static Tensor labelLoss(const std::string &op, const Tensor &logProb,
                        const Tensor &target, const Tensor *weight,
                        Reduction reduction,
                        std::optional<int64_t> ignoreIndex) {
  int64_t n = logProb.shape[0], c = logProb.shape[1];
  Shape perElement = logProb.shape;
  perElement.erase(perElement.begin() + 1);
  requireShape(op, target, perElement, "target");
  int64_t s = numElements(perElement) / std::max<int64_t>(n, 1);
  Tensor loss = Tensor::zeros(perElement, logProb.dtype);
  double weightSum = 0;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < s; ++i) {
      int64_t label = static_cast<int64_t>(target.data[b * s + i]);
      if (ignoreIndex && label == *ignoreIndex)
        continue; // Contributes 0 and does not count in the mean.
      if (label < 0 || label >= c)
        throw std::out_of_range(op + ": label " + std::to_string(label) +
                                " is out of range for " + std::to_string(c) +
                                " classes");
      double w = weight ? weight->data[label] : 1.0;
      loss.data[b * s + i] = -w * logProb.data[ncs(b, label, i, c, s)];
      weightSum += w;
    }
  // 0 / 0 gives NaN when every label is ignored, as ONNX and PyTorch do.
  return reduceLoss(loss, reduction, weightSum);
}

static void checkClassLoss(const std::string &op, const Tensor &input,
                           const Tensor *weight) {
  requireFloat(op, input);
  if (input.rank() < 2)
    fail(op, "input must be [N, C, ...]");
  if (weight) {
    requireFloat(op, *weight, "weight");
    requireShape(op, *weight, {input.shape[1]}, "weight");
  }
}

Tensor softmaxCrossEntropy(const Tensor &input, const Tensor &target,
                           const Tensor *weight, Reduction reduction,
                           std::optional<int64_t> ignoreIndex) {
  const std::string op = "softmax_cross_entropy";
  checkClassLoss(op, input, weight);
  Tensor logProb = logSoftmax(input, 1);
  if (target.dtype == Tensor::I64 || target.dtype == Tensor::I32)
    return labelLoss(op, logProb, target, weight, reduction, ignoreIndex);
  if (target.dtype != input.dtype)
    fail(op, "target must be integer labels or probabilities of the input's "
             "dtype");
  if (ignoreIndex)
    fail(op, "ignore_index needs integer labels");
  requireShape(op, target, input.shape, "target");
  int64_t n = input.shape[0], c = input.shape[1];
  Shape perElement = input.shape;
  perElement.erase(perElement.begin() + 1);
  int64_t s = numElements(perElement) / std::max<int64_t>(n, 1);
  Tensor loss = Tensor::zeros(perElement, input.dtype);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < s; ++i) {
      double sum = 0;
      for (int64_t k = 0; k < c; ++k) {
        double w = weight ? weight->data[k] : 1.0;
        int64_t idx = ncs(b, k, i, c, s);
        sum += w * target.data[idx] * logProb.data[idx];
      }
      loss.data[b * s + i] = -sum;
    }
  return reduceLoss(loss, reduction, static_cast<double>(loss.numel()));
}

Tensor nllLoss(const Tensor &input, const Tensor &target, const Tensor *weight,
               Reduction reduction, std::optional<int64_t> ignoreIndex) {
  const std::string op = "nll_loss";
  checkClassLoss(op, input, weight);
  if (target.dtype != Tensor::I64 && target.dtype != Tensor::I32)
    fail(op, "target must hold i32 or i64 labels");
  return labelLoss(op, input, target, weight, reduction, ignoreIndex);
}

//===----------------------------------------------------------------------===//
// Composite layers
//===----------------------------------------------------------------------===//

namespace {

/// Checked sizes of a recurrent layer with `gates` gate blocks.
struct RecurrentDims {
  int64_t t, b, in, h;
};

RecurrentDims checkRecurrent(const std::string &op, int64_t gates,
                             const Tensor &input, const Tensor &wIh,
                             const Tensor &wHh, const Tensor *bIh,
                             const Tensor *bHh,
                             std::vector<const Tensor *> states) {
  requireFloat(op, input);
  if (input.rank() != 3)
    fail(op, "input must be [T, B, I]");
  RecurrentDims d{input.shape[0], input.shape[1], input.shape[2], 0};
  if (wHh.rank() != 2 || wHh.shape[0] != gates * wHh.shape[1])
    fail(op, "w_hh must be [G * H, H]");
  d.h = wHh.shape[1];
  requireShape(op, wIh, {gates * d.h, d.in}, "w_ih");
  for (const Tensor *bias : {bIh, bHh})
    if (bias)
      requireShape(op, *bias, {gates * d.h}, "bias");
  for (const Tensor *s : states)
    if (s)
      requireShape(op, *s, {d.b, d.h}, "initial state");
  return d;
}

/// Row `row` of (x W^T + b) for batch element `b`: sum_k x[b, k] W[row, k]
/// + bias[row], with x a [B, K] slab starting at `x`.
double affine(const double *x, int64_t k, const Tensor &w, const Tensor *bias,
              int64_t row) {
  double sum = bias ? bias->data[row] : 0.0;
  for (int64_t i = 0; i < k; ++i)
    sum += x[i] * w.data[row * k + i];
  return sum;
}

std::vector<double> initialState(const Tensor *s, int64_t size) {
  return s ? s->data : std::vector<double>(size, 0.0);
}

} // namespace

RnnResult rnn(const Tensor &input, const Tensor &wIh, const Tensor &wHh,
              const Tensor *bIh, const Tensor *bHh, const Tensor *h0,
              const std::string &activation) {
  const std::string op = "rnn";
  if (activation != "tanh" && activation != "relu")
    fail(op, "activation must be tanh or relu");
  RecurrentDims d = checkRecurrent(op, 1, input, wIh, wHh, bIh, bHh, {h0});
  std::vector<double> h = initialState(h0, d.b * d.h);
  Tensor output = Tensor::zeros({d.t, d.b, d.h}, input.dtype);
  for (int64_t t = 0; t < d.t; ++t) {
    std::vector<double> next(d.b * d.h);
    for (int64_t b = 0; b < d.b; ++b)
      for (int64_t j = 0; j < d.h; ++j) {
        const double *x = input.data.data() + (t * d.b + b) * d.in;
        double a = affine(x, d.in, wIh, bIh, j) +
                   affine(h.data() + b * d.h, d.h, wHh, bHh, j);
        next[b * d.h + j] =
            activation == "tanh" ? std::tanh(a) : std::max(a, 0.0);
      }
    h = next;
    std::copy(h.begin(), h.end(), output.data.begin() + t * d.b * d.h);
  }
  return {output, Tensor({d.b, d.h}, h, input.dtype)};
}

LstmResult lstm(const Tensor &input, const Tensor &wIh, const Tensor &wHh,
                const Tensor *bIh, const Tensor *bHh, const Tensor *h0,
                const Tensor *c0) {
  const std::string op = "lstm";
  RecurrentDims d = checkRecurrent(op, 4, input, wIh, wHh, bIh, bHh, {h0, c0});
  std::vector<double> h = initialState(h0, d.b * d.h);
  std::vector<double> c = initialState(c0, d.b * d.h);
  Tensor output = Tensor::zeros({d.t, d.b, d.h}, input.dtype);
  for (int64_t t = 0; t < d.t; ++t) {
    std::vector<double> nextH(d.b * d.h), nextC(d.b * d.h);
    for (int64_t b = 0; b < d.b; ++b)
      for (int64_t j = 0; j < d.h; ++j) {
        const double *x = input.data.data() + (t * d.b + b) * d.in;
        // Pre-activation of gate `g` (0 i, 1 f, 2 g, 3 o) for unit j.
        auto pre = [&](int64_t g) {
          int64_t row = g * d.h + j;
          return affine(x, d.in, wIh, bIh, row) +
                 affine(h.data() + b * d.h, d.h, wHh, bHh, row);
        };
        double i = sigmoidOf(pre(0)), f = sigmoidOf(pre(1)),
               g = std::tanh(pre(2)), o = sigmoidOf(pre(3));
        double cell = f * c[b * d.h + j] + i * g;
        nextC[b * d.h + j] = cell;
        nextH[b * d.h + j] = o * std::tanh(cell);
      }
    h = nextH;
    c = nextC;
    std::copy(h.begin(), h.end(), output.data.begin() + t * d.b * d.h);
  }
  return {output, Tensor({d.b, d.h}, h, input.dtype),
          Tensor({d.b, d.h}, c, input.dtype)};
}

RnnResult gru(const Tensor &input, const Tensor &wIh, const Tensor &wHh,
              const Tensor *bIh, const Tensor *bHh, const Tensor *h0) {
  const std::string op = "gru";
  RecurrentDims d = checkRecurrent(op, 3, input, wIh, wHh, bIh, bHh, {h0});
  std::vector<double> h = initialState(h0, d.b * d.h);
  Tensor output = Tensor::zeros({d.t, d.b, d.h}, input.dtype);
  for (int64_t t = 0; t < d.t; ++t) {
    std::vector<double> next(d.b * d.h);
    for (int64_t b = 0; b < d.b; ++b)
      for (int64_t j = 0; j < d.h; ++j) {
        const double *x = input.data.data() + (t * d.b + b) * d.in;
        const double *hb = h.data() + b * d.h;
        // Input and hidden parts of gate `g` (0 r, 1 z, 2 n) kept apart,
        // since r multiplies only the hidden part of n.
        auto inPart = [&](int64_t g) {
          return affine(x, d.in, wIh, bIh, g * d.h + j);
        };
        auto hidPart = [&](int64_t g) {
          return affine(hb, d.h, wHh, bHh, g * d.h + j);
        };
        double r = sigmoidOf(inPart(0) + hidPart(0));
        double z = sigmoidOf(inPart(1) + hidPart(1));
        double n = std::tanh(inPart(2) + r * hidPart(2));
        next[b * d.h + j] = (1.0 - z) * n + z * hb[j];
      }
    h = next;
    std::copy(h.begin(), h.end(), output.data.begin() + t * d.b * d.h);
  }
  return {output, Tensor({d.b, d.h}, h, input.dtype)};
}

Tensor multiHeadAttention(const Tensor &query, const Tensor &key,
                          const Tensor &value, const Tensor &wQ,
                          const Tensor &wK, const Tensor &wV, const Tensor &wO,
                          int64_t numHeads, const Tensor *bQ, const Tensor *bK,
                          const Tensor *bV, const Tensor *bO,
                          const Tensor *mask) {
  const std::string op = "multi_head_attention";
  requireFloat(op, query, "query");
  if (query.rank() != 3)
    fail(op, "query must be [B, Tq, E]");
  int64_t batch = query.shape[0], tq = query.shape[1], e = query.shape[2];
  if (numHeads < 1 || e % numHeads)
    fail(op, "num_heads must divide the embedding size");
  if (key.rank() != 3 || key.shape[0] != batch || key.shape[2] != e)
    fail(op, "key must be [B, Tk, E]");
  int64_t tk = key.shape[1];
  requireShape(op, value, key.shape, "value");
  for (const Tensor *w : {&wQ, &wK, &wV, &wO})
    requireShape(op, *w, {e, e}, "weight");
  for (const Tensor *b : {bQ, bK, bV, bO})
    if (b)
      requireShape(op, *b, {e}, "bias");
  if (mask && mask->shape != Shape{tq, tk} &&
      mask->shape != Shape{batch, tq, tk})
    fail(op, "mask must be [Tq, Tk] or [B, Tq, Tk]");
  if (mask && mask->dtype != Tensor::I1 && mask->dtype != query.dtype)
    fail(op, "mask must be i1 or the query's dtype");

  // x [B, T, E] @ W [E, E] + b.
  auto project = [&](const Tensor &x, const Tensor &w, const Tensor *b) {
    Tensor r = matmul(x, w);
    if (b)
      r = add(r, *b);
    return r;
  };
  Tensor q = project(query, wQ, bQ), k = project(key, wK, bK),
         v = project(value, wV, bV);
  int64_t dh = e / numHeads;
  double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  const double lowestFinite = query.dtype == Tensor::F64
                                  ? std::numeric_limits<double>::lowest()
                                  : std::numeric_limits<float>::lowest();
  Tensor heads = Tensor::zeros({batch, tq, e}, query.dtype);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t hd = 0; hd < numHeads; ++hd)
      for (int64_t i = 0; i < tq; ++i) {
        std::vector<double> scores(tk);
        for (int64_t j = 0; j < tk; ++j) {
          double dot = 0;
          for (int64_t p = 0; p < dh; ++p)
            dot += q.at({b, i, hd * dh + p}) * k.at({b, j, hd * dh + p});
          double s = dot * scale;
          if (mask) {
            double m =
                mask->rank() == 2 ? mask->at({i, j}) : mask->at({b, i, j});
            // A masked score is the lowest finite value, not -inf: a row
            // with every key masked then attends uniformly instead of NaN.
            if (mask->dtype == Tensor::I1)
              s = m != 0 ? s : lowestFinite;
            else
              s += m;
          }
          scores[j] = s;
        }
        // Max-shifted weights: m + log(sum) would round away log(sum)
        // next to a huge masked score.
        double m = maxOf(scores), total = 0;
        std::vector<double> weights(tk);
        for (int64_t j = 0; j < tk; ++j)
          total += weights[j] = std::exp(scores[j] - m);
        for (int64_t p = 0; p < dh; ++p) {
          double sum = 0;
          for (int64_t j = 0; j < tk; ++j)
            sum += weights[j] / total * v.at({b, j, hd * dh + p});
          heads.at({b, i, hd * dh + p}) = sum;
        }
      }
  return project(heads, wO, bO);
}

} // namespace kiln::ref
