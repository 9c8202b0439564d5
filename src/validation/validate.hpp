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

struct ValidationReport {
  std::string data_file;
  double tolerance = 0.25;        // README of the validation data: 25 % on each ratio
  std::vector<ValidationRow> rows;
  bool ordering_matches = false;  // every pair of compared postures ranked alike
  std::vector<std::string> ordering_violations;
};

// Default location of the measured data: ../shared beside the repository.
std::string default_validation_csv();

ValidationReport run_wilke_validation(const ModelSource& source, const std::string& csv_path,
                                      const RecruitmentOptions& options);
std::string format_validation(const ValidationReport& report);

}  // namespace spineload
