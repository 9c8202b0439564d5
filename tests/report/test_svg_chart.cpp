// SVG charts: axes with units, one mark per value, nothing non-finite drawn, deterministic.
#include "report/svg_chart.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace spineload::report {
namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(SvgChart, LineChartHasItsPointsAxesAndReferenceLine) {
  Chart c = make_chart("L5/S1 <compression>", "week (wk)", "compression (N)");
  c.series = {line_series("L5/S1", {0, 10, 20}, {500, 700, 600})};
  c.references.push_back({3400, "NIOSH action limit 3400 N"});
  const std::string svg = render_svg(c, 640, 360);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("L5/S1 &lt;compression&gt;"), std::string::npos);  // escaped
  EXPECT_NE(svg.find(">week (wk)<"), std::string::npos);
  EXPECT_NE(svg.find(">compression (N)<"), std::string::npos);
  EXPECT_NE(svg.find("NIOSH action limit 3400 N"), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_EQ(count(svg, "<circle"), 3u);
  // The y axis spans data and reference line in nice ticks: 500 to 3500 N in steps of 500.
  EXPECT_NE(svg.find(">3500<"), std::string::npos);
  EXPECT_NE(svg.find(">500<"), std::string::npos);
  EXPECT_EQ(svg.find(">4000<"), std::string::npos);
  // The first point sits on the left edge of the plot (x from 0), the plot starts at x = 70.
  EXPECT_NE(svg.find("points=\"70.0,"), std::string::npos);
  EXPECT_EQ(svg, render_svg(c, 640, 360));
}

TEST(SvgChart, BarChartDrawsOneBarPerCategoryAndSeries) {
  Chart c = make_chart("per level", "level", "N");
  c.categories = {"L4/L5", "L5/S1"};
  c.series = {bar_series("a", {100, 200}), bar_series("b", {50, 75})};
  const std::string svg = render_svg(c);
  EXPECT_EQ(count(svg, "<rect"), 1u + 4u + 2u);  // background, bars, legend keys
  EXPECT_NE(svg.find(">L5/S1<"), std::string::npos);
}

TEST(SvgChart, ManyCategoriesAreLabelledWhereTheLabelsFit) {
  Chart c = make_chart("histogram", "bin (N)", "share (%)");
  std::vector<double> y;
  for (int i = 0; i < 40; ++i) {
    c.categories.push_back(fmt::format("c{:02}", i));
    y.push_back(i);
  }
  c.series = {bar_series("s", y)};
  const std::string svg = render_svg(c, 640, 360);
  // 554 px of plot: 13.9 px a bar, 25.5 px a three-letter label: every second labelled.
  EXPECT_NE(svg.find(">c00<"), std::string::npos);
  EXPECT_EQ(svg.find(">c01<"), std::string::npos);
  EXPECT_NE(svg.find(">c02<"), std::string::npos);
  EXPECT_EQ(svg.find(">c39<"), std::string::npos);
  EXPECT_NE(svg.find(">c38<"), std::string::npos);
  EXPECT_EQ(count(svg, "<rect"), 1u + 40u + 1u);  // every bar drawn
}

TEST(SvgChart, RefusesNonFiniteValuesAndUnequalSeries) {
  Chart nan = make_chart("t", "x", "y");
  nan.series = {line_series("s", {0, 1}, {1, NAN})};
  EXPECT_THROW(render_svg(nan), std::invalid_argument);
  Chart uneven = make_chart("t", "x", "y");
  uneven.series = {line_series("s", {0, 1}, {1})};
  EXPECT_THROW(render_svg(uneven), std::invalid_argument);
  Chart bars = make_chart("t", "x", "y");
  bars.categories = {"a", "b"};
  bars.series = {bar_series("s", {1})};
  EXPECT_THROW(render_svg(bars), std::invalid_argument);
}

}  // namespace
}  // namespace spineload::report
