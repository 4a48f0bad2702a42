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
