//===- Reference.h - plain C++ reference for every kiln op ------*- C++ -*-===//
//
// One function per kiln op, named after it, for tests that compare compiled
// code against straightforward loops. Attributes are plain arguments with
// the ODS defaults (F32Attr defaults are float, so they round exactly as the
// attribute does); an optional operand is a pointer that may be null. All
// arithmetic is in double; results keep the operand dtype (they are not
// rounded to f32). Invalid operands or attributes throw std::invalid_argument
// (std::out_of_range for bad indices or labels).
//
// The semantics follow the op descriptions in ir/ops/*.td; choices the
// descriptions leave open are stated at each function.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_REFERENCE_REFERENCE_H
#define KILN_TEST_REFERENCE_REFERENCE_H

#include "Tensor.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln::ref {

//===----------------------------------------------------------------------===//
// Constant, stop_gradient, unary (float operands)
//===----------------------------------------------------------------------===//

Tensor constant(const Tensor &value);
Tensor stopGradient(const Tensor &input);

Tensor neg(const Tensor &input);
Tensor abs(const Tensor &input);
Tensor exp(const Tensor &input);
Tensor log(const Tensor &input);
Tensor sqrt(const Tensor &input);
Tensor rsqrt(const Tensor &input);
Tensor reciprocal(const Tensor &input);
Tensor tanh(const Tensor &input);
Tensor cos(const Tensor &input);
Tensor sin(const Tensor &input);
Tensor sigmoid(const Tensor &input);
Tensor relu(const Tensor &input);
Tensor erf(const Tensor &input);
/// max(x, 0) + log1p(exp(-|x|)).
Tensor softplus(const Tensor &input);
Tensor leakyRelu(const Tensor &input, float alpha = 0.01f);
Tensor elu(const Tensor &input, float alpha = 1.0f);
Tensor selu(const Tensor &input, float alpha = 1.67326319217681884765625f,
            float gamma = 1.05070102214813232421875f);
/// Exact: x * 0.5 * (1 + erf(x / sqrt(2))). Approximate: 0.5 * x * (1 +
/// tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
Tensor gelu(const Tensor &input, bool approximate = false);
/// A missing bound does not clip.
Tensor clip(const Tensor &input, std::optional<float> min = std::nullopt,
            std::optional<float> max = std::nullopt);

//===----------------------------------------------------------------------===//
// Binary, compare, select, cast (NumPy broadcasting)
//===----------------------------------------------------------------------===//
//
// Operands must have the same dtype. Integer results wrap to the dtype
// (two's complement); integer division truncates toward zero and throws on a
// zero divisor. i1 is unsigned: true (1) > false (0); add/sub wrap mod 2.
// Float max/min propagate NaN.

Tensor add(const Tensor &lhs, const Tensor &rhs);
Tensor sub(const Tensor &lhs, const Tensor &rhs);
Tensor mul(const Tensor &lhs, const Tensor &rhs);
Tensor div(const Tensor &lhs, const Tensor &rhs);
/// Float operands only.
Tensor pow(const Tensor &lhs, const Tensor &rhs);
Tensor max(const Tensor &lhs, const Tensor &rhs);
Tensor min(const Tensor &lhs, const Tensor &rhs);

/// Results are I1. Comparisons with NaN are false.
Tensor eq(const Tensor &lhs, const Tensor &rhs);
Tensor lt(const Tensor &lhs, const Tensor &rhs);
Tensor le(const Tensor &lhs, const Tensor &rhs);
Tensor gt(const Tensor &lhs, const Tensor &rhs);
Tensor ge(const Tensor &lhs, const Tensor &rhs);

/// condition (I1) ? onTrue : onFalse, all three broadcast together.
Tensor select(const Tensor &condition, const Tensor &onTrue,
              const Tensor &onFalse);

/// To F32: round to nearest float. Float to integer: truncate toward zero
/// (throws when the result does not fit, or on NaN/inf). Integer to integer:
/// wrap. To I1: nonzero (NaN included) is true. I1 to anything: 0 or 1
/// (unsigned, not -1).
Tensor cast(const Tensor &input, Tensor::DType to);

//===----------------------------------------------------------------------===//
// Matmul, convolution, pooling
//===----------------------------------------------------------------------===//

/// lhs [..., M, K] (or [..., K, M] transposed), rhs [..., K, N] (or
/// [..., N, K]); rank >= 2; batch dims broadcast. Result [batch..., M, N].
Tensor matmul(const Tensor &lhs, const Tensor &rhs, bool transposeLhs = false,
              bool transposeRhs = false);

