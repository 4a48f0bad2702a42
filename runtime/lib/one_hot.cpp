//===- one_hot.cpp - integer labels to one-hot float rows -----------------===//

#include "kiln/preprocess.h"

#include "internal.h"

#include <cstring>

using namespace kiln::rt;

namespace {

bool labelAt(const kiln_tensor *t, int64_t i, int64_t &v) {
  switch (t->dtype) {
  case KILN_INT64:
    v = static_cast<const int64_t *>(t->data)[i];
    return true;
  case KILN_INT32:
    v = static_cast<const int32_t *>(t->data)[i];
    return true;
  case KILN_UINT8:
    v = static_cast<const uint8_t *>(t->data)[i];
    return true;
  case KILN_INT8:
    v = static_cast<const int8_t *>(t->data)[i];
    return true;
  case KILN_INT16:
    v = static_cast<const int16_t *>(t->data)[i];
    return true;
  default:
    return false;
  }
}

} // namespace

extern "C" kiln_status kiln_one_hot(const kiln_tensor *labels,
                                    int64_t numClasses, kiln_tensor *out) {
  const char *what = "one_hot";
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  std::memset(out, 0, sizeof(*out));
  if (!labels || labels->rank != 1 || kiln_tensor_numel(labels) < 0 ||
      (labels->shape[0] > 0 && !labels->data))
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: labels must be a rank-1 tensor with data", what);
  if (numClasses < 1)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: %lld classes", what,
                (long long)numClasses);
  int64_t n = labels->shape[0], v;
  if (n > 0 && !labelAt(labels, 0, v))
    return fail(KILN_ERROR_UNSUPPORTED, "%s: labels of dtype %s", what,
                kiln_dtype_name(labels->dtype));
  // Check everything before allocating, so a bad label costs no memory.
  for (int64_t i = 0; i < n; ++i) {
    labelAt(labels, i, v);
    if (v != -1 && (v < 0 || v >= numClasses))
      return fail(KILN_ERROR_INVALID_ARGUMENT,
                  "%s: label[%lld] = %lld outside [0, %lld)", what,
                  (long long)i, (long long)v, (long long)numClasses);
  }
  int64_t shape[2] = {n, numClasses};
  if (kiln_status s = kiln_tensor_alloc(out, KILN_FLOAT, 2, shape))
    return s;
  float *d = static_cast<float *>(out->data); // zeroed by alloc
  for (int64_t i = 0; i < n; ++i) {
    labelAt(labels, i, v);
    if (v >= 0)
      d[i * numClasses + v] = 1.0f;
  }
  return KILN_OK;
}
