//===- DatasetTest.cpp - dataset readers, gather, shuffle, split ----------===//

#include "TestUtil.h"

#include "kiln/data.h"
#include "kiln/preprocess.h"

#include <algorithm>
#include <cstring>
#include <set>

#include <zlib.h>

using namespace kiln::test;

namespace {

// kiln_dataset freed on scope exit.
struct Dataset {
  kiln_dataset d{};
  Dataset() = default;
  Dataset(const Dataset &) = delete;
  Dataset &operator=(const Dataset &) = delete;
  ~Dataset() { kiln_dataset_free(&d); }
  kiln_dataset *get() { return &d; }
  kiln_dataset *operator->() { return &d; }
  float *x() { return static_cast<float *>(d.features.data); }
  int64_t *y() { return static_cast<int64_t *>(d.labels.data); }
};

// Runs `read` and expects a failure whose message contains every one of
// `parts` (the file name, the position, the reason), with *out zeroed.
template <typename ReadFn>
void expectError(ReadFn read, std::initializer_list<std::string> parts,
                 kiln_status expected = KILN_ERROR_FORMAT) {
  Dataset ds;
  kiln_clear_error();
  EXPECT_EQ(read(ds.get()), expected) << kiln_last_error();
  EXPECT_EQ(ds->features.data, nullptr);
  EXPECT_EQ(ds->labels.data, nullptr);
  for (const std::string &p : parts)
    EXPECT_NE(std::strstr(kiln_last_error(), p.c_str()), nullptr)
        << "missing '" << p << "' in: " << kiln_last_error();
}

std::vector<uint8_t> idxHeader(uint8_t type, std::vector<uint32_t> dims) {
  std::vector<uint8_t> b = {0, 0, type, (uint8_t)dims.size()};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8)
      b.push_back((uint8_t)(d >> s));
  return b;
}

void gzipTo(const std::string &path, const std::vector<uint8_t> &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), (unsigned)bytes.size()),
            (int)bytes.size());
  ASSERT_EQ(gzclose(f), Z_OK);
}

// n 2x3 "images" whose pixels are 10*i + k, and labels i % 4.
void writeIdxPair(const std::string &images, const std::string &labels,
                  uint32_t n, uint32_t nLabels, bool gz) {
  std::vector<uint8_t> img = idxHeader(0x08, {n, 2, 3});
  for (uint32_t i = 0; i < n; ++i)
    for (int k = 0; k < 6; ++k)
      img.push_back((uint8_t)(10 * i + k));
  std::vector<uint8_t> lab = idxHeader(0x08, {nLabels});
  for (uint32_t i = 0; i < nLabels; ++i)
    lab.push_back((uint8_t)(i % 4));
  if (gz) {
    gzipTo(images, img);
    gzipTo(labels, lab);
  } else {
    writeBytes(images, img);
    writeBytes(labels, lab);
  }
}

// One CIFAR-10 record: label, then 3072 bytes with pixel (c, h, w) equal to
// (seed + c * 50 + h + w) % 256, so channel order and layout are checkable.
void appendCifarRecord(std::vector<uint8_t> &b, uint8_t label, int seed) {
  b.push_back(label);
  for (int c = 0; c < 3; ++c)
    for (int h = 0; h < 32; ++h)
      for (int w = 0; w < 32; ++w)
        b.push_back((uint8_t)((seed + c * 50 + h + w) % 256));
}

} // namespace

//===-- from_tensors, reshape ---------------------------------------------===//

