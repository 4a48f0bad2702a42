//===- dataset.cpp - the dataset type, conversion, gather, shuffle, split -===//

#include "dataset_internal.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace kiln::rt;

namespace kiln::rt {

kiln_status allocDataset(const char *what, kiln_dataset *ds, int64_t n,
                         int32_t sampleRank, const int64_t *sampleShape) {
  std::memset(ds, 0, sizeof(*ds));
  if (sampleRank < 0 || sampleRank + 1 > KILN_MAX_RANK)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: sample rank %d outside 0..%d",
                what, sampleRank, KILN_MAX_RANK - 1);
  int64_t shape[KILN_MAX_RANK];
  shape[0] = n;
  for (int32_t i = 0; i < sampleRank; ++i)
    shape[i + 1] = sampleShape[i];
  int64_t nbytes;
  if (kiln_status s =
          checkShape(what, KILN_FLOAT, sampleRank + 1, shape, &nbytes))
    return s;
  if (kiln_status s =
          kiln_tensor_alloc(&ds->features, KILN_FLOAT, sampleRank + 1, shape))
    return s;
  if (kiln_status s = kiln_tensor_alloc(&ds->labels, KILN_INT64, 1, &n)) {
    kiln_tensor_free(&ds->features);
    return s;
  }
  return KILN_OK;
}

int64_t sampleSize(const kiln_dataset *ds) {
  int64_t size = 1;
  for (int32_t i = 1; i < ds->features.rank; ++i)
    size *= ds->features.shape[i];
  return size;
}

kiln_status checkDataset(const char *what, const kiln_dataset *ds) {
  if (!ds)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL dataset", what);
  const kiln_tensor &f = ds->features, &l = ds->labels;
  if (f.dtype != KILN_FLOAT || f.rank < 1 || kiln_tensor_numel(&f) < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: features must be float32 [N, ...] (got %s, rank %d)", what,
                kiln_dtype_name(f.dtype), (int)f.rank);
  if (l.dtype != KILN_INT64 || l.rank != 1 || l.shape[0] != f.shape[0])
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: labels must be int64 [%lld] (got %s, rank %d)", what,
                (long long)f.shape[0], kiln_dtype_name(l.dtype), (int)l.rank);
  if (!f.data || !l.data)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: dataset has no data", what);
  return KILN_OK;
}

} // namespace kiln::rt

namespace {

// Converts n elements of `dtype` to T; false for dtypes we do not convert
// (float16, complex, strings).
template <typename T>
bool convert(const void *src, int32_t dtype, int64_t n, T *dst) {
  auto run = [&](auto *p) {
    for (int64_t i = 0; i < n; ++i)
      dst[i] = static_cast<T>(p[i]);
    return true;
  };
  switch (dtype) {
  case KILN_FLOAT:
    return run(static_cast<const float *>(src));
  case KILN_DOUBLE:
    return run(static_cast<const double *>(src));
  case KILN_UINT8:
  case KILN_BOOL:
    return run(static_cast<const uint8_t *>(src));
  case KILN_INT8:
    return run(static_cast<const int8_t *>(src));
  case KILN_UINT16:
    return run(static_cast<const uint16_t *>(src));
  case KILN_INT16:
    return run(static_cast<const int16_t *>(src));
  case KILN_UINT32:
    return run(static_cast<const uint32_t *>(src));
  case KILN_INT32:
    return run(static_cast<const int32_t *>(src));
  case KILN_UINT64:
    return run(static_cast<const uint64_t *>(src));
  case KILN_INT64:
    return run(static_cast<const int64_t *>(src));
  default:
    return false;
  }
}

bool isIntegerDtype(int32_t dtype) {
  switch (dtype) {
  case KILN_UINT8:
  case KILN_INT8:
  case KILN_UINT16:
  case KILN_INT16:
  case KILN_UINT32:
  case KILN_INT32:
  case KILN_UINT64:
  case KILN_INT64:
  case KILN_BOOL:
    return true;
  default:
    return false;
  }
}

} // namespace

extern "C" void kiln_dataset_free(kiln_dataset *ds) {
  if (!ds)
    return;
  kiln_tensor_free(&ds->features);
  kiln_tensor_free(&ds->labels);
}

extern "C" int64_t kiln_dataset_size(const kiln_dataset *ds) {
  if (!ds || ds->features.rank < 1 || ds->labels.rank != 1 ||
      ds->labels.shape[0] != ds->features.shape[0])
    return -1;
  return ds->features.shape[0];
}

extern "C" kiln_status kiln_dataset_from_tensors(const kiln_tensor *features,
                                                 const kiln_tensor *labels,
                                                 kiln_dataset *out) {
  const char *what = "dataset_from_tensors";
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  std::memset(out, 0, sizeof(*out));
  if (!features || !labels)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL tensor", what);
  int64_t numel = kiln_tensor_numel(features);
  if (features->rank < 1 || numel < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: features must be [N, ...] (rank %d)", what,
                (int)features->rank);
  if (labels->rank != 1 || kiln_tensor_numel(labels) < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: labels must be [N] (rank %d)",
                what, (int)labels->rank);
  if (!isIntegerDtype(labels->dtype))
    return fail(KILN_ERROR_UNSUPPORTED,
                "%s: labels must have an integer dtype, not %s", what,
                kiln_dtype_name(labels->dtype));
  int64_t n = features->shape[0];
  if (labels->shape[0] != n)
    return fail(KILN_ERROR_FORMAT, "%s: %lld labels for %lld samples", what,
                (long long)labels->shape[0], (long long)n);
  if ((numel > 0 && !features->data) || (n > 0 && !labels->data))
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: tensor without data", what);
  if (kiln_status s =
          allocDataset(what, out, n, features->rank - 1, features->shape + 1))
    return s;
  if (!convert(features->data, features->dtype, numel,
               static_cast<float *>(out->features.data))) {
    kiln_dataset_free(out);
    return fail(KILN_ERROR_UNSUPPORTED,
                "%s: cannot convert %s features to float32", what,
                kiln_dtype_name(features->dtype));
  }
  convert(labels->data, labels->dtype, n,
          static_cast<int64_t *>(out->labels.data));
  return KILN_OK;
}

