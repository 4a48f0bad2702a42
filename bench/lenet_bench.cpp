//===- lenet_bench.cpp - LeNet-5's layers and train step in generated code ===//
//
// Times every entry point of bench/lenet.mlir (after kiln-autodiff and
// kiln-build-train-step) through the module table the object describes
// itself with (runtime/include/kiln/driver.h): random f32 inputs, integer
// labels in [0, 10), step 0. Benchmarks, not tests: run with
// KMP_USE_YIELD=0, OMP_NUM_THREADS=1 or 2, and compare medians
// (--benchmark_repetitions=5 --benchmark_report_aggregates_only=true).
//
//===----------------------------------------------------------------------===//

#include "kiln/driver.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <vector>

extern "C" const kiln_module_info kiln_module_table;

namespace {

size_t dtypeBytes(int32_t dtype) {
  switch (dtype) {
  case KILN_INT64:
  case KILN_DOUBLE:
    return 8;
  case KILN_INT8:
  case KILN_BOOL:
    return 1;
  default:
    return 4;
  }
}

/// Buffers for one call of `entry`, owned for the benchmark's duration.
struct Call {
  std::vector<void *> args;
  explicit Call(const kiln_entry_info &entry) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> u(-1, 1);
    int n = entry.num_inputs + entry.num_outputs;
    for (int i = 0; i < n; ++i) {
      const kiln_arg_info &a = entry.args[i];
      size_t count = 1;
      for (int d = 0; d < a.rank; ++d)
        count *= a.shape[d];
      size_t bytes = (count * dtypeBytes(a.dtype) + 63) / 64 * 64;
      void *p = std::aligned_alloc(64, bytes ? bytes : 64);
      std::memset(p, 0, bytes);
      bool isStep = std::strcmp(a.name, "step") == 0;
      if (i < entry.num_inputs && !isStep) {
        if (a.dtype == KILN_FLOAT)
          for (size_t j = 0; j < count; ++j)
            static_cast<float *>(p)[j] = 0.1f * u(rng);
        else if (a.dtype == KILN_INT64)
          for (size_t j = 0; j < count; ++j)
            static_cast<int64_t *>(p)[j] = rng() % 10;
      }
      args.push_back(p);
    }
    args.push_back(std::aligned_alloc(
        64, (static_cast<size_t>(entry.arena_size) + 127) / 64 * 64));
  }
  ~Call() {
    for (void *p : args)
      std::free(p);
  }
};

void run(benchmark::State &state, const kiln_entry_info *entry) {
  // One set of buffers per entry for the whole process: the benchmark
  // library calls this several times, and first touches of a fresh arena
  // (page faults) would otherwise dominate a profile.
  static std::map<const kiln_entry_info *, std::unique_ptr<Call>> calls;
  std::unique_ptr<Call> &call = calls[entry];
  if (!call)
    call = std::make_unique<Call>(*entry);
  for (auto _ : state)
    entry->packed(call->args.data());
  // A train or eval step's samples are its batch (x's leading dim).
  for (int i = 0; i < entry->num_inputs; ++i)
    if (std::strcmp(entry->args[i].name, "x") == 0)
      state.counters["samples/s"] = benchmark::Counter(
          static_cast<double>(entry->args[i].shape[0]) * state.iterations(),
          benchmark::Counter::kIsRate);
}

} // namespace

int main(int argc, char **argv) {
  for (int i = 0; i < kiln_module_table.num_entries; ++i) {
    const kiln_entry_info *entry = &kiln_module_table.entries[i];
    benchmark::RegisterBenchmark(entry->name, run, entry)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
