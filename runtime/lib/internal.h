//===- internal.h - helpers shared by the runtime sources -------*- C++ -*-===//
//
// Not installed; the public API is kiln/runtime.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_INTERNAL_H
#define KILN_RUNTIME_INTERNAL_H

#include "kiln/runtime.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the kiln runtime assumes a little-endian host"
#endif

namespace kiln::rt {

// Deterministic random numbers: only fixed-width unsigned arithmetic, so the
// sequence is identical on every platform and compiler (unlike the
// implementation-defined std:: distributions).
inline uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

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
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
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

// Largest tensor we agree to allocate: far beyond any real input, small
// enough that corrupt dims are caught before malloc is asked for petabytes.
constexpr int64_t kMaxTensorBytes = int64_t(1) << 40;

// Sets the thread's error message and returns `status`, so failures read
// `return fail(KILN_ERROR_FORMAT, "...", ...);`.
kiln_status fail(kiln_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// Checks dtype, rank and dims (non-negative, no overflow, at most
// kMaxTensorBytes) and returns the byte size in *nbytes. `what` prefixes the
// error message (e.g. "npy: 'x.npy'").
kiln_status checkShape(const char *what, int32_t dtype, int32_t rank,
                       const int64_t *shape, int64_t *nbytes);

// Reads or writes a whole file; errors name the file and the OS reason.
kiln_status readFile(const char *what, const char *path,
                     std::vector<uint8_t> &bytes);
// Writes the pieces one after another (header and payload without a copy).
struct Piece {
  const void *data;
  size_t size;
};
kiln_status writeFile(const char *what, const char *path,
                      std::initializer_list<Piece> pieces);

} // namespace kiln::rt

#endif // KILN_RUNTIME_INTERNAL_H
