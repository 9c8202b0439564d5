#include "report/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/errors.hpp"
#include "io/csv.hpp"
#include "output/results.hpp"
#include "io/yaml_util.hpp"
#include "loads/disc_loads.hpp"
#include "report/svg_chart.hpp"

namespace spineload::report {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

ReferenceLine action_limit_line() { return {kNioshActionLimit_N, "NIOSH action limit 3400 N"}; }

// A CSV file as the engine writes it: a header, commas, fields optionally in double quotes.
struct Csv {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // each row's line in the file

  int col(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw InputError(file, 1, name, "missing column");
    return static_cast<int>(it - header.begin());
  }
  int line(std::size_t row) const { return lines[row]; }
  const std::string& text(std::size_t row, int c) const { return rows[row][static_cast<std::size_t>(c)]; }
  double num(std::size_t row, int c) const {
    const std::string& s = text(row, c);
    std::size_t used = 0;
    double v = NAN;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
    }
    if (used != s.size() || !std::isfinite(v))
      throw InputError(file, line(row), header[static_cast<std::size_t>(c)], "not a finite number: '" + s + "'");
    return v;
  }
};

// Streamed line by line; with `keep`, only those columns are stored (a million-row cohort
// keeps three of its 25: 1.4 GB -> about 0.1 GB, measured).
Csv read_csv(const fs::path& p, const std::vector<std::string>& keep = {}) {
  Csv csv;
  csv.file = p.string();
  std::error_code ec;
  if (!fs::is_regular_file(p, ec))  // streamed, so any size; but never a device or pipe
    throw InputError(csv.file, 0, "", "not a regular file: a device, pipe or folder cannot be read as an input");
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(csv.file, 0, "", "cannot read the file");
  std::string line;
  if (!std::getline(in, line)) throw InputError(csv.file, 1, "", "empty file: expected a header line");
  const std::vector<std::string> header = split_csv_line(line);
  std::vector<std::size_t> columns;
  for (std::size_t c = 0; c < header.size(); ++c)
    if (keep.empty() || std::find(keep.begin(), keep.end(), header[c]) != keep.end()) {
      columns.push_back(c);
      csv.header.push_back(header[c]);
    }
  for (int n = 2; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r") continue;
    auto fields = split_csv_line(line);
    if (fields.size() != header.size())
      throw InputError(csv.file, n, "", fmt::format("{} fields, the header has {}", fields.size(), header.size()));
    std::vector<std::string> row;
    row.reserve(columns.size());
    for (std::size_t c : columns) row.push_back(std::move(fields[c]));
    csv.rows.push_back(std::move(row));
    csv.lines.push_back(n);
  }
  return csv;
}

// Fixed decimals, and no "-0" for a small negative.
std::string num(double v, int decimals = 0) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

// An HTML table; cells are escaped.
std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::string s = "<table><thead><tr>";
  for (const auto& h : head) s += "<th>" + xml_escape(h) + "</th>";
  s += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    s += "<tr>";
    for (const auto& c : r) s += "<td>" + xml_escape(c) + "</td>";
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n";
}

std::string slug(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return s;
}

// The stage axis of the viewer: pregnancy weeks 0-40, then 40 + postpartum week.
std::string stage_tick(double v) {
  const long w = std::lround(v);
  return w <= 40 ? fmt::format("P{}", w) : fmt::format("PP{}", w - 40);
}

class Builder {
 public:
  ReportOutput out;
  std::string body;

  void figure(const std::string& name, const Chart& chart) {
    const std::string svg = render_svg(chart);
    out.charts[name] = svg;
    body += "<figure>" + svg + "<figcaption>" + xml_escape(chart.title) + " (" + xml_escape(name) + ".svg)</figcaption></figure>\n";
  }

