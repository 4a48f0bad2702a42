//===- checkpoint.cpp - saving and loading training checkpoints ----------===//
//
// The format is described in kiln/train.h. The hash at the end catches a
// file that was cut short or damaged after it was written; the reader also
// checks every length against the bytes left, so no field of a corrupt file
// is trusted before it is checked.
//
//===----------------------------------------------------------------------===//

#include "internal.h"
#include "kiln/train.h"

#include <cstdlib>
#include <cstring>
#include <string>

using namespace kiln::rt;

namespace {

constexpr char kMagic[8] = {'K', 'I', 'L', 'N', 'C', 'K', 'P', 'T'};
constexpr uint32_t kVersion = 1;

uint64_t fnv1a(const uint8_t *data, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i)
    h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

template <typename T> void put(std::string &out, T value) {
  out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

/// Reads fields from a checkpoint, failing with the offset of the field
/// that runs past the end.
struct Reader {
  const char *path;
  const std::vector<uint8_t> &bytes;
  size_t end; // the hash is not data
  size_t pos = 0;

  kiln_status read(void *out, size_t n, const char *field) {
    if (n > end - pos)
      return fail(KILN_ERROR_FORMAT,
                  "checkpoint '%s': truncated at byte %zu (reading %s)", path,
                  pos, field);
    std::memcpy(out, bytes.data() + pos, n);
    pos += n;
    return KILN_OK;
  }
  template <typename T> kiln_status get(T &value, const char *field) {
    return read(&value, sizeof(T), field);
  }
};

} // namespace

extern "C" {

void kiln_checkpoint_free(kiln_checkpoint *c) {
  if (!c)
    return;
  for (int32_t i = 0; i < c->count; ++i) {
    if (c->names)
      std::free(c->names[i]);
    if (c->tensors)
      kiln_tensor_free(&c->tensors[i]);
  }
  std::free(c->names);
  std::free(c->tensors);
  std::memset(c, 0, sizeof(*c));
}

const kiln_tensor *kiln_checkpoint_find(const kiln_checkpoint *c,
                                        const char *name) {
  for (int32_t i = 0; c && name && i < c->count; ++i)
    if (std::strcmp(c->names[i], name) == 0)
      return &c->tensors[i];
  return nullptr;
}

kiln_status kiln_checkpoint_save(const char *path, const kiln_checkpoint *c) {
  if (!path || !c || c->count < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "checkpoint: bad arguments");
  std::string out(kMagic, sizeof(kMagic));
  put(out, kVersion);
  put(out, static_cast<uint32_t>(c->count));
  put(out, c->epoch);
  put(out, c->step);
  put(out, c->seed);
  for (int32_t i = 0; i < c->count; ++i) {
    const kiln_tensor &t = c->tensors[i];
    int64_t nbytes = 0;
    if (kiln_status s =
            checkShape("checkpoint", t.dtype, t.rank, t.shape, &nbytes))
      return s;
    std::string name = c->names[i];
    put(out, static_cast<uint32_t>(name.size()));
    out += name;
    put(out, t.dtype);
    put(out, t.rank);
    for (int32_t d = 0; d < t.rank; ++d)
      put(out, t.shape[d]);
    out.append(static_cast<const char *>(t.data), static_cast<size_t>(nbytes));
  }
  put(out, fnv1a(reinterpret_cast<const uint8_t *>(out.data()), out.size()));
  // A crash mid-save leaves the previous checkpoint whole.
  return kiln_write_file_atomic(path, out.data(), out.size());
}

kiln_status kiln_checkpoint_load(const char *path, kiln_checkpoint *c) {
  if (!c)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "checkpoint: NULL output");
  std::memset(c, 0, sizeof(*c));
  std::vector<uint8_t> bytes;
  if (kiln_status s = readFile("checkpoint", path, bytes))
    return s;
  if (bytes.size() < sizeof(kMagic) ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    return fail(KILN_ERROR_FORMAT,
                "checkpoint '%s': not a kiln checkpoint (no KILNCKPT magic)",
                path);
  if (bytes.size() < sizeof(kMagic) + sizeof(uint64_t))
    return fail(KILN_ERROR_FORMAT, "checkpoint '%s': truncated at byte %zu",
                path, bytes.size());
  size_t end = bytes.size() - sizeof(uint64_t);
  uint64_t hash;
  std::memcpy(&hash, bytes.data() + end, sizeof(hash));
  Reader r{path, bytes, end};
  r.pos = sizeof(kMagic);
  uint32_t version, count;
  if (kiln_status s = r.get(version, "the version"))
    return s;
  if (version != kVersion)
    return fail(KILN_ERROR_UNSUPPORTED,
                "checkpoint '%s': version %u (this runtime reads %u)", path,
                version, kVersion);
  if (fnv1a(bytes.data(), end) != hash)
    return fail(KILN_ERROR_FORMAT,
                "checkpoint '%s': damaged (its checksum does not match; the "
                "file was cut short or changed after it was written)",
                path);
  kiln_status s;
  if ((s = r.get(count, "the tensor count")) ||
      (s = r.get(c->epoch, "the epoch")) || (s = r.get(c->step, "the step")) ||
      (s = r.get(c->seed, "the seed")))
    return s;
  // Each tensor takes at least 12 bytes: a bound before allocating.
  if (count > (end - r.pos) / 12)
    return fail(KILN_ERROR_FORMAT,
                "checkpoint '%s': %u tensors cannot fit in %zu bytes", path,
                count, end - r.pos);
  c->names =
      static_cast<char **>(std::calloc(count ? count : 1, sizeof(char *)));
  c->tensors = static_cast<kiln_tensor *>(
      std::calloc(count ? count : 1, sizeof(kiln_tensor)));
  if (!c->names || !c->tensors) {
    kiln_checkpoint_free(c);
    return fail(KILN_ERROR_OUT_OF_MEMORY, "checkpoint '%s': out of memory",
                path);
  }
  for (uint32_t i = 0; i < count; ++i) {
    c->count = static_cast<int32_t>(i); // what kiln_checkpoint_free frees
    uint32_t nameLength;
    if ((s = r.get(nameLength, "a name length")))
      break;
    if (nameLength > end - r.pos) {
      s = fail(KILN_ERROR_FORMAT,
               "checkpoint '%s': truncated at byte %zu (a %u-byte name)", path,
               r.pos, nameLength);
      break;
    }
    c->names[i] = static_cast<char *>(std::calloc(nameLength + 1, 1));
    c->count = static_cast<int32_t>(i + 1);
    if (!c->names[i]) {
      s = fail(KILN_ERROR_OUT_OF_MEMORY, "checkpoint '%s': out of memory",
               path);
      break;
    }
    kiln_tensor &t = c->tensors[i];
    int32_t dtype, rank;
    if ((s = r.read(c->names[i], nameLength, "a name")) ||
        (s = r.get(dtype, "a dtype")) || (s = r.get(rank, "a rank")))
      break;
    if (rank < 0 || rank > KILN_MAX_RANK) {
      s = fail(KILN_ERROR_FORMAT, "checkpoint '%s': tensor '%s' has rank %d",
               path, c->names[i], rank);
      break;
    }
    int64_t shape[KILN_MAX_RANK] = {};
    for (int32_t d = 0; d < rank && !s; ++d)
      s = r.get(shape[d], "a dimension");
    int64_t nbytes = 0;
    std::string what =
        std::string("checkpoint '") + path + "': tensor '" + c->names[i] + "'";
    if (s || (s = checkShape(what.c_str(), dtype, rank, shape, &nbytes)))
      break;
    if (static_cast<uint64_t>(nbytes) > end - r.pos) {
      s = fail(KILN_ERROR_FORMAT,
               "checkpoint '%s': truncated at byte %zu (tensor '%s' needs "
               "%lld bytes)",
               path, r.pos, c->names[i], static_cast<long long>(nbytes));
      break;
    }
    if ((s = kiln_tensor_alloc(&t, dtype, rank, shape)))
      break;
    s = r.read(t.data, static_cast<size_t>(nbytes), "tensor data");
    if (s)
      break;
  }
  if (!s && r.pos != end)
    s = fail(KILN_ERROR_FORMAT,
             "checkpoint '%s': %zu unexpected bytes after the last tensor",
             path, end - r.pos);
  if (s)
    kiln_checkpoint_free(c);
  return s;
}

} // extern "C"
