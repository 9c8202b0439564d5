// OpenSim's tabular time-series files (.sto and .mot, both header versions: the OpenSim 4
// "version=1" header and the older SIMM motion header), read and written. Written here:
// no packaged library reads them.
#pragma once
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

namespace spineload {

struct Storage {
  std::string name;
  std::optional<bool> in_degrees;   // from the header; absent in many SIMM-era files
  std::vector<std::string> labels;  // data columns, without "time"
  std::vector<double> time_s;
  Eigen::MatrixXd data;             // rows: times, columns: labels
  std::vector<int> row_line;        // the file line of each row (0 when built in memory)
  // Where the file was read as OpenSim reads it but not as written (rows sorted by time, a
  // repeated time dropped), each naming the lines.
  std::vector<std::string> warnings;
  int column(const std::string& label) const;  // -1 when absent
  // Column `col` at time t: linear between rows; beyond the first and last held, or, with
  // `extrapolate`, continued along the nearest two rows (OpenSim's Storage::getDataAtTime).
  double value_at(int col, double t, bool extrapolate = false) const;
};

// OpenSim's Storage keeps rows in any order and repeated times, and its tools read rows by
// time: so does this, putting the rows in time order (stable) and keeping the first row of
// a repeated time, each with a warning naming the lines (`file` names the table).
void sort_by_time(Storage& s, const std::string& file);

Storage read_storage_file(const std::string& path);
Storage read_storage_text(const std::string& text, const std::string& file);
// OpenSim 4 layout (version=1 header, tab-separated, full precision).
std::string format_storage(const Storage& s);

// Column label to coordinate name: "r_elbow_flex", or OpenSim 4 state paths such as
// "/jointset/r_elbow/r_elbow_flex/value" ("/speed" columns give an empty name).
std::string coordinate_of_label(const std::string& label);

}  // namespace spineload
