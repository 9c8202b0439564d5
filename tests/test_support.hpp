// Shared helpers for the test suite.
#pragma once
#include <string>

#include "analysis/analyze.hpp"
#include "model/model.hpp"

namespace spineload::test {

inline std::string source_path(const std::string& relative) {
  return std::string(SPINELOAD_SOURCE_DIR) + "/" + relative;
}

// The default model for the default subject (1.65 m, 62 kg), built once per process.
const Model& default_model();

// A test model from tests/data/<name> at its default subject.
std::shared_ptr<const Model> test_model(const std::string& name);

// Analyses a posture given as YAML text on `model`.
PostureResult analyze_text(const Model& model, const std::string& yaml,
                           const RecruitmentOptions& options = {});

}  // namespace spineload::test
