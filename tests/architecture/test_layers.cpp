// The pipeline's layering, kept: every `#include "stage/..."` in src/ reaches its own stage
// or one below it in src/stages.txt (the order src/CMakeLists.txt builds its libraries in),
// never one above. The checker is tested on a small tree of its own first, so that a
// passing check on the real tree means something.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace spineload {
namespace {

namespace fs = std::filesystem;

// The stages of a stages file, bottom first (comments and blank lines skipped).
std::vector<std::string> read_stages(const fs::path& file) {
  std::vector<std::string> stages;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') stages.push_back(line.substr(0, line.find_first_of(" \t\r")));
  return stages;
}

// One line per include that reaches up, or per folder that is no stage: "file:line: why".
std::vector<std::string> layering_violations(const fs::path& src, const std::vector<std::string>& stages) {
  std::vector<std::string> found;
  auto rank = [&](const std::string& stage) {
    const auto it = std::find(stages.begin(), stages.end(), stage);
    return it == stages.end() ? -1 : static_cast<int>(it - stages.begin());
  };
  const std::regex include(R"(^\s*#\s*include\s*"([a-z_0-9]+)/)");
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".hpp" || ext == ".cpp" || ext == ".h")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const fs::path relative = fs::relative(file, src);
    const std::string stage = relative.begin()->string();
    const int own = rank(stage);
    if (own < 0) {
      found.push_back(relative.string() + ":0: folder '" + stage + "' is not a stage in the stages file");
      continue;
    }
    std::ifstream in(file);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      const int theirs = rank(m[1]);
      if (theirs > own)
        found.push_back(relative.string() + ":" + std::to_string(number) + ": stage '" + stage + "' includes '" +
                        m[1].str() + "/', a stage above it");
      else if (theirs < 0)
        found.push_back(relative.string() + ":" + std::to_string(number) + ": includes '" + m[1].str() +
                        "/', which is no stage");
    }
  }
  return found;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(Layers, TheCheckerNamesAnUpwardIncludeByFileAndLine) {
  const fs::path src = test::scratch_dir("spineload_layers");
  const std::vector<std::string> stages = {"low", "high"};
  write(src / "low/a.hpp", "#pragma once\n#include <vector>\n");
  write(src / "high/b.hpp", "#pragma once\n#include \"low/a.hpp\"\n#include \"high/c.hpp\"\n");
  EXPECT_TRUE(layering_violations(src, stages).empty());
  // The low stage reaching up, on its third line.
  write(src / "low/a.cpp", "#include \"low/a.hpp\"\n\n  #include \"high/b.hpp\"\n");
  std::vector<std::string> found = layering_violations(src, stages);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "low/a.cpp:3: stage 'low' includes 'high/', a stage above it");
  // A folder no stage owns, and an include of one.
  fs::remove(src / "low/a.cpp");
  write(src / "stray/d.cpp", "int x;\n");
  write(src / "high/e.cpp", "#include \"stray/d.hpp\"\n");
  found = layering_violations(src, stages);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], "high/e.cpp:1: includes 'stray/', which is no stage");
  EXPECT_EQ(found[1], "stray/d.cpp:0: folder 'stray' is not a stage in the stages file");
  fs::remove_all(src);
}

TEST(Layers, NoStageIncludesOneAboveIt) {
  const fs::path src = test::source_path("src");
  const std::vector<std::string> stages = read_stages(src / "stages.txt");
  ASSERT_GE(stages.size(), 10u);
  EXPECT_EQ(stages.front(), "common");
  // The front ends last: the command line and the Python module.
  EXPECT_EQ(stages[stages.size() - 2], "cli");
  EXPECT_EQ(stages.back(), "python");
  std::string report;
  for (const std::string& v : layering_violations(src, stages)) report += v + "\n";
  EXPECT_TRUE(report.empty()) << report;
}

}  // namespace
}  // namespace spineload