  void analyze(const fs::path& p, const fs::path& dir) {
    json j;
    try {
      j = json::parse(yaml::read_text_file(p.string()));
    } catch (const json::parse_error& e) {
      throw InputError(p.string(), 0, "", std::string("malformed JSON: ") + e.what());
    }
    if (!j.is_object() || !j.contains("frames") || !j.contains("posture")) return;  // not an analysis result
    out.inputs.push_back(p.filename().string());
    try {
      const json& frames = j.at("frames");
      if (frames.empty()) throw InputError(p.string(), 0, "frames", "no frames");
      std::size_t peak = 0;
      for (std::size_t k = 0; k < frames.size(); ++k)
        if (frames[k].at("summary").at("L5_S1_compression_N").get<double>() >
            frames[peak].at("summary").at("L5_S1_compression_N").get<double>())
          peak = k;
      const json& f = frames[peak];
      const std::string name = j.at("posture").at("name").get<std::string>();
      body += fmt::format("<section><h2>Posture {}</h2>\n<p>{}<br>Subject {}, {}; model {:.2f} m, {:.1f} kg. "
                          "Peak of {} frame(s) at t = {:.3f} s; muscles: {}.</p>\n",
                          xml_escape(name), xml_escape(j.at("posture").value("description", "")),
                          xml_escape(j.at("subject").value("name", "")), xml_escape(j.at("subject").value("stage", "")),
                          j.at("model").at("height_m").get<double>(), j.at("model").at("mass_kg").get<double>(),
                          frames.size(), f.at("time_s").get<double>(), xml_escape(f.at("status").get<std::string>()));
      Chart c = make_chart("Compression per spinal level: " + name, "spinal level (head to sacrum)", "compression (N)");
      Series s = bar_series("compression (N)", {}, "#2e9f43");
      std::vector<std::vector<std::string>> rows;
      const json& levels = f.at("levels");
      for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
        std::string level = it->at("level").get<std::string>();
        std::replace(level.begin(), level.end(), '_', '/');
        c.categories.push_back(level);
        s.y.push_back(it->at("compression_N").get<double>());
        rows.push_back({level, num(it->at("compression_N").get<double>()), num(it->at("shear_ap_N").get<double>()),
                        num(it->at("shear_lateral_N").get<double>()), num(it->at("flexion_moment_Nm").get<double>(), 1),
                        num(it->at("factor_of_risk").get<double>(), 2)});
      }
      c.series.push_back(s);
      c.references.push_back(action_limit_line());
      figure("levels_" + slug(name), c);
      body += table({"level", "compression (N)", "AP shear (N)", "lateral shear (N)", "flexion moment (N m)", "factor of risk"},
                    rows);
      const fs::path indices = dir / (p.stem().string() + "_indices.csv");
      if (fs::exists(indices)) generic_table("Ergonomic indices", indices);
      body += "</section>\n";
    } catch (const json::exception& e) {
      throw InputError(p.string(), 0, "", std::string("not the JSON `spineload analyze` writes: ") + e.what());
    }
  }

  void generic_table(const std::string& title, const fs::path& p) {
    const Csv csv = read_csv(p);
    out.inputs.push_back(p.filename().string());
    body += "<h3>" + xml_escape(title) + "</h3>\n" + table(csv.header, csv.rows);
  }

  void timeline(const fs::path& p) {
    const Csv t = read_csv(p);
    out.inputs.push_back(p.filename().string());
    const int stage = t.col("stage"), week = t.col("week"), mass = t.col("mass_kg"), l5 = t.col("L5_S1_compression_N"),
              pct = t.col("L5_S1_percent_of_NIOSH_action_limit"), risk = t.col("L5_S1_factor_of_risk"),
              bmd = t.col("lumbar_bmd_g_cm2"), status = t.col("status");
    Series comp = line_series("L5/S1 compression (N)", {}, {}), bone = line_series("lumbar BMD (g/cm2)", {}, {}, "#7c3aed");
    std::vector<std::vector<std::string>> rows;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const bool pregnant = t.text(r, stage) == "pregnant";
      if (!pregnant && t.text(r, stage) != "postpartum")
        throw InputError(t.file, t.line(r), "stage", "expected pregnant or postpartum, got '" + t.text(r, stage) + "'");
      const double x = pregnant ? t.num(r, week) : 40 + t.num(r, week);
      comp.x.push_back(x);
      comp.y.push_back(t.num(r, l5));
      bone.x.push_back(x);
      bone.y.push_back(t.num(r, bmd));
      rows.push_back({t.text(r, stage), t.text(r, week), num(t.num(r, mass), 1), num(t.num(r, l5)), num(t.num(r, pct)),
                      num(t.num(r, risk), 2), num(t.num(r, bmd), 3), t.text(r, status)});
    }
    body += "<section><h2>Timeline through pregnancy and the postpartum year</h2>\n";
    const std::string axis = "stage (P: pregnancy week, PP: postpartum week)";
    Chart l5_chart = make_chart("L5/S1 compression across stages", axis, "L5/S1 compression (N)");
    l5_chart.series = {comp};
    l5_chart.x_tick_label = stage_tick;
    figure("timeline_l5s1", l5_chart);
    Chart bmd_chart = make_chart("Lumbar bone mineral density across stages", axis, "lumbar BMD (g/cm2)");
    bmd_chart.series = {bone};
    bmd_chart.x_tick_label = stage_tick;
    figure("timeline_bmd", bmd_chart);
    body += table({"stage", "week", "mass (kg)", "L5/S1 (N)", "% of action limit", "factor of risk", "BMD (g/cm2)", "status"},
                  rows);
    body += "</section>\n";
  }

  void day(const fs::path& tasks, const fs::path& capacity) {
    body += "<section><h2>A day of tasks</h2>\n";
    if (fs::exists(capacity)) {
      const Csv c = read_csv(capacity);
      out.inputs.push_back(capacity.filename().string());
      const int hour = c.col("hour"), cap = c.col("extensor_capacity"), fat = c.col("fatigued_fraction");
      Chart ch = make_chart("Back-extensor capacity and fatigue, hour by hour", "hour of day (h)", "percent (%)");
      ch.y_min = 0.0;
      ch.y_max = 100.0;
      Series a = bar_series("lowest capacity left (% of rested)", {}, "#16a34a");
      Series b = bar_series("highest fatigued fraction (%)", {}, "#dc2626");
      for (std::size_t r = 0; r < c.rows.size(); ++r) {
        ch.categories.push_back(num(c.num(r, hour)));
        a.y.push_back(100 * c.num(r, cap));
        b.y.push_back(100 * c.num(r, fat));
      }
      ch.series = {a, b};
      figure("day_capacity", ch);
    }
    if (fs::exists(tasks)) {
      const Csv t = read_csv(tasks);
      out.inputs.push_back(tasks.filename().string());
      const int task = t.col("task"), l5 = t.col("peak_L5_S1_compression_N");
      Chart ch = make_chart("Peak L5/S1 compression of each task", "task", "peak L5/S1 compression (N)");
      Series s = bar_series("peak L5/S1 compression (N)", {});
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const std::string id = t.text(r, task);
        ch.categories.push_back(id.substr(0, id.find(' ')));
        s.y.push_back(t.num(r, l5));
      }
      ch.series = {s};
      ch.references.push_back(action_limit_line());
      figure("day_tasks", ch);
      body += table(t.header, t.rows);
    }
    body += "</section>\n";
  }

  void compare(const fs::path& p) {
    const Csv t = read_csv(p);
    out.inputs.push_back(p.filename().string());
    if (t.rows.empty()) throw InputError(t.file, 2, "", "no rows");
    const int task = t.col("task"), param = t.col("parameter"), value = t.col("value"), l5 = t.col("L5_S1_compression_N");
    Series s = line_series("L5/S1 compression (N)", {}, {});
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      s.x.push_back(t.num(r, value));
      s.y.push_back(t.num(r, l5));
    }
    body += fmt::format("<section><h2>What-if: {} over {}</h2>\n", xml_escape(t.text(0, task)), xml_escape(t.text(0, param)));
    Chart ch = make_chart("L5/S1 compression of " + t.text(0, task) + " against " + t.text(0, param), t.text(0, param),
                          "L5/S1 compression (N)");
    ch.series = {s};
    ch.references.push_back(action_limit_line());
    figure("compare", ch);
    body += table(t.header, t.rows) + "</section>\n";
  }

  // `spineload claims -o`: each claim with its verdict, its figures in a table and, for the
  // unit most of its figures share, a bar chart (bars numbered as the table's rows).
  void claims(const fs::path& p) {
    const Csv t = read_csv(p);
    out.inputs.push_back(p.filename().string());
    if (t.rows.empty()) throw InputError(t.file, 2, "", "no rows");
    const int number = t.col("claim"), verdict = t.col("verdict"), text = t.col("claim_text"),
              experiment = t.col("experiment"), answer = t.col("answer"), limits = t.col("limits"),
              figure_name = t.col("figure"), value = t.col("value"), unit = t.col("unit");
    body += "<section><h2>What mothers are told, put to the model</h2>\n";
    for (std::size_t r = 0; r < t.rows.size();) {
      std::size_t end = r;
      while (end < t.rows.size() && t.text(end, number) == t.text(r, number)) ++end;
      body += fmt::format("<h3>{}. &ldquo;{}&rdquo;</h3>\n<p><strong>{}.</strong> {}</p>\n<p>Experiment: {}</p>\n",
                          xml_escape(t.text(r, number)), xml_escape(t.text(r, text)), xml_escape(t.text(r, verdict)),
                          xml_escape(t.text(r, answer)), xml_escape(t.text(r, experiment)));
      std::vector<std::vector<std::string>> rows;
      std::map<std::string, int> units;
      for (std::size_t k = r; k < end; ++k)
        if (!t.text(k, figure_name).empty()) {
          rows.push_back({std::to_string(rows.size() + 1), t.text(k, figure_name), num(t.num(k, value), 2), t.text(k, unit)});
          ++units[t.text(k, unit)];
        }
      if (!rows.empty()) {
        const std::string common =
            std::max_element(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
        Chart ch = make_chart("Claim " + t.text(r, number) + ": figures in " + common, "figure (row of the table)", common);
        Series bars = bar_series(common, {});
        for (std::size_t k = r, i = 1; k < end; ++k) {
          if (t.text(k, figure_name).empty()) continue;
          if (t.text(k, unit) == common) {
            ch.categories.push_back(std::to_string(i));
            bars.y.push_back(t.num(k, value));
          }
          ++i;
        }
        ch.series = {bars};
        figure("claim_" + slug(t.text(r, number)), ch);
        body += table({"#", "figure", "value", "unit"}, rows);
      }
      body += "<p>Limits: " + xml_escape(t.text(r, limits)) + "</p>\n";
      r = end;
    }
    body += "</section>\n";
  }

  void cohort(const fs::path& p, const fs::path& summary) {
    const Csv t = read_csv(p, {"task", "status", "L5_S1_compression_N"});
    out.inputs.push_back(p.filename().string());
    const int task = t.col("task"), status = t.col("status"), l5 = t.col("L5_S1_compression_N");
    std::map<std::string, std::vector<double>> by_task;
    std::map<std::string, long> failed;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (t.text(r, status) == "failed" || t.text(r, l5).empty()) {
        ++failed[t.text(r, task)];
        continue;
      }
      by_task[t.text(r, task)].push_back(t.num(r, l5));
    }
    body += "<section><h2>Cohort</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (auto& [id, values] : by_task) {
      std::vector<double>& v = values;  // a lambda may not capture a structured binding (clang 14)
      std::sort(v.begin(), v.end());
      // Percentiles as the cohort summary computes them (type 7: linear between order statistics).
      auto q = [&](double f) {
        const double h = f * static_cast<double>(v.size() - 1);
        const std::size_t i = static_cast<std::size_t>(std::floor(h));
        return i + 1 < v.size() ? v[i] + (h - static_cast<double>(i)) * (v[i + 1] - v[i]) : v[i];
      };
      const double over = std::count_if(v.begin(), v.end(), [](double x) { return x > kNioshActionLimit_N; });
      rows.push_back({id, std::to_string(v.size()), std::to_string(failed[id]), num(q(0.05)), num(q(0.5)), num(q(0.95)),
                      num(100 * over / v.size(), 1)});
      // Histogram with a nice bin width, about 20 bins.
      const double lo = v.front(), hi = v.back();
      double width = std::max(1.0, (hi - lo) / 20);
      const double p10 = std::pow(10.0, std::floor(std::log10(width)));
      width = std::ceil(width / p10) * p10;
      const double start = std::floor(lo / width) * width;
      const std::size_t bins = static_cast<std::size_t>(std::floor((hi - start) / width)) + 1;
      Chart ch = make_chart("L5/S1 compression across the cohort: " + id, "L5/S1 compression bin, lower edge (N)",
                            "subjects (%)");
      Series s = bar_series(fmt::format("share of {} subjects (%)", v.size()), std::vector<double>(bins, 0.0));
      for (double x : v) s.y[std::min(bins - 1, static_cast<std::size_t>((x - start) / width))] += 100.0 / v.size();
      for (std::size_t b = 0; b < bins; ++b) ch.categories.push_back(num(start + b * width));
      ch.series = {s};
      figure("cohort_" + slug(id), ch);
    }
    body += table({"task", "subjects", "failed", "5 % (N)", "median (N)", "95 % (N)", "% over NIOSH action limit"}, rows);
    if (fs::exists(summary)) {
      out.inputs.push_back(summary.filename().string());
      body += "<h3>Summary</h3><pre>" + xml_escape(yaml::read_text_file(summary.string())) + "</pre>\n";
    }
    body += "</section>\n";
  }
};

