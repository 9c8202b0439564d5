#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.hpp"
#include "output/results.hpp"
#include "io/yaml_util.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(Results, CsvHasARowPerLevelAndPerMuscle) {
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(m, "name: still\n");
  const auto files = render_results(m, r, {Format::csv});
  ASSERT_TRUE(files.count("still_disc_loads.csv"));
  const std::string& levels = files.at("still_disc_loads.csv");
  EXPECT_EQ(levels.substr(0, levels.find('\n')),
            "subject,stage,time_s,level,compression_N,shear_ap_N,shear_lateral_N,flexion_moment_Nm,lateral_moment_Nm,torsion_moment_Nm,"
            "joint_flexion_moment_Nm,joint_lateral_moment_Nm,joint_torsion_moment_Nm,factor_of_risk,intradiscal_pressure_MPa");
  EXPECT_EQ(count_lines(levels), 1 + 9);
  EXPECT_EQ(count_lines(files.at("still_muscles.csv")), 1 + static_cast<int>(m.muscles.size()));
  EXPECT_FALSE(files.count("still_disc_loads.sto"));  // a single frame writes .sto only on request
}

TEST(Results, JsonCarriesTheSummaryAndTheNotice) {
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(m, "name: still\n");
  const auto j = results_json(m, r);
  EXPECT_EQ(j["notice"], kMechanicsNotice);
  const auto& s = j["frames"][0]["summary"];
  EXPECT_EQ(s["NIOSH_action_limit_N"], 3400.0);
  EXPECT_NEAR(s["L5_S1_percent_of_NIOSH_action_limit"].get<double>(),
              100 * r.frames[0].disc[0].compression_N / 3400.0, 1e-9);
  EXPECT_EQ(j["frames"][0]["levels"][0]["level"], "L5_S1");
}

TEST(Results, JsonTellsAPatchsContactsApartByTheirPoints) {
  // Lying, a segment bears over a patch of points under one label: each entry carries its
  // point on the body (the lower thorax's patch: five points).
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(m, "support: lying_supine\n");
  const auto j = results_json(m, r);
  const auto& contacts = j["frames"][0]["contacts"];
  ASSERT_EQ(contacts.size(), r.contact_labels.size());
  int on_thorax = 0;
  for (std::size_t k = 0; k < contacts.size(); ++k) {
    ASSERT_EQ(contacts[k]["point_m"].size(), 3u);
    EXPECT_NEAR(contacts[k]["point_m"][1].get<double>(), r.contact_points_m[k].y(), 1e-12);
    if (contacts[k]["support"] == "mattress under lower_thorax") ++on_thorax;
  }
  EXPECT_EQ(on_thorax, 5);
}

TEST(Results, TimeSeriesWritesOpenSimStorageFiles) {
  const Model& m = test::default_model();
  std::string yaml = "name: series\nframes:\n";
  for (int k = 0; k < 5; ++k) yaml += "  - {time_s: " + std::to_string(0.1 * k) + "}\n";
  const auto files = render_results(m, test::analyze_text(m, yaml), {Format::csv});
  ASSERT_TRUE(files.count("series_disc_loads.sto"));
  std::istringstream in(files.at("series_disc_loads.sto"));
  std::string line;
  std::vector<std::string> head;
  while (std::getline(in, line) && line != "endheader") head.push_back(line);
  EXPECT_EQ(head[0], "series_disc_loads");
  EXPECT_EQ(head[1], "version=1");
  EXPECT_EQ(head[2], "nRows=5");
  EXPECT_EQ(head[3], "nColumns=" + std::to_string(1 + 9 * 6));
  std::getline(in, line);
  EXPECT_EQ(line.substr(0, 36), "time\tL5_S1_compression_N\tL5_S1_shear");
}

TEST(Results, FilesAppearWholeAndNoPartialFileRemains) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "spineload_test_results";
  fs::remove_all(dir);
  write_files_atomically(dir.string(), {{"a.csv", "x\n1\n"}, {"b.json", "{}\n"}});
  EXPECT_TRUE(fs::exists(dir / "a.csv"));
  EXPECT_TRUE(fs::exists(dir / "b.json"));
  for (const auto& e : fs::directory_iterator(dir)) EXPECT_EQ(e.path().string().find(".partial"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Results, UnknownFormatIsRejected) {
  EXPECT_THROW(parse_formats("csv,xml"), InputError);
  EXPECT_EQ(parse_formats("csv,sto").size(), 2u);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(Results, InputNamesBecomePlainFileNames) {
  EXPECT_EQ(safe_file_stem("/../../../../tmp/x"), "_.._.._.._.._tmp_x");
  EXPECT_EQ(safe_file_stem("..\\evil"), "_._evil");
  EXPECT_EQ(safe_file_stem("lift-from-crib_2"), "lift-from-crib_2");
  EXPECT_EQ(safe_file_stem(".hidden"), "_hidden");
  EXPECT_EQ(safe_file_stem(""), "result");
  EXPECT_EQ(safe_file_stem(std::string(500, 'a')).size(), 100u);
  EXPECT_EQ(safe_file_stem("caf\xc3\xa9"), "caf__");  // bytes of a UTF-8 letter are not kept
}

TEST(Results, TheWriterRefusesAnyNameThatLeavesTheFolder) {
  namespace fs = std::filesystem;
  const fs::path dir = test::scratch_dir("writer_guard");
  for (const char* bad : {"../x.csv", "/tmp/x.csv", "a/b.csv", "..", "."}) {
    EXPECT_THROW(write_files_atomically(dir.string(), {{"ok.csv", "1\n"}, {bad, "2\n"}}), InputError) << bad;
    EXPECT_FALSE(fs::exists(dir / "ok.csv")) << bad;  // nothing at all is written
  }
  EXPECT_FALSE(fs::exists(dir.parent_path() / "x.csv"));
  fs::remove_all(dir);
}

TEST(Results, OnlyRegularFilesWithinTheSizeLimitAreRead) {
  for (const char* endless : {"/dev/zero", "/dev/urandom"}) {
    try {
      (void)yaml::read_text_file(endless);
      ADD_FAILURE() << endless;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), endless);
      EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos);
    }
  }
  EXPECT_THROW((void)yaml::read_text_file(std::filesystem::temp_directory_path().string()), InputError);
  EXPECT_EQ(yaml::kMaxInputBytes, std::uintmax_t{256} << 20);
}

}  // namespace
}  // namespace spineload
