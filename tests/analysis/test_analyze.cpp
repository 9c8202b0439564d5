#include <gtest/gtest.h>

#include <cmath>

#include "analysis/spline.hpp"
#include "dynamics/dynamics.hpp"
#include "loads/disc_loads.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

TEST(Spline, DerivativesOfASineAreAccurateInside) {
  std::vector<double> t, y;
  for (int k = 0; k <= 100; ++k) {
    t.push_back(0.01 * k);
    y.push_back(std::sin(2 * M_PI * t.back()));
  }
  const CubicSpline s(t, y);
  for (double x : {0.25, 0.4, 0.61}) {
    EXPECT_NEAR(s.value(x), std::sin(2 * M_PI * x), 1e-6);
    EXPECT_NEAR(s.first_derivative(x), 2 * M_PI * std::cos(2 * M_PI * x), 1e-3);
    EXPECT_NEAR(s.second_derivative(x), -4 * M_PI * M_PI * std::sin(2 * M_PI * x), 0.05);
  }
}

std::string series(double amplitude_deg, double period_s) {
  std::string s = "name: sway\nframes:\n";
  for (int k = 0; k <= 40; ++k) {
    const double t = 0.025 * k;
    s += "  - {time_s: " + std::to_string(t) + ", rhythms: {trunk_flexion: " +
         std::to_string(20 + amplitude_deg * std::sin(2 * M_PI * t / period_s)) + "}}\n";
  }
  return s;
}

TEST(Analyze, StillTimeSeriesEqualsTheStaticPosture) {
  const Model& m = test::default_model();
  const PostureResult still = test::analyze_text(m, series(0, 1));
  const PostureResult fixed = test::analyze_text(m, "rhythms: {trunk_flexion: 20}\n");
  ASSERT_EQ(still.frames.size(), 41u);
  for (const auto& f : still.frames)
    EXPECT_NEAR(f.disc[0].compression_N, fixed.frames[0].disc[0].compression_N, 1e-6);
}

TEST(Analyze, MovingTrunkAddsInertialLoadsConsistentWithSimbody) {
  // With motion, the inverse dynamics and the subtree sum including inertial body loads
  // must still agree at every spinal coordinate (Simbody's own residual: tests/dynamics).
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(m, series(15, 0.5), "sway.yaml");
  Data d(m);
  const PostureResult r = analyze_posture(m, d, p, {});
  const PostureResult still = test::analyze_text(m, series(0, 1));
  double largest_difference = 0;
  for (std::size_t k = 0; k < r.frames.size(); ++k)
    largest_difference = std::max(largest_difference,
                                  std::abs(r.frames[k].disc[0].flexion_moment_Nm - still.frames[k].disc[0].flexion_moment_Nm));
  EXPECT_GT(largest_difference, 1.0);  // 15 deg at 2 Hz is felt at L5/S1
  // Last frame left in Data: check the two inverse-dynamics routes agree.
  test::expect_inverse_dynamics_matches_subtree_loads(m, d, 1e-6);
}

TEST(Analyze, ExtremeLoadIsFlaggedNeverNaN) {
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(
      m, "rhythms: {trunk_flexion: 60}\ncoordinates: {shoulder_r_flexion: 60, shoulder_l_flexion: 60}\n"
         "loads:\n  - {type: hand_mass, mass_kg: 80}\n");
  const FrameResult& f = r.frames[0];
  EXPECT_EQ(f.status, RecruitmentStatus::beyond_muscle_capacity);
  EXPECT_TRUE(f.force_N.allFinite());
  EXPECT_TRUE(std::isfinite(f.disc[0].compression_N));
  EXPECT_GT(f.reserve_Nm.lpNorm<Eigen::Infinity>(), 10.0);
}

