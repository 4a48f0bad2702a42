//===- TestUtil.h - helpers for the runtime tests ---------------*- C++ -*-===//

#ifndef KILN_TEST_RUNTIME_TESTUTIL_H
#define KILN_TEST_RUNTIME_TESTUTIL_H

#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace kiln::test {

// A fresh directory under the gtest temp dir, removed with its contents.
class TempDir {
public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "kiln-rt-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()))
      dir = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    if (!dir.empty())
      std::filesystem::remove_all(dir, ec);
  }
  bool ok() const { return !dir.empty(); }
  std::string file(const std::string &name) const { return dir + "/" + name; }

private:
  std::string dir;
};

// kiln_tensor freed on scope exit.
struct Tensor {
  kiln_tensor t{};
  Tensor() = default;
  Tensor(const Tensor &) = delete;
  Tensor &operator=(const Tensor &) = delete;
  ~Tensor() { kiln_tensor_free(&t); }
  kiln_tensor *operator->() { return &t; }
  kiln_tensor *get() { return &t; }
  template <typename T> T *as() { return static_cast<T *>(t.data); }
  size_t nbytes() const { return (size_t)kiln_tensor_nbytes(&t); }
};

inline std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline void writeBytes(const std::string &path, const void *data, size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char *>(data), (std::streamsize)size);
}

inline void writeBytes(const std::string &path,
                       const std::vector<uint8_t> &bytes) {
  writeBytes(path, bytes.data(), bytes.size());
}

inline void writeBytes(const std::string &path, const std::string &bytes) {
  writeBytes(path, bytes.data(), bytes.size());
}

// Deterministic, dtype-valid contents: bools are 0/1, everything else gets
// varied bytes (any bit pattern is a valid value for the other types).
inline void fillPattern(kiln_tensor *t, uint32_t salt) {
  size_t n = (size_t)kiln_tensor_nbytes(t);
  auto *d = static_cast<uint8_t *>(t->data);
  uint32_t x = 2463534242u ^ salt;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    d[i] = t->dtype == KILN_BOOL ? (uint8_t)(x & 1) : (uint8_t)x;
  }
}

// Reads `count` mutated copies of `bytes` (1-4 random byte changes, or a
// random cut) with `read`; each must either succeed with a consistent
// tensor or fail with a message and no data. Mainly for the sanitizer
// builds, which turn any out-of-bounds access into a failure.
template <typename ReadFn>
void checkMutationsAreHandled(const std::string &path,
                              const std::vector<uint8_t> &bytes, int count,
                              ReadFn read) {
  uint64_t x = 88172645463325252ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int iter = 0; iter < count; ++iter) {
    std::vector<uint8_t> m = bytes;
    if (next() % 4 == 0) {
      m.resize(next() % m.size());
    } else {
      for (int k = 0, n = 1 + next() % 4; k < n; ++k)
        m[next() % m.size()] = (uint8_t)next();
    }
    writeBytes(path, m);
    Tensor t;
    kiln_clear_error();
    if (read(path.c_str(), t.get()) == KILN_OK) {
      ASSERT_GE(kiln_tensor_nbytes(t.get()), 0) << iter;
      ASSERT_NE(t->data, nullptr) << iter;
    } else {
      ASSERT_STRNE(kiln_last_error(), "") << iter;
      ASSERT_EQ(t->data, nullptr) << iter;
    }
  }
}

} // namespace kiln::test

#endif // KILN_TEST_RUNTIME_TESTUTIL_H
