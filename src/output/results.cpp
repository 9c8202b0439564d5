#include "output/results.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "common/errors.hpp"
#include "loads/disc_loads.hpp"

namespace spineload {

const char* status_name(RecruitmentStatus s) {
  switch (s) {
    case RecruitmentStatus::ok: return "ok";
    case RecruitmentStatus::beyond_muscle_capacity: return "beyond_muscle_capacity";
    case RecruitmentStatus::solver_failed: return "solver_failed";
  }
  return "unknown";
}

namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;

std::string num(double v) { return fmt::format("{:.6g}", v); }

std::string sto(const std::string& name, const std::vector<std::string>& columns,
                const std::vector<std::vector<double>>& rows) {
  std::string s = fmt::format("{}\nversion=1\nnRows={}\nnColumns={}\ninDegrees=no\nendheader\n", name,
                              rows.size(), columns.size() + 1);
  s += "time";
  for (const auto& c : columns) s.append("\t").append(c);
  s += "\n";
  for (const auto& row : rows) {
    s += num(row[0]);
    for (std::size_t i = 1; i < row.size(); ++i) s.append("\t").append(num(row[i]));
    s += "\n";
  }
  return s;
}

}  // namespace

std::set<Format> parse_formats(const std::string& list) {
  std::set<Format> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "csv") out.insert(Format::csv);
    else if (item == "json") out.insert(Format::json);
    else if (item == "sto") out.insert(Format::sto);
    else throw InputError("", 0, "--format", "unknown format '" + item + "' (expected csv, json, sto)");
  }
  if (out.empty()) throw InputError("", 0, "--format", "no format given");
  return out;
}

