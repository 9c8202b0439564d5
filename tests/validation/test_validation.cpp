// Validation against Wilke et al. 1999 in vivo L4/L5 disc pressure. The measurements live
// in ../shared/validation (not part of the repository): the test skips when absent.
#include <gtest/gtest.h>

#include <filesystem>

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
  // Agreement (docs/validation.md): bending forward within the 25 % tolerance.
  EXPECT_TRUE(row(r, "standing_flexed_forward").within_tolerance);
  EXPECT_GT(row(r, "standing_flexed_forward").model_ratio, 1.5);
  // Documented disagreements, pinned so that a change to the model shows up here and the
  // docs are revisited: unsupported sitting above standing (Wilke: 0.92) and seated
  // maximal flexion far above the measured 1.66.
  EXPECT_FALSE(row(r, "sitting_unsupported").within_tolerance);
  EXPECT_GT(row(r, "sitting_unsupported").model_ratio, 1.0);
  EXPECT_FALSE(row(r, "sitting_max_flexion").within_tolerance);
  EXPECT_FALSE(r.ordering_matches);
  // Slouched against a backrest: below standing and below upright sitting, as measured,
  // but less so (0.83 against 0.60).
  EXPECT_LT(row(r, "sitting_nonchalant").model_ratio, 1.0);
  EXPECT_LT(row(r, "sitting_nonchalant").model_ratio, row(r, "sitting_unsupported").model_ratio);
  EXPECT_FALSE(row(r, "sitting_nonchalant").within_tolerance);
  // Lying: far below standing and prone below lying on the side, as measured; but prone
  // well under the measured 0.20 (the model has no disc swelling pressure, which is most of
  // the pressure at rest) and the side above the measured 0.24 (muscles hold the trunk's
  // lateral moments between the mattress contacts).
  const ValidationRow& prone = row(r, "lying_prone");
  const ValidationRow& side = row(r, "lying_lateral");
  EXPECT_FALSE(prone.skipped);
  EXPECT_LT(prone.model_ratio, 0.15);
  EXPECT_GT(prone.model_ratio, 0.0);
  EXPECT_LT(prone.model_ratio, side.model_ratio);
  EXPECT_GT(side.model_ratio, 0.24);
  EXPECT_LT(side.model_ratio, 0.6);
  EXPECT_FALSE(prone.within_tolerance);
  EXPECT_FALSE(side.within_tolerance);
}

}  // namespace
}  // namespace spineload
