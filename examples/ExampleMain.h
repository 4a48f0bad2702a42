//===- ExampleMain.h - the command line shared by the examples --*- C++ -*-===//
//
//   EXAMPLE [--epochs N] [--limit N] [--data DIR] [--out DIR] [--opt N]
//           [--kiln-run PATH]
//
// Every example trains on Fashion-MNIST (Debian's dataset-fashion-mnist by
// default) with Adam 1e-3 at batch 64, prints test loss, accuracy, macro
// and per-class precision/recall/F1 and samples/s, and writes under --out
// the checkpoint, metrics CSV, curves, the ONNX export and the native
// artifacts (model.emit). With --kiln-run it also checks the ONNX export:
// kiln-run on the first test images must reproduce predict().
//
//===----------------------------------------------------------------------===//

#ifndef KILN_EXAMPLES_EXAMPLEMAIN_H
#define KILN_EXAMPLES_EXAMPLEMAIN_H

#include "frontend/nn/NN.h"

#include "kiln/runtime.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

namespace kiln::examples {

struct ExampleArgs {
  int64_t epochs = 5;
  int64_t limit = 0;
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string out;
  /// LLVM -O2 by default: -O3 spends minutes on the unrolled time loop of
  /// the recurrent train step for little gain.
  unsigned optLevel = 2;
  /// kiln-run, to check the ONNX export with (empty: no check).
  std::string kilnRun;
};

/// Fashion-MNIST's classes, by label.
inline const char *fashionClassName(int64_t c) {
  static const char *const names[] = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return c >= 0 && c < 10 ? names[c] : "?";
}

inline std::string absolutePath(const std::string &path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  return p.str().str();
}

/// Writes `values` as a float32 .npy of `shape`.
inline void writeNpy(const std::string &path, const std::vector<float> &values,
                     const nn::Shape &shape) {
  kiln_tensor t = {};
  t.dtype = KILN_FLOAT;
  t.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    t.shape[i] = shape[i];
  t.data = const_cast<float *>(values.data());
  if (kiln_npy_write(path.c_str(), &t))
    throw nn::Error("cannot write " + path + ": " + kiln_last_error());
}

/// Runs the ONNX export through kiln-run (a separate import and compile)
/// on the first test samples and compares its logits with predict()'s.
inline void checkOnnxExport(nn::Model &model, const nn::Dataset &test,
                            const ExampleArgs &args, const std::string &onnx,
                            const char *name) {
  int64_t n = std::min<int64_t>(64, test.size());
  nn::Dataset first = test.take(n);
  std::vector<float> expected = model.predict(first);
  nn::Shape shape = first.sampleShape();
  shape.insert(shape.begin(), n);
  int64_t per = 1;
  for (size_t i = 1; i < shape.size(); ++i)
    per *= shape[i];
  std::string dir = args.out + "/onnx-check";
  llvm::sys::fs::create_directories(dir);
  std::string input = dir + "/x.npy";
  writeNpy(input,
           std::vector<float>(first.features(), first.features() + n * per),
           shape);
  // The export's batch dim is symbolic (exportOnnx): kiln-run compiles it
  // for n samples at once.
  std::string spec = "x=";
  for (size_t i = 0; i < shape.size(); ++i)
    spec += (i ? "x" : "") + std::to_string(shape[i]);
  std::vector<llvm::StringRef> argv = {
      args.kilnRun,   onnx, "--input",         input, "--input-shape", spec,
      "--output-dir", dir,  "--output-format", "npy"};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(args.kilnRun, argv, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0)
    throw nn::Error("ONNX check: kiln-run on " + onnx + " failed (" +
                    (message.empty() ? "exit " + std::to_string(rc) : message) +
                    ")");
  kiln_tensor got = {};
  std::string output = dir + "/output_0.npy";
  if (kiln_npy_read(output.c_str(), &got))
    throw nn::Error("ONNX check: " + std::string(kiln_last_error()));
  int64_t classes = model.numClasses();
  if (kiln_tensor_numel(&got) != n * classes) {
    kiln_tensor_free(&got);
    throw nn::Error("ONNX check: kiln-run returned " +
                    std::to_string(kiln_tensor_numel(&got)) +
                    " logits, expected " + std::to_string(n * classes));
  }
  const float *l = static_cast<const float *>(got.data);
  double maxDiff = 0;
  int64_t agree = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *a = l + i * classes, *b = expected.data() + i * classes;
    agree += std::max_element(a, a + classes) - a ==
             std::max_element(b, b + classes) - b;
    for (int64_t c = 0; c < classes; ++c)
      maxDiff = std::max(maxDiff, std::fabs(double(a[c]) - b[c]));
  }
  kiln_tensor_free(&got);
  std::printf("ONNX check: kiln-run on %s.onnx (imported and compiled "
              "anew) gives the class predict() gives for %lld of %lld test "
              "images; largest logit difference %.2g\n",
              name, (long long)agree, (long long)n, maxDiff);
  if (agree != n || maxDiff > 1e-3)
    throw nn::Error("ONNX check: the export does not reproduce predict()");
}

