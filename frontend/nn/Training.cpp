//===- Training.cpp - compile, fit, evaluate, predict, save, emit
//----------===//
//
// compile() is kiln-compile --train in process: the one Pipeline, an object
// file, a shared object linked by codegen/Artifacts, dlopen. The loaded
// module's kiln_module_table goes to the runtime's kiln_trainer, which
// owns the parameters and optimizer state; everything after compile() is
// calls into it or into the compiled @eval_step.
//
//===----------------------------------------------------------------------===//

#include "frontend/nn/CompiledModel.h"

#include "codegen/Artifacts.h"
#include "codegen/Pipeline.h"
#include "kiln/driver.h"
#include "kiln/train.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <unistd.h>

using namespace mlir;

namespace kiln::nn {

Model::~Model() = default;

namespace {

/// kiln-build-train-step's options from the loss and "NAME:key=value,...",
/// as kiln-compile --optimizer reads them.
std::string trainStepOptions(const CompileOptions &o) {
  std::string loss = o.loss;
  if (loss == "sparse_categorical_crossentropy" || loss == "cross_entropy")
    loss = "softmax_cross_entropy";
  if (loss != "softmax_cross_entropy" && loss != "nll")
    throw Error("compile: loss must be softmax_cross_entropy (or "
                "sparse_categorical_crossentropy) or nll, got '" +
                o.loss + "': the trainer's data are class labels");
  llvm::StringRef name = llvm::StringRef(o.optimizer).split(':').first;
  static const char *const optimizers[] = {
      "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"};
  if (!llvm::is_contained(optimizers, name))
    throw Error("compile: unknown optimizer '" + name.str() +
                "' (expected sgd, momentum, nesterov, adagrad, rmsprop, adam "
                "or adamw)");
  std::string text, error;
  if (!trainStepOptionsFromSpec(loss, o.optimizer, text, error))
    throw Error("compile: optimizer '" + o.optimizer + "': " + error);
  return text;
}

/// Collects the error diagnostics of a compilation as text.
class DiagnosticText {
public:
  explicit DiagnosticText(MLIRContext &ctx)
      : handler(&ctx, [this](Diagnostic &diag) {
          if (diag.getSeverity() == DiagnosticSeverity::Error) {
            llvm::raw_string_ostream os(text);
            os << diag.getLocation() << ": " << diag.str() << "\n";
          }
          return success();
        }) {}
  std::string text;

private:
  ScopedDiagnosticHandler handler;
};

kiln_tensor *findTensor(kiln_trainer *t, const std::string &name) {
  for (int32_t i = 0; i < kiln_trainer_num_tensors(t); ++i)
    if (name == kiln_trainer_tensor_name(t, i))
      return kiln_trainer_tensor(t, i);
  return nullptr;
}

} // namespace

Model::Compiled &Model::requireCompiled(const char *what) const {
  if (!compiled)
    throw Error(std::string(what) + ": model '" + modelName +
                "' is not compiled; call compile() first");
  return *compiled;
}

void Model::compile(const CompileOptions &options) {
  for (const std::string &m : options.metrics)
    if (m != "accuracy" && m != "loss" && m != "precision" && m != "recall" &&
        m != "f1")
      throw Error("compile: unknown metric '" + m +
                  "' (expected accuracy, loss, precision, recall or f1)");
  if (options.batch < 0)
    throw Error("compile: batch must be >= 1, got " +
                std::to_string(options.batch));
  if (outputShape().size() != 2)
    throw Error("compile: a classifier's output must be [batch, classes], "
                "got " +
                formatShape(outputShape()) + "; add Flatten or pooling");
  auto c = std::make_unique<Compiled>();
  c->options = options;
  c->trainStepOptions = trainStepOptions(options);

  DialectRegistry registry;
  Pipeline::registerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  DiagnosticText diagnostics(context);
  OwningOpRef<ModuleOp> module = emitModule(context, options.batch);
  {
    llvm::raw_string_ostream os(c->kilnSource);
    module->print(os);
  }

  kiln::CompileOptions pipelineOptions;
  pipelineOptions.optLevel = options.optLevel;
  pipelineOptions.threads = options.threads;
  pipelineOptions.train = true;
  pipelineOptions.trainStepOptions = c->trainStepOptions;
  Pipeline pipeline(pipelineOptions);
  auto fail = [&](const std::string &what) {
    return Error("compile: " + what + " for model '" + modelName + "':\n" +
                 diagnostics.text);
  };
  if (failed(pipeline.lowerToLLVMDialect(*module)))
    throw fail("lowering failed");
  llvm::LLVMContext llvmContext;
  auto llvmModule = pipeline.translateToLLVMIR(*module, llvmContext);
  if (!llvmModule)
    throw fail("translation to LLVM IR failed");
  c->entries = pipeline.entryPoints();

  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("kiln-nn", dir))
    throw Error("compile: cannot create a temporary directory");
  c->tempDir = dir.str().str();
  c->objectPath = c->tempDir + "/model.o";
  c->sharedPath = c->tempDir + "/libmodel.so";
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(c->objectPath, ec);
    std::string error;
    if (ec)
      throw Error("compile: cannot write " + c->objectPath + ": " +
                  ec.message());
    if (failed(pipeline.emitCode(*llvmModule, false, os, error)))
      throw Error("compile: code emission failed: " + error);
  }
  std::string error;
  if (!linkShared(c->objectPath, c->sharedPath, error))
    throw Error("compile: linking failed: " + error);
  // Every module defines kiln_module_table; each must bind to its own.
  c->handle =
      dlopen(c->sharedPath.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!c->handle)
    throw Error(std::string("compile: dlopen failed: ") + dlerror());
  c->module = static_cast<const kiln_module_info *>(
      dlsym(c->handle, "kiln_module_table"));
  if (!c->module)
    throw Error("compile: the compiled module has no kiln_module_table");
  if (options.threads > 0)
    kiln_set_num_threads(static_cast<int>(options.threads));
  if (kiln_trainer_create(c->module, options.seed, &c->trainer))
    throwRuntimeError("compile: model '" + modelName + "'");

  // Parameters whose initializer has a seed of its own.
  for (const auto &layer : layers())
    for (const ParamSpec &p : layer->params()) {
      if (!p.init.seed)
        continue;
      kiln_init_kind kind;
      kiln_tensor *t = findTensor(c->trainer, p.tensorName(layer->name()));
      if (!t ||
          kiln_init_kind_from_name(p.init.kind.c_str(), &kind) != KILN_OK ||
          kiln_init_tensor(t, kind, *p.init.seed))
        throwRuntimeError("compile: initializing " + layer->name() + "." +
                          p.name);
    }
  compiled = std::move(c);
}

