// spineload command line: a thin layer over the engine's libraries, one file per command
// family (cli/*.cpp). Exit codes: 0 success, 2 bad input (nothing written), 3 a numerical
// failure (nothing written), 4 the muscles cannot hold the load (results written in full,
// with the reserves and the flag), 1 otherwise.
#include <fmt/format.h>

#include <iostream>

#include "cli/common.hpp"
#include "cohort/distributed.hpp"
#include "common/errors.hpp"
#include "output/results.hpp"

int main(int argc, char** argv) {
  using namespace spineload;
  // Under mpirun, every rank runs this binary; only `cohort` shares its work between them.
  const Processes processes(&argc, &argv);
  CLI::App app{"spineload: loads on a woman's spine through pregnancy and the postpartum year.\n" +
               std::string(kMechanicsNotice)};
  app.require_subcommand(1);
  cli::SharedOptions shared;
  std::vector<cli::Command> commands;
  auto add = [&](std::vector<cli::Command> more) { commands.insert(commands.end(), more.begin(), more.end()); };
  auto* version = app.add_subcommand("version", "version and built-in features");
  commands.push_back({version, [] {
                        fmt::print("spineload {} (MPI: {})\n", SPINELOAD_VERSION, Processes::built_with_mpi() ? "yes" : "no");
                        return 0;
                      }});
  add(cli::add_analysis_commands(app, shared));
  add(cli::add_task_commands(app, shared));
  add(cli::add_model_commands(app, shared));
  add(cli::add_stage_commands(app, shared));
  add(cli::add_cohort_command(app, shared, processes));
  add(cli::add_opensim_commands(app, shared));
  add(cli::add_tool_commands(app, shared));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    for (const cli::Command& command : commands)
      if (*command.app) return command.run();
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const NumericalError& e) {
    std::cerr << "numerical error: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
