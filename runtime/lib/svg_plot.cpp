//===- svg_plot.cpp - training curves as a self-contained SVG -------------===//
//
// Why a writer of our own: Debian does package plotting libraries (PLplot as
// libplplot-dev, MathGL as libmgl-dev, and cairo for drawing), but each
// brings output drivers, fonts and a long dependency chain into a runtime
// that is linked statically into every executable kiln makes, for the sake
// of two line charts. SVG is text: a line chart is polylines, lines and
// labels, which any browser renders, so ~250 lines of C++ do the job with no
// dependency at all. PNG would need an encoder (zlib is there, but also
// rasterizing text), which is why the output is SVG.
//
//===----------------------------------------------------------------------===//

#include "kiln/report.h"

#include "internal.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

using namespace kiln::rt;

namespace {

constexpr double kPanelWidth = 480, kHeight = 400;
constexpr double kLeft = 72, kRight = 20, kTop = 84, kBottom = 60;
constexpr const char *kTrainColor = "#1f77b4", *kValColor = "#d62728";

class Svg {
public:
  std::string text;
  void add(const char *fmt, ...) __attribute__((format(printf, 2, 3))) {
    char buf[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);
    text += buf;
  }
};

std::string escapeXml(const char *s) {
  std::string out;
  for (; *s; ++s) {
    switch (*s) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      // Control characters are not allowed in XML 1.0 text.
      if ((unsigned char)*s >= 0x20 || *s == '\t')
        out += *s;
    }
  }
  return out;
}

// Axis ticks at multiples of a "nice" step (1, 2 or 5 times a power of
// ten) covering [lo, hi], about `target` of them.
struct Ticks {
  double lo, hi, step;
  int decimals;
};

Ticks niceTicks(double lo, double hi, int target, bool integers) {
  if (!(hi > lo)) {
    double pad = lo != 0 ? std::fabs(lo) * 0.1 : 1.0;
    lo -= pad;
    hi += pad;
  }
  double raw = (hi - lo) / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  if (integers && step < 1)
    step = 1;
  Ticks t;
  t.step = step;
  t.lo = std::floor(lo / step + 1e-9) * step;
  t.hi = std::ceil(hi / step - 1e-9) * step;
  t.decimals = step >= 1 ? 0 : (int)std::ceil(-std::log10(step) - 1e-9);
  return t;
}

struct Series {
  const char *name;
  const char *color;
  const char *dash; // stroke-dasharray, or nullptr
  std::vector<double> x, y;
  bool any() const {
    for (double v : y)
      if (std::isfinite(v))
        return true;
    return false;
  }
};

void panel(Svg &svg, double x0, const char *title, const char *ylabel,
           const std::vector<Series> &series) {
  double pw = kPanelWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  double left = x0 + kLeft, top = kTop, bottom = kTop + ph;

  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  for (const Series &s : series)
    for (size_t i = 0; i < s.x.size(); ++i) {
      xmin = std::fmin(xmin, s.x[i]);
      xmax = std::fmax(xmax, s.x[i]);
      if (std::isfinite(s.y[i])) {
        ymin = std::fmin(ymin, s.y[i]);
        ymax = std::fmax(ymax, s.y[i]);
      }
    }
  if (!std::isfinite(ymin)) {
    ymin = 0;
    ymax = 1;
  }
  Ticks xt = niceTicks(xmin, xmax, 8, true);
  Ticks yt = niceTicks(ymin, ymax, 5, false);
  auto px = [&](double x) { return left + (x - xt.lo) / (xt.hi - xt.lo) * pw; };
  auto py = [&](double y) {
    return bottom - (y - yt.lo) / (yt.hi - yt.lo) * ph;
  };

  svg.add("<g class=\"panel\">\n");
  svg.add("<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" "
          "font-size=\"15\" font-weight=\"bold\">%s</text>\n",
          left + pw / 2, top - 12, title);
  svg.add("<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
          "fill=\"white\" stroke=\"#444\"/>\n",
          left, top, pw, ph);
  // Y ticks with horizontal grid lines.
  for (int i = 0;; ++i) {
    double v = yt.lo + i * yt.step;
    if (v > yt.hi + yt.step * 1e-6)
      break;
    double y = py(v);
    svg.add("<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
            "stroke=\"#e5e5e5\"/>\n",
            left, y, left + pw, y);
    svg.add("<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
            "stroke=\"#444\"/>\n",
            left - 5, y, left, y);
    svg.add("<text class=\"ytick\" x=\"%.2f\" y=\"%.2f\" "
            "text-anchor=\"end\">%.*f</text>\n",
            left - 8, y + 4, yt.decimals, v);
  }
  for (int i = 0;; ++i) {
    double v = xt.lo + i * xt.step;
    if (v > xt.hi + xt.step * 1e-6)
      break;
    double x = px(v);
    svg.add("<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
            "stroke=\"#444\"/>\n",
            x, bottom, x, bottom + 5);
    svg.add("<text class=\"xtick\" x=\"%.2f\" y=\"%.2f\" "
            "text-anchor=\"middle\">%.0f</text>\n",
            x, bottom + 20, v);
  }
  svg.add("<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">epoch</text>\n",
          left + pw / 2, bottom + 44);
  svg.add("<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" "
          "transform=\"rotate(-90 %.2f %.2f)\">%s</text>\n",
          x0 + 20, top + ph / 2, x0 + 20, top + ph / 2, ylabel);

  // Curves: one polyline per run of measured points, a dot on each point.
  for (const Series &s : series) {
    if (!s.any())
      continue;
    std::string dash =
        s.dash ? std::string(" stroke-dasharray=\"") + s.dash + "\"" : "";
    std::string points;
    auto flush = [&] {
      if (!points.empty())
        svg.add("<polyline class=\"curve\" data-series=\"%s\" fill=\"none\" "
                "stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>\n",
                s.name, s.color, dash.c_str(), points.c_str());
      points.clear();
    };
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        flush();
        continue;
      }
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%s%.2f,%.2f", points.empty() ? "" : " ",
                    px(s.x[i]), py(s.y[i]));
      points += buf;
    }
    flush();
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.y[i]))
        svg.add("<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\"/>\n",
                px(s.x[i]), py(s.y[i]), s.color);
  }
  svg.add("</g>\n");
}

