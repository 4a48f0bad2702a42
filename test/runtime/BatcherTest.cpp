//===- BatcherTest.cpp - batches, last-batch modes, per-epoch shuffling ---===//

#include "TestUtil.h"

#include "kiln/data.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace {

// n samples of shape [2]: [i, -i], label i.
struct Tagged {
  kiln_dataset ds{};
  explicit Tagged(int64_t n) {
    int64_t fs[2] = {n, 2};
    kiln_tensor_alloc(&ds.features, KILN_FLOAT, 2, fs);
    kiln_tensor_alloc(&ds.labels, KILN_INT64, 1, &n);
    for (int64_t i = 0; i < n; ++i) {
      static_cast<float *>(ds.features.data)[2 * i] = (float)i;
      static_cast<float *>(ds.features.data)[2 * i + 1] = (float)-i;
      static_cast<int64_t *>(ds.labels.data)[i] = i;
    }
  }
  ~Tagged() { kiln_dataset_free(&ds); }
};

struct Batcher {
  kiln_batcher *b;
  Batcher(const kiln_dataset *ds, int64_t bs, int32_t last, int32_t shuffle,
          uint64_t seed) {
    kiln_batch_options o = {bs, last, shuffle, seed};
    b = kiln_batcher_create(ds, &o);
  }
  ~Batcher() { kiln_batcher_destroy(b); }
};

// The labels (= original indices) of every batch of the current epoch,
// checking that features travel with labels and that padding is zero / -1.
std::vector<int64_t> epochLabels(kiln_batcher *b, int64_t bs,
                                 std::vector<int64_t> *rowsOut = nullptr) {
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < kiln_batcher_num_batches(b); ++i) {
    kiln_tensor x, y;
    int64_t valid = -7;
    EXPECT_EQ(kiln_batcher_get(b, i, &x, &y, &valid), KILN_OK)
        << kiln_last_error();
    EXPECT_EQ(x.dtype, KILN_FLOAT);
    EXPECT_EQ(y.dtype, KILN_INT64);
    EXPECT_EQ(x.shape[0], y.shape[0]);
    EXPECT_EQ(x.shape[1], 2);
    EXPECT_LE(x.shape[0], bs);
    if (rowsOut)
      rowsOut->push_back(x.shape[0]);
    const float *xd = static_cast<const float *>(x.data);
    const int64_t *yd = static_cast<const int64_t *>(y.data);
    for (int64_t k = 0; k < y.shape[0]; ++k) {
      if (k < valid) {
        EXPECT_EQ(xd[2 * k], (float)yd[k]);
        EXPECT_EQ(xd[2 * k + 1], (float)-yd[k]);
        labels.push_back(yd[k]);
      } else {
        EXPECT_EQ(yd[k], -1);
        EXPECT_EQ(xd[2 * k], 0.f);
        EXPECT_EQ(xd[2 * k + 1], 0.f);
      }
    }
  }
  return labels;
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

} // namespace

