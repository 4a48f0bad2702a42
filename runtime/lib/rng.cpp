//===- rng.cpp - deterministic shuffling ----------------------------------===//
//
// Only fixed-width unsigned arithmetic, so the sequence is identical on every
// platform and compiler (unlike std::shuffle / std::uniform_int_distribution,
// whose algorithms are implementation-defined).
//
//===----------------------------------------------------------------------===//

#include "internal.h"

using namespace kiln::rt;

extern "C" kiln_status kiln_shuffle_indices(int64_t *idx, int64_t n,
                                            uint64_t seed) {
  if (n < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "shuffle_indices: n = %lld < 0",
                (long long)n);
  if (n > 0 && !idx)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "shuffle_indices: NULL idx");
  for (int64_t i = 0; i < n; ++i)
    idx[i] = i;
  Xoshiro256 rng(seed);
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = (int64_t)rng.below((uint64_t)i + 1);
    int64_t t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return KILN_OK;
}
