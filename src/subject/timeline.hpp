// A posture's loads and capacity ratios across stages of pregnancy and the postpartum year.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "analysis/analyze.hpp"
#include "subject/subject.hpp"

namespace spineload {

struct StagePoint {
  Stage stage = Stage::pregnant;
  double week = 0;
};

// Stages from `from` to `to` ("pregnant:0", "postpartum:52") every `step` ("2w" or "2"),
// passing delivery at the subject's delivery week (both "pregnant:<delivery week>" and
// "postpartum:0" are included). Throws InputError naming the option.
std::vector<StagePoint> stage_range(const std::string& from, const std::string& to, const std::string& step,
                                    double delivery_week);

struct TimelineRow {
  StagePoint point;
  SubjectState state;
  double mass_kg = 0;
  double lumbar_extension_deg = 0;  // posture adaptation applied
  PostureResult result;
};

// Runs `posture` (parsed on any model of the same family) at every stage.
// `progress(done, total)` is called after each stage when given.
std::vector<TimelineRow> run_timeline(const ModelSource& source, const SubjectData& data, const Subject& subject,
                                      const Posture& posture, const std::vector<StagePoint>& points,
                                      const RecruitmentOptions& options,
                                      const std::function<void(std::size_t, std::size_t)>& progress = {});

// Whether posture_at_stage adapts this posture for her: a given posture, adaptation on, and
// one she balances (not lying: the adaptation brings her upper body's mass centre back over
// her hips, and on a mattress there is no balance to restore).
bool adapts_posture(const Posture& posture, const Subject& subject);

// Her posture on her model at her stage, as analyze, timeline, the task runner and cohorts
// pose it: a predicted posture is solved on her body; a given one is adapted (adapt_posture,
// against her body before pregnancy) unless the subject turns the adaptation off.
// `extension_deg`: the lumbar extension added, per frame (empty when none was tried).
Posture posture_at_stage(const Model& model, const Posture& posture, const SubjectData& data, const Subject& subject,
                         std::vector<double>* extension_deg = nullptr);

std::string format_timeline(const Subject& subject, const std::string& posture_name,
                            const std::vector<TimelineRow>& rows, const Model& any_model);
std::string timeline_csv(const std::vector<TimelineRow>& rows, const Model& any_model, const std::string& subject);

}  // namespace spineload
