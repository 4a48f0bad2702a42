//===- NpyTest.cpp - .npy read/write --------------------------------------===//

#include "TestUtil.h"

#include <cstring>

using namespace kiln::test;

namespace {

const int32_t kNpyDtypes[] = {
    KILN_FLOAT,  KILN_DOUBLE, KILN_FLOAT16,   KILN_INT8,      KILN_INT16,
    KILN_INT32,  KILN_INT64,  KILN_UINT8,     KILN_UINT16,    KILN_UINT32,
    KILN_UINT64, KILN_BOOL,   KILN_COMPLEX64, KILN_COMPLEX128};

struct Shape {
  int32_t rank;
  int64_t dims[4];
};
const Shape kShapes[] = {{0, {}},        {1, {5}},          {2, {2, 3}},
                         {3, {2, 3, 4}}, {4, {1, 2, 3, 2}}, {2, {0, 3}},
                         {1, {1}}};

std::string npyFile(int major, const std::string &header,
                    const std::string &data) {
  std::string s = "\x93NUMPY";
  s += (char)major;
  s += '\0';
  size_t n = header.size();
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i)
    s += (char)((n >> (8 * i)) & 0xff);
  return s + header + data;
}

std::string floats(std::initializer_list<float> v) {
  return std::string(reinterpret_cast<const char *>(v.begin()),
                     v.size() * sizeof(float));
}

} // namespace

TEST(Npy, RoundTripEveryDtypeAndRank) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  uint32_t salt = 0;
  for (int32_t dtype : kNpyDtypes) {
    for (const Shape &s : kShapes) {
      SCOPED_TRACE(std::string(kiln_dtype_name(dtype)) + " rank " +
                   std::to_string(s.rank));
      Tensor in, out;
      ASSERT_EQ(kiln_tensor_alloc(in.get(), dtype, s.rank, s.dims), KILN_OK);
      fillPattern(in.get(), ++salt);
      std::string path = dir.file("t.npy");
      ASSERT_EQ(kiln_npy_write(path.c_str(), in.get()), KILN_OK)
          << kiln_last_error();
      // Data start 64-byte aligned, as numpy writes them.
      auto bytes = readBytes(path);
      ASSERT_EQ((bytes.size() - in.nbytes()) % 64, 0u);
      ASSERT_EQ(kiln_npy_read(path.c_str(), out.get()), KILN_OK)
          << kiln_last_error();
      EXPECT_EQ(out->dtype, dtype);
      ASSERT_EQ(out->rank, s.rank);
      for (int i = 0; i < s.rank; ++i)
        EXPECT_EQ(out->shape[i], s.dims[i]);
      ASSERT_EQ(out.nbytes(), in.nbytes());
      EXPECT_EQ(std::memcmp(out->data, in->data, in.nbytes()), 0);
    }
  }
}

