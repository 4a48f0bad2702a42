//===- onnx-conformance.cpp - run the ONNX backend tests through kiln-run -===//
//
//   kiln-onnx-conformance --kiln-run PATH --data DIR --tests LIST
//                         --expected-failures FILE [--jobs N] [--filter S]
//
// For every test named in LIST (e.g. node/test_abs), runs kiln-run on the
// test's model with each test_data_set_*'s inputs and compares its outputs
// with the expected output_*.pb: same dtype and shape, floats within
// rtol 1e-3 / atol 1e-5, integers and booleans exact. Tests run N at a time
// (each compiles its model).
//
// A test that fails must be listed, with its reason, in the expected
// failures file; a listed test that passes is an error too, so the list
// cannot go stale. Prints each unexpected result and a final
// "P passed, F failed" line; exits non-zero on any unexpected result.
// A test with no data is a failure, never a skip.
//
//===----------------------------------------------------------------------===//

#include "kiln/runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <set>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace {

struct Options {
  std::string kilnRun, dataDir, testsFile, expectedFile, workDir, filter;
  std::string writeExpected;
  std::vector<std::string> kilnRunArgs;
  int jobs = 2;
  int timeoutSeconds = 300;
  bool verbose = false;
};

bool exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::vector<std::string> listDir(const std::string &dir,
                                 const std::string &prefix) {
  std::vector<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d)) {
      std::string n = e->d_name;
      if (n.compare(0, prefix.size(), prefix) == 0)
        names.push_back(n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// input_0.pb, input_1.pb, ... in index order (not lexicographic).
std::vector<std::string> numbered(const std::string &dir,
                                  const std::string &stem) {
  std::vector<std::string> files;
  for (int i = 0;; ++i) {
    std::string p = dir + "/" + stem + "_" + std::to_string(i) + ".pb";
    if (!exists(p))
      break;
    files.push_back(p);
  }
  return files;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The first line of kiln-run's output that says what went wrong.
std::string firstError(const std::string &log) {
  std::istringstream in(log);
  std::string line, fallback;
  while (std::getline(in, line)) {
    if (line.find("error") != std::string::npos)
      return line;
    if (fallback.empty() && !line.empty())
      fallback = line;
  }
  return fallback.empty() ? "kiln-run failed without a message" : fallback;
}

double elementAsDouble(const kiln_tensor &t, int64_t i) {
  switch (t.dtype) {
  case KILN_FLOAT:
    return static_cast<const float *>(t.data)[i];
  case KILN_DOUBLE:
    return static_cast<const double *>(t.data)[i];
  case KILN_FLOAT16: {
    uint16_t h = static_cast<const uint16_t *>(t.data)[i];
    int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    double v = exp == 0    ? std::ldexp(mant, -24)
               : exp == 31 ? (mant ? NAN : INFINITY)
                           : std::ldexp(mant + 1024, exp - 25);
    return sign ? -v : v;
  }
  case KILN_BFLOAT16: {
    uint32_t bits = uint32_t(static_cast<const uint16_t *>(t.data)[i]) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  default:
    return 0;
  }
}

int64_t elementAsInt(const kiln_tensor &t, int64_t i) {
  switch (t.dtype) {
  case KILN_INT64:
    return static_cast<const int64_t *>(t.data)[i];
  case KILN_INT32:
    return static_cast<const int32_t *>(t.data)[i];
  case KILN_INT16:
    return static_cast<const int16_t *>(t.data)[i];
  case KILN_INT8:
    return static_cast<const int8_t *>(t.data)[i];
  case KILN_UINT8:
  case KILN_BOOL:
    return static_cast<const uint8_t *>(t.data)[i];
  case KILN_UINT16:
    return static_cast<const uint16_t *>(t.data)[i];
  case KILN_UINT32:
    return static_cast<const uint32_t *>(t.data)[i];
  case KILN_UINT64:
    return static_cast<int64_t>(static_cast<const uint64_t *>(t.data)[i]);
  default:
    return 0;
  }
}

std::string shapeText(const kiln_tensor &t) {
  std::string s = "[";
  for (int i = 0; i < t.rank; ++i)
    s += (i ? "x" : "") + std::to_string(t.shape[i]);
  return s + "] " + kiln_dtype_name(t.dtype);
}

/// Empty when `actual` matches `expected`, else why not.
std::string compare(const std::string &expectedPath,
                    const std::string &actualPath) {
  kiln_tensor e, a;
  std::memset(&e, 0, sizeof e);
  std::memset(&a, 0, sizeof a);
  if (kiln_tensorproto_read(expectedPath.c_str(), &e, nullptr, 0) != KILN_OK)
    return "cannot read expected " + expectedPath + ": " + kiln_last_error();
  if (kiln_tensorproto_read(actualPath.c_str(), &a, nullptr, 0) != KILN_OK) {
    kiln_tensor_free(&e);
    return "cannot read kiln's output " + actualPath + ": " + kiln_last_error();
  }
  std::string why;
  bool sameShape = e.rank == a.rank;
  for (int i = 0; sameShape && i < e.rank; ++i)
    sameShape = e.shape[i] == a.shape[i];
  if (e.dtype != a.dtype || !sameShape) {
    why = "got " + shapeText(a) + ", expected " + shapeText(e);
  } else {
    bool isFloat = e.dtype == KILN_FLOAT || e.dtype == KILN_DOUBLE ||
                   e.dtype == KILN_FLOAT16 || e.dtype == KILN_BFLOAT16;
    int64_t n = kiln_tensor_numel(&e), bad = 0, first = -1;
    for (int64_t i = 0; i < n; ++i) {
      bool ok;
      if (isFloat) {
        double x = elementAsDouble(a, i), y = elementAsDouble(e, i);
        ok = (std::isnan(x) && std::isnan(y)) || x == y ||
             std::fabs(x - y) <= 1e-5 + 1e-3 * std::fabs(y);
      } else {
        ok = elementAsInt(a, i) == elementAsInt(e, i);
      }
      if (!ok && bad++ == 0)
        first = i;
    }
    if (bad) {
      char buf[256];
      if (isFloat)
        std::snprintf(buf, sizeof buf,
                      "%lld of %lld elements differ; first at %lld: got %.9g, "
                      "expected %.9g",
                      (long long)bad, (long long)n, (long long)first,
                      elementAsDouble(a, first), elementAsDouble(e, first));
      else
        std::snprintf(buf, sizeof buf,
                      "%lld of %lld elements differ; first at %lld: got %lld, "
                      "expected %lld",
                      (long long)bad, (long long)n, (long long)first,
                      (long long)elementAsInt(a, first),
                      (long long)elementAsInt(e, first));
      why = buf;
    }
  }
  kiln_tensor_free(&e);
  kiln_tensor_free(&a);
  return why;
}

/// One kiln-run invocation: a test's data set.
struct Job {
  std::string test, set, model, outDir, log;
  std::vector<std::string> inputs, expected;
  pid_t pid = 0;
  std::chrono::steady_clock::time_point start;
  bool timedOut = false;
  std::string failure; // empty: passed
};

void removeTree(const std::string &dir) {
  for (const std::string &n : listDir(dir, "")) {
    if (n == "." || n == "..")
      continue;
    std::string p = dir + "/" + n;
    struct stat st;
    if (lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      removeTree(p);
    else
      unlink(p.c_str());
  }
  rmdir(dir.c_str());
}

bool mkdirs(const std::string &dir) {
  std::string partial;
  std::istringstream in(dir);
  std::string part;
  if (!dir.empty() && dir[0] == '/')
    partial = "/";
  while (std::getline(in, part, '/')) {
    if (part.empty())
      continue;
    partial += part + "/";
    mkdir(partial.c_str(), 0755);
  }
  return exists(dir);
}

bool startJob(Job &job, const Options &opts) {
  std::vector<std::string> args = {opts.kilnRun, job.model};
  for (const std::string &in : job.inputs) {
    args.push_back("--input");
    args.push_back(in);
  }
  args.push_back("--output-dir");
  args.push_back(job.outDir);
  for (const std::string &a : opts.kilnRunArgs)
    args.push_back(a);
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, job.log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int rc =
      posix_spawn(&job.pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  job.start = std::chrono::steady_clock::now();
  if (rc != 0) {
    job.failure = std::string("cannot start kiln-run: ") + std::strerror(rc);
    job.pid = 0;
    return false;
  }
  return true;
}

void finishJob(Job &job, int status) {
  if (job.timedOut) {
    job.failure = "timed out";
    return;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string why = firstError(readFile(job.log));
    if (WIFSIGNALED(status))
      why = "kiln-run crashed (signal " + std::to_string(WTERMSIG(status)) +
            "): " + why;
    job.failure = why;
    return;
  }
  for (size_t i = 0; i < job.expected.size(); ++i) {
    std::string why = compare(job.expected[i], job.outDir + "/output_" +
                                                   std::to_string(i) + ".pb");
    if (!why.empty()) {
      job.failure = "output " + std::to_string(i) + ": " + why;
      return;
    }
  }
}

int usage() {
  std::fprintf(stderr,
               "usage: kiln-onnx-conformance --kiln-run PATH --data DIR "
               "--tests LIST --expected-failures FILE [--jobs N] "
               "[--filter SUBSTRING] [--work DIR] [--timeout SECONDS] "
               "[--kiln-run-arg ARG]... [--write-expected-failures FILE] "
               "[--verbose]\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value after %s\n", a.c_str());
        std::exit(usage());
      }
      return argv[++i];
    };
    if (a == "--kiln-run")
      opts.kilnRun = value();
    else if (a == "--data")
      opts.dataDir = value();
    else if (a == "--tests")
      opts.testsFile = value();
    else if (a == "--expected-failures")
      opts.expectedFile = value();
    else if (a == "--jobs")
      opts.jobs = std::max(1, std::atoi(value().c_str()));
    else if (a == "--filter")
      opts.filter = value();
    else if (a == "--work")
      opts.workDir = value();
    else if (a == "--timeout")
      opts.timeoutSeconds = std::atoi(value().c_str());
    else if (a == "--kiln-run-arg")
      opts.kilnRunArgs.push_back(value());
    else if (a == "--write-expected-failures")
      opts.writeExpected = value();
    else if (a == "--verbose" || a == "-v")
      opts.verbose = true;
    else
      return usage();
  }
  if (opts.kilnRun.empty() || opts.dataDir.empty() || opts.testsFile.empty())
    return usage();
  auto startTime = std::chrono::steady_clock::now();

  std::vector<std::string> tests;
  {
    std::istringstream in(readFile(opts.testsFile));
    std::string line;
    while (std::getline(in, line)) {
      line.erase(0, line.find_first_not_of(" \t"));
      line.erase(line.find_last_not_of(" \t\r") + 1);
      if (line.empty() || line[0] == '#')
        continue;
      if (opts.filter.empty() || line.find(opts.filter) != std::string::npos)
        tests.push_back(line);
    }
  }
  if (tests.empty()) {
    std::fprintf(stderr, "no tests in %s\n", opts.testsFile.c_str());
    return 1;
  }
  // Expected failures: "<test> <reason>" per line.
  std::map<std::string, std::string> expected;
  if (!opts.expectedFile.empty()) {
    std::istringstream in(readFile(opts.expectedFile));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#')
        continue;
      size_t sp = line.find_first_of(" \t");
      std::string name = line.substr(0, sp), reason;
      if (sp != std::string::npos)
        reason = line.substr(line.find_first_not_of(" \t", sp));
      expected[name] = reason;
    }
  }

  std::string work = opts.workDir;
  bool ownWork = work.empty();
  if (ownWork) {
    char tmpl[] = "/tmp/kiln-onnx-XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::perror("mkdtemp");
      return 1;
    }
    work = tmpl;
  }

  std::vector<Job> jobs;
  std::map<std::string, std::string> testFailure; // test -> first failure
  for (const std::string &test : tests) {
    std::string dir = opts.dataDir + "/" + test;
    std::vector<std::string> sets = listDir(dir, "test_data_set_");
    if (!exists(dir + "/model.onnx") || sets.empty()) {
      testFailure[test] = "no model or test data in " + dir;
      continue;
    }
    for (const std::string &set : sets) {
      Job job;
      job.test = test;
      job.set = set;
      job.model = dir + "/model.onnx";
      job.inputs = numbered(dir + "/" + set, "input");
      job.expected = numbered(dir + "/" + set, "output");
      std::string flat = test;
      std::replace(flat.begin(), flat.end(), '/', '_');
      job.outDir = work + "/" + flat + "/" + set;
      mkdirs(job.outDir);
      job.log = job.outDir + "/kiln-run.log";
      jobs.push_back(std::move(job));
    }
  }

  // Run N at a time.
  size_t next = 0, running = 0;
  std::map<pid_t, size_t> byPid;
  while (next < jobs.size() || running) {
    while (running < static_cast<size_t>(opts.jobs) && next < jobs.size()) {
      Job &job = jobs[next++];
      if (startJob(job, opts)) {
        byPid[job.pid] = &job - jobs.data();
        ++running;
      }
    }
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0 && byPid.count(pid)) {
      Job &job = jobs[byPid[pid]];
      byPid.erase(pid);
      --running;
      finishJob(job, status);
      if (opts.verbose)
        std::printf("%s %s/%s%s%s\n", job.failure.empty() ? "ok  " : "fail",
                    job.test.c_str(), job.set.c_str(),
                    job.failure.empty() ? "" : ": ", job.failure.c_str());
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    for (auto &[p, index] : byPid) {
      Job &job = jobs[index];
      if (!job.timedOut &&
          now - job.start > std::chrono::seconds(opts.timeoutSeconds)) {
        job.timedOut = true;
        kill(p, SIGKILL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (const Job &job : jobs)
    if (!job.failure.empty() && !testFailure.count(job.test))
      testFailure[job.test] = job.set + ": " + job.failure;

  int passed = 0, failed = 0, unexpectedFail = 0, unexpectedPass = 0;
  for (const std::string &test : tests) {
    auto f = testFailure.find(test);
    bool listed = expected.count(test);
    if (f == testFailure.end()) {
      ++passed;
      if (listed) {
        ++unexpectedPass;
        std::printf("UNEXPECTED PASS %s (listed in the expected failures: "
                    "remove it)\n",
                    test.c_str());
      }
    } else {
      ++failed;
      if (!listed) {
        ++unexpectedFail;
        std::printf("FAIL %s: %s\n", test.c_str(), f->second.c_str());
      } else if (opts.verbose) {
        std::printf("expected failure %s: %s\n", test.c_str(),
                    f->second.c_str());
      }
    }
  }
  if (!opts.writeExpected.empty()) {
    std::ofstream out(opts.writeExpected);
    for (const std::string &test : tests)
      if (testFailure.count(test)) {
        std::string reason =
            expected.count(test) ? expected[test] : testFailure[test];
        out << test << " " << reason << "\n";
      }
  }
  if (ownWork)
    removeTree(work);
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - startTime)
                       .count();
  std::printf("onnx conformance: %d of %zu tests pass; %d expected failures, "
              "%d unexpected failures, %d unexpected passes; %.1f s with %d "
              "jobs\n",
              passed, tests.size(), failed - unexpectedFail, unexpectedFail,
              unexpectedPass, seconds, opts.jobs);
  std::printf("%d passed, %d failed\n", passed, failed);
  return unexpectedFail || unexpectedPass ? 1 : 0;
}
