//===- ExampleMain.h - the command line shared by the examples --*- C++ -*-===//
//
//   EXAMPLE [--epochs N] [--limit N] [--data DIR] [--out DIR] [--opt N]
//
// Every example trains on Fashion-MNIST (Debian's dataset-fashion-mnist by
// default), prints test loss, accuracy and macro precision/recall/F1, and
// writes the checkpoint, curves and native artifacts under --out.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_EXAMPLES_EXAMPLEMAIN_H
#define KILN_EXAMPLES_EXAMPLEMAIN_H

#include "frontend/nn/NN.h"

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
};

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
                   "[--out DIR] [--opt N]\n",
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
    else {
      std::fprintf(stderr, "error: unknown option '%s'\n", a.c_str());
      return 2;
    }
  }
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
    model->compile(options);
    nn::FitOptions fit;
    fit.epochs = args.epochs;
    fit.validation = &test;
    fit.logDir = args.out;
    fit.checkpoint = args.out + "/" + name + ".ckpt";
    nn::History history = model->fit(train, fit);
    nn::Evaluation e = model->evaluate(test);
    double rate = history.epochs.back().samples_per_second;
    std::printf("test: loss %.4f, accuracy %.2f%%, macro precision %.4f, "
                "recall %.4f, F1 %.4f; %.0f training samples/s\n",
                e.loss, 100 * e.accuracy, e.precision, e.recall, e.f1, rate);
    model->emit(args.out);
    std::printf("wrote %s/: %s.ckpt, metrics.csv, curves.svg, %s.o, %s.h, "
                "the executable %s\n",
                args.out.c_str(), name, name, name, name);
  } catch (const nn::Error &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

} // namespace kiln::examples

#endif // KILN_EXAMPLES_EXAMPLEMAIN_H
