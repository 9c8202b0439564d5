#include "output/tables.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <numbers>

#include "loads/disc_loads.hpp"

namespace spineload {

namespace {
constexpr double kRadToDeg = 180.0 / std::numbers::pi;

// Rounds for display without printing "-0".
double shown(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale + 0.0;
}

std::string frame_report(const Model& model, const PostureResult& r, const FrameResult& f) {
  std::string s;
  s += fmt::format("  {:<7} {:>13} {:>11} {:>12} {:>10} {:>10} {:>11} {:>7} {:>8}\n", "level", "compression_N",
                   "shear_ap_N", "shear_lat_N", "flex_Nm", "lat_Nm", "torsion_Nm", "risk", "IDP_MPa");
  for (auto it = f.disc.rbegin(); it != f.disc.rend(); ++it)
    s += fmt::format("  {:<7} {:>13.0f} {:>11.0f} {:>12.0f} {:>10.1f} {:>10.1f} {:>11.1f} {:>7.2f} {:>8}\n",
                     model.joints[it->joint].name, shown(it->compression_N, 0), shown(it->shear_ap_N, 0),
                     shown(it->shear_lateral_N, 0), shown(it->flexion_moment_Nm, 1),
                     shown(it->lateral_moment_Nm, 1), shown(it->torsion_moment_Nm, 1), shown(it->factor_of_risk, 2),
                     it->intradiscal_pressure_MPa > 0 ? fmt::format("{:.2f}", it->intradiscal_pressure_MPa) : "-");
  // Muscle forces as right/left pairs, only those carrying load.
  s += "  (risk: factor of risk, compression / vertebral compressive strength; IDP: intradiscal pressure)\n";
  s += fmt::format("  {:<14} {:>9} {:>9}   (muscle forces, N; others zero)\n", "muscle", "right", "left");
  std::map<std::string, std::pair<double, double>> pairs;
  std::vector<std::string> order;
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    std::string base = model.muscles[m].name;
    const bool left = base.size() > 2 && base.compare(base.size() - 2, 2, "_l") == 0;
    if (base.size() > 2 && (left || base.compare(base.size() - 2, 2, "_r") == 0)) base.resize(base.size() - 2);
    if (!pairs.count(base)) order.push_back(base);
    (left ? pairs[base].second : pairs[base].first) += f.force_N[m];
  }
  for (const auto& base : order) {
    const auto [right, left] = pairs[base];
    if (right >= 0.5 || left >= 0.5) s += fmt::format("  {:<14} {:>9.0f} {:>9.0f}\n", base, right, left);
  }
  const DiscLoad* top = &f.disc.front();
  for (const auto& d : f.disc)
    if (d.compression_N > top->compression_N) top = &d;
  const DiscLoad& l5s1 = f.disc.front();
  s += fmt::format("  summary: highest compression {} {:.0f} N; L5/S1 compression {:.0f} N = {:.0f}% of the "
                   "NIOSH action limit ({:.0f} N)",
                   model.joints[top->joint].name, top->compression_N, l5s1.compression_N,
                   100 * l5s1.compression_N / kNioshActionLimit_N, kNioshActionLimit_N);
  // A support's points under one label (a patch, both sides of a symmetric contact), summed.
  for (int k = 0; k < f.contact_force_N.size(); ++k) {
    bool seen = false;
    for (int j = 0; j < k && !seen; ++j) seen = r.contact_labels[j] == r.contact_labels[k];
    if (seen) continue;
    double sum_N = 0;
    for (int j = k; j < f.contact_force_N.size(); ++j)
      if (r.contact_labels[j] == r.contact_labels[k]) sum_N += f.contact_force_N[j];
    s += fmt::format("; {} {:.0f} N", r.contact_labels[k], sum_N);
  }
  {
    // The arms' hardest-working joint torque, as 3DSSPP's strength percentages put it.
    const auto torques = joint_torques(model, f);
    const JointTorque* hardest = nullptr;
    for (const JointTorque& t : torques)
      if (!hardest || t.share() > hardest->share()) hardest = &t;
    if (hardest && hardest->strength_Nm > 0)
      s += fmt::format("; hardest arm joint {} {:.1f} N m ({:.0f}% of her strength)",
                       model.coordinates[hardest->coordinate].name, hardest->torque_Nm, 100 * hardest->share());
  }
  if (model.abdominal_pressure_muscle >= 0) {
    const double kPa = intra_abdominal_pressure_kPa(model, f);
    s += fmt::format("; intra-abdominal pressure {:.1f} kPa ({:.0f} mmHg)", kPa, kPa * kMmHgPerKPa);
  }
  s += fmt::format("; centre of mass {} the base of support ({:+.3f} m)",
                   f.balance.com_over_support ? "over" : "NOT over", f.balance.margin_m);
  if (f.status == RecruitmentStatus::beyond_muscle_capacity) {
    s += "; BEYOND MUSCLE CAPACITY, reserve moments:" + reserve_list(model, f);
  } else if (f.status == RecruitmentStatus::solver_failed) {
    s += "; muscle recruitment FAILED (no muscle forces)";
  } else {
    int largest = -1;
    for (int k = 0; k < f.reserve_Nm.size(); ++k)
      if (largest < 0 || std::abs(f.reserve_Nm[k]) > std::abs(f.reserve_Nm[largest])) largest = k;
    if (largest >= 0 && std::abs(f.reserve_Nm[largest]) > 0.05) {
      const int c = model.equilibrium_coordinates[largest];
      s += fmt::format("; muscles hold the load (largest reserve {:.1f} N m at {}, {:.0f}% of its net moment)",
                       std::abs(f.reserve_Nm[largest]), model.coordinates[c].name,
                       100 * std::abs(f.reserve_Nm[largest]) / std::max(1e-9, std::abs(f.tau_Nm[c])));
    } else {
      s += "; muscles hold the load";
    }
  }
  return s + "\n";
}

}  // namespace