TEST(Dataset, FromTensorsConvertsDtypes) {
  Tensor f, l;
  int64_t fs[2] = {3, 2}, ls[1] = {3};
  ASSERT_EQ(kiln_tensor_alloc(f.get(), KILN_INT16, 2, fs), KILN_OK);
  ASSERT_EQ(kiln_tensor_alloc(l.get(), KILN_UINT8, 1, ls), KILN_OK);
  const int16_t fv[6] = {-3, 0, 7, 300, -32768, 1};
  std::memcpy(f->data, fv, sizeof(fv));
  const uint8_t lv[3] = {2, 0, 255};
  std::memcpy(l->data, lv, sizeof(lv));
  Dataset ds;
  ASSERT_EQ(kiln_dataset_from_tensors(f.get(), l.get(), ds.get()), KILN_OK)
      << kiln_last_error();
  EXPECT_EQ(kiln_dataset_size(ds.get()), 3);
  EXPECT_EQ(ds->features.dtype, KILN_FLOAT);
  ASSERT_EQ(ds->features.rank, 2);
  EXPECT_EQ(ds->features.shape[1], 2);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(ds.x()[i], (float)fv[i]);
  EXPECT_EQ(ds->labels.dtype, KILN_INT64);
  EXPECT_EQ(ds.y()[0], 2);
  EXPECT_EQ(ds.y()[2], 255);

  Tensor badLabels, halfs;
  int64_t two = 2;
  ASSERT_EQ(kiln_tensor_alloc(badLabels.get(), KILN_INT32, 1, &two), KILN_OK);
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_from_tensors(f.get(), badLabels.get(), o);
      },
      {"2 labels for 3 samples"});
  ASSERT_EQ(kiln_tensor_alloc(halfs.get(), KILN_FLOAT, 1, ls), KILN_OK);
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_from_tensors(f.get(), halfs.get(), o);
      },
      {"labels must have an integer dtype, not float32"},
      KILN_ERROR_UNSUPPORTED);
  EXPECT_EQ(kiln_dataset_size(nullptr), -1);
}

TEST(Dataset, Reshape) {
  TempDir dir;
  std::string img = dir.file("i.idx"), lab = dir.file("l.idx");
  writeIdxPair(img, lab, 4, 4, false);
  Dataset ds;
  ASSERT_EQ(kiln_dataset_read_idx(img.c_str(), lab.c_str(), ds.get()), KILN_OK);
  const int64_t nchw[3] = {1, 2, 3}, flat[1] = {6}, wrong[1] = {5};
  ASSERT_EQ(kiln_dataset_reshape(ds.get(), 3, nchw), KILN_OK);
  EXPECT_EQ(ds->features.rank, 4);
  EXPECT_EQ(ds->features.shape[0], 4);
  EXPECT_EQ(ds->features.shape[1], 1);
  ASSERT_EQ(kiln_dataset_reshape(ds.get(), 1, flat), KILN_OK);
  EXPECT_EQ(ds->features.rank, 2);
  EXPECT_EQ(ds->features.shape[1], 6);
  EXPECT_EQ(ds->features.shape[2], 0);
  EXPECT_EQ(kiln_dataset_reshape(ds.get(), 1, wrong),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "6 elements"), nullptr);
  EXPECT_EQ(ds->features.shape[1], 6); // unchanged after the failure
}

//===-- IDX ---------------------------------------------------------------===//

TEST(DatasetIdx, ReadsPlainAndGzip) {
  TempDir dir;
  for (bool gz : {false, true}) {
    SCOPED_TRACE(gz ? "gzip" : "plain");
    std::string img = dir.file("images"), lab = dir.file("labels");
    writeIdxPair(img, lab, 5, 5, gz);
    Dataset ds;
    ASSERT_EQ(kiln_dataset_read_idx(img.c_str(), lab.c_str(), ds.get()),
              KILN_OK)
        << kiln_last_error();
    ASSERT_EQ(ds->features.rank, 3);
    EXPECT_EQ(ds->features.shape[0], 5);
    EXPECT_EQ(ds->features.shape[1], 2);
    EXPECT_EQ(ds->features.shape[2], 3);
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(ds.y()[i], i % 4);
      for (int k = 0; k < 6; ++k)
        EXPECT_EQ(ds.x()[i * 6 + k], (float)(10 * i + k));
    }
  }
}

