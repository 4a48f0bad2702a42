//===- rng.cpp - deterministic shuffling ----------------------------------===//
//
// Only fixed-width unsigned arithmetic, so the sequence is identical on every
// platform and compiler (unlike std::shuffle / std::uniform_int_distribution,
// whose algorithms are implementation-defined).
//
//===----------------------------------------------------------------------===//

#include "internal.h"

using namespace kiln::rt;

namespace {

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// xoshiro256** (Blackman & Vigna), seeded from splitmix64 as they recommend.
struct Xoshiro256 {
  uint64_t s[4];
  explicit Xoshiro256(uint64_t seed) {
    for (uint64_t &w : s)
      w = splitmix64(seed);
  }
  uint64_t next() {
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  // Uniform in [0, bound) without modulo bias: reject the top partial block.
  uint64_t below(uint64_t bound) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound; // multiple of bound
    for (;;) {
      uint64_t x = next();
      if (x < limit)
        return x % bound;
    }
  }
};

} // namespace

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
