#include "claims/claims.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "capacity/fatigue.hpp"
#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"
#include "subject/subject_data.hpp"
#include "subject/timeline.hpp"
#include "tasks/gait.hpp"
#include "tasks/infant.hpp"
#include "tasks/task_runner.hpp"

namespace spineload {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::supported: return "supported";
    case Verdict::partly_supported: return "partly supported";
    case Verdict::not_supported: return "not supported";
    case Verdict::outside_the_model: return "outside what the model can say";
  }
  return "";
}

double ClaimAnswer::figure(const std::string& name) const {
  for (const auto& f : figures)
    if (f.name == name) return f.value;
  throw std::out_of_range("claim " + std::to_string(number) + " has no figure '" + name + "'");
}

namespace {

const char* kFile = "claims/claims.yaml";

struct ClaimsData {
  std::vector<std::string> texts;
  std::string day;
  double trained_strength_factor = 1.2;
};

ClaimsData claims_data() {
  const YAML::Node root = yaml::parse(std::string(embedded::claims_yaml()), kFile);
  ClaimsData d;
  for (const auto& c : root["claims"]) d.texts.push_back(c.as<std::string>());
  d.day = yaml::as_string(root["day"], kFile, "day");
  d.trained_strength_factor = yaml::as_double(root["trained_strength_factor"], kFile, "trained_strength_factor");
  return d;
}

// The experiments' shared means: her at a stage, a task run, a level's load.
struct Lab {
  const Subject& base;
  const RecruitmentOptions& options;
  std::shared_ptr<const ModelSource> source = default_model_source();
  std::shared_ptr<const SubjectData> data = default_subject_data();

