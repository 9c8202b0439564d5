#include "io/trc.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"

namespace spineload {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> v;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, '\t')) {
    if (!cell.empty() && cell.back() == '\r') cell.pop_back();
    v.push_back(cell);
  }
  return v;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \r\n");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \r\n") - b + 1);
}

}  // namespace

MarkerTrajectories read_trc_text(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  if (lines.size() < 5 || lines[0].rfind("PathFileType", 0) != 0)
    throw InputError(file, 1, "PathFileType", "not a .trc file");
  MarkerTrajectories t;
  const auto keys = split_tabs(lines[1]), values = split_tabs(lines[2]);
  for (std::size_t k = 0; k < keys.size() && k < values.size(); ++k) {
    const std::string key = trim(keys[k]);
    if (key == "DataRate") t.data_rate_hz = std::atof(values[k].c_str());
    if (key == "Units") t.units = trim(values[k]);
  }
  const double scale = t.units == "mm" ? 1e-3 : t.units == "cm" ? 1e-2 : t.units == "m" ? 1.0 : -1;
  if (scale < 0) throw InputError(file, 3, "Units", "expected mm, cm or m, got '" + t.units + "'");
  const auto names = split_tabs(lines[3]);
  if (names.size() < 3 || trim(names[0]) != "Frame#" || trim(names[1]) != "Time")
    throw InputError(file, 4, "Frame#", "expected 'Frame#', 'Time' and marker names");
  for (std::size_t k = 2; k < names.size(); k += 3)
    if (!trim(names[k]).empty()) t.markers.push_back(trim(names[k]));
  const int nm = static_cast<int>(t.markers.size());
  std::vector<std::vector<double>> rows;
  for (std::size_t r = 5; r < lines.size(); ++r) {
    if (trim(lines[r]).empty()) continue;
    const auto cells = split_tabs(lines[r]);
    const int line_no = static_cast<int>(r) + 1;
    if (cells.size() < 2) throw InputError(file, line_no, "row", "expected a frame number and a time");
    char* end = nullptr;
    const double time = std::strtod(cells[1].c_str(), &end);
    if (end == cells[1].c_str() || !std::isfinite(time)) throw InputError(file, line_no, "Time", "not a number");
    t.time_s.push_back(time);
    std::vector<double> row(3 * nm, 0.0);
    std::vector<char> present(nm, 1);
    for (int m = 0; m < nm; ++m)
      for (int a = 0; a < 3; ++a) {
        const std::size_t c = 2 + 3 * m + a;
        const std::string cell = c < cells.size() ? trim(cells[c]) : "";
        if (cell.empty() || cell == "NaN" || cell == "nan") {
          present[m] = 0;
          continue;
        }
        const double x = std::strtod(cell.c_str(), &end);
        if (end == cell.c_str() || *end != '\0' || !std::isfinite(x))
          throw InputError(file, line_no, t.markers[m], "not a number: '" + cell + "'");
        row[3 * m + a] = scale * x;
      }
    rows.push_back(row);
    t.present.push_back(present);
  }
  if (rows.empty()) throw InputError(file, static_cast<int>(lines.size()), "rows", "no frames");
  t.xyz_m.resize(static_cast<int>(rows.size()), 3 * nm);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (int c = 0; c < 3 * nm; ++c) t.xyz_m(static_cast<int>(r), c) = rows[r][c];
  return t;
}

MarkerTrajectories read_trc_file(const std::string& path) { return read_trc_text(yaml::read_text_file(path), path); }

}  // namespace spineload
