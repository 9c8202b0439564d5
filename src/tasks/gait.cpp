#include "tasks/gait.hpp"

#include <yaml-cpp/yaml.h>

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>

#include "capacity/fatigue.hpp"
#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"

namespace spineload {

namespace {

const char* kFile = "tasks/gait.yaml";
constexpr double kDeg = M_PI / 180;

// A periodic curve of the stride phase phi (rad): a0 + sum_h a_h cos(h phi) + b_h sin(h phi).
struct Fourier {
  double a0 = 0;
  std::vector<double> a, b;
  double value(double phi) const {
    double y = a0;
    for (std::size_t h = 0; h < a.size(); ++h) y += a[h] * std::cos((h + 1) * phi) + b[h] * std::sin((h + 1) * phi);
    return y;
  }
  double first(double phi) const {
    double y = 0;
    for (std::size_t h = 0; h < a.size(); ++h) {
      const double k = static_cast<double>(h + 1);
      y += k * (-a[h] * std::sin(k * phi) + b[h] * std::cos(k * phi));
    }
    return y;
  }
  double second(double phi) const {
    double y = 0;
    for (std::size_t h = 0; h < a.size(); ++h) {
      const double k = static_cast<double>(h + 1);
      y -= k * k * (a[h] * std::cos(k * phi) + b[h] * std::sin(k * phi));
    }
    return y;
  }
};

// Least squares through the tabulated points (degrees in, radians out).
Fourier fit(const std::vector<double>& percent, const std::vector<double>& deg, int harmonics, const std::string& field) {
  if (deg.size() != percent.size())
    throw InputError(kFile, 0, field, fmt::format("{} values for {} phases", deg.size(), percent.size()));
  const int n = static_cast<int>(percent.size()), m = 1 + 2 * harmonics;
  Eigen::MatrixXd A(n, m);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    const double phi = 2 * M_PI * percent[i] / 100;
    A(i, 0) = 1;
    for (int h = 1; h <= harmonics; ++h) {
      A(i, 2 * h - 1) = std::cos(h * phi);
      A(i, 2 * h) = std::sin(h * phi);
    }
    y[i] = deg[i] * kDeg;
  }
  const Eigen::VectorXd c = A.colPivHouseholderQr().solve(y);
  Fourier f;
  f.a0 = c[0];
  for (int h = 1; h <= harmonics; ++h) {
    f.a.push_back(c[2 * h - 1]);
    f.b.push_back(c[2 * h]);
  }
  return f;
}

struct GaitData {
  Fourier hip, knee, ankle, tilt, list, rotation;
  double right_toe_off = 62, left_toe_off = 12;  // percent
  double flexion_against_tilt = 0.8, bending_against_list = 0.8, thorax_counter_rotation_rad = 0;
  double pelvis_rotation_amplitude_rad = 0;
  double shoulder_gain = 0, elbow_mean_rad = 0, elbow_per_shoulder = 0;
  std::vector<double> speeds_m_s, vertical_m, lateral_m;
  double energy_recovery = 0;
};

const GaitData& gait_data() {
  static const GaitData data = [] {
    const YAML::Node root = yaml::parse(std::string(embedded::gait_yaml()), kFile);
    auto list = [&](const YAML::Node& n, const std::string& field) {
      std::vector<double> v;
      for (const auto& x : n) v.push_back(yaml::as_double(x, kFile, field));
      return v;
    };
    const std::vector<double> percent = list(root["percent"], "percent");
    const int h = static_cast<int>(yaml::as_whole(root["harmonics"], kFile, "harmonics", 1, 9));
    auto curve = [&](const char* group, const char* name) {
      const std::string field = std::string(group) + "." + name;
      return fit(percent, list(root[group][name], field), h, field);
    };
    GaitData d;
    d.hip = curve("right", "hip_flexion");
    d.knee = curve("right", "knee_flexion");
    d.ankle = curve("right", "ankle_dorsiflexion");
    d.tilt = curve("pelvis", "tilt");
    d.list = curve("pelvis", "list");
    d.rotation = curve("pelvis", "rotation");
    d.right_toe_off = yaml::as_double(root["right_toe_off_percent"], kFile, "right_toe_off_percent");
    d.left_toe_off = yaml::as_double(root["left_toe_off_percent"], kFile, "left_toe_off_percent");
    d.flexion_against_tilt = yaml::as_double(root["trunk"]["flexion_against_tilt"], kFile, "trunk.flexion_against_tilt");
    d.bending_against_list = yaml::as_double(root["trunk"]["bending_against_list"], kFile, "trunk.bending_against_list");
    d.thorax_counter_rotation_rad =
        kDeg * yaml::as_double(root["trunk"]["thorax_counter_rotation_deg"], kFile, "trunk.thorax_counter_rotation_deg");
    for (double p = 0; p < 100; p += 1) d.pelvis_rotation_amplitude_rad = std::max(d.pelvis_rotation_amplitude_rad, std::abs(d.rotation.value(2 * M_PI * p / 100)));
    d.shoulder_gain = yaml::as_double(root["arms"]["shoulder_gain"], kFile, "arms.shoulder_gain");
    d.elbow_mean_rad = kDeg * yaml::as_double(root["arms"]["elbow_mean_deg"], kFile, "arms.elbow_mean_deg");
    d.elbow_per_shoulder = yaml::as_double(root["arms"]["elbow_per_shoulder"], kFile, "arms.elbow_per_shoulder");
    const YAML::Node com = root["centre_of_mass"];
    d.speeds_m_s = list(com["speeds_m_s"], "centre_of_mass.speeds_m_s");
    for (double cm : list(com["vertical_cm"], "centre_of_mass.vertical_cm")) d.vertical_m.push_back(cm / 100);
    for (double cm : list(com["lateral_cm"], "centre_of_mass.lateral_cm")) d.lateral_m.push_back(cm / 100);
    if (d.speeds_m_s.size() != 2 || d.vertical_m.size() != 2 || d.lateral_m.size() != 2)
      throw InputError(kFile, 0, "centre_of_mass", "expected two speeds with a vertical and a lateral excursion at each");
    d.energy_recovery = yaml::as_double(com["energy_recovery"], kFile, "centre_of_mass.energy_recovery");
    return d;
  }();
  return data;
}

// Linear in speed between the two tabulated speeds, held beyond them.
double at_speed(const std::vector<double>& speeds, const std::vector<double>& v, double speed) {
  const double s = std::clamp((speed - speeds[0]) / (speeds[1] - speeds[0]), 0.0, 1.0);
  return v[0] + s * (v[1] - v[0]);
}

// The spine's coordinates in a rhythm, with the rhythm's ratios rescaled to sum to one over
// them (a rhythm also moves the pelvis and hips, which walking sets itself).
std::vector<std::pair<int, double>> spinal_share(const Model& model, const char* rhythm) {
  std::vector<std::pair<int, double>> share;
  double sum = 0;
  for (const auto& [c, ratio] : model.rhythms[model.rhythm_index(rhythm)].ratios) {
    const int joint = model.coordinates[c].joint;
    if (!model.joints[joint].intervertebral) continue;
    share.emplace_back(c, ratio);
    sum += ratio;
  }
  for (auto& s : share) s.second /= sum;
  return share;
}

bool in_stance(double percent, double heel_strike, double toe_off) {
  const double since = std::fmod(percent - heel_strike + 200, 100.0);
  return since < std::fmod(toe_off - heel_strike + 200, 100.0);
}

}  // namespace

