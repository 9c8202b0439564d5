// Speed of one posture analysis on the default model, after the model is built, per
// solver; and of the pieces. Run: ./build/release/bench/spineload_bench
#include <benchmark/benchmark.h>

#include <chrono>

#include "analysis/analyze.hpp"
#include "dynamics/dynamics.hpp"
#include "loads/disc_loads.hpp"
#include "multibody/system.hpp"
#include "muscles/muscle_geometry.hpp"
#include "muscles/passive_tissues.hpp"
#include "recruitment/recruitment.hpp"
#include "subject/subject_data.hpp"
#include "subject/timeline.hpp"
#include "posture/prediction.hpp"
#include "tasks/gait.hpp"
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
    data.warm_start_valid = false;  // cold start: every posture solved from scratch
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

// The same posture on the static model (no Simbody system: the joint chain's own kinematics
// and a static inverse dynamics), which still postures, tasks and cohorts use, with the time
// of each stage of analyze_frame beside the total (microseconds per posture, averaged over
// the iterations): kinematics (poses and Jacobian), inverse dynamics (applied loads, net and
// passive joint moments), moment arms (muscle paths and passive tissues), recruitment, loads
// (disc loads and balance).
const Model& static_model() {
  static const auto m = [] {
    const auto src = default_model_source();
    return build_static_model(*src, default_height_m(*src), default_mass_kg(*src));
  }();
  return *m;
}

void BM_AnalyzePostureStages(benchmark::State& state, const char* name) {
  const Model& m = static_model();
  Data data(m);
  const Posture p = builtin_posture(m, name);
  const RecruitmentOptions o;
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(m.coordinates.size()));
  using Clock = std::chrono::steady_clock;
  double spent[5] = {0, 0, 0, 0, 0};
  for (auto _ : state) {
    data.warm_start_valid = false;  // cold start
    const auto t0 = Clock::now();
    forward_kinematics(m, data, p.q_rad[0], zero);
    const auto t1 = Clock::now();
    apply_loads(m, data, p.loads);
    data.contacts = touching_contacts(p.contacts, data.pose);
    data.contact_force_N = Eigen::VectorXd::Zero(static_cast<int>(p.contacts.size()));
    inverse_dynamics(m, data, zero);
    passive_moments(m, data);
    const auto t2 = Clock::now();
    muscle_geometry(m, data);
    passive_tissues(m, data);
    const auto t3 = Clock::now();
    recruit_muscles(m, data, o);
    const auto t4 = Clock::now();
    disc_loads(m, data);
    balance(m, data, p.support);
    const auto t5 = Clock::now();
    const std::chrono::duration<double, std::micro> d[5] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4};
    for (int k = 0; k < 5; ++k) spent[k] += d[k].count();
    benchmark::DoNotOptimize(data.disc[0].compression_N);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["kinematics_us"] = spent[0] / n;
  state.counters["inverse_dynamics_us"] = spent[1] / n;
  state.counters["moment_arms_us"] = spent[2] / n;
  state.counters["recruitment_us"] = spent[3] / n;
  state.counters["loads_us"] = spent[4] / n;
  state.counters["solver_iterations"] = data.solver_iterations;
}
BENCHMARK_CAPTURE(BM_AnalyzePostureStages, standing, "standing_relaxed")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AnalyzePostureStages, flexed_60, "trunk_flexed_60")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AnalyzePostureStages, holding_60cm, "holding_5kg_60cm")->Unit(benchmark::kMicrosecond);

// Frames of a motion: one stride of walking (50 frames) on the full default model, inverse
// dynamics with inertia and the pelvis's acceleration, the fast solver warm-started from the
// frame before; frames per second on one core.
void BM_MotionFrames(benchmark::State& state) {
  const Model& m = model();
  Data data(m);
  const Posture p = walking_posture(m, GaitParameters{}, "walk");
  const RecruitmentOptions o;
  long steps = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < p.time_s.size(); ++k) {
      analyze_frame(m, data, p, p.q_rad[k], p.qdot_rad_s[k], p.qddot_rad_s2[k], o, Support::standing,
                    p.root_acceleration_m_s2[k]);
      steps += data.solver_iterations;
    }
    benchmark::DoNotOptimize(data.disc[0].compression_N);
  }
  // Newton steps per frame, warm-started along the stride
  state.counters["steps_per_frame"] = static_cast<double>(steps) / static_cast<double>(state.iterations() * p.time_s.size());
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * p.time_s.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MotionFrames)->Unit(benchmark::kMicrosecond);

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
  // The problem's size: variables, equations, non-zeros of A.
  state.counters["variables"] = problem.num_variables();
  state.counters["equations"] = problem.num_constraints();
  state.counters["nonzeros"] = static_cast<double>((problem.A.array() != 0).count());
}
BENCHMARK_CAPTURE(BM_Recruitment, fast, SolverKind::fast)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recruitment, ipopt, SolverKind::ipopt)->Unit(benchmark::kMicrosecond);

void BM_BuildModel(benchmark::State& state) {
  const auto src = default_model_source();
  for (auto _ : state) benchmark::DoNotOptimize(build_model(*src, 1.65, 62));
}
BENCHMARK(BM_BuildModel)->Unit(benchmark::kMicrosecond);

// Body poses at rest from the joint chain (body_poses); forward_kinematics adds the Jacobian
// (BM_ForwardKinematics); Simbody's realize(Position) with its poses, which imported models
// use (BM_ForwardKinematicsSimbody).
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

void BM_ForwardKinematics(benchmark::State& state) {
  const Model& m = model();
  Data d(m);
  const Posture p = builtin_posture(m, "trunk_flexed_30");
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(p.q_rad[0].size());
  for (auto _ : state) {
    forward_kinematics(m, d, p.q_rad[0], zero);
    benchmark::DoNotOptimize(d.pose.back());
  }
}
BENCHMARK(BM_ForwardKinematics)->Unit(benchmark::kMicrosecond);

void BM_ForwardKinematicsSimbody(benchmark::State& state) {
  const Model& m = model();
  Data d(m);
  const Posture p = builtin_posture(m, "trunk_flexed_30");
  forward_kinematics(m, d, p.q_rad[0], Eigen::VectorXd::Zero(p.q_rad[0].size()));
  for (auto _ : state) {
    mb::set_state(*m.multibody, *d.ws, d.q, d.u);
    mb::body_poses(*m.multibody, *d.ws, d.pose);
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
