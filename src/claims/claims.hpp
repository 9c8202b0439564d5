// Stage claims: what new mothers are told about back pain (data/claims/claims.yaml), each put
// to the model by an experiment (tasks, postures, stages, a day; what is varied), with its
// figures and a verdict in plain words. Takes a subject (her body and history; each
// experiment sets the stages it compares); gives ten answers, a terminal table and a CSV
// that `spineload report` renders.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "recruitment/recruitment.hpp"
#include "subject/subject.hpp"

namespace spineload {

enum class Verdict { supported, partly_supported, not_supported, outside_the_model };
const char* verdict_name(Verdict v);  // "supported", "partly supported", ...

struct ClaimFigure {
  std::string name;  // what was computed, in which experiment
  double value = 0;
  std::string unit;
};

struct ClaimAnswer {
  int number = 0;
  std::string claim;       // as mothers read it
  std::string experiment;  // what the model was asked
  std::vector<ClaimFigure> figures;
  Verdict verdict = Verdict::outside_the_model;
  std::string answer;      // the verdict in plain words, with the figures that carry it
  std::string limits;      // what the figures cannot say
  double figure(const std::string& name) const;  // by name; std::out_of_range when absent
};

// Runs every experiment for `subject` (her stage, if any, is replaced by each experiment's).
// `progress(done, total)` after each claim when given.
std::vector<ClaimAnswer> answer_claims(const Subject& subject, const RecruitmentOptions& options,
                                       const std::function<void(std::size_t, std::size_t)>& progress = {});

std::string format_claims(const std::vector<ClaimAnswer>& answers);
// One row per figure (a claim without figures has one row with empty figure fields):
// claim,verdict,claim_text,experiment,answer,limits,figure,value,unit.
std::string claims_csv(const std::vector<ClaimAnswer>& answers);

}  // namespace spineload
