//===- train.cpp - the train and eval commands of compiled executables ---===//
//
// A command line around kiln_trainer (trainer.cpp): MNIST-style IDX data
// in, per-epoch lines, checkpoints, metrics CSV and curves out.
//
//===----------------------------------------------------------------------===//

#include "kiln/train.h"
#include "kiln/metrics.h"
#include "kiln/preprocess.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

bool exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

/// `DIR/NAME`, or `DIR/NAME.gz` when only that exists.
std::string dataFile(const std::string &dir, const std::string &name) {
  std::string path = dir + "/" + name;
  if (!exists(path) && exists(path + ".gz"))
    return path + ".gz";
  return path;
}

/// Reads `prefix`-images/labels from dir, scaled to [0, 1], the first
/// `limit` samples when limit > 0, and checks them against the model.
kiln_status loadSplit(const kiln_trainer *t, const std::string &dir,
                      const char *prefix, int64_t limit, kiln_dataset &out) {
  std::string images =
      dataFile(dir, std::string(prefix) + "-images-idx3-ubyte");
  std::string labels =
      dataFile(dir, std::string(prefix) + "-labels-idx1-ubyte");
  kiln_dataset all = {};
  kiln_status s = kiln_dataset_read_idx(images.c_str(), labels.c_str(), &all);
  if (!s && limit > 0 && limit < kiln_dataset_size(&all)) {
    std::vector<int64_t> first(limit);
    for (int64_t i = 0; i < limit; ++i)
      first[i] = i;
    s = kiln_dataset_gather(&all, first.data(), limit, &out);
    kiln_dataset_free(&all);
  } else if (!s) {
    out = all;
  }
  if (!s)
    s = kiln_scale_to_unit(&out.features, 255.0f);
  if (!s)
    s = kiln_trainer_check_dataset(t, &out, labels.c_str());
  return s;
}