int64_t Model::batchSize() const {
  return kiln_trainer_batch_size(requireCompiled("batchSize").trainer);
}

int64_t Model::numClasses() const {
  return kiln_trainer_num_classes(requireCompiled("numClasses").trainer);
}

History Model::fit(const Dataset &train, const FitOptions &options) {
  Compiled &c = requireCompiled("fit");
  if (options.epochs < 1)
    throw Error("fit: epochs must be >= 1, got " +
                std::to_string(options.epochs));
  if (kiln_trainer_check_dataset(c.trainer, train.get(), "fit: training data"))
    throwRuntimeError("fit");
  if (options.validation &&
      kiln_trainer_check_dataset(c.trainer, options.validation->get(),
                                 "fit: validation data"))
    throwRuntimeError("fit");
  int64_t batches = train.size() / kiln_trainer_batch_size(c.trainer);
  if (batches < 1)
    throw Error("fit: " + std::to_string(train.size()) +
                " training samples are less than one batch of " +
                std::to_string(kiln_trainer_batch_size(c.trainer)));
  if (!options.logDir.empty() &&
      llvm::sys::fs::create_directories(options.logDir))
    throw Error("fit: cannot create '" + options.logDir + "'");
  kiln_progress *bar = nullptr;
  if (options.verbose && isatty(fileno(stderr))) {
    kiln_progress_options p = {
        options.epochs,    batches, kiln_trainer_batch_size(c.trainer),
        KILN_PROGRESS_BAR, nullptr, nullptr};
    bar = kiln_progress_create(stderr, &p);
  }
  struct BarOwner {
    kiln_progress *p;
    ~BarOwner() { kiln_progress_destroy(p); }
  } owner{bar};

  History history;
  for (int64_t e = 0; e < options.epochs; ++e) {
    kiln_epoch_record r;
    if (kiln_trainer_train_epoch(c.trainer, train.get(), bar, &r))
      throwRuntimeError("fit");
    if (options.validation &&
        kiln_trainer_evaluate(c.trainer, options.validation->get(), &r.val_loss,
                              &r.val_accuracy, nullptr))
      throwRuntimeError("fit: validation");
    if (bar && kiln_progress_end_epoch(bar, &r))
      throwRuntimeError("fit");
    if (options.verbose) {
      std::printf("epoch %lld: loss %.4f", (long long)r.epoch, r.train_loss);
      if (options.validation)
        std::printf(", val loss %.4f, val accuracy %.2f%%", r.val_loss,
                    100 * r.val_accuracy);
      std::printf(", %.0f samples/s\n", r.samples_per_second);
      std::fflush(stdout);
    }
    history.epochs.push_back(r);
    if (!options.checkpoint.empty())
      save(options.checkpoint);
    if (!options.logDir.empty()) {
      // The curves are drawn from the whole CSV, earlier fits included.
      std::string csv = options.logDir + "/metrics.csv";
      std::string svg = options.logDir + "/curves.svg";
      int64_t count = 0;
      if (kiln_epoch_csv_append(csv.c_str(), &r) ||
          kiln_epoch_csv_read(csv.c_str(), nullptr, 0, &count))
        throwRuntimeError("fit: " + csv);
      std::vector<kiln_epoch_record> all(count);
      if (kiln_epoch_csv_read(csv.c_str(), all.data(), count, &count) ||
          kiln_plot_curves_svg(svg.c_str(), all.data(), count,
                               modelName.c_str()))
        throwRuntimeError("fit: " + svg);
    }
  }
  return history;
}