std::string reserve_list(const Model& model, const FrameResult& f) {
  std::string s;
  for (std::size_t k = 0; k < model.equilibrium_coordinates.size(); ++k)
    if (std::abs(f.reserve_Nm[k]) > 0.05)
      s += fmt::format(" {} {:.1f} N m", model.coordinates[model.equilibrium_coordinates[k]].name, f.reserve_Nm[k]);
  return s;
}

std::string format_posture_report(const Model& model, const PostureResult& result) {
  std::string s = fmt::format("== {}: {}\n", result.name, result.description);
  if (result.frames.size() == 1) return s + frame_report(model, result, result.frames.front());
  // A series: the frame with the highest L5/S1 compression.
  const std::size_t peak = peak_l5s1_frame(result);
  s += fmt::format("  {} frames from {:.3f} to {:.3f} s; peak L5/S1 compression at t = {:.3f} s:\n",
                   result.frames.size(), result.frames.front().time_s, result.frames.back().time_s,
                   result.frames[peak].time_s);
  return s + frame_report(model, result, result.frames[peak]);
}

std::string format_model_info(const Model& model) {
  std::string s = fmt::format("model {}: height {:.3f} m, mass {:.1f} kg\n", model.name, model.height_m, model.mass_kg);
  s += fmt::format("\nbodies ({}):\n  {:<14} {:>9} {:>24} {:>26}\n", model.bodies.size(), "name", "mass_kg",
                   "com_m (body frame)", "inertia_kg_m2 (about COM)");
  for (const auto& b : model.bodies)
    s += fmt::format("  {:<14} {:>9.3f}   [{:6.3f} {:6.3f} {:6.3f}]   [{:.4f} {:.4f} {:.4f}]\n", b.name, b.mass_kg,
                     b.com_m.x(), b.com_m.y(), b.com_m.z(), b.inertia_kg_m2.x(), b.inertia_kg_m2.y(),
                     b.inertia_kg_m2.z());
  s += fmt::format("\ncoordinates ({}):\n  {:<24} {:<14} {:>20} {:>22}\n", model.coordinates.size(), "name",
                   "joint", "range", "stiffness_Nm_per_deg(+/-)");
  for (const auto& c : model.coordinates) {
    // A translational coordinate's range is a length (imported models' pelvis_tx...).
    const std::string range = c.translational ? fmt::format("{:.3g} to {:.3g} m", c.min_rad, c.max_rad)
                                              : fmt::format("{:.0f} to {:.0f} deg", c.min_rad * kRadToDeg, c.max_rad * kRadToDeg);
    s += fmt::format("  {:<24} {:<14} {:>20} {:>12.2f} / {:.2f}\n", c.name, model.joints[c.joint].name, range,
                     c.stiffness.positive_Nm_per_rad / kRadToDeg, c.stiffness.negative_Nm_per_rad / kRadToDeg);
  }
  s += fmt::format("\nrhythms ({}):\n", model.rhythms.size());
  for (const auto& r : model.rhythms) {
    s += fmt::format("  {:<22} range {:.0f} to {:.0f} deg:", r.name, r.min_rad * kRadToDeg, r.max_rad * kRadToDeg);
    for (const auto& [c, ratio] : r.ratios) s += fmt::format(" {} {:.3f}", model.coordinates[c].name, ratio);
    s += "\n";
  }
  s += fmt::format("\nmuscles ({}):\n  {:<16} {:<20} {:>10} {:>12}  path (bodies)\n", model.muscles.size(), "name",
                   "group", "pcsa_cm2", "max_force_N");
  for (const auto& m : model.muscles) {
    s += fmt::format("  {:<16} {:<20} {:>10.2f} {:>12.0f} ", m.name, m.group, m.pcsa_m2 * 1e4, m.max_force_N());
    for (std::size_t k = 0; k < m.path.size(); ++k)
      s += (k ? " > " : " ") + (m.path[k].body < 0 ? std::string("ground") : model.bodies[m.path[k].body].name);
    s += "\n";
  }
  s += "\nintervertebral joints (loads reported in the disc mid-plane frame):";
  for (int j : model.spinal_joints)
    s += fmt::format(" {}({:.1f} deg)", model.joints[j].name, model.joints[j].disc_tilt_rad * kRadToDeg);
  return s + "\n";
}

}  // namespace spineload