TEST(Batcher, LastBatchModes) {
  Tagged t(10);
  {
    Batcher drop(&t.ds, 4, KILN_LAST_BATCH_DROP, 0, 0);
    ASSERT_NE(drop.b, nullptr) << kiln_last_error();
    EXPECT_EQ(kiln_batcher_num_batches(drop.b), 2);
    std::vector<int64_t> rows;
    EXPECT_EQ(epochLabels(drop.b, 4, &rows), iota(8));
    EXPECT_EQ(rows, (std::vector<int64_t>{4, 4}));
  }
  {
    Batcher pad(&t.ds, 4, KILN_LAST_BATCH_PAD, 0, 0);
    EXPECT_EQ(kiln_batcher_num_batches(pad.b), 3);
    std::vector<int64_t> rows;
    EXPECT_EQ(epochLabels(pad.b, 4, &rows), iota(10));
    EXPECT_EQ(rows, (std::vector<int64_t>{4, 4, 4}));
    kiln_tensor x, y;
    int64_t valid;
    ASSERT_EQ(kiln_batcher_get(pad.b, 2, &x, &y, &valid), KILN_OK);
    EXPECT_EQ(valid, 2);
    EXPECT_EQ(static_cast<int64_t *>(y.data)[3], -1);
    // The padding stays zero after a full batch reused the buffer.
    ASSERT_EQ(kiln_batcher_get(pad.b, 0, &x, &y, &valid), KILN_OK);
    EXPECT_EQ(valid, 4);
    ASSERT_EQ(kiln_batcher_get(pad.b, 2, &x, &y, &valid), KILN_OK);
    EXPECT_EQ(static_cast<float *>(x.data)[6], 0.f);
  }
  {
    Batcher partial(&t.ds, 4, KILN_LAST_BATCH_PARTIAL, 0, 0);
    std::vector<int64_t> rows;
    EXPECT_EQ(epochLabels(partial.b, 4, &rows), iota(10));
    EXPECT_EQ(rows, (std::vector<int64_t>{4, 4, 2}));
  }
  {
    // Exact multiple: no partial batch in any mode.
    Batcher pad(&t.ds, 5, KILN_LAST_BATCH_PAD, 0, 0);
    EXPECT_EQ(kiln_batcher_num_batches(pad.b), 2);
    Batcher drop(&t.ds, 11, KILN_LAST_BATCH_DROP, 0, 0);
    EXPECT_EQ(kiln_batcher_num_batches(drop.b), 0);
  }
}

TEST(Batcher, ShufflesPerEpochReproducibly) {
  Tagged t(37);
  Batcher a(&t.ds, 8, KILN_LAST_BATCH_PARTIAL, 1, 99);
  Batcher b(&t.ds, 8, KILN_LAST_BATCH_PARTIAL, 1, 99);
  Batcher c(&t.ds, 8, KILN_LAST_BATCH_PARTIAL, 1, 100);
  std::vector<std::vector<int64_t>> epochs;
  for (int64_t e = 0; e < 3; ++e) {
    ASSERT_EQ(kiln_batcher_set_epoch(a.b, e), KILN_OK);
    ASSERT_EQ(kiln_batcher_set_epoch(b.b, e), KILN_OK);
    ASSERT_EQ(kiln_batcher_set_epoch(c.b, e), KILN_OK);
    auto la = epochLabels(a.b, 8), lb = epochLabels(b.b, 8),
         lc = epochLabels(c.b, 8);
    EXPECT_EQ(la, lb);
    EXPECT_NE(la, lc);
    EXPECT_NE(la, iota(37));
    std::vector<int64_t> sorted = la;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, iota(37)); // every sample exactly once per epoch
    epochs.push_back(la);
  }
  EXPECT_NE(epochs[0], epochs[1]);
  EXPECT_NE(epochs[1], epochs[2]);
  // Going back to an epoch gives its order again.
  ASSERT_EQ(kiln_batcher_set_epoch(a.b, 1), KILN_OK);
  EXPECT_EQ(epochLabels(a.b, 8), epochs[1]);
}

TEST(Batcher, BadArguments) {
  Tagged t(5);
  kiln_batch_options zero = {0, KILN_LAST_BATCH_DROP, 0, 0};
  EXPECT_EQ(kiln_batcher_create(&t.ds, &zero), nullptr);
  EXPECT_NE(std::strstr(kiln_last_error(), "batch size 0"), nullptr);
  kiln_batch_options mode = {2, 7, 0, 0};
  EXPECT_EQ(kiln_batcher_create(&t.ds, &mode), nullptr);
  EXPECT_EQ(kiln_batcher_create(nullptr, &mode), nullptr);
  Batcher b(&t.ds, 2, KILN_LAST_BATCH_DROP, 0, 0);
  kiln_tensor x, y;
  EXPECT_EQ(kiln_batcher_get(b.b, 2, &x, &y, nullptr),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "batch 2 outside [0, 2)"), nullptr);
  EXPECT_EQ(kiln_batcher_get(b.b, 1, &x, &y, nullptr), KILN_OK);
  EXPECT_EQ(kiln_batcher_set_epoch(b.b, -1), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_batcher_num_batches(nullptr), -1);
  kiln_batcher_destroy(nullptr);
}
