#include "validation/validate.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <sstream>

#include "analysis/analyze.hpp"
#include "common/errors.hpp"
#include "io/csv.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"
#include "posture/prediction.hpp"
#include "tasks/task_library.hpp"

namespace spineload {

namespace {

std::string embedded_text(const std::string& name) {
  for (const auto& [n, text] : embedded::validation_files())
    if (n == name) return std::string(text);
  for (const auto& [n, text] : embedded::demo_postures())
    if (n == name) return std::string(text);
  throw InputError("wilke1999.yaml", 0, "posture", "no built-in posture '" + name + "'");
}

int l4l5_index(const Model& model) {
  for (std::size_t k = 0; k < model.spinal_joints.size(); ++k)
    if (model.joints[model.spinal_joints[k]].name == "L4_L5") return static_cast<int>(k);
  throw InputError("", 0, "model", "the model has no L4_L5 joint");
}

}  // namespace

void add_recalled_rows(ValidationReport& report, const Model& model, const std::string& rows_yaml,
                       const std::string& file, double standing_N, double standing_MPa,
                       const RecruitmentOptions& options) {
  const YAML::Node root = yaml::parse(rows_yaml, file);
  if (!root.IsMap()) throw InputError(file, yaml::line_of(root), "", "expected a map with source and rows");
  yaml::check_keys(root, {"source", "rows"}, file, "");
  report.recalled_source = yaml::as_string(yaml::require(root, "source", file, "source"), file, "source");
  report.reference_measured_MPa = standing_MPa;
  const YAML::Node rows = yaml::require(root, "rows", file, "rows");
  if (!rows.IsSequence()) throw InputError(file, yaml::line_of(rows), "rows", "expected a list of rows");
  const int l4l5 = l4l5_index(model);
  Data data(model);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const YAML::Node r = rows[i];
    const std::string field = fmt::format("rows[{}]", i);
    if (!r.IsMap()) throw InputError(file, yaml::line_of(r), field, "expected a map");
    yaml::check_keys(r, {"name", "description", "pressure_MPa", "posture", "task", "settings"}, file, field);
    RecalledRow row;
    row.name = yaml::as_string(yaml::require(r, "name", file, field), file, field + ".name");
    row.description = r["description"] ? yaml::as_string(r["description"], file, field + ".description") : "";
    const YAML::Node p = yaml::require(r, "pressure_MPa", file, field);
    if (p.IsSequence()) {
      if (p.size() != 2) throw InputError(file, yaml::line_of(p), field + ".pressure_MPa", "expected a value or [low, high]");
      row.measured_low_MPa = yaml::as_double(p[0], file, field + ".pressure_MPa[0]");
      row.measured_high_MPa = yaml::as_double(p[1], file, field + ".pressure_MPa[1]");
    } else {
      row.measured_low_MPa = row.measured_high_MPa = yaml::as_double(p, file, field + ".pressure_MPa");
    }
    if (!(row.measured_low_MPa > 0 && row.measured_low_MPa <= row.measured_high_MPa))
      throw InputError(file, yaml::line_of(p), field + ".pressure_MPa", "expected positive pressures, low before high");
    if (r["posture"].IsDefined() == r["task"].IsDefined())
      throw InputError(file, yaml::line_of(r), field, "give either a posture or a task");
    Posture posture;
    if (r["posture"]) {
      const std::string name = yaml::as_string(r["posture"], file, field + ".posture");
      row.how = name + ".yaml";
      posture = parse_posture_text(model, embedded_text(name), "validation/" + name + ".yaml");
    } else {
      const std::string task = yaml::as_string(r["task"], file, field + ".task");
      std::vector<std::string> settings;
      if (r["settings"]) {
        if (!r["settings"].IsSequence()) throw InputError(file, yaml::line_of(r["settings"]), field + ".settings", "expected a list of name=value");
        for (std::size_t k = 0; k < r["settings"].size(); ++k)
          settings.push_back(yaml::as_string(r["settings"][k], file, fmt::format("{}.settings[{}]", field, k)));
      }
      row.how = "--task " + task;
      for (const auto& s : settings) row.how += " --set " + s;
      try {
        posture = instantiate_task(model, task, settings).posture;
      } catch (const InputError& e) {  // the task's own check, placed in this file
        throw InputError(file, yaml::line_of(r), field + (r["settings"] ? ".settings" : ".task"),
                         (e.field().empty() ? "" : e.field() + ": ") + e.message());
      }
    }
    // Posed as `analyze` poses it: a posture given by its hands' target is predicted first.
    posture = resolve_prediction(model, posture);
    for (const FrameResult& f : analyze_posture(model, data, posture, options).frames) {
      row.model_L4_L5_compression_N = std::max(row.model_L4_L5_compression_N, f.disc[l4l5].compression_N);
      row.beyond_muscle_capacity |= f.status == RecruitmentStatus::beyond_muscle_capacity;
    }
    row.model_ratio = row.model_L4_L5_compression_N / standing_N;
    const double lo = row.measured_low_MPa / standing_MPa, hi = row.measured_high_MPa / standing_MPa;
    row.relative_difference = row.model_ratio < lo ? (row.model_ratio - lo) / lo : row.model_ratio > hi ? (row.model_ratio - hi) / hi : 0.0;
    report.recalled.push_back(row);
  }
}

