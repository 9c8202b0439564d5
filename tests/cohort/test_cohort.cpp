#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cohort/cohort.hpp"
#include "common/errors.hpp"
#include "tasks/task_runner.hpp"

namespace spineload {
namespace {

const char* kCohort = R"(name: test
n: 24
seed: 5
chunk: 5
subject:
  stage: postpartum
  week: {uniform: {min: 2, max: 12}}
  height_mass_correlation: 0.6
  breastfeeding: {probability: 0.7}
tasks:
  - {task: carry-on-hip, set: {hip_share: {uniform: {min: 0.4, max: 0.8}}}}
variants:
  - {name: more_lean, task: carry-on-hip, set: {lean_deg: 10}}
)";

TEST(Cohort, SamplingHonoursTheCorrelationAndIsReproducible) {
  CohortSpec spec = parse_cohort_text(kCohort, "c.yaml");
  // Pearson correlation of the normal scores behind height and mass over many subjects.
  const int n = 4000;
  std::vector<double> h, m;
  for (int i = 0; i < n; ++i) {
    const CohortSubject s = sample_cohort_subject(spec, i);
    h.push_back(s.subject.height_m);
    m.push_back(std::log(s.subject.pre_pregnancy_mass_kg));
    EXPECT_GE(s.subject.week, 2);
    EXPECT_LE(s.subject.week, 12);
  }
  auto mean = [](const std::vector<double>& v) { double s = 0; for (double x : v) s += x; return s / v.size(); };
  const double mh = mean(h), mm = mean(m);
  double shm = 0, shh = 0, smm = 0;
  for (int i = 0; i < n; ++i) {
    shm += (h[i] - mh) * (m[i] - mm);
    shh += (h[i] - mh) * (h[i] - mh);
    smm += (m[i] - mm) * (m[i] - mm);
  }
  EXPECT_NEAR(shm / std::sqrt(shh * smm), 0.6, 0.05);  // the piecewise-linear margins keep it close
  // Same seed, same subject; another seed, another.
  const double h3 = sample_cohort_subject(spec, 3).subject.height_m;
  EXPECT_EQ(sample_cohort_subject(spec, 3).subject.height_m, h3);
  spec.seed = 6;
  EXPECT_NE(sample_cohort_subject(spec, 3).subject.height_m, h3);
}

TEST(Cohort, RowsReadBackAsTheSameNumbersAndABadRowIsNamed) {
  CohortRow r;
  r.subject = 123456789012;
  r.task = 2;
  r.status = "beyond";
  r.reason = "reserve\tmoments\nneeded";
  r.l5s1_compression_N = 0.1 + 0.2;  // not a short decimal: the shortest text must still read back exactly
  r.l5s1_shear_ap_N = -1e-300;
  r.l5s1_shear_lateral_N = 4.9e-324;  // the smallest denormal
  r.l5s1_risk = 1.0 / 3.0;
  r.max_risk = std::numeric_limits<double>::infinity();
  r.max_risk_level = "L4_L5";
  r.extensor_demand = 1e300;
  r.infant_mass_kg = 6.5;
  const auto back = parse_rows(serialize_rows({r, CohortRow{}}), "rows");
  ASSERT_EQ(back.size(), 2u);
  const CohortRow& b = back[0];
  EXPECT_EQ(b.subject, r.subject);
  EXPECT_EQ(b.task, r.task);
  EXPECT_EQ(b.status, "beyond");
  EXPECT_EQ(b.reason, "reserve moments needed");  // the separators become spaces
  EXPECT_EQ(b.l5s1_compression_N, r.l5s1_compression_N);
  EXPECT_EQ(b.l5s1_shear_ap_N, r.l5s1_shear_ap_N);
  EXPECT_EQ(b.l5s1_shear_lateral_N, r.l5s1_shear_lateral_N);
  EXPECT_EQ(b.l5s1_risk, r.l5s1_risk);
  EXPECT_EQ(b.max_risk, r.max_risk);
  EXPECT_EQ(b.max_risk_level, "L4_L5");
  EXPECT_EQ(b.extensor_demand, r.extensor_demand);
  EXPECT_EQ(b.infant_mass_kg, r.infant_mass_kg);
  EXPECT_EQ(back[1].max_risk_level, "");
  // Written as 17 digits by earlier versions: read the same.
  EXPECT_EQ(parse_rows("7\t0\tok\t0.30000000000000004\t1\t2\t3\t4\t-\t5\t6\t\n", "old")[0].l5s1_compression_N, 0.1 + 0.2);
  // A damaged row names the file and its line, whatever the damage.
  const std::string good = "7\t0\tok\t1\t1\t2\t3\t4\t-\t5\t6\t\n";
  for (const std::string bad : {"7\t0\tok\t1\t1\n", "7\t0\tok\t1x\t1\t2\t3\t4\t-\t5\t6\t\n",
                                "7\t0\tok\t 1\t1\t2\t3\t4\t-\t5\t6\t\n", "7.5\t0\tok\t1\t1\t2\t3\t4\t-\t5\t6\t\n",
                                "7\t0\tok\t\t1\t2\t3\t4\t-\t5\t6\t\n"}) {
    try {
      parse_rows(good + bad, "chunk_3.rows");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "chunk_3.rows");
      EXPECT_EQ(e.line(), 2) << e.what();
      EXPECT_EQ(e.field(), "row");
    }
  }
}

