//===- IdxTest.cpp - IDX (MNIST-style) loader -----------------------------===//

#include "TestUtil.h"

#include <cstring>

#include <zlib.h>

using namespace kiln::test;

namespace {

const std::string kFashion = KILN_FASHION_MNIST_DIR;

#define SKIP_WITHOUT_FASHION_MNIST()                                           \
  do {                                                                         \
    if (!std::filesystem::exists(kFashion + "/train-labels-idx1-ubyte.gz"))    \
      GTEST_SKIP() << "Fashion-MNIST not found in " << kFashion;               \
  } while (0)

std::vector<uint8_t> gunzip(const std::string &path) {
  std::vector<uint8_t> out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f)
    return out;
  uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0)
    out.insert(out.end(), buf, buf + n);
  gzclose(f);
  return out;
}

void gzipTo(const std::string &path, const std::vector<uint8_t> &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), (unsigned)bytes.size()),
            (int)bytes.size());
  ASSERT_EQ(gzclose(f), Z_OK);
}

// An IDX file: header, then `values` as big-endian elements of `size` bytes.
std::vector<uint8_t> idxFile(uint8_t type, std::vector<uint32_t> dims,
                             const void *values, size_t count, size_t size) {
  std::vector<uint8_t> b = {0, 0, type, (uint8_t)dims.size()};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8)
      b.push_back((uint8_t)(d >> s));
  const auto *v = static_cast<const uint8_t *>(values);
  for (size_t i = 0; i < count; ++i)
    for (size_t k = 0; k < size; ++k)
      b.push_back(v[i * size + (size - 1 - k)]);
  return b;
}

void expectIdxError(const std::string &path, const char *message) {
  Tensor t;
  EXPECT_NE(kiln_idx_read(path.c_str(), t.get()), KILN_OK);
  EXPECT_EQ(t->data, nullptr);
  EXPECT_NE(std::strstr(kiln_last_error(), message), nullptr)
      << kiln_last_error();
  EXPECT_NE(std::strstr(kiln_last_error(), path.c_str()), nullptr)
      << kiln_last_error();
}

} // namespace