void usage(const char *prog) {
  std::fprintf(
      stderr,
      "usage: %s train --data DIR [--epochs N] [--checkpoint FILE] "
      "[--restart] [--seed S]\n"
      "                [--threads N] [--limit N] [--log-dir DIR]\n"
      "       %s eval --data DIR [--checkpoint FILE] [--limit N] "
      "[--predictions FILE.npy]\n"
      "DIR holds MNIST-style IDX files (train-images-idx3-ubyte, "
      "train-labels-idx1-ubyte,\nt10k-images-idx3-ubyte, "
      "t10k-labels-idx1-ubyte, each optionally .gz); pixels are\nscaled to "
      "[0, 1]. train runs until N epochs (default 1) are complete, resuming "
      "from\nFILE (default NAME.ckpt) when it exists, unless --restart, and "
      "saving it after\nevery epoch. --limit "
      "uses the first N\nsamples of each split; --log-dir writes "
      "metrics.csv and curves.svg there;\n--predictions writes the predicted "
      "class of each test sample.\n",
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

int fail(const char *prefix = "") {
  std::fprintf(stderr, "error: %s%s\n", prefix, kiln_last_error());
  return 1;
}

/// eval's report: loss, accuracy, macro precision/recall/F1, per class;
/// the predicted classes go to `predictionsPath` (.npy) when it is set.
int report(kiln_trainer *t, const kiln_dataset &test,
           const std::string &predictionsPath) {
  int64_t n = kiln_dataset_size(&test), classes = kiln_trainer_num_classes(t);
  std::vector<int64_t> predictions(n), counts(classes * classes);
  std::vector<kiln_class_metrics> perClass(classes);
  kiln_classification_report r;
  double loss, accuracy;
  if (kiln_trainer_evaluate(t, &test, &loss, &accuracy, predictions.data()) ||
      kiln_confusion_matrix(static_cast<const int64_t *>(test.labels.data),
                            predictions.data(), n, classes, counts.data()) ||
      kiln_classification_metrics(counts.data(), classes, perClass.data(), &r))
    return fail();
  if (!predictionsPath.empty()) {
    kiln_tensor p = {};
    p.dtype = KILN_INT64;
    p.rank = 1;
    p.shape[0] = n;
    p.data = predictions.data();
    if (kiln_npy_write(predictionsPath.c_str(), &p))
      return fail();
  }
  std::printf("test: %lld samples, loss %.4f, accuracy %.2f%%\n", (long long)n,
              loss, 100 * accuracy);
  std::printf("macro precision %.4f, recall %.4f, F1 %.4f\n", r.macro.precision,
              r.macro.recall, r.macro.f1);
  std::printf("class  precision  recall      F1  support\n");
  for (int64_t c = 0; c < classes; ++c)
    std::printf("%5lld  %9.4f  %6.4f  %6.4f  %7lld\n", (long long)c,
                perClass[c].precision, perClass[c].recall, perClass[c].f1,
                (long long)perClass[c].support);
  return 0;
}

} // namespace

extern "C" int kiln_train_main(int argc, char **argv,
                               const kiln_module_info *module) {
  std::string prog = argc > 0 ? argv[0] : "model";
  std::string command = argc > 1 ? argv[1] : "";
  // NAME.ckpt in the current folder: `NAME train` then `NAME eval` work
  // without naming a file.
  std::string checkpoint = prog.substr(prog.find_last_of('/') + 1) + ".ckpt";
  std::string dataDir, logDir, predictions;
  int64_t epochs = 1, seed = 0, threads = 0, limit = 0;
  bool seedGiven = false, restart = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
        return nullptr;
      }
      return argv[++i];
    };
    auto text = [&](std::string &out) {
      const char *v = value();
      if (v)
        out = v;
      return v != nullptr;
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
    bool ok = true;
    if (a == "--help" || a == "-h") {
      usage(prog.c_str());
      return 0;
    } else if (a == "--restart") {
      restart = true;
    } else if (a == "--data") {
      ok = text(dataDir);
    } else if (a == "--checkpoint") {
      ok = text(checkpoint);
    } else if (a == "--log-dir") {
      ok = text(logDir);
    } else if (a == "--predictions") {
      ok = text(predictions);
    } else if (a == "--epochs") {
      ok = integer(epochs, 1);
    } else if (a == "--seed") {
      ok = integer(seed, 0);
      seedGiven = true;
    } else if (a == "--threads") {
      ok = integer(threads, 1);
    } else if (a == "--limit") {
      ok = integer(limit, 1);
    } else {
      std::fprintf(stderr, "error: unknown option '%s' for %s\n", a.c_str(),
                   command.c_str());
      usage(prog.c_str());
      return 2;
    }
    if (!ok)
      return 2;
  }
  if (command != "train" && command != "eval") {
    usage(prog.c_str());
    return 2;
  }
  if (dataDir.empty()) {
    std::fprintf(stderr, "error: %s needs --data DIR\n", command.c_str());
    return 2;
  }
  if (command == "eval" && restart) {
    std::fprintf(stderr, "error: --restart is an option of train\n");
    return 2;
  }
  if (command == "train" && !predictions.empty()) {
    std::fprintf(stderr, "error: --predictions is an option of eval\n");
    return 2;
  }
  // libomp reads this when the first parallel loop starts, which is later.
  if (threads > 0)
    setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);

  kiln_trainer *t = nullptr;
  if (kiln_trainer_create(module, static_cast<uint64_t>(seed), &t))
    return fail();
  struct Cleanup {
    kiln_trainer *t;
    kiln_dataset train = {}, test = {};
    ~Cleanup() {
      kiln_dataset_free(&train);
      kiln_dataset_free(&test);
      kiln_trainer_destroy(t);
    }
  } owned{t};
  if (command == "train" && loadSplit(t, dataDir, "train", limit, owned.train))
    return fail();
  if (loadSplit(t, dataDir, "t10k", limit, owned.test))
    return fail();

  bool resume = !restart && exists(checkpoint);
  if (resume) {
    if (kiln_trainer_load(t, checkpoint.c_str()))
      return fail();
    if (seedGiven && kiln_trainer_seed(t) != static_cast<uint64_t>(seed))
      std::fprintf(stderr,
                   "warning: --seed %lld ignored: the checkpoint continues "
                   "with seed %llu\n",
                   (long long)seed, (unsigned long long)kiln_trainer_seed(t));
  } else if (command == "eval") {
    std::fprintf(stderr,
                 "error: checkpoint '%s' does not exist (train first, or "
                 "name one with --checkpoint)\n",
                 checkpoint.c_str());
    return 1;
  }
  if (command == "eval")
    return report(t, owned.test, predictions);

  if (resume)
    std::printf("resuming from '%s' after epoch %lld (step %lld)\n",
                checkpoint.c_str(), (long long)kiln_trainer_epoch(t),
                (long long)kiln_trainer_step(t));
  if (kiln_trainer_epoch(t) >= epochs)
    std::printf("already trained for %lld epochs; nothing to do\n",
                (long long)kiln_trainer_epoch(t));
  if (!logDir.empty() && mkdir(logDir.c_str(), 0777) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "error: cannot create '%s': %s\n", logDir.c_str(),
                 std::strerror(errno));
    return 1;
  }
  // A bar on a terminal; in a log, only the epoch lines below.
  kiln_progress *bar = nullptr;
  if (isatty(fileno(stderr))) {
    kiln_progress_options p = {epochs,
                               kiln_dataset_size(&owned.train) /
                                   kiln_trainer_batch_size(t),
                               kiln_trainer_batch_size(t),
                               KILN_PROGRESS_BAR,
                               nullptr,
                               nullptr};
    bar = kiln_progress_create(stderr, &p);
  }
  int rc = 0;
  while (rc == 0 && kiln_trainer_epoch(t) < epochs) {
    kiln_epoch_record r;
    if (kiln_trainer_train_epoch(t, &owned.train, bar, &r) ||
        kiln_trainer_evaluate(t, &owned.test, &r.val_loss, &r.val_accuracy,
                              nullptr) ||
        (bar && kiln_progress_end_epoch(bar, &r))) {
      rc = fail();
      break;
    }
    std::printf("epoch %lld/%lld: loss %.4f, test loss %.4f, test accuracy "
                "%.2f%%, %.0f samples/s\n",
                (long long)r.epoch, (long long)epochs, r.train_loss, r.val_loss,
                100 * r.val_accuracy, r.samples_per_second);
    std::fflush(stdout);
    if (kiln_trainer_save(t, checkpoint.c_str()))
      rc = fail();
    if (rc == 0 && !logDir.empty()) {
      // The curves are drawn from the whole CSV, so a resumed run's
      // picture includes the epochs before it.
      std::string csv = logDir + "/metrics.csv", svg = logDir + "/curves.svg";
      int64_t count = 0;
      std::vector<kiln_epoch_record> all;
      if (kiln_epoch_csv_append(csv.c_str(), &r) ||
          kiln_epoch_csv_read(csv.c_str(), nullptr, 0, &count))
        rc = fail();
      all.resize(count);
      if (rc == 0 &&
          (kiln_epoch_csv_read(csv.c_str(), all.data(), count, &count) ||
           kiln_plot_curves_svg(svg.c_str(), all.data(), count, nullptr)))
        rc = fail();
    }
  }
  kiln_progress_destroy(bar);
  return rc;
}