constexpr const char* kStyle = R"(body{font:14px/1.45 Helvetica,Arial,sans-serif;color:#1f2630;max-width:1000px;margin:20px auto;padding:0 16px}
.notice{padding:6px 10px;background:#fff7e0;border:1px solid #f0d48a;border-radius:4px}
figure{margin:12px 0}figcaption{font-size:12px;color:#5b6472}svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:12px;margin:8px 0}th,td{border:1px solid #d9dee6;padding:2px 6px;text-align:right}
th{background:#f4f6f9}td:first-child,th:first-child{text-align:left}pre{background:#f4f6f9;padding:8px;overflow-x:auto;font-size:12px})";

}  // namespace

ReportOutput build_report(const std::string& results_dir) {
  const fs::path dir(results_dir);
  if (!fs::is_directory(dir)) throw InputError(results_dir, 0, "", "not a folder of results");
  Builder b;
  std::vector<fs::path> jsons;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json" && e.path().stem().string().find("_indices") == std::string::npos)
      jsons.push_back(e.path());
  std::sort(jsons.begin(), jsons.end());
  for (const auto& p : jsons) b.analyze(p, dir);
  if (fs::exists(dir / "timeline.csv")) b.timeline(dir / "timeline.csv");
  if (fs::exists(dir / "day_tasks.csv") || fs::exists(dir / "day_capacity.csv"))
    b.day(dir / "day_tasks.csv", dir / "day_capacity.csv");
  if (fs::exists(dir / "compare.csv")) b.compare(dir / "compare.csv");
  if (fs::exists(dir / "cohort.csv")) b.cohort(dir / "cohort.csv", dir / "cohort_summary.txt");
  if (fs::exists(dir / "claims.csv")) b.claims(dir / "claims.csv");
  if (b.out.inputs.empty())
    throw InputError(results_dir, 0, "", "no results found: expected the files of analyze (*.json), timeline (timeline.csv), "
                                          "day (day_tasks.csv), compare (compare.csv), cohort (cohort.csv) or claims (claims.csv)");
  std::string inputs;
  for (const auto& f : b.out.inputs) inputs += (inputs.empty() ? "" : ", ") + xml_escape(f);
  b.out.html = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>spineload report</title>\n<style>{}</style>"
      "</head>\n<body>\n<h1>spineload report</h1>\n<p class=\"notice\"><strong>Mechanics, not a diagnosis.</strong> {}</p>\n"
      "<p>From: {}</p>\n{}</body></html>\n",
      kStyle, xml_escape(kMechanicsNotice), inputs, b.body);
  return std::move(b.out);
}

}  // namespace spineload::report
