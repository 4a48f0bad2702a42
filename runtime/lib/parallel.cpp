//===- parallel.cpp - parallel-for on a persistent thread pool ------------===//
//
// One job runs at a time: the caller publishes it, wakes the workers, runs
// chunks itself, and waits until every worker has seen the job. Chunks are
// claimed through an atomic counter so a worker that wakes late (the cores
// are often shared) just finds less work; the boundaries are a fixed
// function of the range and the thread count, so results of per-chunk
// reductions are reproducible for a given thread count.
//
//===----------------------------------------------------------------------===//

#include "internal.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

using namespace kiln::rt;

namespace {

constexpr int kMaxThreads = 1024;

// Set on pool workers for their whole life and on a caller while it runs
// chunks: a parallel_for issued from a body then runs inline instead of
// waiting for a pool that is busy with the outer call.
thread_local bool inParallel = false;

int defaultNumThreads() {
  if (const char *env = std::getenv("KILN_NUM_THREADS")) {
    char *endp = nullptr;
    long v = std::strtol(env, &endp, 10);
    if (endp != env && *endp == '\0' && v >= 1 && v <= kMaxThreads)
      return (int)v;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : (hw > (unsigned)kMaxThreads ? kMaxThreads : (int)hw);
}

class Pool {
public:
  ~Pool() {
    std::lock_guard<std::mutex> submit(submitMutex);
    stopWorkers();
  }

  int numThreads() {
    std::call_once(initFlag, [&] { threads.store(defaultNumThreads()); });
    return threads.load();
  }

  void setNumThreads(int n) {
    numThreads(); // so a later first call doesn't overwrite n with the default
    std::lock_guard<std::mutex> submit(submitMutex);
    stopWorkers();
    threads.store(n);
  }

  void run(int64_t begin, int64_t end, kiln_parallel_body body, void *ctx) {
    uint64_t n = (uint64_t)end - (uint64_t)begin;
    int want = numThreads();
    if (want <= 1 || n <= 1) {
      runInline(begin, end, body, ctx);
      return;
    }
    std::lock_guard<std::mutex> submit(submitMutex);
    startWorkers(want - 1);
    if (workers.empty()) { // could not create threads
      runInline(begin, end, body, ctx);
      return;
    }
    uint64_t chunks = (uint64_t)want < n ? (uint64_t)want : n;
    {
      std::lock_guard<std::mutex> lk(m);
      job = Job{body, ctx, begin, n, chunks};
      nextChunk.store(0);
      pending = workers.size();
      ++generation;
    }
    wake.notify_all();
    inParallel = true;
    runChunks();
    inParallel = false;
    std::unique_lock<std::mutex> lk(m);
    done.wait(lk, [&] { return pending == 0; });
  }

private:
  struct Job {
    kiln_parallel_body body = nullptr;
    void *ctx = nullptr;
    int64_t begin = 0;
    uint64_t n = 0;
    uint64_t chunks = 0;
  };

  static void runInline(int64_t begin, int64_t end, kiln_parallel_body body,
                        void *ctx) {
    bool outer = inParallel;
    inParallel = true;
    body(begin, end, ctx);
    inParallel = outer;
  }

  // Chunk i covers [i*q + min(i, r), (i+1)*q + min(i+1, r)) of the n
  // iterations, computed in uint64_t so ranges near INT64 limits work.
  void runChunks() {
    const Job &j = job;
    uint64_t q = j.n / j.chunks, r = j.n % j.chunks;
    for (;;) {
      uint64_t i = nextChunk.fetch_add(1);
      if (i >= j.chunks)
        return;
      uint64_t lo = i * q + (i < r ? i : r);
      uint64_t hi = lo + q + (i < r ? 1 : 0);
      j.body((int64_t)((uint64_t)j.begin + lo),
             (int64_t)((uint64_t)j.begin + hi), j.ctx);
    }
  }

  // `seen` is the generation when the worker was created: a thread may start
  // running only after the first job was published, and must still take it.
  void workerLoop(uint64_t seen) {
    inParallel = true;
    std::unique_lock<std::mutex> lk(m);
    for (;;) {
      wake.wait(lk, [&] { return stop || generation != seen; });
      if (stop)
        return;
      seen = generation;
      lk.unlock();
      runChunks();
      lk.lock();
      if (--pending == 0)
        done.notify_one();
    }
  }

  // Called with submitMutex held.
  void startWorkers(int count) {
    if ((int)workers.size() == count)
      return;
    stopWorkers();
    uint64_t gen;
    {
      std::lock_guard<std::mutex> lk(m);
      gen = generation;
    }
    for (int i = 0; i < count; ++i) {
      try {
        workers.emplace_back([this, gen] { workerLoop(gen); });
      } catch (...) {
        break; // run with the workers we got
      }
    }
  }

  // Called with submitMutex held, so no job is in flight.
  void stopWorkers() {
    {
      std::lock_guard<std::mutex> lk(m);
      stop = true;
    }
    wake.notify_all();
    for (std::thread &t : workers)
      t.join();
    workers.clear();
    std::lock_guard<std::mutex> lk(m);
    stop = false;
  }

  std::once_flag initFlag;
  std::atomic<int> threads{1};
  std::mutex submitMutex; // serializes jobs and resizing
  std::vector<std::thread> workers;

  std::mutex m; // guards job, generation, pending, stop
  std::condition_variable wake, done;
  Job job;
  uint64_t generation = 0;
  size_t pending = 0;
  bool stop = false;
  std::atomic<uint64_t> nextChunk{0};
};

Pool &pool() {
  static Pool p;
  return p;
}

} // namespace

extern "C" kiln_status kiln_parallel_for(int64_t begin, int64_t end,
                                         kiln_parallel_body body, void *ctx) {
  if (!body)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "parallel_for: NULL body");
  if (end <= begin)
    return KILN_OK;
  if (inParallel) {
    body(begin, end, ctx);
    return KILN_OK;
  }
  pool().run(begin, end, body, ctx);
  return KILN_OK;
}

extern "C" kiln_status kiln_set_num_threads(int n) {
  if (n < 1 || n > kMaxThreads)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "set_num_threads: %d outside 1..%d", n, kMaxThreads);
  if (inParallel)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "set_num_threads: not allowed inside a parallel_for body");
  pool().setNumThreads(n);
  return KILN_OK;
}

extern "C" int kiln_get_num_threads(void) { return pool().numThreads(); }
