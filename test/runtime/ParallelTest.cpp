//===- ParallelTest.cpp - kiln_parallel_for and the thread pool -----------===//

#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

// Counts how often each index of [begin, end) is visited and checks that
// every call gets a non-empty subrange inside the range.
struct Coverage {
  int64_t begin, end;
  std::unique_ptr<std::atomic<int>[]> hits;
  std::atomic<int> calls{0};
  std::atomic<bool> badRange{false};
  Coverage(int64_t b, int64_t e)
      : begin(b), end(e), hits(new std::atomic<int>[e > b ? e - b : 1]) {
    for (int64_t i = 0; i < (e > b ? e - b : 1); ++i)
      hits[i] = 0;
  }
  static void body(int64_t lo, int64_t hi, void *ctx) {
    auto *c = static_cast<Coverage *>(ctx);
    c->calls++;
    if (lo >= hi || lo < c->begin || hi > c->end)
      c->badRange = true;
    for (int64_t i = lo; i < hi && i < c->end && i >= c->begin; ++i)
      c->hits[i - c->begin]++;
  }
  void expectExactlyOnce() {
    EXPECT_FALSE(badRange);
    for (int64_t i = 0; i < end - begin; ++i)
      ASSERT_EQ(hits[i].load(), 1) << "index " << begin + i;
  }
};

// Restores the thread count a test changed.
struct ThreadCountGuard {
  int saved = kiln_get_num_threads();
  ~ThreadCountGuard() { kiln_set_num_threads(saved); }
};

} // namespace

TEST(Parallel, CoversEveryIndexExactlyOnce) {
  ThreadCountGuard guard;
  const std::pair<int64_t, int64_t> ranges[] = {
      {0, 1},    {0, 2},    {5, 6},      {0, 7},  {0, 100},
      {-50, 50}, {3, 1000}, {0, 100003}, {-7, -3}};
  for (int threads : {1, 2, 3, 4, 7, 16}) {
    ASSERT_EQ(kiln_set_num_threads(threads), KILN_OK);
    EXPECT_EQ(kiln_get_num_threads(), threads);
    for (auto [b, e] : ranges) {
      SCOPED_TRACE(std::to_string(threads) + " threads, [" + std::to_string(b) +
                   ", " + std::to_string(e) + ")");
      Coverage c(b, e);
      ASSERT_EQ(kiln_parallel_for(b, e, Coverage::body, &c), KILN_OK);
      c.expectExactlyOnce();
      EXPECT_LE(c.calls.load(), threads);
      EXPECT_LE(c.calls.load(), e - b);
    }
  }
}

TEST(Parallel, RangesNearInt64Limits) {
  ThreadCountGuard guard;
  ASSERT_EQ(kiln_set_num_threads(3), KILN_OK);
  for (auto [b, e] : {std::pair<int64_t, int64_t>{INT64_MAX - 10, INT64_MAX},
                      {INT64_MIN, INT64_MIN + 10}}) {
    Coverage c(b, e);
    ASSERT_EQ(kiln_parallel_for(b, e, Coverage::body, &c), KILN_OK);
    c.expectExactlyOnce();
  }
}

TEST(Parallel, EmptyRangeAndNullBody) {
  Coverage c(0, 1);
  EXPECT_EQ(kiln_parallel_for(5, 5, Coverage::body, &c), KILN_OK);
  EXPECT_EQ(kiln_parallel_for(5, 2, Coverage::body, &c), KILN_OK);
  EXPECT_EQ(c.calls.load(), 0);
  EXPECT_EQ(kiln_parallel_for(0, 10, nullptr, nullptr),
            KILN_ERROR_INVALID_ARGUMENT);
}

