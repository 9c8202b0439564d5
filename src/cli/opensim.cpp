// `conformance` (OpenSim's reference cases against its own results) and `run-setup` (an
// OpenSim AnalyzeTool or InverseDynamicsTool setup file).
#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "cli/common.hpp"
#include "interop/conformance.hpp"
#include "interop/setup.hpp"
#include "output/results.hpp"

namespace spineload::cli {

namespace {

struct OpenSimOptions {
  std::string conformance_dir = "../shared/opensim-conformance", setup_file;
};

int run_setup_command(const SharedOptions& shared, const OpenSimOptions& o) {
  const Setup setup = read_setup_file(o.setup_file);
  std::vector<std::string> warnings;
  const auto files = run_setup(setup, &warnings);
  for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
  std::string dir = shared.out_dir;
  if (dir.empty())
    dir = (std::filesystem::path(setup.directory) / (setup.results_directory.empty() ? "." : setup.results_directory)).string();
  write_outputs(dir, std::map<std::string, std::string>(files.begin(), files.end()));
  return 0;
}

}  // namespace

std::vector<Command> add_opensim_commands(CLI::App& app, SharedOptions& shared) {
  auto o = std::make_shared<OpenSimOptions>();
  auto* conformance = app.add_subcommand("conformance", "run OpenSim's reference cases and compare with its results");
  conformance->add_option("dir", o->conformance_dir, "folder of models, motions, setup files and std_*.sto results");
  auto* setup = app.add_subcommand("run-setup", "run an OpenSim AnalyzeTool or InverseDynamicsTool setup file");
  setup->add_option("setup", o->setup_file, "setup XML file")->required();
  setup->add_option("-o,--output", shared.out_dir, "folder for the .sto results (default: the setup's results_directory)");
  return {{conformance,
           [o] {
             const ConformanceReport report = run_conformance(o->conformance_dir);
             fmt::print("{}", format_conformance(report));
             return report.all_passed() ? 0 : 1;
           }},
          {setup, [&shared, o] { return run_setup_command(shared, *o); }}};
}

}  // namespace spineload::cli
