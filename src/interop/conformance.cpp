#include "interop/conformance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/errors.hpp"
#include "interop/osim_import.hpp"
#include "interop/setup.hpp"
#include "io/storage.hpp"

namespace spineload {

namespace fs = std::filesystem;

bool ConformanceReport::all_passed() const {
  return !rows.empty() && std::all_of(rows.begin(), rows.end(), [](const ConformanceRow& r) { return r.passed; });
}

namespace {

struct Case {
  std::string name, setup, reference, result_suffix;
};

// Largest absolute difference over frames for the given columns (OpenSim's result times
// carry tiny offsets from its padding, e.g. -2e-7 s: the reference is interpolated).
double max_error(const Storage& ours, const Storage& ref, const std::vector<std::string>& cols, int& frames) {
  double e = 0;
  frames = static_cast<int>(ours.time_s.size());
  for (const auto& c : cols) {
    const int a = ours.column(c), b = ref.column(c);
    for (std::size_t k = 0; k < ours.time_s.size(); ++k)
      e = std::max(e, std::abs(ours.data(static_cast<int>(k), a) - ref.value_at(b, ours.time_s[k])));
  }
  return e;
}

double max_abs(const Storage& ref, const std::vector<std::string>& cols) {
  double m = 0;
  for (const auto& c : cols) m = std::max(m, ref.data.col(ref.column(c)).cwiseAbs().maxCoeff());
  return m;
}

}  // namespace

ConformanceReport run_conformance(const std::string& dir) {
  ConformanceReport report;
  report.directory = dir;
  if (!fs::is_directory(dir)) throw InputError(dir, 0, "", "no such folder");
  const std::vector<Case> cases = {
      {"arm26 inverse dynamics", "arm26_Setup_InverseDynamics.xml", "std_arm26_InverseDynamics.sto", "_InverseDynamics.sto"},
      {"SinglePin joint reaction", "SinglePin_Setup_JointReaction.xml", "std_SinglePin_JointReaction_ReactionLoads.sto",
       "_JointReaction_ReactionLoads.sto"},
      {"DoublePendulum3D joint reaction", "DoublePendulum3D_Setup_JointReaction.xml",
       "std_DoublePendulum3D_JointReaction_ReactionLoads.sto", "_JointReaction_ReactionLoads.sto"},
      {"arm26 static optimisation", "arm26_Setup_StaticOptimization.xml", "std_arm26_StaticOptimization_activation.sto",
       "_StaticOptimization_activation.sto"},
      {"arm26_bounds static optimisation", "arm26_bounds_Setup_StaticOptimization.xml",
       "std_arm26_bounds_StaticOptimization_activation.sto", "_StaticOptimization_activation.sto"},
  };
  for (const Case& c : cases) {
    const fs::path setup_path = fs::path(dir) / c.setup;
    const fs::path ref_path = fs::path(dir) / c.reference;
    if (!fs::exists(setup_path) || !fs::exists(ref_path))
      throw InputError((fs::exists(setup_path) ? ref_path : setup_path).string(), 0, "", "conformance file missing");
    Setup setup = read_setup_file(setup_path.string());
    // The pack ships SinglePin's states in degrees as a .mot; its setup names a radian
    // .sto that is not in the pack.
    if (!setup.states_file.empty() && !fs::exists(fs::path(dir) / setup.states_file)) {
      const fs::path alt = fs::path(dir) / (fs::path(setup.model_file).stem().string() + "_states_degrees.mot");
      if (fs::exists(alt)) setup.states_file = alt.filename().string();
    }
    const Storage ref = read_storage_file(ref_path.string());
    std::vector<std::pair<std::string, std::string>> results;
    try {
      results = run_setup(setup);
    } catch (const InputError& e) {
      ConformanceRow row;
      row.case_name = c.name;
      row.quantity = "all";
      row.passed = false;
      row.note = std::string("not run: ") + e.what();
      report.rows.push_back(row);
      continue;
    }
    const auto it = std::find_if(results.begin(), results.end(), [&](const auto& r) {
      return r.first.size() >= c.result_suffix.size() &&
             r.first.compare(r.first.size() - c.result_suffix.size(), c.result_suffix.size(), c.result_suffix) == 0;
    });
    if (it == results.end()) throw InputError(setup_path.string(), 0, "", "the setup produced no " + c.result_suffix);
    const Storage ours = read_storage_text(it->second, it->first);
    for (const auto& l : ours.labels)
      if (ref.column(l) < 0) throw InputError(ref_path.string(), 0, l, "column missing from the reference");
    if (c.result_suffix == "_StaticOptimization_activation.sto") {
      // Activations to 0.01; forces (the matching _force tables) to 1 % of each muscle's
      // maximum isometric force.
      const std::string force_ref_path = (fs::path(dir) / ("std_" + setup.name + "_StaticOptimization_force.sto")).string();
      const std::string force_suffix = "_StaticOptimization_force.sto";
      const auto fit = std::find_if(results.begin(), results.end(), [&](const auto& r) {
        return r.first.size() > force_suffix.size() &&
               r.first.compare(r.first.size() - force_suffix.size(), force_suffix.size(), force_suffix) == 0;
      });
      const bool forces = fs::exists(force_ref_path) && fit != results.end();
      const Storage ours_f = forces ? read_storage_text(fit->second, fit->first) : Storage{};
      const Storage ref_f = forces ? read_storage_file(force_ref_path) : Storage{};
      const ImportedModel im = import_osim_file((fs::path(dir) / setup.model_file).string());
      for (const auto& l : ours.labels) {
        ConformanceRow row{c.name, l + " activation", 0, 0.01, "1", 0, false, ""};
        row.max_error = max_error(ours, ref, {l}, row.frames);
        row.passed = row.max_error <= row.tolerance;
        report.rows.push_back(row);
        if (!forces) continue;
        const int m = im.model->muscle_index(l);
        ConformanceRow rf{c.name, l + " force", 0, 0.01 * im.model->muscles[m].max_force_N(), "N", 0, false, ""};
        rf.max_error = max_error(ours_f, ref_f, {l}, rf.frames);
        rf.passed = rf.max_error <= rf.tolerance;
        report.rows.push_back(rf);
      }
    } else if (c.result_suffix == "_InverseDynamics.sto") {
      for (const auto& l : ours.labels) {
        ConformanceRow row{c.name, l, 0, 0.5, "N m", 0, false, ""};
        row.max_error = max_error(ours, ref, {l}, row.frames);
        row.passed = row.max_error <= row.tolerance;
        report.rows.push_back(row);
      }
    } else {
      // Per reaction (9 columns): forces within 1 % of the reaction's peak force, moments
      // within 1 % of its peak moment (at least 1e-3 N m, numerical zero), points to 1e-6 m.
      for (std::size_t k = 0; k + 8 < ours.labels.size(); k += 9) {
        const std::string base = ours.labels[k].substr(0, ours.labels[k].size() - 3);
        auto cols = [&](std::initializer_list<const char*> q) {
          std::vector<std::string> v;
          for (const char* s : q) v.push_back(base + "_" + s);
          return v;
        };
        const auto f = cols({"fx", "fy", "fz"}), m = cols({"mx", "my", "mz"}), p = cols({"px", "py", "pz"});
        ConformanceRow rf{c.name, base + " force", 0, 0.01 * max_abs(ref, f), "N", 0, false, ""};
        rf.max_error = max_error(ours, ref, f, rf.frames);
        ConformanceRow rm{c.name, base + " moment", 0, std::max(1e-3, 0.01 * max_abs(ref, m)), "N m", 0, false, ""};
        rm.max_error = max_error(ours, ref, m, rm.frames);
        ConformanceRow rp{c.name, base + " point", 0, 1e-6, "m", 0, false, ""};
        rp.max_error = max_error(ours, ref, p, rp.frames);
        for (ConformanceRow* r : {&rf, &rm, &rp}) {
          r->passed = r->max_error <= r->tolerance;
          report.rows.push_back(*r);
        }
      }
    }
  }
  return report;
}

std::string format_conformance(const ConformanceReport& r) {
  std::string s = fmt::format("OpenSim conformance: {}\n", r.directory);
  s += fmt::format("  {:<34} {:<44} {:>12} {:>12} {:<4} {:>6}  {}\n", "case", "quantity", "max_error", "tolerance", "unit",
                   "frames", "verdict");
  for (const auto& row : r.rows) {
    if (!row.note.empty() && row.frames == 0) {
      s += fmt::format("  {:<34} {}\n", row.case_name, row.note);
      continue;
    }
    s += fmt::format("  {:<34} {:<44} {:>12.3g} {:>12.3g} {:<4} {:>6}  {}\n", row.case_name, row.quantity, row.max_error,
                     row.tolerance, row.unit, row.frames, row.passed ? "pass" : "FAIL");
  }
  const auto passed = std::count_if(r.rows.begin(), r.rows.end(), [](const ConformanceRow& x) { return x.passed; });
  s += fmt::format("{} of {} comparisons within tolerance\n", passed, r.rows.size());
  return s;
}

}  // namespace spineload