extern "C" kiln_status kiln_dataset_reshape(kiln_dataset *ds,
                                            int32_t sampleRank,
                                            const int64_t *sampleShape) {
  const char *what = "dataset_reshape";
  if (kiln_status s = checkDataset(what, ds))
    return s;
  if (sampleRank < 0 || sampleRank + 1 > KILN_MAX_RANK ||
      (sampleRank > 0 && !sampleShape))
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: bad sample rank %d", what,
                (int)sampleRank);
  int64_t shape[KILN_MAX_RANK];
  shape[0] = ds->features.shape[0];
  for (int32_t i = 0; i < sampleRank; ++i)
    shape[i + 1] = sampleShape[i];
  int64_t nbytes;
  if (kiln_status s =
          checkShape(what, KILN_FLOAT, sampleRank + 1, shape, &nbytes))
    return s;
  int64_t newSize = 1;
  for (int32_t i = 0; i < sampleRank; ++i)
    newSize *= sampleShape[i];
  if (newSize != sampleSize(ds))
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: a sample has %lld elements, the new shape %lld", what,
                (long long)sampleSize(ds), (long long)newSize);
  ds->features.rank = sampleRank + 1;
  for (int32_t i = 0; i < KILN_MAX_RANK; ++i)
    ds->features.shape[i] = i <= sampleRank ? shape[i] : 0;
  return KILN_OK;
}

extern "C" kiln_status kiln_dataset_gather(const kiln_dataset *ds,
                                           const int64_t *idx, int64_t n,
                                           kiln_dataset *out) {
  const char *what = "dataset_gather";
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  std::memset(out, 0, sizeof(*out));
  if (kiln_status s = checkDataset(what, ds))
    return s;
  if (n < 0 || (n > 0 && !idx))
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: bad index list (n = %lld)",
                what, (long long)n);
  int64_t size = ds->features.shape[0];
  for (int64_t i = 0; i < n; ++i)
    if (idx[i] < 0 || idx[i] >= size)
      return fail(KILN_ERROR_INVALID_ARGUMENT,
                  "%s: idx[%lld] = %lld outside [0, %lld)", what, (long long)i,
                  (long long)idx[i], (long long)size);
  if (kiln_status s = allocDataset(what, out, n, ds->features.rank - 1,
                                   ds->features.shape + 1))
    return s;
  int64_t per = sampleSize(ds);
  const float *src = static_cast<const float *>(ds->features.data);
  float *dst = static_cast<float *>(out->features.data);
  const int64_t *lsrc = static_cast<const int64_t *>(ds->labels.data);
  int64_t *ldst = static_cast<int64_t *>(out->labels.data);
  for (int64_t i = 0; i < n; ++i) {
    if (per > 0)
      std::memcpy(dst + i * per, src + idx[i] * per, per * sizeof(float));
    ldst[i] = lsrc[idx[i]];
  }
  return KILN_OK;
}

extern "C" kiln_status kiln_dataset_shuffle(kiln_dataset *ds, uint64_t seed) {
  const char *what = "dataset_shuffle";
  if (kiln_status s = checkDataset(what, ds))
    return s;
  return guardAlloc(what, [&] {
    int64_t n = ds->features.shape[0];
    std::vector<int64_t> perm(n);
    kiln_shuffle_indices(perm.data(), n, seed);
    kiln_dataset shuffled;
    if (kiln_status s = kiln_dataset_gather(ds, perm.data(), n, &shuffled))
      return s;
    kiln_dataset_free(ds);
    *ds = shuffled;
    return KILN_OK;
  });
}

extern "C" kiln_status kiln_dataset_split(const kiln_dataset *ds,
                                          double validationFraction,
                                          uint64_t seed, kiln_dataset *train,
                                          kiln_dataset *validation) {
  const char *what = "dataset_split";
  if (!train || !validation)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  std::memset(train, 0, sizeof(*train));
  std::memset(validation, 0, sizeof(*validation));
  if (kiln_status s = checkDataset(what, ds))
    return s;
  if (!(validationFraction >= 0.0 && validationFraction <= 1.0))
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: validation fraction %g outside [0, 1]", what,
                validationFraction);
  return guardAlloc(what, [&] {
    int64_t n = ds->features.shape[0];
    int64_t nVal = (int64_t)std::llround((double)n * validationFraction);
    std::vector<int64_t> perm(n);
    kiln_shuffle_indices(perm.data(), n, seed);
    if (kiln_status s = kiln_dataset_gather(ds, perm.data(), n - nVal, train))
      return s;
    if (kiln_status s = kiln_dataset_gather(ds, perm.data() + (n - nVal), nVal,
                                            validation)) {
      kiln_dataset_free(train);
      return s;
    }
    return KILN_OK;
  });
}