TEST(DatasetIdx, BadFiles) {
  TempDir dir;
  std::string img = dir.file("imgs-idx3"), lab = dir.file("labs-idx1");
  auto read = [&](kiln_dataset *o) {
    return kiln_dataset_read_idx(img.c_str(), lab.c_str(), o);
  };
  // Label count not matching image count: both files and counts named.
  writeIdxPair(img, lab, 5, 4, false);
  expectError(read, {"'" + lab + "' has 4 labels", "'" + img + "' has 5"});
  writeIdxPair(img, lab, 5, 6, true);
  expectError(read, {"6 labels", "5 images"});

  // Wrong magic number in either file.
  writeIdxPair(img, lab, 3, 3, false);
  auto bytes = readBytes(img);
  bytes[0] = 0x1f;
  bytes[1] = 0x00;
  writeBytes(img, bytes);
  expectError(read, {img, "not an IDX file (magic 1f 00"});
  writeIdxPair(img, lab, 3, 3, false);
  bytes = readBytes(lab);
  bytes[2] = 0x42;
  writeBytes(lab, bytes);
  expectError(read, {lab, "unknown IDX type code 0x42"});

  // Truncated image data: the byte counts locate the cut.
  writeIdxPair(img, lab, 3, 3, false);
  bytes = readBytes(img);
  bytes.resize(bytes.size() - 4);
  writeBytes(img, bytes);
  // Header 4 bytes + 3 dims * 4 = 16, then 14 of the 18 data bytes: the
  // file ends at offset 30.
  expectError(read, {img, "truncated data: expected 18 bytes, got 14 (the "
                          "IDX data end at offset 30)"});

  // Labels with two dims.
  writeIdxPair(img, lab, 3, 3, false);
  std::vector<uint8_t> lab2 = idxHeader(0x08, {3, 1});
  lab2.insert(lab2.end(), {1, 2, 3});
  writeBytes(lab, lab2);
  expectError(read, {lab, "a label file has 1 dim, this one 2"});

  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_idx(dir.file("none").c_str(), lab.c_str(), o);
      },
      {dir.file("none"), "cannot open"}, KILN_ERROR_IO);
  EXPECT_EQ(kiln_dataset_read_idx(nullptr, lab.c_str(), nullptr),
            KILN_ERROR_INVALID_ARGUMENT);
}

