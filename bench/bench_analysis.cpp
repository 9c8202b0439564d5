// Speed of one posture analysis on the default model, after the model is built, per
// solver; and of the pieces. Run: ./build/release/bench/spineload_bench
#include <benchmark/benchmark.h>

#include "analysis/analyze.hpp"
#include "dynamics/dynamics.hpp"
#include "muscles/muscle_geometry.hpp"
#include "recruitment/recruitment.hpp"
#include "subject/subject_data.hpp"
#include "subject/timeline.hpp"
#include "posture/prediction.hpp"
#include "tasks/task_runner.hpp"

namespace {

using namespace spineload;

const Model& model() {
  static const auto m = [] {
    const auto src = default_model_source();
    return build_model(*src, default_height_m(*src), default_mass_kg(*src));
  }();
  return *m;
}

void BM_AnalyzePosture(benchmark::State& state, SolverKind solver, const char* name) {
  const Model& m = model();
  Data data(m);
  const Posture p = builtin_posture(m, name);
  RecruitmentOptions o;
  o.solver = solver;
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(m.coordinates.size()));
  for (auto _ : state) {
    data.dual_warm_start.resize(0);  // cold start: every posture solved from scratch
    analyze_frame(m, data, p, p.q_rad[0], zero, zero, o);
    benchmark::DoNotOptimize(data.disc[0].compression_N);
  }
  state.counters["iterations"] = data.solver_iterations;
}
BENCHMARK_CAPTURE(BM_AnalyzePosture, fast_standing, SolverKind::fast, "standing_relaxed")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AnalyzePosture, fast_flexed_60, SolverKind::fast, "trunk_flexed_60")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AnalyzePosture, fast_holding_60cm, SolverKind::fast, "holding_5kg_60cm")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AnalyzePosture, ipopt_standing, SolverKind::ipopt, "standing_relaxed")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AnalyzePosture, ipopt_flexed_60, SolverKind::ipopt, "trunk_flexed_60")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AnalyzePosture, ipopt_holding_60cm, SolverKind::ipopt, "holding_5kg_60cm")->Unit(benchmark::kMicrosecond);

// The stages before recruitment: kinematics, Jacobian, inverse dynamics, muscle geometry.
void BM_KinematicsDynamicsGeometry(benchmark::State& state) {
  const Model& m = model();
  Data data(m);
  const Posture p = builtin_posture(m, "trunk_flexed_60");
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(m.coordinates.size()));
  for (auto _ : state) {
    forward_kinematics(m, data, p.q_rad[0], zero);
    apply_loads(m, data, p.loads);
    inverse_dynamics(m, data, zero);
    muscle_geometry(m, data);
    benchmark::DoNotOptimize(data.moment_arm_m(0, 0));
  }
}
BENCHMARK(BM_KinematicsDynamicsGeometry)->Unit(benchmark::kMicrosecond);

void BM_Recruitment(benchmark::State& state, SolverKind solver) {
  const Model& m = model();
  Data data(m);
  const Posture p = builtin_posture(m, "trunk_flexed_60");
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(m.coordinates.size()));
  RecruitmentOptions o;
  analyze_frame(m, data, p, p.q_rad[0], zero, zero, o);
  const SeparableProblem problem = recruitment_problem(m, data, o);
  for (auto _ : state) {
    const SolveResult r = solver == SolverKind::fast ? solve_fast(problem, nullptr) : solve_ipopt(problem);
    benchmark::DoNotOptimize(r.objective);
  }
}
BENCHMARK_CAPTURE(BM_Recruitment, fast, SolverKind::fast)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recruitment, ipopt, SolverKind::ipopt)->Unit(benchmark::kMicrosecond);

void BM_BuildModel(benchmark::State& state) {
  const auto src = default_model_source();
  for (auto _ : state) benchmark::DoNotOptimize(build_model(*src, 1.65, 62));
}
BENCHMARK(BM_BuildModel)->Unit(benchmark::kMicrosecond);

// Body poses at rest: the joint chain (body_poses) against Simbody's realize(Position)
// (forward_kinematics, which also fills the Jacobian).
void BM_BodyPoses(benchmark::State& state) {
  const Model& m = model();
  Data d(m);
  const Posture p = builtin_posture(m, "trunk_flexed_30");
  for (auto _ : state) {
    body_poses(m, d, p.q_rad[0]);
    benchmark::DoNotOptimize(d.pose.back());
  }
}
BENCHMARK(BM_BodyPoses)->Unit(benchmark::kMicrosecond);

