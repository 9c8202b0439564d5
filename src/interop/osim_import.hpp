// Stage interop, import: takes an OpenSim model file (.osim, XML: the 4.x layout with
// JointSet and offset frames, and the 2.x/3.x layout with joints inside bodies); gives a
// Model the engine analyses like its own (bodies, joints as Simbody function-based
// mobilizers, coordinates, muscles, markers, named frames) and a report of what was
// imported, ignored (visual geometry) and not supported, each by name and type. Analyses
// that would depend on something unsupported refuse (require_supported).
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace spineload {

struct ImportNote {
  std::string name, type, why;
  int line = 0;
  bool affects_kinematics = false;  // joints and constraints: every analysis depends on it
  bool affects_muscles = false;     // muscle paths: moment arms and static optimisation do
};

struct ImportReport {
  std::string file;
  int document_version = 0;
  std::string layout;  // "4.x" or "2.x/3.x"
  std::vector<std::string> imported;      // one line per kind of thing, with counts
  std::vector<ImportNote> unsupported;
  std::vector<std::string> ignored;       // visual geometry and similar, with counts
  // Where the file was accepted as OpenSim accepts it but not as written (an inertia
  // repaired, an unbounded control bounded): each names the element, its line and what was done.
  std::vector<std::string> warnings;
};

struct ImportedModel {
  std::shared_ptr<const Model> model;
  ImportReport report;
};

// A force set file's name and text (OpenSim's ForceSet document, as an AnalyzeTool's
// force_set_files name them: reserve and residual actuators, most often).
struct ForceSetFile {
  std::string file, text;
};

// With force set files, their forces join the model's as OpenSim's AnalyzeTool adds them
// (after the model's own; with `replace_force_set`, instead of them).
ImportedModel import_osim_file(const std::string& path, const std::vector<std::string>& force_set_files = {},
                               bool replace_force_set = false);
ImportedModel import_osim_text(const std::string& xml, const std::string& file,
                               const std::vector<ForceSetFile>& force_sets = {}, bool replace_force_set = false);

std::string format_import_report(const ImportedModel& imported);

// Throws InputError naming the unsupported elements when an analysis that needs muscle
// paths (`muscles`) or only the kinematics depends on them.
void require_supported(const ImportedModel& imported, bool muscles, const std::string& analysis);

}  // namespace spineload
