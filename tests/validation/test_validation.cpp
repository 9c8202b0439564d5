// Validation against Wilke et al. 1999 in vivo L4/L5 disc pressure. The measurements live
// in ../shared/validation (not part of the repository): the test skips when absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

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

}  // namespace
}  // namespace spineload
