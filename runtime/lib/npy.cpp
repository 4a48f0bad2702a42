//===- npy.cpp - NumPy .npy read/write ------------------------------------===//
//
// Format:
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html The
// header is a Python dict literal; we parse the small subset numpy writes
// ({'descr': str, 'fortran_order': bool, 'shape': tuple of ints}) with a
// strict hand-written parser instead of pattern matching, so that malformed
// headers are rejected with a message rather than misread.
//
//===----------------------------------------------------------------------===//

#include "internal.h"

#include <cstring>
#include <string>

using namespace kiln::rt;

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

struct DescrEntry {
  const char *code; // descr without the byte-order character
  int32_t dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"f2", KILN_FLOAT16},   {"f4", KILN_FLOAT},       {"f8", KILN_DOUBLE},
    {"i1", KILN_INT8},      {"i2", KILN_INT16},       {"i4", KILN_INT32},
    {"i8", KILN_INT64},     {"u1", KILN_UINT8},       {"u2", KILN_UINT16},
    {"u4", KILN_UINT32},    {"u8", KILN_UINT64},      {"b1", KILN_BOOL},
    {"c8", KILN_COMPLEX64}, {"c16", KILN_COMPLEX128},
};

// Recursive-descent parser over the header text. Every method returns false
// after recording the first problem in `error`.
class HeaderParser {
public:
  HeaderParser(const char *text, size_t len) : p(text), end(text + len) {}

  std::string error;
  std::string descr;
  bool haveDescr = false, haveFortran = false, haveShape = false;
  bool fortran = false;
  int32_t rank = 0;
  int64_t shape[KILN_MAX_RANK] = {};

  bool parse() {
    skipSpace();
    if (!expect('{'))
      return false;
    skipSpace();
    while (!at('}')) {
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (!expect(':'))
        return false;
      skipSpace();
      if (key == "descr") {
        if (haveDescr)
          return setError("duplicate key 'descr'");
        if (at('['))
          return setError("structured dtypes are not supported");
        if (!parseString(descr))
          return false;
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (haveFortran)
          return setError("duplicate key 'fortran_order'");
        if (!parseBool(fortran))
          return false;
        haveFortran = true;
      } else if (key == "shape") {
        if (haveShape)
          return setError("duplicate key 'shape'");
        if (!parseShape())
          return false;
        haveShape = true;
      } else {
        return setError("unexpected key '" + key + "'");
      }
      skipSpace();
      if (at(',')) {
        ++p;
        skipSpace();
      } else if (!at('}')) {
        return setError("expected ',' or '}' after the value of '" + key + "'");
      }
    }
    ++p; // '}'
    skipSpace();
    if (p != end)
      return setError("unexpected text after the header dict");
    if (!haveDescr || !haveFortran || !haveShape)
      return setError("header lacks one of 'descr', 'fortran_order', 'shape'");
    return true;
  }

private:
  const char *p;
  const char *end;