std::string default_validation_csv() {
  for (const char* p : {"../shared/validation/wilke1999_l4l5_idp.csv", "../../shared/validation/wilke1999_l4l5_idp.csv",
                        "../../../shared/validation/wilke1999_l4l5_idp.csv"})
    if (std::filesystem::exists(p)) return p;
  return "../shared/validation/wilke1999_l4l5_idp.csv";
}

ValidationReport run_wilke_validation(const ModelSource& source, const std::string& csv_path,
                                      const RecruitmentOptions& options) {
  ValidationReport report;
  report.data_file = csv_path;
  const std::string text = yaml::read_text_file(csv_path);
  const YAML::Node setup = yaml::parse(embedded_text("wilke1999"), "validation/wilke1999.yaml");
  const auto subject = setup["subject"];
  const auto model = build_model(source, subject["height_m"].as<double>(), subject["mass_kg"].as<double>());
  Data data(*model);
  const int l4l5 = l4l5_index(*model);

  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const auto header = split_csv_line(line);
  if (header.size() < 3 || header[0] != "posture" || header[2] != "pressure_MPa")
    throw InputError(csv_path, 1, "header", "expected columns posture,description,pressure_MPa");
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto cols = split_csv_line(line);
    if (cols.size() < 3) throw InputError(csv_path, line_no, "row", "expected three columns");
    ValidationRow row;
    row.posture = cols[0];
    row.description = cols[1];
    try {
      row.measured_MPa = std::stod(cols[2]);
    } catch (const std::exception&) {
      throw InputError(csv_path, line_no, "pressure_MPa", "not a number: '" + cols[2] + "'");
    }
    const auto entry = setup["postures"][row.posture];
    if (!entry) {
      row.skipped = true;
      row.skip_reason = "no model posture is defined for it";
    } else if (entry["skip"]) {
      row.skipped = true;
      row.skip_reason = entry["skip"].as<std::string>();
    } else {
      const std::string name = entry["posture"].as<std::string>();
      const Posture posture = parse_posture_text(*model, embedded_text(name), "postures/" + name + ".yaml");
      const PostureResult r = analyze_posture(*model, data, posture, options);
      row.model_L4_L5_compression_N = r.frames.front().disc[l4l5].compression_N;
      row.model_L4_L5_pressure_MPa = r.frames.front().disc[l4l5].intradiscal_pressure_MPa;
    }
    report.rows.push_back(row);
  }
  const std::string ref = setup["reference_posture"].as<std::string>();
  const ValidationRow* reference = nullptr;
  for (const auto& r : report.rows)
    if (r.posture == ref) reference = &r;
  if (!reference || reference->skipped)
    throw InputError(csv_path, 0, "posture", "the reference posture '" + ref + "' is missing");
  const double ref_measured = reference->measured_MPa, ref_model = reference->model_L4_L5_compression_N;
  for (auto& r : report.rows) {
    r.measured_ratio = r.measured_MPa / ref_measured;
    if (r.skipped) continue;
    r.model_ratio = r.model_L4_L5_compression_N / ref_model;
    r.model_pressure_ratio = r.model_L4_L5_pressure_MPa / reference->model_L4_L5_pressure_MPa;
    r.pressure_difference = (r.model_L4_L5_pressure_MPa - r.measured_MPa) / r.measured_MPa;
    r.relative_difference = (r.model_ratio - r.measured_ratio) / r.measured_ratio;
    r.within_tolerance = std::abs(r.relative_difference) <= report.tolerance;
  }
  report.ordering_matches = true;
  for (std::size_t i = 0; i < report.rows.size(); ++i)
    for (std::size_t j = i + 1; j < report.rows.size(); ++j) {
      const auto &a = report.rows[i], &b = report.rows[j];
      if (a.skipped || b.skipped || a.measured_MPa == b.measured_MPa) continue;
      if ((a.measured_MPa < b.measured_MPa) != (a.model_ratio < b.model_ratio)) {
        report.ordering_matches = false;
        report.ordering_violations.push_back(a.posture + " vs " + b.posture);
      }
    }
  add_recalled_rows(report, *model, embedded_text("wilke1999_other_rows"), "validation/wilke1999_other_rows.yaml",
                    ref_model, ref_measured, options);
  return report;
}

