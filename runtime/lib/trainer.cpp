//===- trainer.cpp - running compiled training steps over datasets -------===//
//
// Drives @train_step and @eval_step through the module table: the layout of
// their arguments is read from the argument names kiln-build-train-step
// gives them ("param:W", "state:W.SLOT", "buffer:B", "step", "x", "y") and
// from the
// entry attributes (initializers). Nothing here knows the model.
//
//===----------------------------------------------------------------------===//

#include "internal.h"
#include "kiln/metrics.h"
#include "kiln/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace kiln::rt;

namespace {

bool startsWith(const std::string &s, const char *prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

std::string shapeText(const kiln_arg_info &a) {
  std::string s = std::string(kiln_dtype_name(a.dtype)) + "[";
  for (int32_t i = 0; i < a.rank; ++i)
    s += (i ? "x" : "") + std::to_string(a.shape[i]);
  return s + "]";
}

/// The `key=value` lines of an entry's attributes.
std::map<std::string, std::string> attributes(const kiln_entry_info &e) {
  std::map<std::string, std::string> out;
  std::string text = e.attributes ? e.attributes : "";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    size_t eq = line.find('=');
    if (eq != std::string::npos)
      out[line.substr(0, eq)] = line.substr(eq + 1);
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

/// An entry point with its arguments bound to buffers: a call is one
/// `packed(args)`, and the arena is allocated once.
struct Bound {
  const kiln_entry_info *entry = nullptr;
  std::vector<void *> args;
  std::vector<kiln_tensor> outputs;
  kiln_arena *arena = nullptr;

  Bound() = default;
  Bound(const Bound &) = delete;
  ~Bound() {
    for (kiln_tensor &t : outputs)
      kiln_tensor_free(&t);
    kiln_arena_destroy(arena);
  }
  kiln_status bind(const kiln_entry_info *e) {
    entry = e;
    args.assign(e->num_inputs + e->num_outputs + 1, nullptr);
    outputs.resize(e->num_outputs);
    for (int32_t i = 0; i < e->num_outputs; ++i) {
      const kiln_arg_info &a = e->args[e->num_inputs + i];
      if (kiln_status s =
              kiln_tensor_alloc(&outputs[i], a.dtype, a.rank, a.shape))
        return s;
      args[e->num_inputs + i] = outputs[i].data;
    }
    if (e->arena_size > 0) {
      arena = kiln_arena_create(static_cast<size_t>(e->arena_size), 64);
      if (!arena)
        return fail(KILN_ERROR_OUT_OF_MEMORY,
                    "%s: cannot allocate its %lld-byte arena", e->name,
                    (long long)e->arena_size);
      args.back() = kiln_arena_base(arena);
    }
    return KILN_OK;
  }
  int32_t input(const char *name) const {
    for (int32_t i = 0; i < entry->num_inputs; ++i)
      if (std::strcmp(entry->args[i].name, name) == 0)
        return i;
    return -1;
  }
  int32_t output(const char *name) const {
    for (int32_t i = 0; i < entry->num_outputs; ++i)
      if (std::strcmp(entry->args[entry->num_inputs + i].name, name) == 0)
        return i;
    return -1;
  }
  void call() { entry->packed(args.data()); }
};

} // namespace

struct kiln_trainer {
  const kiln_entry_info *trainEntry = nullptr, *evalEntry = nullptr;
  // "param:W", "state:W.SLOT" and "buffer:B" (state of the model that
  // train_step updates without gradients, e.g. running statistics).
  std::vector<std::string> names;
  std::vector<kiln_tensor> tensors;
  int64_t batch = 0, features = 0, classes = 0;
  bool oneHotTargets = false; // y is [N, C] floats rather than labels
  const kiln_arg_info *x = nullptr, *y = nullptr;
  Bound train, eval;
  kiln_tensor targets = {}, step = {};
  int32_t xTrain = -1, yTrain = -1, xEval = -1, yEval = -1, loss = -1;
  int64_t epoch = 0, steps = 0;
  uint64_t seed = 0;

  ~kiln_trainer() {
    for (kiln_tensor &t : tensors)
      kiln_tensor_free(&t);
    kiln_tensor_free(&targets);
    kiln_tensor_free(&step);
  }

  kiln_status describe(const kiln_module_info *module);
  kiln_status initialize();
  /// Fills the targets buffer from batch labels; padding (-1) becomes
  /// class 0, whose loss the caller leaves out.
  void setTargets(const int64_t *labels) {
    if (oneHotTargets) {
      auto *rows = static_cast<float *>(targets.data);
      std::fill(rows, rows + batch * classes, 0.0f);
      for (int64_t r = 0; r < batch; ++r)
        rows[r * classes + std::max<int64_t>(labels[r], 0)] = 1.0f;
    } else {
      auto *out = static_cast<int64_t *>(targets.data);
      for (int64_t r = 0; r < batch; ++r)
        out[r] = std::max<int64_t>(labels[r], 0);
    }
  }
};

kiln_status kiln_trainer::describe(const kiln_module_info *module) {
  trainEntry = kiln_find_entry(module, "train_step");
  evalEntry = kiln_find_entry(module, "eval_step");
  if (!trainEntry || !evalEntry)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "this model has no training step (compile it with "
                "kiln-compile --train)");
  for (int32_t i = 0; i < trainEntry->num_inputs; ++i) {
    const kiln_arg_info &a = trainEntry->args[i];
    std::string name = a.name;
    if (startsWith(name, "param:") || startsWith(name, "state:") ||
        startsWith(name, "buffer:")) {
      names.push_back(name);
      kiln_tensor t = {};
      if (kiln_status s = kiln_tensor_alloc(&t, a.dtype, a.rank, a.shape))
        return s;
      tensors.push_back(t);
    } else if (name == "x") {
      x = &a;
    } else if (name == "y") {
      y = &a;
    } else if (name != "step") {
      return fail(KILN_ERROR_UNSUPPORTED, "train_step: unknown input '%s'",
                  a.name);
    }
  }
  if (!x || !y || x->rank < 1 || x->dtype != KILN_FLOAT)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "train_step has no float input 'x' with a batch dimension");
  batch = x->shape[0];
  features = 1;
  for (int32_t i = 1; i < x->rank; ++i)
    features *= x->shape[i];
  const kiln_arg_info &l = evalEntry->args[evalEntry->num_inputs + 1];
  if (evalEntry->num_outputs != 2 || l.rank != 2 || l.shape[0] != batch)
    return fail(KILN_ERROR_UNSUPPORTED,
                "eval_step's logits are %s; training needs [batch, classes]",
                shapeText(l).c_str());
  classes = l.shape[1];
  if (y->dtype == KILN_INT64 && y->rank == 1)
    oneHotTargets = false;
  else if (y->dtype == KILN_FLOAT && y->rank == 2 && y->shape[1] == classes)
    oneHotTargets = true;
  else
    return fail(KILN_ERROR_UNSUPPORTED,
                "train_step's target y is %s; the trainer feeds class labels "
                "(int64[batch]) or one-hot rows (float32[batch x %lld])",
                shapeText(*y).c_str(), (long long)classes);
  kiln_status s;
  if ((s = train.bind(trainEntry)) || (s = eval.bind(evalEntry)) ||
      (s = kiln_tensor_alloc(&targets, y->dtype, y->rank, y->shape)) ||
      (s = kiln_tensor_alloc(&step, KILN_INT64, 0, nullptr)))
    return s;
  for (Bound *b : {&train, &eval})
    for (size_t i = 0; i < names.size(); ++i) {
      int32_t arg = b->input(names[i].c_str());
      if (arg >= 0)
        b->args[arg] = tensors[i].data;
    }
  xTrain = train.input("x");
  yTrain = train.input("y");
  xEval = eval.input("x");
  yEval = eval.input("y");
  loss = train.output("loss");
  int32_t stepArg = train.input("step");
  if (xEval < 0 || yEval < 0 || loss < 0 || stepArg < 0)
    return fail(KILN_ERROR_UNSUPPORTED,
                "train_step/eval_step lack an input x, y or step, or the "
                "output loss");
  train.args[stepArg] = step.data;
  train.args[yTrain] = targets.data;
  eval.args[yEval] = targets.data;
  return KILN_OK;
}