Evaluation Model::evaluate(const Dataset &data) {
  Compiled &c = requireCompiled("evaluate");
  if (kiln_trainer_check_dataset(c.trainer, data.get(), "evaluate: data"))
    throwRuntimeError("evaluate");
  int64_t n = data.size(), classes = kiln_trainer_num_classes(c.trainer);
  Evaluation e;
  e.predictions.resize(n);
  e.confusion.resize(classes * classes);
  e.perClass.resize(classes);
  kiln_classification_report report;
  if (kiln_trainer_evaluate(c.trainer, data.get(), &e.loss, &e.accuracy,
                            e.predictions.data()) ||
      kiln_confusion_matrix(data.labels(), e.predictions.data(), n, classes,
                            e.confusion.data()) ||
      kiln_classification_metrics(e.confusion.data(), classes,
                                  e.perClass.data(), &report))
    throwRuntimeError("evaluate");
  auto wanted = [&](const char *m) {
    return llvm::is_contained(c.options.metrics, m);
  };
  e.precision = wanted("precision") ? report.macro.precision : NAN;
  e.recall = wanted("recall") ? report.macro.recall : NAN;
  e.f1 = wanted("f1") ? report.macro.f1 : NAN;
  return e;
}

std::vector<float> Model::predict(const Dataset &data) {
  Shape sample = data.sampleShape();
  int64_t per = 1;
  for (int64_t d : sample)
    per *= d;
  const float *x = data.features();
  return predict(std::vector<float>(x, x + data.size() * per));
}