std::string format_validation(const ValidationReport& report) {
  std::string s = fmt::format(
      "Validation: L4/L5 compression against in vivo intradiscal pressure (Wilke et al. 1999, Spine 24:755)\n"
      "data: {}\nmodel scaled to the volunteer (1.74 m, 70 kg); compression ratios to relaxed standing against pressure\n"
      "ratios, tolerance {:.0f}% (the verdict); the model's own pressure (swelling pressure + 1.5 x compression / disc\n"
      "area) beside the measured one, in MPa\n\n",
      report.data_file, 100 * report.tolerance);
  s += fmt::format("  {:<24} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8}  {}\n", "posture", "meas_MPa", "meas_ratio",
                   "model_N", "mod_ratio", "diff_%", "model_MPa", "MPa_d%", "verdict");
  for (const auto& r : report.rows) {
    if (r.skipped) {
      s += fmt::format("  {:<24} {:>9.2f} {:>9.2f} {:>9} {:>9} {:>8} {:>9} {:>8}  skipped: {}\n", r.posture, r.measured_MPa,
                       r.measured_ratio, "-", "-", "-", "-", "-", r.skip_reason);
      continue;
    }
    s += fmt::format("  {:<24} {:>9.2f} {:>9.2f} {:>9.0f} {:>9.2f} {:>8.1f} {:>9.2f} {:>8.1f}  {}\n", r.posture,
                     r.measured_MPa, r.measured_ratio, r.model_L4_L5_compression_N, r.model_ratio,
                     100 * r.relative_difference, r.model_L4_L5_pressure_MPa, 100 * r.pressure_difference,
                     r.within_tolerance ? "within tolerance" : "OUTSIDE tolerance");
  }
  s += fmt::format("\nordering of postures: {}", report.ordering_matches ? "matches the measurements" : "DIFFERS");
  for (const auto& v : report.ordering_violations) s += " [" + v + "]";
  s += "\n";
  if (report.recalled.empty()) return s;
  s += fmt::format(
      "\nThe study's other rows, not in the data file: their pressures are recalled, not read, so they are shown\n"
      "beside the verdict and are not part of it. Motions by their highest L4/L5 frame; a measured range by its\n"
      "nearer end.\nsource: {}\n\n",
      report.recalled_source);
  s += fmt::format("  {:<24} {:>11} {:>11} {:>9} {:>9} {:>8}  {}\n", "row", "meas_MPa", "meas_ratio", "model_N",
                   "mod_ratio", "diff_%", "how it is posed");
  const double standing_MPa = report.reference_measured_MPa;
  for (const auto& r : report.recalled) {
    const bool range = r.measured_low_MPa != r.measured_high_MPa;
    const std::string mpa = range ? fmt::format("{:.2f}-{:.2f}", r.measured_low_MPa, r.measured_high_MPa)
                                  : fmt::format("{:.2f}", r.measured_high_MPa);
    const std::string ratio = standing_MPa <= 0 ? "-"
                              : range ? fmt::format("{:.2f}-{:.2f}", r.measured_low_MPa / standing_MPa, r.measured_high_MPa / standing_MPa)
                                      : fmt::format("{:.2f}", r.measured_high_MPa / standing_MPa);
    s += fmt::format("  {:<24} {:>11} {:>11} {:>9.0f} {:>9.2f} {:>8.1f}  {}\n", r.name, mpa, ratio,
                     r.model_L4_L5_compression_N, r.model_ratio, 100 * r.relative_difference,
                     r.how + (r.beyond_muscle_capacity ? " (beyond muscle capacity: reserves)" : ""));
  }
  return s;
}

}  // namespace spineload