TEST(DatasetIdx, FashionMnistIfInstalled) {
  const std::string dir = KILN_FASHION_MNIST_DIR;
  if (!std::filesystem::exists(dir + "/t10k-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Fashion-MNIST not installed in " << dir
                 << " (Debian package dataset-fashion-mnist); the generated "
                    "files above cover the reader";
  Dataset ds;
  ASSERT_EQ(kiln_dataset_read_idx((dir + "/t10k-images-idx3-ubyte.gz").c_str(),
                                  (dir + "/t10k-labels-idx1-ubyte.gz").c_str(),
                                  ds.get()),
            KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(ds->features.rank, 3);
  EXPECT_EQ(ds->features.shape[0], 10000);
  EXPECT_EQ(ds->features.shape[1], 28);
  EXPECT_EQ(ds->features.shape[2], 28);
  int64_t counts[10] = {};
  float maxPixel = 0;
  for (int64_t i = 0; i < 10000; ++i) {
    ASSERT_GE(ds.y()[i], 0);
    ASSERT_LT(ds.y()[i], 10);
    counts[ds.y()[i]]++;
  }
  for (int64_t i = 0; i < 10000 * 784; ++i)
    maxPixel = std::max(maxPixel, ds.x()[i]);
  for (int c = 0; c < 10; ++c)
    EXPECT_EQ(counts[c], 1000);
  EXPECT_EQ(maxPixel, 255.0f); // raw values, not scaled by the reader
}

//===-- CIFAR-10 ----------------------------------------------------------===//

TEST(DatasetCifar, ReadsAndConcatenatesBatches) {
  TempDir dir;
  std::vector<uint8_t> a, b;
  appendCifarRecord(a, 3, 0);
  appendCifarRecord(a, 9, 7);
  appendCifarRecord(b, 0, 100);
  std::string pa = dir.file("data_batch_1.bin"), pb = dir.file("test.bin");
  writeBytes(pa, a);
  writeBytes(pb, b);
  const char *paths[2] = {pa.c_str(), pb.c_str()};
  Dataset ds;
  ASSERT_EQ(kiln_dataset_read_cifar10(paths, 2, ds.get()), KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(ds->features.rank, 4);
  EXPECT_EQ(ds->features.shape[0], 3);
  EXPECT_EQ(ds->features.shape[1], 3);
  EXPECT_EQ(ds->features.shape[2], 32);
  EXPECT_EQ(ds->features.shape[3], 32);
  EXPECT_EQ(ds.y()[0], 3);
  EXPECT_EQ(ds.y()[1], 9);
  EXPECT_EQ(ds.y()[2], 0);
  const int seeds[3] = {0, 7, 100};
  for (int i = 0; i < 3; ++i)
    for (int c = 0; c < 3; ++c)
      for (int h : {0, 5, 31})
        for (int w : {0, 17, 31})
          EXPECT_EQ(ds.x()[((i * 3 + c) * 32 + h) * 32 + w],
                    (float)((seeds[i] + c * 50 + h + w) % 256))
              << i << " " << c << " " << h << " " << w;
}

TEST(DatasetCifar, BadFiles) {
  TempDir dir;
  std::string p = dir.file("data_batch_2.bin");
  const char *paths[1] = {p.c_str()};
  auto read = [&](kiln_dataset *o) {
    return kiln_dataset_read_cifar10(paths, 1, o);
  };
  std::vector<uint8_t> b;
  appendCifarRecord(b, 1, 0);
  appendCifarRecord(b, 2, 0);
  appendCifarRecord(b, 3, 0);
  // Cut inside the third record (which starts at 2 * 3073 = 6146).
  std::vector<uint8_t> cut(b.begin(), b.begin() + 6146 + 100);
  writeBytes(p, cut);
  expectError(read, {p, "truncated record 2 at offset 6146: 100 of 3073"});
  // A label byte out of range: record 1 at offset 3073.
  std::vector<uint8_t> bad = b;
  bad[3073] = 10;
  writeBytes(p, bad);
  expectError(read, {p, "record 1 (offset 3073): label 10 outside 0..9"});
  writeBytes(p, std::string());
  expectError(read, {p, "empty file"});
  std::string missing = dir.file("missing.bin");
  const char *two[2] = {p.c_str(), missing.c_str()};
  writeBytes(p, b);
  expectError(
      [&](kiln_dataset *o) { return kiln_dataset_read_cifar10(two, 2, o); },
      {missing, "cannot open"}, KILN_ERROR_IO);
  expectError(
      [&](kiln_dataset *o) { return kiln_dataset_read_cifar10(paths, 0, o); },
      {"no files"}, KILN_ERROR_INVALID_ARGUMENT);
}

//===-- CSV ---------------------------------------------------------------===//

TEST(DatasetCsv, HeaderLabelColumnAndLineEnds) {
  TempDir dir;
  std::string p = dir.file("iris.csv");
  // Header, CRLF line ends, a blank line, spaces, exponent and sign forms.
  writeBytes(p, "a,label,b\r\n"
                "1.5, 2 ,-3\r\n"
                "\r\n"
                "+4,0,5e-1\r\n"
                " 7 ,1,  .25\n");
  kiln_csv_options opts = {1, 1, 0};
  Dataset ds;
  ASSERT_EQ(kiln_dataset_read_csv(p.c_str(), &opts, ds.get()), KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(ds->features.rank, 2);
  ASSERT_EQ(ds->features.shape[0], 3);
  ASSERT_EQ(ds->features.shape[1], 2);
  const float x[6] = {1.5f, -3.f, 4.f, 0.5f, 7.f, 0.25f};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(ds.x()[i], x[i]) << i;
  EXPECT_EQ(ds.y()[0], 2);
  EXPECT_EQ(ds.y()[1], 0);
  EXPECT_EQ(ds.y()[2], 1);

  // Defaults: no header, label last. Negative index -3 = first of 3.
  writeBytes(p, "1;2;3\n4;5;6");
  Dataset last, first;
  kiln_csv_options semi = {0, -1, ';'};
  ASSERT_EQ(kiln_dataset_read_csv(p.c_str(), &semi, last.get()), KILN_OK)
      << kiln_last_error();
  EXPECT_EQ(last.y()[1], 6);
  EXPECT_EQ(last.x()[3], 5.f);
  semi.label_column = -3;
  ASSERT_EQ(kiln_dataset_read_csv(p.c_str(), &semi, first.get()), KILN_OK);
  EXPECT_EQ(first.y()[0], 1);
  EXPECT_EQ(first.x()[0], 2.f);
  writeBytes(p, "1,2,3\n");
  Dataset dflt;
  ASSERT_EQ(kiln_dataset_read_csv(p.c_str(), nullptr, dflt.get()), KILN_OK);
  EXPECT_EQ(dflt.y()[0], 3);
}

TEST(DatasetCsv, BadFiles) {
  TempDir dir;
  std::string p = dir.file("bad.csv");
  kiln_csv_options header = {1, -1, ','};
  auto read = [&](kiln_dataset *o) {
    return kiln_dataset_read_csv(p.c_str(), &header, o);
  };
  // Ragged row: the file, the line (blank lines still count) and the counts.
  writeBytes(p, "x,y,label\n1,2,0\n\n3,4\n5,6,1\n");
  expectError(read, {p, "line 4 has 2 fields, expected 3 (as on line 1)"});
  writeBytes(p, "x,y,label\n1,2,0\n3,4,5,1\n");
  expectError(read, {p, "line 3 has 4 fields, expected 3"});
  // Non-numeric feature, named by line and 1-based column.
  writeBytes(p, "x,y,label\n1,2,0\n3,abc,1\n");
  expectError(read, {p, "line 3, column 2: 'abc' is not a finite number"});
  writeBytes(p, "x,y,label\n1,,0\n");
  expectError(read, {p, "line 2, column 2: '' is not a finite number"});
  writeBytes(p, "x,y,label\n1,inf,0\n");
  expectError(read, {p, "line 2, column 2: 'inf'"});
  writeBytes(p, "x,y,label\n1,\"2\",0\n");
  expectError(read, {p, "line 2, column 2"});
  // Label that is not an integer.
  writeBytes(p, "x,y,label\n1,2,0\n1,2,2.5\n");
  expectError(read, {p, "line 3, column 3: label '2.5' is not an integer"});
  // Label column outside the row.
  writeBytes(p, "x,y,label\n1,2,0\n");
  kiln_csv_options far = {1, 3, ','};
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_csv(p.c_str(), &far, o);
      },
      {p, "label column 3 does not exist"}, KILN_ERROR_INVALID_ARGUMENT);
  writeBytes(p, "\n\n");
  expectError(read, {p, "no rows"});
  writeBytes(p, "1\n2\n");
  expectError(read, {p, "line 1 has 1 field"});
  kiln_csv_options dot = {0, -1, '.'};
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_csv(p.c_str(), &dot, o);
      },
      {"delimiter '.'"}, KILN_ERROR_INVALID_ARGUMENT);
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_csv(dir.file("no.csv").c_str(), nullptr, o);
      },
      {"no.csv", "cannot open"}, KILN_ERROR_IO);
}

