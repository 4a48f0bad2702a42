//===- data_cifar.cpp - CIFAR-10 binary batches ---------------------------===//
//
// https://www.cs.toronto.edu/~kriz/cifar.html, "binary version": each file is
// a sequence of 3073-byte records, a label byte then a 3x32x32 image in
// channel-major order, which is already NCHW. There is no header, so the
// only checks possible are the record size and the label range.
//
//===----------------------------------------------------------------------===//

#include "dataset_internal.h"

#include <cstring>
#include <vector>

using namespace kiln::rt;

namespace {

constexpr int64_t kImageBytes = 3 * 32 * 32;
constexpr int64_t kRecordBytes = 1 + kImageBytes;
constexpr int kNumClasses = 10;

kiln_status readCifar(const char *const *paths, int32_t numPaths,
                      kiln_dataset *out) {
  std::vector<std::vector<uint8_t>> files(numPaths);
  int64_t total = 0;
  for (int32_t f = 0; f < numPaths; ++f) {
    const char *path = paths[f];
    if (!path)
      return fail(KILN_ERROR_INVALID_ARGUMENT, "cifar10: NULL path #%d", f);
    if (kiln_status s = readFile("cifar10", path, files[f]))
      return s;
    const std::vector<uint8_t> &b = files[f];
    int64_t size = (int64_t)b.size();
    if (size == 0)
      return fail(KILN_ERROR_FORMAT, "cifar10: '%s': empty file", path);
    if (size % kRecordBytes != 0) {
      int64_t record = size / kRecordBytes;
      return fail(KILN_ERROR_FORMAT,
                  "cifar10: '%s': truncated record %lld at offset %lld: %lld "
                  "of %lld bytes (file size %lld is not a multiple of %lld)",
                  path, (long long)record, (long long)(record * kRecordBytes),
                  (long long)(size - record * kRecordBytes),
                  (long long)kRecordBytes, (long long)size,
                  (long long)kRecordBytes);
    }
    for (int64_t r = 0; r < size / kRecordBytes; ++r) {
      uint8_t label = b[r * kRecordBytes];
      if (label >= kNumClasses)
        return fail(KILN_ERROR_FORMAT,
                    "cifar10: '%s': record %lld (offset %lld): label %d "
                    "outside 0..9 (not a CIFAR-10 batch?)",
                    path, (long long)r, (long long)(r * kRecordBytes),
                    (int)label);
    }
    total += size / kRecordBytes;
  }
  const int64_t sample[3] = {3, 32, 32};
  if (kiln_status s = allocDataset("cifar10", out, total, 3, sample))
    return s;
  float *x = static_cast<float *>(out->features.data);
  int64_t *y = static_cast<int64_t *>(out->labels.data);
  int64_t i = 0;
  for (const std::vector<uint8_t> &b : files) {
    for (size_t off = 0; off < b.size(); off += kRecordBytes, ++i) {
      y[i] = b[off];
      for (int64_t k = 0; k < kImageBytes; ++k)
        x[i * kImageBytes + k] = b[off + 1 + k];
    }
  }
  return KILN_OK;
}

} // namespace

extern "C" kiln_status kiln_dataset_read_cifar10(const char *const *paths,
                                                 int32_t numPaths,
                                                 kiln_dataset *out) {
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "cifar10: NULL output");
  std::memset(out, 0, sizeof(*out));
  if (!paths || numPaths < 1)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "cifar10: no files given");
  return guardAlloc("cifar10", [&] { return readCifar(paths, numPaths, out); });
}
