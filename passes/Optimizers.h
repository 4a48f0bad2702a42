//===- Optimizers.h - optimizer updates as kiln ops -------------*- C++ -*-===//
//
// The update rules of PyTorch's optimizers (torch.optim, default flags:
// no foreach/fused/capturable/maximize, dampening 0, no amsgrad), gradient
// clipping by global norm and learning-rate schedules, stated in kiln ops so
// that a compiled training step contains them and fusion sees them whole.
//
// The step counter is a rank-0 i64 tensor holding the number of updates
// already made (0 on the first call). Schedules read it as PyTorch's
// scheduler epoch; Adam's bias correction uses t = step + 1, PyTorch's
// `state['step']` after its increment. Scalar coefficients (learning rate,
// bias corrections) are computed in f64 and cast to the parameter type, so
// that e.g. 1 - 0.999^t keeps PyTorch's (Python double) precision.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_OPTIMIZERS_H
#define KILN_PASSES_OPTIMIZERS_H

#include "ir/KilnBuilder.h"

#include <optional>
#include <string>

namespace kiln {

enum class OptimizerKind {
  Sgd,
  Momentum,
  Nesterov,
  AdaGrad,
  RmsProp,
  Adam,
  AdamW
};
enum class LrSchedule { Constant, Step, Cosine };

std::optional<OptimizerKind> parseOptimizerKind(llvm::StringRef name);
std::optional<LrSchedule> parseLrSchedule(llvm::StringRef name);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Sgd;
  double lr = 1e-3;
  /// SGD momentum / Nesterov, RMSprop momentum (0: none).
  double momentum = 0.0;
  double beta1 = 0.9, beta2 = 0.999;
  /// RMSprop's smoothing constant.
  double alpha = 0.99;
  double eps = 1e-8;
  /// L2 (added to the gradient) for every optimizer but AdamW, whose decay
  /// is decoupled: p -= lr * wd * p before the Adam step.
  double weightDecay = 0.0;
  /// RMSprop: normalize by the variance estimate instead of the second
  /// moment.
  bool centered = false;
  /// Clip gradients to this global L2 norm; 0 disables clipping.
  double clipNorm = 0.0;
  LrSchedule schedule = LrSchedule::Constant;
  int64_t stepSize = 1;
  double gamma = 0.1;
  int64_t totalSteps = 1;
  double lrMin = 0.0;

  /// The PyTorch defaults of `kind` for lr, momentum, eps and weight decay.
  static OptimizerConfig defaults(OptimizerKind kind);
  /// Empty when the configuration is usable, else what is wrong.
  std::string validate() const;
};

/// Names of the optimizer state slots kept per parameter (same shape and
/// type as the parameter), in the order applyOptimizer takes and returns
/// them: "momentum"; "sum" (AdaGrad); "square_avg", then "momentum" and
/// "grad_avg" when used (RMSprop); "m", "v" (Adam, AdamW).
llvm::SmallVector<std::string> optimizerStateNames(const OptimizerConfig &c);

/// The learning rate at `step` (tensor<i64>) as a rank-0 f64 tensor.
mlir::Value buildLearningRate(KilnBuilder &b, const OptimizerConfig &c,
                              mlir::Value step);

/// Scales `grads` in place so that their global L2 norm is at most
/// `maxNorm`: g * min(1, maxNorm / (norm + 1e-6)), torch's
/// clip_grad_norm_.
void buildClipByGlobalNorm(KilnBuilder &b, double maxNorm,
                           llvm::MutableArrayRef<mlir::Value> grads);

struct ParamUpdate {
  mlir::Value param;
  llvm::SmallVector<mlir::Value> state;
};

/// One optimizer step of one parameter: the new parameter and state.
/// `lr` is buildLearningRate's result (f64, rank 0).
ParamUpdate buildOptimizerUpdate(KilnBuilder &b, const OptimizerConfig &c,
                                 mlir::Value lr, mlir::Value step,
                                 mlir::Value param, mlir::Value grad,
                                 mlir::ValueRange state);

} // namespace kiln

#endif // KILN_PASSES_OPTIMIZERS_H