  Subject at(Stage stage, double week) const { return at_stage(base, stage, week); }
  // Her at her own stage when the subject file gives one, else 12 weeks after birth.
  Subject her() const { return base.stage ? base : at(Stage::postpartum, 12); }
  TaskRun run(const std::string& task, const Subject& s, const std::vector<std::string>& settings = {}) const {
    return run_task(task, settings, &s, options);
  }
  // A posture file's text analysed on her model at her stage, as `analyze --subject` does.
  std::pair<std::shared_ptr<const Model>, PostureResult> pose(const std::string& yaml, const Subject& s) const {
    auto model = build_subject_model(*source, *data, s, true);
    const Posture p = posture_at_stage(*model, parse_posture_text(*model, yaml, "claims experiment"), *data, s);
    Data d(*model);
    return {model, analyze_posture(*model, d, p, options)};
  }
};

const DiscLoad& level(const Model& model, const FrameResult& f, const std::string& name) {
  for (const DiscLoad& d : f.disc)
    if (model.joints[d.joint].name == name) return d;
  throw std::out_of_range("no spinal level " + name);
}

const FrameResult& peak_frame(const PostureResult& r) { return r.frames[peak_l5s1_frame(r)]; }

// The verdict opening an answer: "Supported", "Partly supported", "Not supported", ...
std::string opening(Verdict v) {
  std::string s = verdict_name(v);
  s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}
double l5s1(const TaskRun& r) { return r.indices.l5s1_compression_N; }
double percent_change(double from, double to) { return 100 * (to - from) / from; }

// Minutes the 3CC pool holds `demand` from rest, capped at a day's 16 hours (below the
// threshold R / (F + R) it holds indefinitely).
double endurance_min(double demand) { return std::min(endurance_time_s(trunk_fatigue_parameters(), demand) / 60, 960.0); }

ClaimAnswer fetus_load(const Lab& lab) {
  ClaimAnswer a;
  a.experiment = "standing relaxed and changing a diaper (infant 5 kg, table 90 cm), before pregnancy (week 0) "
                 "and at week 40, her body growing as published (mass, uterus, breasts) and her lumbar spine "
                 "adapting to keep her upper body over her hips";
  const Subject w0 = lab.at(Stage::pregnant, 0), w40 = lab.at(Stage::pregnant, 40);
  const SubjectState s40 = subject_state(*lab.data, w40);
  const double stand0 = l5s1(lab.run("stand", w0)), stand40 = l5s1(lab.run("stand", w40));
  const double diaper0 = l5s1(lab.run("change-diaper", w0, {"infant_mass_kg=5"}));
  const double diaper40 = l5s1(lab.run("change-diaper", w40, {"infant_mass_kg=5"}));
  a.figures = {{"mass gained by week 40", s40.gain_kg, "kg"},
               {"L5/S1 compression standing, week 0", stand0, "N"},
               {"L5/S1 compression standing, week 40", stand40, "N"},
               {"standing, week 40 over week 0", stand40 / stand0, "x"},
               {"L5/S1 compression changing a diaper, week 0", diaper0, "N"},
               {"L5/S1 compression changing a diaper, week 40", diaper40, "N"},
               {"changing a diaper, week 40 over week 0", diaper40 / diaper0, "x"}};
  const double ratio = std::max(stand40 / stand0, diaper40 / diaper0);
  a.verdict = ratio >= 2 ? Verdict::supported : Verdict::not_supported;
  a.answer = fmt::format(
      "{}: at term her lower back carries {}. Standing, L5/S1 compression rises from "
      "{:.0f} N to {:.0f} N (x{:.2f}); bending over a changing table from {:.0f} N to {:.0f} N (x{:.2f}). The "
      "{:.1f} kg she gains adds its weight and, ahead of the spine, a moment the back muscles balance; the model "
      "finds no mechanism that multiplies it.",
      opening(a.verdict), ratio >= 2 ? "several times the load" : "more, not several times more", stand0, stand40,
      stand40 / stand0, diaper0, diaper40,
      diaper40 / diaper0, s40.gain_kg);
  a.limits = "Compression at L5/S1 from static optimisation; mass gain and its distribution from published "
             "averages (docs/subject.md). Pain may have other causes than load (laxity, posture held long).";
  return a;
}

ClaimAnswer centre_of_gravity(const Lab& lab) {
  ClaimAnswer a;
  a.experiment = "standing relaxed at week 40 with her posture kept as before pregnancy and with the lumbar "
                 "adaptation pregnant women show (Whitcome et al. 2007); centre of mass of the upper body over the "
                 "hips and of the whole body over the ankles, lumbar extension and L5/S1 loads";
  Subject fixed = lab.at(Stage::pregnant, 40);
  fixed.posture_adaptation = false;
  const Subject adapting = lab.at(Stage::pregnant, 40);
  const TaskRun before = lab.run("stand", lab.at(Stage::pregnant, 0));
  const TaskRun kept = lab.run("stand", fixed), adapted = lab.run("stand", adapting);
  auto centres = [](const TaskRun& r) {
    Data d(*r.model);
    const Eigen::VectorXd& q = r.result.frames[0].q_rad;
    forward_kinematics(*r.model, d, q, Eigen::VectorXd::Zero(q.size()));
    const double ankles = world_point(d, r.model->body_index("foot_r"), Eigen::Vector3d::Zero()).x();
    return std::pair{upper_body_com_ahead_of_hips_m(*r.model, d), r.result.frames[0].balance.com_m.x() - ankles};
  };
  const auto [upper0, whole0] = centres(before);
  const auto [upper_kept, whole_kept] = centres(kept);
  const auto [upper_adapted, whole_adapted] = centres(adapted);
  double extension_deg = 0;
  for (const auto& c : adapted.model->coordinates)
    if (c.name.find("_flexion") != std::string::npos && (c.name[0] == 'L' || c.name.rfind("T12", 0) == 0)) {
      const int i = adapted.model->coordinate_index(c.name);
      extension_deg += (kept.result.frames[0].q_rad[i] - adapted.result.frames[0].q_rad[i]) * 180 / M_PI;
    }
  a.figures = {{"upper body's centre of mass ahead of the hips, week 0", 100 * upper0, "cm"},
               {"the same at week 40, posture kept", 100 * upper_kept, "cm"},
               {"the same at week 40, lumbar spine adapted", 100 * upper_adapted, "cm"},
               {"whole body's centre of mass ahead of the ankles, week 0", 100 * whole0, "cm"},
               {"the same at week 40, posture kept", 100 * whole_kept, "cm"},
               {"the same at week 40, lumbar spine adapted", 100 * whole_adapted, "cm"},
               {"lumbar extension of the adaptation", extension_deg, "deg"},
               {"L5/S1 compression at week 40, posture kept", l5s1(kept), "N"},
               {"L5/S1 compression at week 40, adapted", l5s1(adapted), "N"},
               {"L5/S1 antero-posterior shear at week 40, posture kept", kept.indices.l5s1_shear_N, "N"},
               {"L5/S1 antero-posterior shear at week 40, adapted", adapted.indices.l5s1_shear_N, "N"}};
  a.verdict = Verdict::partly_supported;
  a.answer = fmt::format(
      "Partly supported. Unadapted, the abdomen would carry her upper body's centre of mass {:.1f} cm further "
      "forward ({:.1f} against {:.1f} cm) and the whole body's {:.1f} cm further ahead of the ankles. Women "
      "correct this: extending the lumbar spine by {:.1f} deg brings the upper body back ({:.1f} cm), so the "
      "centre of gravity stays over the feet (as Moore et al. 1990 measured) and the curve grows only as much as "
      "that correction. Whether the lordosis grows at all is disputed in measurements (most women flatten in "
      "Moore 1990 and Okanishi 2012).",
      100 * (upper_kept - upper0), 100 * upper_kept, 100 * upper0, 100 * (whole_kept - whole0), extension_deg,
      100 * upper_adapted);
  a.limits = "The adaptation is the model's rule (restore the upper body's centre of mass, up to 28 deg; "
             "Whitcome 2007), not a measurement of her; `posture_adaptation: false` in a subject file keeps the "
             "posture fixed.";
  return a;
}

ClaimAnswer walking_backwards(const Lab& lab) {
  ClaimAnswer a;
  a.experiment = "one stride of walking forwards (1.3 m/s, 115 steps/min) and backwards at the same speed and "
                 "cadence, and backwards at its own usual pace (0.8 m/s, 100 steps/min), before pregnancy, at "
                 "weeks 20 and 36 and 6 weeks after birth: centre of mass over the supporting feet, L5/S1 "
                 "compression and back-extensor demand over the stride";
  const std::vector<std::pair<Stage, double>> stages{
      {Stage::pregnant, 0}, {Stage::pregnant, 20}, {Stage::pregnant, 36}, {Stage::postpartum, 6}};
  double worst_com_shift_cm = 0, worst_load_change = 0, slow_change = 0;
  for (const auto& [stage, week] : stages) {
    const Subject s = lab.at(stage, week);
    const std::string when = stage == Stage::pregnant ? (week == 0 ? "before pregnancy" : fmt::format("week {:g}", week))
                                                      : fmt::format("{:g} weeks after birth", week);
    auto stride = [&](const std::string& task, const std::vector<std::string>& set) {
      const TaskRun r = lab.run(task, s, set);
      return gait_summary(*r.model, r.task.posture, r.result, *r.task.gait);
    };
    const GaitSummary fw = stride("walk", {});
    const GaitSummary bw = stride("walk-backwards", {"speed_m_s=1.3", "cadence_steps_min=115"});
    const GaitSummary slow = stride("walk-backwards", {});
    a.figures.push_back({"centre of mass ahead of the supporting feet, forwards, " + when, 100 * fw.mean_com_ahead_of_feet_m, "cm"});
    a.figures.push_back({"the same backwards, same speed, " + when, 100 * bw.mean_com_ahead_of_feet_m, "cm"});
    a.figures.push_back({"mean L5/S1 compression forwards, " + when, fw.mean_compression_N, "N"});
    a.figures.push_back({"mean L5/S1 compression backwards, same speed, " + when, bw.mean_compression_N, "N"});
    a.figures.push_back({"mean L5/S1 compression backwards, 0.8 m/s, " + when, slow.mean_compression_N, "N"});
    a.figures.push_back({"peak L5/S1 compression forwards, " + when, fw.peak_compression_N, "N"});
    a.figures.push_back({"peak L5/S1 compression backwards, same speed, " + when, bw.peak_compression_N, "N"});
    a.figures.push_back({"mean L5/S1 antero-posterior shear forwards, " + when, fw.mean_shear_N, "N"});
    a.figures.push_back({"mean L5/S1 antero-posterior shear backwards, same speed, " + when, bw.mean_shear_N, "N"});
    a.figures.push_back({"mean back-extensor demand forwards, " + when, 100 * fw.mean_extensor_demand, "%"});
    a.figures.push_back({"mean back-extensor demand backwards, same speed, " + when, 100 * bw.mean_extensor_demand, "%"});
    worst_com_shift_cm = std::max(worst_com_shift_cm, std::abs(100 * (bw.mean_com_ahead_of_feet_m - fw.mean_com_ahead_of_feet_m)));
    worst_load_change = std::max(worst_load_change, std::abs(percent_change(fw.mean_compression_N, bw.mean_compression_N)));
    if (week == 0 && stage == Stage::pregnant) slow_change = percent_change(fw.mean_compression_N, slow.mean_compression_N);
  }
  a.verdict = worst_com_shift_cm < 1 && worst_load_change < 5 ? Verdict::not_supported : Verdict::partly_supported;
  a.answer = fmt::format(
      "{}. Backward walking's joint angles are forward walking's run backwards in time (Winter 1989; Lee 2013), "
      "so over a stride her centre of mass sits where it sits walking forwards (the means {:.1f} cm apart at most) "
      "and, at the same speed, her spine meets the same loads in reverse order (mean L5/S1 compression {:.1f} % "
      "apart at most), before, during and after pregnancy: loads follow accelerations and squared rates, which "
      "running a motion backwards does not change. "
      "Walked at its usual slower pace, backwards loads the lower back {:.0f} % {} than brisk forward walking: the "
      "relief, where there is one, comes from walking slowly, not from walking backwards.",
      opening(a.verdict), worst_com_shift_cm, worst_load_change,
      std::abs(slow_change), slow_change < 0 ? "less" : "more");
  a.limits = "Kinematics from published averages, with the trunk following the pelvis; backward walkers may "
             "also lean their trunk, which the cited kinematics do not give. Muscle activity patterns of "
             "backward walking (more quadriceps, different hip work) do not reach the spine in this model.";
  return a;
}

ClaimAnswer breastfeeding_bone(const Lab& lab) {
  ClaimAnswer a;
  a.experiment = "lumbar bone density and L5/S1 vertebral strength at birth, after 6 months of breastfeeding, after "
                 "6 months without, and at a year with weaning at 6 months or still breastfeeding; the factor of "
                 "risk lifting her baby from a crib; the calcium intakes published for lactation";
  auto with = [&](double week, bool feeding, double weaning_week) {
    Subject s = lab.at(Stage::postpartum, week);
    s.breastfeeding = feeding;
    s.weaning_week = weaning_week;
    s.months_so_far = -1;
    return s;
  };
  auto strength = [&](const Subject& s) {
    return build_subject_model(*lab.source, *lab.data, s, true)->vertebral_strength_N.front();
  };
  auto bmd = [&](const Subject& s) { return subject_state(*lab.data, s).bmd_change_percent; };
  const Subject birth = with(0, true, 26), fed6 = with(26, true, 26), formula6 = with(26, false, 26);
  const Subject weaned12 = with(52, true, 26), fed12 = with(52, true, 52);
  const double s0 = strength(birth), s6 = strength(fed6), s6f = strength(formula6), s12w = strength(weaned12),
               s12 = strength(fed12);
  const TaskRun lift6 = lab.run("lift-from-crib", fed6, {"infant_mass_kg=7.5"});
  const TaskRun lift6f = lab.run("lift-from-crib", formula6, {"infant_mass_kg=7.5"});
  const bool teen = lab.base.age_years < 19;
  const SubjectData& d = *lab.data;
  a.figures = {{"lumbar density change, 6 months breastfeeding", bmd(fed6), "%"},
               {"lumbar density change, 6 months not breastfeeding", bmd(formula6), "%"},
               {"lumbar density change at 12 months, weaned at 6", bmd(weaned12), "%"},
               {"lumbar density change at 12 months, still breastfeeding", bmd(fed12), "%"},
               {"L5/S1 vertebral strength at birth", s0, "N"},
               {"L5/S1 vertebral strength, 6 months breastfeeding", s6, "N"},
               {"L5/S1 vertebral strength, 6 months not breastfeeding", s6f, "N"},
               {"L5/S1 vertebral strength at 12 months, weaned at 6", s12w, "N"},
               {"L5/S1 vertebral strength at 12 months, still breastfeeding", s12, "N"},
               {"factor of risk lifting a 7.5 kg baby from a crib, 6 months breastfeeding", lift6.indices.l5s1_fraction_of_strength, "1"},
               {"the same lift, 6 months not breastfeeding", lift6f.indices.l5s1_fraction_of_strength, "1"},
               {"calcium: estimated average requirement in lactation", teen ? d.ca_ear_teen : d.ca_ear_adult, "mg/day"},
               {"calcium: recommended intake in lactation", teen ? d.ca_rda_teen : d.ca_rda_adult, "mg/day"},
               {"calcium: tolerable upper intake", teen ? d.ca_ul_teen : d.ca_ul_adult, "mg/day"}};
  a.verdict = Verdict::partly_supported;
  a.answer = fmt::format(
      "Partly supported. Breastfeeding does draw on the spine: six months lower lumbar density by {:.1f} % and "
      "her L5/S1 strength from {:.0f} N to {:.0f} N ({:+.1f} %), so the same lift uses {:.1f} % of her strength "
      "instead of {:.1f} % without breastfeeding. It is not lasting: weaned at 6 months, she is back to {:+.1f} % "
      "by 12 months. Calcium intake does not prevent the loss, in the model or in the trials (Kalkwarf 1997: "
      "-4.2 % with 1 g a day against -4.9 % with placebo; IOM 2011 found that more calcium does not suppress it); "
      "the published intakes ({:.0f} mg a day recommended, {:.0f} mg upper limit) are for her own needs.",
      -bmd(fed6), s0, s6, percent_change(s0, s6), 100 * lift6.indices.l5s1_fraction_of_strength,
      100 * lift6f.indices.l5s1_fraction_of_strength, bmd(weaned12), teen ? d.ca_rda_teen : d.ca_rda_adult,
      teen ? d.ca_ul_teen : d.ca_ul_adult);
  a.limits = "Strength from measured vertebral failure loads scaled by density (docs/model.md); the factor of "
             "risk is a ratio of one lift's peak to the mean failure load, not a probability of fracture.";
  return a;
}

// The claims' day at 6 weeks after birth with her trunk `strength_factor` times as strong:
// its figures, and the most demanding task's name in `top_task`.
ClaimAnswer fatigue_day(const Lab& lab, const ClaimsData& cd, double strength_factor, int number,
                        std::string* top_task = nullptr) {
  ClaimAnswer a;
  Subject s = lab.at(Stage::postpartum, 6);
  s.trunk_strength_factor *= strength_factor;
  const DaySchedule day = parse_day_schedule(cd.day, kFile);
  const DayResult r = run_day(day, &s, lab.options);
  const auto top = std::max_element(r.tasks.begin(), r.tasks.end(), [](const auto& x, const auto& y) {
    return x.extensor_demand < y.extensor_demand;
  });
  a.number = number;
  if (top_task) *top_task = top->task;
  int tired_hours = 0;
  for (const DayHour& h : r.hours) tired_hours += h.capacity < 0.5 ? 1 : 0;
  a.figures = {{"time a task asked more than her back extensors had left", r.failure_s / 60, "min"},
               {"hours in which their capacity fell below half", static_cast<double>(tired_hours), "h"},
               {"lowest back-extensor capacity over the day", 100 * r.lowest_capacity, "%"},
               {"largest demand of a task (" + top->task + ")", 100 * top->extensor_demand, "%"},
               {"cumulative L5/S1 load over the day", r.cumulative_load_MNs, "MN s"}};
  return a;
}

ClaimAnswer baby_care_fatigue(const Lab& lab, const ClaimsData& cd) {
  std::string top;
  ClaimAnswer a = fatigue_day(lab, cd, 1.0, 5, &top);
  a.experiment = "a day at 6 weeks after birth: 8 feeds of 20 minutes, 10 changes, 25 lifts from the crib, 2 "
                 "hours of carrying and 20 minutes of sweeping; each task's back-extensor demand runs through the "
                 "three-compartment fatigue model (Xia & Frey-Law 2008, with rest recovery)";
  const double failing = a.figure("time a task asked more than her back extensors had left");
  const double tired = a.figure("hours in which their capacity fell below half");
  a.verdict = failing > 0 ? Verdict::supported : tired > 0 ? Verdict::partly_supported : Verdict::not_supported;
  a.answer = fmt::format(
      "{}. Over the day her back extensors spend {:.0f} minutes asked for more than they have left (the model's "
      "task failure) and fall below half their capacity in {:.0f} of its hours; the most demanding task, {}, asks "
      "{:.0f} % of her maximal extension. Long holds at a moderate demand (feeding, carrying) tire them more than "
      "the brief lifts do, and rest between tasks restores them within the hour.",
      opening(a.verdict), failing, tired, top, a.figures[3].value);
  a.limits = "Fatigue is the model's: endurance parameters fitted to trunk-extensor tests of adults, not of "
             "mothers; the tasks' postures are estimates (docs/tasks.md). The task failures are probably "
             "overstated: the extensor demand of seated feeding and carrying is higher than healthy mothers' "
             "endurance allows, a known gap in the model's trunk capacity (issue 13).";
  return a;
}

ClaimAnswer twisting(const Lab& lab) {
  ClaimAnswer a;
  a.experiment = "holding her 4-month-old (WHO median girl) in both hands with the trunk bent 20 deg, turned 0, 20 "
                 "and 40 deg (the trunk rotation rhythm: pelvis, lumbar and thoracic levels; 40 deg is as far as "
                 "the model's thoracolumbar junction turns): L5/S1 loads and the highest factor of risk";
  const Subject s = lab.her();
  const double infant = infant_mass_kg(4, InfantSex::girl);
  std::vector<std::pair<double, FrameResult>> runs;
  std::shared_ptr<const Model> model;
  for (double deg : {0.0, 20.0, 40.0}) {
    auto [m, r] = lab.pose(fmt::format("support: standing\nrhythms: {{trunk_flexion: 20, trunk_axial_rotation: {}}}\n"
                                       "coordinates: {{shoulder_r_flexion: 40, shoulder_l_flexion: 40, elbow_r_flexion: 50, "
                                       "elbow_l_flexion: 50}}\nloads:\n  - {{type: hand_mass, mass_kg: {:.3f}, hands: both}}\n",
                                       deg, infant),
                           s);
    model = m;
    runs.emplace_back(deg, r.frames.front());
  }
  for (const auto& [deg, f] : runs) {
    const DiscLoad& d = level(*model, f, "L5_S1");
    double risk = 0;
    for (const auto& x : f.disc) risk = std::max(risk, x.factor_of_risk);
    a.figures.push_back({fmt::format("L5/S1 compression, turned {:g} deg", deg), d.compression_N, "N"});
    a.figures.push_back({fmt::format("L5/S1 lateral shear, turned {:g} deg", deg), std::abs(d.shear_lateral_N), "N"});
    a.figures.push_back({fmt::format("L5/S1 torsion moment, turned {:g} deg", deg), std::abs(d.torsion_moment_Nm), "N m"});
    a.figures.push_back({fmt::format("highest factor of risk, turned {:g} deg", deg), risk, "1"});
  }
  const double c0 = runs[0].second.disc.front().compression_N, c40 = runs[2].second.disc.front().compression_N;
  const double change = percent_change(c0, c40);
  a.verdict = change > 10 ? Verdict::supported : change > 3 ? Verdict::partly_supported : Verdict::not_supported;
  a.answer = fmt::format(
      "{}. Turned 40 deg while holding her baby, L5/S1 compression goes from {:.0f} N to {:.0f} N ({:+.0f} %), "
      "with {:.0f} N of lateral shear and {:.0f} N m of torsion that the straight posture does not have: the "
      "muscles that turn the trunk also compress it, and the lumbar discs resist twisting over only a few "
      "degrees of range.",
      opening(a.verdict), c0, c40, change, std::abs(runs[2].second.disc.front().shear_lateral_N),
      std::abs(runs[2].second.disc.front().torsion_moment_Nm));
  a.limits = "Static postures; a fast twist adds inertia (a lift with lift_duration_s shows it). Disc injury "
             "under combined torsion and flexion is known from cadaver tests, not computed here.";
  return a;
}

ClaimAnswer sitting(const Lab& lab) {
  ClaimAnswer a;
  a.experiment = "seated feeding without a backrest and with a backrest and nursing pillow, against standing: "
                 "C7/T1 and L5/S1 loads, back-extensor demand and how long her extensors hold it (three-compartment "
                 "fatigue model)";
  const Subject s = lab.her();
  const TaskRun stand = lab.run("stand", s);
  const TaskRun bare = lab.run("breastfeed-seated", s);
  const TaskRun supported = lab.run("breastfeed-seated", s, {"backrest=1", "pillow=1"});
  auto neck = [](const TaskRun& r) { return level(*r.model, peak_frame(r.result), "C7_T1"); };
  a.figures = {{"C7/T1 compression standing", neck(stand).compression_N, "N"},
               {"C7/T1 compression feeding, no backrest", neck(bare).compression_N, "N"},
               {"C7/T1 compression feeding, backrest and pillow", neck(supported).compression_N, "N"},
               {"C7/T1 flexion moment standing", neck(stand).flexion_moment_Nm, "N m"},
               {"C7/T1 flexion moment feeding, no backrest", neck(bare).flexion_moment_Nm, "N m"},
               {"L5/S1 compression standing", l5s1(stand), "N"},
               {"L5/S1 compression feeding, no backrest", l5s1(bare), "N"},
               {"L5/S1 compression feeding, backrest and pillow", l5s1(supported), "N"},
               {"back-extensor demand feeding, no backrest", 100 * bare.extensor_demand, "%"},
               {"back-extensor demand feeding, backrest and pillow", 100 * supported.extensor_demand, "%"},
               {"back extensors' endurance feeding, no backrest (at most 960)", endurance_min(bare.extensor_demand), "min"},
               {"back extensors' endurance feeding, backrest and pillow (at most 960)",
                endurance_min(supported.extensor_demand), "min"}};
  const double neck_ratio = neck(bare).compression_N / neck(stand).compression_N;
  const double back_ratio = l5s1(bare) / l5s1(stand);
  a.verdict = neck_ratio > 1.2 && back_ratio > 1.2 ? Verdict::supported : Verdict::partly_supported;
  a.answer = fmt::format(
      "{}. Feeding seated with her head bowed and the baby in her arms loads C7/T1 {:.1f} times and L5/S1 {:.1f} "
      "times as much as standing, and her back extensors can hold it for {:.0f} minutes before they fail. A "
      "backrest and a nursing pillow bring L5/S1 to {:.0f} N and the endurance to {:.0f} minutes: it is the "
      "unsupported, bowed posture held long that loads her, not sitting as such.",
      opening(a.verdict), neck_ratio, back_ratio,
      a.figure("back extensors' endurance feeding, no backrest (at most 960)"), l5s1(supported),
      a.figure("back extensors' endurance feeding, backrest and pillow (at most 960)"));
  a.limits = "The neck's muscles are few in this model (docs/model.md); creep of discs and ligaments over long "
             "sitting is not modelled. The extensor demand of seated feeding is probably overstated: women feed for "
             "20-30 minutes without failing, and the model's trunk capacity is still under review (issue 13).";
  return a;
}

ClaimAnswer epidural(const Lab& lab) {
  ClaimAnswer a;
  a.experiment = "a week after birth, lifting her baby from a crib with and without the labelled neuraxial "
                 "assumption (an epidural at L3/L4: that level's stiffness and short extensors at 90 % for two weeks)";
  Subject with = lab.at(Stage::postpartum, 1), without = with;
  with.neuraxial = "epidural";
  with.puncture_level = "L3_L4";
  without.neuraxial = "none";
  const TaskRun r1 = lab.run("lift-from-crib", with, {"infant_mass_kg=4"});
  const TaskRun r0 = lab.run("lift-from-crib", without, {"infant_mass_kg=4"});
  const DiscLoad& d1 = level(*r1.model, peak_frame(r1.result), "L3_L4");
  const DiscLoad& d0 = level(*r0.model, peak_frame(r0.result), "L3_L4");
  a.figures = {{"L3/L4 extensor capacity without the assumption", d0.extensor_capacity_Nm, "N m"},
               {"L3/L4 extensor capacity with it", d1.extensor_capacity_Nm, "N m"},
               {"L3/L4 compression without", d0.compression_N, "N"},
               {"L3/L4 compression with", d1.compression_N, "N"}};
  a.verdict = Verdict::outside_the_model;
  a.answer = fmt::format(
      "Outside what a mechanical model can say. Whether the puncture injures muscle or ligament enough to hurt "
      "is not a question of load: no measurement of the back's stiffness or strength after an epidural was "
      "found, and controlled studies report no more long-term back pain after epidural analgesia. The model "
      "carries only a labelled assumption, which changes L3/L4 extensor capacity from {:.0f} to {:.0f} N m and "
      "its compression by {:.0f} N: too little to explain pain.",
      d0.extensor_capacity_Nm, d1.extensor_capacity_Nm, d1.compression_N - d0.compression_N);
  a.limits = "The assumption is [E] (data/subject/pregnancy.yaml, neuraxial); set `neuraxial` in a subject file.";
  return a;
}

ClaimAnswer exercise(const Lab& lab, const ClaimsData& cd) {
  ClaimAnswer base = fatigue_day(lab, cd, 1.0, 9);
  ClaimAnswer a = fatigue_day(lab, cd, cd.trained_strength_factor, 9);
  a.experiment = fmt::format(
      "the day of claim 5 with her trunk muscles {:.0f} % stronger (what a few months of trunk training gives "
      "untrained adults), against her as she is; and carrying her baby in her arms",
      100 * (cd.trained_strength_factor - 1));
  std::vector<ClaimFigure> figures;
  for (const auto& f : base.figures) figures.push_back({f.name + ", as she is", f.value, f.unit});
  for (const auto& f : a.figures) figures.push_back({f.name + ", trained", f.value, f.unit});
  Subject s = lab.at(Stage::postpartum, 6), trained = s;
  trained.trunk_strength_factor *= cd.trained_strength_factor;
  const TaskRun carry = lab.run("carry-in-arms", s, {"infant_mass_kg=5"});
  const TaskRun carry_trained = lab.run("carry-in-arms", trained, {"infant_mass_kg=5"});
  figures.push_back({"back-extensor demand carrying, as she is", 100 * carry.extensor_demand, "%"});
  figures.push_back({"back-extensor demand carrying, trained", 100 * carry_trained.extensor_demand, "%"});
  figures.push_back({"L5/S1 compression carrying, as she is", l5s1(carry), "N"});
  figures.push_back({"L5/S1 compression carrying, trained", l5s1(carry_trained), "N"});
  a.figures = figures;
  const double fail0 = base.figure("time a task asked more than her back extensors had left"),
               fail1 = a.figure("time a task asked more than her back extensors had left, trained");
  a.verdict = fail1 < fail0 && carry_trained.extensor_demand < carry.extensor_demand ? Verdict::supported
                                                                                     : Verdict::partly_supported;
  a.answer = fmt::format(
      "{}. A trunk {:.0f} % stronger does the same tasks at a smaller share of its maximum (carrying: {:.1f} % "
      "instead of {:.1f} %), so over the day her back extensors are asked for more than they have left for {:.0f} "
      "minutes instead of {:.0f}. The load on her spine does not fall ({:.0f} against {:.0f} N carrying): strength buys "
      "reserve and endurance, not a lighter baby.",
      opening(a.verdict), 100 * (cd.trained_strength_factor - 1),
      100 * carry_trained.extensor_demand, 100 * carry.extensor_demand, fail1, fail0, l5s1(carry_trained), l5s1(carry));
  a.limits = "Training is modelled as stronger muscles only; motor control, endurance training and pain "
             "science's findings on exercise are outside the model.";
  return a;
}

ClaimAnswer warmth() {
  ClaimAnswer a;
  a.experiment = "none: the model has no temperature";
  a.verdict = Verdict::outside_the_model;
  a.answer = "Outside what a mechanical model can say. The model's muscles, ligaments and discs have the same "
             "properties at any temperature; warmth may ease pain or stiffness through blood flow and the nervous "
             "system, which a load model does not represent. No figure here supports or refutes it.";
  a.limits = "Tissue properties are those of the body at rest at body temperature, from the cited sources.";
  return a;
}

}  // namespace

