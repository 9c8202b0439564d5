// OpenSim's own reference cases (../shared/opensim-conformance, third-party files read in
// place, never copied): skipped when the folder is absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "interop/conformance.hpp"
#include "interop/osim_import.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

std::string pack() { return test::source_path("../shared/opensim-conformance"); }

TEST(Conformance, InverseDynamicsAndJointReactionsMatchOpenSim) {
  if (!std::filesystem::exists(pack())) GTEST_SKIP() << "../shared/opensim-conformance is absent";
  const ConformanceReport r = run_conformance(pack());
  int id = 0, reactions = 0;
  for (const auto& row : r.rows) {
    if (row.case_name == "arm26 inverse dynamics") {
      ++id;
      EXPECT_TRUE(row.passed) << row.quantity << " " << row.max_error;
      EXPECT_EQ(row.frames, 121);
    }
    if (row.case_name.find("joint reaction") != std::string::npos) {
      ++reactions;
      EXPECT_TRUE(row.passed) << row.case_name << " " << row.quantity << " " << row.max_error;
    }
  }
  EXPECT_EQ(id, 2);
  EXPECT_EQ(reactions, 3 * 3 + 2 * 3);
}

TEST(Conformance, PackModelsImport) {
  if (!std::filesystem::exists(pack())) GTEST_SKIP() << "../shared/opensim-conformance is absent";
  for (const char* f : {"SinglePin.osim", "DoublePendulum3D.osim", "arm26.osim", "arm26_bounds.osim"}) {
    const ImportedModel im = import_osim_file(pack() + "/" + f);
    for (const auto& n : im.report.unsupported) EXPECT_FALSE(n.affects_kinematics) << f << ": " << n.name;
  }
}

}  // namespace
}  // namespace spineload
