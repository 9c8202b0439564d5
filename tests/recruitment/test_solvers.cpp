#include <gtest/gtest.h>

#include <random>

#include "analysis/analyze.hpp"
#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "recruitment/recruitment.hpp"
#include "tasks/gait.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

// Objective within 1e-6 relative; each activation within 1e-3, i.e. each muscle force
// within 0.1 % of its maximum force (the first `activations` variables).
void expect_same_optimum(const SeparableProblem& p, const SolveResult& fast, const SolveResult& ref,
                         int activations, const std::string& what) {
  ASSERT_TRUE(fast.converged) << what;
  ASSERT_TRUE(ref.converged) << what;
  EXPECT_LE(std::abs(fast.objective - ref.objective), 1e-6 * std::max(1e-12, std::abs(ref.objective))) << what;
  for (int i = 0; i < activations; ++i) EXPECT_LE(std::abs(fast.x[i] - ref.x[i]), 1e-3) << what << " variable " << i;
  EXPECT_LE((p.A * fast.x - p.b).lpNorm<Eigen::Infinity>(), 1e-6 * (1 + p.b.lpNorm<Eigen::Infinity>())) << what;
}

TEST(Recruitment, OneJointExtensorCarriesTheLoadMomentOverItsLever) {
  // 49.03325 N m over a 0.05 m moment arm: 980.665 N, activation 980.665 / 6000.
  const auto m = test::test_model("one_joint");
  const PostureResult r = test::analyze_text(*m, "name: upright\n");
  EXPECT_NEAR(r.frames[0].force_N[0], 980.665, 1e-6);
  EXPECT_NEAR(r.frames[0].activation[0], 980.665 / 6000.0, 1e-9);
  EXPECT_EQ(r.frames[0].status, RecruitmentStatus::ok);
  EXPECT_LT(r.frames[0].reserve_Nm.lpNorm<Eigen::Infinity>(), 1e-6);
}

TEST(Recruitment, WeakMuscleSaturatesAndTheReserveTakesTheRest) {
  // Maximum force 60 N gives 3 N m; the remaining 46.03325 N m of extension is reserve.
  const auto m = test::test_model("weak_joint");
  for (SolverKind s : {SolverKind::fast, SolverKind::ipopt}) {
    RecruitmentOptions o;
    o.solver = s;
    const PostureResult r = test::analyze_text(*m, "name: upright\n", o);
    const FrameResult& f = r.frames[0];
    EXPECT_NEAR(f.activation[0], 1.0, 1e-6);
    EXPECT_NEAR(f.reserve_Nm[0], -46.03325, 1e-3);
    EXPECT_EQ(f.status, RecruitmentStatus::beyond_muscle_capacity);
    EXPECT_TRUE(f.force_N.allFinite());
  }
}

TEST(Recruitment, NoLoadGivesNoMuscleForce) {
  std::string text = yaml::read_text_file(test::source_path("tests/data/one_joint/model.yaml"));
  text.replace(text.find("gravity_m_s2: [0, -9.80665, 0]"), 30, "gravity_m_s2: [0, 0, 0]");
  const auto src = parse_model_source(text, "model.yaml",
                                      yaml::read_text_file(test::source_path("tests/data/one_joint/muscles.yaml")),
                                      "muscles.yaml");
  const auto m = build_model(*src, 1.7, 55);
  const PostureResult r = test::analyze_text(*m, "name: floating\n");
  EXPECT_EQ(r.frames[0].force_N[0], 0.0);
  EXPECT_NEAR(r.frames[0].disc[0].compression_N, 0.0, 1e-12);
}

class DemoPostures : public ::testing::TestWithParam<std::tuple<std::string, Objective>> {};

TEST_P(DemoPostures, FastSolverReachesTheIpoptOptimum) {
  const auto& [name, objective] = GetParam();
  const Model& m = test::default_model();
  Data d(m);
  const Posture p = builtin_posture(m, name);
  RecruitmentOptions o;
  o.objective = objective;
  analyze_frame(m, d, p, p.q_rad[0], Eigen::VectorXd::Zero(p.q_rad[0].size()),
                Eigen::VectorXd::Zero(p.q_rad[0].size()), o);
  const SeparableProblem problem = recruitment_problem(m, d, o);
  expect_same_optimum(problem, solve_fast(problem, nullptr), solve_ipopt(problem), static_cast<int>(m.muscles.size()),
                      name);
}