Posture walking_posture(const Model& model, const GaitParameters& gait, const std::string& name) {
  if (!(gait.speed_m_s > 0) || !(gait.cadence_steps_min > 0) || gait.frames_per_stride < 4)
    throw InputError("", 0, "walking", "speed and cadence must be positive, with at least 4 frames a stride");
  const GaitData& d = gait_data();
  const int nc = static_cast<int>(model.coordinates.size());
  const double T = gait.stride_time_s(), w = 2 * M_PI / T;  // stride phase rate
  const auto flexion = spinal_share(model, "trunk_flexion");
  const auto bending = spinal_share(model, "trunk_lateral_bending");
  const auto twisting = spinal_share(model, "trunk_axial_rotation");
  const double vertical = at_speed(d.speeds_m_s, d.vertical_m, gait.speed_m_s);
  const double lateral = at_speed(d.speeds_m_s, d.lateral_m, gait.speed_m_s);
  const double g = model.gravity_m_s2.norm();
  // v_max^2 - v_min^2 = 2 R g h with v_max,min = v +- dv: dv = R g h / (2 v).
  const double surge_m_s = d.energy_recovery * g * vertical / (2 * gait.speed_m_s);
  const double hip_mean = d.hip.a0;
  const double counter = 1 + d.thorax_counter_rotation_rad / d.pelvis_rotation_amplitude_rad;

  Posture p;
  p.name = name;
  p.description = gait.backwards ? "walking backwards, one stride" : "walking forwards, one stride";
  p.support = Support::standing;
  // Per coordinate: its value, d/dphi and d2/dphi2 at the forward stride's phase phi, each a
  // sum of scale x (curve - offset) terms. Indices resolved once, outside the frames.
  Eigen::VectorXd q(nc), dq(nc), ddq(nc);
  auto add = [&](int c, double scale, const Fourier& f, double phi, double offset = 0) {
    q[c] += scale * (f.value(phi) - offset);
    dq[c] += scale * f.first(phi);
    ddq[c] += scale * f.second(phi);
  };
  const int tilt = model.coordinate_index("pelvis_tilt"), list = model.coordinate_index("pelvis_list"),
            rotation = model.coordinate_index("pelvis_rotation");
  struct Leg {
    int hip, knee, ankle, shoulder, elbow, adduction;
    double shift, adduction_per_list;
  };
  std::vector<Leg> legs;
  for (const auto& [side, shift] : {std::pair{"r", 0.0}, {"l", M_PI}}) {
    const int adduction = model.coordinate_index(fmt::format("hip_{}_adduction", side));
    // The thighs keep their frontal-plane line as the pelvis lists: each hip adducts or
    // abducts by the list, about the same ground axis (gait.yaml, pelvis list).
    const double per_list = -model.coordinates[adduction].axis.dot(model.coordinates[list].axis);
    legs.push_back({model.coordinate_index(fmt::format("hip_{}_flexion", side)),
                    model.coordinate_index(fmt::format("knee_{}_flexion", side)),
                    model.coordinate_index(fmt::format("ankle_{}_dorsiflexion", side)),
                    model.coordinate_index(fmt::format("shoulder_{}_flexion", side)),
                    model.coordinate_index(fmt::format("elbow_{}_flexion", side)), adduction, shift, per_list});
  }
  // The angles, their d/dphi and d2/dphi2 at the forward stride's phase phi.
  auto angles = [&](double phi) {
    q.setZero();
    dq.setZero();
    ddq.setZero();
    for (const Leg& leg : legs) {
      const double a = phi + leg.shift;
      add(leg.hip, 1, d.hip, a);
      add(leg.knee, 1, d.knee, a);
      add(leg.ankle, 1, d.ankle, a);
      add(leg.adduction, leg.adduction_per_list, d.list, phi);
      // Arm swing against the same side's hip, the elbow bending as the shoulder flexes.
      const double s = -d.shoulder_gain;
      add(leg.shoulder, s, d.hip, a, hip_mean);
      q[leg.elbow] += d.elbow_mean_rad;
      add(leg.elbow, d.elbow_per_shoulder * s, d.hip, a, hip_mean);
    }
    add(tilt, 1, d.tilt, phi);
    add(list, 1, d.list, phi);
    add(rotation, 1, d.rotation, phi);
    // The lumbar spine undoes part of the pelvis's tilt and list; the thorax turns against
    // the pelvis, so the spine twists by both.
    for (const auto& [c, share] : flexion) add(c, -d.flexion_against_tilt * share, d.tilt, phi);
    for (const auto& [c, share] : bending) add(c, -d.bending_against_list * share, d.list, phi);
    for (const auto& [c, share] : twisting) add(c, -counter * share, d.rotation, phi);
  };
  // Where the whole body's centre of mass is with the pelvis's origin held still, at phase
  // phi: the legs' swing, the arms' and the pelvis's turning about its origin move it.
  Data data(model);
  auto centre_of_mass_held = [&](double phi) {
    angles(phi);
    body_poses(model, data, q);
    return centre_of_mass_m(model, data);
  };
  for (int k = 0; k < gait.frames_per_stride; ++k) {
    const double t = T * k / gait.frames_per_stride;
    // Backwards, the frame at t has the forward stride's angles at T - t.
    const double phi = gait.backwards ? std::fmod(2 * M_PI * (1 - t / T), 2 * M_PI) : w * t;
    // The centre of mass follows the published path (centre_of_mass in gait.yaml): lowest
    // and fastest at each heel strike (twice a stride), over the stance foot at mid stance
    // (once). Time reversal keeps accelerations as functions of the forward phase, so one
    // formula serves both directions.
    const Eigen::Vector3d com_acceleration(-surge_m_s * 2 * w * std::sin(2 * phi),
                                           0.5 * vertical * 4 * w * w * std::cos(2 * phi),
                                           -0.5 * lateral * w * w * std::sin(phi));
    // The pelvis's origin moves so that it does: its acceleration is the path's less what the
    // joints' motion gives the centre of mass about the origin (d2/dt2 = w^2 d2/dphi2 either
    // way; five-point differences in the phase over the Fourier curves, 1e-6 m/s^2 against
    // the joint chain's accelerations in tests/tasks). Giving the path to the origin itself,
    // as until 2026-12-04, moved the centre of mass by the path plus what the joints add.
    constexpr double h = 1e-2;
    const Eigen::Vector3d held_acceleration =
        w * w *
        (-centre_of_mass_held(phi + 2 * h) + 16 * centre_of_mass_held(phi + h) - 30 * centre_of_mass_held(phi) +
         16 * centre_of_mass_held(phi - h) - centre_of_mass_held(phi - 2 * h)) /
        (12 * h * h);
    angles(phi);
    // d/dt = dphi/dt d/dphi: +w forwards, -w backwards; the second derivative keeps its sign.
    const double rate = gait.backwards ? -w : w;
    p.time_s.push_back(t);
    p.q_rad.push_back(q);
    p.qdot_rad_s.push_back(rate * dq);
    p.qddot_rad_s2.push_back(w * w * ddq);
    p.root_acceleration_m_s2.push_back(com_acceleration - held_acceleration);
  }
  for (const auto& x : p.q_rad)
    for (int c = 0; c < nc; ++c)
      if (x[c] < model.coordinates[c].min_rad || x[c] > model.coordinates[c].max_rad)
        throw InputError("", 0, "walking", fmt::format("{} leaves its range during the stride ({:.1f} deg)",
                                                      model.coordinates[c].name, x[c] / kDeg));
  return p;
}

