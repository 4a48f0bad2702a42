//===- TensorTest.cpp - dtypes and tensor allocation ----------------------===//

#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

extern "C" int kiln_test_c_header(void);

// The codes are ONNX TensorProto.DataType numbers; files depend on them.
static_assert(KILN_FLOAT == 1 && KILN_UINT8 == 2 && KILN_INT8 == 3 &&
                  KILN_UINT16 == 4 && KILN_INT16 == 5 && KILN_INT32 == 6 &&
                  KILN_INT64 == 7 && KILN_STRING == 8 && KILN_BOOL == 9 &&
                  KILN_FLOAT16 == 10 && KILN_DOUBLE == 11 &&
                  KILN_UINT32 == 12 && KILN_UINT64 == 13 &&
                  KILN_COMPLEX64 == 14 && KILN_COMPLEX128 == 15 &&
                  KILN_BFLOAT16 == 16,
              "dtype codes must match ONNX");

TEST(Tensor, DtypeSizesAndNames) {
  struct {
    int32_t dtype;
    size_t size;
    const char *name;
  } cases[] = {{KILN_FLOAT, 4, "float32"},
               {KILN_UINT8, 1, "uint8"},
               {KILN_INT8, 1, "int8"},
               {KILN_UINT16, 2, "uint16"},
               {KILN_INT16, 2, "int16"},
               {KILN_INT32, 4, "int32"},
               {KILN_INT64, 8, "int64"},
               {KILN_STRING, 0, "string"},
               {KILN_BOOL, 1, "bool"},
               {KILN_FLOAT16, 2, "float16"},
               {KILN_DOUBLE, 8, "float64"},
               {KILN_UINT32, 4, "uint32"},
               {KILN_UINT64, 8, "uint64"},
               {KILN_COMPLEX64, 8, "complex64"},
               {KILN_COMPLEX128, 16, "complex128"},
               {KILN_BFLOAT16, 2, "bfloat16"},
               {KILN_UNDEFINED, 0, "undefined"},
               {-3, 0, "unknown"},
               {999, 0, "unknown"}};
  for (auto &c : cases) {
    EXPECT_EQ(kiln_dtype_size(c.dtype), c.size) << c.dtype;
    EXPECT_STREQ(kiln_dtype_name(c.dtype), c.name) << c.dtype;
  }
}

TEST(Tensor, AllocZeroedAligned) {
  kiln_tensor t;
  int64_t shape[] = {3, 5, 7};
  ASSERT_EQ(kiln_tensor_alloc(&t, KILN_DOUBLE, 3, shape), KILN_OK);
  EXPECT_EQ(t.dtype, KILN_DOUBLE);
  EXPECT_EQ(t.rank, 3);
  EXPECT_EQ(t.shape[2], 7);
  EXPECT_EQ(kiln_tensor_numel(&t), 105);
  EXPECT_EQ(kiln_tensor_nbytes(&t), 840);
  EXPECT_EQ((uintptr_t)t.data % 64, 0u);
  for (int i = 0; i < 105; ++i)
    ASSERT_EQ(static_cast<double *>(t.data)[i], 0.0);
  kiln_tensor_free(&t);
  EXPECT_EQ(t.data, nullptr);
  EXPECT_EQ(t.rank, 0);
  kiln_tensor_free(&t); // freeing twice is harmless after zeroing
  kiln_tensor_free(nullptr);
}

TEST(Tensor, ScalarAndEmpty) {
  kiln_tensor t;
  ASSERT_EQ(kiln_tensor_alloc(&t, KILN_INT64, 0, nullptr), KILN_OK);
  EXPECT_EQ(kiln_tensor_numel(&t), 1);
  EXPECT_NE(t.data, nullptr);
  kiln_tensor_free(&t);
  int64_t shape[] = {4, 0, 2};
  ASSERT_EQ(kiln_tensor_alloc(&t, KILN_FLOAT, 3, shape), KILN_OK);
  EXPECT_EQ(kiln_tensor_numel(&t), 0);
  EXPECT_NE(t.data, nullptr);
  kiln_tensor_free(&t);
}

TEST(Tensor, RejectsBadShapes) {
  kiln_tensor t;
  int64_t neg[] = {2, -1};
  EXPECT_EQ(kiln_tensor_alloc(&t, KILN_FLOAT, 2, neg), KILN_ERROR_FORMAT);
  EXPECT_NE(std::strstr(kiln_last_error(), "negative"), nullptr);
  EXPECT_EQ(t.data, nullptr);
  // Overflows int64 when multiplied, and must not wrap to something small.
  int64_t huge[] = {INT64_C(1) << 32, INT64_C(1) << 32, 16};
  EXPECT_EQ(kiln_tensor_alloc(&t, KILN_UINT8, 3, huge), KILN_ERROR_UNSUPPORTED);
  EXPECT_NE(std::strstr(kiln_last_error(), "too large"), nullptr);
  int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_NE(kiln_tensor_alloc(&t, KILN_FLOAT, 9, nine), KILN_OK);
  EXPECT_NE(kiln_tensor_alloc(&t, KILN_FLOAT, -1, nine), KILN_OK);
  EXPECT_NE(kiln_tensor_alloc(&t, KILN_STRING, 1, nine), KILN_OK);
  EXPECT_NE(kiln_tensor_alloc(&t, 77, 1, nine), KILN_OK);
  EXPECT_NE(kiln_tensor_alloc(&t, KILN_FLOAT, 2, nullptr), KILN_OK);
  EXPECT_NE(kiln_tensor_alloc(nullptr, KILN_FLOAT, 0, nullptr), KILN_OK);
}

TEST(Tensor, SizeLimitIsTwoToTheForty) {
  // Checked through numel so that nothing is allocated.
  kiln_tensor t{};
  t.dtype = KILN_FLOAT;
  t.rank = 2;
  t.shape[0] = INT64_C(1) << 20;
  t.shape[1] = INT64_C(1) << 18;
  EXPECT_EQ(kiln_tensor_numel(&t), INT64_C(1) << 38);
  t.shape[1] += 1;
  EXPECT_EQ(kiln_tensor_numel(&t), -1);
  EXPECT_EQ(kiln_tensor_nbytes(nullptr), -1);
}

TEST(Tensor, HeaderIsUsableFromC) { EXPECT_EQ(kiln_test_c_header(), 0); }
