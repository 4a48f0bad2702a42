//===- AugmentTest.cpp - seeded image augmentation ------------------------===//

#include "TestUtil.h"

#include "kiln/preprocess.h"

#include <cmath>
#include <cstring>
#include <set>
#include <utility>

using namespace kiln::test;

namespace {

// N images [C, H, W] with distinct pixel values (1 + index), so every
// movement of a pixel is visible.
void makeImages(Tensor &t, int64_t n, int64_t c, int64_t h, int64_t w) {
  int64_t shape4[4] = {n, c, h, w}, shape3[3] = {n, h, w};
  if (c == 0)
    ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_FLOAT, 3, shape3), KILN_OK);
  else
    ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_FLOAT, 4, shape4), KILN_OK);
  for (int64_t i = 0; i < kiln_tensor_numel(t.get()); ++i)
    t.as<float>()[i] = (float)(1 + i);
}

kiln_augment_options none() { return kiln_augment_options{0, 0, 0, 0}; }

// Pixel (y, x) of channel plane `p` (plane index counts images and
// channels together).
float px(Tensor &t, int64_t p, int64_t y, int64_t x, int64_t h, int64_t w) {
  return t.as<float>()[(p * h + y) * w + x];
}

} // namespace

TEST(Augment, NothingEnabledIsIdentity) {
  Tensor a, b;
  makeImages(a, 5, 3, 4, 6);
  makeImages(b, 5, 3, 4, 6);
  kiln_augment_options o = none();
  ASSERT_EQ(kiln_augment_images(a.get(), &o, 1), KILN_OK) << kiln_last_error();
  EXPECT_EQ(std::memcmp(a->data, b->data, a.nbytes()), 0);
}

TEST(Augment, FlipMirrorsRowsOfEveryChannel) {
  Tensor a, orig;
  makeImages(a, 4, 2, 3, 5);
  makeImages(orig, 4, 2, 3, 5);
  kiln_augment_options o = none();
  o.flip_probability = 1;
  ASSERT_EQ(kiln_augment_images(a.get(), &o, 7), KILN_OK);
  for (int64_t p = 0; p < 8; ++p)
    for (int64_t y = 0; y < 3; ++y)
      for (int64_t x = 0; x < 5; ++x)
        ASSERT_EQ(px(a, p, y, x, 3, 5), px(orig, p, y, 4 - x, 3, 5));

  // With p = 0.5 each image is either unchanged or mirrored, both occur,
  // and the channels of one image are flipped together.
  Tensor h;
  makeImages(h, 64, 2, 2, 3);
  Tensor h0;
  makeImages(h0, 64, 2, 2, 3);
  o.flip_probability = 0.5f;
  ASSERT_EQ(kiln_augment_images(h.get(), &o, 3), KILN_OK);
  int flipped = 0;
  for (int64_t i = 0; i < 64; ++i) {
    bool f[2];
    for (int64_t c = 0; c < 2; ++c) {
      int64_t p = i * 2 + c;
      f[c] = px(h, p, 0, 0, 2, 3) == px(h0, p, 0, 2, 2, 3);
      for (int64_t y = 0; y < 2; ++y)
        for (int64_t x = 0; x < 3; ++x)
          ASSERT_EQ(px(h, p, y, x, 2, 3), px(h0, p, y, f[c] ? 2 - x : x, 2, 3));
    }
    EXPECT_EQ(f[0], f[1]) << i;
    flipped += f[0];
  }
  EXPECT_GT(flipped, 16);
  EXPECT_LT(flipped, 48);
}

