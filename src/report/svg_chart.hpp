// Stage report, charts: line and bar charts as standalone SVG text, for `spineload report`
// (inline in its HTML and one file per chart for papers). Hand-written: Debian packages no
// C++ library that draws charts to SVG, and these need only axes, ticks, lines and bars.
// The output depends only on the input (no time stamps, no random ids).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace spineload::report {

struct Series {
  std::string label;
  std::vector<double> x, y;  // line: numeric x; bars: y per category (x unused)
  std::string colour = "#2563eb";
  bool dashed = false;
};

struct ReferenceLine {  // a horizontal line across the plot, e.g. the NIOSH action limit
  double y = 0;
  std::string label;
  std::string colour = "#c0392b";
};

struct Chart {
  std::string title, x_label, y_label;  // axis labels carry their units
  std::vector<std::string> categories;  // non-empty: a bar chart over these
  std::vector<Series> series;
  std::vector<ReferenceLine> references;
  std::optional<double> y_min, y_max;   // default: from the data (and 0 for bars)
  // Tick labels of a numeric x axis, when the numbers need words (stages: "P20", "PP6").
  std::string (*x_tick_label)(double) = nullptr;
};

// Builders (GCC 12 warns on designated initialisers that leave members to their defaults).
inline Chart make_chart(std::string title, std::string x_label, std::string y_label) {
  Chart c;
  c.title = std::move(title);
  c.x_label = std::move(x_label);
  c.y_label = std::move(y_label);
  return c;
}
inline Series line_series(std::string label, std::vector<double> x, std::vector<double> y, std::string colour = "#2563eb") {
  Series s;
  s.label = std::move(label);
  s.x = std::move(x);
  s.y = std::move(y);
  s.colour = std::move(colour);
  return s;
}
inline Series bar_series(std::string label, std::vector<double> y, std::string colour = "#2563eb") {
  return line_series(std::move(label), {}, std::move(y), std::move(colour));
}

// Throws std::invalid_argument on a non-finite value or series of unequal lengths.
std::string render_svg(const Chart& chart, int width_px = 640, int height_px = 360);

// Escapes &, <, >, " for XML text and attributes.
std::string xml_escape(const std::string& s);

}  // namespace spineload::report
