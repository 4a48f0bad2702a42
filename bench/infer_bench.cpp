//===- infer_bench.cpp - inference speed of a kiln-compiled shared object -===//
//
//   kiln-bench-infer MODEL.so INPUT.npy REPS SECONDS [OUTPUT.npy]
//
// Loads a shared object from `kiln-compile --emit=shared`, feeds INPUT.npy to
// its first entry point's first input (any further f32 inputs, such as the
// weights of a model API graph, get fixed pseudo-random values in
// [-0.1, 0.1]) and times the call through the module table's packed
// wrapper, with the outputs and the arena allocated once: a warm-up of SECONDS,
// then REPS timed blocks of about SECONDS each. Prints `median min max` of the
// seconds per call; OUTPUT.npy receives the first output. Threads:
// OMP_NUM_THREADS.
//
//===----------------------------------------------------------------------===//

#include "kiln/driver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <vector>

namespace {

double now() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

int fail(const char *what, const char *detail) {
  std::fprintf(stderr, "kiln-bench-infer: %s%s\n", what, detail);
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 5 || argc > 6) {
    std::fprintf(stderr, "usage: kiln-bench-infer MODEL.so INPUT.npy REPS "
                         "SECONDS [OUTPUT.npy]\n");
    return 2;
  }
  int reps = std::atoi(argv[3]);
  double seconds = std::atof(argv[4]);
  void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return fail("dlopen failed: ", dlerror());
  auto *module =
      static_cast<const kiln_module_info *>(dlsym(handle, "kiln_module_table"));
  if (!module)
    return fail(argv[1], ": no kiln_module_table");
  const kiln_entry_info *entry = kiln_find_entry(module, nullptr);
  if (!entry || entry->num_inputs < 1 || entry->num_outputs < 1)
    return fail(argv[1], ": expected an entry point with inputs and outputs");

  kiln_tensor input;
  if (kiln_npy_read(argv[2], &input) != KILN_OK ||
      kiln_check_arg(entry, 0, &input) != KILN_OK)
    return fail("", kiln_last_error());
  std::vector<kiln_tensor> weights(entry->num_inputs - 1);
  std::vector<void *> args = {input.data};
  uint32_t seed = 1;
  for (int32_t i = 1; i < entry->num_inputs; ++i) {
    const kiln_arg_info &info = entry->args[i];
    kiln_tensor &w = weights[i - 1];
    if (info.dtype != KILN_FLOAT)
      return fail(argv[1], ": inputs after the first must be f32");
    if (kiln_tensor_alloc(&w, info.dtype, info.rank, info.shape) != KILN_OK)
      return fail("", kiln_last_error());
    auto *data = static_cast<float *>(w.data);
    for (int64_t j = 0, n = kiln_tensor_numel(&w); j < n; ++j) {
      seed = seed * 1664525u + 1013904223u;
      data[j] = (static_cast<float>(seed >> 8) / (1 << 24) - 0.5f) * 0.2f;
    }
    args.push_back(w.data);
  }
  std::vector<kiln_tensor> outputs(entry->num_outputs);
  for (int32_t i = 0; i < entry->num_outputs; ++i) {
    const kiln_arg_info &info = entry->args[entry->num_inputs + i];
    if (kiln_tensor_alloc(&outputs[i], info.dtype, info.rank, info.shape) !=
        KILN_OK)
      return fail("", kiln_last_error());
    args.push_back(outputs[i].data);
  }
  kiln_arena *arena = kiln_arena_create(entry->arena_size, 0);
  if (!arena)
    return fail("", kiln_last_error());
  args.push_back(kiln_arena_base(arena));
  auto call = [&] { entry->packed(args.data()); };

  call();
  if (argc == 6 && kiln_npy_write(argv[5], &outputs[0]) != KILN_OK)
    return fail("", kiln_last_error());
  double start = now();
  long calls = 0;
  while (now() - start < seconds) { // warm-up
    call();
    ++calls;
  }
  long perBlock = std::max(1L, std::lround(calls * seconds / (now() - start)));
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    start = now();
    for (long i = 0; i < perBlock; ++i)
      call();
    times.push_back((now() - start) / perBlock);
  }
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  std::printf("%.9g %.9g %.9g\n", median, times.front(), times.back());
  kiln_arena_destroy(arena);
  for (kiln_tensor &t : outputs)
    kiln_tensor_free(&t);
  for (kiln_tensor &t : weights)
    kiln_tensor_free(&t);
  kiln_tensor_free(&input);
  return 0;
}
