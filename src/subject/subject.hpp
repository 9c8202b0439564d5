// Stage 1b, subject: takes a subject file (who she is and when: pregnant week or weeks since
// delivery, delivery, anaesthesia, breastfeeding, bone density, calcium, trunk strength) and
// the pregnancy data file; gives her state at that stage (mass components and where they
// sit, abdominal wall, laxity, bone) and the ModelAdjustments that turn the reference model
// into her model.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/data.hpp"
#include "model/model.hpp"
#include "posture/posture.hpp"

namespace spineload {

enum class Stage { pregnant, postpartum };
enum class Delivery { vaginal, caesarean };

struct Subject {
  std::string name = "subject";
  double height_m = 1.65;
  double pre_pregnancy_mass_kg = 62;
  double age_years = 30;
  std::optional<Stage> stage;        // required for `analyze`; a timeline sets its own
  double week = 0;                   // gestational week (0-42) or weeks since delivery (0-52)
  Delivery delivery = Delivery::vaginal;
  double delivery_week = 40;         // gestational week of delivery
  std::string neuraxial = "none";    // none, epidural or spinal
  std::string puncture_level = "L3_L4";
  double neuraxial_recovery_weeks = -1;  // -1: the data file's default
  bool breastfeeding = true;
  double weaning_week = 26;          // weeks after delivery
  double months_so_far = -1;         // lactation months at her stage; -1: since delivery (timelines always derive it)
  double lumbar_bmd_g_cm2 = -1;      // -1: from t_score, else the young-adult mean
  double t_score = 0;
  double calcium_mg_per_day = -1;    // -1: not given
  double trunk_strength_factor = 1;
  bool posture_adaptation = true;
  double laxity_stiffness_reduction = -1;  // -1: the data file's default
  std::string file;                  // where she was read from (for messages)
};

// The published tables of data/subject/pregnancy.yaml.
struct SubjectData;
std::shared_ptr<const SubjectData> default_subject_data();

Subject parse_subject_text(const std::string& text, const std::string& file);
Subject load_subject_file(const std::string& path);

// The same woman at another stage (for timelines).
Subject at_stage(const Subject& subject, Stage stage, double week);

// Her state at her stage.
struct SubjectState {
  double gain_kg = 0;                                   // over pre-pregnancy mass
  std::vector<std::pair<std::string, double>> components_kg;
  double fundal_height_cm = 0;
  double inter_rectus_distance_cm = 0;
  double abdominal_capacity_factor = 1;
  double relaxin_relative = 0;                          // 1 = the week-12 peak
  double stiffness_factor = 1;
  double lactation_months = 0;
  double bmd_change_percent = 0;
  double lumbar_bmd_g_cm2 = 0;
  bool neuraxial_active = false;
  std::string stage_label;                              // "pregnant week 30"
};

SubjectState subject_state(const SubjectData& data, const Subject& subject);
ModelAdjustments subject_adjustments(const ModelSource& source, const SubjectData& data,
                                     const Subject& subject, const SubjectState& state);

// Her model before pregnancy (scaled to her, her age, no pregnancy changes): the body that
// posture adaptation restores her balance to (adapt_posture takes it from her own model's
// segments, which a test checks against this one).
std::shared_ptr<const Model> build_prepregnancy_model(const ModelSource& source, const Subject& subject,
                                                      bool still_only = false);

// Her model at her stage (reference model, scaled and adjusted); `still_only`: without the
// Simbody system (build_static_model), for still postures.
std::shared_ptr<const Model> build_subject_model(const ModelSource& source, const SubjectData& data,
                                                 const Subject& subject, bool still_only = false);

// Her static model written into a model a thread reuses (rebuild_static_model).
void rebuild_subject_model(const ModelSource& source, const SubjectData& data, const Subject& subject, Model& model);

// Whitcome's adaptation: extends the lumbar spine (by the trunk-flexion rhythm's lumbar
// ratios) until the centre of mass of head, arms and trunk is back where it is in the same
// posture without pregnancy (her segments without the masses pregnancy and lactation add,
// Body::added_mass_kg: the same as her pre-pregnancy model's, build_prepregnancy_model), up
// to the published 28 deg. Returns the posture and the extension applied (deg) per frame.
Posture adapt_posture(const Model& pregnant, const Posture& posture, const SubjectData& data,
                      std::vector<double>* extension_deg = nullptr);
// The same with her model's workspace (a cohort's threads reuse theirs).
Posture adapt_posture(const Model& pregnant, Data& pregnant_data, const Posture& posture, const SubjectData& data,
                      std::vector<double>* extension_deg = nullptr);

// Lines for reports: calcium intake against the published intakes and what trials say;
// assumptions in force (neuraxial, laxity).
std::vector<std::string> subject_notes(const SubjectData& data, const Subject& subject,
                                       const SubjectState& state);

}  // namespace spineload