  bool setError(const std::string &msg) {
    if (error.empty())
      error = msg;
    return false;
  }
  bool at(char c) const { return p != end && *p == c; }
  void skipSpace() {
    while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
      ++p;
  }
  bool expect(char c) {
    if (!at(c))
      return setError(std::string("expected '") + c + "'");
    ++p;
    return true;
  }
  bool parseString(std::string &out) {
    if (!at('\'') && !at('"'))
      return setError("expected a quoted string");
    char quote = *p++;
    const char *start = p;
    while (p != end && *p != quote) {
      if (*p == '\\' || *p == '\n')
        return setError("unsupported character in a string");
      ++p;
    }
    if (p == end)
      return setError("unterminated string");
    out.assign(start, p);
    ++p;
    return true;
  }
  bool parseBool(bool &out) {
    auto word = [&](const char *w) {
      size_t n = std::strlen(w);
      if ((size_t)(end - p) >= n && std::memcmp(p, w, n) == 0) {
        p += n;
        return true;
      }
      return false;
    };
    if (word("True"))
      out = true;
    else if (word("False"))
      out = false;
    else
      return setError("'fortran_order' must be True or False");
    return true;
  }
  bool parseInt(int64_t &out) {
    if (at('-'))
      return setError("negative dimension in 'shape'");
    if (p == end || *p < '0' || *p > '9')
      return setError("expected an integer in 'shape'");
    int64_t v = 0;
    while (p != end && *p >= '0' && *p <= '9') {
      int digit = *p - '0';
      if (v > (INT64_MAX - digit) / 10)
        return setError("dimension in 'shape' overflows int64");
      v = v * 10 + digit;
      ++p;
    }
    if (at('L')) // written by Python 2 numpy for longs
      ++p;
    out = v;
    return true;
  }
  bool parseShape() {
    if (!expect('('))
      return false;
    skipSpace();
    while (!at(')')) {
      if (rank == KILN_MAX_RANK)
        return setError("rank exceeds " + std::to_string(KILN_MAX_RANK));
      if (!parseInt(shape[rank]))
        return false;
      ++rank;
      skipSpace();
      if (at(',')) {
        ++p;
        skipSpace();
      } else if (!at(')')) {
        return setError("expected ',' or ')' in 'shape'");
      }
    }
    ++p;
    return true;
  }
};

kiln_status descrToDtype(const char *what, const std::string &descr,
                         int32_t *dtype) {
  if (descr.size() < 2)
    return fail(KILN_ERROR_FORMAT, "%s: invalid descr '%s'", what,
                descr.c_str());
  char order = descr[0];
  std::string code = descr.substr(1);
  for (const DescrEntry &e : kDescrs) {
    if (code != e.code)
      continue;
    bool oneByte = kiln_dtype_size(e.dtype) == 1;
    if (order == '<' || order == '=' ||
        (oneByte && (order == '|' || order == '>'))) {
      *dtype = e.dtype;
      return KILN_OK;
    }
    if (order == '>')
      return fail(KILN_ERROR_UNSUPPORTED,
                  "%s: big-endian dtype '%s' is not supported", what,
                  descr.c_str());
    return fail(KILN_ERROR_FORMAT, "%s: invalid byte order in descr '%s'", what,
                descr.c_str());
  }
  return fail(KILN_ERROR_UNSUPPORTED, "%s: unsupported dtype '%s'", what,
              descr.c_str());
}

kiln_status readNpy(const char *path, kiln_tensor *out) {
  std::string what = std::string("npy: '") + path + "'";
  std::vector<uint8_t> bytes;
  if (kiln_status s = readFile("npy", path, bytes))
    return s;
  const size_t size = bytes.size();
  if (size < kMagicLen + 2 || std::memcmp(bytes.data(), kMagic, kMagicLen))
    return fail(KILN_ERROR_FORMAT, "%s: not a .npy file (bad magic)",
                what.c_str());
  int major = bytes[6], minor = bytes[7];
  size_t lenBytes;
  if (major == 1)
    lenBytes = 2;
  else if (major == 2 || major == 3)
    lenBytes = 4;
  else
    return fail(KILN_ERROR_UNSUPPORTED,
                "%s: unsupported .npy format version %d.%d", what.c_str(),
                major, minor);
  size_t pos = kMagicLen + 2;
  if (size < pos + lenBytes)
    return fail(KILN_ERROR_FORMAT, "%s: truncated before the header length",
                what.c_str());
  uint64_t headerLen = 0;
  for (size_t i = 0; i < lenBytes; ++i)
    headerLen |= (uint64_t)bytes[pos + i] << (8 * i);
  pos += lenBytes;
  if (headerLen > size - pos)
    return fail(KILN_ERROR_FORMAT,
                "%s: truncated header (header length %llu, only %zu bytes "
                "follow)",
                what.c_str(), (unsigned long long)headerLen, size - pos);

  // v3 headers are UTF-8; the keys and values we accept are ASCII either way.
  HeaderParser parser(reinterpret_cast<const char *>(&bytes[pos]),
                      (size_t)headerLen);
  if (!parser.parse())
    return fail(KILN_ERROR_FORMAT, "%s: malformed header: %s", what.c_str(),
                parser.error.c_str());
  pos += headerLen;
  if (parser.fortran)
    return fail(KILN_ERROR_UNSUPPORTED,
                "%s: fortran_order=True is not supported (save a C-order "
                "array, e.g. np.ascontiguousarray)",
                what.c_str());
  int32_t dtype = KILN_UNDEFINED;
  if (kiln_status s = descrToDtype(what.c_str(), parser.descr, &dtype))
    return s;
  int64_t nbytes;
  if (kiln_status s =
          checkShape(what.c_str(), dtype, parser.rank, parser.shape, &nbytes))
    return s;
  size_t have = size - pos;
  if ((uint64_t)nbytes != have)
    return fail(KILN_ERROR_FORMAT,
                "%s: header describes %lld bytes of %s data but the file has "
                "%zu",
                what.c_str(), (long long)nbytes, kiln_dtype_name(dtype), have);
  if (kiln_status s = kiln_tensor_alloc(out, dtype, parser.rank, parser.shape))
    return s;
  if (nbytes)
    std::memcpy(out->data, &bytes[pos], (size_t)nbytes);
  return KILN_OK;
}

