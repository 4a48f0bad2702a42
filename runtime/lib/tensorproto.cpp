//===- tensorproto.cpp - ONNX TensorProto read/write ----------------------===//
//
// The protobuf wire format is decoded by hand rather than through
// libprotobuf: this keeps the runtime free of that dependency, so generated
// executables link only the runtime, and TensorProto is a tiny, stable subset
// of the wire format (varints, fixed32/64 and length-delimited fields).
//
// Fields read (onnx.proto, message TensorProto):
//   1 dims (repeated int64, packed or not)   2 data_type (int32)
//   3 segment (rejected)                     4 float_data (repeated float)
//   5 int32_data (repeated int32)            6 string_data (rejected)
//   7 int64_data (repeated int64)            8 name (string)
//   9 raw_data (bytes, little-endian)       10 double_data (repeated double)
//  11 uint64_data (repeated uint64)         13 external_data (rejected)
//  14 data_location (EXTERNAL rejected)
// Every other field, of any wire type, is skipped. Repeated scalars are
// accepted packed or unpacked, as protobuf parsers must.
//
// int32_data is shared: besides INT32 it carries BOOL, INT8, UINT8, INT16,
// UINT16, and the bit patterns of FLOAT16 and BFLOAT16, one value per
// element. UINT32 and UINT64 use uint64_data; COMPLEX64/128 use
// float_data/double_data with two values per element.
//
//===----------------------------------------------------------------------===//

#include "internal.h"

#include <cstring>
#include <string>

using namespace kiln::rt;

namespace {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

const char *wireTypeName(uint32_t wt) {
  static const char *names[] = {"varint",      "fixed64",   "length-delimited",
                                "start-group", "end-group", "fixed32"};
  return wt < 6 ? names[wt] : "invalid";
}

// Cursor over a byte range. Methods return false on truncation or malformed
// input and leave the message in `error`.
class Reader {
public:
  Reader(const uint8_t *begin, const uint8_t *end)
      : base(begin), p(begin), end(end) {}

  std::string error;

  bool done() const { return p == end; }
  size_t offset() const { return (size_t)(p - base); }

  bool varint(uint64_t &v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end)
        return setError("truncated varint");
      uint8_t b = *p++;
      // The tenth byte may only contribute the top bit.
      if (shift == 63 && b > 1)
        return setError("varint overflows 64 bits");
      v |= (uint64_t)(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return setError("varint longer than 10 bytes");
  }
  bool fixed32(uint32_t &v) {
    if (end - p < 4)
      return setError("truncated fixed32");
    std::memcpy(&v, p, 4);
    p += 4;
    return true;
  }
  bool fixed64(uint64_t &v) {
    if (end - p < 8)
      return setError("truncated fixed64");
    std::memcpy(&v, p, 8);
    p += 8;
    return true;
  }
  bool bytes(const uint8_t *&data, size_t &len) {
    uint64_t n;
    if (!varint(n))
      return false;
    if (n > (uint64_t)(end - p))
      return setError("length-delimited field of " + std::to_string(n) +
                      " bytes, only " + std::to_string(end - p) + " remain");
    data = p;
    len = (size_t)n;
    p += n;
    return true;
  }
  bool tag(uint32_t &field, uint32_t &wt) {
    uint64_t key;
    if (!varint(key))
      return false;
    field = (uint32_t)(key >> 3);
    wt = (uint32_t)(key & 7);
    if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff)
      return setError("invalid field number " + std::to_string(key >> 3));
    if (wt > kFixed32)
      return setError("invalid wire type " + std::to_string(wt));
    return true;
  }
  // Skips the value of a field whose tag was just read.
  bool skip(uint32_t field, uint32_t wt, int depth = 0) {
    uint64_t v;
    const uint8_t *d;
    size_t n;
    switch (wt) {
    case kVarint:
      return varint(v);
    case kFixed64:
      return fixed64(v);
    case kFixed32: {
      uint32_t v32;
      return fixed32(v32);
    }
    case kLengthDelimited:
      return bytes(d, n);
    case kStartGroup: {
      if (depth > 64)
        return setError("groups nested too deeply");
      for (;;) {
        uint32_t f, w;
        if (!tag(f, w))
          return false;
        if (w == kEndGroup) {
          if (f != field)
            return setError("mismatched end-group");
          return true;
        }
        if (!skip(f, w, depth + 1))
          return false;
      }
    }
    default:
      return setError("unexpected end-group");
    }
  }
  bool setError(const std::string &msg) {
    if (error.empty())
      error = msg + " at byte " + std::to_string(offset());
    return false;
  }

private:
  const uint8_t *base;
  const uint8_t *p;
  const uint8_t *end;
};

