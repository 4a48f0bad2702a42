//===- ArenaTest.cpp - arena allocation and alignment ---------------------===//

#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

TEST(Arena, DefaultAlignmentIs64) {
  for (size_t bytes : {0, 1, 63, 64, 100, 4097, 1 << 20}) {
    kiln_arena *a = kiln_arena_create(bytes, 0);
    ASSERT_NE(a, nullptr) << kiln_last_error();
    void *base = kiln_arena_base(a);
    ASSERT_NE(base, nullptr);
    EXPECT_EQ((uintptr_t)base % 64, 0u) << bytes;
    EXPECT_EQ(kiln_arena_size(a), bytes);
    kiln_arena_destroy(a);
  }
}

TEST(Arena, CustomAlignment) {
  for (size_t align : {1, 2, 8, 16, 128, 4096, 1 << 16}) {
    kiln_arena *a = kiln_arena_create(1000, align);
    ASSERT_NE(a, nullptr) << kiln_last_error();
    EXPECT_EQ((uintptr_t)kiln_arena_base(a) % align, 0u) << align;
    kiln_arena_destroy(a);
  }
}

TEST(Arena, IsZeroedAndWritable) {
  const size_t n = 12345;
  kiln_arena *a = kiln_arena_create(n, 64);
  ASSERT_NE(a, nullptr);
  auto *p = static_cast<unsigned char *>(kiln_arena_base(a));
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(p[i], 0) << i;
  std::memset(p, 0xab, n);
  kiln_arena_destroy(a);
}

TEST(Arena, RejectsBadArguments) {
  kiln_clear_error();
  EXPECT_EQ(kiln_arena_create(100, 48), nullptr);
  EXPECT_NE(std::strstr(kiln_last_error(), "power of two"), nullptr)
      << kiln_last_error();
  kiln_clear_error();
  EXPECT_EQ(kiln_arena_create(SIZE_MAX - 10, 64), nullptr);
  EXPECT_STRNE(kiln_last_error(), "");
  EXPECT_EQ(kiln_arena_base(nullptr), nullptr);
  EXPECT_EQ(kiln_arena_size(nullptr), 0u);
  kiln_arena_destroy(nullptr); // no-op
}