std::vector<ClaimAnswer> answer_claims(const Subject& subject, const RecruitmentOptions& options,
                                       const std::function<void(std::size_t, std::size_t)>& progress) {
  const ClaimsData cd = claims_data();
  const Lab lab{subject, options};
  std::vector<std::function<ClaimAnswer()>> experiments{
      [&] { return fetus_load(lab); },          [&] { return centre_of_gravity(lab); },
      [&] { return walking_backwards(lab); },   [&] { return breastfeeding_bone(lab); },
      [&] { return baby_care_fatigue(lab, cd); }, [&] { return twisting(lab); },
      [&] { return sitting(lab); },             [&] { return epidural(lab); },
      [&] { return exercise(lab, cd); },        [] { return warmth(); }};
  if (cd.texts.size() != experiments.size())
    throw InputError(kFile, 0, "claims", fmt::format("{} claims for {} experiments", cd.texts.size(), experiments.size()));
  std::vector<ClaimAnswer> answers;
  for (std::size_t i = 0; i < experiments.size(); ++i) {
    ClaimAnswer a = experiments[i]();
    a.number = static_cast<int>(i + 1);
    a.claim = cd.texts[i];
    for (const auto& f : a.figures)
      if (!std::isfinite(f.value)) throw std::runtime_error("claim " + std::to_string(a.number) + ": " + f.name + " is not finite");
    answers.push_back(std::move(a));
    if (progress) progress(i + 1, experiments.size());
  }
  return answers;
}