// Decoded fields. Typed data stay in their wire representation until the
// dtype is known (it may come after the data).
struct Decoded {
  std::vector<int64_t> dims;
  int32_t dataType = 0;
  std::vector<uint32_t> floatData; // bit patterns
  std::vector<uint64_t> int32Data; // raw varints, truncated later
  std::vector<uint64_t> int64Data;
  std::vector<uint64_t> doubleData; // bit patterns
  std::vector<uint64_t> uint64Data;
  size_t stringCount = 0;
  std::string name;
  const uint8_t *raw = nullptr;
  size_t rawLen = 0;
  bool haveRaw = false;
};

// Reads a repeated scalar field, packed (one length-delimited run) or not
// (one element per tag).
bool readRepeated(Reader &r, uint32_t wt, uint32_t elemWt,
                  std::vector<uint64_t> &out, const char *field) {
  auto one = [&](Reader &in) {
    uint64_t v = 0;
    uint32_t v32 = 0;
    bool ok;
    if (elemWt == kVarint) {
      ok = in.varint(v);
    } else if (elemWt == kFixed64) {
      ok = in.fixed64(v);
    } else {
      ok = in.fixed32(v32);
      v = v32;
    }
    if (ok)
      out.push_back(v);
    return ok;
  };
  if (wt == elemWt)
    return one(r);
  if (wt != kLengthDelimited)
    return r.setError(std::string(field) + " has wire type " +
                      wireTypeName(wt));
  const uint8_t *d;
  size_t n;
  if (!r.bytes(d, n))
    return false;
  if (elemWt != kVarint)
    out.reserve(out.size() + n / (elemWt == kFixed64 ? 8 : 4));
  Reader packed(d, d + n);
  while (!packed.done())
    if (!one(packed))
      return r.setError(std::string("packed ") + field + ": " + packed.error);
  return true;
}

kiln_status decode(const char *what, const std::vector<uint8_t> &bytes,
                   Decoded &out) {
  Reader r(bytes.data(), bytes.data() + bytes.size());
  std::vector<uint64_t> tmp;
  auto bad = [&]() {
    return fail(KILN_ERROR_FORMAT, "%s: malformed TensorProto: %s", what,
                r.error.c_str());
  };
  while (!r.done()) {
    uint32_t field, wt;
    if (!r.tag(field, wt))
      return bad();
    const uint8_t *d;
    size_t n;
    uint64_t v;
    switch (field) {
    case 1:
      tmp.clear();
      if (!readRepeated(r, wt, kVarint, tmp, "dims"))
        return bad();
      for (uint64_t x : tmp)
        out.dims.push_back((int64_t)x);
      break;
    case 2:
      if (wt != kVarint) {
        r.setError("data_type has wire type " + std::string(wireTypeName(wt)));
        return bad();
      }
      if (!r.varint(v))
        return bad();
      out.dataType = (int32_t)v;
      break;
    case 3:
      // Also what a SequenceProto/OptionalProto (same .pb naming in the ONNX
      // test data) looks like: field 3 holds its tensors.
      return fail(KILN_ERROR_UNSUPPORTED,
                  "%s: field 3 (segment) is not supported: a segmented "
                  "tensor, or not a TensorProto (e.g. a SequenceProto)",
                  what);
    case 4:
      tmp.clear();
      if (!readRepeated(r, wt, kFixed32, tmp, "float_data"))
        return bad();
      for (uint64_t x : tmp)
        out.floatData.push_back((uint32_t)x);
      break;
    case 5:
      if (!readRepeated(r, wt, kVarint, out.int32Data, "int32_data"))
        return bad();
      break;
    case 6:
      if (!r.skip(field, wt))
        return bad();
      ++out.stringCount;
      break;
    case 7:
      if (!readRepeated(r, wt, kVarint, out.int64Data, "int64_data"))
        return bad();
      break;
    case 8:
    case 9:
      if (wt != kLengthDelimited) {
        r.setError(std::string(field == 8 ? "name" : "raw_data") +
                   " has wire type " + wireTypeName(wt));
        return bad();
      }
      if (!r.bytes(d, n))
        return bad();
      if (field == 8) {
        out.name.assign((const char *)d, n);
      } else {
        out.raw = d;
        out.rawLen = n;
        out.haveRaw = true;
      }
      break;
    case 10:
      if (!readRepeated(r, wt, kFixed64, out.doubleData, "double_data"))
        return bad();
      break;
    case 11:
      if (!readRepeated(r, wt, kVarint, out.uint64Data, "uint64_data"))
        return bad();
      break;
    case 13:
      return fail(KILN_ERROR_UNSUPPORTED,
                  "%s: external data not supported here (the tensor's data "
                  "lives in a separate file)",
                  what);
    case 14: // data_location; 1 is DataLocation.EXTERNAL
      if (wt != kVarint) {
        if (!r.skip(field, wt))
          return bad();
        break;
      }
      if (!r.varint(v))
        return bad();
      if (v == 1)
        return fail(KILN_ERROR_UNSUPPORTED,
                    "%s: external data not supported here (data_location is "
                    "EXTERNAL)",
                    what);
      break;
    default:
      if (!r.skip(field, wt))
        return bad();
      break;
    }
  }
  return KILN_OK;
}

