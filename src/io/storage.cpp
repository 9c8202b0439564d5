#include "io/storage.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <sstream>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"

namespace spineload {

int Storage::column(const std::string& label) const {
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] == label) return static_cast<int>(i);
  return -1;
}

double Storage::value_at(int col, double t, bool extrapolate) const {
  const std::size_t n = time_s.size();
  if (n == 1 || (!extrapolate && t <= time_s.front())) return data(0, col);
  if (!extrapolate && t >= time_s.back()) return data(static_cast<int>(n) - 1, col);
  const std::size_t i = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::upper_bound(time_s.begin(), time_s.end(), t) - time_s.begin()), 1, n - 1);
  const double w = (t - time_s[i - 1]) / (time_s[i] - time_s[i - 1]);
  return (1 - w) * data(static_cast<int>(i - 1), col) + w * data(static_cast<int>(i), col);
}

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> split_ws(const std::string& line) {
  std::vector<std::string> v;
  std::istringstream in(line);
  std::string w;
  while (in >> w) v.push_back(w);
  return v;
}

}  // namespace

Storage read_storage_text(const std::string& text, const std::string& file) {
  Storage s;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  bool header_done = false;
  while (std::getline(in, line)) {
    ++n;
    const std::string t = trim(line);
    if (n == 1) s.name = t;
    if (t == "endheader") {
      header_done = true;
      break;
    }
    const auto eq = t.find('=');
    if (eq != std::string::npos && trim(t.substr(0, eq)) == "inDegrees") {
      const std::string v = trim(t.substr(eq + 1));
      if (v != "yes" && v != "no") throw InputError(file, n, "inDegrees", "expected yes or no, got '" + v + "'");
      s.in_degrees = v == "yes";
    }
  }
  if (!header_done) throw InputError(file, n, "endheader", "no 'endheader' line: not an OpenSim .sto or .mot file");
  // Column labels: the first non-empty line after the header.
  std::vector<std::string> labels;
  while (labels.empty() && std::getline(in, line)) {
    ++n;
    labels = split_ws(line);
  }
  if (labels.empty() || labels[0] != "time")
    throw InputError(file, n, "labels", "expected column labels starting with 'time'");
  s.labels.assign(labels.begin() + 1, labels.end());
  std::vector<std::vector<double>> rows;
  std::vector<int> lines;
  while (std::getline(in, line)) {
    ++n;
    const auto words = split_ws(line);
    if (words.empty()) continue;
    if (words.size() != labels.size())
      throw InputError(file, n, "row",
                       fmt::format("{} values for {} columns", words.size(), labels.size()));
    std::vector<double> row;
    for (std::size_t c = 0; c < words.size(); ++c) {
      char* end = nullptr;
      const double x = std::strtod(words[c].c_str(), &end);
      if (end == words[c].c_str() || *end != '\0' || !std::isfinite(x))
        throw InputError(file, n, labels[c], "not a finite number: '" + words[c] + "'");
      row.push_back(x);
    }
    rows.push_back(row);
    lines.push_back(n);
  }
  if (rows.empty()) throw InputError(file, n, "rows", "no data rows");
  s.row_line = std::move(lines);
  s.time_s.resize(rows.size());
  s.data.resize(static_cast<int>(rows.size()), static_cast<int>(s.labels.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    s.time_s[r] = rows[r][0];
    for (std::size_t c = 0; c < s.labels.size(); ++c) s.data(static_cast<int>(r), static_cast<int>(c)) = rows[r][c + 1];
  }
  sort_by_time(s, file);
  return s;
}

void sort_by_time(Storage& s, const std::string& file) {
  const std::size_t n = s.time_s.size();
  const bool sorted = std::is_sorted(s.time_s.begin(), s.time_s.end());
  if (sorted && std::adjacent_find(s.time_s.begin(), s.time_s.end()) == s.time_s.end()) return;
  const auto line_of = [&](std::size_t i) { return i < s.row_line.size() ? s.row_line[i] : 0; };
  if (!sorted) {
    const auto first_late = static_cast<std::size_t>(std::is_sorted_until(s.time_s.begin(), s.time_s.end()) - s.time_s.begin());
    s.warnings.push_back(fmt::format("{}: rows are not in time order (line {} goes back to {:g} s); sorted by time, as "
                                     "OpenSim's tools read them by time",
                                     file, line_of(first_late), s.time_s[first_late]));
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s.time_s[a] < s.time_s[b]; });
  std::vector<double> time;
  std::vector<int> lines;
  std::vector<Eigen::Index> keep;
  for (std::size_t i : order) {
    if (!time.empty() && s.time_s[i] == time.back()) {
      s.warnings.push_back(fmt::format("{}: line {} repeats time {:g} s of line {}; the first row is kept", file, line_of(i),
                                       s.time_s[i], lines.back()));
      continue;
    }
    time.push_back(s.time_s[i]);
    lines.push_back(line_of(i));
    keep.push_back(static_cast<Eigen::Index>(i));
  }
  Eigen::MatrixXd data(static_cast<Eigen::Index>(keep.size()), s.data.cols());
  if (s.data.cols() > 0)  // a table of times alone has no rows to copy (found by fuzzing: Eigen's empty row is UB)
    for (std::size_t k = 0; k < keep.size(); ++k) data.row(static_cast<Eigen::Index>(k)) = s.data.row(keep[k]);
  s.time_s = std::move(time);
  s.row_line = std::move(lines);
  s.data = std::move(data);
}

Storage read_storage_file(const std::string& path) { return read_storage_text(yaml::read_text_file(path), path); }

std::string format_storage(const Storage& s) {
  std::string out = s.name + "\nversion=1\n";
  out += fmt::format("nRows={}\nnColumns={}\n", s.time_s.size(), s.labels.size() + 1);
  out += fmt::format("inDegrees={}\nendheader\ntime", s.in_degrees.value_or(false) ? "yes" : "no");
  for (const auto& l : s.labels) out += "\t" + l;
  out += "\n";
  for (std::size_t r = 0; r < s.time_s.size(); ++r) {
    out += fmt::format("{:.17g}", s.time_s[r]);
    for (int c = 0; c < s.data.cols(); ++c) out += fmt::format("\t{:.17g}", s.data(static_cast<int>(r), c));
    out += "\n";
  }
  return out;
}

std::string coordinate_of_label(const std::string& label) {
  if (label.empty() || label[0] != '/') return label;
  const auto last = label.find_last_of('/');
  const std::string leaf = label.substr(last + 1);
  if (leaf != "value") return "";
  const std::string head = label.substr(0, last);
  return head.substr(head.find_last_of('/') + 1);
}

}  // namespace spineload
