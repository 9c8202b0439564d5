// Stage interop, conformance: runs OpenSim's own reference cases (a folder laid out like
// ../shared/opensim-conformance: models, motions, setup files, std_*.sto results) through
// spineload and compares with OpenSim's results within stated tolerances.
#pragma once
#include <string>
#include <vector>

namespace spineload {

struct ConformanceRow {
  std::string case_name;  // e.g. "arm26 inverse dynamics"
  std::string quantity;   // a column, or a group of columns
  double max_error = 0;   // largest absolute difference over the frames compared
  double tolerance = 0;
  std::string unit;
  int frames = 0;
  bool passed = false;
  std::string note;       // why a case did not run, or what was compared
};

struct ConformanceReport {
  std::string directory;
  std::vector<ConformanceRow> rows;
  bool all_passed() const;
};

// Throws InputError when the folder lacks a case's files.
ConformanceReport run_conformance(const std::string& directory);
std::string format_conformance(const ConformanceReport& report);

}  // namespace spineload
