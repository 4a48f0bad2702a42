/*===- kiln/data.h - datasets: readers, shuffling, splitting, batching ----===*
 *
 * A dataset is float32 features [N, ...] and int64 labels [N], both owned by
 * the dataset. Readers convert whatever the file holds to that form without
 * rescaling (pixels stay 0..255; see kiln/preprocess.h for scaling).
 *
 * Conventions are runtime.h's: KILN_OK or an error code plus a message from
 * kiln_last_error() that names the file and the position of the problem
 * (byte offset, record or line); a failed reader leaves *out zeroed.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_DATA_H
#define KILN_DATA_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_dataset {
  kiln_tensor features; /* KILN_FLOAT, rank >= 1, shape[0] = N */
  kiln_tensor labels;   /* KILN_INT64, [N] */
} kiln_dataset;

/* Frees both tensors and zeroes *ds. NULL is a no-op. */
void kiln_dataset_free(kiln_dataset *ds);
/* N, or -1 if ds is NULL or inconsistent. */
int64_t kiln_dataset_size(const kiln_dataset *ds);

/* Copies features (any integer, bool, float32 or float64 tensor, rank >= 1)
 * converted to float32, and labels (any integer or bool tensor, rank 1) to
 * int64. shape[0] of both must agree. */
kiln_status kiln_dataset_from_tensors(const kiln_tensor *features,
                                      const kiln_tensor *labels,
                                      kiln_dataset *out);

/* Changes the per-sample shape (e.g. [N, 28, 28] -> [N, 1, 28, 28] or
 * [N, 784]) without moving data; the element count must stay the same. */
kiln_status kiln_dataset_reshape(kiln_dataset *ds, int32_t sample_rank,
                                 const int64_t *sample_shape);

/*===-- Readers -----------------------------------------------------------===*/

/* MNIST / Fashion-MNIST: an IDX image file ([N, H, W], usually ubyte) and an
 * IDX label file ([N]), each gzip-compressed or not. Features are [N, H, W]
 * with the raw values. The label count must match the image count. */
kiln_status kiln_dataset_read_idx(const char *images_path,
                                  const char *labels_path, kiln_dataset *out);

/* CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin): records of
 * 1 label byte (0..9) and 3072 pixel bytes (1024 red, 1024 green, 1024
 * blue, row-major 32x32). The files are concatenated in order. Features are
 * [N, 3, 32, 32] (NCHW) with values 0..255. */
kiln_status kiln_dataset_read_cifar10(const char *const *paths,
                                      int32_t num_paths, kiln_dataset *out);

typedef struct kiln_csv_options {
  int32_t has_header;   /* nonzero: the first line is column names, skipped */
  int32_t label_column; /* 0-based; negative counts from the end (-1 = last) */
  char delimiter;       /* 0 means ',' */
} kiln_csv_options;

/* Numeric CSV: every row has the same number of fields; the label column
 * holds integers, the others finite numbers (surrounding spaces allowed).
 * Blank lines are skipped; "\r\n" line ends are accepted. Features are
 * [N, columns - 1]. opts may be NULL: no header, label in the last column. */
kiln_status kiln_dataset_read_csv(const char *path,
                                  const kiln_csv_options *opts,
                                  kiln_dataset *out);

/* Two .npy files (see kiln_npy_read): features [N, ...] of a numeric dtype
 * and labels [N] of an integer dtype; converted as kiln_dataset_from_tensors
 * does. */
kiln_status kiln_dataset_read_npy(const char *features_path,
                                  const char *labels_path, kiln_dataset *out);

/*===-- Shuffling and splitting -------------------------------------------===*/

/* Fills *out with the samples idx[0..n) of ds, in that order (repeats
 * allowed). */
kiln_status kiln_dataset_gather(const kiln_dataset *ds, const int64_t *idx,
                                int64_t n, kiln_dataset *out);

/* Permutes the samples in place by kiln_shuffle_indices(seed). */
kiln_status kiln_dataset_shuffle(kiln_dataset *ds, uint64_t seed);

/* Shuffles by seed, then puts round(N * validation_fraction) samples into
 * *validation and the rest into *train (both in the shuffled order).
 * 0 <= validation_fraction <= 1. ds is unchanged. */
kiln_status kiln_dataset_split(const kiln_dataset *ds,
                               double validation_fraction, uint64_t seed,
                               kiln_dataset *train, kiln_dataset *validation);

/*===-- Batching ----------------------------------------------------------===*/

typedef enum kiln_last_batch {
  KILN_LAST_BATCH_DROP = 0,    /* a partial last batch is skipped */
  KILN_LAST_BATCH_PAD = 1,     /* padded to batch_size: zero features, label
                                  -1 (one-hot of -1 is an all-zero row) */
  KILN_LAST_BATCH_PARTIAL = 2, /* returned with fewer rows */
} kiln_last_batch;

typedef struct kiln_batch_options {
  int64_t batch_size; /* >= 1 */
  int32_t last_batch; /* a kiln_last_batch */
  int32_t shuffle;    /* nonzero: a new seeded order every epoch */
  uint64_t seed;      /* the order of epoch e is a function of (seed, e) */
} kiln_batch_options;

/* Cuts a dataset into batches. It refers to ds, which must outlive it and
 * stay unchanged. */
typedef struct kiln_batcher kiln_batcher;

kiln_batcher *kiln_batcher_create(const kiln_dataset *ds,
                                  const kiln_batch_options *opts);
void kiln_batcher_destroy(kiln_batcher *b); /* NULL is a no-op */
int64_t kiln_batcher_num_batches(const kiln_batcher *b);
/* Selects the sample order for epoch (>= 0); epoch 0 is selected at
 * creation. Without shuffling every epoch has the dataset's order. */
kiln_status kiln_batcher_set_epoch(kiln_batcher *b, int64_t epoch);
/* Batch i (0 <= i < num_batches) of the current epoch: *x is float32
 * [B, ...], *y int64 [B], and *valid (may be NULL) the number of real
 * samples in it (< B only for a padded last batch). x and y are borrowed:
 * their data belong to the batcher and stay valid until the next call on it;
 * do not free them. They may be modified (e.g. augmented in place): every
 * call copies the batch afresh. */
kiln_status kiln_batcher_get(kiln_batcher *b, int64_t i, kiln_tensor *x,
                             kiln_tensor *y, int64_t *valid);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_DATA_H */
