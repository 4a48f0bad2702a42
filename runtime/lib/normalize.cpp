//===- normalize.cpp - scaling, standardization, min-max normalization ----===//
//
// Statistics are accumulated in double: a float sum over 60000 * 784 pixels
// loses the low digits of the mean long before the end.
//
//===----------------------------------------------------------------------===//

#include "kiln/preprocess.h"

#include "internal.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace kiln::rt;

namespace {

// How the elements of x map onto statistics: a sample (per = groups * inner
// elements) is `groups` runs of `inner` consecutive elements, run k using
// statistic k.
struct Grouping {
  int64_t n = 0;      // samples
  int64_t per = 0;    // elements per sample
  int64_t inner = 1;  // consecutive elements sharing a statistic
  int64_t groups = 1; // statistics
  int32_t statsRank = 1;
  int64_t statsShape[KILN_MAX_RANK] = {1};
};

kiln_status group(const char *what, const kiln_tensor *x, int32_t axis,
                  Grouping &g) {
  if (!x)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL tensor", what);
  if (x->dtype != KILN_FLOAT)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: expects float32, not %s", what,
                kiln_dtype_name(x->dtype));
  int64_t numel = kiln_tensor_numel(x);
  if (x->rank < 1 || numel < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: expects samples [N, ...], got rank %d", what,
                (int)x->rank);
  if (numel > 0 && !x->data)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: tensor without data", what);
  g.n = x->shape[0];
  g.per = 1;
  for (int32_t i = 1; i < x->rank; ++i)
    g.per *= x->shape[i];
  switch (axis) {
  case KILN_NORM_GLOBAL:
    g.inner = g.per > 0 ? g.per : 1;
    return KILN_OK;
  case KILN_NORM_PER_FEATURE:
    g.inner = 1;
    g.groups = g.per;
    g.statsRank = x->rank - 1;
    if (g.statsRank == 0) { // [N]: one feature
      g.statsRank = 1;
      g.statsShape[0] = 1;
    }
    for (int32_t i = 1; i < x->rank; ++i)
      g.statsShape[i - 1] = x->shape[i];
    return KILN_OK;
  case KILN_NORM_PER_CHANNEL:
    if (x->rank != 3 && x->rank != 4)
      return fail(KILN_ERROR_INVALID_ARGUMENT,
                  "%s: per-channel statistics need images [N, H, W] or "
                  "[N, C, H, W], got rank %d",
                  what, (int)x->rank);
    g.groups = x->rank == 4 ? x->shape[1] : 1;
    g.inner = x->shape[x->rank - 1] * x->shape[x->rank - 2];
    if (g.inner == 0)
      g.inner = 1;
    g.statsShape[0] = g.groups;
    return KILN_OK;
  default:
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: unknown axis %d", what,
                (int)axis);
  }
}

// Checks that a statistics tensor fits x's grouping (a mismatch usually
// means statistics fitted on differently shaped data).
kiln_status checkStats(const char *what, const char *name, const kiln_tensor *s,
                       const Grouping &g) {
  if (!s || s->dtype != KILN_FLOAT || !s->data)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: %s must be a float32 tensor with data", what, name);
  if (kiln_tensor_numel(s) != g.groups)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: %s has %lld values but the data need %lld (fitted on "
                "data of another shape or axis?)",
                what, name, (long long)kiln_tensor_numel(s),
                (long long)g.groups);
  return KILN_OK;
}

template <typename Fn>
void forEach(const kiln_tensor *x, const Grouping &g, Fn &&fn) {
  if (g.per == 0)
    return;
  float *d = static_cast<float *>(x->data);
  for (int64_t s = 0; s < g.n; ++s) {
    float *sample = d + s * g.per;
    for (int64_t k = 0; k < g.groups; ++k)
      for (int64_t j = 0; j < g.inner; ++j)
        fn(sample[k * g.inner + j], k);
  }
}

kiln_status allocStats(const Grouping &g, kiln_tensor *a, kiln_tensor *b) {
  if (kiln_status s =
          kiln_tensor_alloc(a, KILN_FLOAT, g.statsRank, g.statsShape))
    return s;
  if (kiln_status s =
          kiln_tensor_alloc(b, KILN_FLOAT, g.statsRank, g.statsShape)) {
    kiln_tensor_free(a);
    return s;
  }
  return KILN_OK;
}

} // namespace

