// Validation against published in vivo measurements: L4/L5 intradiscal pressure of
// Wilke et al. 1999, compared as ratios to relaxed standing (pressure ~ compression).
#pragma once
#include <string>
#include <vector>

#include "model/model.hpp"
#include "recruitment/recruitment.hpp"

namespace spineload {

struct ValidationRow {
  std::string posture;
  std::string description;
  double measured_MPa = 0;
  double measured_ratio = 0;
  bool skipped = false;
  std::string skip_reason;
  double model_L4_L5_compression_N = 0;
  double model_L4_L5_pressure_MPa = 0;  // the model's intradiscal pressure (swelling + factor x stress)
  double model_ratio = 0;               // of compressions, as the data's README compares them
  double model_pressure_ratio = 0;      // of the model's pressures, swelling pressure included
  double pressure_difference = 0;       // (model MPa - measured MPa) / measured MPa
  double relative_difference = 0;  // (model - measured) / measured, of the ratios
  bool within_tolerance = false;
};

// One of the study's rows that the shared data does not hold (data/validation/
// wilke1999_other_rows.yaml): its pressure recalled, not read, so it is shown beside the
// verdict and never part of it. A motion is compared by its highest L4/L5 compression, a
// measured range by the end nearer the model.
struct RecalledRow {
  std::string name;
  std::string description;
  std::string how;                   // the posture file, or the task and its settings
  double measured_low_MPa = 0;       // equal to measured_high_MPa for a single value
  double measured_high_MPa = 0;
  double model_L4_L5_compression_N = 0;
  double model_ratio = 0;
  double relative_difference = 0;    // to the nearer end of the measured ratios; 0 within them
  bool beyond_muscle_capacity = false;  // some frame needed reserves
};

struct ValidationReport {
  std::string data_file;
  double tolerance = 0.25;        // README of the validation data: 25 % on each ratio
  std::vector<ValidationRow> rows;
  bool ordering_matches = false;  // every pair of compared postures ranked alike
  std::vector<std::string> ordering_violations;
  double reference_measured_MPa = 0;  // the reference posture's measured pressure (the recalled rows' ratios)
  std::string recalled_source;    // where the recalled rows' pressures come from
  std::vector<RecalledRow> recalled;
};

// Default location of the measured data: ../shared beside the repository.
std::string default_validation_csv();

ValidationReport run_wilke_validation(const ModelSource& source, const std::string& csv_path,
                                      const RecruitmentOptions& options);

// The recalled rows of `rows_yaml` (text of a file named `file`) on `model`, as ratios to
// `standing_N` (the model's relaxed standing) and `standing_MPa` (the measured one).
void add_recalled_rows(ValidationReport& report, const Model& model, const std::string& rows_yaml,
                       const std::string& file, double standing_N, double standing_MPa,
                       const RecruitmentOptions& options);
std::string format_validation(const ValidationReport& report);

}  // namespace spineload
