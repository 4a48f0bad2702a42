//===- TensorProtoTest.cpp - ONNX TensorProto read/write ------------------===//

#include "TestUtil.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

using namespace kiln::test;

namespace {

const std::string kOnnxNode = std::string(KILN_ONNX_TESTDATA_DIR) + "/node";

// Hand-assembled protobuf messages, to cover encodings onnx itself does not
// produce (typed fields, packed dims, unknown fields).
struct Pb {
  std::string s;
  Pb &raw(uint64_t v) {
    while (v >= 0x80) {
      s += (char)((v & 0x7f) | 0x80);
      v >>= 7;
    }
    s += (char)v;
    return *this;
  }
  Pb &tag(uint32_t field, uint32_t wt) {
    return raw((uint64_t)field << 3 | wt);
  }
  Pb &varint(uint32_t field, uint64_t v) { return tag(field, 0).raw(v); }
  Pb &fixed32(uint32_t field, uint32_t v) {
    tag(field, 5);
    s.append(reinterpret_cast<const char *>(&v), 4);
    return *this;
  }
  Pb &fixed64(uint32_t field, uint64_t v) {
    tag(field, 1);
    s.append(reinterpret_cast<const char *>(&v), 8);
    return *this;
  }
  Pb &bytes(uint32_t field, const std::string &b) {
    tag(field, 2).raw(b.size());
    s += b;
    return *this;
  }
  template <typename T> Pb &packedFixed(uint32_t field, std::vector<T> v) {
    return bytes(field, std::string(reinterpret_cast<const char *>(v.data()),
                                    v.size() * sizeof(T)));
  }
  Pb &packedVarint(uint32_t field, std::vector<uint64_t> v) {
    Pb inner;
    for (uint64_t x : v)
      inner.raw(x);
    return bytes(field, inner.s);
  }
};

struct Read {
  Tensor t;
  kiln_status status;
  char name[64];
  Read(const std::string &path) {
    status = kiln_tensorproto_read(path.c_str(), t.get(), name, sizeof(name));
  }
};

} // namespace

TEST(TensorProto, RoundTripEveryDtypeAndRank) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("t.pb");
  const int32_t dtypes[] = {
      KILN_FLOAT,  KILN_UINT8,  KILN_INT8,      KILN_UINT16,     KILN_INT16,
      KILN_INT32,  KILN_INT64,  KILN_BOOL,      KILN_FLOAT16,    KILN_DOUBLE,
      KILN_UINT32, KILN_UINT64, KILN_COMPLEX64, KILN_COMPLEX128, KILN_BFLOAT16};
  const struct {
    int32_t rank;
    int64_t dims[4];
  } shapes[] = {{0, {}},        {1, {7}},          {2, {3, 2}},
                {3, {2, 1, 4}}, {4, {2, 3, 1, 2}}, {2, {3, 0}}};
  uint32_t salt = 0;
  for (int32_t dtype : dtypes) {
    for (auto &s : shapes) {
      SCOPED_TRACE(std::string(kiln_dtype_name(dtype)) + " rank " +
                   std::to_string(s.rank));
      Tensor in;
      ASSERT_EQ(kiln_tensor_alloc(in.get(), dtype, s.rank, s.dims), KILN_OK);
      fillPattern(in.get(), ++salt);
      ASSERT_EQ(kiln_tensorproto_write(path.c_str(), in.get(), "some_name"),
                KILN_OK)
          << kiln_last_error();
      Read r(path);
      ASSERT_EQ(r.status, KILN_OK) << kiln_last_error();
      EXPECT_STREQ(r.name, "some_name");
      EXPECT_EQ(r.t->dtype, dtype);
      ASSERT_EQ(r.t->rank, s.rank);
      for (int i = 0; i < s.rank; ++i)
        EXPECT_EQ(r.t->shape[i], s.dims[i]);
      ASSERT_EQ(r.t.nbytes(), in.nbytes());
      EXPECT_EQ(std::memcmp(r.t->data, in->data, in.nbytes()), 0);
    }
  }
}