/// input [N, C, H, W], filter [F, C / groups, KH, KW], bias [F] or null.
/// padding is [top, left, bottom, right]; padded cells are zero.
Tensor conv2d(const Tensor &input, const Tensor &filter,
              const Tensor *bias = nullptr, const Shape &strides = {1, 1},
              const Shape &padding = {0, 0, 0, 0},
              const Shape &dilations = {1, 1}, int64_t groups = 1);

/// Output length of a window over one dim, PyTorch's rule: floor (or ceil)
/// of (in + padLow + padHigh - span) / stride, plus 1; with ceilMode a last
/// window that would start at or past in + padLow (inside the high padding)
/// is dropped. Returns < 1 when nothing fits.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padLow, int64_t padHigh, int64_t dilation,
                         bool ceilMode);

/// Padded cells never win (they are -inf); a window with no input cell (only
/// possible with dilation) gives -inf. NaN propagates.
Tensor maxPool2d(const Tensor &input, const Shape &kernelSize,
                 const Shape &strides = {1, 1},
                 const Shape &padding = {0, 0, 0, 0},
                 const Shape &dilations = {1, 1}, bool ceilMode = false);

/// PyTorch semantics: the sum covers input cells only; the divisor is the
/// number of input cells, or with countIncludePad the window clipped to the
/// padded extent [-top, H + bottom) (cells past the padding, which ceil_mode
/// can add, never count).
Tensor avgPool2d(const Tensor &input, const Shape &kernelSize,
                 const Shape &strides = {1, 1},
                 const Shape &padding = {0, 0, 0, 0}, bool ceilMode = false,
                 bool countIncludePad = false);

/// [N, C, spatial...] -> [N, C, 1, ...]: mean over the spatial dims.
Tensor globalAvgPool(const Tensor &input);

//===----------------------------------------------------------------------===//
// Reductions, argmax, softmax
//===----------------------------------------------------------------------===//
//
// `axes` may be negative and must not repeat; empty reduces every axis.

Tensor reduceSum(const Tensor &input, const Shape &axes = {},
                 bool keepdims = false);
Tensor reduceMean(const Tensor &input, const Shape &axes = {},
                  bool keepdims = false);
/// NaN propagates.
Tensor reduceMax(const Tensor &input, const Shape &axes = {},
                 bool keepdims = false);
Tensor reduceMin(const Tensor &input, const Shape &axes = {},
                 bool keepdims = false);
/// m + log(sum(exp(x - m))) with m the maximum (m itself when m is +-inf).
Tensor reduceLogSumExp(const Tensor &input, const Shape &axes = {},
                       bool keepdims = false);

/// I64 index of the maximum along `axis` (any dtype); ties give the first
/// index, or the last with selectLastIndex.
Tensor argmax(const Tensor &input, int64_t axis = 0, bool keepdims = true,
              bool selectLastIndex = false);

Tensor softmax(const Tensor &input, int64_t axis = -1);
Tensor logSoftmax(const Tensor &input, int64_t axis = -1);

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

Tensor reshape(const Tensor &input, const Shape &shape);
/// Output dim i is input dim permutation[i].
Tensor transpose(const Tensor &input, const Shape &permutation);
Tensor concat(const std::vector<Tensor> &inputs, int64_t axis);
/// Per dim: 0 <= start <= limit <= size, step >= 1 (the op's contract).
Tensor slice(const Tensor &input, const Shape &starts, const Shape &limits,
             const Shape &steps);
/// Result shape data.shape[:axis] + indices.shape + data.shape[axis+1:].
/// Negative indices count from the end; others out of range throw.
Tensor gather(const Tensor &data, const Tensor &indices, int64_t axis = 0);
Tensor broadcastTo(const Tensor &input, const Shape &shape);

enum class PadMode { Constant, Reflect, Edge };
/// Reflect mirrors without repeating the edge (NumPy "reflect", ONNX
/// "reflect"); it needs low and high < size. For integer dtypes the constant
/// `value` is converted like cast (truncated toward zero; nonzero for i1).
Tensor pad(const Tensor &input, const Shape &low, const Shape &high,
           PadMode mode = PadMode::Constant, double value = 0.0);

//===----------------------------------------------------------------------===//
// Normalization and dropout
//===----------------------------------------------------------------------===//

/// input [N, C, ...]; scale, bias, mean, variance [C].
Tensor batchNormInference(const Tensor &input, const Tensor &scale,
                          const Tensor &bias, const Tensor &mean,
                          const Tensor &variance, float epsilon = 1.0e-5f);

struct BatchNormTrainingResult {
  Tensor output;
  Tensor batchMean;
  /// Biased (divides by the element count), as the op's description says;
  /// a caller updating running statistics PyTorch-style must rescale it.
  Tensor batchVariance;
};
BatchNormTrainingResult batchNormTraining(const Tensor &input,
                                          const Tensor &scale,
                                          const Tensor &bias,
                                          float epsilon = 1.0e-5f);

