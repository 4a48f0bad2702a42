//===- train.cpp - the train and eval commands of compiled executables ---===//
//
// Drives @train_step and @eval_step through the module table: the layout of
// their arguments is read from the argument names kiln-build-train-step
// gives them ("param:W", "state:W.SLOT", "step", "x", "y") and from the
// entry attributes (initializers). Nothing here knows the model.
//
//===----------------------------------------------------------------------===//

#include "kiln/train.h"
#include "internal.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <sys/stat.h>
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

int64_t numel(const kiln_arg_info &a) {
  int64_t n = 1;
  for (int32_t i = 0; i < a.rank; ++i)
    n *= a.shape[i];
  return n;
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

bool initKind(const std::string &name, kiln_init_kind &kind) {
  static const std::pair<const char *, kiln_init_kind> kinds[] = {
      {"zeros", KILN_INIT_ZEROS},
      {"ones", KILN_INIT_ONES},
      {"glorot_uniform", KILN_INIT_GLOROT_UNIFORM},
      {"glorot_normal", KILN_INIT_GLOROT_NORMAL},
      {"he_uniform", KILN_INIT_HE_UNIFORM},
      {"he_normal", KILN_INIT_HE_NORMAL}};
  for (auto &[n, k] : kinds)
    if (name == n) {
      kind = k;
      return true;
    }
  return false;
}

/// A dataset: images as floats in [0, 1], one row per sample, and labels.
struct Dataset {
  std::vector<float> x;
  std::vector<int64_t> labels;
  int64_t count = 0, features = 0;
};

/// `DIR/NAME`, or `DIR/NAME.gz` when only that exists.
std::string dataFile(const std::string &dir, const char *name) {
  std::string path = dir + "/" + name;
  struct stat st;
  if (stat(path.c_str(), &st) != 0 && stat((path + ".gz").c_str(), &st) == 0)
    return path + ".gz";
  return path;
}

/// Reads one IDX image file and its label file (`prefix` is "train" or
/// "t10k"), checking that they agree with each other and with the model.
kiln_status loadSplit(const std::string &dir, const char *prefix,
                      int64_t features, int64_t classes, int64_t limit,
                      Dataset &out) {
  std::string imagesPath =
      dataFile(dir, (std::string(prefix) + "-images-idx3-ubyte").c_str());
  std::string labelsPath =
      dataFile(dir, (std::string(prefix) + "-labels-idx1-ubyte").c_str());
  kiln_tensor images = {}, labels = {};
  kiln_status s = kiln_idx_read(imagesPath.c_str(), &images);
  if (!s)
    s = kiln_idx_read(labelsPath.c_str(), &labels);
  auto done = [&](kiln_status status) {
    kiln_tensor_free(&images);
    kiln_tensor_free(&labels);
    return status;
  };
  if (s)
    return done(s);
  if (images.dtype != KILN_UINT8 || images.rank < 2)
    return done(fail(KILN_ERROR_FORMAT,
                     "'%s': expected unsigned-byte images [N, H, W], got %s "
                     "of rank %d",
                     imagesPath.c_str(), kiln_dtype_name(images.dtype),
                     images.rank));
  if (labels.dtype != KILN_UINT8 || labels.rank != 1)
    return done(fail(KILN_ERROR_FORMAT,
                     "'%s': expected unsigned-byte labels [N], got %s of "
                     "rank %d",
                     labelsPath.c_str(), kiln_dtype_name(labels.dtype),
                     labels.rank));
  if (labels.shape[0] != images.shape[0])
    return done(fail(KILN_ERROR_FORMAT,
                     "'%s' has %lld labels but '%s' has %lld images",
                     labelsPath.c_str(), (long long)labels.shape[0],
                     imagesPath.c_str(), (long long)images.shape[0]));
  int64_t perImage =
      kiln_tensor_numel(&images) / std::max<int64_t>(images.shape[0], 1);
  if (perImage != features)
    return done(fail(KILN_ERROR_INVALID_ARGUMENT,
                     "'%s' has %lld values per image but the model's input "
                     "takes %lld per sample",
                     imagesPath.c_str(), (long long)perImage,
                     (long long)features));
  int64_t n = images.shape[0];
  if (limit > 0 && limit < n)
    n = limit;
  out.count = n;
  out.features = features;
  out.x.resize(n * features);
  out.labels.resize(n);
  auto *pixels = static_cast<const uint8_t *>(images.data);
  for (int64_t i = 0; i < n * features; ++i)
    out.x[i] = pixels[i] * (1.0f / 255.0f);
  auto *l = static_cast<const uint8_t *>(labels.data);
  for (int64_t i = 0; i < n; ++i) {
    if (l[i] >= classes)
      return done(fail(KILN_ERROR_FORMAT,
                       "'%s': label %d of sample %lld is not below the "
                       "model's %lld classes",
                       labelsPath.c_str(), l[i], (long long)i,
                       (long long)classes));
    out.labels[i] = l[i];
  }
  return done(KILN_OK);
}

/// An entry point with its arguments bound to buffers: a call is one
/// `packed(args)`, and the arena is allocated once.
struct Bound {
  const kiln_entry_info *entry = nullptr;
  std::vector<void *> args;
  std::vector<kiln_tensor> outputs;
  kiln_arena *arena = nullptr;

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

/// The training state: parameters and optimizer state by name, in the
/// order train_step takes them.
struct Model {
  const kiln_module_info *module = nullptr;
  const kiln_entry_info *train = nullptr, *eval = nullptr;
  std::vector<std::string> names; // "param:W" and "state:W.SLOT"
  std::vector<kiln_tensor> tensors;
  int64_t batch = 0, features = 0, classes = 0;
  bool oneHotTargets = false; // y is [N, C] floats rather than labels
  const kiln_arg_info *x = nullptr, *y = nullptr;

  ~Model() {
    for (kiln_tensor &t : tensors)
      kiln_tensor_free(&t);
  }
};

kiln_status describe(const kiln_module_info *module, Model &m) {
  m.module = module;
  m.train = kiln_find_entry(module, "train_step");
  m.eval = kiln_find_entry(module, "eval_step");
  if (!m.train || !m.eval)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "this executable has no training step (compile the model "
                "with kiln-compile --train)");
  for (int32_t i = 0; i < m.train->num_inputs; ++i) {
    const kiln_arg_info &a = m.train->args[i];
    std::string name = a.name;
    if (startsWith(name, "param:") || startsWith(name, "state:")) {
      m.names.push_back(name);
      kiln_tensor t = {};
      if (kiln_status s = kiln_tensor_alloc(&t, a.dtype, a.rank, a.shape))
        return s;
      m.tensors.push_back(t);
    } else if (name == "x") {
      m.x = &a;
    } else if (name == "y") {
      m.y = &a;
    }
  }
  if (!m.x || !m.y || m.x->rank < 1 || m.x->dtype != KILN_FLOAT)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "train_step has no float input 'x' with a batch dimension");
  m.batch = m.x->shape[0];
  m.features = numel(*m.x) / std::max<int64_t>(m.batch, 1);
  int32_t logits = m.eval->num_inputs + 1;
  const kiln_arg_info &l = m.eval->args[logits];
  if (m.eval->num_outputs != 2 || l.rank != 2 || l.shape[0] != m.batch)
    return fail(KILN_ERROR_UNSUPPORTED,
                "eval_step's logits are %s; the train command needs [batch, "
                "classes]",
                shapeText(l).c_str());
  m.classes = l.shape[1];
  if (m.y->dtype == KILN_INT64 && m.y->rank == 1)
    m.oneHotTargets = false;
  else if (m.y->dtype == KILN_FLOAT && m.y->rank == 2 &&
           m.y->shape[1] == m.classes)
    m.oneHotTargets = true;
  else
    return fail(KILN_ERROR_UNSUPPORTED,
                "train_step's target y is %s; the train command feeds class "
                "labels (int64[batch]) or one-hot rows (float32[batch x %lld])",
                shapeText(*m.y).c_str(), (long long)m.classes);
  return KILN_OK;
}