TEST(TensorProto, WritesOnnxLayout) {
  TempDir dir;
  std::string path = dir.file("w.pb");
  Tensor t;
  int64_t shape[] = {2, 300};
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_UINT8, 2, shape), KILN_OK);
  ASSERT_EQ(kiln_tensorproto_write(path.c_str(), t.get(), "x"), KILN_OK);
  auto b = readBytes(path);
  // dims unpacked (300 = ac 02), data_type, name, raw_data (600 = d8 04).
  std::vector<uint8_t> head = {0x08, 0x02, 0x08, 0xac, 0x02, 0x10, 0x02,
                               0x42, 0x01, 'x',  0x4a, 0xd8, 0x04};
  ASSERT_EQ(b.size(), head.size() + 600);
  EXPECT_TRUE(std::equal(head.begin(), head.end(), b.begin()));
  // Without a name, field 8 is left out.
  ASSERT_EQ(kiln_tensorproto_write(path.c_str(), t.get(), nullptr), KILN_OK);
  EXPECT_EQ(readBytes(path).size(), head.size() + 600 - 3);
}

TEST(TensorProto, NameIsTruncatedToCapacity) {
  TempDir dir;
  std::string path = dir.file("n.pb");
  Tensor t;
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_FLOAT, 0, nullptr), KILN_OK);
  ASSERT_EQ(kiln_tensorproto_write(path.c_str(), t.get(), "abcdefgh"), KILN_OK);
  Tensor r;
  char name[5] = "zzzz";
  ASSERT_EQ(kiln_tensorproto_read(path.c_str(), r.get(), name, sizeof(name)),
            KILN_OK);
  EXPECT_STREQ(name, "abcd");
  Tensor r2;
  ASSERT_EQ(kiln_tensorproto_read(path.c_str(), r2.get(), nullptr, 0), KILN_OK);
}

TEST(TensorProto, ReadsOnnxReluData) {
  std::string dirPath = kOnnxNode + "/test_relu/test_data_set_0/";
  if (!std::filesystem::exists(dirPath))
    GTEST_SKIP() << dirPath << " not found (install libonnx-testdata)";
  Read x(dirPath + "input_0.pb"), y(dirPath + "output_0.pb");
  ASSERT_EQ(x.status, KILN_OK) << kiln_last_error();
  ASSERT_EQ(y.status, KILN_OK) << kiln_last_error();
  EXPECT_STREQ(x.name, "x");
  EXPECT_STREQ(y.name, "y");
  for (Read *r : {&x, &y}) {
    EXPECT_EQ(r->t->dtype, KILN_FLOAT);
    ASSERT_EQ(r->t->rank, 3);
    EXPECT_EQ(r->t->shape[0], 3);
    EXPECT_EQ(r->t->shape[1], 4);
    EXPECT_EQ(r->t->shape[2], 5);
  }
  int negatives = 0;
  for (int i = 0; i < 60; ++i) {
    float in = x.t.as<float>()[i];
    ASSERT_TRUE(std::isfinite(in));
    negatives += in < 0;
    EXPECT_EQ(y.t.as<float>()[i], std::max(in, 0.0f)) << i;
  }
  // Random normal data: both signs present, so the check above has teeth.
  EXPECT_GT(negatives, 5);
  EXPECT_LT(negatives, 55);
}

TEST(TensorProto, ReadsOnnxBoolAndIntegerData) {
  std::string andDir = kOnnxNode + "/test_and3d/test_data_set_0/";
  std::string minDir = kOnnxNode + "/test_min_uint64/test_data_set_0/";
  if (!std::filesystem::exists(andDir) || !std::filesystem::exists(minDir))
    GTEST_SKIP() << "libonnx-testdata not found";
  Read a(andDir + "input_0.pb"), b(andDir + "input_1.pb"),
      c(andDir + "output_0.pb");
  for (Read *r : {&a, &b, &c}) {
    ASSERT_EQ(r->status, KILN_OK) << kiln_last_error();
    EXPECT_EQ(r->t->dtype, KILN_BOOL);
    EXPECT_EQ(r->t->rank, 3);
  }
  int64_t n = kiln_tensor_numel(a.t.get());
  ASSERT_EQ(n, 60);
  for (int64_t i = 0; i < n; ++i)
    EXPECT_EQ(c.t.as<uint8_t>()[i],
              a.t.as<uint8_t>()[i] & b.t.as<uint8_t>()[i]);

  Read x(minDir + "input_0.pb"), y(minDir + "input_1.pb"),
      m(minDir + "output_0.pb");
  for (Read *r : {&x, &y, &m}) {
    ASSERT_EQ(r->status, KILN_OK) << kiln_last_error();
    EXPECT_EQ(r->t->dtype, KILN_UINT64);
  }
  EXPECT_STREQ(m.name, "result");
  for (int64_t i = 0; i < kiln_tensor_numel(m.t.get()); ++i)
    EXPECT_EQ(m.t.as<uint64_t>()[i],
              std::min(x.t.as<uint64_t>()[i], y.t.as<uint64_t>()[i]));
}

