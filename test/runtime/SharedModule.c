/* SharedModule.c - a shared library that embeds the static runtime, as a
 * generated .so does. Loaded with dlopen by SharedLibTest.cpp. */

#include "kiln/runtime.h"

#include <stdlib.h>

static void twice(int64_t lo, int64_t hi, void *ctx) {
  int64_t *out = (int64_t *)ctx;
  int64_t i;
  for (i = lo; i < hi; ++i)
    out[i] = 2 * i;
}

/* Returns sum(2 * i for i < n) computed on the pool, or -1 on error. */
int64_t kiln_module_sum(int64_t n) {
  int64_t *out = (int64_t *)calloc((size_t)n, sizeof(int64_t));
  int64_t i, sum = 0;
  if (!out)
    return -1;
  if (kiln_set_num_threads(3) != KILN_OK ||
      kiln_parallel_for(0, n, twice, out) != KILN_OK) {
    free(out);
    return -1;
  }
  for (i = 0; i < n; ++i)
    sum += out[i];
  free(out);
  return sum;
}
