//===- ReportTest.cpp - progress output, epoch CSV, SVG curves ------------===//

#include "TestUtil.h"

#include "kiln/report.h"

#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

using namespace kiln::test;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  double now = 0;
  static double read(void *ctx) { return static_cast<FakeClock *>(ctx)->now; }
};

std::string readAll(std::FILE *f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
    s.append(buf, n);
  return s;
}

size_t count(const std::string &s, const std::string &what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1))
    ++n;
  return n;
}

kiln_epoch_record record(int64_t epoch, double loss, double acc, double valLoss,
                         double valAcc) {
  return kiln_epoch_record{epoch, loss, acc, valLoss, valAcc, 10.0, 64.0};
}

} // namespace

//===-- progress ----------------------------------------------------------===//

TEST(Progress, PlainLinesWithExactRateAndEta) {
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  FakeClock clock;
  kiln_progress_options o = {2,     20, 32, KILN_PROGRESS_AUTO, FakeClock::read,
                             &clock};
  // AUTO on a regular file: not a terminal, so plain lines.
  kiln_progress *p = kiln_progress_create(f, &o);
  ASSERT_NE(p, nullptr) << kiln_last_error();
  ASSERT_EQ(kiln_progress_begin_epoch(p, 1), KILN_OK);
  for (int64_t b = 1; b <= 20; ++b) {
    clock.now = 0.5 * (double)b; // half a second per batch of 32
    ASSERT_EQ(kiln_progress_update(p, b, 1.0 / (double)b, 0.75), KILN_OK);
  }
  kiln_epoch_record r = {1, 0.4, 0.8, 0.45, 0.78, 10.0, 64.0};
  ASSERT_EQ(kiln_progress_end_epoch(p, &r), KILN_OK);
  kiln_progress_destroy(p);
  std::string out = readAll(f);
  std::fclose(f);
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  // One line per tenth of the epoch (batches 2, 4, ..., 20) plus the
  // summary.
  EXPECT_EQ(count(out, "\n"), 11u) << out;
  // At batch 10: 320 samples in 5 s = 64 samples/s; 10 batches left at
  // 0.5 s each = 5 s.
  EXPECT_NE(out.find("epoch 1/2 batch 10/20  loss 0.1000  acc 0.7500  64 "
                     "samples/s  ETA 0:05\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("batch 20/20  loss 0.0500  acc 0.7500  64 samples/s  "
                     "ETA 0:00\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("batch 3/20"), std::string::npos);
  EXPECT_NE(out.find("epoch 1/2 done in 10.0s: loss 0.4000  acc 0.8000  "
                     "val_loss 0.4500  val_acc 0.7800  64 samples/s\n"),
            std::string::npos)
      << out;
}

TEST(Progress, BarRedrawsInPlaceAtMostTenTimesASecond) {
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  FakeClock clock;
  kiln_progress_options o = {3,     20, 10, KILN_PROGRESS_BAR, FakeClock::read,
                             &clock};
  kiln_progress *p = kiln_progress_create(f, &o);
  ASSERT_NE(p, nullptr);
  clock.now = 100;
  ASSERT_EQ(kiln_progress_begin_epoch(p, 2), KILN_OK);
  for (int64_t b = 1; b <= 20; ++b) {
    clock.now = 100 + 0.0625 * (double)b; // 16 batches a second
    ASSERT_EQ(kiln_progress_update(p, b, 0.5, NAN), KILN_OK);
  }
  kiln_epoch_record r = {2, 0.5, 0.9, NAN, NAN, 1.25, 160};
  ASSERT_EQ(kiln_progress_end_epoch(p, &r), KILN_OK);
  kiln_progress_destroy(p);
  std::string out = readAll(f);
  std::fclose(f);
  // Drawn at batch 1, then whenever 0.1 s have passed (every second batch:
  // 3, 5, ..., 19), and at the last batch: 11 draws, plus the summary.
  EXPECT_EQ(count(out, "\r"), 12u) << out;
  EXPECT_EQ(count(out, "\n"), 1u) << out;
  EXPECT_EQ(count(out, "\x1b[K"), 12u);
  // Batch 11 of 20: 11 * 24 / 20 = 13 cells filled. 110 samples in
  // 0.6875 s = 160 samples/s; ETA 9 * 0.0625 = 0.5625 s, shown as 0:01.
  EXPECT_NE(out.find("\repoch 2/3 [=============>..........] 11/20  loss "
                     "0.5000  160 samples/s  ETA 0:01\x1b[K"),
            std::string::npos)
      << out;
  // NaN accuracy is not shown on the bars (the summary has one).
  EXPECT_EQ(out.substr(0, out.find("done")).find("acc"), std::string::npos);
  EXPECT_NE(out.find("[========================] 20/20"), std::string::npos);
  EXPECT_NE(out.find("\repoch 2/3 done in 1.2s: loss 0.5000  acc 0.9000  "
                     "160 samples/s\x1b[K\n"),
            std::string::npos)
      << out;
}

TEST(Progress, AutoPicksTheBarOnATerminal) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    GTEST_SKIP() << "no pseudo-terminal available";
  int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave, 0);
  std::FILE *f = fdopen(slave, "w");
  ASSERT_NE(f, nullptr);
  FakeClock clock;
  kiln_progress_options o = {1,     4, 1, KILN_PROGRESS_AUTO, FakeClock::read,
                             &clock};
  kiln_progress *p = kiln_progress_create(f, &o);
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(kiln_progress_begin_epoch(p, 1), KILN_OK);
  clock.now = 1;
  ASSERT_EQ(kiln_progress_update(p, 1, 2.0, 0.5), KILN_OK);
  kiln_progress_destroy(p); // ends the open line
  std::fclose(f);
  std::string got;
  char buf[512];
  pollfd pfd = {master, POLLIN, 0};
  while (poll(&pfd, 1, 200) > 0) {
    ssize_t n = read(master, buf, sizeof(buf));
    if (n <= 0)
      break;
    got.append(buf, (size_t)n);
  }
  close(master);
  EXPECT_NE(got.find("\repoch 1/1 [======>.................] 1/4"),
            std::string::npos)
      << got;
}

