//===- fileio.cpp - whole-file reads and writes for the loaders -----------===//

#include "internal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kiln::rt {

kiln_status readFile(const char *what, const char *path,
                     std::vector<uint8_t> &bytes) {
  bytes.clear();
  if (!path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL path", what);
  std::FILE *f = std::fopen(path, "rb");
  if (!f)
    return fail(KILN_ERROR_IO, "%s: cannot open '%s': %s", what, path,
                std::strerror(errno));
  // Read in chunks rather than trusting a size from fseek/ftell, which does
  // not work for pipes and special files.
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    if (bytes.size() + n > (size_t)kMaxTensorBytes) {
      std::fclose(f);
      return fail(KILN_ERROR_UNSUPPORTED, "%s: '%s' is larger than %lld bytes",
                  what, path, (long long)kMaxTensorBytes);
    }
    try {
      bytes.insert(bytes.end(), buf, buf + n);
    } catch (...) {
      std::fclose(f);
      return fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory reading '%s'",
                  what, path);
    }
  }
  bool bad = std::ferror(f);
  int err = errno;
  std::fclose(f);
  if (bad)
    return fail(KILN_ERROR_IO, "%s: cannot read '%s': %s", what, path,
                std::strerror(err));
  return KILN_OK;
}

kiln_status writeFile(const char *what, const char *path,
                      std::initializer_list<Piece> pieces) {
  if (!path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL path", what);
  std::FILE *f = std::fopen(path, "wb");
  if (!f)
    return fail(KILN_ERROR_IO, "%s: cannot create '%s': %s", what, path,
                std::strerror(errno));
  bool ok = true;
  for (const Piece &p : pieces)
    if (ok && p.size > 0)
      ok = std::fwrite(p.data, 1, p.size, f) == p.size;
  int err = errno;
  // fclose flushes; a full disk may only show up here.
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok)
    return fail(KILN_ERROR_IO, "%s: cannot write '%s': %s", what, path,
                std::strerror(err));
  return KILN_OK;
}

} // namespace kiln::rt
