#include "subject/timeline.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "loads/disc_loads.hpp"
#include "posture/prediction.hpp"

namespace spineload {

namespace {

StagePoint parse_point(const std::string& text, const std::string& option) {
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  StagePoint p;
  if (colon == std::string::npos || (kind != "pregnant" && kind != "postpartum"))
    throw InputError("", 0, option, "expected pregnant:WEEK or postpartum:WEEK, got '" + text + "'");
  p.stage = kind == "pregnant" ? Stage::pregnant : Stage::postpartum;
  try {
    std::size_t used = 0;
    p.week = std::stod(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw InputError("", 0, option, "the week in '" + text + "' is not a number");
  }
  const double hi = p.stage == Stage::pregnant ? 42 : 52;
  if (p.week < 0 || p.week > hi)
    throw InputError("", 0, option, fmt::format("week {} is outside 0 to {} for {}", p.week, hi, kind));
  return p;
}

// Weeks since conception-dating zero, counting postpartum weeks after delivery.
double ordinal(const StagePoint& p, double delivery_week) {
  return p.stage == Stage::pregnant ? p.week : delivery_week + p.week;
}

}  // namespace

std::vector<StagePoint> stage_range(const std::string& from, const std::string& to, const std::string& step,
                                    double delivery_week) {
  const StagePoint a = parse_point(from, "--from"), b = parse_point(to, "--to");
  std::string s = step;
  if (!s.empty() && (s.back() == 'w' || s.back() == 'W')) s.pop_back();
  double dw = 0;
  try {
    dw = std::stod(s);
  } catch (const std::exception&) {
    throw InputError("", 0, "--step", "expected a number of weeks such as 2w, got '" + step + "'");
  }
  if (!(dw > 0)) throw InputError("", 0, "--step", "the step must be positive");
  if (a.stage == Stage::pregnant && a.week > delivery_week)
    throw InputError("", 0, "--from", fmt::format("week {} is after delivery at week {}", a.week, delivery_week));
  const double start = ordinal(a, delivery_week), end = ordinal(b, delivery_week);
  if (end < start) throw InputError("", 0, "--to", "the end comes before the start");
  // Times on one axis (weeks since the start of pregnancy), every step plus delivery and
  // the end; delivery appears on both sides, as the last pregnant week and postpartum 0.
  std::vector<double> times;
  for (int k = 0; start + k * dw <= end + 1e-9; ++k) times.push_back(start + k * dw);
  const bool crosses = a.stage == Stage::pregnant && b.stage == Stage::postpartum;
  if (crosses) times.push_back(delivery_week);
  times.push_back(end);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end(), [](double x, double y) { return std::abs(x - y) < 1e-9; }),
              times.end());
  std::vector<StagePoint> points;
  for (double t : times) {
    if (a.stage == Stage::pregnant && t <= delivery_week + 1e-9) points.push_back({Stage::pregnant, t});
    if (a.stage == Stage::postpartum || t > delivery_week + 1e-9 || (crosses && std::abs(t - delivery_week) < 1e-9))
      points.push_back({Stage::postpartum, std::max(0.0, t - delivery_week)});
  }
  return points;
}

std::vector<TimelineRow> run_timeline(const ModelSource& source, const SubjectData& data, const Subject& subject,
                                      const Posture& posture, const std::vector<StagePoint>& points,
                                      const RecruitmentOptions& options,
                                      const std::function<void(std::size_t, std::size_t)>& progress) {
  std::vector<TimelineRow> rows;
  for (const StagePoint& p : points) {
    TimelineRow row;
    row.point = p;
    const Subject s = at_stage(subject, p.stage, p.week);
    row.state = subject_state(data, s);
    const auto model = build_model(source, s.height_m, s.pre_pregnancy_mass_kg,
                                   subject_adjustments(source, data, s, row.state));
    row.mass_kg = model->mass_kg;
    std::vector<double> ext;
    const Posture used = posture_at_stage(*model, posture, data, s, &ext);
    row.lumbar_extension_deg = ext.empty() ? 0.0 : ext.front();
    Data d(*model);
    row.result = analyze_posture(*model, d, used, options);
    rows.push_back(std::move(row));
    if (progress) progress(rows.size(), points.size());
  }
  return rows;
}