TEST(Cohort, RowsAreTheSameWhateverTheThreads) {
  const CohortSpec spec = parse_cohort_text(kCohort, "c.yaml");
  CohortOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = run_cohort(spec, one), b = run_cohort(spec, two);
  ASSERT_EQ(a.size(), 48u);
  EXPECT_EQ(cohort_csv_rows(spec, a), cohort_csv_rows(spec, b));
  // Formatted in parallel blocks, or after the text round trip several processes use: the
  // same bytes.
  EXPECT_EQ(cohort_csv_rows(spec, a, 3), cohort_csv_rows(spec, a, 1));
  EXPECT_EQ(cohort_csv_rows(spec, parse_rows(serialize_rows(a), "rows"), 2), cohort_csv_rows(spec, a));
  // A part of the cohort gives the same rows as the whole.
  CohortOptions part;
  part.first = 10;
  part.last = 15;
  const auto p = run_cohort(spec, part);
  ASSERT_EQ(p.size(), 10u);
  EXPECT_EQ(p.front().subject, 10);
  EXPECT_EQ(p.front().l5s1_compression_N, a[20].l5s1_compression_N);
}

TEST(Cohort, SummaryAgreesWithADirectComputation) {
  const CohortSpec spec = parse_cohort_text(kCohort, "c.yaml");
  const auto rows = run_cohort(spec, {});
  const auto summary = summarize_cohort(spec, rows);
  ASSERT_EQ(summary.size(), 2u);
  std::vector<double> c;
  double change = 0;
  for (std::size_t k = 0; k < rows.size(); k += 2) {
    c.push_back(rows[k].l5s1_compression_N);
    change += rows[k + 1].l5s1_compression_N - rows[k].l5s1_compression_N;
  }
  std::sort(c.begin(), c.end());
  // Median of 24 values: the mean of the 12th and 13th.
  EXPECT_NEAR(summary[0].compression_N[2], 0.5 * (c[11] + c[12]), 1e-9);
  // 5th percentile, type 7: position 0.05 x 23 = 1.15 between the sorted values.
  EXPECT_NEAR(summary[0].compression_N[0], c[1] + 0.15 * (c[2] - c[1]), 1e-9);
  EXPECT_EQ(summary[0].ok + summary[0].beyond, 24);
  EXPECT_NEAR(summary[1].mean_change_N, change / 24, 1e-9);
  EXPECT_EQ(summary[1].base, "carry-on-hip");
}

// A cohort row is what `analyze --task --subject` (run_task) gives for the same woman,
// pregnant ones included (their given postures adapted the same way).
TEST(Cohort, ARowIsWhatTheTaskRunnerGivesForTheSameWoman) {
  const CohortSpec spec = parse_cohort_text(R"(name: same
n: 4
seed: 11
subject:
  stage: {categorical: {pregnant: 0.5, postpartum: 0.5}}
  week: {uniform: {min: 20, max: 36}}
tasks:
  - {task: carry-on-hip}
  - {task: change-diaper}
)", "same.yaml");
  const auto rows = run_cohort(spec, {});
  ASSERT_EQ(rows.size(), 8u);
  int pregnant = 0;
  for (const CohortRow& row : rows) {
    const CohortSubject cs = sample_cohort_subject(spec, row.subject);
    pregnant += cs.subject.stage == Stage::pregnant;
    const TaskRun run = run_task(spec.tasks[static_cast<std::size_t>(row.task)].task,
                                 cs.task_settings[static_cast<std::size_t>(row.task)], &cs.subject, {});
    const double direct = run.result.frames[peak_l5s1_frame(run.result)].disc.front().compression_N;
    // Equal up to the recruitment's convergence (the cohort starts it warm).
    EXPECT_NEAR(row.l5s1_compression_N, direct, 0.01) << "subject " << row.subject << " task " << row.task;
  }
  EXPECT_GT(pregnant, 0);
}

TEST(Cohort, BadCohortFilesNameTheField) {
  try {
    parse_cohort_text("n: 10\ntasks:\n  - {task: lift-from-cot}\n", "c.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "tasks[0].task");
    EXPECT_EQ(e.line(), 3);
  }
  try {
    parse_cohort_text("n: 10\ntasks:\n  - {task: carry-on-hip, set: {hip_shar: 0.5}}\n", "c.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "tasks[0].set.hip_shar");
    EXPECT_NE(std::string(e.what()).find("hip_share"), std::string::npos);
  }
  EXPECT_THROW(parse_cohort_text("n: 0\ntasks:\n  - {task: carry-on-hip}\n", "c.yaml"), InputError);
  EXPECT_THROW(parse_cohort_text("n: 5\nsubject: {height_mass_correlation: 1.5}\ntasks:\n  - {task: carry-on-hip}\n", "c.yaml"),
               InputError);
  // Found by fuzzing (fuzz/fuzz_cohort.cpp): a negative seed was cast to an unsigned integer
  // (undefined behaviour); seeds, chunks and counts are whole numbers in range, checked first.
  // And a list as a distribution's kind: yaml-cpp's conversion error, naming nothing.
  try {
    parse_cohort_text("n: 5\nsubject:\n  week: {[a]: 1}\ntasks:\n  - {task: carry-on-hip}\n", "c.yaml");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "subject.week");
  }
  for (const char* bad : {"seed: -2000", "seed: 1e300", "seed: 1.5", "chunk: 1e300", "chunk: 0"}) {
    try {
      parse_cohort_text(std::string("n: 5\n") + bad + "\ntasks:\n  - {task: carry-on-hip}\n", "c.yaml");
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), 2) << bad;
      EXPECT_EQ(e.field(), std::string(bad).substr(0, std::string(bad).find(':'))) << bad;
    }
  }
}

}  // namespace
}  // namespace spineload
