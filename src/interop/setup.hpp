// Stage interop, setup files: reads OpenSim's AnalyzeTool and InverseDynamicsTool setup XML
// (model, motion or states, filter, time range, and the InverseDynamics, StaticOptimization
// and JointReaction analyses) and runs them through spineload (`spineload run-setup`).
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/storage.hpp"

namespace spineload {

struct SetupAnalysis {
  std::string type;  // InverseDynamics, StaticOptimization, JointReaction
  std::string name;
  double start_s = -INFINITY, end_s = INFINITY;
  // StaticOptimization
  double activation_exponent = 2;
  bool use_muscle_physiology = true;
  // JointReaction
  std::vector<std::string> joint_names, apply_on_bodies, express_in_frame;
  std::string forces_file;
  // Actuator forces already in memory (analyze runs static optimisation, then joint
  // reactions with its forces); takes the place of forces_file.
  std::shared_ptr<const Storage> forces;
  std::shared_ptr<const Storage> reserves;  // and its reserves, along their coordinates
  int line = 0;
};

struct Setup {
  std::string file, directory;  // the setup file and the folder its paths are relative to
  std::string tool;             // AnalyzeTool or InverseDynamicsTool
  std::string name;             // prefix of result files
  std::string model_file, coordinates_file, states_file, external_loads_file, results_directory;
  // AnalyzeTool: forces added to the model (reserve actuators), or replacing its own.
  std::vector<std::string> force_set_files;
  bool replace_force_set = false;
  double lowpass_hz = -1;
  double start_s = -INFINITY, end_s = INFINITY;
  std::vector<SetupAnalysis> analyses;
};

Setup read_setup_file(const std::string& path);
Setup read_setup_text(const std::string& xml, const std::string& file);

// Runs every analysis that is on; returns (file name, .sto text) per result. Paths in the
// setup are taken relative to its folder. Unsupported analyses or model features refuse
// with an InputError naming them. `warnings`, when given, gets where the model or motion was
// accepted as OpenSim accepts it but not as written (an inertia repaired, rows sorted...).
std::vector<std::pair<std::string, std::string>> run_setup(const Setup& setup, std::vector<std::string>* warnings = nullptr);

// `spineload analyze --model M.osim --motion MOT [--external-loads XML]`: inverse dynamics,
// static optimisation and the reaction at every joint (on the child, in ground) over the
// motion, as one setup file would; `summary` gets a few lines for the terminal, `warnings`
// each leniency (as run_setup's).
struct MotionAnalysis {
  std::string model_file, motion_file, external_loads_file;
  double lowpass_hz = -1;
  bool muscle_physiology = false;
  double activation_exponent = 2;
};
std::vector<std::pair<std::string, std::string>> analyze_motion(const MotionAnalysis& request, std::string& summary,
                                                                std::vector<std::string>* warnings = nullptr);

}  // namespace spineload