TEST(Analyze, SameInputGivesBitIdenticalOutput) {
  const Model& m = test::default_model();
  const PostureResult a = test::analyze_text(m, series(15, 0.5));
  const PostureResult b = test::analyze_text(m, series(15, 0.5));
  for (std::size_t k = 0; k < a.frames.size(); ++k) {
    EXPECT_EQ(a.frames[k].force_N, b.frames[k].force_N);
    EXPECT_EQ(a.frames[k].disc[3].compression_N, b.frames[k].disc[3].compression_N);
  }
}

}  // namespace
}  // namespace spineload

#include <thread>

namespace spineload {
namespace {

TEST(Analyze, ThreadsSharingOneModelGiveTheSerialResults) {
  const Model& m = test::default_model();
  const std::vector<std::string> names = builtin_posture_names();
  std::vector<PostureResult> serial, parallel(names.size());
  {
    Data d(m);
    for (const auto& n : names) serial.push_back(analyze_posture(m, d, builtin_posture(m, n), {}));
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      Data d(m);  // one workspace per thread; the Model is shared and never written
      for (std::size_t k = t; k < names.size(); k += 2) parallel[k] = analyze_posture(m, d, builtin_posture(m, names[k]), {});
    });
  for (auto& th : threads) th.join();
  for (std::size_t k = 0; k < names.size(); ++k) {
    EXPECT_EQ(serial[k].frames[0].force_N, parallel[k].frames[0].force_N) << names[k];
    for (std::size_t l = 0; l < serial[k].frames[0].disc.size(); ++l)
      EXPECT_EQ(serial[k].frames[0].disc[l].compression_N, parallel[k].frames[0].disc[l].compression_N);
  }
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(Spline, SmoothingKeepsASlowSineAndRemovesAFastOne) {
  // 6 Hz cut-off at 100 samples per second: a 1 Hz sine keeps over 99 % of its amplitude,
  // a 30 Hz one keeps under 5 % (response 1 / (1 + (f / 6)^4)).
  std::vector<double> t, slow, fast;
  for (int k = 0; k <= 400; ++k) {
    t.push_back(0.01 * k);
    slow.push_back(std::sin(2 * M_PI * 1 * t.back()));
    fast.push_back(std::sin(2 * M_PI * 30 * t.back() + 0.3));
  }
  const double lambda = smoothing_lambda(6, 0.01);
  const auto s = smoothing_spline_values(t, slow, lambda);
  const auto f = smoothing_spline_values(t, fast, lambda);
  double slow_err = 0, fast_amp = 0;
  for (int k = 100; k <= 300; ++k) {
    slow_err = std::max(slow_err, std::abs(s[k] - slow[k]));
    fast_amp = std::max(fast_amp, std::abs(f[k]));
  }
  EXPECT_LT(slow_err, 0.01);
  EXPECT_LT(fast_amp, 0.05);
  EXPECT_EQ(smoothing_spline_values(t, slow, 0.0), slow);
}

TEST(Analyze, SmoothingRemovesJitterFromTheInertialLoads) {
  const Model& m = test::default_model();
  std::string noisy = "name: jitter\nsmoothing_hz: 4\nframes:\n", raw = "name: jitter\nframes:\n";
  for (int k = 0; k <= 60; ++k) {
    const std::string frame = "  - {time_s: " + std::to_string(0.02 * k) + ", rhythms: {trunk_flexion: " +
                              std::to_string(20 + (k % 2 ? 0.5 : -0.5)) + "}}\n";
    noisy += frame;
    raw += frame;
  }
  const PostureResult smooth = test::analyze_text(m, noisy);
  const PostureResult rough = test::analyze_text(m, raw);
  double smooth_range = 0, rough_range = 0;
  for (std::size_t k = 10; k < 50; ++k) {
    smooth_range = std::max(smooth_range, std::abs(smooth.frames[k].disc[0].flexion_moment_Nm - smooth.frames[k + 1].disc[0].flexion_moment_Nm));
    rough_range = std::max(rough_range, std::abs(rough.frames[k].disc[0].flexion_moment_Nm - rough.frames[k + 1].disc[0].flexion_moment_Nm));
  }
  EXPECT_LT(smooth_range, 0.1 * rough_range);
}

}  // namespace
}  // namespace spineload