kiln_status readTensorProto(const char *path, kiln_tensor *out, char *nameOut,
                            size_t nameCap) {
  std::string whatStr = std::string("tensorproto: '") + path + "'";
  const char *what = whatStr.c_str();
  std::vector<uint8_t> bytes;
  if (kiln_status s = readFile("tensorproto", path, bytes))
    return s;
  Decoded dec;
  if (kiln_status s = decode(what, bytes, dec))
    return s;

  int32_t dtype = dec.dataType;
  if (dtype == KILN_UNDEFINED)
    return fail(KILN_ERROR_FORMAT, "%s: data_type is missing or UNDEFINED",
                what);
  if (dtype == KILN_STRING || dec.stringCount)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: string tensors are not supported",
                what);
  if (dec.dims.size() > KILN_MAX_RANK)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: rank %zu exceeds %d", what,
                dec.dims.size(), KILN_MAX_RANK);
  int32_t rank = (int32_t)dec.dims.size();
  int64_t nbytes;
  if (kiln_status s = checkShape(what, dtype, rank, dec.dims.data(), &nbytes))
    return s;
  const int64_t elemSize = (int64_t)kiln_dtype_size(dtype);
  const int64_t numel = nbytes / elemSize;

  // Which typed field holds this dtype, and how many values per element.
  const std::vector<uint64_t> *typed64 = nullptr;
  const char *fieldName = nullptr;
  int64_t perElem = 1;
  switch (dtype) {
  case KILN_FLOAT:
  case KILN_COMPLEX64:
    fieldName = "float_data";
    perElem = dtype == KILN_COMPLEX64 ? 2 : 1;
    break;
  case KILN_DOUBLE:
  case KILN_COMPLEX128:
    typed64 = &dec.doubleData;
    fieldName = "double_data";
    perElem = dtype == KILN_COMPLEX128 ? 2 : 1;
    break;
  case KILN_INT64:
    typed64 = &dec.int64Data;
    fieldName = "int64_data";
    break;
  case KILN_UINT32:
  case KILN_UINT64:
    typed64 = &dec.uint64Data;
    fieldName = "uint64_data";
    break;
  default: // the 8- and 16-bit types and INT32
    typed64 = &dec.int32Data;
    fieldName = "int32_data";
    break;
  }
  size_t typedCount = typed64 ? typed64->size() : dec.floatData.size();
  size_t allTyped = dec.floatData.size() + dec.int32Data.size() +
                    dec.int64Data.size() + dec.doubleData.size() +
                    dec.uint64Data.size();
  if (allTyped != typedCount)
    return fail(KILN_ERROR_FORMAT,
                "%s: %s tensor has values in a field other than %s", what,
                kiln_dtype_name(dtype), fieldName);
  if (dec.haveRaw && typedCount)
    return fail(KILN_ERROR_FORMAT, "%s: both raw_data and %s are set", what,
                fieldName);
  if (dec.haveRaw) {
    if ((int64_t)dec.rawLen != nbytes)
      return fail(KILN_ERROR_FORMAT,
                  "%s: raw_data has %zu bytes, expected %lld (%lld elements "
                  "of %s)",
                  what, dec.rawLen, (long long)nbytes, (long long)numel,
                  kiln_dtype_name(dtype));
  } else if ((int64_t)typedCount != numel * perElem) {
    return fail(KILN_ERROR_FORMAT, "%s: %s has %zu values, expected %lld", what,
                fieldName, typedCount, (long long)(numel * perElem));
  }

  if (kiln_status s = kiln_tensor_alloc(out, dtype, rank, dec.dims.data()))
    return s;
  uint8_t *dst = static_cast<uint8_t *>(out->data);
  if (dec.haveRaw) {
    if (nbytes)
      std::memcpy(dst, dec.raw, (size_t)nbytes);
  } else if (!typed64) {
    std::memcpy(dst, dec.floatData.data(), (size_t)nbytes);
  } else if (elemSize == 8 || perElem == 2) {
    std::memcpy(dst, typed64->data(), (size_t)nbytes);
  } else {
    // Narrowing keeps the low bytes (two's complement), which is what the
    // varint of a negative int32 / int8 / int16 and the fp16 bit pattern
    // need.
    for (int64_t i = 0; i < numel; ++i) {
      uint64_t v = (*typed64)[i];
      switch (elemSize) {
      case 1:
        dst[i] = (uint8_t)v;
        break;
      case 2: {
        uint16_t v16 = (uint16_t)v;
        std::memcpy(dst + 2 * i, &v16, 2);
        break;
      }
      default: {
        uint32_t v32 = (uint32_t)v;
        std::memcpy(dst + 4 * i, &v32, 4);
        break;
      }
      }
    }
  }
  if (nameOut && nameCap) {
    size_t n = dec.name.size() < nameCap - 1 ? dec.name.size() : nameCap - 1;
    std::memcpy(nameOut, dec.name.data(), n);
    nameOut[n] = '\0';
  }
  return KILN_OK;
}