// Every .pb under node/ either reads with a consistent size or fails with a
// message (some are SequenceProto/OptionalProto or strings); none crash.
TEST(TensorProto, ReadsAllOnnxNodeTestData) {
  if (!std::filesystem::exists(kOnnxNode))
    GTEST_SKIP() << kOnnxNode << " not found";
  int ok = 0, failed = 0;
  for (auto &e : std::filesystem::recursive_directory_iterator(kOnnxNode)) {
    if (e.path().extension() != ".pb")
      continue;
    Read r(e.path().string());
    if (r.status == KILN_OK) {
      ++ok;
      ASSERT_GE(kiln_tensor_numel(r.t.get()), 0) << e.path();
      ASSERT_NE(r.t->data, nullptr) << e.path();
    } else {
      ++failed;
      EXPECT_STRNE(kiln_last_error(), "") << e.path();
      EXPECT_EQ(r.t->data, nullptr) << e.path();
    }
  }
  // Most of the suite is plain raw_data tensors of supported dtypes.
  EXPECT_GT(ok, 2000);
  EXPECT_LT(failed, ok / 10);
}

TEST(TensorProto, PackedAndUnpackedDimsAgree) {
  TempDir dir;
  std::string path = dir.file("d.pb");
  std::string raw(2 * 3 * 4 * 4, '\x01');
  Pb unpacked, packed;
  unpacked.varint(1, 2).varint(1, 3).varint(1, 4).varint(2, KILN_FLOAT);
  unpacked.bytes(9, raw);
  packed.packedVarint(1, {2, 3, 4}).varint(2, KILN_FLOAT).bytes(9, raw);
  for (Pb *p : {&unpacked, &packed}) {
    writeBytes(path, p->s);
    Read r(path);
    ASSERT_EQ(r.status, KILN_OK) << kiln_last_error();
    ASSERT_EQ(r.t->rank, 3);
    EXPECT_EQ(r.t->shape[0], 2);
    EXPECT_EQ(r.t->shape[1], 3);
    EXPECT_EQ(r.t->shape[2], 4);
    EXPECT_EQ(r.name[0], '\0');
  }
  // Fields may come in any order, and dims may mix both encodings.
  Pb mixed;
  mixed.bytes(9, raw)
      .varint(2, KILN_FLOAT)
      .varint(1, 2)
      .packedVarint(1, {3, 4});
  writeBytes(path, mixed.s);
  Read r(path);
  ASSERT_EQ(r.status, KILN_OK) << kiln_last_error();
  EXPECT_EQ(r.t->rank, 3);
  EXPECT_EQ(r.t->shape[2], 4);
}

