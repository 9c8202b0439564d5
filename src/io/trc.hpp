// Marker trajectories in the .trc format (OpenSim's and motion-capture systems' text
// format), read into metres. Missing samples (empty cells) are kept as such, never as
// numbers. Written here: no packaged library reads .trc.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

namespace spineload {

struct MarkerTrajectories {
  double data_rate_hz = 0;
  std::string units;                 // as in the file (mm, m, cm)
  std::vector<std::string> markers;
  std::vector<double> time_s;
  Eigen::MatrixXd xyz_m;             // frames x (3 x markers), metres
  std::vector<std::vector<char>> present;  // frames x markers: 0 where the file had a gap
};

MarkerTrajectories read_trc_file(const std::string& path);
MarkerTrajectories read_trc_text(const std::string& text, const std::string& file);

}  // namespace spineload
