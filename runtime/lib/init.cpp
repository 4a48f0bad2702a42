//===- init.cpp - parameter initialization (Glorot, He, zeros, ones)
//-------===//

#include "internal.h"

#include <cmath>
#include <cstring>
#include <utility>

using namespace kiln::rt;

extern "C" kiln_status kiln_init_fans(const kiln_tensor *t, int64_t *fanIn,
                                      int64_t *fanOut) {
  if (!t || !fanIn || !fanOut)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "init_fans: NULL argument");
  const int64_t *s = t->shape;
  switch (t->rank) {
  case 1:
    *fanIn = *fanOut = s[0];
    break;
  case 2:
    *fanIn = s[0];
    *fanOut = s[1];
    break;
  case 3:
    // A stack of s[0] matrices [out, in]: ONNX's RNN/LSTM/GRU weights W
    // [directions, gates * hidden, input] and R [.., .., hidden].
    *fanIn = s[2];
    *fanOut = s[1];
    break;
  case 4:
    *fanIn = s[1] * s[2] * s[3];
    *fanOut = s[0] * s[2] * s[3];
    break;
  default:
    return fail(KILN_ERROR_UNSUPPORTED,
                "init_fans: no fan convention for a rank-%d parameter",
                (int)t->rank);
  }
  return KILN_OK;
}

extern "C" kiln_status kiln_init_tensor(kiln_tensor *t, kiln_init_kind kind,
                                        uint64_t seed) {
  if (!t || (!t->data && kiln_tensor_numel(t) > 0))
    return fail(KILN_ERROR_INVALID_ARGUMENT, "init_tensor: NULL tensor");
  if (t->dtype != KILN_FLOAT && t->dtype != KILN_DOUBLE)
    return fail(KILN_ERROR_UNSUPPORTED,
                "init_tensor: parameters are float32 or float64, not %s",
                kiln_dtype_name(t->dtype));
  int64_t n = kiln_tensor_numel(t);
  if (n < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "init_tensor: invalid shape");
  auto store = [&](int64_t i, double v) {
    if (t->dtype == KILN_FLOAT)
      static_cast<float *>(t->data)[i] = static_cast<float>(v);
    else
      static_cast<double *>(t->data)[i] = v;
  };
  if (kind == KILN_INIT_ZEROS || kind == KILN_INIT_ONES) {
    for (int64_t i = 0; i < n; ++i)
      store(i, kind == KILN_INIT_ONES ? 1.0 : 0.0);
    return KILN_OK;
  }
  int64_t fanIn, fanOut;
  if (kiln_status s = kiln_init_fans(t, &fanIn, &fanOut))
    return s;
  if (fanIn <= 0 || fanOut <= 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "init_tensor: empty fan (fan_in %lld, fan_out %lld)",
                (long long)fanIn, (long long)fanOut);
  bool glorot =
      kind == KILN_INIT_GLOROT_UNIFORM || kind == KILN_INIT_GLOROT_NORMAL;
  bool normal = kind == KILN_INIT_GLOROT_NORMAL || kind == KILN_INIT_HE_NORMAL;
  if (!glorot && kind != KILN_INIT_HE_UNIFORM && kind != KILN_INIT_HE_NORMAL)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "init_tensor: unknown kind %d",
                (int)kind);
  // Variance 2 / (fan_in + fan_out) (Glorot) or 2 / fan_in (He); a uniform
  // U(-a, a) has variance a^2 / 3.
  double variance = glorot ? 2.0 / double(fanIn + fanOut) : 2.0 / double(fanIn);
  Xoshiro256 rng(seed);
  if (!normal) {
    double a = std::sqrt(3.0 * variance);
    for (int64_t i = 0; i < n; ++i)
      store(i, (2.0 * rng.uniform() - 1.0) * a);
    return KILN_OK;
  }
  double sd = std::sqrt(variance);
  for (int64_t i = 0; i < n; i += 2) {
    // Box-Muller; 1 - u keeps the log's argument in (0, 1].
    double r = std::sqrt(-2.0 * std::log(1.0 - rng.uniform()));
    double theta = 2.0 * M_PI * rng.uniform();
    store(i, sd * r * std::cos(theta));
    if (i + 1 < n)
      store(i + 1, sd * r * std::sin(theta));
  }
  return KILN_OK;
}

extern "C" kiln_status kiln_init_kind_from_name(const char *name,
                                                kiln_init_kind *kind) {
  static const std::pair<const char *, kiln_init_kind> kinds[] = {
      {"zeros", KILN_INIT_ZEROS},
      {"ones", KILN_INIT_ONES},
      {"glorot_uniform", KILN_INIT_GLOROT_UNIFORM},
      {"glorot_normal", KILN_INIT_GLOROT_NORMAL},
      {"he_uniform", KILN_INIT_HE_UNIFORM},
      {"he_normal", KILN_INIT_HE_NORMAL}};
  for (auto &[n, k] : kinds)
    if (name && kind && std::strcmp(name, n) == 0) {
      *kind = k;
      return KILN_OK;
    }
  return kiln::rt::fail(KILN_ERROR_INVALID_ARGUMENT, "unknown initializer '%s'",
                        name ? name : "(null)");
}
