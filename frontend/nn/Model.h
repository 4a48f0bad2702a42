//===- Model.h - functional and sequential models ---------------*- C++ -*-===//
//
// A Model is the graph from one Input to one output tensor. It emits itself
// as a kiln model function (parameters as kiln.trainable arguments, as in
// examples/models/*.mlir); compile() runs kiln's one pipeline on it with a
// training step, links a shared object and loads it in this process, and
// fit/evaluate/predict/save/load drive that code through the runtime's
// kiln_trainer. Nothing is interpreted.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_MODEL_H
#define KILN_FRONTEND_NN_MODEL_H

#include "frontend/nn/Dataset.h"
#include "frontend/nn/Layer.h"

#include "kiln/metrics.h"
#include "kiln/report.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace kiln::nn {

struct CompileOptions {
  /// softmax_cross_entropy (also "sparse_categorical_crossentropy") or nll:
  /// the trainer's data are class labels.
  std::string loss = "softmax_cross_entropy";
  /// NAME[:key=value,...] as kiln-compile --optimizer takes it, e.g.
  /// "adam:lr=1e-3" or "sgd:lr=0.1,momentum=0.9".
  std::string optimizer = "adam:lr=1e-3";
  /// What evaluate() reports; "accuracy" and "loss" always, "precision",
  /// "recall", "f1" (macro) when listed. Unknown names are an error.
  std::vector<std::string> metrics = {"accuracy"};
  /// The batch compiled for (0: the Input's).
  int64_t batch = 0;
  /// Initializes the parameters without a seed of their own and orders
  /// the batches.
  uint64_t seed = 0;
  /// LLVM optimization level of the generated code.
  unsigned optLevel = 3;
  /// OpenMP threads of the generated code (0: one per core).
  unsigned threads = 0;
};

struct FitOptions {
  int64_t epochs = 1;
  /// Evaluated after every epoch when given.
  const Dataset *validation = nullptr;
  /// A progress bar on a terminal and a line per epoch on stdout.
  bool verbose = true;
  /// Saved after every epoch when not empty.
  std::string checkpoint;
  /// metrics.csv and curves.svg written there after every epoch.
  std::string logDir;
};

struct History {
  /// One per epoch of this fit (epoch numbers continue earlier fits);
  /// val_* are NaN without validation data.
  std::vector<kiln_epoch_record> epochs;
};

struct Evaluation {
  double loss = 0, accuracy = 0;
  /// Macro averages over the classes present (NaN unless asked for in
  /// CompileOptions::metrics).
  double precision = 0, recall = 0, f1 = 0;
  std::vector<kiln_class_metrics> perClass;
  /// The predicted class of every sample, and the confusion matrix
  /// (truth-major, classes x classes).
  std::vector<int64_t> predictions, confusion;
};

class Model {
public:
  Model(Tensor input, Tensor output, std::string name = "model");
  virtual ~Model();
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  const std::string &name() const { return modelName; }
  const Shape &inputShape() const { return input.shape(); }
  const Shape &outputShape() const { return output.shape(); }
  /// Every layer, in the order of their first call.
  std::vector<std::shared_ptr<Layer>> layers() const;
  int64_t numParams() const;
  /// A table of layers, output shapes and parameter counts, as Keras's.
  std::string summary() const;

  /// The model function in the kiln dialect, at batch `batch`.
  /// Layers emit ops whose types MLIR infers, so one graph serves any
  /// batch (0: the Input's); compile() emits at its batch rather than
  /// rebatching with kiln-set-batch, which cannot re-infer every op
  /// (kiln.cast).
  mlir::OwningOpRef<mlir::ModuleOp> emitModule(mlir::MLIRContext &context,
                                               int64_t batch = 0) const;
  std::string toMLIR(int64_t batch = 0) const;

  void compile(const CompileOptions &options = {});
  bool isCompiled() const { return compiled != nullptr; }
  int64_t batchSize() const;
  int64_t numClasses() const;

  History fit(const Dataset &train, const FitOptions &options = {});
  Evaluation evaluate(const Dataset &data);
  /// The logits of every sample of `data` (labels ignored), row-major
  /// [N, classes], computed by the compiled @eval_step.
  std::vector<float> predict(const Dataset &data);
  /// The same for raw samples of the model's input shape, back to back.
  std::vector<float> predict(const std::vector<float> &samples);

  /// Checkpoints: parameters, optimizer state, epoch, step and seed.
  void save(const std::string &path) const;
  void load(const std::string &path);

  /// Writes what `kiln-compile --train --emit=obj,header,exe -o DIR/NAME`
  /// writes for this model: NAME.o, NAME.h and the executable NAME (with
  /// train/eval commands), plus NAME.kiln.mlir, the model function.
  void emit(const std::string &dir) const;

  /// Writes the inference graph as an ONNX model (opset 17): input "x",
  /// output "logits", the current parameters as initializers. Dim 0 of
  /// both is the symbolic "batch" when the graph does not depend on the
  /// batch (checked by exporting at two), else fixed at `batch`. Every
  /// layer whose ops have ONNX equivalents exports (composite layers as
  /// their primitive ops); another throws Error naming the layer and op.
  void exportOnnx(const std::string &path, int64_t batch = 1) const;

  /// Trainer tensors ("param:NAME", "state:NAME.SLOT") and their values.
  std::vector<std::string> tensorNames() const;
  std::vector<float> tensor(const std::string &name) const;
  void setTensor(const std::string &name, const std::vector<float> &values);

protected:
  explicit Model(std::string name);
  Tensor input, output;

private:
  struct Compiled;
  Compiled &requireCompiled(const char *what) const;

  std::string modelName;
  std::unique_ptr<Compiled> compiled;
};

/// A stack of single-input layers; each add() checks the layer against the
/// current output shape at once.
class Sequential : public Model {
public:
  explicit Sequential(const Shape &inputShape, int64_t batch = 1,
                      std::string name = "sequential");
  Sequential &add(LayerRef layer);

private:
  std::map<std::string, int> layerCounts;
};

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_MODEL_H
