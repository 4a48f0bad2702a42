//===- Layers.h - the layers of the model API -------------------*- C++ -*-===//
//
// Each function makes a layer (its implementation is in layers/, one file
// per kind). Shapes follow kiln's layouts, batch first: images are NCHW,
// sequences [batch, time, features] (recurrent layers transpose to the
// time-major form of kiln.lstm & co. themselves). An empty `name` gets a
// generated one ("dense_1").
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_LAYERS_H
#define KILN_FRONTEND_NN_LAYERS_H

#include "frontend/nn/Layer.h"

namespace kiln::nn {

/// Dense: x @ kernel + bias on the last dim of a [batch, features] or
/// [batch, time, features] input.
struct DenseOptions {
  bool useBias = true;
  Initializer kernelInit = Initializer::glorotUniform();
  Initializer biasInit = Initializer::zeros();
  std::string name;
};
LayerRef Dense(int64_t units, Activation activation = {},
               DenseOptions options = {});

/// Conv2D over [batch, channels, height, width] with a [filters, channels,
/// k, k] kernel; padding "valid" (none) or "same" (output size
/// ceil(input / stride), the extra row/column of an odd total at the end,
/// as in Keras).
struct Conv2DOptions {
  int64_t stride = 1;
  std::string padding = "valid";
  bool useBias = true;
  Initializer kernelInit = Initializer::glorotUniform();
  Initializer biasInit = Initializer::zeros();
  std::string name;
};
LayerRef Conv2D(int64_t filters, int64_t kernelSize, Activation activation = {},
                Conv2DOptions options = {});

/// Pooling over [batch, channels, height, width]; stride 0 means the pool
/// size.
struct Pool2DOptions {
  int64_t stride = 0;
  std::string padding = "valid";
  std::string name;
};
LayerRef MaxPool2D(int64_t poolSize = 2, Pool2DOptions options = {});
LayerRef AvgPool2D(int64_t poolSize = 2, Pool2DOptions options = {});
/// [batch, channels, h, w] -> [batch, channels].
LayerRef GlobalAvgPool2D(std::string name = "");
/// The mean over time: [batch, time, features] -> [batch, features].
LayerRef GlobalAvgPool1D(std::string name = "");
/// [batch, ...] -> [batch, product of the rest].
LayerRef Flatten(std::string name = "");
/// An activation as a layer of its own.
LayerRef ActivationLayer(Activation activation, std::string name = "");

/// Zeroes a fraction `rate` of the elements during training (scaling the
/// rest by 1 / (1 - rate)); the identity when evaluating. The masks of
/// training step s are a function of `seed` and s.
LayerRef Dropout(double rate, uint64_t seed = 0, std::string name = "");
/// Normalizes each channel (dim 1) with learned scale and shift. Training
/// steps use the batch's mean and (biased) variance over the batch and the
/// other dims, and update the running statistics as PyTorch does:
/// running = (1 - momentum) * running + momentum * batch statistic, the
/// variance unbiased (times M / (M - 1), M values per channel). Evaluation,
/// predict, emit and exportOnnx use the running statistics (buffers
/// "moving_mean", starting at 0, and "moving_variance", at 1), which
/// checkpoints keep.
LayerRef BatchNorm(double epsilon = 1e-5, std::string name = "",
                   double momentum = 0.1);
/// Normalizes over the last dim with learned scale and shift.
LayerRef LayerNorm(double epsilon = 1e-5, std::string name = "");
/// Integer ids (stored as floats, as datasets hold them) [batch, ...] ->
/// [batch, ..., dim]. Ids must be in [0, vocabulary).
LayerRef Embedding(int64_t vocabulary, int64_t dim, std::string name = "");
/// Adds a learned vector per position to [batch, time, features].
LayerRef PositionalEmbedding(std::string name = "");
/// The sum of its inputs, which must have the same shape (residuals).
LayerRef Add(std::string name = "");

/// Recurrent layers over [batch, time, features]: [batch, units] (the last
/// state) or, with returnSequences, [batch, time, units]. Weights are
/// PyTorch's layout (kiln.rnn/lstm/gru), Glorot-uniform initialized.
struct RecurrentOptions {
  bool returnSequences = false;
  std::string name;
};
/// `activation` is "tanh" or "relu".
LayerRef SimpleRNN(int64_t units, std::string activation = "tanh",
                   RecurrentOptions options = {});
LayerRef LSTM(int64_t units, RecurrentOptions options = {});
LayerRef GRU(int64_t units, RecurrentOptions options = {});

/// Multi-head attention over [batch, time, embed]; called on one tensor it
/// is self-attention, on (query, keyValue) cross-attention. embed must be a
/// multiple of numHeads.
LayerRef MultiHeadAttention(int64_t numHeads, std::string name = "");

/// A post-norm Transformer encoder layer as PyTorch's default:
/// x = LayerNorm(x + MHA(x)); x = LayerNorm(x + W2 act(W1 x)).
struct TransformerOptions {
  Activation activation = "relu";
  double epsilon = 1e-5;
  std::string name;
};
LayerRef TransformerEncoderLayer(int64_t numHeads, int64_t ffDim,
                                 TransformerOptions options = {});

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_LAYERS_H