void putVarint(std::string &s, uint64_t v) {
  while (v >= 0x80) {
    s += (char)((v & 0x7f) | 0x80);
    v >>= 7;
  }
  s += (char)v;
}

kiln_status writeTensorProto(const char *path, const kiln_tensor *t,
                             const char *name) {
  const char *what = "tensorproto_write";
  if (!path || !t)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL argument", what);
  int64_t nbytes;
  if (kiln_status s = checkShape(what, t->dtype, t->rank, t->shape, &nbytes))
    return s;
  if (nbytes && !t->data)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL data", what);
  // dims unpacked, as onnx.proto (proto2) declares them and onnx writes them.
  std::string head;
  for (int32_t i = 0; i < t->rank; ++i) {
    putVarint(head, (1 << 3) | kVarint);
    putVarint(head, (uint64_t)t->shape[i]);
  }
  putVarint(head, (2 << 3) | kVarint);
  putVarint(head, (uint64_t)t->dtype);
  if (name && *name) {
    size_t len = std::strlen(name);
    putVarint(head, (8 << 3) | kLengthDelimited);
    putVarint(head, len);
    head.append(name, len);
  }
  putVarint(head, (9 << 3) | kLengthDelimited);
  putVarint(head, (uint64_t)nbytes);
  return writeFile(what, path,
                   {{head.data(), head.size()}, {t->data, (size_t)nbytes}});
}

} // namespace

extern "C" kiln_status kiln_tensorproto_read(const char *path, kiln_tensor *out,
                                             char *name_out, size_t name_cap) {
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "tensorproto: NULL output tensor");
  std::memset(out, 0, sizeof(*out));
  if (name_out && name_cap)
    name_out[0] = '\0';
  if (!path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "tensorproto: NULL path");
  try {
    return readTensorProto(path, out, name_out, name_cap);
  } catch (...) { // std::bad_alloc from the decoded vectors
    kiln_tensor_free(out);
    return fail(KILN_ERROR_OUT_OF_MEMORY,
                "tensorproto: out of memory reading '%s'", path);
  }
}

extern "C" kiln_status kiln_tensorproto_write(const char *path,
                                              const kiln_tensor *t,
                                              const char *name) {
  try {
    return writeTensorProto(path, t, name);
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "tensorproto_write: out of memory");
  }
}