std::string format_claims(const std::vector<ClaimAnswer>& answers) {
  std::string s;
  for (const auto& a : answers) {
    s += fmt::format("{}. \"{}\"\n   experiment: {}\n", a.number, a.claim, a.experiment);
    for (const auto& f : a.figures) s += fmt::format("     {:<72} {:>10.4g} {}\n", f.name, f.value, f.unit);
    s += fmt::format("   verdict: {}\n   {}\n   limits: {}\n\n", verdict_name(a.verdict), a.answer, a.limits);
  }
  return s;
}

std::string claims_csv(const std::vector<ClaimAnswer>& answers) {
  auto quoted = [](std::string t) {
    std::replace(t.begin(), t.end(), '"', '\'');
    return "\"" + t + "\"";
  };
  std::string s = "claim,verdict,claim_text,experiment,answer,limits,figure,value,unit\n";
  for (const auto& a : answers) {
    const std::string head = fmt::format("{},{},{},{},{},{}", a.number, quoted(verdict_name(a.verdict)), quoted(a.claim),
                                         quoted(a.experiment), quoted(a.answer), quoted(a.limits));
    if (a.figures.empty()) s += head + ",,,\n";
    for (const auto& f : a.figures) s += fmt::format("{},{},{:.9g},{}\n", head, quoted(f.name), f.value, quoted(f.unit));
  }
  return s;
}

}  // namespace spineload
