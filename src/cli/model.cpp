// `model info`, `model strength`, `model import` (an OpenSim model, and what was imported)
// and `model export` (a model, scaled or at her stage, as an OpenSim 4 file).
#include <fmt/format.h>

#include <filesystem>

#include "capacity/strength.hpp"
#include "cli/common.hpp"
#include "common/errors.hpp"
#include "interop/osim_export.hpp"
#include "interop/osim_import.hpp"
#include "output/results.hpp"
#include "output/tables.hpp"
#include "subject/subject.hpp"

namespace spineload::cli {

namespace {

struct ModelCommandOptions {
  std::string strength_subject, import_file, export_name = "female-adult", export_out, export_subject;
  bool import_report = false;
};

// Her model at her stage, from a subject file.
std::shared_ptr<const Model> subject_model(const SharedOptions& shared, const Subject& subject, SubjectState& state) {
  const auto source = shared.source();
  state = subject_state(*default_subject_data(), subject);
  return build_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg,
                     subject_adjustments(*source, *default_subject_data(), subject, state));
}

int run_strength(const SharedOptions& shared, const ModelCommandOptions& o) {
  std::shared_ptr<const Model> model;
  if (o.strength_subject.empty()) {
    model = shared.model();
  } else {
    if (shared.height_m > 0 || shared.mass_kg > 0)
      throw InputError("", 0, "--height/--mass", "with --subject, height and mass come from the subject file");
    model = build_subject_model(*shared.source(), *default_subject_data(), load_subject_file(o.strength_subject));
  }
  fmt::print("{}\n{}", kMechanicsNotice,
             format_strength(*model, trunk_strength(*model), trunk_strength_references(), sorensen_test(*model)));
  return 0;
}

int run_export(const SharedOptions& shared, const ModelCommandOptions& o) {
  if (o.export_name != "female-adult" && shared.model_dir.empty())
    throw InputError("", 0, "name", "unknown model '" + o.export_name + "' (the built-in model is female-adult)");
  std::shared_ptr<const Model> model;
  std::string what;
  if (o.export_subject.empty()) {
    model = shared.model();
    what = fmt::format("model {} scaled to {:.3f} m and {:.1f} kg", model->name, model->height_m, model->mass_kg);
  } else {
    const Subject subject = load_subject_file(o.export_subject);
    SubjectState state;
    model = subject_model(shared, subject, state);
    what = fmt::format("model {} for subject {} ({}), {:.1f} kg", model->name, subject.name, state.stage_label, model->mass_kg);
  }
  const std::filesystem::path out(o.export_out);
  write_files_atomically(out.parent_path().empty() ? "." : out.parent_path().string(),
                         {{out.filename().string(), export_osim(*model, what)}});
  fmt::print("wrote {} ({})\n", o.export_out, what);
  return 0;
}

int run_import(const ModelCommandOptions& o) {
  const ImportedModel im = import_osim_file(o.import_file);
  fmt::print("{}", format_import_report(im));
  if (o.import_report) fmt::print("\n{}", format_model_info(*im.model));
  return 0;
}

}  // namespace

std::vector<Command> add_model_commands(CLI::App& app, SharedOptions& shared) {
  auto o = std::make_shared<ModelCommandOptions>();
  auto* model = app.add_subcommand("model", "describe a model");
  model->require_subcommand(1);
  auto* info = model->add_subcommand("info", "bodies, coordinates and ranges, muscles");
  add_model_options(info, shared);
  auto* strength = model->add_subcommand(
      "strength", "the largest moment the muscles can produce at every spinal level, beside women's published strength");
  add_model_options(strength, shared);
  strength->add_option("--subject", o->strength_subject, "subject file: her muscles at her stage of pregnancy or postpartum");
  auto* import = model->add_subcommand("import", "read an OpenSim model (.osim) and say what was imported");
  import->add_option("file", o->import_file, ".osim file")->required();
  import->add_flag("--report", o->import_report, "also list bodies, coordinates and muscles as imported");
  auto* exp = model->add_subcommand("export", "write a model as an OpenSim 4 .osim file");
  exp->add_option("name", o->export_name, "female-adult (the built-in model; --model DIR for another)");
  exp->add_option("-o,--output", o->export_out, "the .osim file to write")->required();
  exp->add_option("--subject", o->export_subject, "subject file: her body at her stage of pregnancy or postpartum");
  add_model_options(exp, shared);
  return {{info, [&shared] { return fmt::print("{}", format_model_info(*shared.model())), 0; }},
          {strength, [&shared, o] { return run_strength(shared, *o); }},
          {import, [o] { return run_import(*o); }},
          {exp, [&shared, o] { return run_export(shared, *o); }}};
}

}  // namespace spineload::cli