GaitSummary gait_summary(const Model& model, const Posture& posture, const PostureResult& result,
                         const GaitParameters& gait) {
  const GaitData& d = gait_data();
  GaitSummary s;
  s.gait = gait;
  Data data(model);
  // The feet's ground contacts by foot.
  std::map<int, std::vector<Eigen::Vector3d>> feet;
  for (const auto& pt : model.standing_support) feet[pt.body].push_back(pt.location_m);
  const int foot_r = model.body_index("foot_r"), foot_l = model.body_index("foot_l");
  const double T = gait.stride_time_s();
  const std::size_t n = result.frames.size();
  s.min_com_ahead_of_feet_m = INFINITY;
  s.max_com_ahead_of_feet_m = -INFINITY;
  for (std::size_t k = 0; k < n; ++k) {
    const FrameResult& f = result.frames[k];
    GaitFrame g;
    g.time_s = f.time_s;
    g.percent = gait.backwards ? std::fmod(100 * (1 - f.time_s / T), 100.0) : 100 * f.time_s / T;
    g.right_stance = in_stance(g.percent, 0, d.right_toe_off);
    g.left_stance = in_stance(g.percent, 50, d.left_toe_off);
    forward_kinematics(model, data, posture.q_rad[k], Eigen::VectorXd::Zero(posture.q_rad[k].size()));
    double x = 0;
    int count = 0;
    for (const auto& [body, stance] : {std::pair{foot_r, g.right_stance}, {foot_l, g.left_stance}})
      if (stance)
        for (const auto& p : feet[body]) x += world_point(data, body, p).x(), ++count;
    g.com_ahead_of_feet_m = f.balance.com_m.x() - (count ? x / count : 0.0);
    g.upper_body_com_ahead_of_hips_m = upper_body_com_ahead_of_hips_m(model, data);
    g.root_acceleration_m_s2 = posture.root_acceleration_m_s2.empty() ? Eigen::Vector3d::Zero() : posture.root_acceleration_m_s2[k];
    g.l5s1_compression_N = f.disc.front().compression_N;
    g.l5s1_shear_ap_N = f.disc.front().shear_ap_N;
    g.extensor_demand = back_extensor_demand(model, f);
    s.peak_compression_N = std::max(s.peak_compression_N, g.l5s1_compression_N);
    s.peak_shear_N = std::max(s.peak_shear_N, std::abs(g.l5s1_shear_ap_N));
    s.peak_extensor_demand = std::max(s.peak_extensor_demand, g.extensor_demand);
    s.mean_compression_N += g.l5s1_compression_N / n;
    s.mean_shear_N += std::abs(g.l5s1_shear_ap_N) / n;
    s.mean_extensor_demand += g.extensor_demand / n;
    s.mean_com_ahead_of_feet_m += g.com_ahead_of_feet_m / n;
    s.mean_upper_body_com_ahead_of_hips_m += g.upper_body_com_ahead_of_hips_m / n;
    s.min_com_ahead_of_feet_m = std::min(s.min_com_ahead_of_feet_m, g.com_ahead_of_feet_m);
    s.max_com_ahead_of_feet_m = std::max(s.max_com_ahead_of_feet_m, g.com_ahead_of_feet_m);
    s.frames.push_back(g);
  }
  return s;
}