namespace {

struct Summary {
  double l5s1 = 0, l4l5 = 0, top = 0, l5s1_risk = 0, top_risk = 0;
  std::string top_level, top_risk_level, status;
  std::string hands_cm;  // her hands ahead of L5/S1 when she holds a load; else empty
};

// How far ahead of the L5/S1 joint centre her hands hold the load (cm): the lever that the
// task's reach, her belly and her posture make together.
std::string hands_ahead_of_l5s1_cm(const Model& m, const PostureResult& r, const FrameResult& f) {
  const int hr = m.body_index("hand_r"), hl = m.body_index("hand_l");
  if (r.held_mass_kg <= 0 || hr < 0 || hl < 0 || m.spinal_joints.empty() || f.q_rad.size() != static_cast<int>(m.coordinates.size()))
    return "";
  Data d(m);
  body_poses(m, d, f.q_rad);
  const double hands_x = 0.5 * (world_point(d, hr, m.bodies[hr].com_m).x() + world_point(d, hl, m.bodies[hl].com_m).x());
  const double l5s1_x = d.pose[m.joints[m.spinal_joints.front()].child_body].translation().x();
  return fmt::format("{:.1f}", 100 * (hands_x - l5s1_x));
}

Summary summarise(const TimelineRow& row, const Model& m) {
  Summary s;
  // The frame with the highest L5/S1 compression (the only one for a static posture).
  const FrameResult* f = &row.result.frames.front();
  for (const auto& fr : row.result.frames)
    if (fr.disc.front().compression_N > f->disc.front().compression_N) f = &fr;
  s.l5s1 = f->disc[0].compression_N;
  s.l5s1_risk = f->disc[0].factor_of_risk;
  for (const auto& d : f->disc) {
    const std::string& name = m.joints[d.joint].name;
    if (name == "L4_L5") s.l4l5 = d.compression_N;
    if (d.compression_N > s.top) {
      s.top = d.compression_N;
      s.top_level = name;
    }
    // Factor of risk over the lumbar levels and T12/L1 (thoracic and cervical strengths are rough).
    if ((name[0] == 'L' || name == "T12_L1") && d.factor_of_risk > s.top_risk) {
      s.top_risk = d.factor_of_risk;
      s.top_risk_level = name;
    }
  }
  s.hands_cm = hands_ahead_of_l5s1_cm(m, row.result, *f);
  s.status = f->status == RecruitmentStatus::ok ? "ok" : f->status == RecruitmentStatus::beyond_muscle_capacity ? "BEYOND" : "FAILED";
  return s;
}

std::string stage_text(const StagePoint& p) {
  return fmt::format("{}:{:g}", p.stage == Stage::pregnant ? "pregnant" : "postpartum", p.week);
}

}  // namespace

