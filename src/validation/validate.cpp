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

namespace spineload {

namespace {

std::string embedded_text(const std::string& name) {
  for (const auto& [n, text] : embedded::validation_files())
    if (n == name) return std::string(text);
  for (const auto& [n, text] : embedded::demo_postures())
    if (n == name) return std::string(text);
  throw InputError("wilke1999.yaml", 0, "posture", "no built-in posture '" + name + "'");
}

}  // namespace

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
  const int l4l5 = [&] {
    for (std::size_t k = 0; k < model->spinal_joints.size(); ++k)
      if (model->joints[model->spinal_joints[k]].name == "L4_L5") return static_cast<int>(k);
    throw InputError("", 0, "model", "the model has no L4_L5 joint");
  }();

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
  return s + "\n";
}

}  // namespace spineload