/// Normalizes over dims [axis, rank) with the biased variance; scale and
/// bias have shape input.shape[axis:].
Tensor layerNorm(const Tensor &input, const Tensor &scale, const Tensor &bias,
                 int64_t axis = -1, float epsilon = 1.0e-5f);

struct DropoutResult {
  Tensor output;
  Tensor mask;
};
/// The compiled op draws its keep mask from its seed; the reference cannot
/// reproduce that generator, so the caller passes the mask the compiled code
/// returned (I1, input's shape, true = kept) and this checks the rest:
/// output = x * mask / (1 - ratio). Without training the output is x and the
/// mask all true (keepMask is ignored). Training with a null mask throws.
DropoutResult dropout(const Tensor &input, const Tensor *keepMask,
                      float ratio = 0.5f, bool training = false);

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

enum class Reduction { None, Mean, Sum };

/// (input - target)^2; mean divides by the element count.
Tensor mseLoss(const Tensor &input, const Tensor &target,
               Reduction reduction = Reduction::Mean);

/// max(x, 0) - x * t + log1p(exp(-|x|)).
Tensor binaryCrossEntropyWithLogits(const Tensor &input, const Tensor &target,
                                    Reduction reduction = Reduction::Mean);

/// input [N, C, d1, ...]. Integer target [N, d1, ...]: loss -w[t] *
/// log_softmax(x)[t], ignored labels give 0 and mean = sum / sum of w[t] over
/// non-ignored elements (w = 1 without weight), as ONNX
/// SoftmaxCrossEntropyLoss; NaN when every label is ignored. Float target
/// (probabilities, input's shape): loss -sum_c w[c] t[c] log_softmax(x)[c]
/// and mean divides by the element count N * d1 * ... (PyTorch).
Tensor softmaxCrossEntropy(const Tensor &input, const Tensor &target,
                           const Tensor *weight = nullptr,
                           Reduction reduction = Reduction::Mean,
                           std::optional<int64_t> ignoreIndex = std::nullopt);

/// input log-probabilities [N, C, d1, ...], integer target [N, d1, ...]:
/// -w[t] * input[t]; reductions as softmaxCrossEntropy with labels (ONNX
/// NegativeLogLikelihoodLoss).
Tensor nllLoss(const Tensor &input, const Tensor &target,
               const Tensor *weight = nullptr,
               Reduction reduction = Reduction::Mean,
               std::optional<int64_t> ignoreIndex = std::nullopt);

//===----------------------------------------------------------------------===//
// Composite layers (time-major, PyTorch weight layout)
//===----------------------------------------------------------------------===//

struct RnnResult {
  Tensor output; // [T, B, H]
  Tensor hN;     // [B, H]
};
struct LstmResult {
  Tensor output; // [T, B, H]
  Tensor hN;     // [B, H]
  Tensor cN;     // [B, H]
};

/// h = act(x W_ih^T + b_ih + h W_hh^T + b_hh); activation "tanh" or "relu".
RnnResult rnn(const Tensor &input, const Tensor &wIh, const Tensor &wHh,
              const Tensor *bIh = nullptr, const Tensor *bHh = nullptr,
              const Tensor *h0 = nullptr,
              const std::string &activation = "tanh");

/// Gates i, f, g, o in blocks of H rows of w_ih / w_hh.
LstmResult lstm(const Tensor &input, const Tensor &wIh, const Tensor &wHh,
                const Tensor *bIh = nullptr, const Tensor *bHh = nullptr,
                const Tensor *h0 = nullptr, const Tensor *c0 = nullptr);

/// Gates r, z, n; n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)).
RnnResult gru(const Tensor &input, const Tensor &wIh, const Tensor &wHh,
              const Tensor *bIh = nullptr, const Tensor *bHh = nullptr,
              const Tensor *h0 = nullptr);

/// query [B, Tq, E], key/value [B, Tk, E]; projections x @ W (+ b) with W
/// [E, E]; head h uses columns [h * D, (h + 1) * D). mask [Tq, Tk] or
/// [B, Tq, Tk]: I1 (false = score -inf, so a fully masked row gives NaN) or
/// float added to the scores.
Tensor multiHeadAttention(const Tensor &query, const Tensor &key,
                          const Tensor &value, const Tensor &wQ,
                          const Tensor &wK, const Tensor &wV, const Tensor &wO,
                          int64_t numHeads, const Tensor *bQ = nullptr,
                          const Tensor *bK = nullptr,
                          const Tensor *bV = nullptr,
                          const Tensor *bO = nullptr,
                          const Tensor *mask = nullptr);

} // namespace kiln::ref

#endif // KILN_TEST_REFERENCE_REFERENCE_H