INSTANTIATE_TEST_SUITE_P(
    AllDemoPostures, DemoPostures,
    ::testing::Combine(::testing::Values("standing_relaxed", "sitting_upright", "sitting_slouched", "trunk_flexed_30",
                                         "trunk_flexed_60", "holding_5kg_30cm", "holding_5kg_60cm"),
                       ::testing::Values(Objective::activation_squared, Objective::stress_cubed)));

TEST(FastSolver, MatchesIpoptWithABackrestContact) {
  const Model& m = test::default_model();
  Data d(m);
  const Posture p = parse_posture_text(m, yaml::read_text_file(test::source_path("data/validation/sitting_nonchalant.yaml")),
                                       "sitting_nonchalant.yaml");
  RecruitmentOptions o;
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(p.q_rad[0].size());
  analyze_frame(m, d, p, p.q_rad[0], zero, zero, o);
  EXPECT_GT(d.contact_force_N.sum(), 50.0);
  const SeparableProblem problem = recruitment_problem(m, d, o);
  expect_same_optimum(problem, solve_fast(problem, nullptr), solve_ipopt(problem), static_cast<int>(m.muscles.size()),
                      "backrest");
}

// A random problem: n activations in [0, 1] with unit weights over m equations, and a reserve
// per equation (weight 1e4, unbounded); every cost squared.
SeparableProblem random_problem(std::mt19937& rng, std::normal_distribution<double>& normal, int n, int m) {
  SeparableProblem p;
  p.A = Eigen::MatrixXd::Zero(m, n + m);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) p.A(i, j) = 20 * normal(rng);
  p.A.rightCols(m).setIdentity();
  p.b = Eigen::VectorXd::NullaryExpr(m, [&] { return 30 * normal(rng); });
  p.weight = Eigen::VectorXd::Ones(n + m);
  p.weight.tail(m).setConstant(1e4);
  p.lower = Eigen::VectorXd::Zero(n + m);
  p.upper = Eigen::VectorXd::Ones(n + m);
  p.lower.tail(m).setConstant(-INFINITY);
  p.upper.tail(m).setConstant(INFINITY);
  p.power = Eigen::VectorXi::Constant(n + m, 2);
  return p;
}

TEST(FastSolver, MatchesIpoptOnRandomBoundedProblems) {
  std::mt19937 rng(42);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 30;
    SeparableProblem p = random_problem(rng, normal, n, 6);
    if (trial % 2) p.power.head(n).setConstant(3);
    expect_same_optimum(p, solve_fast(p, nullptr), solve_ipopt(p), n, "trial " + std::to_string(trial));
  }
}

// Variables that take either sign (an imported model's coordinate actuators, controls -1 to
// 1; the arms' negative joint torques, -1 to 0) under a cubic cost: until 2026-12-05 the fast
// solver's cubic branch took every variable as non-negative, so such a variable could not
// go below zero. Half the variables here run from -1 to 1, a quarter from -1 to 0.
TEST(FastSolver, MatchesIpoptOnCubicProblemsWithVariablesOfEitherSign) {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 10; ++trial) {
    const int n = 24;
    SeparableProblem p = random_problem(rng, normal, n, 5);
    p.lower.head(n / 2).setConstant(-1);
    p.lower.segment(n / 2, n / 4).setConstant(-1);
    p.upper.segment(n / 2, n / 4).setConstant(0);
    p.power.head(n).setConstant(3);
    const SolveResult fast = solve_fast(p, nullptr);
    expect_same_optimum(p, fast, solve_ipopt(p), n, "trial " + std::to_string(trial));
    EXPECT_LT(fast.x.head(3 * n / 4).minCoeff(), -0.01) << "trial " << trial;  // some do go below zero
  }
}

TEST(FastSolver, WarmStartGivesTheSameAnswer) {
  const Model& m = test::default_model();
  Data d(m);
  const Posture p = builtin_posture(m, "trunk_flexed_30");
  RecruitmentOptions o;
  analyze_frame(m, d, p, p.q_rad[0], Eigen::VectorXd::Zero(p.q_rad[0].size()), Eigen::VectorXd::Zero(p.q_rad[0].size()), o);
  const SeparableProblem problem = recruitment_problem(m, d, o);
  const SolveResult cold = solve_fast(problem, nullptr);
  const SolveResult warm = solve_fast(problem, &cold.lambda);
  EXPECT_LE(warm.iterations, 1);
  EXPECT_LE((cold.x - warm.x).lpNorm<Eigen::Infinity>(), 1e-9);
}

