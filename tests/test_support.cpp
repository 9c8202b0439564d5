#include "test_support.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include "loads/disc_loads.hpp"

namespace spineload::test {

const Model& default_model() {
  static const auto model = [] {
    const auto src = default_model_source();
    return build_model(*src, default_height_m(*src), default_mass_kg(*src));
  }();
  return *model;
}

Storage motion_table(const std::vector<std::string>& labels, int frames,
                     const std::function<double(int row, int col)>& value) {
  Storage s;
  s.name = "motion";
  s.in_degrees = false;
  s.labels = labels;
  s.data.resize(frames, static_cast<int>(labels.size()));
  for (int i = 0; i < frames; ++i) {
    s.time_s.push_back(0.1 * i);
    for (int c = 0; c < static_cast<int>(labels.size()); ++c) s.data(i, c) = value(i, c);
  }
  return s;
}

std::filesystem::path scratch_dir(const std::string& stem) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = stem + "_" + std::to_string(::getpid());
  if (info) name += std::string("_") + info->test_suite_name() + "_" + info->name();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // Removed when the test process ends, so passing runs leave nothing in /tmp.
  static std::mutex mutex;
  static std::vector<std::filesystem::path> made;
  std::lock_guard<std::mutex> lock(mutex);
  if (made.empty())
    std::atexit([] {
      std::error_code ec;
      for (const auto& d : made) std::filesystem::remove_all(d, ec);
    });
  made.push_back(dir);
  return dir;
}

std::shared_ptr<const Model> test_model(const std::string& name) {
  const auto src = load_model_source(source_path("tests/data/" + name));
  return build_model(*src, default_height_m(*src), default_mass_kg(*src));
}

PostureResult analyze_text(const Model& model, const std::string& yaml,
                           const RecruitmentOptions& options) {
  const Posture posture = parse_posture_text(model, yaml, "test.yaml");
  Data data(model);
  return analyze_posture(model, data, posture, options);
}

void expect_inverse_dynamics_matches_subtree_loads(const Model& model, const Data& data, double tolerance) {
  for (int j : model.spinal_joints) {
    Eigen::Vector3d force, moment;
    subtree_load(model, data, j, force, moment);
    for (int c : model.joints[j].coordinates) {
      const Eigen::Vector3d axis =
          data.jacobian.block(6 * model.joints[j].child_body, model.coordinates[c].mb_index, 3, 1);
      EXPECT_NEAR(data.tau_Nm[c], -axis.dot(moment), tolerance) << model.coordinates[c].name;
    }
  }
}

}  // namespace spineload::test