TEST(Progress, BadArguments) {
  kiln_progress_options o = {0, 10, 1, KILN_PROGRESS_LINES, nullptr, nullptr};
  EXPECT_EQ(kiln_progress_create(stdout, &o), nullptr);
  o.epochs = 1;
  EXPECT_EQ(kiln_progress_create(nullptr, &o), nullptr);
  std::FILE *f = std::tmpfile();
  kiln_progress *p = kiln_progress_create(f, &o);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(kiln_progress_update(p, 1, 0, 0), KILN_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(kiln_progress_begin_epoch(p, 1), KILN_OK);
  EXPECT_EQ(kiln_progress_update(p, 11, 0, 0), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "batch 11 outside 1..10"), nullptr);
  kiln_progress_destroy(p);
  std::fclose(f);
}

//===-- CSV ---------------------------------------------------------------===//

TEST(EpochCsv, AppendsRowsUnderOneHeader) {
  TempDir dir;
  std::string p = dir.file("metrics.csv");
  kiln_epoch_record a = record(1, 0.5, 0.75, NAN, NAN);
  kiln_epoch_record b = {2, 0.25, 0.875, 0.3, 0.8, 9.5, 67.5};
  ASSERT_EQ(kiln_epoch_csv_append(p.c_str(), &a), KILN_OK) << kiln_last_error();
  ASSERT_EQ(kiln_epoch_csv_append(p.c_str(), &b), KILN_OK);
  auto bytes = readBytes(p);
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()),
            "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,"
            "samples_per_second\n"
            "1,0.5,0.75,,,10,64\n"
            "2,0.25,0.875,0.3,0.8,9.5,67.5\n");
  // float32 values survive the round trip through text.
  kiln_epoch_record c = record(3, (double)0.1f, 1.0 / 3.0, NAN, NAN);
  ASSERT_EQ(kiln_epoch_csv_append(p.c_str(), &c), KILN_OK);
  bytes = readBytes(p);
  std::string text(bytes.begin(), bytes.end());
  std::string last = text.substr(text.rfind("\n3,") + 3);
  EXPECT_EQ((float)std::strtod(last.c_str(), nullptr), 0.1f) << last;
}

TEST(EpochCsv, RefusesAnotherFile) {
  TempDir dir;
  std::string p = dir.file("other.csv");
  writeBytes(p, std::string("a,b\n1,2\n"));
  kiln_epoch_record a = record(1, 0.5, 0.75, NAN, NAN);
  EXPECT_EQ(kiln_epoch_csv_append(p.c_str(), &a), KILN_ERROR_FORMAT);
  EXPECT_NE(std::strstr(kiln_last_error(), "line 1 is not the expected"),
            nullptr);
  auto bytes = readBytes(p);
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "a,b\n1,2\n");
  EXPECT_EQ(kiln_epoch_csv_append(dir.file("no/dir.csv").c_str(), &a),
            KILN_ERROR_IO);
}