std::vector<float> Model::predict(const std::vector<float> &samples) {
  Compiled &c = requireCompiled("predict");
  const kiln_entry_info *entry = kiln_find_entry(c.module, "eval_step");
  if (!entry)
    throw Error("predict: the compiled module has no eval_step");
  int64_t batch = kiln_trainer_batch_size(c.trainer);
  int64_t classes = kiln_trainer_num_classes(c.trainer);
  int64_t per = 1;
  for (size_t i = 1; i < inputShape().size(); ++i)
    per *= inputShape()[i];
  if (samples.size() % per)
    throw Error("predict: " + std::to_string(samples.size()) +
                " values are not whole samples of " + std::to_string(per) +
                " (input " + formatShape(inputShape()) + ")");
  int64_t n = static_cast<int64_t>(samples.size()) / per;

  // The batch as @eval_step takes it: parameters from the trainer, x, and
  // labels it needs for the loss (ignored here). A last partial batch is
  // padded with zero samples, as kiln_trainer_evaluate pads, so that
  // predictions agree with evaluate's even where the batch's statistics
  // matter (BatchNorm).
  std::vector<float> xBuffer(batch * per);
  std::vector<int64_t> yBuffer(batch, 0);
  std::vector<kiln_tensor> inputs(entry->num_inputs);
  for (int32_t i = 0; i < entry->num_inputs; ++i) {
    const kiln_arg_info &a = entry->args[i];
    kiln_tensor &t = inputs[i];
    std::memset(&t, 0, sizeof t);
    t.dtype = a.dtype;
    t.rank = a.rank;
    for (int32_t d = 0; d < a.rank; ++d)
      t.shape[d] = a.shape[d];
    std::string name = a.name ? a.name : "";
    if (name == "x") {
      t.data = xBuffer.data();
    } else if (name == "y") {
      t.data = yBuffer.data();
    } else if (kiln_tensor *p = findTensor(c.trainer, name)) {
      t.data = p->data;
    } else {
      throw Error("predict: eval_step argument '" + name +
                  "' is no trainer tensor");
    }
  }
  std::vector<float> logits(n * classes);
  for (int64_t start = 0; start < n; start += batch) {
    int64_t count = std::min(batch, n - start);
    std::fill(xBuffer.begin(), xBuffer.end(), 0.0f);
    std::copy(samples.begin() + start * per,
              samples.begin() + (start + count) * per, xBuffer.begin());
    std::vector<kiln_tensor> outputs(entry->num_outputs);
    for (kiln_tensor &t : outputs)
      std::memset(&t, 0, sizeof t);
    if (kiln_run_entry(entry, inputs.data(), outputs.data()))
      throwRuntimeError("predict");
    const float *l = static_cast<const float *>(outputs[1].data);
    std::copy(l, l + count * classes, logits.begin() + start * classes);
    for (kiln_tensor &t : outputs)
      kiln_tensor_free(&t);
  }
  return logits;
}

void Model::save(const std::string &path) const {
  if (kiln_trainer_save(requireCompiled("save").trainer, path.c_str()))
    throwRuntimeError("save");
}

void Model::load(const std::string &path) {
  if (kiln_trainer_load(requireCompiled("load").trainer, path.c_str()))
    throwRuntimeError("load");
}

void Model::emit(const std::string &dir) const {
  Compiled &c = requireCompiled("emit");
  if (llvm::sys::fs::create_directories(dir))
    throw Error("emit: cannot create '" + dir + "'");
  std::string base = dir + "/" + modelName;
  auto write = [&](const std::string &path, const std::string &text) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      throw Error("emit: cannot write " + path + ": " + ec.message());
    os << text;
  };
  if (llvm::sys::fs::copy_file(c.objectPath, base + ".o"))
    throw Error("emit: cannot write " + base + ".o");
  write(base + ".h", generateHeader(modelName, c.entries));
  write(base + ".kiln.mlir", c.kilnSource);
  std::string error;
  if (!linkExecutable(c.objectPath, base, error))
    throw Error("emit: linking the executable failed: " + error);
}

std::vector<std::string> Model::tensorNames() const {
  kiln_trainer *t = requireCompiled("tensorNames").trainer;
  std::vector<std::string> names;
  for (int32_t i = 0; i < kiln_trainer_num_tensors(t); ++i)
    names.push_back(kiln_trainer_tensor_name(t, i));
  return names;
}

std::vector<float> Model::tensor(const std::string &name) const {
  kiln_tensor *t = findTensor(requireCompiled("tensor").trainer, name);
  if (!t)
    throw Error("tensor: model '" + modelName + "' has no tensor '" + name +
                "'");
  const float *p = static_cast<const float *>(t->data);
  return std::vector<float>(p, p + kiln_tensor_numel(t));
}

void Model::setTensor(const std::string &name,
                      const std::vector<float> &values) {
  kiln_tensor *t = findTensor(requireCompiled("setTensor").trainer, name);
  if (!t)
    throw Error("setTensor: model '" + modelName + "' has no tensor '" + name +
                "'");
  if (static_cast<int64_t>(values.size()) != kiln_tensor_numel(t))
    throw Error("setTensor: '" + name + "' has " +
                std::to_string(kiln_tensor_numel(t)) + " elements, got " +
                std::to_string(values.size()));
  std::copy(values.begin(), values.end(), static_cast<float *>(t->data));
}

} // namespace kiln::nn