TEST(DatasetCsv, MutatedFilesNeverCrash) {
  TempDir dir;
  std::string p = dir.file("m.csv");
  std::string text = "f1,f2,f3,label\n";
  for (int i = 0; i < 20; ++i)
    text += std::to_string(i) + ".5," + std::to_string(-i) + ",1e" +
            std::to_string(i % 5) + "," + std::to_string(i % 3) + "\n";
  std::vector<uint8_t> bytes(text.begin(), text.end());
  kiln_csv_options opts = {1, -1, ','};
  checkMutationsAreHandled(
      p, bytes, 300, [&](const char *path, kiln_tensor *t) {
        kiln_dataset ds;
        kiln_status s = kiln_dataset_read_csv(path, &opts, &ds);
        if (s == KILN_OK) {
          *t = ds.features; // the tensor checker frees it
          kiln_tensor_free(&ds.labels);
        }
        return s;
      });
}

//===-- NPY ---------------------------------------------------------------===//

TEST(DatasetNpy, ReadsAndChecksCounts) {
  TempDir dir;
  Tensor f, l, l3;
  int64_t fs[3] = {4, 2, 2}, ls[1] = {4}, l3s[1] = {3};
  ASSERT_EQ(kiln_tensor_alloc(f.get(), KILN_DOUBLE, 3, fs), KILN_OK);
  ASSERT_EQ(kiln_tensor_alloc(l.get(), KILN_INT64, 1, ls), KILN_OK);
  ASSERT_EQ(kiln_tensor_alloc(l3.get(), KILN_INT64, 1, l3s), KILN_OK);
  for (int i = 0; i < 16; ++i)
    f.as<double>()[i] = 0.5 * i;
  for (int i = 0; i < 4; ++i)
    l.as<int64_t>()[i] = 3 - i;
  std::string pf = dir.file("x.npy"), pl = dir.file("y.npy"),
              pl3 = dir.file("y3.npy");
  ASSERT_EQ(kiln_npy_write(pf.c_str(), f.get()), KILN_OK);
  ASSERT_EQ(kiln_npy_write(pl.c_str(), l.get()), KILN_OK);
  ASSERT_EQ(kiln_npy_write(pl3.c_str(), l3.get()), KILN_OK);
  Dataset ds;
  ASSERT_EQ(kiln_dataset_read_npy(pf.c_str(), pl.c_str(), ds.get()), KILN_OK)
      << kiln_last_error();
  ASSERT_EQ(ds->features.rank, 3);
  EXPECT_EQ(ds->features.shape[2], 2);
  EXPECT_EQ(ds.x()[15], 7.5f);
  EXPECT_EQ(ds.y()[0], 3);
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_npy(pf.c_str(), pl3.c_str(), o);
      },
      {"'" + pl3 + "' has 3 labels but '" + pf + "' has 4 samples"});
  // Features as labels: rank 3 is rejected, naming the file.
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_npy(pf.c_str(), pf.c_str(), o);
      },
      {pf, "labels must be [N], rank is 3"});
  // Float labels: unsupported, and both files named.
  Tensor fl;
  ASSERT_EQ(kiln_tensor_alloc(fl.get(), KILN_FLOAT, 1, ls), KILN_OK);
  std::string pfl = dir.file("yf.npy");
  ASSERT_EQ(kiln_npy_write(pfl.c_str(), fl.get()), KILN_OK);
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_npy(pf.c_str(), pfl.c_str(), o);
      },
      {pfl, "integer dtype"}, KILN_ERROR_UNSUPPORTED);
  // Truncated labels: npy's own error names the file and the byte counts
  // (4 int64 labels = 32 data bytes, 8 of them cut off).
  auto lb = readBytes(pl);
  lb.resize(lb.size() - 8);
  writeBytes(pl3, lb);
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_npy(pf.c_str(), pl3.c_str(), o);
      },
      {pl3, "header describes 32 bytes of int64 data but the file has 24"});
  // A corrupt file: npy's own error names it.
  auto bytes = readBytes(pf);
  bytes[1] = 'X';
  writeBytes(pf, bytes);
  expectError(
      [&](kiln_dataset *o) {
        return kiln_dataset_read_npy(pf.c_str(), pl.c_str(), o);
      },
      {pf});
}