// One legend for both panels, under the title: inside a panel it would
// cover the curves somewhere (loss falls to the bottom right, accuracy
// climbs to the top right).
void legend(Svg &svg, const std::vector<Series> &loss,
            const std::vector<Series> &acc) {
  std::vector<const Series *> shown;
  for (size_t i = 0; i < loss.size(); ++i)
    if (loss[i].any() || acc[i].any())
      shown.push_back(&loss[i]);
  const double entry = 130;
  double x = kPanelWidth - entry * (double)shown.size() / 2, y = 48;
  for (const Series *s : shown) {
    svg.add("<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
            "stroke=\"%s\" stroke-width=\"2\"%s%s%s/>\n",
            x, y, x + 28, y, s->color, s->dash ? " stroke-dasharray=\"" : "",
            s->dash ? s->dash : "", s->dash ? "\"" : "");
    svg.add("<text class=\"legend\" x=\"%.2f\" y=\"%.2f\">%s</text>\n", x + 34,
            y + 4, s->name);
    x += entry;
  }
}

} // namespace

extern "C" kiln_status kiln_plot_curves_svg(const char *path,
                                            const kiln_epoch_record *records,
                                            int64_t n, const char *title) {
  if (!path || (n > 0 && !records) || n < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "plot_curves_svg: bad arguments");
  if (n == 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "plot_curves_svg: '%s': no epochs to plot", path);
  try {
    std::vector<Series> loss = {{"train", kTrainColor, nullptr, {}, {}},
                                {"validation", kValColor, "6 4", {}, {}}};
    std::vector<Series> acc = loss;
    for (int64_t i = 0; i < n; ++i) {
      const kiln_epoch_record &r = records[i];
      double e = (double)r.epoch;
      for (auto *s : {&loss[0], &loss[1], &acc[0], &acc[1]})
        s->x.push_back(e);
      loss[0].y.push_back(r.train_loss);
      loss[1].y.push_back(r.val_loss);
      acc[0].y.push_back(r.train_accuracy);
      acc[1].y.push_back(r.val_accuracy);
    }
    Svg svg;
    svg.add("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.add("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n",
            2 * kPanelWidth, kHeight, 2 * kPanelWidth, kHeight);
    svg.add("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    std::string t = escapeXml(title ? title : "Training curves");
    svg.text += "<text x=\"" + std::to_string((int)kPanelWidth) +
                "\" y=\"28\" text-anchor=\"middle\" font-size=\"18\">" + t +
                "</text>\n";
    legend(svg, loss, acc);
    panel(svg, 0, "Loss", "loss", loss);
    panel(svg, kPanelWidth, "Accuracy", "accuracy", acc);
    svg.add("</svg>\n");
    return kiln_write_file_atomic(path, svg.text.data(), svg.text.size());
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "plot_curves_svg: out of memory");
  }
}