TEST(TensorProto, ReadsTypedDataFields) {
  TempDir dir;
  std::string path = dir.file("typed.pb");
  auto read = [&](const Pb &p) {
    writeBytes(path, p.s);
    auto r = std::make_unique<Read>(path);
    EXPECT_EQ(r->status, KILN_OK) << kiln_last_error();
    return r;
  };
  auto bits = [](float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
  };
  { // float_data packed and unpacked
    auto r = read(Pb().varint(1, 3)
                      .varint(2, KILN_FLOAT)
                      .packedFixed<float>(4, {1.5f, -2.f, 3.25f}));
    EXPECT_EQ(r->t.as<float>()[2], 3.25f);
    auto u = read(Pb().varint(1, 2)
                      .varint(2, KILN_FLOAT)
                      .fixed32(4, bits(7.f))
                      .fixed32(4, bits(-0.5f)));
    EXPECT_EQ(u->t.as<float>()[0], 7.f);
    EXPECT_EQ(u->t.as<float>()[1], -0.5f);
  }
  { // int32_data carries int8 (negative values are 10-byte varints)
    auto r = read(Pb().varint(1, 3)
                      .varint(2, KILN_INT8)
                      .packedVarint(5, {(uint64_t)-5, 127, (uint64_t)-128}));
    EXPECT_EQ(r->t.as<int8_t>()[0], -5);
    EXPECT_EQ(r->t.as<int8_t>()[1], 127);
    EXPECT_EQ(r->t.as<int8_t>()[2], -128);
  }
  { // ... and uint8, bool, int16, float16 bit patterns, int32 (unpacked)
    auto u8 = read(
        Pb().varint(1, 2).varint(2, KILN_UINT8).varint(5, 255).varint(5, 1));
    EXPECT_EQ(u8->t.as<uint8_t>()[0], 255);
    auto b =
        read(Pb().varint(1, 2).varint(2, KILN_BOOL).packedVarint(5, {1, 0}));
    EXPECT_EQ(b->t.as<uint8_t>()[0], 1);
    EXPECT_EQ(b->t.as<uint8_t>()[1], 0);
    auto i16 = read(Pb().varint(2, KILN_INT16).varint(5, (uint64_t)-300));
    EXPECT_EQ(i16->t->rank, 0);
    EXPECT_EQ(i16->t.as<int16_t>()[0], -300);
    auto f16 =
        read(Pb().varint(1, 1).varint(2, KILN_FLOAT16).varint(5, 0x3c00));
    EXPECT_EQ(f16->t.as<uint16_t>()[0], 0x3c00); // 1.0 in fp16
    auto i32 =
        read(Pb().varint(1, 2)
                 .varint(2, KILN_INT32)
                 .packedVarint(5, {(uint64_t)(int64_t)INT32_MIN, INT32_MAX}));
    EXPECT_EQ(i32->t.as<int32_t>()[0], INT32_MIN);
    EXPECT_EQ(i32->t.as<int32_t>()[1], INT32_MAX);
  }
  { // int64_data, double_data, uint64_data (for uint32 and uint64)
    auto i64 = read(Pb().varint(1, 2)
                        .varint(2, KILN_INT64)
                        .packedVarint(7, {(uint64_t)INT64_MIN, 42}));
    EXPECT_EQ(i64->t.as<int64_t>()[0], INT64_MIN);
    EXPECT_EQ(i64->t.as<int64_t>()[1], 42);
    auto d = read(Pb().varint(1, 2)
                      .varint(2, KILN_DOUBLE)
                      .packedFixed<double>(10, {0.1, -1e300}));
    EXPECT_EQ(d->t.as<double>()[0], 0.1);
    EXPECT_EQ(d->t.as<double>()[1], -1e300);
    double e = 2.5;
    uint64_t eb;
    std::memcpy(&eb, &e, 8);
    auto du = read(Pb().varint(1, 1).varint(2, KILN_DOUBLE).fixed64(10, eb));
    EXPECT_EQ(du->t.as<double>()[0], 2.5);
    auto u32 =
        read(Pb().varint(1, 1).varint(2, KILN_UINT32).varint(11, 4000000000u));
    EXPECT_EQ(u32->t.as<uint32_t>()[0], 4000000000u);
    auto u64 = read(Pb().varint(1, 1)
                        .varint(2, KILN_UINT64)
                        .packedVarint(11, {UINT64_MAX}));
    EXPECT_EQ(u64->t.as<uint64_t>()[0], UINT64_MAX);
  }
  { // complex64: two floats per element
    auto c = read(Pb().varint(1, 2)
                      .varint(2, KILN_COMPLEX64)
                      .packedFixed<float>(4, {1, 2, 3, 4}));
    EXPECT_EQ(c->t.as<float>()[3], 4.f);
  }
}