//===-- gather, shuffle, split --------------------------------------------===//

namespace {
// n samples of 2 features [i, 100 + i] and label i % 7, so every sample
// remembers where it came from.
void makeTagged(Dataset &ds, int64_t n) {
  Tensor f, l;
  int64_t fs[2] = {n, 2};
  ASSERT_EQ(kiln_tensor_alloc(f.get(), KILN_INT32, 2, fs), KILN_OK);
  ASSERT_EQ(kiln_tensor_alloc(l.get(), KILN_INT32, 1, &n), KILN_OK);
  for (int64_t i = 0; i < n; ++i) {
    f.as<int32_t>()[2 * i] = (int32_t)i;
    f.as<int32_t>()[2 * i + 1] = (int32_t)(100 + i);
    l.as<int32_t>()[i] = (int32_t)(i % 7);
  }
  ASSERT_EQ(kiln_dataset_from_tensors(f.get(), l.get(), ds.get()), KILN_OK);
}

// The original index of each sample, checking features and label agree.
std::vector<int64_t> origins(Dataset &ds) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < kiln_dataset_size(ds.get()); ++i) {
    int64_t o = (int64_t)ds.x()[2 * i];
    EXPECT_EQ(ds.x()[2 * i + 1], (float)(100 + o));
    EXPECT_EQ(ds.y()[i], o % 7);
    out.push_back(o);
  }
  return out;
}
} // namespace

