// `validate` (against in vivo disc pressure), `report` (one HTML page from a folder of
// results) and `serve` (the local web server).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "cli/common.hpp"
#include "common/errors.hpp"
#include "output/results.hpp"
#include "report/report.hpp"
#include "serve/server.hpp"
#include "validation/validate.hpp"

namespace spineload::cli {

namespace {

struct ToolOptions {
  std::string data_csv, report_dir, report_out = "report.html";
  serve::ServerOptions serve;
};

int run_report(const ToolOptions& o) {
  const report::ReportOutput rep = report::build_report(o.report_dir);
  const std::filesystem::path out(o.report_out);
  if (out.extension() != ".html") throw InputError("", 0, "--output", "the report is an .html file, got '" + o.report_out + "'");
  std::map<std::string, std::string> files{{out.filename().string(), rep.html}};
  for (const auto& [name, svg] : rep.charts) files[out.stem().string() + "-" + name + ".svg"] = svg;
  write_files_atomically(out.parent_path().empty() ? "." : out.parent_path().string(), files);
  fmt::print("{}\nwrote {} ({} charts, from {} result files) and {} SVG files beside it\n", kMechanicsNotice, o.report_out,
             rep.charts.size(), rep.inputs.size(), rep.charts.size());
  return 0;
}

int run_serve(const ToolOptions& o) {
  serve::Server server(o.serve);
  server.bind();
  fmt::print("{}\n{}  (Ctrl-C to stop)\n", kMechanicsNotice, server.url());
  std::fflush(stdout);
  server.listen();
  return 0;
}

}  // namespace

std::vector<Command> add_tool_commands(CLI::App& app, SharedOptions& shared) {
  auto o = std::make_shared<ToolOptions>();
  auto* validate = app.add_subcommand("validate", "compare with in vivo L4/L5 disc pressure (Wilke 1999)");
  validate->add_option("--data", o->data_csv, "measured data CSV (default ../shared/validation/wilke1999_l4l5_idp.csv)");
  add_solver_options(validate, shared);

  auto* report = app.add_subcommand("report", "one self-contained HTML page (and an SVG per chart) from a folder of results");
  report->add_option("results", o->report_dir, "folder written by analyze, timeline, day, compare or cohort -o")->required();
  report->add_option("-o,--output", o->report_out, "the HTML file to write (charts beside it as NAME-CHART.svg)");

  auto* serve = app.add_subcommand("serve", "a local web server: the JSON API (and the viewer page)");
  serve->add_option("--host", o->serve.host, "address to listen on (default 127.0.0.1: this machine only)");
  serve->add_option("--port", o->serve.port, "port (default 8080; 0: any free port)")->check(CLI::Range(0, 65535));
  serve->add_option("--threads", o->serve.threads, "requests handled at once")->check(CLI::Range(1, 64));

  return {{validate,
           [&shared, o] {
             const auto results = run_wilke_validation(*default_model_source(),
                                                       o->data_csv.empty() ? default_validation_csv() : o->data_csv,
                                                       shared.recruitment());
             fmt::print("{}", format_validation(results));
             return 0;
           }},
          {report, [o] { return run_report(*o); }},
          {serve, [o] { return run_serve(*o); }}};
}

}  // namespace spineload::cli