TEST(Npy, WritesNumpyHeader) {
  TempDir dir;
  Tensor t;
  int64_t shape[] = {2, 3};
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_FLOAT, 2, shape), KILN_OK);
  std::string path = dir.file("h.npy");
  ASSERT_EQ(kiln_npy_write(path.c_str(), t.get()), KILN_OK);
  auto bytes = readBytes(path);
  ASSERT_EQ(bytes.size(), 128u + 24u);
  std::string head(bytes.begin(), bytes.begin() + 128);
  EXPECT_EQ(head.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(head.substr(10, 59),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(head.back(), '\n');

  Tensor v;
  int64_t five = 5;
  ASSERT_EQ(kiln_tensor_alloc(v.get(), KILN_BOOL, 1, &five), KILN_OK);
  ASSERT_EQ(kiln_npy_write(path.c_str(), v.get()), KILN_OK);
  bytes = readBytes(path);
  std::string text(bytes.begin() + 10, bytes.end());
  EXPECT_NE(text.find("'descr': '|b1'"), std::string::npos) << text;
  EXPECT_NE(text.find("'shape': (5,)"), std::string::npos) << text;
}

TEST(Npy, ReadsVariantsNumpyAccepts) {
  TempDir dir;
  std::string path = dir.file("v.npy");
  std::string data = floats({1.f, 2.f, 3.f, 4.f, 5.f, 6.f});
  struct {
    int major;
    const char *header;
  } cases[] = {
      {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n"},
      {2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n"},
      {3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n"},
      // Key order, quoting, spacing and trailing commas are free.
      {1, "{\"shape\":(2,3),\"fortran_order\":False,\"descr\":\"<f4\"}"},
      {1, "  { 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , "
          "'descr' : '=f4' }   \n"},
      // Python 2 numpy wrote longs.
      {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }"},
  };
  for (auto &c : cases) {
    SCOPED_TRACE(c.header);
    writeBytes(path, npyFile(c.major, c.header, data));
    Tensor t;
    ASSERT_EQ(kiln_npy_read(path.c_str(), t.get()), KILN_OK)
        << kiln_last_error();
    EXPECT_EQ(t->dtype, KILN_FLOAT);
    ASSERT_EQ(t->rank, 2);
    EXPECT_EQ(t->shape[0], 2);
    EXPECT_EQ(t->shape[1], 3);
    EXPECT_EQ(t.as<float>()[5], 6.f);
  }
}

TEST(Npy, RejectsMalformedFiles) {
  TempDir dir;
  std::string path = dir.file("bad.npy");
  std::string f6 = floats({1, 2, 3, 4, 5, 6});
  auto hdr = [](const std::string &descr, const std::string &fortran,
                const std::string &shape) {
    return "{'descr': '" + descr + "', 'fortran_order': " + fortran +
           ", 'shape': " + shape + ", }\n";
  };
  std::string good = hdr("<f4", "False", "(2, 3)");
  std::string full = npyFile(1, good, f6);
  struct {
    const char *name;
    std::string bytes;
    kiln_status status;
    const char *message;
  } cases[] = {
      {"empty", "", KILN_ERROR_FORMAT, "bad magic"},
      {"bad magic", "\x93NUMPZ" + full.substr(6), KILN_ERROR_FORMAT,
       "bad magic"},
      {"only magic", full.substr(0, 8), KILN_ERROR_FORMAT, "header length"},
      {"truncated header", full.substr(0, 40), KILN_ERROR_FORMAT,
       "truncated header"},
      {"version 4", npyFile(1, good, f6).replace(6, 1, "\x04"),
       KILN_ERROR_UNSUPPORTED, "version 4.0"},
      {"fortran order", npyFile(1, hdr("<f4", "True", "(2, 3)"), f6),
       KILN_ERROR_UNSUPPORTED, "fortran_order"},
      {"unknown dtype", npyFile(1, hdr("<x4", "False", "(2, 3)"), f6),
       KILN_ERROR_UNSUPPORTED, "unsupported dtype '<x4'"},
      {"object dtype", npyFile(1, hdr("|O", "False", "(2, 3)"), f6),
       KILN_ERROR_UNSUPPORTED, "unsupported dtype"},
      {"big endian", npyFile(1, hdr(">f4", "False", "(2, 3)"), f6),
       KILN_ERROR_UNSUPPORTED, "big-endian"},
      {"bad byte order", npyFile(1, hdr("|f4", "False", "(2, 3)"), f6),
       KILN_ERROR_FORMAT, "byte order"},
      {"structured",
       npyFile(1,
               "{'descr': [('a', '<f4')], 'fortran_order': False, "
               "'shape': (6,), }",
               f6),
       KILN_ERROR_FORMAT, "structured"},
      {"missing shape",
       npyFile(1, "{'descr': '<f4', 'fortran_order': False, }", f6),
       KILN_ERROR_FORMAT, "lacks"},
      {"extra key",
       npyFile(1,
               "{'descr': '<f4', 'fortran_order': False, "
               "'shape': (6,), 'x': 1}",
               f6),
       KILN_ERROR_FORMAT, "unexpected key 'x'"},
      {"duplicate key",
       npyFile(1,
               "{'descr': '<f4', 'descr': '<f4', "
               "'fortran_order': False, 'shape': (6,)}",
               f6),
       KILN_ERROR_FORMAT, "duplicate"},
      {"unterminated string",
       npyFile(1, "{'descr': '<f4, 'fortran_order': False}", f6),
       KILN_ERROR_FORMAT, "malformed header"},
      {"not a dict", npyFile(1, "descr <f4", f6), KILN_ERROR_FORMAT,
       "expected '{'"},
      {"text after dict", npyFile(1, good + "junk", f6), KILN_ERROR_FORMAT,
       "after the header"},
      {"bad bool", npyFile(1, hdr("<f4", "false", "(2, 3)"), f6),
       KILN_ERROR_FORMAT, "True or False"},
      {"shape list", npyFile(1, hdr("<f4", "False", "[2, 3]"), f6),
       KILN_ERROR_FORMAT, "expected '('"},
      {"negative dim", npyFile(1, hdr("<f4", "False", "(-2, 3)"), f6),
       KILN_ERROR_FORMAT, "negative"},
      {"dim overflow",
       npyFile(1, hdr("<f4", "False", "(99999999999999999999,)"), f6),
       KILN_ERROR_FORMAT, "overflows"},
      {"too large", npyFile(1, hdr("<f4", "False", "(1048576, 1048576)"), f6),
       KILN_ERROR_UNSUPPORTED, "too large"},
      {"rank 9",
       npyFile(1, hdr("<f4", "False", "(1, 1, 1, 1, 1, 1, 1, 1, 1)"), f6),
       KILN_ERROR_FORMAT, "rank exceeds"},
      {"data too short", npyFile(1, good, f6.substr(0, 20)), KILN_ERROR_FORMAT,
       "24 bytes of float32 data but the file has 20"},
      {"data too long", npyFile(1, good, f6 + "xx"), KILN_ERROR_FORMAT,
       "24 bytes of float32 data but the file has 26"},
  };
  for (auto &c : cases) {
    SCOPED_TRACE(c.name);
    writeBytes(path, c.bytes);
    Tensor t;
    t->data = (void *)&c; // must be overwritten, never freed
    EXPECT_EQ(kiln_npy_read(path.c_str(), t.get()), c.status)
        << kiln_last_error();
    EXPECT_EQ(t->data, nullptr);
    EXPECT_NE(std::strstr(kiln_last_error(), c.message), nullptr)
        << kiln_last_error();
    EXPECT_NE(std::strstr(kiln_last_error(), "bad.npy"), nullptr)
        << kiln_last_error();
  }
}

TEST(Npy, EveryTruncationIsAnError) {
  TempDir dir;
  Tensor t;
  int64_t shape[] = {3, 4};
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_INT64, 2, shape), KILN_OK);
  std::string path = dir.file("t.npy");
  ASSERT_EQ(kiln_npy_write(path.c_str(), t.get()), KILN_OK);
  auto bytes = readBytes(path);
  for (size_t n = 0; n < bytes.size(); ++n) {
    writeBytes(path, bytes.data(), n);
    Tensor r;
    EXPECT_NE(kiln_npy_read(path.c_str(), r.get()), KILN_OK) << n;
    EXPECT_EQ(r->data, nullptr);
  }
}

TEST(Npy, IoAndArgumentErrors) {
  Tensor t;
  EXPECT_EQ(kiln_npy_read("/nonexistent/dir/x.npy", t.get()), KILN_ERROR_IO);
  EXPECT_NE(std::strstr(kiln_last_error(), "/nonexistent/dir/x.npy"), nullptr);
  EXPECT_NE(kiln_npy_read(nullptr, t.get()), KILN_OK);
  EXPECT_NE(kiln_npy_read("x.npy", nullptr), KILN_OK);

  int64_t two = 2;
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_FLOAT, 1, &two), KILN_OK);
  EXPECT_EQ(kiln_npy_write("/nonexistent/dir/x.npy", t.get()), KILN_ERROR_IO);
  EXPECT_NE(kiln_npy_write(nullptr, t.get()), KILN_OK);
  EXPECT_NE(kiln_npy_write("x.npy", nullptr), KILN_OK);
  kiln_tensor bf{};
  bf.dtype = KILN_BFLOAT16;
  bf.rank = 1;
  bf.shape[0] = 2;
  bf.data = t->data;
  EXPECT_EQ(kiln_npy_write("x.npy", &bf), KILN_ERROR_UNSUPPORTED);
  kiln_tensor nodata{};
  nodata.dtype = KILN_FLOAT;
  nodata.rank = 1;
  nodata.shape[0] = 2;
  EXPECT_EQ(kiln_npy_write("x.npy", &nodata), KILN_ERROR_INVALID_ARGUMENT);
}

TEST(Npy, MutatedFilesAreHandled) {
  TempDir dir;
  Tensor t;
  int64_t shape[] = {3, 5};
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_INT16, 2, shape), KILN_OK);
  std::string path = dir.file("m.npy");
  ASSERT_EQ(kiln_npy_write(path.c_str(), t.get()), KILN_OK);
  checkMutationsAreHandled(path, readBytes(path), 3000, kiln_npy_read);
}