kiln_status writeNpy(const char *path, const kiln_tensor *t) {
  const char *what = "npy_write";
  if (!path || !t)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL argument", what);
  int64_t nbytes;
  if (kiln_status s = checkShape(what, t->dtype, t->rank, t->shape, &nbytes))
    return s;
  if (nbytes && !t->data)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL data", what);
  const char *code = nullptr;
  for (const DescrEntry &e : kDescrs)
    if (e.dtype == t->dtype)
      code = e.code;
  if (!code)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: dtype %s has no .npy equivalent",
                what, kiln_dtype_name(t->dtype));

  std::string header = "{'descr': '";
  header += kiln_dtype_size(t->dtype) == 1 ? '|' : '<';
  header += code;
  header += "', 'fortran_order': False, 'shape': (";
  for (int32_t i = 0; i < t->rank; ++i) {
    header += std::to_string(t->shape[i]);
    if (i + 1 < t->rank || t->rank == 1)
      header += i + 1 < t->rank ? ", " : ",";
  }
  header += "), }";
  // numpy pads with spaces and ends with '\n' so the data starts 64-byte
  // aligned; version 2.0 is only needed when the header passes 64 KiB.
  size_t prefix = kMagicLen + 2 + 2;
  size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  int major = 1;
  if (total - prefix > 65535) {
    major = 2;
    prefix = kMagicLen + 2 + 4;
    total = (prefix + header.size() + 1 + 63) / 64 * 64;
  }
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';

  std::string pre(kMagic, kMagicLen);
  pre += (char)major;
  pre += (char)0;
  size_t len = header.size();
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i)
    pre += (char)((len >> (8 * i)) & 0xff);
  return writeFile(what, path,
                   {{pre.data(), pre.size()},
                    {header.data(), header.size()},
                    {t->data, (size_t)nbytes}});
}

} // namespace

extern "C" kiln_status kiln_npy_read(const char *path, kiln_tensor *out) {
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "npy: NULL output tensor");
  std::memset(out, 0, sizeof(*out));
  if (!path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "npy: NULL path");
  try {
    return readNpy(path, out);
  } catch (...) { // std::bad_alloc from the header strings
    kiln_tensor_free(out);
    return fail(KILN_ERROR_OUT_OF_MEMORY, "npy: out of memory reading '%s'",
                path);
  }
}

extern "C" kiln_status kiln_npy_write(const char *path, const kiln_tensor *t) {
  try {
    return writeNpy(path, t);
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "npy_write: out of memory");
  }
}