// Each image is the original shifted by whole pixels (dy, dx) in
// [-pad, pad]^2 with zeros brought in; find that shift and check it.
TEST(Augment, CropWithPaddingIsAWholePixelShift) {
  const int64_t n = 200, h = 5, w = 6, pad = 2;
  Tensor a, orig;
  makeImages(a, n, 0, h, w);
  makeImages(orig, n, 0, h, w);
  kiln_augment_options o = none();
  o.crop_padding = pad;
  ASSERT_EQ(kiln_augment_images(a.get(), &o, 11), KILN_OK);
  std::set<std::pair<int64_t, int64_t>> seen;
  for (int64_t i = 0; i < n; ++i) {
    int matches = 0;
    for (int64_t dy = -pad; dy <= pad; ++dy)
      for (int64_t dx = -pad; dx <= pad; ++dx) {
        bool same = true;
        for (int64_t y = 0; y < h && same; ++y)
          for (int64_t x = 0; x < w && same; ++x) {
            int64_t sy = y + dy, sx = x + dx;
            float want = sy >= 0 && sy < h && sx >= 0 && sx < w
                             ? px(orig, i, sy, sx, h, w)
                             : 0.0f;
            same = px(a, i, y, x, h, w) == want;
          }
        if (same) {
          ++matches;
          seen.insert({dy, dx});
        }
      }
    ASSERT_EQ(matches, 1) << "image " << i;
  }
  // All 25 offsets occur over 200 images (each has probability 1/25).
  EXPECT_EQ(seen.size(), 25u);
}

TEST(Augment, RotationKeepsTheCenterAndTurnsAnOffCenterPixel) {
  // 9x9 single-pixel images: the center (4, 4) is a fixed point of any
  // rotation about the center, and with bilinear sampling its value is
  // kept exactly.
  const int64_t n = 50, s = 9;
  Tensor a;
  int64_t shape[3] = {n, s, s};
  ASSERT_EQ(kiln_tensor_alloc(a.get(), KILN_FLOAT, 3, shape), KILN_OK);
  for (int64_t i = 0; i < n; ++i)
    a.as<float>()[i * s * s + 4 * s + 4] = 1.0f;
  kiln_augment_options o = none();
  o.max_rotate_degrees = 30;
  ASSERT_EQ(kiln_augment_images(a.get(), &o, 5), KILN_OK);
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_FLOAT_EQ(px(a, i, 4, 4, s, s), 1.0f);
    float sum = 0;
    for (int64_t k = 0; k < s * s; ++k)
      sum += a.as<float>()[i * s * s + k];
    // Inverse-mapped bilinear sampling on a rotated grid does not conserve
    // mass exactly: each of the 4 axis neighbours of the center samples the
    // source at distance 1 along a direction turned by the angle t, giving
    // weight (1 - cos t)(1 - sin t); the diagonal ones land beyond the
    // source's neighbours. So sum = 1 + 4 (1 - cos t)(1 - |sin t|), which
    // is at most 1.268 for |t| <= 30 degrees.
    EXPECT_GE(sum, 1.0f - 1e-5f);
    EXPECT_LE(sum, 1.268f);
  }
  // A pixel 3 right of the center: after a rotation by at most 30 degrees
  // its mass stays at radius ~3 and its angle changes by at most 30
  // degrees, and over 50 images it moves (angles differ).
  Tensor b;
  ASSERT_EQ(kiln_tensor_alloc(b.get(), KILN_FLOAT, 3, shape), KILN_OK);
  for (int64_t i = 0; i < n; ++i)
    b.as<float>()[i * s * s + 4 * s + 7] = 1.0f;
  ASSERT_EQ(kiln_augment_images(b.get(), &o, 6), KILN_OK);
  std::set<int64_t> rows;
  for (int64_t i = 0; i < n; ++i) {
    double my = 0, mx = 0, m = 0;
    for (int64_t y = 0; y < s; ++y)
      for (int64_t x = 0; x < s; ++x) {
        double v = px(b, i, y, x, s, s);
        my += v * (y - 4);
        mx += v * (x - 4);
        m += v;
      }
    my /= m;
    mx /= m;
    double angle = std::atan2(my, mx) * 180 / M_PI;
    EXPECT_LE(std::fabs(angle), 30.5) << i;
    EXPECT_NEAR(std::hypot(my, mx), 3.0, 0.35) << i;
    rows.insert(std::lround(my));
  }
  EXPECT_GE(rows.size(), 3u);
}