/// Fresh parameters (each from its initializer, seeded by the seed and its
/// position) and zero optimizer state.
kiln_status initialize(Model &m, uint64_t seed) {
  auto attrs = attributes(*m.train);
  for (size_t i = 0; i < m.names.size(); ++i) {
    kiln_tensor &t = m.tensors[i];
    std::memset(t.data, 0, kiln_tensor_nbytes(&t));
    if (!startsWith(m.names[i], "param:"))
      continue;
    // Keras's defaults: Glorot uniform weights, zero biases.
    kiln_init_kind kind =
        t.rank >= 2 ? KILN_INIT_GLOROT_UNIFORM : KILN_INIT_ZEROS;
    auto it = attrs.find("init." + m.names[i]);
    if (it != attrs.end() && !initKind(it->second, kind))
      return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: unknown initializer '%s'",
                  m.names[i].c_str(), it->second.c_str());
    if (kiln_status s = kiln_init_tensor(&t, kind, seed * 1000003ULL + i))
      return s;
  }
  return KILN_OK;
}

kiln_status saveCheckpoint(const std::string &path, Model &m, int64_t epoch,
                           int64_t step, uint64_t seed) {
  std::vector<char *> names;
  for (std::string &n : m.names)
    names.push_back(n.data());
  kiln_checkpoint c = {epoch,        step,
                       seed,         static_cast<int32_t>(m.names.size()),
                       names.data(), m.tensors.data()};
  return kiln_checkpoint_save(path.c_str(), &c);
}