TEST(TensorProto, SkipsUnknownFieldsOfEveryWireType) {
  TempDir dir;
  std::string path = dir.file("u.pb");
  Pb group; // a group (wire type 3) holding nested fields and a nested group
  group.tag(50, 3)
      .varint(1, 7)
      .bytes(2, "in group")
      .tag(51, 3)
      .fixed32(1, 9)
      .tag(51, 4)
      .fixed64(3, 1)
      .tag(50, 4);
  Pb p;
  p.varint(100, 12345)
      .varint(1, 2)
      .fixed64(101, 0xdeadbeef)
      .bytes(12, "doc string")
      .fixed32(103, 7)
      .varint(2, KILN_INT32)
      .bytes(16, Pb().bytes(1, "key").bytes(2, "value").s) // metadata_props
      .varint(14, 0)                                       // DEFAULT location
      .bytes(8, "named");
  p.s += group.s;
  p.bytes(9, std::string("\x01\0\0\0\x02\0\0\0", 8)).varint(1000000, 1);
  writeBytes(path, p.s);
  Read r(path);
  ASSERT_EQ(r.status, KILN_OK) << kiln_last_error();
  EXPECT_STREQ(r.name, "named");
  ASSERT_EQ(r.t->rank, 1);
  EXPECT_EQ(r.t.as<int32_t>()[1], 2);
}

TEST(TensorProto, RejectsBadMessages) {
  TempDir dir;
  std::string path = dir.file("bad.pb");
  std::string raw6(24, '\0');
  auto f23 = [] {
    return Pb().varint(1, 2).varint(1, 3).varint(2, KILN_FLOAT);
  };
  struct {
    const char *name;
    std::string bytes;
    kiln_status status;
    const char *message;
  } cases[] = {
      {"empty", "", KILN_ERROR_FORMAT, "data_type is missing"},
      {"external data",
       f23().bytes(13, Pb().bytes(1, "location").bytes(2, "x.bin").s).s,
       KILN_ERROR_UNSUPPORTED, "external data not supported here"},
      {"external location", f23().varint(14, 1).s, KILN_ERROR_UNSUPPORTED,
       "external data not supported here"},
      {"raw too short", f23().bytes(9, raw6.substr(0, 20)).s, KILN_ERROR_FORMAT,
       "raw_data has 20 bytes, expected 24"},
      {"raw too long", f23().bytes(9, raw6 + "x").s, KILN_ERROR_FORMAT,
       "raw_data has 25 bytes, expected 24"},
      {"no data", f23().s, KILN_ERROR_FORMAT,
       "float_data has 0 values, "
       "expected 6"},
      {"typed count", f23().packedFixed<float>(4, {1, 2}).s, KILN_ERROR_FORMAT,
       "float_data has 2 values, expected 6"},
      {"raw and typed",
       f23().bytes(9, raw6).packedFixed<float>(4, {1, 2, 3, 4, 5, 6}).s,
       KILN_ERROR_FORMAT, "both raw_data and float_data"},
      {"wrong typed field", f23().packedVarint(7, {1, 2, 3, 4, 5, 6}).s,
       KILN_ERROR_FORMAT, "other than float_data"},
      {"string", Pb().varint(1, 1).varint(2, KILN_STRING).bytes(6, "s").s,
       KILN_ERROR_UNSUPPORTED, "string tensors"},
      {"undefined dtype", Pb().varint(1, 1).varint(2, 0).bytes(9, "x").s,
       KILN_ERROR_FORMAT, "UNDEFINED"},
      {"unknown dtype", Pb().varint(1, 1).varint(2, 99).bytes(9, "x").s,
       KILN_ERROR_UNSUPPORTED, "unsupported dtype 99"},
      {"negative dim", Pb().varint(1, (uint64_t)-1).varint(2, KILN_FLOAT).s,
       KILN_ERROR_FORMAT, "negative"},
      {"absurd dims",
       Pb().varint(1, 1ull << 31)
           .varint(1, 1ull << 31)
           .varint(1, 1ull << 31)
           .varint(2, KILN_FLOAT)
           .bytes(9, "x")
           .s,
       KILN_ERROR_UNSUPPORTED, "too large"},
      {"just over 2^40 bytes",
       Pb().varint(1, (1ull << 38) + 1).varint(2, KILN_FLOAT).s,
       KILN_ERROR_UNSUPPORTED, "too large"},
      {"rank 9",
       Pb().packedVarint(1, {1, 1, 1, 1, 1, 1, 1, 1, 1}).varint(2, 1).s,
       KILN_ERROR_UNSUPPORTED, "rank 9"},
      {"segment", f23().bytes(3, Pb().varint(1, 0).s).s, KILN_ERROR_UNSUPPORTED,
       "segment"},
      {"length past end", f23().tag(9, 2).raw(1000).s + "abc",
       KILN_ERROR_FORMAT, "only 3 remain"},
      {"truncated varint", f23().s + "\x08\x80", KILN_ERROR_FORMAT,
       "truncated varint"},
      {"varint too long", f23().s + "\x08" + std::string(10, '\xff') + "\x01",
       KILN_ERROR_FORMAT, "varint"},
      {"wire type 6", f23().s + "\x0e", KILN_ERROR_FORMAT, "wire type 6"},
      {"field 0", std::string("\x00\x01", 2), KILN_ERROR_FORMAT,
       "field number 0"},
      {"stray end group", f23().tag(60, 4).s, KILN_ERROR_FORMAT,
       "unexpected end-group"},
      {"unterminated group", f23().tag(60, 3).varint(1, 1).s, KILN_ERROR_FORMAT,
       "truncated"},
      {"dims as fixed32", Pb().fixed32(1, 3).varint(2, 1).s, KILN_ERROR_FORMAT,
       "dims has wire type fixed32"},
      {"data_type as bytes", Pb().bytes(2, "x").s, KILN_ERROR_FORMAT,
       "data_type has wire type"},
  };
  for (auto &c : cases) {
    SCOPED_TRACE(c.name);
    writeBytes(path, c.bytes);
    Read r(path);
    EXPECT_EQ(r.status, c.status) << kiln_last_error();
    EXPECT_EQ(r.t->data, nullptr);
    EXPECT_NE(std::strstr(kiln_last_error(), c.message), nullptr)
        << kiln_last_error();
    EXPECT_NE(std::strstr(kiln_last_error(), "bad.pb"), nullptr)
        << kiln_last_error();
  }
}

