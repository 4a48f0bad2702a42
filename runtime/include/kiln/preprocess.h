/*===- kiln/preprocess.h - scaling, normalization, one-hot, augmentation -===*
 *
 * All functions work in place on float32 tensors of samples [N, ...] (the
 * features of a kiln_dataset), except one-hot, which makes a new tensor.
 * Image functions take [N, H, W] (one channel) or [N, C, H, W].
 *
 * Normalization is fitted on the training set and applied, with the same
 * statistics, to training, validation and test sets: fitting on test data
 * would leak it into the model. The statistics are ordinary float32 tensors
 * (free with kiln_tensor_free) that can be saved with kiln_npy_write.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_PREPROCESS_H
#define KILN_PREPROCESS_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Multiplies every element by 1 / max_value (> 0): with 255, image bytes
 * become [0, 1]. */
kiln_status kiln_scale_to_unit(kiln_tensor *x, float max_value);

/* Which elements share one statistic. */
typedef enum kiln_norm_axis {
  KILN_NORM_GLOBAL = 0,      /* all elements: stats shape [1] */
  KILN_NORM_PER_FEATURE = 1, /* each position in a sample: stats shape
                                x.shape[1..] */
  KILN_NORM_PER_CHANNEL = 2  /* each image channel: stats shape [C]; x must
                                be [N, H, W] (C = 1) or [N, C, H, W] */
} kiln_norm_axis;

/* Mean and population standard deviation of train. A standard deviation of
 * 0 (a constant feature) is stored as 1, so that applying it maps the
 * feature to 0 instead of dividing by zero. */
kiln_status kiln_standardize_fit(const kiln_tensor *train, int32_t axis,
                                 kiln_tensor *mean, kiln_tensor *stddev);
/* x = (x - mean) / stddev, with statistics from kiln_standardize_fit for the
 * same axis and per-sample shape. */
kiln_status kiln_standardize_apply(kiln_tensor *x, int32_t axis,
                                   const kiln_tensor *mean,
                                   const kiln_tensor *stddev);

/* Minimum and maximum of train. */
kiln_status kiln_minmax_fit(const kiln_tensor *train, int32_t axis,
                            kiln_tensor *min, kiln_tensor *max);
/* x = (x - min) / (max - min), or x - min where max == min. Data outside the
 * fitted range land outside [0, 1]; they are not clipped. */
kiln_status kiln_minmax_apply(kiln_tensor *x, int32_t axis,
                              const kiln_tensor *min, const kiln_tensor *max);

/* labels: a rank-1 integer tensor (int64 from a kiln_dataset) with values
 * in [0, num_classes) or -1 (the batcher's padding), which gives an all-zero
 * row. *out: float32 [N, num_classes]. */
kiln_status kiln_one_hot(const kiln_tensor *labels, int64_t num_classes,
                         kiln_tensor *out);

typedef struct kiln_augment_options {
  float flip_probability;   /* horizontal (left-right) flip, 0..1 */
  int32_t crop_padding;     /* zero-pad each side by this many pixels, then
                               crop a random H x W window (whole pixels);
                               0 = off */
  float max_translate;      /* shift by up to this many pixels in x and y,
                               uniform, bilinear; 0 = off */
  float max_rotate_degrees; /* rotate about the center by a uniform angle in
                               [-r, r], bilinear; 0 = off */
} kiln_augment_options;

/* Augments every image in place, in the order flip, crop, then one affine
 * warp for rotation and translation; pixels brought in from outside are 0.
 * Image i's random draws depend only on (seed, i), so the result is the same
 * for any thread count; pass a different seed each epoch. */
kiln_status kiln_augment_images(kiln_tensor *images,
                                const kiln_augment_options *opts,
                                uint64_t seed);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_PREPROCESS_H */
