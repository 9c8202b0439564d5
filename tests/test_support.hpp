// Shared helpers for the test suite.
#pragma once
#include <filesystem>
#include <functional>
#include <string>

#include "analysis/analyze.hpp"
#include "io/storage.hpp"
#include "model/data.hpp"
#include "model/model.hpp"

namespace spineload::test {

inline std::string source_path(const std::string& relative) {
  return std::string(SPINELOAD_SOURCE_DIR) + "/" + relative;
}

// A folder of ../shared (beside the repository), or "" when it is absent: tests that read
// third-party files there skip cleanly without them.
inline std::string shared_path(const std::string& folder) {
  const std::string p = source_path("../shared/" + folder);
  return std::filesystem::exists(p) ? p : std::string();
}

// A fresh scratch folder for the running test: ctest runs tests as parallel processes, so
// a fixed name would be shared between them.
std::filesystem::path scratch_dir(const std::string& stem);

// The default model for the default subject (1.65 m, 62 kg), built once per process.
const Model& default_model();

// A test model from tests/data/<name> at its default subject.
std::shared_ptr<const Model> test_model(const std::string& name);

// A motion table in radians, `frames` rows 0.1 s apart, cell (row, column) from `value`.
Storage motion_table(const std::vector<std::string>& labels, int frames,
                     const std::function<double(int row, int col)>& value);

// Analyses a posture given as YAML text on `model`.
PostureResult analyze_text(const Model& model, const std::string& yaml,
                           const RecruitmentOptions& options = {});

// Checks, at every spinal coordinate, that the generalised force from Simbody's inverse
// dynamics equals the moment of all loads above the joint projected on the coordinate's
// axis (two independent routes to the same number).
void expect_inverse_dynamics_matches_subtree_loads(const Model& model, const Data& data, double tolerance);

}  // namespace spineload::test