std::string format_timeline(const Subject& subject, const std::string& posture_name, const std::vector<TimelineRow>& rows,
                            const Model& m) {
  std::string out = fmt::format("timeline of '{}' for subject {} ({:.2f} m, {:.1f} kg before pregnancy, age {:g}){}\n",
                                posture_name, subject.name, subject.height_m, subject.pre_pregnancy_mass_kg,
                                subject.age_years, subject.posture_adaptation ? "" : ", posture kept fixed");
  out += fmt::format("  {:<15} {:>7} {:>7} {:>7} {:>8} {:>8} {:>7} {:>6} {:>8} {:>7} {:>12} {:>6} {:>5} {:>5}  {}\n", "stage",
                     "mass_kg", "gain_kg", "ext_deg", "L5S1_N", "L4L5_N", "hand_cm", "NIOSH%", "L5S1_phi", "max_phi", "(level)",
                     "BMD", "abd", "stiff", "muscles");

  for (const auto& row : rows) {
    const Summary s = summarise(row, m);
    out += fmt::format("  {:<15} {:>7.1f} {:>7.1f} {:>7.1f} {:>8.0f} {:>8.0f} {:>7} {:>6.0f} {:>8.3f} {:>7.3f} {:>12} {:>6.3f} {:>5.2f} {:>5.2f}  {}{}\n",
                       stage_text(row.point), row.mass_kg, row.state.gain_kg, row.lumbar_extension_deg, s.l5s1, s.l4l5,
                       s.hands_cm.empty() ? "-" : s.hands_cm, 100 * s.l5s1 / kNioshActionLimit_N, s.l5s1_risk, s.top_risk,
                       "(" + s.top_risk_level + ")", row.state.lumbar_bmd_g_cm2, row.state.abdominal_capacity_factor, row.state.stiffness_factor,
                       s.status,
                       row.result.prediction_limits.empty()
                           ? std::string()
                           : fmt::format("  at limit: {}", fmt::join(row.result.prediction_limits, "; ")));
  }
  out += "  hand_cm: her hands ahead of the L5/S1 joint centre when she holds a load.\n";
  out += "  ext_deg: lumbar extension added by the posture adaptation (a given posture; a predicted one is solved on\n"
         "  her body, and 'at limit' names the constraints its solution meets); phi: factor of risk (compression /\n"
         "  vertebral strength); abd: abdominal muscle capacity factor; stiff: passive stiffness factor.\n";
  return out;
}

bool adapts_posture(const Posture& posture, const Subject& subject) {
  return !posture.prediction && subject.posture_adaptation && !is_lying(posture.support);
}

Posture posture_at_stage(const Model& model, const Posture& posture, const SubjectData& data, const Subject& subject,
                         std::vector<double>* extension_deg) {
  if (posture.prediction) return resolve_prediction(model, posture);
  if (!adapts_posture(posture, subject)) return posture;
  return adapt_posture(model, posture, data, extension_deg);  // with a workspace of its own
}

std::string timeline_csv(const std::vector<TimelineRow>& rows, const Model& m, const std::string& subject) {
  std::string out =
      "subject,stage,week,mass_kg,gain_kg,lumbar_extension_deg,L5_S1_compression_N,L4_L5_compression_N,highest_level,"
      "highest_compression_N,L5_S1_percent_of_NIOSH_action_limit,L5_S1_factor_of_risk,max_lumbar_factor_of_risk,"
      "max_factor_of_risk_level,lumbar_bmd_g_cm2,bmd_change_percent,lactation_months,abdominal_capacity_factor,"
      "inter_rectus_distance_cm,stiffness_factor,status,hands_ahead_of_L5S1_cm,prediction_limits\n";
  for (const auto& row : rows) {
    const Summary s = summarise(row, m);
    out += subject + "," + fmt::format("{},{:g},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{},{:.4f},{:.4f},{:.5f},{:.5f},{},{:.5f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{},{},{}\n",
                       row.point.stage == Stage::pregnant ? "pregnant" : "postpartum", row.point.week, row.mass_kg,
                       row.state.gain_kg, row.lumbar_extension_deg, s.l5s1, s.l4l5, s.top_level, s.top,
                       100 * s.l5s1 / kNioshActionLimit_N, s.l5s1_risk, s.top_risk, s.top_risk_level,
                       row.state.lumbar_bmd_g_cm2, row.state.bmd_change_percent, row.state.lactation_months,
                       row.state.abdominal_capacity_factor, row.state.inter_rectus_distance_cm,
                       row.state.stiffness_factor, s.status, s.hands_cm, fmt::join(row.result.prediction_limits, "; "));
  }
  return out;
}

}  // namespace spineload
