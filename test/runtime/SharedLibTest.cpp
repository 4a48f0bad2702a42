//===- SharedLibTest.cpp - the runtime inside a dlopen'ed .so -------------===//
//
// Generated shared libraries embed the static runtime (hence PIC), may be
// loaded and unloaded, and must not leave pool threads running code that
// dlclose unmapped.

#include <gtest/gtest.h>

#include <cstdint>
#include <dlfcn.h>

TEST(SharedLib, RuntimeWorksInsideADlopenedModule) {
  for (int round = 0; round < 3; ++round) {
    void *h = dlopen(KILN_TEST_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(h, nullptr) << dlerror();
    auto sum =
        reinterpret_cast<int64_t (*)(int64_t)>(dlsym(h, "kiln_module_sum"));
    ASSERT_NE(sum, nullptr) << dlerror();
    EXPECT_EQ(sum(1000), 999 * 1000);
    EXPECT_EQ(dlclose(h), 0) << dlerror();
    // Really unloaded, so the pool's destructor ran (joining its threads)
    // before the code was unmapped; otherwise this test proves little.
    void *again = dlopen(KILN_TEST_MODULE_PATH, RTLD_NOW | RTLD_NOLOAD);
    EXPECT_EQ(again, nullptr) << "module stayed loaded after dlclose";
    if (again)
      dlclose(again);
  }
}