TEST(Dataset, ShuffleKeepsPairsAndIsSeeded) {
  Dataset a, b, c;
  makeTagged(a, 50);
  makeTagged(b, 50);
  makeTagged(c, 50);
  ASSERT_EQ(kiln_dataset_shuffle(a.get(), 11), KILN_OK);
  ASSERT_EQ(kiln_dataset_shuffle(b.get(), 11), KILN_OK);
  ASSERT_EQ(kiln_dataset_shuffle(c.get(), 12), KILN_OK);
  auto oa = origins(a), ob = origins(b), oc = origins(c);
  EXPECT_EQ(oa, ob);
  EXPECT_NE(oa, oc);
  // The order is kiln_shuffle_indices' permutation.
  std::vector<int64_t> perm(50);
  kiln_shuffle_indices(perm.data(), 50, 11);
  EXPECT_EQ(oa, perm);
}

TEST(Dataset, SplitIsDisjointAndComplete) {
  Dataset ds, train, val;
  makeTagged(ds, 103);
  ASSERT_EQ(kiln_dataset_split(ds.get(), 0.2, 5, train.get(), val.get()),
            KILN_OK)
      << kiln_last_error();
  // round(103 * 0.2) = round(20.6) = 21.
  EXPECT_EQ(kiln_dataset_size(val.get()), 21);
  EXPECT_EQ(kiln_dataset_size(train.get()), 82);
  auto ot = origins(train), ov = origins(val);
  std::set<int64_t> all(ot.begin(), ot.end());
  all.insert(ov.begin(), ov.end());
  EXPECT_EQ(all.size(), 103u);
  // Not simply the tail: the split is shuffled.
  EXPECT_NE(ov[0], 82);
  Dataset t0, v0;
  ASSERT_EQ(kiln_dataset_split(ds.get(), 0.0, 5, t0.get(), v0.get()), KILN_OK);
  EXPECT_EQ(kiln_dataset_size(v0.get()), 0);
  EXPECT_EQ(kiln_dataset_size(t0.get()), 103);
  Dataset t1, v1;
  EXPECT_EQ(kiln_dataset_split(ds.get(), 1.5, 5, t1.get(), v1.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(t1->features.data, nullptr);
}

TEST(Dataset, GatherChecksIndices) {
  Dataset ds, out;
  makeTagged(ds, 10);
  const int64_t idx[3] = {9, 9, 0};
  ASSERT_EQ(kiln_dataset_gather(ds.get(), idx, 3, out.get()), KILN_OK);
  EXPECT_EQ(origins(out), (std::vector<int64_t>{9, 9, 0}));
  const int64_t bad[2] = {1, 10};
  Dataset o2;
  EXPECT_EQ(kiln_dataset_gather(ds.get(), bad, 2, o2.get()),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "idx[1] = 10 outside [0, 10)"),
            nullptr);
}

//===-- the whole pipeline on the real data -------------------------------===//

// Fashion-MNIST's published normalization constants (mean 0.2860, stddev
// 0.3530 of the training pixels scaled to [0, 1], as used with
// torchvision) are an independent check of reading, scaling and the
// statistics together.
TEST(DatasetIdx, FashionMnistPipelineMatchesPublishedStatistics) {
  const std::string dir = KILN_FASHION_MNIST_DIR;
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Fashion-MNIST not installed in " << dir
                 << " (Debian package dataset-fashion-mnist)";
  Dataset ds;
  ASSERT_EQ(kiln_dataset_read_idx((dir + "/train-images-idx3-ubyte.gz").c_str(),
                                  (dir + "/train-labels-idx1-ubyte.gz").c_str(),
                                  ds.get()),
            KILN_OK)
      << kiln_last_error();
  const int64_t nchw[3] = {1, 28, 28};
  ASSERT_EQ(kiln_dataset_reshape(ds.get(), 3, nchw), KILN_OK);
  ASSERT_EQ(kiln_scale_to_unit(&ds->features, 255), KILN_OK);
  Tensor mean, sd;
  ASSERT_EQ(kiln_standardize_fit(&ds->features, KILN_NORM_PER_CHANNEL,
                                 mean.get(), sd.get()),
            KILN_OK);
  EXPECT_NEAR(mean.as<float>()[0], 0.2860, 5e-4);
  EXPECT_NEAR(sd.as<float>()[0], 0.3530, 5e-4);

  // Split 55000 / 5000, standardize both with the training part's
  // statistics, batch the training part.
  Dataset train, val;
  ASSERT_EQ(
      kiln_dataset_split(ds.get(), 5000.0 / 60000.0, 1, train.get(), val.get()),
      KILN_OK);
  EXPECT_EQ(kiln_dataset_size(val.get()), 5000);
  Tensor tm, ts;
  ASSERT_EQ(kiln_standardize_fit(&train->features, KILN_NORM_PER_CHANNEL,
                                 tm.get(), ts.get()),
            KILN_OK);
  ASSERT_EQ(kiln_standardize_apply(&val->features, KILN_NORM_PER_CHANNEL,
                                   tm.get(), ts.get()),
            KILN_OK);
  double sum = 0;
  for (int64_t i = 0; i < 5000 * 784; ++i)
    sum += val.x()[i];
  EXPECT_NEAR(sum / (5000 * 784), 0.0, 0.02); // held out, so only close to 0
  kiln_batch_options o = {64, KILN_LAST_BATCH_PAD, 1, 7};
  kiln_batcher *b = kiln_batcher_create(train.get(), &o);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(kiln_batcher_num_batches(b), (55000 + 63) / 64);
  kiln_tensor x, y;
  int64_t valid;
  ASSERT_EQ(kiln_batcher_get(b, 859, &x, &y, &valid), KILN_OK);
  EXPECT_EQ(valid, 55000 - 859 * 64); // 24 real rows in the last batch
  EXPECT_EQ(x.rank, 4);
  EXPECT_EQ(x.shape[0], 64);
  Tensor onehot;
  ASSERT_EQ(kiln_one_hot(&y, 10, onehot.get()), KILN_OK);
  float ones = 0;
  for (int64_t i = 0; i < 64 * 10; ++i)
    ones += onehot.as<float>()[i];
  EXPECT_EQ(ones, (float)valid);
  kiln_batcher_destroy(b);
}