kiln_status loadCheckpoint(const std::string &path, Model &m, int64_t &epoch,
                           int64_t &step, uint64_t &seed) {
  kiln_checkpoint c;
  if (kiln_status s = kiln_checkpoint_load(path.c_str(), &c))
    return s;
  kiln_status s = KILN_OK;
  for (size_t i = 0; i < m.names.size() && !s; ++i) {
    const kiln_tensor *saved = kiln_checkpoint_find(&c, m.names[i].c_str());
    kiln_tensor &t = m.tensors[i];
    bool same = saved && saved->dtype == t.dtype && saved->rank == t.rank;
    for (int32_t d = 0; same && d < t.rank; ++d)
      same = saved->shape[d] == t.shape[d];
    if (!saved)
      s = fail(KILN_ERROR_INVALID_ARGUMENT,
               "checkpoint '%s' has no '%s' (was it written by another "
               "model or optimizer?)",
               path.c_str(), m.names[i].c_str());
    else if (!same)
      s = fail(KILN_ERROR_INVALID_ARGUMENT,
               "checkpoint '%s': '%s' has another dtype or shape than this "
               "model's",
               path.c_str(), m.names[i].c_str());
    else
      std::memcpy(t.data, saved->data, kiln_tensor_nbytes(&t));
  }
  epoch = c.epoch;
  step = c.step;
  seed = c.seed;
  kiln_checkpoint_free(&c);
  return s;
}

/// Binds the entry's "param:*" / "state:*" inputs to the model's tensors.
kiln_status bindState(Bound &b, Model &m) {
  for (size_t i = 0; i < m.names.size(); ++i) {
    int32_t arg = b.input(m.names[i].c_str());
    if (arg >= 0)
      b.args[arg] = m.tensors[i].data;
  }
  for (int32_t i = 0; i < b.entry->num_inputs; ++i)
    if (!b.args[i] && std::strcmp(b.entry->args[i].name, "x") != 0 &&
        std::strcmp(b.entry->args[i].name, "y") != 0 &&
        std::strcmp(b.entry->args[i].name, "step") != 0)
      return fail(KILN_ERROR_UNSUPPORTED, "%s: unknown input '%s'",
                  b.entry->name, b.entry->args[i].name);
  return KILN_OK;
}

/// Copies samples order[first .. first+batch) into x and y; past the end of
/// `order` it repeats the last sample (eval's padded last batch).
void gather(const Model &m, const Dataset &d, const std::vector<int64_t> &order,
            int64_t first, float *x, void *y) {
  for (int64_t r = 0; r < m.batch; ++r) {
    int64_t k = std::min<int64_t>(first + r, order.size() - 1);
    int64_t i = order[k];
    std::memcpy(x + r * m.features, d.x.data() + i * m.features,
                m.features * sizeof(float));
    if (m.oneHotTargets) {
      float *row = static_cast<float *>(y) + r * m.classes;
      std::fill(row, row + m.classes, 0.0f);
      row[d.labels[i]] = 1.0f;
    } else {
      static_cast<int64_t *>(y)[r] = d.labels[i];
    }
  }
}

struct Evaluation {
  double loss = 0, accuracy = 0;
};

/// Mean per-sample loss and accuracy over the whole set, the last batch
/// padded and its padding left out.
Evaluation evaluate(Model &m, Bound &eval, const Dataset &d, float *x,
                    void *y) {
  std::vector<int64_t> order(d.count);
  for (int64_t i = 0; i < d.count; ++i)
    order[i] = i;
  double lossSum = 0;
  int64_t correct = 0;
  auto *losses = static_cast<const float *>(eval.outputs[0].data);
  auto *logits = static_cast<const float *>(eval.outputs[1].data);
  for (int64_t first = 0; first < d.count; first += m.batch) {
    gather(m, d, order, first, x, y);
    eval.call();
    int64_t valid = std::min<int64_t>(m.batch, d.count - first);
    for (int64_t r = 0; r < valid; ++r) {
      lossSum += losses[r];
      const float *row = logits + r * m.classes;
      int64_t best = std::max_element(row, row + m.classes) - row;
      correct += best == d.labels[first + r];
    }
  }
  Evaluation e;
  e.loss = d.count ? lossSum / d.count : 0;
  e.accuracy = d.count ? double(correct) / d.count : 0;
  return e;
}