/// Parses the options, builds the model with `build`, trains it with Adam
/// 1e-3 at batch 64 on samples of `sampleShape` and reports. Returns the
/// exit code.
inline int
runExample(int argc, char **argv, const char *name,
           const nn::Shape &sampleShape,
           const std::function<std::unique_ptr<nn::Model>()> &build) {
  ExampleArgs args;
  args.out = std::string(name) + "-out";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr,
                   "usage: %s [--epochs N] [--limit N] [--data DIR] "
                   "[--out DIR] [--opt N] [--kiln-run PATH]\n",
                   argv[0]);
      return 2;
    }
    std::string v = argv[++i];
    if (a == "--epochs")
      args.epochs = std::atoll(v.c_str());
    else if (a == "--limit")
      args.limit = std::atoll(v.c_str());
    else if (a == "--data")
      args.data = v;
    else if (a == "--out")
      args.out = v;
    else if (a == "--opt")
      args.optLevel = static_cast<unsigned>(std::atoi(v.c_str()));
    else if (a == "--kiln-run")
      args.kilnRun = v;
    else {
      std::fprintf(stderr, "error: unknown option '%s'\n", a.c_str());
      return 2;
    }
  }
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  try {
    nn::Dataset train = nn::Dataset::mnist(args.data, "train", args.limit);
    nn::Dataset test = nn::Dataset::mnist(args.data, "test", args.limit);
    train.reshape(sampleShape);
    test.reshape(sampleShape);
    std::unique_ptr<nn::Model> model = build();
    std::printf("%s", model->summary().c_str());
    nn::CompileOptions options;
    options.optimizer = "adam:lr=1e-3";
    options.batch = 64;
    options.optLevel = args.optLevel;
    options.metrics = {"accuracy", "precision", "recall", "f1"};
    std::printf("compiling the training step to native code (LLVM -O%u)...\n",
                args.optLevel);
    std::fflush(stdout);
    Clock::time_point t0 = Clock::now();
    model->compile(options);
    std::printf("compiled in %.1f s\n", seconds(t0));
    std::printf("training %lld epochs on %lld samples (Adam 1e-3, batch "
                "64), validating on %lld\n",
                (long long)args.epochs, (long long)train.size(),
                (long long)test.size());
    std::fflush(stdout);
    nn::FitOptions fit;
    fit.epochs = args.epochs;
    fit.validation = &test;
    fit.logDir = args.out;
    fit.checkpoint = args.out + "/" + name + ".ckpt";
    t0 = Clock::now();
    nn::History history = model->fit(train, fit);
    double trainSeconds = seconds(t0);
    nn::Evaluation e = model->evaluate(test);
    double samples = 0, epochSeconds = 0;
    for (const kiln_epoch_record &r : history.epochs) {
      samples += r.samples_per_second * r.seconds;
      epochSeconds += r.seconds;
    }
    std::printf("\ntest (%lld images): loss %.4f, accuracy %.2f%%\n",
                (long long)test.size(), e.loss, 100 * e.accuracy);
    std::printf("macro precision %.4f, recall %.4f, F1 %.4f\n", e.precision,
                e.recall, e.f1);
    std::printf("  %-12s %9s %9s %9s %8s\n", "class", "precision", "recall",
                "F1", "support");
    for (size_t c = 0; c < e.perClass.size(); ++c)
      std::printf("  %-12s %9.4f %9.4f %9.4f %8lld\n",
                  fashionClassName(static_cast<int64_t>(c)),
                  e.perClass[c].precision, e.perClass[c].recall,
                  e.perClass[c].f1, (long long)e.perClass[c].support);
    std::printf("training: %.0f samples/s (mean over %zu epochs; %.1f s of "
                "training, %.1f s with validation)\n",
                samples / epochSeconds, history.epochs.size(), epochSeconds,
                trainSeconds);

    std::string onnx = args.out + "/" + name + ".onnx";
    model->exportOnnx(onnx);
    model->emit(args.out);
    if (!args.kilnRun.empty())
      checkOnnxExport(*model, test, args, onnx, name);
    std::string dir = absolutePath(args.out);
    std::string n = name;
    auto file = [](const std::string &what, const std::string &text) {
      std::printf("  %-28s %s\n", what.c_str(), text.c_str());
    };
    std::printf("\nwrote to %s/:\n", dir.c_str());
    file(n + ".ckpt", "checkpoint (parameters, optimizer state, buffers)");
    file("metrics.csv, curves.svg", "per-epoch metrics and training curves");
    file(n + ".onnx", "ONNX model (opset 17, trained weights)");
    file(n, "native executable: " + n + " eval --data DIR --checkpoint " + n +
                ".ckpt");
    file(n + ".o, " + n + ".h, " + n + ".kiln.mlir",
         "object file, C header, the model in the kiln dialect");
  } catch (const nn::Error &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

} // namespace kiln::examples

#endif // KILN_EXAMPLES_EXAMPLEMAIN_H