std::string format_gait_summary(const GaitSummary& s) {
  std::string out = fmt::format(
      "walking {}: {:.2f} m/s, {:.0f} steps/min, stride {:.2f} m in {:.2f} s ({} frames)\n",
      s.gait.backwards ? "backwards" : "forwards", s.gait.speed_m_s, s.gait.cadence_steps_min, s.gait.stride_length_m(),
      s.gait.stride_time_s(), s.frames.size());
  out += fmt::format("  L5/S1 compression: peak {:.0f} N, mean {:.0f} N; antero-posterior shear: peak {:.0f} N, mean {:.0f} N\n",
                     s.peak_compression_N, s.mean_compression_N, s.peak_shear_N, s.mean_shear_N);
  out += fmt::format("  back-extensor demand: peak {:.1f} %, mean {:.1f} % of maximal\n", 100 * s.peak_extensor_demand,
                     100 * s.mean_extensor_demand);
  out += fmt::format("  centre of mass ahead of the supporting feet's centre: mean {:.1f} cm (from {:.1f} to {:.1f} cm);"
                     " upper body's ahead of the hips: mean {:.1f} cm\n",
                     100 * s.mean_com_ahead_of_feet_m, 100 * s.min_com_ahead_of_feet_m, 100 * s.max_com_ahead_of_feet_m,
                     100 * s.mean_upper_body_com_ahead_of_hips_m);
  return out;
}

std::string gait_csv(const GaitSummary& s) {
  std::string out =
      "time_s,percent_of_forward_stride,right_stance,left_stance,com_ahead_of_feet_m,upper_body_com_ahead_of_hips_m,"
      "pelvis_acceleration_forward_m_s2,pelvis_acceleration_up_m_s2,pelvis_acceleration_right_m_s2,"
      "L5_S1_compression_N,L5_S1_shear_ap_N,back_extensor_demand\n";
  for (const GaitFrame& g : s.frames)
    out += fmt::format("{:.6g},{:.6g},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}\n", g.time_s, g.percent,
                       g.right_stance ? 1 : 0, g.left_stance ? 1 : 0, g.com_ahead_of_feet_m,
                       g.upper_body_com_ahead_of_hips_m, g.root_acceleration_m_s2.x(), g.root_acceleration_m_s2.y(),
                       g.root_acceleration_m_s2.z(), g.l5s1_compression_N, g.l5s1_shear_ap_N, g.extensor_demand);
  return out;
}

}  // namespace spineload
