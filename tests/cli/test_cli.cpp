// End-to-end tests of the spineload binary: exit codes, output files, error messages.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "test_support.hpp"

namespace spineload {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

CliRun run(const std::string& args) {
  const std::string cmd = std::string(SPINELOAD_CLI) + " " + args + " 2>&1";
  CliRun r{0, ""};
  FILE* pipe = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe)) r.output += buf.data();
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("spineload_cli_" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(Cli, DemoPrintsEveryPostureWithASummary) {
  const CliRun r = run("demo");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* p : {"standing_relaxed", "sitting_upright", "sitting_slouched", "trunk_flexed_30", "trunk_flexed_60",
                        "holding_5kg_30cm", "holding_5kg_60cm"})
    EXPECT_NE(r.output.find("== " + std::string(p)), std::string::npos) << p;
  EXPECT_NE(r.output.find("NIOSH action limit"), std::string::npos);
  EXPECT_NE(r.output.find("not a diagnosis"), std::string::npos);
}

TEST(Cli, AnalyzeWritesCsvJsonAndStoForASeries) {
  const fs::path dir = fresh_dir("series");
  const CliRun r = run("analyze " + test::source_path("examples/bend_and_return.yaml") + " -o " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* f : {"bend_and_return_disc_loads.csv", "bend_and_return_muscles.csv", "bend_and_return.json",
                        "bend_and_return_disc_loads.sto", "bend_and_return_muscle_forces.sto"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  fs::remove_all(dir);
}

TEST(Cli, BadPostureExitsTwoNamingFileLineAndFieldAndWritesNothing) {
  const fs::path dir = fresh_dir("bad");
  const fs::path input = test::scratch_dir("cli") / "spineload_bad_posture.yaml";
  std::ofstream(input) << "name: bad\ncoordinates:\n  L4_L5_flexion: 3\n  L3_L4_flexon: 2\n";
  const CliRun r = run("analyze " + input.string() + " -o " + dir.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(input.string() + ":4: field 'coordinates.L3_L4_flexon'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir));
}

TEST(Cli, ImpossiblePostureExitsTwo) {
  const fs::path input = test::scratch_dir("cli") / "spineload_impossible.yaml";
  std::ofstream(input) << "rhythms:\n  trunk_flexion: 200\n";
  const CliRun r = run("analyze " + input.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(":2: field 'rhythms.trunk_flexion'"), std::string::npos) << r.output;
}

TEST(Cli, LoadTheMusclesCannotHoldExitsFourWithResultsAndReserves) {
  const fs::path dir = fresh_dir("beyond");
  const fs::path input = test::scratch_dir("cli") / "spineload_beyond.yaml";
  std::ofstream(input) << "name: heavy\nrhythms: {trunk_flexion: 60}\n"
                          "coordinates: {shoulder_r_flexion: 60, shoulder_l_flexion: 60}\n"
                          "loads:\n  - {type: hand_mass, mass_kg: 80}\n";
  const CliRun r = run("analyze " + input.string() + " -o " + dir.string());
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.output.find("beyond muscle capacity"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("reserve moments: "), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "heavy.json"));
  fs::remove_all(dir);
}

TEST(Cli, AnalyzeWithASubjectNamesHerAndHerStage) {
  const fs::path dir = fresh_dir("subject");
  const CliRun r = run("analyze " + test::source_path("data/postures/standing_relaxed.yaml") + " --subject " +
                       test::source_path("examples/subject.yaml") + " -o " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("subject example: postpartum week 12"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("calcium 900 mg/day"), std::string::npos) << r.output;
  std::ifstream json(dir / "standing_relaxed.json");
  std::stringstream ss;
  ss << json.rdbuf();
  EXPECT_NE(ss.str().find("postpartum week 12"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Cli, TimelinePrintsAndWritesEveryStage) {
  const fs::path dir = fresh_dir("timeline");
  const fs::path subject = test::scratch_dir("cli") / "spineload_timeline_subject.yaml";
  std::ofstream(subject) << "name: t\nbreastfeeding: {active: true, weaning_week: 20}\n";
  const CliRun r = run("timeline --subject " + subject.string() +
                       " --posture standing --from pregnant:30 --to postpartum:4 --step 5w -o " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* stage : {"pregnant:30 ", "pregnant:35 ", "pregnant:40 ", "postpartum:0 ", "postpartum:4 "})
    EXPECT_NE(r.output.find(stage), std::string::npos) << stage;
  std::ifstream csv(dir / "timeline.csv");
  std::string line;
  int lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, 1 + 5);  // header and pregnant 30, 35, 40, postpartum 0, 4
  fs::remove_all(dir);
}

TEST(Cli, TimelineOfATaskMatchesAnalyzeAtHerStage) {
  const fs::path dir = fresh_dir("timeline_task");
  const std::string subject = test::source_path("examples/subject_6_weeks.yaml");  // postpartum week 6
  const CliRun r = run("timeline --task change-diaper --set table_height_cm=80 --subject " + subject +
                       " --from postpartum:5 --to postpartum:7 --step 1w -o " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream csv(dir / "timeline.csv");
  std::string header, line, week6;
  std::getline(csv, header);
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    if (line.find("postpartum,6,") != std::string::npos) week6 = line;
  }
  EXPECT_EQ(rows, 3);
  ASSERT_FALSE(week6.empty()) << header;
  // The same task, settings and stage through `analyze --task`: the same L5/S1 compression.
  const CliRun a = run("analyze --task change-diaper --set table_height_cm=80 --subject " + subject);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const auto at = a.output.find("L5/S1 compression ");
  ASSERT_NE(at, std::string::npos);
  const double l5s1 = std::stod(a.output.substr(at + 18));
  std::vector<std::string> cells;
  std::stringstream ss(week6);
  for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
  std::vector<std::string> names;
  std::stringstream hs(header);
  for (std::string c; std::getline(hs, c, ',');) names.push_back(c);
  const auto col = std::find(names.begin(), names.end(), "L5_S1_compression_N") - names.begin();
  ASSERT_LT(static_cast<std::size_t>(col), cells.size()) << header;
  EXPECT_NEAR(std::stod(cells[static_cast<std::size_t>(col)]), l5s1, 0.51);
  // A posture and a task at once is refused by the command line.
  EXPECT_NE(run("timeline --task change-diaper --posture standing --subject " + subject).exit_code, 0);
  EXPECT_EQ(run("timeline --set table_height_cm=80 --subject " + subject).exit_code, 2);
  fs::remove_all(dir);
}

TEST(Cli, InvalidSubjectExitsTwoAndWritesNothing) {
  const fs::path dir = fresh_dir("bad_subject");
  const fs::path subject = test::scratch_dir("cli") / "spineload_bad_subject.yaml";
  std::ofstream(subject) << "stage: pregnant\nweek: 44\n";
  const CliRun r = run("analyze " + test::source_path("data/postures/standing_relaxed.yaml") + " --subject " +
                       subject.string() + " -o " + dir.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(subject.string() + ":2: field 'week'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir));
}

TEST(Cli, MissingFileExitsTwo) {
  const CliRun r = run("analyze /nonexistent/posture.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("cannot open file"), std::string::npos);
}

TEST(Cli, ModelInfoListsBodiesCoordinatesAndMuscles) {
  const CliRun r = run("model info --height 1.70 --mass 65");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("height 1.700 m, mass 65.0 kg"), std::string::npos);
  EXPECT_NE(r.output.find("L4_L5_flexion"), std::string::npos);
  EXPECT_NE(r.output.find("LTpT_T8_r"), std::string::npos);
}

TEST(Cli, TaskWritesItsIndicesWithEveryNioshMultiplier) {
  const fs::path dir = fresh_dir("task");
  const CliRun r = run("analyze --task lift-from-crib --set infant_mass_kg=6 -o " + dir.string() + " --format csv,json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(dir / "lift-from-crib_indices.csv");
  std::stringstream text;
  text << in.rdbuf();
  for (const char* m : {"L5_S1_compression,", "L5_S1_fraction_of_strength,", "fatigue_damage_per_cycle,", "niosh_HM,0.625,",
                        "niosh_VM,", "niosh_DM,", "niosh_AM,1,", "niosh_FM,", "niosh_CM,0.95,", "niosh_lifting_index,"})
    EXPECT_NE(text.str().find(m), std::string::npos) << m;
  EXPECT_TRUE(fs::exists(dir / "lift-from-crib_indices.json"));
  fs::remove_all(dir);
}

TEST(Cli, CompareWritesItsCsvAndReportTurnsItIntoAPageAndSvgs) {
  const fs::path dir = test::scratch_dir("cli_report");
  CliRun r = run("compare --task change-diaper --vary table_height_cm=80:100:20 -o " + (dir / "results").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream csv(dir / "results" / "compare.csv");
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  EXPECT_EQ(header.rfind("task,parameter,value,L5_S1_compression_N,", 0), 0u);
  EXPECT_EQ(row.rfind("change-diaper,table_height_cm,80,", 0), 0u);
  r = run("report " + (dir / "results").string() + " -o " + (dir / "out" / "r.html").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "out" / "r.html"));
  EXPECT_TRUE(fs::exists(dir / "out" / "r-compare.svg"));
  // Nothing to report: exit 2, a message naming the folder, nothing written.
  fs::create_directories(dir / "empty");
  r = run("report " + (dir / "empty").string() + " -o " + (dir / "none" / "r.html").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no results found"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "none"));
  fs::remove_all(dir);
}

TEST(Cli, ClaimsPrintsTenAnswersAndWritesTheirCsvForTheReport) {
  const fs::path dir = test::scratch_dir("cli_claims");
  // A subject file that is not one: exit 2 naming it, nothing written.
  std::ofstream(dir / "bad.yaml") << "height_m: tall\n";
  CliRun r = run("claims --subject " + (dir / "bad.yaml").string() + " -o " + (dir / "none").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("bad.yaml:1"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "none"));
#ifndef SPINELOAD_SANITIZED_BUILD  // the experiments take seconds in release, minutes sanitized
  r = run("claims -o " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (int n = 1; n <= 10; ++n) EXPECT_NE(r.output.find(fmt::format("\n{}. \"", n)), std::string::npos) << n;
  EXPECT_FALSE(std::regex_search(r.output, std::regex("\\s-?(nan|inf)\\s")));  // numbers never NaN
  std::ifstream csv(dir / "out" / "claims.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "claim,verdict,claim_text,experiment,answer,limits,figure,value,unit");
  r = run("report " + (dir / "out").string() + " -o " + (dir / "page" / "claims.html").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "page" / "claims-claim_1.svg"));
#endif
  fs::remove_all(dir);
}

TEST(Cli, ModelImportReportsWhatWasImported) {
  const CliRun r = run("model import " + test::source_path("tests/data/osim/leg_4x.osim") + " --report");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4.x layout"), std::string::npos);
  EXPECT_NE(r.output.find("muscles: 1"), std::string::npos);
  EXPECT_NE(r.output.find("not supported: nothing"), std::string::npos);
  EXPECT_NE(r.output.find("knee_angle"), std::string::npos);  // the --report model listing
  // Every pack model's report, including arm26 whose muscles start on ground.
  const std::string pack = test::source_path("../shared/opensim-conformance");
  if (fs::exists(pack))
    for (const char* name : {"arm26", "arm26_bounds", "SinglePin", "DoublePendulum3D"}) {
      const CliRun p = run("model import " + pack + "/" + name + ".osim --report");
      EXPECT_EQ(p.exit_code, 0) << name << p.output;
      EXPECT_NE(p.output.find("not supported: nothing"), std::string::npos) << name;
    }
  const CliRun bad = run("model import " + test::source_path("tests/data/osim/missing.osim"));
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(Cli, RunSetupWritesOpenSimResults) {
  const std::string pack = test::source_path("../shared/opensim-conformance");
  if (!fs::exists(pack)) GTEST_SKIP() << "../shared/opensim-conformance is absent";
  const fs::path dir = fresh_dir("setup");
  const CliRun r = run("run-setup " + pack + "/arm26_Setup_InverseDynamics.xml -o " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "arm26_InverseDynamics.sto"));
  fs::remove_all(dir);
}

TEST(Cli, AnalyzeAnOpenSimModelAndMotion) {
  const fs::path dir = fresh_dir("osim_motion");
  fs::create_directories(dir);
  std::string mot = "hold\nversion=1\ninDegrees=yes\nendheader\ntime\thip_flexion\tknee_angle\n";
  for (int k = 0; k <= 20; ++k) mot += std::to_string(0.05 * k) + "\t" + std::to_string(60 + k) + "\t-20\n";
  std::ofstream(dir / "hold.mot") << mot;
  const std::string model = test::source_path("tests/data/osim/leg_4x.osim");
  const CliRun r = run("analyze --model " + model + " --motion " + (dir / "hold.mot").string() + " -o " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("21 frames"), std::string::npos) << r.output;
  for (const char* f : {"leg_4x_InverseDynamics.sto", "leg_4x_JointReaction_ReactionLoads.sto",
                        "leg_4x_StaticOptimization_activation.sto", "leg_4x_StaticOptimization_force.sto"})
    EXPECT_TRUE(fs::exists(dir / "out" / f)) << f;
  // A motion needs an OpenSim model.
  EXPECT_EQ(run("analyze --motion " + (dir / "hold.mot").string()).exit_code, 2);
  fs::remove_all(dir);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kSmallCohort = R"(name: small
n: 30
seed: 3
chunk: 4
subject:
  week: {uniform: {min: 2, max: 12}}
tasks:
  - {task: carry-on-hip}
variants:
  - {name: more_lean, task: carry-on-hip, set: {lean_deg: 10}}
)";

TEST(Cli, CohortResumesFromItsFinishedChunks) {
  const fs::path dir = fresh_dir("cohort_resume");
  fs::create_directories(dir);
  std::ofstream(dir / "c.yaml") << kSmallCohort;
  const CliRun first = run("cohort " + (dir / "c.yaml").string() + " -o " + (dir / "out").string() + " --threads 2");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  const std::string full = read_file(dir / "out" / "cohort.csv");
  EXPECT_EQ(std::count(full.begin(), full.end(), '\n'), 1 + 60);
  // An interruption: two chunks and the outputs lost; one kept chunk marked so that its
  // reuse (not recomputation) shows in the result.
  fs::remove(dir / "out" / "chunks" / "chunk_3.rows");
  fs::remove(dir / "out" / "chunks" / "chunk_6.rows");
  fs::remove(dir / "out" / "cohort.csv");
  const CliRun resumed = run("cohort " + (dir / "c.yaml").string() + " -o " + (dir / "out").string() + " --resume");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(read_file(dir / "out" / "cohort.csv"), full);
  std::string chunk0 = read_file(dir / "out" / "chunks" / "chunk_0.rows");
  chunk0.replace(chunk0.find("\tok\t"), 4, "\tbeyond\t");
  std::ofstream(dir / "out" / "chunks" / "chunk_0.rows") << chunk0;
  run("cohort " + (dir / "c.yaml").string() + " -o " + (dir / "out").string() + " --resume");
  EXPECT_NE(read_file(dir / "out" / "cohort.csv").find(",beyond,"), std::string::npos);
  // Without --resume the chunks are recomputed.
  run("cohort " + (dir / "c.yaml").string() + " -o " + (dir / "out").string());
  EXPECT_EQ(read_file(dir / "out" / "cohort.csv"), full);
  fs::remove_all(dir);
}

TEST(Cli, CohortUnderMpirunWritesTheSameBytes) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun is not installed (scripts/setup.sh installs it)";
  if (run("version").output.find("MPI: yes") == std::string::npos)
    GTEST_SKIP() << "this build has no MPI (the sanitizer preset turns it off)";
  const fs::path dir = fresh_dir("cohort_mpi");
  fs::create_directories(dir);
  std::ofstream(dir / "c.yaml") << kSmallCohort;
  const std::string c = (dir / "c.yaml").string();
  EXPECT_EQ(run("cohort " + c + " -o " + (dir / "threads").string() + " --threads 2").exit_code, 0);
  // mpirun refuses root unless told; the test machine runs as root.
  const std::string mpirun =
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np ";
  for (const char* np : {"1", "2"}) {
    const std::string out = (dir / (std::string("ranks") + np)).string();
    const std::string cmd = mpirun + np + " " + SPINELOAD_CLI + " cohort " + c + " -o " + out + " --threads 1 > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    EXPECT_EQ(read_file(fs::path(out) / "cohort.csv"), read_file(dir / "threads" / "cohort.csv")) << np << " ranks";
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(Cli, AHostilePostureNameWritesOnlyInsideTheOutputFolder) {
  const fs::path dir = fresh_dir("hostile_name");
  fs::create_directories(dir / "in");
  const fs::path posture = dir / "in" / "p.yaml";
  std::ofstream(posture) << "name: \"/../../../../tmp/spineload_escape_probe\"\nsupport: standing\n";
  fs::remove(fs::temp_directory_path() / "spineload_escape_probe.json");
  const CliRun r = run("analyze " + posture.string() + " -o " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "spineload_escape_probe.json"));
  int inside = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "out")) inside += e.is_regular_file();
  EXPECT_EQ(inside, 4);  // json and three CSVs, all in out/
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(Cli, EndlessInputsAreRefusedNamingTheFile) {
  for (const char* args : {"analyze /dev/zero", "model import /dev/zero", "day /dev/zero", "cohort /dev/zero",
                           "validate --data /dev/zero"}) {
    const CliRun r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("/dev/zero: not a regular file"), std::string::npos) << args << "\n" << r.output;
  }
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

// Writes `text` to a fresh file and runs `command` with it; returns the run.
CliRun run_with_file(const std::string& stem, const std::string& text, const std::string& command_before_file,
                     const std::string& after = "") {
  const fs::path file = test::scratch_dir("cli_" + stem) / (stem + ".yaml");
  std::ofstream(file, std::ios::binary) << text;
  return run(command_before_file + " " + file.string() + " " + after);
}

TEST(Cli, EveryBadInputIsNamedWithItsFileLineAndField) {
  struct Case {
    const char* what;
    std::string text, command, expect;
  };
  const std::vector<Case> cases = {
      {"invalid UTF-8 in a name", "name: \"bad\xff\xfe\"\nsupport: standing\n", "analyze", "bad_utf8.yaml:1: field 'name': not valid UTF-8"},
      {"a set value of the wrong type", "tasks:\n  - {task: carry-in-arms, set: {infant_mass_kg: [1, 2]}}\n", "day",
       "wrong_type.yaml:2: field 'tasks[0].set.infant_mass_kg': expected text"},
      {"a set value out of range", "tasks:\n  - task: carry-in-arms\n    set: {infant_mass_kg: 99}\n", "day",
       "out_of_range.yaml:3: field 'tasks[0].set.infant_mass_kg': 99 kg is outside"},
      {"tasks that are no list", "tasks: x\n", "day", "no_list.yaml:1: field 'tasks': expected a list"},
      {"a target no posture reaches", "name: far\nsupport: standing\npredict: {hands_forward_m: 2.0, hands_height_m: 0.2}\n",
       "analyze", "unreachable.yaml:3: field 'predict.hands'"},
  };
  const char* stems[] = {"bad_utf8", "wrong_type", "out_of_range", "no_list", "unreachable"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const CliRun r = run_with_file(stems[i], cases[i].text, cases[i].command);
    EXPECT_EQ(r.exit_code, 2) << cases[i].what << "\n" << r.output;
    EXPECT_NE(r.output.find(cases[i].expect), std::string::npos) << cases[i].what << "\n" << r.output;
  }
}

TEST(Cli, ACohortKilledAtAnyPointResumesToTheSameBytes) {
  const fs::path dir = fresh_dir("cohort_kill");
  fs::create_directories(dir);
  std::ofstream(dir / "c.yaml") << "name: kill\nn: 600\nseed: 5\nchunk: 20\nsubject:\n  stage: postpartum\n"
                                   "  week: {uniform: {min: 2, max: 30}}\ntasks:\n  - {task: carry-on-hip}\n";
  const std::string cfg = (dir / "c.yaml").string();
  const CliRun reference = run("cohort " + cfg + " -o " + (dir / "ref").string());
  ASSERT_EQ(reference.exit_code, 0) << reference.output;
  const std::string expected = read_file(dir / "ref" / "cohort.csv");
  // SIGKILL (no chance to clean up) at points of the run set by its progress, not by the
  // clock: before any chunk is written, after one, after half, after all but the last.
  // Then --resume keeps the finished chunks, recomputes the rest, and gives the same bytes.
  const long chunks = 600 / 20;
  for (const long kill_after : {0L, 1L, chunks / 2, chunks - 1}) {
    const fs::path out = dir / ("out_" + std::to_string(kill_after));
    const std::string out_s = out.string();
    auto written = [&] {
      std::error_code ec;
      long n = 0;
      for (const auto& e : fs::directory_iterator(out / "chunks", ec))
        if (e.path().extension() == ".rows") ++n;
      return n;
    };
    // A busy machine may let the run finish before the poll sees the point: start again
    // (a few times) rather than test nothing.
    bool killed = false;
    for (int attempt = 0; attempt < 5 && !killed; ++attempt) {
      fs::remove_all(out);
      const char* argv[] = {SPINELOAD_CLI, "cohort", cfg.c_str(), "-o", out_s.c_str(), "--threads", "2", nullptr};
      pid_t pid = 0;
      ASSERT_EQ(posix_spawn(&pid, SPINELOAD_CLI, nullptr, nullptr, const_cast<char* const*>(argv), environ), 0);
      int status = 0;
      bool exited = false;
      while (written() < kill_after && !(exited = waitpid(pid, &status, WNOHANG) == pid))
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      if (exited) continue;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      killed = WIFSIGNALED(status);
    }
    ASSERT_TRUE(killed) << "every run finished before it could be killed after " << kill_after << " chunks";
    const long kept = written();
    EXPECT_FALSE(fs::exists(out / "cohort.csv")) << "killed after " << kept << " chunks";
    const CliRun resumed = run("cohort " + cfg + " -o " + out_s + " --resume");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_EQ(read_file(out / "cohort.csv"), expected) << "killed with " << kept << " chunks written";
  }
  // Chunks of another cohort are never mixed in: a changed file refuses to resume.
  std::ofstream(dir / "c.yaml", std::ios::app) << "  - {task: breastfeed-seated}\n";
  const CliRun changed = run("cohort " + cfg + " -o " + (dir / "out_0").string() + " --resume");
  EXPECT_EQ(changed.exit_code, 2) << changed.output;
  EXPECT_NE(changed.output.find(cfg + ": field '--resume'"), std::string::npos) << changed.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spineload