TEST(Augment, TranslationMovesMassByAtMostTheLimit) {
  const int64_t n = 50, s = 11;
  Tensor a;
  int64_t shape[3] = {n, s, s};
  ASSERT_EQ(kiln_tensor_alloc(a.get(), KILN_FLOAT, 3, shape), KILN_OK);
  for (int64_t i = 0; i < n; ++i)
    a.as<float>()[i * s * s + 5 * s + 5] = 1.0f;
  kiln_augment_options o = none();
  o.max_translate = 2;
  ASSERT_EQ(kiln_augment_images(a.get(), &o, 9), KILN_OK);
  double maxShift = 0;
  for (int64_t i = 0; i < n; ++i) {
    double my = 0, mx = 0, m = 0;
    for (int64_t y = 0; y < s; ++y)
      for (int64_t x = 0; x < s; ++x) {
        double v = px(a, i, y, x, s, s);
        my += v * (y - 5);
        mx += v * (x - 5);
        m += v;
      }
    EXPECT_NEAR(m, 1.0, 1e-5); // bilinear weights sum to 1 inside
    EXPECT_LE(std::fabs(my / m), 2.0 + 1e-5);
    EXPECT_LE(std::fabs(mx / m), 2.0 + 1e-5);
    maxShift = std::max(maxShift, std::fabs(mx / m));
  }
  EXPECT_GT(maxShift, 1.0); // it does move
}

TEST(Augment, SeededAndIndependentOfThreadCount) {
  kiln_augment_options o = {0.5f, 2, 1.5f, 15};
  Tensor a, b, c;
  makeImages(a, 40, 3, 8, 8);
  makeImages(b, 40, 3, 8, 8);
  makeImages(c, 40, 3, 8, 8);
  int threads = kiln_get_num_threads();
  ASSERT_EQ(kiln_set_num_threads(1), KILN_OK);
  ASSERT_EQ(kiln_augment_images(a.get(), &o, 42), KILN_OK);
  ASSERT_EQ(kiln_set_num_threads(4), KILN_OK);
  ASSERT_EQ(kiln_augment_images(b.get(), &o, 42), KILN_OK);
  ASSERT_EQ(kiln_augment_images(c.get(), &o, 43), KILN_OK);
  ASSERT_EQ(kiln_set_num_threads(threads), KILN_OK);
  EXPECT_EQ(std::memcmp(a->data, b->data, a.nbytes()), 0);
  EXPECT_NE(std::memcmp(a->data, c->data, a.nbytes()), 0);
}

TEST(Augment, RejectsBadArguments) {
  Tensor a;
  makeImages(a, 2, 1, 4, 4);
  kiln_augment_options o = none();
  o.flip_probability = 1.5f;
  EXPECT_EQ(kiln_augment_images(a.get(), &o, 0), KILN_ERROR_INVALID_ARGUMENT);
  o = none();
  o.crop_padding = -1;
  EXPECT_EQ(kiln_augment_images(a.get(), &o, 0), KILN_ERROR_INVALID_ARGUMENT);
  o = none();
  o.max_rotate_degrees = NAN;
  EXPECT_EQ(kiln_augment_images(a.get(), &o, 0), KILN_ERROR_INVALID_ARGUMENT);
  Tensor flat;
  int64_t shape[2] = {2, 16};
  ASSERT_EQ(kiln_tensor_alloc(flat.get(), KILN_FLOAT, 2, shape), KILN_OK);
  o = none();
  EXPECT_EQ(kiln_augment_images(flat.get(), &o, 0),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "rank 2"), nullptr);
  EXPECT_EQ(kiln_augment_images(a.get(), nullptr, 0),
            KILN_ERROR_INVALID_ARGUMENT);
}
