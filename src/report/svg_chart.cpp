#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spineload::report {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `target` ticks.
double nice_step(double span, int target) {
  const double raw = span / std::max(1, target);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p * (1 + 1e-9)) return m * p;
  return 10 * p;
}

std::string tick_text(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0;
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fmt::format("{:.{}f}", v, decimals);
}

struct Range {
  double lo, hi, step;
};

Range axis_range(double lo, double hi, int ticks) {
  if (!(hi > lo)) {
    const double pad = std::max(1.0, std::abs(lo) * 0.1);
    lo -= pad;
    hi += pad;
  }
  const double step = nice_step(hi - lo, ticks);
  return {std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, step};
}

}  // namespace

std::string render_svg(const Chart& c, int width, int height) {
  const bool bars = !c.categories.empty();
  double ylo = INFINITY, yhi = -INFINITY, xlo = INFINITY, xhi = -INFINITY;
  for (const Series& s : c.series) {
    if (bars ? s.y.size() != c.categories.size() : s.x.size() != s.y.size())
      throw std::invalid_argument("chart '" + c.title + "': series '" + s.label + "' has values of unequal length");
    for (double v : s.y) {
      if (!std::isfinite(v)) throw std::invalid_argument("chart '" + c.title + "': a value of '" + s.label + "' is not finite");
      ylo = std::min(ylo, v);
      yhi = std::max(yhi, v);
    }
    for (double v : s.x) {
      if (!std::isfinite(v)) throw std::invalid_argument("chart '" + c.title + "': an x of '" + s.label + "' is not finite");
      xlo = std::min(xlo, v);
      xhi = std::max(xhi, v);
    }
  }
  for (const ReferenceLine& r : c.references) {
    ylo = std::min(ylo, r.y);
    yhi = std::max(yhi, r.y);
  }
  if (!std::isfinite(ylo)) ylo = 0, yhi = 1;
  if (bars) ylo = std::min(ylo, 0.0);
  if (c.y_min) ylo = *c.y_min;
  if (c.y_max) yhi = *c.y_max;
  const Range yr = axis_range(ylo, yhi, 6);
  const Range xr = bars || !std::isfinite(xlo) ? Range{0, 1, 1} : axis_range(xlo, xhi, 8);

  const double left = 70, right = 16, top = 34, bottom = 58;
  const double pw = width - left - right, ph = height - top - bottom;
  auto X = [&](double x) { return left + (x - xr.lo) / (xr.hi - xr.lo) * pw; };
  auto Y = [&](double y) { return top + (1 - (std::clamp(y, yr.lo, yr.hi) - yr.lo) / (yr.hi - yr.lo)) * ph; };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n"
      "<text x=\"{2}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{3}</text>\n",
      width, height, left, xml_escape(c.title));
  // Y grid and ticks.
  for (double v = yr.lo; v <= yr.hi + yr.step * 1e-6; v += yr.step) {
    s += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e3e6eb\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                     left, left + pw, Y(v), Y(v), left - 6, Y(v) + 4, tick_text(v, yr.step));
  }
  // X ticks: categories or numbers.
  if (bars) {
    const double slot = pw / c.categories.size();
    // Every label where they fit; every k-th where they would overlap (6.5 px a character).
    std::size_t longest = 1;
    for (const auto& cat : c.categories) longest = std::max(longest, cat.size());
    const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil((6.5 * longest + 6) / slot)));
    for (std::size_t i = 0; i < c.categories.size(); i += every)
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + (i + 0.5) * slot,
                       top + ph + 16, xml_escape(c.categories[i]));
    const double width_each = 0.8 * slot / std::max<std::size_t>(1, c.series.size());
    for (std::size_t k = 0; k < c.series.size(); ++k)
      for (std::size_t i = 0; i < c.categories.size(); ++i) {
        const double v = c.series[k].y[i], y0 = Y(std::max(0.0, yr.lo)), y1 = Y(v);
        s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>\n",
                         left + i * slot + 0.1 * slot + k * width_each, std::min(y0, y1), width_each,
                         std::abs(y0 - y1), c.series[k].colour);
      }
  } else {
    for (double v = xr.lo; v <= xr.hi + xr.step * 1e-6; v += xr.step)
      s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"#eef0f3\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                       X(v), top, top + ph, top + ph + 16, c.x_tick_label ? xml_escape(c.x_tick_label(v)) : tick_text(v, xr.step));
    for (const Series& ser : c.series) {
      std::string pts;
      for (std::size_t i = 0; i < ser.x.size(); ++i) pts += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", X(ser.x[i]), Y(ser.y[i]));
      s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", pts, ser.colour,
                       ser.dashed ? " stroke-dasharray=\"6 4\"" : "");
      if (ser.x.size() <= 60)
        for (std::size_t i = 0; i < ser.x.size(); ++i)
          s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"/>\n", X(ser.x[i]), Y(ser.y[i]), ser.colour);
    }
  }
  for (const ReferenceLine& r : c.references)
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" stroke-dasharray=\"6 4\"/>"
                     "<text x=\"{1:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\" fill=\"{3}\">{5}</text>\n",
                     left, left + pw, Y(r.y), r.colour, Y(r.y) - 4, xml_escape(r.label));
  // Axes and their labels (with units).
  s += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2:.1f}\" stroke=\"#333\"/>"
                   "<line x1=\"{0}\" x2=\"{3:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#333\"/>\n",
                   left, top, top + ph, left + pw);
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + pw / 2, top + ph + 34,
                   xml_escape(c.x_label));
  s += fmt::format("<text transform=\"translate(16 {:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n", top + ph / 2,
                   xml_escape(c.y_label));
  // Legend along the bottom.
  double lx = left;
  for (const Series& ser : c.series) {
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"4\" fill=\"{}\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                     lx, height - 12.0, ser.colour, lx + 16, height - 7.0, xml_escape(ser.label));
    lx += 28 + 6.5 * ser.label.size();
  }
  s += "</svg>\n";
  return s;
}

}  // namespace spineload::report