TEST(Idx, ReadsFashionMnistTrainSet) {
  SKIP_WITHOUT_FASHION_MNIST();
  Tensor images, labels;
  ASSERT_EQ(kiln_idx_read((kFashion + "/train-images-idx3-ubyte.gz").c_str(),
                          images.get()),
            KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(kiln_idx_read((kFashion + "/train-labels-idx1-ubyte.gz").c_str(),
                          labels.get()),
            KILN_OK)
      << kiln_last_error();
  EXPECT_EQ(images->dtype, KILN_UINT8);
  ASSERT_EQ(images->rank, 3);
  EXPECT_EQ(images->shape[0], 60000);
  EXPECT_EQ(images->shape[1], 28);
  EXPECT_EQ(images->shape[2], 28);
  EXPECT_EQ(labels->dtype, KILN_UINT8);
  ASSERT_EQ(labels->rank, 1);
  ASSERT_EQ(labels->shape[0], 60000);
  // Fashion-MNIST's training set is balanced: 6000 images per class.
  int64_t counts[10] = {};
  for (int64_t i = 0; i < 60000; ++i) {
    uint8_t l = labels.as<uint8_t>()[i];
    ASSERT_LT(l, 10) << i;
    counts[l]++;
  }
  for (int c = 0; c < 10; ++c)
    EXPECT_EQ(counts[c], 6000) << "class " << c;
  // Real images: mostly dark background, some bright pixels, in every image
  // we sample.
  for (int64_t img : {0, 1, 29999, 59999}) {
    const uint8_t *p = images.as<uint8_t>() + img * 784;
    int bright = 0, dark = 0;
    for (int i = 0; i < 784; ++i) {
      bright += p[i] > 128;
      dark += p[i] == 0;
    }
    EXPECT_GT(bright, 20) << img;
    EXPECT_GT(dark, 50) << img;
  }
}

TEST(Idx, ReadsFashionMnistTestSet) {
  SKIP_WITHOUT_FASHION_MNIST();
  Tensor images, labels;
  ASSERT_EQ(kiln_idx_read((kFashion + "/t10k-images-idx3-ubyte.gz").c_str(),
                          images.get()),
            KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(kiln_idx_read((kFashion + "/t10k-labels-idx1-ubyte.gz").c_str(),
                          labels.get()),
            KILN_OK)
      << kiln_last_error();
  EXPECT_EQ(images->shape[0], 10000);
  EXPECT_EQ(images->shape[1], 28);
  ASSERT_EQ(labels->shape[0], 10000);
  int64_t counts[10] = {};
  for (int64_t i = 0; i < 10000; ++i) {
    ASSERT_LT(labels.as<uint8_t>()[i], 10);
    counts[labels.as<uint8_t>()[i]]++;
  }
  for (int c = 0; c < 10; ++c)
    EXPECT_EQ(counts[c], 1000) << "class " << c;
}

TEST(Idx, UncompressedAndGzipGiveSameTensor) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::vector<uint8_t> raw = gunzip(kFashion + "/t10k-labels-idx1-ubyte.gz");
  ASSERT_EQ(raw.size(), 8u + 10000u);
  // A .gz name on an uncompressed file must not matter: detection is by
  // content.
  std::string plain = dir.file("labels.idx.gz");
  writeBytes(plain, raw);
  Tensor a, b;
  ASSERT_EQ(kiln_idx_read(plain.c_str(), a.get()), KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(
      kiln_idx_read((kFashion + "/t10k-labels-idx1-ubyte.gz").c_str(), b.get()),
      KILN_OK);
  ASSERT_EQ(a->shape[0], 10000);
  EXPECT_EQ(std::memcmp(a->data, raw.data() + 8, 10000), 0);
  EXPECT_EQ(std::memcmp(a->data, b->data, 10000), 0);
}

TEST(Idx, EveryTypeCodeAndRank) {
  TempDir dir;
  std::string path = dir.file("t.idx");
  std::string gzPath = dir.file("t.idx.gz");
  const uint8_t u8[] = {0, 1, 127, 128, 255, 42};
  const int8_t i8[] = {-128, -1, 0, 1, 127, 5};
  const int16_t i16[] = {-32768, -2, 0, 300, 32767, 7};
  const int32_t i32[] = {INT32_MIN, -70000, 0, 1, INT32_MAX, 9};
  const float f32[] = {-1.5f, 0.f, 3.25f, 1e-30f, -1e30f, 6.f};
  const double f64[] = {-1.5, 0.1, 3.25, 1e-300, -1e300, 6.0};
  struct {
    uint8_t code;
    int32_t dtype;
    const void *values;
    size_t size;
  } types[] = {{0x08, KILN_UINT8, u8, 1},  {0x09, KILN_INT8, i8, 1},
               {0x0B, KILN_INT16, i16, 2}, {0x0C, KILN_INT32, i32, 4},
               {0x0D, KILN_FLOAT, f32, 4}, {0x0E, KILN_DOUBLE, f64, 8}};
  const std::vector<std::vector<uint32_t>> shapes = {
      {6}, {2, 3}, {3, 1, 2}, {1, 2, 3, 1}};
  for (auto &ty : types) {
    for (auto &dims : shapes) {
      SCOPED_TRACE(std::string(kiln_dtype_name(ty.dtype)) + " rank " +
                   std::to_string(dims.size()));
      auto bytes = idxFile(ty.code, dims, ty.values, 6, ty.size);
      writeBytes(path, bytes);
      gzipTo(gzPath, bytes);
      for (const std::string &p : {path, gzPath}) {
        Tensor t;
        ASSERT_EQ(kiln_idx_read(p.c_str(), t.get()), KILN_OK)
            << kiln_last_error();
        EXPECT_EQ(t->dtype, ty.dtype);
        ASSERT_EQ(t->rank, (int32_t)dims.size());
        for (size_t i = 0; i < dims.size(); ++i)
          EXPECT_EQ(t->shape[i], dims[i]);
        // Converted from big-endian to host order.
        EXPECT_EQ(std::memcmp(t->data, ty.values, 6 * ty.size), 0);
      }
    }
  }
}

TEST(Idx, TruncatedAndCorruptFiles) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::vector<uint8_t> raw = gunzip(kFashion + "/t10k-labels-idx1-ubyte.gz");
  ASSERT_EQ(raw.size(), 10008u);

  std::string cut = dir.file("cut-labels-idx1-ubyte");
  writeBytes(cut, raw.data(), 5008);
  expectIdxError(cut, "expected 10000 bytes, got 5000");

  std::string cutGz = dir.file("cut-labels-idx1-ubyte.gz");
  gzipTo(cutGz, std::vector<uint8_t>(raw.begin(), raw.begin() + 5008));
  expectIdxError(cutGz, "expected 10000 bytes, got 5000");

  writeBytes(cut, raw.data(), 6);
  expectIdxError(cut, "truncated dims: expected 4 bytes, got 2");
  writeBytes(cut, raw.data(), 2);
  expectIdxError(cut, "truncated header: expected 4 bytes, got 2");

  std::vector<uint8_t> longer = raw;
  longer.push_back(0);
  std::string extra = dir.file("extra-idx1-ubyte");
  writeBytes(extra, longer);
  expectIdxError(extra, "unexpected bytes after the 10000 data bytes");

  // A gzip stream cut in the middle: zlib reports the early end.
  auto gz = readBytes(kFashion + "/t10k-labels-idx1-ubyte.gz");
  ASSERT_GT(gz.size(), 1000u);
  std::string halfGz = dir.file("half.gz");
  writeBytes(halfGz, gz.data(), gz.size() / 2);
  expectIdxError(halfGz, "half.gz");

  // Corrupt deflate data (or, failing that, the CRC check at the end).
  std::string badGz = dir.file("corrupt.gz");
  for (size_t pos : {gz.size() / 3, gz.size() / 2, gz.size() - 6}) {
    std::vector<uint8_t> bad = gz;
    bad[pos] ^= 0x5a;
    writeBytes(badGz, bad);
    SCOPED_TRACE(pos);
    expectIdxError(badGz, "corrupt.gz");
  }
}

TEST(Idx, RejectsBadHeaders) {
  TempDir dir;
  std::string path = dir.file("h.idx");
  const uint8_t v[4] = {1, 2, 3, 4};
  auto write = [&](std::vector<uint8_t> b) { writeBytes(path, b); };
  write({1, 0, 8, 1, 0, 0, 0, 1, 9});
  expectIdxError(path, "not an IDX file");
  write({0, 0, 0x0A, 1, 0, 0, 0, 1, 9});
  expectIdxError(path, "unknown IDX type code 0x0a");
  write({0, 0, 8, 0});
  expectIdxError(path, "0 dims");
  write(idxFile(8, {1, 1, 1, 1, 4}, v, 4, 1));
  expectIdxError(path, "5 dims");
  write({0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff, 0xff});
  expectIdxError(path, "too large");
  write({});
  expectIdxError(path, "expected 4 bytes, got 0");
  expectIdxError(dir.file("missing.idx"), "cannot open");
  Tensor t;
  EXPECT_NE(kiln_idx_read(nullptr, t.get()), KILN_OK);
  EXPECT_NE(kiln_idx_read(path.c_str(), nullptr), KILN_OK);
}