TEST(TensorProto, EveryTruncationOfARealFileIsAnError) {
  std::string src = kOnnxNode + "/test_relu/test_data_set_0/input_0.pb";
  if (!std::filesystem::exists(src))
    GTEST_SKIP() << src << " not found";
  auto bytes = readBytes(src);
  ASSERT_GT(bytes.size(), 240u);
  TempDir dir;
  std::string path = dir.file("cut.pb");
  for (size_t n = 0; n < bytes.size(); ++n) {
    writeBytes(path, bytes.data(), n);
    Read r(path);
    EXPECT_NE(r.status, KILN_OK) << "prefix of " << n << " bytes";
    EXPECT_EQ(r.t->data, nullptr);
  }
}

TEST(TensorProto, ArgumentAndIoErrors) {
  Tensor t;
  EXPECT_EQ(kiln_tensorproto_read("/nonexistent/x.pb", t.get(), nullptr, 0),
            KILN_ERROR_IO);
  EXPECT_NE(kiln_tensorproto_read(nullptr, t.get(), nullptr, 0), KILN_OK);
  EXPECT_NE(kiln_tensorproto_read("x.pb", nullptr, nullptr, 0), KILN_OK);
  ASSERT_EQ(kiln_tensor_alloc(t.get(), KILN_FLOAT, 0, nullptr), KILN_OK);
  EXPECT_EQ(kiln_tensorproto_write("/nonexistent/x.pb", t.get(), "x"),
            KILN_ERROR_IO);
  EXPECT_NE(kiln_tensorproto_write(nullptr, t.get(), "x"), KILN_OK);
  EXPECT_NE(kiln_tensorproto_write("x.pb", nullptr, "x"), KILN_OK);
}

TEST(TensorProto, MutatedFilesAreHandled) {
  TempDir dir;
  std::string path = dir.file("m.pb");
  // Typed, packed and unknown fields give the mutations more to hit than
  // raw_data alone.
  Pb p;
  p.packedVarint(1, {2, 3}).varint(2, KILN_INT64).bytes(8, "name");
  p.packedVarint(7, {1, 300, (uint64_t)-5, 70000, 0, 1ull << 40});
  p.tag(60, 3).fixed32(1, 5).tag(60, 4).fixed64(61, 9);
  writeBytes(path, p.s);
  {
    Tensor t;
    ASSERT_EQ(kiln_tensorproto_read(path.c_str(), t.get(), nullptr, 0), KILN_OK)
        << kiln_last_error();
  }
  checkMutationsAreHandled(path, std::vector<uint8_t>(p.s.begin(), p.s.end()),
                           3000, [](const char *f, kiln_tensor *t) {
                             char name[8];
                             return kiln_tensorproto_read(f, t, name,
                                                          sizeof(name));
                           });
}
