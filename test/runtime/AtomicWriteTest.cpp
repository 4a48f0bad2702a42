//===- AtomicWriteTest.cpp - kiln_write_file_atomic -----------------------===//

#include "TestUtil.h"

#include <csignal>
#include <cstring>

#include <sys/resource.h>

using namespace kiln::test;

namespace {

// Names in the directory other than `keep` (left-over temporary files).
std::vector<std::string> othersIn(const std::string &dir,
                                  const std::string &keep) {
  std::vector<std::string> names;
  for (auto &e : std::filesystem::directory_iterator(dir))
    if (e.path().filename() != keep)
      names.push_back(e.path().filename());
  return names;
}

std::string asString(const std::vector<uint8_t> &b) {
  return std::string(b.begin(), b.end());
}

} // namespace

TEST(AtomicWrite, CreatesAndReplaces) {
  TempDir dir;
  std::string p = dir.file("ckpt.bin");
  ASSERT_EQ(kiln_write_file_atomic(p.c_str(), "first", 5), KILN_OK)
      << kiln_last_error();
  EXPECT_EQ(asString(readBytes(p)), "first");
  std::string big(100000, 'x');
  big[77777] = 'y';
  ASSERT_EQ(kiln_write_file_atomic(p.c_str(), big.data(), big.size()), KILN_OK);
  EXPECT_EQ(asString(readBytes(p)), big);
  ASSERT_EQ(kiln_write_file_atomic(p.c_str(), nullptr, 0), KILN_OK);
  EXPECT_EQ(readBytes(p).size(), 0u);
  EXPECT_TRUE(othersIn(p.substr(0, p.rfind('/')), "ckpt.bin").empty());
}

// A write that fails half-way (the file size limit stops it, as a full disk
// would) leaves the old file as it was and no temporary file behind.
TEST(AtomicWrite, FailedWriteKeepsOldFile) {
  TempDir dir;
  std::string p = dir.file("model.ckpt");
  ASSERT_EQ(kiln_write_file_atomic(p.c_str(), "good checkpoint", 15), KILN_OK);

  rlimit old;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  rlimit small = old;
  small.rlim_cur = 4096;
  auto oldHandler = std::signal(SIGXFSZ, SIG_IGN); // EFBIG, not a signal
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string big(10000, 'z');
  kiln_status s = kiln_write_file_atomic(p.c_str(), big.data(), big.size());
  std::string message = kiln_last_error();
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, oldHandler);

  EXPECT_EQ(s, KILN_ERROR_IO);
  EXPECT_NE(message.find("model.ckpt': write failed"), std::string::npos)
      << message;
  EXPECT_EQ(asString(readBytes(p)), "good checkpoint");
  EXPECT_TRUE(othersIn(p.substr(0, p.rfind('/')), "model.ckpt").empty());
}

TEST(AtomicWrite, Errors) {
  TempDir dir;
  // Directory missing: the temporary file cannot be created.
  std::string p = dir.file("no/such/dir/f");
  EXPECT_EQ(kiln_write_file_atomic(p.c_str(), "x", 1), KILN_ERROR_IO);
  EXPECT_NE(std::strstr(kiln_last_error(), p.c_str()), nullptr);
  // The target is a directory: rename fails, the temporary file goes away.
  std::string d = dir.file("adir");
  std::filesystem::create_directory(d);
  EXPECT_EQ(kiln_write_file_atomic(d.c_str(), "x", 1), KILN_ERROR_IO);
  EXPECT_NE(std::strstr(kiln_last_error(), "rename failed"), nullptr)
      << kiln_last_error();
  EXPECT_TRUE(othersIn(d.substr(0, d.rfind('/')), "adir").empty());
  EXPECT_EQ(kiln_write_file_atomic(nullptr, "x", 1),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_write_file_atomic(p.c_str(), nullptr, 1),
            KILN_ERROR_INVALID_ARGUMENT);
}