TEST(Parallel, UsesSeveralThreads) {
  ThreadCountGuard guard;
  ASSERT_EQ(kiln_set_num_threads(4), KILN_OK);
  struct Ctx {
    std::mutex m;
    std::set<std::thread::id> ids;
    std::atomic<int> entered{0};
  } ctx;
  // Each chunk waits (bounded) until a second thread has entered, so a pool
  // that runs everything on the caller shows up as a single thread id.
  auto body = [](int64_t, int64_t, void *p) {
    auto *c = static_cast<Ctx *>(p);
    {
      std::lock_guard<std::mutex> lk(c->m);
      c->ids.insert(std::this_thread::get_id());
    }
    c->entered++;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (c->entered < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  ASSERT_EQ(kiln_parallel_for(0, 4, body, &ctx), KILN_OK);
  EXPECT_GE(ctx.ids.size(), 2u);
}

TEST(Parallel, NestedCallsRunInlineWithoutDeadlock) {
  ThreadCountGuard guard;
  ASSERT_EQ(kiln_set_num_threads(4), KILN_OK);
  constexpr int64_t kOuter = 64, kInner = 50;
  struct Ctx {
    std::atomic<int> hits[kOuter * kInner];
    std::atomic<int> setThreadsRefused{0};
  };
  auto ctx = std::make_unique<Ctx>();
  for (auto &h : ctx->hits)
    h = 0;
  auto outer = [](int64_t lo, int64_t hi, void *p) {
    auto *c = static_cast<Ctx *>(p);
    for (int64_t i = lo; i < hi; ++i) {
      struct Inner {
        Ctx *c;
        int64_t row;
      } in{c, i};
      kiln_parallel_for(
          0, kInner,
          [](int64_t l, int64_t h, void *q) {
            auto *in = static_cast<Inner *>(q);
            for (int64_t j = l; j < h; ++j)
              in->c->hits[in->row * kInner + j]++;
          },
          &in);
    }
    // Resizing the pool from inside a body would deadlock; it is refused.
    if (kiln_set_num_threads(2) == KILN_ERROR_INVALID_ARGUMENT)
      c->setThreadsRefused++;
  };
  ASSERT_EQ(kiln_parallel_for(0, kOuter, outer, ctx.get()), KILN_OK);
  for (int64_t i = 0; i < kOuter * kInner; ++i)
    ASSERT_EQ(ctx->hits[i].load(), 1) << i;
  EXPECT_GT(ctx->setThreadsRefused.load(), 0);
  EXPECT_EQ(kiln_get_num_threads(), 4);
}

TEST(Parallel, ConcurrentCallersFromSeveralThreads) {
  ThreadCountGuard guard;
  ASSERT_EQ(kiln_set_num_threads(3), KILN_OK);
  std::vector<std::unique_ptr<Coverage>> covs;
  for (int t = 0; t < 4; ++t)
    covs.push_back(std::make_unique<Coverage>(0, 5000));
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      for (int rep = 0; rep < 50; ++rep)
        kiln_parallel_for(rep * 100, rep * 100 + 100, Coverage::body,
                          covs[t].get());
    });
  for (auto &c : callers)
    c.join();
  for (auto &c : covs)
    c->expectExactlyOnce();
}

TEST(Parallel, ManySmallCallsStayCorrect) {
  ThreadCountGuard guard;
  ASSERT_EQ(kiln_set_num_threads(4), KILN_OK);
  Coverage c(0, 20000);
  for (int64_t b = 0; b < 20000; b += 10)
    ASSERT_EQ(kiln_parallel_for(b, b + 10, Coverage::body, &c), KILN_OK);
  c.expectExactlyOnce();
}

// Fresh workers must pick up a job published right after they were created
// (a lost wake-up here hangs the call; ctest's timeout turns it into a
// failure).
TEST(Parallel, ResizeThenRunRepeatedly) {
  ThreadCountGuard guard;
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(kiln_set_num_threads(2 + i % 4), KILN_OK);
    Coverage c(0, 37);
    ASSERT_EQ(kiln_parallel_for(0, 37, Coverage::body, &c), KILN_OK);
    c.expectExactlyOnce();
  }
}

TEST(Parallel, SetNumThreadsValidates) {
  ThreadCountGuard guard;
  EXPECT_EQ(kiln_set_num_threads(0), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_set_num_threads(-3), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_set_num_threads(1 << 20), KILN_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(kiln_set_num_threads(1), KILN_OK);
  EXPECT_EQ(kiln_get_num_threads(), 1);
  // One thread: everything runs on the caller, in one call.
  Coverage c(0, 1000);
  ASSERT_EQ(kiln_parallel_for(0, 1000, Coverage::body, &c), KILN_OK);
  EXPECT_EQ(c.calls.load(), 1);
}

// The default is read once per process, so each case runs in a fresh one
// ("threadsafe" death tests re-execute the binary).
TEST(ParallelDeathTest, EnvironmentSetsDefaultThreadCount) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  unsigned hw = std::thread::hardware_concurrency();
  const int fallback = hw ? (int)hw : 1;
  const int wanted = fallback + 2; // distinguishable from the fallback
  auto childWith = [&](const std::string &value) {
    setenv("KILN_NUM_THREADS", value.c_str(), 1);
    int n = kiln_get_num_threads();
    std::exit(n == wanted ? 3 : (n == fallback ? 1 : 2));
  };
  EXPECT_EXIT(childWith(std::to_string(wanted)), ::testing::ExitedWithCode(3),
              "");
  // Invalid values fall back to the hardware concurrency.
  EXPECT_EXIT(childWith("zero"), ::testing::ExitedWithCode(1), "");
  EXPECT_EXIT(childWith("0"), ::testing::ExitedWithCode(1), "");
  EXPECT_EXIT(childWith(std::to_string(wanted) + "x"),
              ::testing::ExitedWithCode(1), "");
}