TEST(EpochCsv, ReadsBackWhatWasAppended) {
  TempDir dir;
  std::string p = dir.file("m.csv");
  std::vector<kiln_epoch_record> in = {record(1, 0.5, 0.75, NAN, NAN),
                                       {2, 0.25, 0.875, 0.3, 0.8, 9.5, 67.5},
                                       record(3, (double)0.1f, 0.9, 0.2, 0.85)};
  for (auto &r : in)
    ASSERT_EQ(kiln_epoch_csv_append(p.c_str(), &r), KILN_OK);
  int64_t n = -1;
  ASSERT_EQ(kiln_epoch_csv_read(p.c_str(), nullptr, 0, &n), KILN_OK)
      << kiln_last_error();
  EXPECT_EQ(n, 3);
  std::vector<kiln_epoch_record> out(3);
  ASSERT_EQ(kiln_epoch_csv_read(p.c_str(), out.data(), 3, &n), KILN_OK);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i].epoch, in[i].epoch);
    // %.9g keeps every float32 digit (not every double one).
    EXPECT_EQ((float)out[i].train_loss, (float)in[i].train_loss);
    EXPECT_EQ(out[i].train_accuracy, in[i].train_accuracy);
    EXPECT_EQ(out[i].seconds, in[i].seconds);
  }
  EXPECT_TRUE(std::isnan(out[0].val_loss));
  EXPECT_EQ(out[1].val_accuracy, 0.8);
  EXPECT_EQ(kiln_epoch_csv_read(p.c_str(), out.data(), 2, &n),
            KILN_ERROR_INVALID_ARGUMENT);

  auto bytes = readBytes(p);
  std::string text(bytes.begin(), bytes.end());
  writeBytes(p, text + "4,1,2\n");
  EXPECT_EQ(kiln_epoch_csv_read(p.c_str(), nullptr, 0, &n), KILN_ERROR_FORMAT);
  EXPECT_NE(std::strstr(kiln_last_error(), "line 5 does not have 7 fields"),
            nullptr)
      << kiln_last_error();
  writeBytes(p, text + "4,1,x,,,1,1\n");
  EXPECT_EQ(kiln_epoch_csv_read(p.c_str(), nullptr, 0, &n), KILN_ERROR_FORMAT);
  EXPECT_NE(std::strstr(kiln_last_error(), "line 5, column 3: 'x'"), nullptr)
      << kiln_last_error();
  writeBytes(p, std::string("a,b\n"));
  EXPECT_EQ(kiln_epoch_csv_read(p.c_str(), nullptr, 0, &n), KILN_ERROR_FORMAT);
}

//===-- SVG ---------------------------------------------------------------===//

namespace {

// Checks that every element is closed in order (the SVG is well-formed
// XML as far as nesting goes) and returns the number of elements.
int checkNesting(const std::string &s) {
  std::vector<std::string> open;
  int elements = 0;
  for (size_t i = s.find('<'); i != std::string::npos; i = s.find('<', i)) {
    size_t end = s.find('>', i);
    EXPECT_NE(end, std::string::npos);
    if (end == std::string::npos)
      return -1;
    std::string tag = s.substr(i + 1, end - i - 1);
    i = end;
    if (tag[0] == '?')
      continue;
    std::string name = tag.substr(tag[0] == '/', tag.find_first_of(" />", 1) -
                                                     (tag[0] == '/'));
    if (tag[0] == '/') {
      EXPECT_FALSE(open.empty()) << "</" << name << "> without opening";
      if (open.empty())
        return -1;
      EXPECT_EQ(open.back(), name);
      open.pop_back();
    } else {
      ++elements;
      if (tag.back() != '/')
        open.push_back(name);
    }
  }
  EXPECT_TRUE(open.empty()) << open.size() << " unclosed";
  return elements;
}

std::vector<std::string> textsOfClass(const std::string &s,
                                      const std::string &cls) {
  std::vector<std::string> out;
  std::string key = "class=\"" + cls + "\"";
  for (size_t p = s.find(key); p != std::string::npos; p = s.find(key, p + 1)) {
    size_t b = s.find('>', p) + 1;
    out.push_back(s.substr(b, s.find('<', b) - b));
  }
  return out;
}

} // namespace