void usage(const char *prog) {
  std::fprintf(
      stderr,
      "usage: %s train --data DIR [--epochs N] [--checkpoint FILE] "
      "[--seed S] [--threads N] [--limit N]\n"
      "       %s eval --data DIR --checkpoint FILE [--limit N]\n"
      "DIR holds MNIST-style IDX files (train-images-idx3-ubyte, "
      "train-labels-idx1-ubyte,\nt10k-images-idx3-ubyte, "
      "t10k-labels-idx1-ubyte, each optionally .gz). train runs until N\n"
      "epochs (default 1) are complete, resuming from FILE when it exists "
      "and saving it\nafter every epoch. --limit uses the first N samples "
      "of each split.\n",
      prog, prog);
}

bool parseInt(const char *text, int64_t &out) {
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(text, &end, 10);
  if (errno || !end || *end || end == text)
    return false;
  out = v;
  return true;
}

} // namespace

extern "C" int kiln_train_main(int argc, char **argv,
                               const kiln_module_info *module) {
  const char *prog = "NAME";
  std::string command = argc > 0 ? argv[0] : "";
  std::string dataDir, checkpoint;
  int64_t epochs = 1, seed = 0, threads = 0, limit = 0;
  bool seedGiven = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
        return nullptr;
      }
      return argv[++i];
    };
    auto integer = [&](int64_t &out, int64_t min) {
      const char *v = value();
      if (!v)
        return false;
      if (!parseInt(v, out) || out < min) {
        std::fprintf(stderr, "error: %s expects an integer >= %lld, got '%s'\n",
                     a.c_str(), (long long)min, v);
        return false;
      }
      return true;
    };
    if (a == "--help" || a == "-h") {
      usage(prog);
      return 0;
    } else if (a == "--data") {
      const char *v = value();
      if (!v)
        return 2;
      dataDir = v;
    } else if (a == "--checkpoint") {
      const char *v = value();
      if (!v)
        return 2;
      checkpoint = v;
    } else if (a == "--epochs") {
      if (!integer(epochs, 1))
        return 2;
    } else if (a == "--seed") {
      if (!integer(seed, 0))
        return 2;
      seedGiven = true;
    } else if (a == "--threads") {
      if (!integer(threads, 1))
        return 2;
    } else if (a == "--limit") {
      if (!integer(limit, 1))
        return 2;
    } else {
      std::fprintf(stderr, "error: unknown option '%s' for %s\n", a.c_str(),
                   command.c_str());
      usage(prog);
      return 2;
    }
  }
  if (command != "train" && command != "eval") {
    usage(prog);
    return 2;
  }
  if (dataDir.empty()) {
    std::fprintf(stderr, "error: %s needs --data DIR\n", command.c_str());
    return 2;
  }
  if (command == "eval" && checkpoint.empty()) {
    std::fprintf(stderr, "error: eval needs --checkpoint FILE (the "
                         "parameters to evaluate)\n");
    return 2;
  }
  // libomp reads this when the first parallel loop starts, which is later.
  if (threads > 0)
    setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);

  auto error = [](const char *what) {
    std::fprintf(stderr, "error: %s%s\n", what, kiln_last_error());
    return 1;
  };
  Model m;
  if (describe(module, m))
    return error("");
  Dataset trainSet, testSet;
  if (command == "train" &&
      loadSplit(dataDir, "train", m.features, m.classes, limit, trainSet))
    return error("");
  if (loadSplit(dataDir, "t10k", m.features, m.classes, limit, testSet))
    return error("");
  if (command == "train" && trainSet.count < m.batch) {
    std::fprintf(stderr,
                 "error: %lld training samples do not fill one batch of "
                 "%lld\n",
                 (long long)trainSet.count, (long long)m.batch);
    return 1;
  }

  int64_t epoch = 0, step = 0;
  uint64_t usedSeed = static_cast<uint64_t>(seed);
  struct stat st;
  bool resume = !checkpoint.empty() && stat(checkpoint.c_str(), &st) == 0;
  if (resume) {
    uint64_t savedSeed = 0;
    if (loadCheckpoint(checkpoint, m, epoch, step, savedSeed))
      return error("");
    if (seedGiven && savedSeed != usedSeed)
      std::fprintf(stderr,
                   "warning: --seed %llu ignored: the checkpoint continues "
                   "with seed %llu\n",
                   (unsigned long long)usedSeed, (unsigned long long)savedSeed);
    usedSeed = savedSeed;
  } else if (command == "eval") {
    std::fprintf(stderr, "error: checkpoint '%s' does not exist\n",
                 checkpoint.c_str());
    return 1;
  } else if (initialize(m, usedSeed)) {
    return error("");
  }

  Bound train, eval;
  if (train.bind(m.train) || eval.bind(m.eval) || bindState(train, m) ||
      bindState(eval, m))
    return error("");
  kiln_tensor xBatch = {}, yBatch = {}, stepTensor = {};
  if (kiln_tensor_alloc(&xBatch, m.x->dtype, m.x->rank, m.x->shape) ||
      kiln_tensor_alloc(&yBatch, m.y->dtype, m.y->rank, m.y->shape) ||
      kiln_tensor_alloc(&stepTensor, KILN_INT64, 0, nullptr))
    return error("");
  auto freeBatches = [&]() {
    kiln_tensor_free(&xBatch);
    kiln_tensor_free(&yBatch);
    kiln_tensor_free(&stepTensor);
  };
  for (Bound *b : {&train, &eval}) {
    b->args[b->input("x")] = xBatch.data;
    b->args[b->input("y")] = yBatch.data;
  }
  int32_t stepArg = train.input("step");
  int32_t lossOut = train.output("loss");
  if (stepArg < 0 || lossOut < 0) {
    freeBatches();
    std::fprintf(stderr, "error: train_step has no 'step' input or 'loss' "
                         "output\n");
    return 1;
  }
  train.args[stepArg] = stepTensor.data;
  auto *x = static_cast<float *>(xBatch.data);

  if (command == "eval") {
    Evaluation e = evaluate(m, eval, testSet, x, yBatch.data);
    std::printf("test: %lld samples, loss %.4f, accuracy %.2f%%\n",
                (long long)testSet.count, e.loss, 100 * e.accuracy);
    freeBatches();
    return 0;
  }

  if (resume)
    std::printf("resuming from '%s' after epoch %lld (step %lld)\n",
                checkpoint.c_str(), (long long)epoch, (long long)step);
  if (epoch >= epochs)
    std::printf("already trained for %lld epochs; nothing to do\n",
                (long long)epoch);
  int64_t batches = trainSet.count / m.batch; // a last partial one is dropped
  std::vector<int64_t> order(trainSet.count);
  auto *stepValue = static_cast<int64_t *>(stepTensor.data);
  auto *loss = static_cast<const float *>(train.outputs[lossOut].data);
  for (; epoch < epochs; ++epoch) {
    // Each epoch's order depends only on the seed and the epoch, so a
    // resumed run sees the batches an uninterrupted one would.
    if (kiln_shuffle_indices(order.data(), trainSet.count,
                             usedSeed * 0x9e3779b97f4a7c15ULL + epoch)) {
      freeBatches();
      return error("");
    }
    double lossSum = 0;
    auto start = std::chrono::steady_clock::now();
    for (int64_t b = 0; b < batches; ++b) {
      gather(m, trainSet, order, b * m.batch, x, yBatch.data);
      *stepValue = step++;
      train.call();
      lossSum += *loss;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    double trainLoss = batches ? lossSum / batches : 0;
    if (!std::isfinite(trainLoss)) {
      freeBatches();
      std::fprintf(stderr,
                   "error: epoch %lld: the training loss is %f (try a "
                   "smaller learning rate)\n",
                   (long long)epoch + 1, trainLoss);
      return 1;
    }
    Evaluation e = evaluate(m, eval, testSet, x, yBatch.data);
    std::printf("epoch %lld/%lld: loss %.4f, test loss %.4f, test accuracy "
                "%.2f%%, %.0f samples/s\n",
                (long long)epoch + 1, (long long)epochs, trainLoss, e.loss,
                100 * e.accuracy, batches * m.batch / seconds);
    std::fflush(stdout);
    if (!checkpoint.empty() &&
        saveCheckpoint(checkpoint, m, epoch + 1, step, usedSeed)) {
      freeBatches();
      return error("");
    }
  }
  freeBatches();
  return 0;
}
