//===- CheckpointTest.cpp - saving and loading checkpoints ----------------===//

#include "TestUtil.h"
#include "kiln/train.h"

#include <cstring>
#include <filesystem>

using namespace kiln::test;

namespace {

/// Two tensors and a training position, owned by the test.
struct Saved {
  std::string nameA = "param:w", nameB = "state:w.m";
  Tensor a, b;
  std::vector<char *> names;
  kiln_checkpoint c{};

  Saved() {
    int64_t shapeA[2] = {2, 3};
    kiln_tensor_alloc(a.get(), KILN_FLOAT, 2, shapeA);
    kiln_tensor_alloc(b.get(), KILN_INT64, 0, nullptr);
    for (int i = 0; i < 6; ++i)
      a.as<float>()[i] = 0.5f * i - 1;
    *b.as<int64_t>() = -42;
    names = {nameA.data(), nameB.data()};
    static kiln_tensor tensors[2];
    tensors[0] = *a.get();
    tensors[1] = *b.get();
    c = {3, 1234, 99, 2, names.data(), tensors};
  }
};

TEST(CheckpointTest, RoundTrip) {
  TempDir dir;
  Saved s;
  std::string path = dir.file("model.ckpt");
  ASSERT_EQ(kiln_checkpoint_save(path.c_str(), &s.c), KILN_OK)
      << kiln_last_error();
  kiln_checkpoint loaded;
  ASSERT_EQ(kiln_checkpoint_load(path.c_str(), &loaded), KILN_OK)
      << kiln_last_error();
  EXPECT_EQ(loaded.epoch, 3);
  EXPECT_EQ(loaded.step, 1234);
  EXPECT_EQ(loaded.seed, 99u);
  ASSERT_EQ(loaded.count, 2);
  const kiln_tensor *a = kiln_checkpoint_find(&loaded, "param:w");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, KILN_FLOAT);
  ASSERT_EQ(a->rank, 2);
  EXPECT_EQ(a->shape[0], 2);
  EXPECT_EQ(a->shape[1], 3);
  EXPECT_EQ(std::memcmp(a->data, s.a.get()->data, 6 * sizeof(float)), 0);
  const kiln_tensor *b = kiln_checkpoint_find(&loaded, "state:w.m");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->rank, 0);
  EXPECT_EQ(*static_cast<int64_t *>(b->data), -42);
  EXPECT_EQ(kiln_checkpoint_find(&loaded, "param:v"), nullptr);
  kiln_checkpoint_free(&loaded);
  // Nothing but the checkpoint is left in the folder.
  int files = 0;
  for (auto &entry : std::filesystem::directory_iterator(
           std::filesystem::path(path).parent_path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(CheckpointTest, EveryTruncationIsAnError) {
  TempDir dir;
  Saved s;
  std::string path = dir.file("model.ckpt");
  ASSERT_EQ(kiln_checkpoint_save(path.c_str(), &s.c), KILN_OK);
  std::vector<uint8_t> bytes = readBytes(path);
  std::string cut = dir.file("cut.ckpt");
  for (size_t n = 0; n < bytes.size(); ++n) {
    writeBytes(cut, bytes.data(), n);
    kiln_checkpoint c;
    EXPECT_EQ(kiln_checkpoint_load(cut.c_str(), &c), KILN_ERROR_FORMAT)
        << "cut at " << n;
    EXPECT_EQ(c.count, 0);
    EXPECT_NE(std::strstr(kiln_last_error(), "cut.ckpt"), nullptr)
        << kiln_last_error();
  }
}

TEST(CheckpointTest, FlippedBitIsCaught) {
  TempDir dir;
  Saved s;
  std::string path = dir.file("model.ckpt");
  ASSERT_EQ(kiln_checkpoint_save(path.c_str(), &s.c), KILN_OK);
  std::vector<uint8_t> bytes = readBytes(path);
  for (size_t i = 8; i < bytes.size(); i += 7) {
    std::vector<uint8_t> damaged = bytes;
    damaged[i] ^= 0x10;
    writeBytes(path, damaged.data(), damaged.size());
    kiln_checkpoint c;
    EXPECT_NE(kiln_checkpoint_load(path.c_str(), &c), KILN_OK) << "byte " << i;
  }
}

TEST(CheckpointTest, NotACheckpoint) {
  TempDir dir;
  std::string path = dir.file("x.npy");
  writeBytes(path, "\x93NUMPY\x01\x00", 8);
  kiln_checkpoint c;
  EXPECT_EQ(kiln_checkpoint_load(path.c_str(), &c), KILN_ERROR_FORMAT);
  EXPECT_NE(std::strstr(kiln_last_error(), "not a kiln checkpoint"), nullptr);
  EXPECT_EQ(kiln_checkpoint_load(dir.file("absent").c_str(), &c),
            KILN_ERROR_IO);
}

TEST(CheckpointTest, FailedSaveKeepsTheOldFile) {
  TempDir dir;
  Saved s;
  std::string path = dir.file("model.ckpt");
  ASSERT_EQ(kiln_checkpoint_save(path.c_str(), &s.c), KILN_OK);
  std::vector<uint8_t> before = readBytes(path);
  // A tensor with a negative dim cannot be saved: the save fails and the
  // checkpoint on disk is the previous one, whole.
  kiln_tensor bad = *s.a.get();
  bad.shape[0] = -1;
  kiln_tensor tensors[2] = {bad, *s.b.get()};
  kiln_checkpoint c = s.c;
  c.tensors = tensors;
  c.epoch = 4;
  EXPECT_NE(kiln_checkpoint_save(path.c_str(), &c), KILN_OK);
  EXPECT_EQ(readBytes(path), before);
  // Saving into a folder that does not exist fails cleanly too.
  EXPECT_EQ(kiln_checkpoint_save(dir.file("no/such/dir.ckpt").c_str(), &s.c),
            KILN_ERROR_IO);
}

} // namespace
