#include "cli/common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "output/results.hpp"
#include "output/tables.hpp"

namespace spineload::cli {

RecruitmentOptions SharedOptions::recruitment() const {
  RecruitmentOptions r;
  r.solver = solver == "ipopt" ? SolverKind::ipopt : SolverKind::fast;
  r.objective = objective == "stress3" ? Objective::stress_cubed : Objective::activation_squared;
  return r;
}

std::shared_ptr<const ModelSource> SharedOptions::source() const {
  return model_dir.empty() ? default_model_source() : load_model_source(model_dir);
}

std::shared_ptr<const Model> SharedOptions::model() const {
  const auto s = source();
  return build_model(*s, height_m > 0 ? height_m : default_height_m(*s), mass_kg > 0 ? mass_kg : default_mass_kg(*s));
}

void add_model_options(CLI::App* app, SharedOptions& o) {
  app->add_option("--height", o.height_m, "subject height in metres (default 1.65)");
  app->add_option("--mass", o.mass_kg, "subject body mass in kilograms (default 62)");
  app->add_option("--model", o.model_dir, "folder with model.yaml and muscles.yaml (default: built-in female-adult)");
}

void add_solver_options(CLI::App* app, SharedOptions& o) {
  app->add_option("--solver", o.solver, "muscle recruitment solver")->check(CLI::IsMember({"fast", "ipopt"}));
  app->add_option("--objective", o.objective,
                  "recruitment criterion: activation2 (sum of squared activations) or stress3 (sum of cubed stresses)")
      ->check(CLI::IsMember({"activation2", "stress3"}));
}

void write_outputs(const std::string& dir, const std::map<std::string, std::string>& files) {
  write_files_atomically(dir, files);
  for (const auto& [name, _] : files) fmt::print("wrote {}/{}\n", dir, name);
}

std::string capacity_message(const Model& model, const PostureResult& r) {
  std::string msg;
  int frames = 0;
  for (const auto& f : r.frames) {
    if (f.status == RecruitmentStatus::ok) continue;
    if (f.status == RecruitmentStatus::solver_failed)
      return fmt::format("posture '{}': muscle recruitment failed at t = {:.3f} s", r.name, f.time_s);
    if (frames++ == 0) {
      msg = fmt::format("posture '{}' is beyond muscle capacity at t = {:.3f} s; reserve moments:", r.name, f.time_s) +
            reserve_list(model, f);
    }
  }
  if (frames > 1) msg += fmt::format(" (and {} more frames)", frames - 1);
  return msg;
}

Progress::Progress(std::string what, bool rate)
    : what_(std::move(what)), rate_(rate), start_(std::chrono::steady_clock::now()), last_line_(start_) {}

Progress::~Progress() {
  if (shown_) std::cerr << "\r" << std::string(70, ' ') << "\r" << std::flush;
}

void Progress::operator()(std::size_t done, std::size_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(2)) return;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::string text = "  " + what_ + " " + std::to_string(done) + "/" + std::to_string(total);
  if (rate_ && done > 0) {
    const double per_s = done / seconds;
    text += fmt::format("  {:.0f}/s  about {:.0f} s left", per_s, (total - done) / per_s);
  }
  if (isatty(STDERR_FILENO)) {
    shown_ = true;
    std::cerr << "\r" << text << std::string(text.size() < 70 ? 70 - text.size() : 0, ' ') << std::flush;
  } else if (rate_ && now - last_line_ >= std::chrono::seconds(30)) {
    last_line_ = now;
    std::cerr << text << "\n" << std::flush;
  }
}

}  // namespace spineload::cli