nlohmann::json results_json(const Model& model, const PostureResult& r) {
  using nlohmann::json;
  json j;
  j["notice"] = kMechanicsNotice;
  j["posture"] = {{"name", r.name}, {"description", r.description},
                  {"support", support_name(r.support)},
                  {"held_mass_kg", r.held_mass_kg}};
  j["model"] = {{"name", model.name}, {"height_m", model.height_m}, {"mass_kg", model.mass_kg},
                {"age_years", model.age_years}, {"lumbar_bmd_g_cm2", model.lumbar_bmd_g_cm2}};
  j["notes"] = r.notes;
  j["prediction_limits"] = r.prediction_limits;
  j["subject"] = {{"name", r.subject}, {"stage", r.stage}};
  j["units"] = {{"force", "N"}, {"moment", "N m"}, {"angle", "deg"}, {"length", "m"}};
  json frames = json::array();
  for (const auto& f : r.frames) {
    json fr;
    fr["time_s"] = f.time_s;
    fr["status"] = status_name(f.status);
    json levels = json::array();
    for (const auto& d : f.disc)
      levels.push_back({{"level", model.joints[d.joint].name},
                        {"compression_N", d.compression_N},
                        {"shear_ap_N", d.shear_ap_N},
                        {"shear_lateral_N", d.shear_lateral_N},
                        {"flexion_moment_Nm", d.flexion_moment_Nm},
                        {"lateral_moment_Nm", d.lateral_moment_Nm},
                        {"torsion_moment_Nm", d.torsion_moment_Nm},
                        {"joint_flexion_moment_Nm", d.joint_flexion_moment_Nm},
                        {"joint_lateral_moment_Nm", d.joint_lateral_moment_Nm},
                        {"joint_torsion_moment_Nm", d.joint_torsion_moment_Nm},
                        {"vertebral_strength_N", model.vertebral_strength_N[&d - f.disc.data()]},
                        {"vertebral_strength_p5_N", model.vertebral_strength_p5_N[&d - f.disc.data()]},
                        {"factor_of_risk", d.factor_of_risk},
                        {"intradiscal_pressure_MPa", d.intradiscal_pressure_MPa},
                        {"muscle_flexion_moment_Nm", d.muscle_flexion_moment_Nm},
                        {"extensor_capacity_Nm", d.extensor_capacity_Nm}});
    fr["levels"] = levels;
    json muscles = json::array();
    for (std::size_t m = 0; m < model.muscles.size(); ++m)
      muscles.push_back({{"name", model.muscles[m].name}, {"group", model.muscles[m].group},
                         {"force_N", f.force_N[m]}, {"activation", f.activation[m]},
                         {"passive_force_N", f.muscle_passive_force_N.size() ? f.muscle_passive_force_N[m] : 0.0},
                         {"max_force_N", model.muscles[m].max_force_N()}});
    fr["muscles"] = muscles;
    json tissues = json::array();
    for (std::size_t e = 0; e < model.passive_elements.size(); ++e)
      tissues.push_back({{"name", model.passive_elements[e].name}, {"group", model.passive_elements[e].group},
                         {"force_N", f.passive_element_force_N[e]}});
    fr["passive_tissues"] = tissues;
    json coords = json::array();
    for (std::size_t c = 0; c < model.coordinates.size(); ++c)
      coords.push_back({{"name", model.coordinates[c].name}, {"angle_deg", f.q_rad[c] * kRadToDeg},
                        {"net_moment_Nm", f.tau_Nm[c]}, {"passive_moment_Nm", f.passive_Nm[c]}});
    fr["coordinates"] = coords;
    json reserves = json::object();
    for (std::size_t k = 0; k < model.equilibrium_coordinates.size(); ++k)
      if (std::abs(f.reserve_Nm[k]) > 1e-3)
        reserves[model.coordinates[model.equilibrium_coordinates[k]].name] = f.reserve_Nm[k];
    fr["reserve_moments_Nm"] = reserves;
    // Joint torques where coordinate actuators balance a joint (the built-in arms: shoulders
    // and elbows), with her strength in the direction each turns.
    json torques = json::array();
    for (const JointTorque& t : joint_torques(model, f))
      torques.push_back({{"coordinate", model.coordinates[t.coordinate].name}, {"torque_Nm", t.torque_Nm},
                         {"strength_Nm", t.strength_Nm}, {"share_of_strength", t.share()}});
    fr["joint_torques"] = torques;
    json contacts = json::array();
    for (int k = 0; k < f.contact_force_N.size(); ++k) {
      // A patch's points share a label; the point on the body tells them apart.
      json c = {{"support", r.contact_labels[k]}, {"force_N", f.contact_force_N[k]}};
      if (static_cast<std::size_t>(k) < r.contact_points_m.size())
        c["point_m"] = {r.contact_points_m[k].x(), r.contact_points_m[k].y(), r.contact_points_m[k].z()};
      contacts.push_back(c);
    }
    fr["contacts"] = contacts;
    fr["balance"] = {{"com_m", {f.balance.com_m.x(), f.balance.com_m.y(), f.balance.com_m.z()}},
                     {"com_over_support", f.balance.com_over_support},
                     {"margin_m", f.balance.margin_m}};
    // Summary: highest-loaded level and L5/S1 against the NIOSH action limit.
    const DiscLoad* top = &f.disc.front();
    for (const auto& d : f.disc)
      if (d.compression_N > top->compression_N) top = &d;
    const DiscLoad& l5s1 = f.disc.front();
    fr["summary"] = {{"highest_compression_level", model.joints[top->joint].name},
                     {"highest_compression_N", top->compression_N},
                     {"L5_S1_compression_N", l5s1.compression_N},
                     {"L5_S1_percent_of_NIOSH_action_limit", 100 * l5s1.compression_N / kNioshActionLimit_N},
                     {"NIOSH_action_limit_N", kNioshActionLimit_N}};
    if (model.abdominal_pressure_muscle >= 0) {
      const double kPa = intra_abdominal_pressure_kPa(model, f);
      fr["summary"]["intra_abdominal_pressure_kPa"] = kPa;
      fr["summary"]["intra_abdominal_pressure_mmHg"] = kPa * kMmHgPerKPa;
    }
    frames.push_back(fr);
  }
  j["frames"] = frames;
  return j;
}

