// Speed of OpenSim-style analyses on an imported model: the default model exported to
// .osim and imported back (22 bodies, 50 coordinates, 114 muscles, every unlocked
// coordinate balanced, as OpenSim's static optimisation does), over a 2 s bend sampled at
// 60 Hz. Reports frames per second.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "interop/opensim_tools.hpp"
#include "interop/osim_export.hpp"
#include "interop/osim_import.hpp"
#include "io/storage.hpp"
#include "io/yaml_util.hpp"
#include "posture/posture.hpp"

namespace {

using namespace spineload;

struct Case {
  ImportedModel im;
  Motion motion;
};

const Case& bend() {
  static const Case c = [] {
    const auto src = default_model_source();
    const auto original = build_model(*src, default_height_m(*src), default_mass_kg(*src));
    Case k{import_osim_text(export_osim(*original, "benchmark"), "female.osim"), {}};
    // Trunk flexion 0 -> 45 -> 0 deg as keyframes, then as an OpenSim motion table.
    const Posture p = parse_posture_text(*original,
                                         "sample_hz: 60\nkeyframes:\n  - {rhythms: {trunk_flexion: 0}}\n"
                                         "  - {duration_s: 1, rhythms: {trunk_flexion: 45}}\n"
                                         "  - {duration_s: 1, rhythms: {trunk_flexion: 0}}\n",
                                         "bench");
    Storage st;
    st.name = "bend";
    st.in_degrees = false;
    for (const auto& coord : k.im.model->coordinates) st.labels.push_back(coord.name);
    st.time_s = p.time_s;
    st.data.resize(static_cast<int>(p.time_s.size()), static_cast<int>(st.labels.size()));
    for (std::size_t i = 0; i < p.time_s.size(); ++i) st.data.row(static_cast<int>(i)) = p.q_rad[i].transpose();
    k.motion = motion_from_storage(*k.im.model, st, {}, "bench");
    return k;
  }();
  return c;
}

void BM_StaticOptimizationImported(benchmark::State& state) {
  const Case& c = bend();
  for (auto _ : state) {
    const auto t = static_optimization_tables(*c.im.model, c.motion, {});
    benchmark::DoNotOptimize(t.force.data(0, 0));
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(c.motion.time_s.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["frames"] = static_cast<double>(c.motion.time_s.size());
}
BENCHMARK(BM_StaticOptimizationImported)->Unit(benchmark::kMillisecond);

void BM_InverseDynamicsImported(benchmark::State& state) {
  const Case& c = bend();
  for (auto _ : state) {
    const auto t = inverse_dynamics_table(*c.im.model, c.motion);
    benchmark::DoNotOptimize(t.data(0, 0));
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(c.motion.time_s.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_InverseDynamicsImported)->Unit(benchmark::kMillisecond);

void BM_ImportDefaultModel(benchmark::State& state) {
  const auto src = default_model_source();
  const std::string xml = export_osim(*build_model(*src, default_height_m(*src), default_mass_kg(*src)), "bench");
  for (auto _ : state) benchmark::DoNotOptimize(import_osim_text(xml, "female.osim").model.get());
}
BENCHMARK(BM_ImportDefaultModel)->Unit(benchmark::kMillisecond);

// OpenSim's own models over its walking motion (../shared/opensim-models beside the
// repository, read in place; the benchmarks are registered only when the files are there):
// static optimisation frames per second, inverse dynamics and muscle recruitment included.
struct SharedCase {
  std::string model, motion;
  bool reserves = false;  // a reserve actuator on every coordinate (Rajagopal as shared has no muscles)
};

ImportedModel import_case(const SharedCase& c) {
  if (!c.reserves) return import_osim_file(c.model);
  // The force set file OpenSim's users give for reserves, written here for every coordinate.
  std::string set = "<OpenSimDocument Version=\"40000\"><ForceSet name=\"reserves\"><objects>\n";
  const ImportedModel plain = import_osim_file(c.model);
  for (const Coordinate& k : plain.model->coordinates)
    set += "<CoordinateActuator name=\"" + k.name + "_reserve\"><coordinate>" + k.name +
           "</coordinate><optimal_force>1</optimal_force><min_control>-Inf</min_control><max_control>Inf</max_control>"
           "</CoordinateActuator>\n";
  set += "</objects></ForceSet></OpenSimDocument>";
  return import_osim_text(yaml::read_text_file(c.model), c.model, {{"reserves.xml", set}});
}

void BM_StaticOptimizationSharedModel(benchmark::State& state, const SharedCase& c) {
  const ImportedModel im = import_case(c);
  const Motion motion = motion_from_storage(*im.model, read_storage_file(c.motion), {}, c.motion);
  for (auto _ : state) {
    const auto t = static_optimization_tables(*im.model, motion, {});
    benchmark::DoNotOptimize(t.force.data(0, 0));
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(motion.time_s.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["muscles"] = static_cast<double>(im.model->muscles.size());
}

// OpenSim's JointReaction at every joint with static optimisation's forces (and its
// reserves) applied, frames per second: the forward dynamics and reactions alone.
void BM_JointReactionSharedModel(benchmark::State& state, const SharedCase& c) {
  const ImportedModel im = import_case(c);
  const Model& m = *im.model;
  const Motion motion = motion_from_storage(m, read_storage_file(c.motion), {}, c.motion);
  const StaticOptimizationTables so = static_optimization_tables(m, motion, {});
  std::optional<ReactionActuation> act = actuation_from_forces(m, motion, so.force, "so", nullptr);
  add_reserves(m, motion, so.reserve, *act);
  std::vector<ReactionRequest> all;
  for (const Joint& j : m.joints) all.push_back({j.name, true, "ground"});
  for (auto _ : state) {
    const Storage t = joint_reaction_table(m, motion, all, "bench", nullptr, &*act);
    benchmark::DoNotOptimize(t.data(0, 0));
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(motion.time_s.size()), benchmark::Counter::kIsIterationInvariantRate);
}

const bool kSharedRegistered = [] {
  const std::filesystem::path dir = std::filesystem::path(SPINELOAD_SOURCE_DIR) / ".." / "shared" / "opensim-models";
  const std::string motion = (dir / "gait10dof18musc_ik_CRLF_line_ending.mot").string();
  if (!std::filesystem::exists(motion)) return false;
  for (const char* name : {"gait10dof18musc_subject01", "gait2354_simbody", "subject01_gait2392_scaled", "Rajagopal_2015"}) {
    const SharedCase c{(dir / (std::string(name) + ".osim")).string(), motion, std::string(name) == "Rajagopal_2015"};
    benchmark::RegisterBenchmark((std::string("BM_StaticOptimization/") + name).c_str(), BM_StaticOptimizationSharedModel, c)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("BM_JointReaction/") + name).c_str(), BM_JointReactionSharedModel, c)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
