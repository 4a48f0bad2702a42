//===- idx.cpp - IDX (MNIST-style) reader, gzip transparently -------------===//
//
// IDX: two zero bytes, a type code, the number of dims, then each dim as a
// big-endian uint32, then the data in big-endian C order. zlib's gz* reader
// is used for every file: it decompresses gzip input (detected by its magic
// bytes, not the name) and passes other files through unchanged.
//
//===----------------------------------------------------------------------===//

#include "internal.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include <zlib.h>

using namespace kiln::rt;

namespace {

// Reads up to `len` bytes; returns the count, or -1 on a zlib/OS error.
int64_t readUpTo(gzFile f, void *buf, int64_t len) {
  uint8_t *p = static_cast<uint8_t *>(buf);
  int64_t got = 0;
  while (got < len) {
    int64_t want = len - got;
    unsigned step = want > (1 << 30) ? (1u << 30) : (unsigned)want;
    int n = gzread(f, p + got, step);
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    got += n;
  }
  return got;
}

std::string gzReason(gzFile f) {
  int errnum = Z_OK;
  const char *msg = gzerror(f, &errnum);
  if (errnum == Z_ERRNO)
    return std::strerror(errno);
  if (errnum == Z_OK || !msg || !*msg)
    return "";
  return msg;
}

kiln_status readIdx(const char *path, kiln_tensor *out) {
  std::string whatStr = std::string("idx: '") + path + "'";
  const char *what = whatStr.c_str();
  errno = 0;
  gzFile f = gzopen(path, "rb");
  if (!f)
    return fail(KILN_ERROR_IO, "%s: cannot open: %s", what,
                errno ? std::strerror(errno) : "out of memory");
  struct Closer {
    gzFile f;
    ~Closer() { gzclose(f); }
  } closer{f};
  gzbuffer(f, 1 << 17);

  // Any short read below is reported with zlib's reason when there is one
  // (a corrupt or truncated gzip stream), else as a truncated IDX file.
  // `offset` is where the part starts in the (decompressed) IDX stream, so
  // the message says where the file ends.
  auto shortRead = [&](const char *part, int64_t offset, int64_t expected,
                       int64_t got) {
    std::string reason = gzReason(f);
    if (got < 0 || !reason.empty())
      return fail(KILN_ERROR_FORMAT, "%s: read error in %s: %s", what, part,
                  reason.empty() ? "unknown error" : reason.c_str());
    return fail(KILN_ERROR_FORMAT,
                "%s: truncated %s: expected %lld bytes, got %lld (the IDX "
                "data end at offset %lld)",
                what, part, (long long)expected, (long long)got,
                (long long)(offset + got));
  };

  uint8_t magic[4];
  int64_t got = readUpTo(f, magic, 4);
  if (got != 4)
    return shortRead("header", 0, 4, got);
  if (magic[0] != 0 || magic[1] != 0)
    return fail(KILN_ERROR_FORMAT,
                "%s: not an IDX file (magic %02x %02x %02x %02x)", what,
                magic[0], magic[1], magic[2], magic[3]);
  int32_t dtype;
  switch (magic[2]) {
  case 0x08:
    dtype = KILN_UINT8;
    break;
  case 0x09:
    dtype = KILN_INT8;
    break;
  case 0x0B:
    dtype = KILN_INT16;
    break;
  case 0x0C:
    dtype = KILN_INT32;
    break;
  case 0x0D:
    dtype = KILN_FLOAT;
    break;
  case 0x0E:
    dtype = KILN_DOUBLE;
    break;
  default:
    return fail(KILN_ERROR_FORMAT, "%s: unknown IDX type code 0x%02x", what,
                magic[2]);
  }
  int32_t rank = magic[3];
  if (rank < 1 || rank > 4)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: %d dims (supported: 1 to 4)", what,
                rank);
  uint8_t dimBytes[16];
  got = readUpTo(f, dimBytes, 4 * rank);
  if (got != 4 * rank)
    return shortRead("dims", 4, 4 * rank, got);
  int64_t shape[4];
  for (int32_t i = 0; i < rank; ++i)
    shape[i] = (int64_t)dimBytes[4 * i] << 24 | dimBytes[4 * i + 1] << 16 |
               dimBytes[4 * i + 2] << 8 | dimBytes[4 * i + 3];
  int64_t nbytes;
  if (kiln_status s = checkShape(what, dtype, rank, shape, &nbytes))
    return s;
  if (kiln_status s = kiln_tensor_alloc(out, dtype, rank, shape))
    return s;
  got = readUpTo(f, out->data, nbytes);
  if (got != nbytes) {
    kiln_tensor_free(out);
    return shortRead("data", 4 + 4 * rank, nbytes, got);
  }
  // Reading past the end also makes zlib verify the gzip CRC and length.
  uint8_t extra;
  got = readUpTo(f, &extra, 1);
  if (got != 0) {
    kiln_tensor_free(out);
    if (got < 0)
      return shortRead("data", 4 + 4 * rank, nbytes, got);
    return fail(KILN_ERROR_FORMAT,
                "%s: unexpected bytes after the %lld data bytes the dims "
                "describe",
                what, (long long)nbytes);
  }

  size_t elem = kiln_dtype_size(dtype);
  uint8_t *d = static_cast<uint8_t *>(out->data);
  if (elem > 1) {
    int64_t numel = nbytes / (int64_t)elem;
    for (int64_t i = 0; i < numel; ++i) {
      uint8_t *e = d + i * (int64_t)elem;
      for (size_t a = 0, b = elem - 1; a < b; ++a, --b) {
        uint8_t t = e[a];
        e[a] = e[b];
        e[b] = t;
      }
    }
  }
  return KILN_OK;
}

} // namespace

extern "C" kiln_status kiln_idx_read(const char *path, kiln_tensor *out) {
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "idx: NULL output tensor");
  std::memset(out, 0, sizeof(*out));
  if (!path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "idx: NULL path");
  try {
    return readIdx(path, out);
  } catch (...) { // std::bad_alloc from the message strings
    kiln_tensor_free(out);
    return fail(KILN_ERROR_OUT_OF_MEMORY, "idx: out of memory reading '%s'",
                path);
  }
}