extern "C" kiln_status kiln_scale_to_unit(kiln_tensor *x, float maxValue) {
  const char *what = "scale_to_unit";
  Grouping g;
  if (kiln_status s = group(what, x, KILN_NORM_GLOBAL, g))
    return s;
  if (!(maxValue > 0) || !std::isfinite(maxValue))
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: max value %g must be > 0",
                what, (double)maxValue);
  // Division rather than multiplication by 1/max: 255/255 is exactly 1.
  forEach(x, g, [&](float &v, int64_t) { v /= maxValue; });
  return KILN_OK;
}

extern "C" kiln_status kiln_standardize_fit(const kiln_tensor *train,
                                            int32_t axis, kiln_tensor *mean,
                                            kiln_tensor *stddev) {
  const char *what = "standardize_fit";
  if (!mean || !stddev)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  std::memset(mean, 0, sizeof(*mean));
  std::memset(stddev, 0, sizeof(*stddev));
  Grouping g;
  if (kiln_status s = group(what, train, axis, g))
    return s;
  if (g.n == 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: no samples", what);
  try {
    std::vector<double> sum(g.groups), sq(g.groups);
    forEach(train, g, [&](float &v, int64_t k) { sum[k] += v; });
    // Every statistic covers the same number of elements.
    double count = (double)g.n * (double)g.inner;
    for (int64_t k = 0; k < g.groups; ++k)
      sum[k] /= count;
    // Second pass over deviations: no cancellation as in E[x^2] - E[x]^2.
    forEach(train, g, [&](float &v, int64_t k) {
      double d = v - sum[k];
      sq[k] += d * d;
    });
    if (kiln_status s = allocStats(g, mean, stddev))
      return s;
    float *m = static_cast<float *>(mean->data);
    float *sd = static_cast<float *>(stddev->data);
    for (int64_t k = 0; k < g.groups; ++k) {
      m[k] = (float)sum[k];
      double v = std::sqrt(sq[k] / count);
      sd[k] = v > 0 ? (float)v : 1.0f;
    }
    return KILN_OK;
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
  }
}

extern "C" kiln_status kiln_standardize_apply(kiln_tensor *x, int32_t axis,
                                              const kiln_tensor *mean,
                                              const kiln_tensor *stddev) {
  const char *what = "standardize_apply";
  Grouping g;
  if (kiln_status s = group(what, x, axis, g))
    return s;
  if (kiln_status s = checkStats(what, "mean", mean, g))
    return s;
  if (kiln_status s = checkStats(what, "stddev", stddev, g))
    return s;
  const float *m = static_cast<const float *>(mean->data);
  const float *sd = static_cast<const float *>(stddev->data);
  for (int64_t k = 0; k < g.groups; ++k)
    if (!(sd[k] > 0))
      return fail(KILN_ERROR_INVALID_ARGUMENT,
                  "%s: stddev[%lld] = %g is not positive", what, (long long)k,
                  (double)sd[k]);
  forEach(x, g, [&](float &v, int64_t k) { v = (v - m[k]) / sd[k]; });
  return KILN_OK;
}

extern "C" kiln_status kiln_minmax_fit(const kiln_tensor *train, int32_t axis,
                                       kiln_tensor *min, kiln_tensor *max) {
  const char *what = "minmax_fit";
  if (!min || !max)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  std::memset(min, 0, sizeof(*min));
  std::memset(max, 0, sizeof(*max));
  Grouping g;
  if (kiln_status s = group(what, train, axis, g))
    return s;
  if (g.n == 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: no samples", what);
  if (kiln_status s = allocStats(g, min, max))
    return s;
  float *lo = static_cast<float *>(min->data);
  float *hi = static_cast<float *>(max->data);
  for (int64_t k = 0; k < g.groups; ++k) {
    lo[k] = INFINITY;
    hi[k] = -INFINITY;
  }
  forEach(train, g, [&](float &v, int64_t k) {
    lo[k] = v < lo[k] ? v : lo[k];
    hi[k] = v > hi[k] ? v : hi[k];
  });
  return KILN_OK;
}

extern "C" kiln_status kiln_minmax_apply(kiln_tensor *x, int32_t axis,
                                         const kiln_tensor *min,
                                         const kiln_tensor *max) {
  const char *what = "minmax_apply";
  Grouping g;
  if (kiln_status s = group(what, x, axis, g))
    return s;
  if (kiln_status s = checkStats(what, "min", min, g))
    return s;
  if (kiln_status s = checkStats(what, "max", max, g))
    return s;
  const float *lo = static_cast<const float *>(min->data);
  const float *hi = static_cast<const float *>(max->data);
  forEach(x, g, [&](float &v, int64_t k) {
    float range = hi[k] - lo[k];
    v = range > 0 ? (v - lo[k]) / range : v - lo[k];
  });
  return KILN_OK;
}
