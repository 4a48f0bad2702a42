//===- augment.cpp - seeded random flips, crops, translations, rotations --===//
//
// Each image gets its own generator, seeded from (seed, image index), and
// draws all its random numbers in a fixed order whether or not an option is
// on. So images can be processed in parallel in any split, and turning one
// augmentation on does not change the draws of another.
//
//===----------------------------------------------------------------------===//

#include "kiln/preprocess.h"

#include "internal.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

using namespace kiln::rt;

namespace {

struct Job {
  float *data;
  int64_t channels, height, width;
  kiln_augment_options opts;
  uint64_t seed;
  std::atomic<bool> outOfMemory{false};
};

// out(y, x) = in(y + dy, x + dx), 0 outside: a crop window of the padded
// image, in whole pixels.
void shift(const float *in, float *out, int64_t h, int64_t w, int64_t dy,
           int64_t dx) {
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      int64_t sy = y + dy, sx = x + dx;
      out[y * w + x] =
          sy >= 0 && sy < h && sx >= 0 && sx < w ? in[sy * w + sx] : 0.0f;
    }
}

// out(p) = in(R(-angle) (p - c - t) + c), bilinear, 0 outside: rotation by
// `angle` about the center c, then translation by t.
void warp(const float *in, float *out, int64_t h, int64_t w, double angle,
          double ty, double tx) {
  double cy = (double)(h - 1) / 2, cx = (double)(w - 1) / 2;
  double cs = std::cos(angle), sn = std::sin(angle);
  auto at = [&](int64_t y, int64_t x) {
    return y >= 0 && y < h && x >= 0 && x < w ? in[y * w + x] : 0.0f;
  };
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      double py = (double)y - cy - ty, px = (double)x - cx - tx;
      double sy = cs * py - sn * px + cy; // inverse rotation
      double sx = sn * py + cs * px + cx;
      double fy = std::floor(sy), fx = std::floor(sx);
      double ay = sy - fy, ax = sx - fx;
      int64_t iy = (int64_t)fy, ix = (int64_t)fx;
      double v = (1 - ay) * ((1 - ax) * at(iy, ix) + ax * at(iy, ix + 1)) +
                 ay * ((1 - ax) * at(iy + 1, ix) + ax * at(iy + 1, ix + 1));
      out[y * w + x] = (float)v;
    }
}

void augmentRange(int64_t lo, int64_t hi, void *ctx) {
  Job &job = *static_cast<Job *>(ctx);
  const kiln_augment_options &o = job.opts;
  int64_t h = job.height, w = job.width, plane = h * w;
  std::vector<float> scratch;
  try {
    scratch.resize(plane);
  } catch (...) {
    job.outOfMemory = true;
    return;
  }
  for (int64_t i = lo; i < hi; ++i) {
    uint64_t state = job.seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
    Xoshiro256 rng(splitmix64(state));
    bool flip = rng.uniform() < (double)o.flip_probability;
    uint64_t span = 2 * (uint64_t)o.crop_padding + 1;
    int64_t dy = (int64_t)rng.below(span) - o.crop_padding;
    int64_t dx = (int64_t)rng.below(span) - o.crop_padding;
    double angle =
        (2 * rng.uniform() - 1) * (double)o.max_rotate_degrees * (M_PI / 180.0);
    double ty = (2 * rng.uniform() - 1) * (double)o.max_translate;
    double tx = (2 * rng.uniform() - 1) * (double)o.max_translate;
    bool affine = o.max_rotate_degrees > 0 || o.max_translate > 0;
    for (int64_t c = 0; c < job.channels; ++c) {
      float *img = job.data + (i * job.channels + c) * plane;
      if (flip)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t a = 0, b = w - 1; a < b; ++a, --b)
            std::swap(img[y * w + a], img[y * w + b]);
      if (dy != 0 || dx != 0) {
        shift(img, scratch.data(), h, w, dy, dx);
        std::memcpy(img, scratch.data(), plane * sizeof(float));
      }
      if (affine) {
        warp(img, scratch.data(), h, w, angle, ty, tx);
        std::memcpy(img, scratch.data(), plane * sizeof(float));
      }
    }
  }
}

} // namespace

extern "C" kiln_status kiln_augment_images(kiln_tensor *images,
                                           const kiln_augment_options *opts,
                                           uint64_t seed) {
  const char *what = "augment_images";
  if (!images || !opts)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL argument", what);
  if (images->dtype != KILN_FLOAT || (images->rank != 3 && images->rank != 4) ||
      kiln_tensor_numel(images) < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: expects float32 images [N, H, W] or [N, C, H, W], got "
                "%s rank %d",
                what, kiln_dtype_name(images->dtype), (int)images->rank);
  if (kiln_tensor_numel(images) > 0 && !images->data)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: tensor without data", what);
  if (!(opts->flip_probability >= 0 && opts->flip_probability <= 1) ||
      opts->crop_padding < 0 ||
      !(opts->max_translate >= 0 && std::isfinite(opts->max_translate)) ||
      !(opts->max_rotate_degrees >= 0 && opts->max_rotate_degrees <= 180))
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s: options out of range (flip probability %g in [0, 1], "
                "crop padding %d >= 0, translation %g >= 0, rotation %g in "
                "[0, 180] degrees)",
                what, (double)opts->flip_probability, (int)opts->crop_padding,
                (double)opts->max_translate, (double)opts->max_rotate_degrees);
  Job job;
  job.data = static_cast<float *>(images->data);
  int32_t r = images->rank;
  job.channels = r == 4 ? images->shape[1] : 1;
  job.height = images->shape[r - 2];
  job.width = images->shape[r - 1];
  job.opts = *opts;
  job.seed = seed;
  if (kiln_status s =
          kiln_parallel_for(0, images->shape[0], augmentRange, &job))
    return s;
  if (job.outOfMemory)
    return fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
  return KILN_OK;
}
