#include "interop/setup.hpp"

#include <tinyxml2.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fmt/format.h>
#include <optional>

#include "common/errors.hpp"
#include "output/results.hpp"
#include "interop/opensim_tools.hpp"
#include "interop/osim_import.hpp"
#include "interop/xml.hpp"
#include "io/storage.hpp"
#include "io/yaml_util.hpp"

namespace spineload {

namespace fs = std::filesystem;
using fs_path = std::filesystem::path;

namespace {

using tinyxml2::XMLElement;

double number_word(const std::string& t, int line, const std::string& file, const std::string& field) {
  try {
    std::size_t used = 0;
    const double v = std::stod(t, &used);
    if (used != t.size()) throw std::invalid_argument(t);
    return v;
  } catch (const std::exception&) {
    throw InputError(file, line, field, "not a number: '" + t + "'");
  }
}

double number_of(const XMLElement* e, double fallback, const std::string& file, const std::string& field) {
  const std::string t = xml::text(e);
  return t.empty() ? fallback : number_word(t, e->GetLineNum(), file, field);
}

bool flag_of(const XMLElement* e, bool fallback) {
  const std::string t = xml::text(e);
  return t.empty() ? fallback : (t == "true" || t == "1");
}

}  // namespace

Setup read_setup_text(const std::string& content, const std::string& file) {
  tinyxml2::XMLDocument doc;
  xml::parse(doc, content, file);
  const XMLElement* root = doc.RootElement();
  const XMLElement* tool = std::string(root->Name()) == "OpenSimDocument" ? root->FirstChildElement() : root;
  if (!tool) throw InputError(file, root->GetLineNum(), "", "empty setup file");
  Setup s;
  s.file = file;
  s.directory = std::filesystem::path(file).parent_path().string();
  s.tool = tool->Name();
  if (s.tool != "AnalyzeTool" && s.tool != "InverseDynamicsTool")
    throw InputError(file, tool->GetLineNum(), s.tool,
                     "only AnalyzeTool and InverseDynamicsTool setup files are supported");
  s.name = tool->Attribute("name") ? tool->Attribute("name") : "spineload";
  auto text = [&](const char* n) { return xml::text(tool->FirstChildElement(n)); };
  s.model_file = text("model_file");
  s.coordinates_file = text("coordinates_file");
  s.states_file = text("states_file");
  s.external_loads_file = text("external_loads_file");
  s.results_directory = text("results_directory");
  s.force_set_files = xml::words(tool->FirstChildElement("force_set_files"));
  s.replace_force_set = flag_of(tool->FirstChildElement("replace_force_set"), false);
  s.lowpass_hz = number_of(tool->FirstChildElement("lowpass_cutoff_frequency_for_coordinates"), -1, file,
                           "lowpass_cutoff_frequency_for_coordinates");
  s.start_s = number_of(tool->FirstChildElement("initial_time"), -INFINITY, file, "initial_time");
  s.end_s = number_of(tool->FirstChildElement("final_time"), INFINITY, file, "final_time");
  if (const XMLElement* range = tool->FirstChildElement("time_range")) {
    const auto w = xml::words(range);
    if (w.size() == 2) {
      s.start_s = number_word(w[0], range->GetLineNum(), file, "time_range");
      s.end_s = number_word(w[1], range->GetLineNum(), file, "time_range");
    }
  }
  if (s.model_file.empty()) throw InputError(file, tool->GetLineNum(), "model_file", "the setup names no model file");
  if (s.tool == "InverseDynamicsTool") {
    SetupAnalysis a;
    a.type = "InverseDynamics";
    a.name = "InverseDynamics";
    a.line = tool->GetLineNum();
    s.analyses.push_back(a);
    if (s.coordinates_file.empty()) throw InputError(file, tool->GetLineNum(), "coordinates_file", "missing");
    return s;
  }
  const XMLElement* objects = tool->FirstChildElement("AnalysisSet");
  objects = objects ? objects->FirstChildElement("objects") : nullptr;
  for (const XMLElement* a = objects ? objects->FirstChildElement() : nullptr; a; a = a->NextSiblingElement()) {
    if (!flag_of(a->FirstChildElement("on"), true)) continue;
    SetupAnalysis an;
    an.type = a->Name();
    an.name = a->Attribute("name") ? a->Attribute("name") : an.type;
    an.line = a->GetLineNum();
    an.start_s = number_of(a->FirstChildElement("start_time"), -INFINITY, file, an.name + ".start_time");
    an.end_s = number_of(a->FirstChildElement("end_time"), INFINITY, file, an.name + ".end_time");
    an.activation_exponent = number_of(a->FirstChildElement("activation_exponent"), 2, file, an.name + ".activation_exponent");
    if (an.activation_exponent != 2 && an.activation_exponent != 3)
      throw InputError(file, a->FirstChildElement("activation_exponent")->GetLineNum(), an.name + ".activation_exponent",
                       fmt::format("{} is not supported: static optimisation here minimises activations squared or cubed (2 or 3)",
                                   an.activation_exponent));
    an.use_muscle_physiology = flag_of(a->FirstChildElement("use_muscle_physiology"), true);
    an.joint_names = xml::words(a->FirstChildElement("joint_names"));
    an.apply_on_bodies = xml::words(a->FirstChildElement("apply_on_bodies"));
    an.express_in_frame = xml::words(a->FirstChildElement("express_in_frame"));
    an.forces_file = xml::text(a->FirstChildElement("forces_file"));
    s.analyses.push_back(an);
  }
  if (s.coordinates_file.empty() && s.states_file.empty())
    throw InputError(file, tool->GetLineNum(), "coordinates_file", "the setup names neither a coordinates nor a states file");
  return s;
}

Setup read_setup_file(const std::string& path) { return read_setup_text(yaml::read_text_file(path), path); }

namespace {

// A setup's model, external loads and motion table, read once for all its analyses.
struct SetupInputs {
  std::string model_file, motion_file;
  bool states = false;
  ImportedModel im;
  std::optional<ExternalLoadsSpec> loads;
  Storage table;
};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// How far the accelerations of given actuator forces may stray from the motion's before the
// joint reactions say so (rad/s^2 or m/s^2): well above a converged static optimisation's
// gap (under 1e-6 on OpenSim's gait models), far below any motion's accelerations.
constexpr double kReactionAccelerationTolerance = 1e-3;

// A path in the setup, taken relative to the setup's folder as OpenSim takes it.
std::string resolve(const Setup& s, const std::string& p) {
  return std::filesystem::path(p).is_absolute() || s.directory.empty() ? p : (std::filesystem::path(s.directory) / p).string();
}

SetupInputs load_setup_inputs(const Setup& s, std::vector<std::string>* warnings) {
  auto resolve = [&](const std::string& p) { return spineload::resolve(s, p); };
  SetupInputs in;
  in.model_file = resolve(s.model_file);
  std::vector<std::string> force_sets;
  for (const std::string& f : s.force_set_files) force_sets.push_back(resolve(f));
  in.im = import_osim_file(in.model_file, force_sets, s.replace_force_set);
  if (warnings) warnings->insert(warnings->end(), in.im.report.warnings.begin(), in.im.report.warnings.end());
  if (!s.external_loads_file.empty()) {
    in.loads = read_external_loads(*in.im.model, resolve(s.external_loads_file));
    if (warnings) warnings->insert(warnings->end(), in.loads->data.warnings.begin(), in.loads->data.warnings.end());
  }
  in.states = !s.states_file.empty();
  in.motion_file = resolve(in.states ? s.states_file : s.coordinates_file);
  in.table = read_storage_file(in.motion_file);
  return in;
}

// One analysis of the setup on its loaded inputs: (file name, .sto text) per result; a static
// optimisation's tables also into `so_tables` when given (analyze hands them to the reactions).
std::vector<std::pair<std::string, std::string>> run_analysis(const Setup& s, const SetupInputs& in, const SetupAnalysis& a,
                                                              std::vector<std::string>* warnings,
                                                              StaticOptimizationTables* so_tables = nullptr) {
  const ImportedModel& im = in.im;
  const ExternalLoadsSpec* ext = in.loads ? &*in.loads : nullptr;
  const bool states = in.states;
  const std::string& motion_file = in.motion_file;
  const Storage& st = in.table;
  std::vector<std::pair<std::string, std::string>> out;
  // Anything the multibody engine throws becomes an error naming the model and the
  // analysis (exit 2), never a raw library message.
  try {
    MotionOptions o;
    o.lowpass_hz = states ? -1 : s.lowpass_hz;  // OpenSim filters coordinates files only
    o.start_s = std::max(s.start_s, a.start_s);
    o.end_s = std::min(s.end_s, a.end_s);
    o.speeds_from_columns = states;
    const Motion motion = motion_from_storage(*im.model, st, o, motion_file);
    if (warnings)
      for (const auto& w : motion.warnings)
        if (std::find(warnings->begin(), warnings->end(), w) == warnings->end()) warnings->push_back(w);
    if (a.type == "InverseDynamics") {
      require_supported(im, false, a.name);
      Storage t = inverse_dynamics_table(*im.model, motion, ext);
      out.emplace_back(safe_file_stem(s.name + "_" + a.name) + ".sto", format_storage(t));
    } else if (a.type == "JointReaction") {
      require_supported(im, true, a.name);  // muscles pull in the reactions
      std::vector<std::string> joints = a.joint_names;
      // OpenSim: no joint names, or "all" in any case, means every joint.
      if (joints.empty() || (joints.size() == 1 && lowercase(joints[0]) == "all")) {
        joints.clear();
        for (const auto& j : im.model->joints) joints.push_back(j.name);
      }
      std::vector<ReactionRequest> req;
      for (std::size_t k = 0; k < joints.size(); ++k) {
        ReactionRequest r;
        r.joint = joints[k];
        const auto pick = [&](const std::vector<std::string>& v, const std::string& fallback) {
          return v.empty() ? fallback : v.size() == 1 ? v[0] : k < v.size() ? v[k] : v.back();
        };
        r.on_child = lowercase(pick(a.apply_on_bodies, "child")) != "parent";
        r.frame = pick(a.express_in_frame, "ground");
        req.push_back(r);
      }
      // The actuators' forces: given (a forces file, or static optimisation's run just
      // before), else, as OpenSim, from the model's default states.
      std::optional<ReactionActuation> given;
      if (a.forces) {
        given = actuation_from_forces(*im.model, motion, *a.forces, a.forces->name, warnings);
      } else if (!a.forces_file.empty()) {
        const std::string path = resolve(s, a.forces_file);
        if (std::filesystem::is_regular_file(path)) {
          given = actuation_from_forces(*im.model, motion, read_storage_file(path), path, warnings);
        } else if (warnings) {
          warnings->push_back(fmt::format("{}: {}.forces_file '{}' is not a file; as OpenSim does, the joint reactions take "
                                          "the actuators' forces from the model's default states",
                                          s.file, a.name, a.forces_file));
        }
      }
      ReactionActuation actuation = given ? std::move(*given) : default_state_actuation(*im.model, motion, warnings);
      if (given && a.reserves) add_reserves(*im.model, motion, *a.reserves, actuation);
      Eigen::VectorXd gap;
      Storage t = joint_reaction_table(*im.model, motion, req, s.file, ext, &actuation, &gap);
      if (given && warnings && gap.size()) {
        // Given forces that do not reproduce the motion give the reactions of another motion:
        // OpenSim reports them silently; this says so.
        Eigen::Index worst = 0;
        const double largest = gap.maxCoeff(&worst);
        if (!(largest <= kReactionAccelerationTolerance))
          warnings->push_back(fmt::format("{}: the actuators' forces give accelerations up to {:.3g} (rad/s^2 or m/s^2) away "
                                          "from the motion's (at {:.4g} s), so the joint reactions are those of a body that "
                                          "does not follow the motion; the model may lack reserve or residual actuators",
                                          a.name, largest, motion.time_s[static_cast<std::size_t>(worst)]));
      }
      out.emplace_back(safe_file_stem(s.name + "_" + a.name) + "_ReactionLoads.sto", format_storage(t));
    } else if (a.type == "BodyKinematics") {
      require_supported(im, false, a.name);
      const BodyKinematicsTables t = body_kinematics_tables(*im.model, motion);
      const std::string stem = safe_file_stem(s.name + "_" + a.name);
      out.emplace_back(stem + "_pos_global.sto", format_storage(t.position));
      out.emplace_back(stem + "_vel_global.sto", format_storage(t.velocity));
      out.emplace_back(stem + "_acc_global.sto", format_storage(t.acceleration));
    } else if (a.type == "MuscleAnalysis") {
      require_supported(im, true, a.name);
      const MuscleAnalysisTables t = muscle_analysis_tables(*im.model, motion);
      const std::string stem = safe_file_stem(s.name + "_" + a.name);
      out.emplace_back(stem + "_Length.sto", format_storage(t.length));
      for (const auto& [coordinate, table] : t.moment_arm)
        out.emplace_back(safe_file_stem(stem + "_MomentArm_" + coordinate) + ".sto", format_storage(table));
      for (const Storage& table : t.fibre) out.emplace_back(stem + "_" + table.name + ".sto", format_storage(table));
    } else if (a.type == "StaticOptimization") {
      require_supported(im, true, a.name);
      if (a.use_muscle_physiology)
        if (const Muscle* mu = muscle_without_physiology(*im.model))
          throw InputError(s.file, a.line, a.name + ".use_muscle_physiology", physiology_refusal(*mu));
      StaticOptimizationOptions so;
      so.activation_exponent = a.activation_exponent;
      so.use_muscle_physiology = a.use_muscle_physiology;
      StaticOptimizationTables t = static_optimization_tables(*im.model, motion, so, ext);
      const std::string stem = safe_file_stem(s.name + "_" + a.name);
      out.emplace_back(stem + "_activation.sto", format_storage(t.activation));
      out.emplace_back(stem + "_force.sto", format_storage(t.force));
      out.emplace_back(stem + "_reserves.sto", format_storage(t.reserve));
      if (so_tables) {
        t.force.name = stem + "_force.sto";  // as warnings name it
        *so_tables = std::move(t);
      }
    } else {
      throw InputError(s.file, a.line, a.name, "analysis '" + a.type + "' is not supported yet; refused");
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(in.model_file, 0, a.name, std::string("the multibody engine failed on this model and motion: ") + e.what());
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> run_setup(const Setup& s, std::vector<std::string>* warnings) {
  const SetupInputs in = load_setup_inputs(s, warnings);
  std::vector<std::pair<std::string, std::string>> out;
  for (const SetupAnalysis& a : s.analyses)
    for (auto& f : run_analysis(s, in, a, warnings)) out.push_back(std::move(f));
  return out;
}

std::vector<std::pair<std::string, std::string>> analyze_motion(const MotionAnalysis& req, std::string& summary,
                                                                 std::vector<std::string>* warnings_out) {
  const fs_path model_path(req.model_file);
  Setup s;
  s.file = req.model_file;
  s.tool = "AnalyzeTool";
  s.name = model_path.stem().string();
  s.model_file = fs_path(req.model_file).is_absolute() ? req.model_file : fs::absolute(req.model_file).string();
  s.coordinates_file = fs::absolute(req.motion_file).string();
  if (!req.external_loads_file.empty()) s.external_loads_file = fs::absolute(req.external_loads_file).string();
  s.lowpass_hz = req.lowpass_hz;
  SetupAnalysis id;
  id.type = id.name = "InverseDynamics";
  SetupAnalysis so;
  so.type = so.name = "StaticOptimization";
  so.use_muscle_physiology = req.muscle_physiology;
  so.activation_exponent = req.activation_exponent;
  SetupAnalysis jr;
  jr.type = jr.name = "JointReaction";
  jr.joint_names = {"All"};
  std::vector<std::string> warnings;
  const SetupInputs in = load_setup_inputs(s, &warnings);  // the model and motion, read once
  const Model& model = *in.im.model;
  SetupAnalysis bk;
  bk.type = bk.name = "BodyKinematics";
  SetupAnalysis ma;
  ma.type = ma.name = "MuscleAnalysis";
  std::vector<std::pair<std::string, std::string>> files;
  auto add = [&](const SetupAnalysis& a, StaticOptimizationTables* so_tables = nullptr) {
    for (auto& f : run_analysis(s, in, a, &warnings, so_tables)) files.push_back(std::move(f));
  };
  add(id);
  add(bk);
  // Joint reactions, muscle analysis and static optimisation each say why when they cannot
  // run on this model, and the others still run.
  std::string notes;
  auto try_add = [&](const SetupAnalysis& a, const char* what, StaticOptimizationTables* so_tables = nullptr) {
    try {
      add(a, so_tables);
    } catch (const InputError& e) {
      notes += fmt::format("\n{} not run: {}", what, e.what());
    }
  };
  // Static optimisation first, so that the joint reactions apply its forces (as an OpenSim
  // user runs JointReaction with static optimisation's "_force" table as its forces_file)
  // and its reserves: the reactions are then those of the motion it balanced.
  if (!model.muscles.empty() || !model.actuators.empty()) {
    StaticOptimizationTables tables;
    try_add(so, "static optimisation", &tables);
    if (!tables.force.time_s.empty()) {
      jr.forces = std::make_shared<const Storage>(std::move(tables.force));
      jr.reserves = std::make_shared<const Storage>(std::move(tables.reserve));
    }
  }
  try_add(jr, "joint reactions");
  if (!model.muscles.empty()) try_add(ma, "muscle analysis");
  const Storage t = read_storage_text(files.front().second, files.front().first);
  if (warnings_out) warnings_out->insert(warnings_out->end(), warnings.begin(), warnings.end());
  summary = fmt::format("{} frames, {:.3f} to {:.3f} s; largest generalised forces:", t.time_s.size(), t.time_s.front(),
                         t.time_s.back());
  std::vector<std::pair<double, std::string>> peaks;
  for (int c = 0; c < t.data.cols(); ++c) peaks.emplace_back(t.data.col(c).cwiseAbs().maxCoeff(), t.labels[c]);
  std::sort(peaks.rbegin(), peaks.rend());
  for (std::size_t k = 0; k < std::min<std::size_t>(3, peaks.size()); ++k)
    summary += fmt::format(" {} {:.2f}", peaks[k].second, peaks[k].first);
  summary += notes;
  return files;
}

}  // namespace spineload