TEST(SvgPlot, TwoPanelsWithTicksLabelsAndLegend) {
  TempDir dir;
  std::string p = dir.file("curves.svg");
  std::vector<kiln_epoch_record> rs = {
      record(1, 1.0, 0.60, 0.9, 0.62), record(2, 0.7, 0.70, 0.65, 0.71),
      record(3, 0.5, 0.78, 0.55, 0.76), record(4, 0.4, 0.82, 0.5, 0.79),
      record(5, 0.3, 0.85, 0.48, 0.80)};
  ASSERT_EQ(kiln_plot_curves_svg(p.c_str(), rs.data(), 5, "LeNet <5> & co"),
            KILN_OK)
      << kiln_last_error();
  auto bytes = readBytes(p);
  std::string s(bytes.begin(), bytes.end());
  EXPECT_EQ(s.rfind("<?xml", 0), 0u);
  EXPECT_NE(s.find("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            std::string::npos);
  EXPECT_GT(checkNesting(s), 50);
  EXPECT_NE(s.find(">LeNet &lt;5&gt; &amp; co</text>"), std::string::npos);
  // Four curves: train and validation in each panel.
  EXPECT_EQ(count(s, "<polyline"), 4u);
  EXPECT_EQ(count(s, "<circle"), 20u);
  // One legend for both panels.
  EXPECT_EQ(textsOfClass(s, "legend"),
            (std::vector<std::string>{"train", "validation"}));
  EXPECT_EQ(count(s, ">epoch</text>"), 2u);
  EXPECT_NE(s.find(">loss</text>"), std::string::npos);
  EXPECT_NE(s.find(">accuracy</text>"), std::string::npos);
  // Loss spans 0.3..1.0: (1.0 - 0.3) / 5 = 0.14 rounds up to a step of 0.2,
  // so the ticks are 0.2 ... 1.0. Accuracy spans 0.60..0.85: 0.05 is
  // already nice, ticks 0.60 ... 0.85. Epoch ticks 1..5 in each panel.
  std::vector<std::string> loss = {"0.2", "0.4", "0.6", "0.8", "1.0"};
  std::vector<std::string> acc = {"0.60", "0.65", "0.70",
                                  "0.75", "0.80", "0.85"};
  std::vector<std::string> y = loss;
  y.insert(y.end(), acc.begin(), acc.end());
  EXPECT_EQ(textsOfClass(s, "ytick"), y);
  EXPECT_EQ(textsOfClass(s, "xtick"),
            (std::vector<std::string>{"1", "2", "3", "4", "5", "1", "2", "3",
                                      "4", "5"}));
  // The first training loss point (epoch 1, loss 1.0) is the top-left
  // corner of the loss plot: x = left margin 72, y = top margin 84.
  EXPECT_NE(s.find("data-series=\"train\" fill=\"none\" stroke=\"#1f77b4\" "
                   "stroke-width=\"2\" points=\"72.00,84.00 "),
            std::string::npos);
  // Validation curves are dashed.
  EXPECT_EQ(count(s, "stroke-dasharray"), 3u); // 2 curves + the legend
}

TEST(SvgPlot, MissingValidationAndGaps) {
  TempDir dir;
  std::string p = dir.file("train-only.svg");
  std::vector<kiln_epoch_record> rs = {record(1, 1.0, 0.5, NAN, NAN),
                                       record(2, NAN, NAN, NAN, NAN),
                                       record(3, 0.5, 0.7, NAN, NAN)};
  ASSERT_EQ(kiln_plot_curves_svg(p.c_str(), rs.data(), 3, nullptr), KILN_OK);
  auto bytes = readBytes(p);
  std::string s(bytes.begin(), bytes.end());
  EXPECT_GT(checkNesting(s), 20);
  EXPECT_EQ(s.find("validation"), std::string::npos);
  // Epoch 2 is missing: each panel's train curve is two pieces.
  EXPECT_EQ(count(s, "<polyline"), 4u);
  EXPECT_EQ(count(s, "<circle"), 4u);
  // A single epoch still gives a readable plot.
  ASSERT_EQ(kiln_plot_curves_svg(p.c_str(), rs.data(), 1, "one"), KILN_OK);
  EXPECT_EQ(kiln_plot_curves_svg(p.c_str(), rs.data(), 0, "none"),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(
      kiln_plot_curves_svg(dir.file("no/x.svg").c_str(), rs.data(), 3, nullptr),
      KILN_ERROR_IO);
}
