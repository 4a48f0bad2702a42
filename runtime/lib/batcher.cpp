//===- batcher.cpp - seeded per-epoch batches of a dataset ----------------===//
//
// The batcher copies each batch into buffers it owns rather than handing out
// pointers into the dataset, because a shuffled batch is not contiguous
// there, and because compiled entry points want one dense [B, ...] input.
//
//===----------------------------------------------------------------------===//

#include "dataset_internal.h"

#include <cstring>
#include <new>
#include <vector>

using namespace kiln::rt;

struct kiln_batcher {
  const kiln_dataset *ds;
  kiln_batch_options opts;
  std::vector<int64_t> order;
  kiln_tensor x{}; // [batch_size, ...], reused for every batch
  kiln_tensor y{}; // [batch_size]
  ~kiln_batcher() {
    kiln_tensor_free(&x);
    kiln_tensor_free(&y);
  }
};

namespace {

// The order of epoch e: one splitmix64 step separates the seeds of
// consecutive epochs, so epoch orders are unrelated to each other.
uint64_t epochSeed(uint64_t seed, int64_t epoch) {
  uint64_t state = seed ^ (uint64_t)epoch * 0xd1b54a32d192ed03ULL;
  return splitmix64(state);
}

} // namespace

extern "C" kiln_batcher *kiln_batcher_create(const kiln_dataset *ds,
                                             const kiln_batch_options *opts) {
  const char *what = "batcher_create";
  if (checkDataset(what, ds))
    return nullptr;
  if (!opts) {
    fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL options", what);
    return nullptr;
  }
  if (opts->batch_size < 1) {
    fail(KILN_ERROR_INVALID_ARGUMENT, "%s: batch size %lld < 1", what,
         (long long)opts->batch_size);
    return nullptr;
  }
  if (opts->last_batch < KILN_LAST_BATCH_DROP ||
      opts->last_batch > KILN_LAST_BATCH_PARTIAL) {
    fail(KILN_ERROR_INVALID_ARGUMENT, "%s: unknown last_batch mode %d", what,
         (int)opts->last_batch);
    return nullptr;
  }
  kiln_batcher *b = new (std::nothrow) kiln_batcher{ds, *opts, {}};
  if (!b) {
    fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
    return nullptr;
  }
  int64_t shape[KILN_MAX_RANK];
  std::memcpy(shape, ds->features.shape, sizeof(shape));
  shape[0] = opts->batch_size;
  kiln_status s = guardAlloc(what, [&] {
    b->order.resize(ds->features.shape[0]);
    return KILN_OK;
  });
  if (!s)
    s = kiln_tensor_alloc(&b->x, KILN_FLOAT, ds->features.rank, shape);
  if (!s)
    s = kiln_tensor_alloc(&b->y, KILN_INT64, 1, shape);
  if (!s)
    s = kiln_batcher_set_epoch(b, 0);
  if (s) {
    delete b;
    return nullptr;
  }
  return b;
}

extern "C" void kiln_batcher_destroy(kiln_batcher *b) { delete b; }

extern "C" int64_t kiln_batcher_num_batches(const kiln_batcher *b) {
  if (!b)
    return -1;
  int64_t n = b->ds->features.shape[0], bs = b->opts.batch_size;
  return b->opts.last_batch == KILN_LAST_BATCH_DROP ? n / bs
                                                    : (n + bs - 1) / bs;
}

extern "C" kiln_status kiln_batcher_set_epoch(kiln_batcher *b, int64_t epoch) {
  if (!b || epoch < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "batcher_set_epoch: NULL batcher or negative epoch");
  int64_t n = (int64_t)b->order.size();
  if (b->opts.shuffle)
    return kiln_shuffle_indices(b->order.data(), n,
                                epochSeed(b->opts.seed, epoch));
  for (int64_t i = 0; i < n; ++i)
    b->order[i] = i;
  return KILN_OK;
}

extern "C" kiln_status kiln_batcher_get(kiln_batcher *b, int64_t i,
                                        kiln_tensor *x, kiln_tensor *y,
                                        int64_t *valid) {
  if (!b || !x || !y)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "batcher_get: NULL argument");
  int64_t count = kiln_batcher_num_batches(b);
  if (i < 0 || i >= count)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "batcher_get: batch %lld outside [0, %lld)", (long long)i,
                (long long)count);
  int64_t n = (int64_t)b->order.size(), bs = b->opts.batch_size;
  int64_t begin = i * bs;
  int64_t real = n - begin < bs ? n - begin : bs;
  int64_t per = sampleSize(b->ds);
  const float *src = static_cast<const float *>(b->ds->features.data);
  const int64_t *lsrc = static_cast<const int64_t *>(b->ds->labels.data);
  float *dst = static_cast<float *>(b->x.data);
  int64_t *ldst = static_cast<int64_t *>(b->y.data);
  for (int64_t k = 0; k < real; ++k) {
    int64_t s = b->order[begin + k];
    if (per > 0)
      std::memcpy(dst + k * per, src + s * per, per * sizeof(float));
    ldst[k] = lsrc[s];
  }
  // Padding: the same values every time, whatever an earlier batch left.
  for (int64_t k = real; k < bs; ++k) {
    if (per > 0)
      std::memset(dst + k * per, 0, per * sizeof(float));
    ldst[k] = -1;
  }
  *x = b->x;
  *y = b->y;
  int64_t rows = b->opts.last_batch == KILN_LAST_BATCH_PARTIAL ? real : bs;
  x->shape[0] = rows;
  y->shape[0] = rows;
  if (valid)
    *valid = real;
  return KILN_OK;
}
