//===- ErrorTest.cpp - thread-local error messages ------------------------===//

#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>

TEST(Error, FormatsAndClears) {
  kiln_clear_error();
  EXPECT_STREQ(kiln_last_error(), "");
  kiln_set_error("bad %s #%d", "thing", 7);
  EXPECT_STREQ(kiln_last_error(), "bad thing #7");
  kiln_clear_error();
  EXPECT_STREQ(kiln_last_error(), "");
}

TEST(Error, IsThreadLocal) {
  kiln_set_error("main thread");
  std::string seen = "unset";
  std::thread([&] {
    seen = kiln_last_error();
    kiln_set_error("other thread");
  }).join();
  EXPECT_EQ(seen, "");
  EXPECT_STREQ(kiln_last_error(), "main thread");
}

TEST(Error, LongMessagesAreTruncatedNotOverflowed) {
  std::string big(5000, 'x');
  kiln_set_error("%s", big.c_str());
  size_t len = std::strlen(kiln_last_error());
  EXPECT_GT(len, 500u);
  EXPECT_LT(len, 5000u);
}

TEST(Error, StatusNames) {
  EXPECT_STREQ(kiln_status_name(KILN_OK), "KILN_OK");
  EXPECT_STREQ(kiln_status_name(KILN_ERROR_FORMAT), "KILN_ERROR_FORMAT");
  EXPECT_STREQ(kiln_status_name((kiln_status)99), "KILN_ERROR(unknown)");
}