// Multipliers from another problem are started from at their best multiple (a cohort's
// reference woman): the optimum's own multipliers are their own best multiple, so a start at
// 2.5 times them is brought back and needs no Newton step, where the start as given needs
// several; from another woman's multipliers the rescaled start reaches the same optimum.
// (Fewer steps on average: a cohort's subjects 3.73 -> 2.74, docs/performance.md.)
TEST(FastSolver, AForeignWarmStartIsRescaledToItsBestMultiple) {
  const Model& m = test::default_model();
  auto problem_for = [&](const Model& model, const std::string& yaml) {
    Data d(model);
    const Posture p = parse_posture_text(model, yaml, "p.yaml");
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(p.q_rad[0].size());
    analyze_frame(model, d, p, p.q_rad[0], zero, zero, {});
    return recruitment_problem(model, d, {});
  };
  const SeparableProblem here = problem_for(m, "name: a\nrhythms: {trunk_flexion: 30}\n");
  const SolveResult cold = solve_fast(here, nullptr);
  ASSERT_TRUE(cold.converged);
  const Eigen::VectorXd scaled = 2.5 * cold.lambda;
  DualNewtonWorkspace ws;
  SolveResult as_given, rescaled;
  solve_fast(here, &scaled, ws, as_given, false);
  solve_fast(here, &scaled, ws, rescaled, true);
  EXPECT_GE(as_given.iterations, 2);
  EXPECT_EQ(rescaled.iterations, 0);
  EXPECT_LE((rescaled.x - cold.x).lpNorm<Eigen::Infinity>(), 1e-9);

  // The cohort's case: the same task for another woman (taller and heavier).
  const auto other_model = build_model(*default_model_source(), 1.80, 85);
  const SeparableProblem there = problem_for(*other_model, "name: b\nrhythms: {trunk_flexion: 30}\n");
  const SolveResult other = solve_fast(there, nullptr);
  ASSERT_TRUE(other.converged);
  solve_fast(here, &other.lambda, ws, as_given, false);
  solve_fast(here, &other.lambda, ws, rescaled, true);
  ASSERT_TRUE(as_given.converged && rescaled.converged);
  EXPECT_LE((rescaled.x - cold.x).lpNorm<Eigen::Infinity>(), 1e-8);
  EXPECT_LE((as_given.x - cold.x).lpNorm<Eigen::Infinity>(), 1e-8);
}

// Along a walking stride every frame starts from the frame before (and the line through the
// last two): each frame's solution must still be the optimum of that frame's problem, as
// IPOPT finds it. At the frames where reserves carry part of a moment (the objective is 1e6
// times their square) IPOPT stops short of its 1e-12 tolerance against multipliers of
// 1e5-1e6 and reports no convergence; its point is still compared there (objective and
// activations), and those frames are counted.
TEST(FastSolver, AlongAWalkingStrideEveryFrameIsIpoptsOptimum) {
  const Model& m = test::default_model();
  Data d(m);
  const Posture p = walking_posture(m, GaitParameters{}, "walk");
  const RecruitmentOptions o;
  const int nm = static_cast<int>(m.muscles.size());
  int warm_frames = 0, ipopt_short = 0;
  for (std::size_t k = 0; k < p.time_s.size(); ++k) {
    analyze_frame(m, d, p, p.q_rad[k], p.qdot_rad_s[k], p.qddot_rad_s2[k], o, Support::standing,
                  p.root_acceleration_m_s2[k]);
    warm_frames += d.previous_valid ? 1 : 0;
    const SeparableProblem problem = recruitment_problem(m, d, o);
    const SolveResult ipopt = solve_ipopt(problem);
    const SolveResult& fast = d.recruitment.result;
    const std::string what = "frame " + std::to_string(k);
    if (ipopt.converged) {
      expect_same_optimum(problem, fast, ipopt, nm, what);
      continue;
    }
    ++ipopt_short;
    ASSERT_TRUE(fast.converged) << what;
    EXPECT_LE(std::abs(fast.objective - ipopt.objective), 1e-6 * ipopt.objective) << what;
    EXPECT_LE((fast.x.head(nm) - ipopt.x.head(nm)).lpNorm<Eigen::Infinity>(), 1e-3) << what;
  }
  EXPECT_EQ(warm_frames, static_cast<int>(p.time_s.size()) - 1);  // all but the first started warm
  EXPECT_LE(ipopt_short, 10);
}

}  // namespace
}  // namespace spineload