std::map<std::string, std::string> render_results(const Model& model, const PostureResult& r,
                                                  const std::set<Format>& formats) {
  std::map<std::string, std::string> files;
  const std::string n = safe_file_stem(r.name);
  if (formats.count(Format::csv)) {
    // Every row names the subject and stage it was computed for.
    const std::string who = r.subject + "," + r.stage + ",";
    std::string levels =
        "subject,stage,time_s,level,compression_N,shear_ap_N,shear_lateral_N,flexion_moment_Nm,lateral_moment_Nm,torsion_moment_Nm,"
        "joint_flexion_moment_Nm,joint_lateral_moment_Nm,joint_torsion_moment_Nm,factor_of_risk,intradiscal_pressure_MPa\n";
    std::string muscles = "subject,stage,time_s,muscle,group,force_N,activation,max_force_N,passive_force_N\n";
    std::string joints =
        "subject,stage,time_s,coordinate,angle_deg,net_moment_Nm,passive_moment_Nm,reserve_moment_Nm,joint_torque_Nm,strength_Nm\n";
    for (const auto& f : r.frames) {
      for (const auto& d : f.disc)
        levels += who + fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", num(f.time_s), model.joints[d.joint].name,
                              num(d.compression_N), num(d.shear_ap_N), num(d.shear_lateral_N),
                              num(d.flexion_moment_Nm), num(d.lateral_moment_Nm), num(d.torsion_moment_Nm),
                              num(d.joint_flexion_moment_Nm), num(d.joint_lateral_moment_Nm),
                              num(d.joint_torsion_moment_Nm), num(d.factor_of_risk), num(d.intradiscal_pressure_MPa));
      for (std::size_t m = 0; m < model.muscles.size(); ++m)
        muscles += who + fmt::format("{},{},{},{},{},{},{}\n", num(f.time_s), model.muscles[m].name,
                               model.muscles[m].group, num(f.force_N[m]), num(f.activation[m]),
                               num(model.muscles[m].max_force_N()),
                               num(f.muscle_passive_force_N.size() ? f.muscle_passive_force_N[m] : 0.0));
      // The joint torque and her strength that way where actuators balance the coordinate (the
      // arms), empty elsewhere.
      const std::vector<JointTorque> torques = joint_torques(model, f);
      for (std::size_t c = 0; c < model.coordinates.size(); ++c) {
        double reserve = 0;
        for (std::size_t k = 0; k < model.equilibrium_coordinates.size(); ++k)
          if (model.equilibrium_coordinates[k] == static_cast<int>(c)) reserve = f.reserve_Nm[k];
        std::string torque = ",";
        for (const JointTorque& t : torques)
          if (t.coordinate == static_cast<int>(c)) torque = num(t.torque_Nm) + "," + num(t.strength_Nm);
        joints += who + fmt::format("{},{},{},{},{},{},{}\n", num(f.time_s), model.coordinates[c].name,
                              num(f.q_rad[c] * kRadToDeg), num(f.tau_Nm[c]), num(f.passive_Nm[c]), num(reserve), torque);
      }
    }
    files[n + "_disc_loads.csv"] = levels;
    files[n + "_muscles.csv"] = muscles;
    files[n + "_joints.csv"] = joints;
  }
  if (formats.count(Format::json)) files[n + ".json"] = results_json(model, r).dump(2) + "\n";
  if (formats.count(Format::sto) || r.frames.size() > 1) {
    std::vector<std::string> disc_cols, muscle_cols;
    for (const auto& d : r.frames.front().disc) {
      const std::string& lv = model.joints[d.joint].name;
      for (const char* c : {"compression_N", "shear_ap_N", "shear_lateral_N", "flexion_moment_Nm",
                            "lateral_moment_Nm", "torsion_moment_Nm"})
        disc_cols.push_back(lv + "_" + c);
    }
    for (const auto& m : model.muscles) muscle_cols.push_back(m.name);
    std::vector<std::vector<double>> disc_rows, force_rows, act_rows;
    for (const auto& f : r.frames) {
      std::vector<double> row{f.time_s};
      for (const auto& d : f.disc)
        row.insert(row.end(), {d.compression_N, d.shear_ap_N, d.shear_lateral_N, d.flexion_moment_Nm,
                               d.lateral_moment_Nm, d.torsion_moment_Nm});
      disc_rows.push_back(row);
      std::vector<double> fr{f.time_s}, ar{f.time_s};
      for (int m = 0; m < f.force_N.size(); ++m) {
        fr.push_back(f.force_N[m]);
        ar.push_back(f.activation[m]);
      }
      force_rows.push_back(fr);
      act_rows.push_back(ar);
    }
    files[n + "_disc_loads.sto"] = sto(n + "_disc_loads", disc_cols, disc_rows);
    files[n + "_muscle_forces.sto"] = sto(n + "_muscle_forces", muscle_cols, force_rows);
    files[n + "_activations.sto"] = sto(n + "_activations", muscle_cols, act_rows);
  }
  return files;
}

std::string safe_file_stem(const std::string& name) {
  std::string out;
  for (const char c : name) {
    if (out.size() >= 100) break;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                      (c == '.' && !out.empty());
    out += keep ? c : '_';
  }
  return out.empty() ? "result" : out;
}

void write_files_atomically(const std::string& directory,
                            const std::map<std::string, std::string>& files) {
  namespace fs = std::filesystem;
  const fs::path dir(directory);
  for (const auto& [name, _] : files)
    if (name.empty() || name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos ||
        name.find('\0') != std::string::npos)
      throw InputError(directory, 0, "-o", "refusing to write '" + name + "': not a plain file name inside the output folder");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(directory, 0, "-o", "cannot create output folder: " + ec.message());
  std::vector<std::pair<fs::path, fs::path>> staged;
  try {
    for (const auto& [name, content] : files) {
      const fs::path final_path = dir / name;
      const fs::path tmp = dir / ("." + name + ".partial");
      std::ofstream out(tmp, std::ios::binary);
      out << content;
      out.close();
      if (!out) throw InputError(tmp.string(), 0, "-o", "cannot write file");
      staged.emplace_back(tmp, final_path);
    }
  } catch (...) {
    for (const auto& [tmp, _] : staged) fs::remove(tmp, ec);
    throw;
  }
  for (const auto& [tmp, final_path] : staged) fs::rename(tmp, final_path);
}

}  // namespace spineload
