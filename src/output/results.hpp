// Stage output: writes analysis results as CSV, JSON and OpenSim storage (.sto) files.
// Every file is rendered in memory first and moved into place only when all are ready,
// so a failure leaves no half-written output.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/analyze.hpp"

namespace spineload {

enum class Format { csv, json, sto };

// Parses "csv,json,sto" (throws InputError on an unknown name).
std::set<Format> parse_formats(const std::string& list);

// File name -> content for one posture's results. STO files are produced for time series,
// or for a single frame when `formats` asks for them.
std::map<std::string, std::string> render_results(const Model& model, const PostureResult& r,
                                                  const std::set<Format>& formats);

nlohmann::json results_json(const Model& model, const PostureResult& r);

// "ok", "beyond_muscle_capacity" or "solver_failed", as the JSON outputs spell it.
const char* status_name(RecruitmentStatus s);

// A name from an input (posture, task, subject, setup) made safe as a file name inside the
// output folder: letters, digits, '-', '_' and '.' kept, anything else '_', no leading dot,
// at most 100 characters, "result" when nothing is left. A name cannot then reach a path
// outside `-o` ("/../../tmp/x" becomes "_.._.._tmp_x").
std::string safe_file_stem(const std::string& name);

// Writes the files into `directory` (created if needed), all or nothing. Every file name
// must be a plain name (no separator, not "." or ".."): anything else is refused before a
// byte is written.
void write_files_atomically(const std::string& directory,
                            const std::map<std::string, std::string>& files);

// The notice every output carries.
inline constexpr const char* kMechanicsNotice =
    "spineload reports mechanics (forces and moments computed by a model), not a diagnosis "
    "or medical advice.";

}  // namespace spineload
