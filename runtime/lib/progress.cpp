//===- progress.cpp - progress bar on a terminal, plain lines otherwise ---===//
//
// On a terminal the line is redrawn in place with '\r' and cleared to the
// end with "\x1b[K" (the line may get shorter); redraws are limited to ten a
// second so that printing never costs more than the training step. Outside
// a terminal (a log file, CI) those control codes would be garbage, so
// plain lines are printed at every tenth of an epoch instead.
//
//===----------------------------------------------------------------------===//

#include "kiln/report.h"

#include "internal.h"

#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <new>
#include <string>

#include <unistd.h>

using namespace kiln::rt;

struct kiln_progress {
  FILE *out;
  kiln_progress_options opts;
  bool bar;
  int64_t epoch = 0;
  double epochStart = 0;
  double lastDraw = -1;
  bool lineOpen = false; // a bar is on screen without its newline
  int64_t lastTenth = 0; // LINES: the last tenth of the epoch printed

  double now() const {
    if (opts.clock)
      return opts.clock(opts.clock_ctx);
    return std::chrono::duration<double>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

namespace {

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

// "m:ss", or "h:mm:ss" from an hour on.
std::string duration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds))
    return "?";
  long s = std::lround(seconds);
  if (s >= 3600)
    return format("%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return format("%ld:%02ld", s / 60, s % 60);
}

std::string metricsText(double loss, double accuracy) {
  std::string s = format("loss %.4f", loss);
  if (!std::isnan(accuracy))
    s += format("  acc %.4f", accuracy);
  return s;
}

} // namespace

extern "C" kiln_progress *
kiln_progress_create(FILE *out, const kiln_progress_options *opts) {
  if (!out || !opts || opts->epochs < 1 || opts->batches_per_epoch < 1 ||
      opts->batch_size < 1 || opts->style < KILN_PROGRESS_AUTO ||
      opts->style > KILN_PROGRESS_LINES) {
    fail(KILN_ERROR_INVALID_ARGUMENT,
         "progress_create: needs an output, epochs, batches per epoch and "
         "batch size >= 1 and a known style");
    return nullptr;
  }
  kiln_progress *p = new (std::nothrow) kiln_progress{out, *opts, false};
  if (!p) {
    fail(KILN_ERROR_OUT_OF_MEMORY, "progress_create: out of memory");
    return nullptr;
  }
  p->bar = opts->style == KILN_PROGRESS_BAR ||
           (opts->style == KILN_PROGRESS_AUTO && isatty(fileno(out)));
  return p;
}

extern "C" void kiln_progress_destroy(kiln_progress *p) {
  if (p && p->lineOpen)
    std::fputc('\n', p->out);
  delete p;
}

extern "C" kiln_status kiln_progress_begin_epoch(kiln_progress *p,
                                                 int64_t epoch) {
  if (!p || epoch < 1)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "progress_begin_epoch: NULL progress or epoch < 1");
  p->epoch = epoch;
  p->epochStart = p->now();
  p->lastDraw = -1;
  p->lastTenth = 0;
  return KILN_OK;
}

extern "C" kiln_status kiln_progress_update(kiln_progress *p, int64_t batch,
                                            double loss, double accuracy) {
  if (!p || p->epoch < 1)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "progress_update: no epoch begun");
  int64_t total = p->opts.batches_per_epoch;
  if (batch < 1 || batch > total)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "progress_update: batch %lld outside 1..%lld", (long long)batch,
                (long long)total);
  double now = p->now();
  bool last = batch == total;
  int64_t tenth = batch * 10 / total;
  if (p->bar ? !last && p->lastDraw >= 0 && now - p->lastDraw < 0.1
             : tenth == p->lastTenth && !last)
    return KILN_OK;
  p->lastDraw = now;
  p->lastTenth = tenth;

  double elapsed = now - p->epochStart;
  double rate =
      elapsed > 0 ? (double)(batch * p->opts.batch_size) / elapsed : NAN;
  double eta = elapsed / (double)batch * (double)(total - batch);
  std::string rateText = std::isnan(rate) ? "-" : format("%.0f", rate);
  try {
    std::string line;
    if (p->bar) {
      const int width = 24;
      int filled = (int)(batch * width / total);
      std::string bar(width, '.');
      for (int i = 0; i < filled; ++i)
        bar[i] = '=';
      if (filled < width)
        bar[filled] = '>';
      line = format("\repoch %lld/%lld [%s] %lld/%lld  ", (long long)p->epoch,
                    (long long)p->opts.epochs, bar.c_str(), (long long)batch,
                    (long long)total) +
             metricsText(loss, accuracy) + "  " + rateText + " samples/s  " +
             "ETA " + duration(eta) + "\x1b[K";
      p->lineOpen = true;
    } else {
      line = format("epoch %lld/%lld batch %lld/%lld  ", (long long)p->epoch,
                    (long long)p->opts.epochs, (long long)batch,
                    (long long)total) +
             metricsText(loss, accuracy) + "  " + rateText + " samples/s  " +
             "ETA " + duration(eta) + "\n";
    }
    std::fputs(line.c_str(), p->out);
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "progress_update: out of memory");
  }
  std::fflush(p->out);
  return KILN_OK;
}

extern "C" kiln_status kiln_progress_end_epoch(kiln_progress *p,
                                               const kiln_epoch_record *r) {
  if (!p || !r)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "progress_end_epoch: NULL");
  try {
    std::string line =
        format("epoch %lld/%lld done in %.1fs: ", (long long)r->epoch,
               (long long)p->opts.epochs, r->seconds) +
        metricsText(r->train_loss, r->train_accuracy);
    if (!std::isnan(r->val_loss))
      line += format("  val_loss %.4f", r->val_loss);
    if (!std::isnan(r->val_accuracy))
      line += format("  val_acc %.4f", r->val_accuracy);
    if (!std::isnan(r->samples_per_second))
      line += format("  %.0f samples/s", r->samples_per_second);
    // On a terminal the summary replaces the bar.
    std::fputs(
        ((p->lineOpen ? "\r" : "") + line + (p->lineOpen ? "\x1b[K\n" : "\n"))
            .c_str(),
        p->out);
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "progress_end_epoch: out of memory");
  }
  p->lineOpen = false;
  std::fflush(p->out);
  return KILN_OK;
}
