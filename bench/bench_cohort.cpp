// Cohort throughput: subject-task evaluations per second of a single-posture task on the
// default model (issue 6's target: one million in under 60 s on two cores), with one and
// two threads; and the pieces one evaluation pays for. Run:
//   ./build/release/bench/spineload_bench --benchmark_filter=Cohort
#include <benchmark/benchmark.h>

#include "cohort/cohort.hpp"
#include "subject/subject_data.hpp"

namespace {

using namespace spineload;

CohortSpec single_posture_cohort(long n) {
  return parse_cohort_text(R"(name: bench
n: )" + std::to_string(n) + R"(
seed: 7
chunk: 250
subject:
  stage: postpartum
  week: {uniform: {min: 2, max: 12}}
tasks:
  - {task: carry-on-hip}
)",
                           "bench_cohort.yaml");
}

void BM_CohortSinglePosture(benchmark::State& state) {
  const CohortSpec spec = single_posture_cohort(4000);
  CohortOptions options;
  options.threads = static_cast<int>(state.range(0));
  long evaluations = 0;
  for (auto _ : state) {
    const auto rows = run_cohort(spec, options);
    evaluations += static_cast<long>(rows.size());
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(evaluations);  // items_per_second: evaluations per second
}
BENCHMARK(BM_CohortSinglePosture)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

void BM_BuildStaticSubjectModel(benchmark::State& state) {
  const auto src = default_model_source();
  const auto data = default_subject_data();
  Subject s;
  s.stage = Stage::postpartum;
  s.week = 6;
  for (auto _ : state) benchmark::DoNotOptimize(build_subject_model(*src, *data, s, true));
}
BENCHMARK(BM_BuildStaticSubjectModel)->Unit(benchmark::kMicrosecond);

}  // namespace