void BM_ForwardKinematicsSimbody(benchmark::State& state) {
  const Model& m = model();
  Data d(m);
  const Posture p = builtin_posture(m, "trunk_flexed_30");
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(p.q_rad[0].size());
  for (auto _ : state) {
    forward_kinematics(m, d, p.q_rad[0], zero);
    benchmark::DoNotOptimize(d.pose.back());
  }
}
BENCHMARK(BM_ForwardKinematicsSimbody)->Unit(benchmark::kMicrosecond);

// A cold prediction of `request` for a base posture holding `loads` (YAML), timed.
void predict_cold(benchmark::State& state, const char* loads, const PredictionRequest& request) {
  const Model& m = model();
  const Posture base = parse_posture_text(m, loads, "bench.yaml");
  int evaluations = 0;
  for (auto _ : state) evaluations = predict_posture(m, base, request).evaluations;
  state.counters["evaluations"] = evaluations;
}

void BM_PredictPosture(benchmark::State& state) {
  PredictionRequest r;
  r.hands_forward_m = 0.4;
  r.hands_height_m = 0.5;
  predict_cold(state, "loads:\n  - {type: hand_mass, mass_kg: 6}\n", r);
}
BENCHMARK(BM_PredictPosture)->Unit(benchmark::kMillisecond);

// One hand, to her side: the trunk's twist is searched too and the arm solved in 3D.
void BM_PredictPostureOneHandSide(benchmark::State& state) {
  PredictionRequest r;
  r.hands_forward_m = 0.3;
  r.hands_height_m = 0.6;
  r.hands_lateral_m = 0.4;
  r.hands = ReachingHands::right;
  predict_cold(state, "loads:\n  - {type: hand_mass, mass_kg: 3, hands: right}\n", r);
}
BENCHMARK(BM_PredictPostureOneHandSide)->Unit(benchmark::kMillisecond);

// Warm-started from the solution for a grip 1 cm lower (a neighbouring sweep step or stage).
void BM_PredictPostureWarm(benchmark::State& state) {
  const Model& m = model();
  const Posture base = parse_posture_text(m, "loads:\n  - {type: hand_mass, mass_kg: 6}\n", "bench.yaml");
  PredictionRequest r;
  r.hands_forward_m = 0.4;
  r.hands_height_m = 0.49;
  const auto warm = predict_posture(m, base, r).solution_deg;
  r.hands_height_m = 0.5;
  int evaluations = 0;
  for (auto _ : state) evaluations = predict_posture(m, base, r, &warm).evaluations;
  state.counters["evaluations"] = evaluations;
}
BENCHMARK(BM_PredictPostureWarm)->Unit(benchmark::kMillisecond);

void BM_BuildSubjectModel(benchmark::State& state) {
  const auto src = default_model_source();
  const auto data = default_subject_data();
  Subject s;
  s.stage = Stage::pregnant;
  s.week = 30;
  for (auto _ : state) benchmark::DoNotOptimize(build_subject_model(*src, *data, s));
}
BENCHMARK(BM_BuildSubjectModel)->Unit(benchmark::kMicrosecond);

// The whole timeline of relaxed standing, pregnant week 0 to postpartum week 52 every 2 weeks.
void BM_TimelineStanding(benchmark::State& state) {
  const auto src = default_model_source();
  const auto data = default_subject_data();
  const Subject s;
  const Posture standing = builtin_posture(model(), "standing_relaxed");
  const auto points = stage_range("pregnant:0", "postpartum:52", "2w", s.delivery_week);
  for (auto _ : state) benchmark::DoNotOptimize(run_timeline(*src, *data, s, standing, points, {}).size());
  state.counters["stages"] = static_cast<double>(points.size());
}
BENCHMARK(BM_TimelineStanding)->Unit(benchmark::kMillisecond);

void BM_Day(benchmark::State& state) {
  const DaySchedule schedule = parse_day_schedule(R"(name: bench
day_start_h: 6
day_end_h: 22
tasks:
  - {task: breastfeed-seated, count: 8, duration_min: 20, start_h: 6, interval_h: 2, set: {pillow: 1, infant_mass_kg: 5}}
  - {task: change-diaper, count: 10, duration_min: 3, start_h: 6.5, interval_h: 1.5, set: {infant_mass_kg: 5}}
  - {task: lift-from-crib, count: 25, duration_s: 4, start_h: 6.2, interval_h: 0.6, set: {infant_mass_kg: 5}}
  - {task: carry-in-arms, count: 8, duration_min: 15, start_h: 7, interval_h: 1.8, set: {infant_mass_kg: 5}}
)", "bench.yaml");
  for (auto _ : state) benchmark::DoNotOptimize(run_day(schedule, nullptr, {}).lowest_capacity);
}
BENCHMARK(BM_Day)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