kiln_status kiln_trainer::initialize() {
  auto attrs = attributes(*trainEntry);
  for (size_t i = 0; i < names.size(); ++i) {
    kiln_tensor &t = tensors[i];
    std::memset(t.data, 0, kiln_tensor_nbytes(&t));
    bool param = startsWith(names[i], "param:");
    auto it = attrs.find("init." + names[i]);
    // Optimizer state starts at zero, and so do buffers without a kiln.init.
    if (!param && (!startsWith(names[i], "buffer:") || it == attrs.end()))
      continue;
    // Keras's defaults: Glorot uniform weights, zero biases.
    kiln_init_kind kind =
        t.rank >= 2 && param ? KILN_INIT_GLOROT_UNIFORM : KILN_INIT_ZEROS;
    if (it != attrs.end() &&
        kiln_init_kind_from_name(it->second.c_str(), &kind) != KILN_OK)
      return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: unknown initializer '%s'",
                  names[i].c_str(), it->second.c_str());
    if (kiln_status s = kiln_init_tensor(&t, kind, seed * 1000003ULL + i))
      return s;
  }
  return KILN_OK;
}

extern "C" {

kiln_status kiln_trainer_create(const kiln_module_info *module, uint64_t seed,
                                kiln_trainer **out) {
  if (!module || !out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_trainer_create: NULL");
  *out = nullptr;
  auto *t = new (std::nothrow) kiln_trainer;
  if (!t)
    return fail(KILN_ERROR_OUT_OF_MEMORY, "kiln_trainer_create: no memory");
  t->seed = seed;
  kiln_status s = t->describe(module);
  if (!s)
    s = t->initialize();
  if (s) {
    delete t;
    return s;
  }
  *out = t;
  return KILN_OK;
}

void kiln_trainer_destroy(kiln_trainer *t) { delete t; }

int64_t kiln_trainer_batch_size(const kiln_trainer *t) { return t->batch; }
int64_t kiln_trainer_num_classes(const kiln_trainer *t) { return t->classes; }
int64_t kiln_trainer_epoch(const kiln_trainer *t) { return t->epoch; }
int64_t kiln_trainer_step(const kiln_trainer *t) { return t->steps; }
uint64_t kiln_trainer_seed(const kiln_trainer *t) { return t->seed; }
int32_t kiln_trainer_num_tensors(const kiln_trainer *t) {
  return static_cast<int32_t>(t->names.size());
}
const char *kiln_trainer_tensor_name(const kiln_trainer *t, int32_t i) {
  return i >= 0 && i < kiln_trainer_num_tensors(t) ? t->names[i].c_str()
                                                   : nullptr;
}
kiln_tensor *kiln_trainer_tensor(kiln_trainer *t, int32_t i) {
  return i >= 0 && i < kiln_trainer_num_tensors(t) ? &t->tensors[i] : nullptr;
}

kiln_status kiln_trainer_check_dataset(const kiln_trainer *t,
                                       const kiln_dataset *ds,
                                       const char *what) {
  int64_t n = kiln_dataset_size(ds);
  if (n < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: not a valid dataset", what);
  int64_t perSample = n ? kiln_tensor_numel(&ds->features) / n : t->features;
  if (perSample != t->features)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s has %lld values per sample but the model's input takes "
                "%lld (%s)",
                what, (long long)perSample, (long long)t->features,
                shapeText(*t->x).c_str());
  auto *labels = static_cast<const int64_t *>(ds->labels.data);
  for (int64_t i = 0; i < n; ++i)
    if (labels[i] < 0 || labels[i] >= t->classes)
      return fail(KILN_ERROR_INVALID_ARGUMENT,
                  "%s: label %lld of sample %lld is not below the "
                  "model's %lld classes",
                  what, (long long)labels[i], (long long)i,
                  (long long)t->classes);
  return KILN_OK;
}

kiln_status kiln_trainer_train_epoch(kiln_trainer *t, const kiln_dataset *ds,
                                     kiln_progress *progress,
                                     kiln_epoch_record *r) {
  if (kiln_status s = kiln_trainer_check_dataset(t, ds, "the training set"))
    return s;
  if (kiln_dataset_size(ds) < t->batch)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%lld training samples do not fill one batch of %lld",
                (long long)kiln_dataset_size(ds), (long long)t->batch);
  kiln_batch_options opts = {t->batch, KILN_LAST_BATCH_DROP, 1, t->seed};
  kiln_batcher *batcher = kiln_batcher_create(ds, &opts);
  if (!batcher)
    return KILN_ERROR;
  kiln_status s = kiln_batcher_set_epoch(batcher, t->epoch);
  int64_t batches = kiln_batcher_num_batches(batcher);
  if (!s && progress)
    s = kiln_progress_begin_epoch(progress, t->epoch + 1);
  auto *stepValue = static_cast<int64_t *>(t->step.data);
  auto *loss = static_cast<const float *>(t->train.outputs[t->loss].data);
  double lossSum = 0;
  auto start = std::chrono::steady_clock::now();
  for (int64_t b = 0; b < batches && !s; ++b) {
    kiln_tensor x, y;
    if ((s = kiln_batcher_get(batcher, b, &x, &y, nullptr)))
      break;
    t->train.args[t->xTrain] = x.data;
    t->setTargets(static_cast<const int64_t *>(y.data));
    *stepValue = t->steps++;
    t->train.call();
    lossSum += *loss;
    if (!std::isfinite(*loss))
      s = fail(KILN_ERROR,
               "epoch %lld, batch %lld: the training loss is %f "
               "(the step diverged; try a smaller learning rate)",
               (long long)t->epoch + 1, (long long)b + 1, *loss);
    else if (progress)
      s = kiln_progress_update(progress, b + 1, lossSum / (b + 1), NAN);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  kiln_batcher_destroy(batcher);
  if (s)
    return s;
  ++t->epoch;
  *r = {t->epoch, lossSum / batches,           NAN, NAN, NAN,
        seconds,  batches * t->batch / seconds};
  return KILN_OK;
}

kiln_status kiln_trainer_evaluate(kiln_trainer *t, const kiln_dataset *ds,
                                  double *loss, double *accuracy,
                                  int64_t *predictions) {
  if (kiln_status s = kiln_trainer_check_dataset(t, ds, "the evaluation set"))
    return s;
  kiln_batch_options opts = {t->batch, KILN_LAST_BATCH_PAD, 0, 0};
  kiln_batcher *batcher = kiln_batcher_create(ds, &opts);
  if (!batcher)
    return KILN_ERROR;
  auto *losses = static_cast<const float *>(t->eval.outputs[0].data);
  auto *logits = static_cast<const float *>(t->eval.outputs[1].data);
  double lossSum = 0;
  int64_t correct = 0, n = 0;
  kiln_status s = KILN_OK;
  std::vector<int64_t> predicted(t->batch);
  for (int64_t b = 0; b < kiln_batcher_num_batches(batcher) && !s; ++b) {
    kiln_tensor x, y;
    int64_t valid = 0;
    if ((s = kiln_batcher_get(batcher, b, &x, &y, &valid)))
      break;
    t->eval.args[t->xEval] = x.data;
    auto *labels = static_cast<const int64_t *>(y.data);
    t->setTargets(labels);
    t->eval.call();
    if ((s = kiln_argmax_rows(logits, valid, t->classes, predicted.data())))
      break;
    for (int64_t r = 0; r < valid; ++r, ++n) {
      lossSum += losses[r];
      correct += predicted[r] == labels[r];
      if (predictions)
        predictions[n] = predicted[r];
    }
  }
  kiln_batcher_destroy(batcher);
  if (s)
    return s;
  if (loss)
    *loss = n ? lossSum / n : 0;
  if (accuracy)
    *accuracy = n ? double(correct) / n : 0;
  return KILN_OK;
}

kiln_status kiln_trainer_save(const kiln_trainer *t, const char *path) {
  std::vector<char *> names;
  for (const std::string &n : t->names)
    names.push_back(const_cast<char *>(n.c_str()));
  kiln_checkpoint c = {
      t->epoch,     t->steps,
      t->seed,      static_cast<int32_t>(t->names.size()),
      names.data(), const_cast<kiln_tensor *>(t->tensors.data())};
  return kiln_checkpoint_save(path, &c);
}

kiln_status kiln_trainer_load(kiln_trainer *t, const char *path) {
  kiln_checkpoint c;
  if (kiln_status s = kiln_checkpoint_load(path, &c))
    return s;
  // Check everything before changing anything: a failed load leaves the
  // trainer as it was.
  kiln_status s = KILN_OK;
  std::vector<const kiln_tensor *> saved(t->names.size());
  for (size_t i = 0; i < t->names.size() && !s; ++i) {
    saved[i] = kiln_checkpoint_find(&c, t->names[i].c_str());
    const kiln_tensor &have = t->tensors[i];
    bool same = saved[i] && saved[i]->dtype == have.dtype &&
                saved[i]->rank == have.rank;
    for (int32_t d = 0; same && d < have.rank; ++d)
      same = saved[i]->shape[d] == have.shape[d];
    if (!saved[i])
      s = fail(KILN_ERROR_INVALID_ARGUMENT,
               "checkpoint '%s' has no '%s' (was it written by another "
               "model or optimizer?)",
               path, t->names[i].c_str());
    else if (!same)
      s = fail(KILN_ERROR_INVALID_ARGUMENT,
               "checkpoint '%s': '%s' has another dtype or shape than this "
               "model's",
               path, t->names[i].c_str());
  }
  if (!s) {
    for (size_t i = 0; i < t->names.size(); ++i)
      std::memcpy(t->tensors[i].data, saved[i]->data,
                  kiln_tensor_nbytes(&t->tensors[i]));
    t->epoch = c.epoch;
    t->steps = c.step;
    t->seed = c.seed;
  }
  kiln_checkpoint_free(&c);
  return s;
}

} // extern "C"
