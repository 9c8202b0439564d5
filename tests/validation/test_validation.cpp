// Validation against Wilke et al. 1999 in vivo L4/L5 disc pressure. The measurements live
// in ../shared/validation (not part of the repository): the test skips when absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "test_support.hpp"
#include "validation/validate.hpp"

namespace spineload {
namespace {

const ValidationRow& row(const ValidationReport& r, const std::string& posture) {
  for (const auto& x : r.rows)
    if (x.posture == posture) return x;
  throw std::runtime_error("no row " + posture);
}

TEST(Validation, WilkeDiscPressureRatios) {
  const std::string csv = test::source_path("../shared/validation/wilke1999_l4l5_idp.csv");
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "../shared/validation is absent";
  const ValidationReport r = run_wilke_validation(*default_model_source(), csv, {});
  EXPECT_NEAR(row(r, "standing_relaxed").model_ratio, 1.0, 1e-12);
  // The data README's tolerance, 25 % on every ratio. The postures the model does not yet
  // meet are listed in docs/validation.md with what was tried; each is pinned here so that
  // a change to the model which brings it within (or pushes another out) shows up and the
  // docs are revisited. None is excused from being compared.
  const std::set<std::string> known_outside = {"sitting_max_flexion"};
  for (const auto& x : r.rows) {
    EXPECT_FALSE(x.skipped) << x.posture;
    EXPECT_EQ(x.within_tolerance, !known_outside.count(x.posture))
        << x.posture << ": model ratio " << x.model_ratio << " against " << x.measured_ratio;
  }
  // Where it is outside, it is outside by no more than docs/validation.md says.
  EXPECT_LT(row(r, "sitting_max_flexion").relative_difference, 0.8);
  // The ordering as measured, except seated maximal flexion above bending forward standing.
  EXPECT_FALSE(r.ordering_matches);
  EXPECT_LT(row(r, "lying_prone").model_ratio, row(r, "lying_lateral").model_ratio);
  EXPECT_LT(row(r, "lying_lateral").model_ratio, row(r, "sitting_nonchalant").model_ratio);
  EXPECT_LT(row(r, "sitting_nonchalant").model_ratio, row(r, "sitting_unsupported").model_ratio);
  EXPECT_LT(row(r, "sitting_unsupported").model_ratio, 1.0);
  EXPECT_GT(row(r, "sitting_max_flexion").model_ratio, row(r, "sitting_unsupported").model_ratio);
  EXPECT_GT(row(r, "standing_flexed_forward").model_ratio, 1.5);
}

// The volunteer's model and its relaxed standing, as run_wilke_validation scales them.
struct Volunteer {
  std::shared_ptr<const Model> model = build_model(*default_model_source(), 1.74, 70);
  double standing_N = test::analyze_text(*model, yaml::read_text_file(test::source_path("data/postures/standing_relaxed.yaml")))
                          .frames[0].disc[1].compression_N;  // L4/L5: discs bottom to top
};

const RecalledRow& recalled(const ValidationReport& r, const std::string& name) {
  for (const auto& x : r.recalled)
    if (x.name == name) return x;
  throw std::runtime_error("no recalled row " + name);
}

TEST(Validation, TheStudysOtherRowsArePosedAsAnalyzePosesThem) {
  // Wilke's rows that ../shared does not hold, from the project's own file, with or without
  // ../shared: each is computed (no verdict: their pressures are recalled), postures given
  // by the hands' target are predicted first, motions are compared by their highest frame.
  const Volunteer v;
  ASSERT_EQ(v.model->joints[v.model->spinal_joints[1]].name, "L4_L5");
  ValidationReport r;
  add_recalled_rows(r, *v.model, yaml::read_text_file(test::source_path("data/validation/wilke1999_other_rows.yaml")),
                    "wilke1999_other_rows.yaml", v.standing_N, 0.50, {});
  ASSERT_EQ(r.recalled.size(), 8u);
  EXPECT_NE(r.recalled_source.find("[U]"), std::string::npos);
  for (const auto& x : r.recalled) {
    EXPECT_GT(x.model_L4_L5_compression_N, 50.0) << x.name;
    EXPECT_NEAR(x.model_ratio, x.model_L4_L5_compression_N / v.standing_N, 1e-12) << x.name;
  }
  EXPECT_LT(recalled(r, "lying_supine").model_ratio, 0.4);
  // Predicted: holding 20 kg close loads the disc well above standing (a given posture
  // without the prediction would be relaxed standing with 20 kg hanging, about 1.3).
  EXPECT_GT(recalled(r, "holding_20kg_close").model_ratio, 2.0);
  EXPECT_GT(recalled(r, "holding_20kg_60cm").model_ratio, recalled(r, "holding_20kg_close").model_ratio);
  EXPECT_GT(recalled(r, "lifting_20kg_round_back").model_ratio, 3.0);
  // A motion by its highest frame, a range by its nearer end.
  const RecalledRow& walk = recalled(r, "walking");
  EXPECT_EQ(walk.measured_low_MPa, 0.53);
  EXPECT_EQ(walk.measured_high_MPa, 0.65);
  EXPECT_GT(walk.model_ratio, 1.3);
  EXPECT_NEAR(walk.relative_difference, (walk.model_ratio - 1.3) / 1.3, 1e-12);
  EXPECT_GT(recalled(r, "standing_up_from_chair").model_ratio, 1.5);
  // Leaning on the elbows (quoted, not read): the elbows carry part of the trunk, so the disc
  // is below the same posture with the arms only resting on the knees (1,228 N, 2.14).
  const RecalledRow& elbows = recalled(r, "sitting_forward_elbows_on_knees");
  EXPECT_EQ(elbows.measured_low_MPa, 0.43);
  EXPECT_LT(elbows.model_ratio, 2.0);
}

TEST(Validation, AMalformedRecalledRowNamesItsFileLineAndField) {
  const Volunteer v;
  auto error_of = [&](const std::string& text) {
    ValidationReport r;
    try {
      add_recalled_rows(r, *v.model, text, "rows.yaml", v.standing_N, 0.5, {});
    } catch (const InputError& e) {
      return std::string(e.what()) + " | " + e.field();
    }
    return std::string("no error");
  };
  const std::string head = "source: x\nrows:\n";
  std::string e = error_of(head + "  - {name: a, pressure_MPa: 0.1, posture: lying_supine, task: walk}\n");
  EXPECT_NE(e.find("rows.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("either a posture or a task"), std::string::npos) << e;
  EXPECT_NE(e.find("rows[0]"), std::string::npos) << e;
  e = error_of(head + "  - {name: a, pressure_MPa: [0.6, 0.5], task: walk}\n");
  EXPECT_NE(e.find("rows.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("rows[0].pressure_MPa"), std::string::npos) << e;
  e = error_of(head + "  - {name: a, pressure_MPa: 0.1, task: walk, setings: [x=1]}\n");
  EXPECT_NE(e.find("setings"), std::string::npos) << e;
  e = error_of(head + "  - {name: a, pressure_MPa: 0.1, task: walk, settings: [speed_m_s=9]}\n");
  EXPECT_NE(e.find("rows.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("rows[0].settings"), std::string::npos) << e;
  EXPECT_NE(e.find("speed_m_s"), std::string::npos) << e;
}

}  // namespace
}  // namespace spineload
