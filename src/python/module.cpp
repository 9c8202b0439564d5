// Python bindings (pybind11, Debian's): the engine, not the command line. A Model is
// immutable and shared; every analysis makes its own workspace and releases the GIL, so
// Python threads analyse in parallel and get the numbers one thread gets. Results come back
// as numpy arrays (through pybind11's Eigen support) with their names; tables (timeline,
// compare) as the CSV text the command line writes, which python/spineload makes DataFrames.
// Bad input raises spineload.InputError (file, line, field), a numerical failure
// spineload.NumericalError.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <thread>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyze.hpp"
#include "claims/claims.hpp"
#include "cohort/cohort.hpp"
#include "common/errors.hpp"
#include "interop/osim_import.hpp"
#include "model/model.hpp"
#include "model/model_source.hpp"
#include "output/results.hpp"
#include "posture/posture.hpp"
#include "posture/prediction.hpp"
#include "subject/subject.hpp"
#include "subject/timeline.hpp"
#include "tasks/task_library.hpp"
#include "tasks/task_runner.hpp"

namespace py = pybind11;

namespace spineload::python {

namespace {

// A model and the source it was built from (none for an imported model).
struct PyModel {
  std::shared_ptr<const Model> model;
  std::shared_ptr<const ModelSource> source;
};

struct PyPosture {
  std::shared_ptr<const Model> model;  // the model it was resolved on
  Posture posture;
};

struct PyResult {
  std::shared_ptr<const Model> model;
  PostureResult result;
};

PyModel default_model(std::optional<double> height_m, std::optional<double> mass_kg, const std::string& folder) {
  PyModel m;
  m.source = folder.empty() ? default_model_source() : load_model_source(folder);
  m.model = build_model(*m.source, height_m.value_or(default_height_m(*m.source)), mass_kg.value_or(default_mass_kg(*m.source)));
  return m;
}

PyModel subject_model(const std::string& subject_text, const std::string& file) {
  PyModel m;
  m.source = default_model_source();
  m.model = build_subject_model(*m.source, *default_subject_data(), parse_subject_text(subject_text, file));
  return m;
}

std::vector<std::string> names_of(const auto& items) {
  std::vector<std::string> v;
  for (const auto& i : items) v.push_back(i.name);
  return v;
}

std::vector<std::string> level_names(const Model& model) {
  std::vector<std::string> v;
  for (int j : model.spinal_joints) v.push_back(model.joints[j].name);
  return v;
}

// frames x levels of one disc quantity.
Eigen::MatrixXd per_level(const PyResult& r, double DiscLoad::*field) {
  const auto& frames = r.result.frames;
  Eigen::MatrixXd out(static_cast<long>(frames.size()), static_cast<long>(r.model->spinal_joints.size()));
  for (std::size_t k = 0; k < frames.size(); ++k)
    for (std::size_t l = 0; l < frames[k].disc.size(); ++l) out(static_cast<long>(k), static_cast<long>(l)) = frames[k].disc[l].*field;
  return out;
}

// frames x n of a per-frame vector.
Eigen::MatrixXd per_frame(const PyResult& r, Eigen::VectorXd FrameResult::*field) {
  const auto& frames = r.result.frames;
  const long n = frames.empty() ? 0 : (frames[0].*field).size();
  Eigen::MatrixXd out(static_cast<long>(frames.size()), n);
  for (std::size_t k = 0; k < frames.size(); ++k) out.row(static_cast<long>(k)) = (frames[k].*field).transpose();
  return out;
}

RecruitmentOptions options_of(const std::string& solver) {
  if (solver != "fast" && solver != "ipopt") throw InputError("", 0, "solver", "'" + solver + "' is not fast or ipopt");
  RecruitmentOptions o;
  o.solver = solver == "ipopt" ? SolverKind::ipopt : SolverKind::fast;
  return o;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "spineload's engine: loads on a woman's spine through pregnancy and the postpartum year";
  m.attr("MECHANICS_NOTICE") = kMechanicsNotice;

  // Exceptions: spineload.InputError (a ValueError) carries the file, line and field.
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<NumericalError> numerical_error(m, "NumericalError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      const py::object type = input_error;  // the class itself, called to make an instance
      py::object error = type(e.what());
      error.attr("file") = e.file();
      error.attr("line") = e.line();
      error.attr("field") = e.field();
      PyErr_SetObject(input_error.ptr(), error.ptr());
    } catch (const NumericalError& e) {
      PyErr_SetString(numerical_error.ptr(), e.what());
    }
  });

  m.def("version", [] { return std::string(SPINELOAD_VERSION); }, "the engine's version");

  py::class_<PyModel>(m, "Model", "An immutable model, shared by threads")
      .def_property_readonly("name", [](const PyModel& p) { return p.model->name; })
      .def_property_readonly("height_m", [](const PyModel& p) { return p.model->height_m; })
      .def_property_readonly("mass_kg", [](const PyModel& p) { return p.model->mass_kg; })
      .def_property_readonly("bodies", [](const PyModel& p) { return names_of(p.model->bodies); })
      .def_property_readonly("coordinates", [](const PyModel& p) { return names_of(p.model->coordinates); })
      .def_property_readonly("muscles", [](const PyModel& p) { return names_of(p.model->muscles); })
      .def_property_readonly("levels", [](const PyModel& p) { return level_names(*p.model); })
      .def("__repr__", [](const PyModel& p) {
        return "<spineload.Model " + p.model->name + " " + std::to_string(p.model->height_m) + " m " +
               std::to_string(p.model->mass_kg) + " kg>";
      });

  m.def("default_model", &default_model, py::arg("height_m") = std::nullopt, py::arg("mass_kg") = std::nullopt,
        py::arg("folder") = "", "the built-in female model (or a model folder), scaled to height_m and mass_kg",
        py::call_guard<py::gil_scoped_release>());
  m.def("_subject_model", &subject_model, py::arg("text"), py::arg("file"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "import_osim",
      [](const std::string& path) {
        PyModel p;
        p.model = import_osim_file(path).model;
        return p;
      },
      py::arg("path"), "an OpenSim model file (.osim)", py::call_guard<py::gil_scoped_release>());

  py::class_<PyPosture>(m, "Posture", "A posture resolved on a model (angles in radians, its loads and supports)")
      .def_property_readonly("name", [](const PyPosture& p) { return p.posture.name; })
      .def_property_readonly("frames", [](const PyPosture& p) { return p.posture.q_rad.size(); })
      .def_property_readonly("q_rad", [](const PyPosture& p) {
        Eigen::MatrixXd q(static_cast<long>(p.posture.q_rad.size()), static_cast<long>(p.model->coordinates.size()));
        for (std::size_t k = 0; k < p.posture.q_rad.size(); ++k) q.row(static_cast<long>(k)) = p.posture.q_rad[k].transpose();
        return q;
      });

  m.def(
      "_posture_text",
      [](const PyModel& model, const std::string& text, const std::string& file) {
        return PyPosture{model.model, resolve_prediction(*model.model, parse_posture_text(*model.model, text, file))};
      },
      py::arg("model"), py::arg("text"), py::arg("file"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "posture_file",
      [](const PyModel& model, const std::string& path) {
        return PyPosture{model.model, resolve_prediction(*model.model, load_posture_file(*model.model, path))};
      },
      py::arg("model"), py::arg("path"), "a posture file (YAML) on a model", py::call_guard<py::gil_scoped_release>());
  m.def(
      "builtin_posture",
      [](const PyModel& model, const std::string& name) { return PyPosture{model.model, builtin_posture(*model.model, name)}; },
      py::arg("model"), py::arg("name"), "a built-in posture (`builtin_postures()` lists them)");
  m.def("builtin_postures", &builtin_posture_names);
  m.def(
      "task_posture",
      [](const PyModel& model, const std::string& id, const std::vector<std::string>& settings) {
        TaskInstance t = instantiate_task(*model.model, id, settings);
        return PyPosture{model.model, resolve_prediction(*model.model, t.posture)};
      },
      py::arg("model"), py::arg("task"), py::arg("settings") = std::vector<std::string>{},
      "a task of the library posed on a model (settings as 'name=value')", py::call_guard<py::gil_scoped_release>());
  m.def("task_list", &format_task_list, "the task library: each task's parameters, units, defaults");

  py::class_<PyResult>(m, "Result", "One posture analysed: per level, muscle and coordinate, frame by frame")
      .def_property_readonly("name", [](const PyResult& r) { return r.result.name; })
      .def_property_readonly("time_s", [](const PyResult& r) {
        Eigen::VectorXd t(static_cast<long>(r.result.frames.size()));
        for (std::size_t k = 0; k < r.result.frames.size(); ++k) t[static_cast<long>(k)] = r.result.frames[k].time_s;
        return t;
      })
      .def_property_readonly("levels", [](const PyResult& r) { return level_names(*r.model); })
      .def_property_readonly("muscles", [](const PyResult& r) { return names_of(r.model->muscles); })
      .def_property_readonly("coordinates", [](const PyResult& r) { return names_of(r.model->coordinates); })
      .def_property_readonly("reserve_coordinates",
                             [](const PyResult& r) {
                               std::vector<std::string> v;
                               for (int c : r.model->equilibrium_coordinates) v.push_back(r.model->coordinates[c].name);
                               return v;
                             })
      .def_property_readonly("compression_N", [](const PyResult& r) { return per_level(r, &DiscLoad::compression_N); })
      .def_property_readonly("shear_ap_N", [](const PyResult& r) { return per_level(r, &DiscLoad::shear_ap_N); })
      .def_property_readonly("shear_lateral_N", [](const PyResult& r) { return per_level(r, &DiscLoad::shear_lateral_N); })
      .def_property_readonly("flexion_moment_Nm", [](const PyResult& r) { return per_level(r, &DiscLoad::flexion_moment_Nm); })
      .def_property_readonly("lateral_moment_Nm", [](const PyResult& r) { return per_level(r, &DiscLoad::lateral_moment_Nm); })
      .def_property_readonly("torsion_moment_Nm", [](const PyResult& r) { return per_level(r, &DiscLoad::torsion_moment_Nm); })
      .def_property_readonly("factor_of_risk", [](const PyResult& r) { return per_level(r, &DiscLoad::factor_of_risk); })
      .def_property_readonly("intradiscal_pressure_MPa",
                             [](const PyResult& r) -> std::optional<Eigen::MatrixXd> {
                               // Only where the model has disc areas (the built-in model does).
                               for (double a : r.model->disc_area_m2)
                                 if (a > 0) return per_level(r, &DiscLoad::intradiscal_pressure_MPa);
                               return std::nullopt;
                             })
      .def_property_readonly("activation", [](const PyResult& r) { return per_frame(r, &FrameResult::activation); })
      .def_property_readonly("muscle_force_N", [](const PyResult& r) { return per_frame(r, &FrameResult::force_N); })
      .def_property_readonly("net_moment_Nm", [](const PyResult& r) { return per_frame(r, &FrameResult::tau_Nm); })
      .def_property_readonly("passive_moment_Nm", [](const PyResult& r) { return per_frame(r, &FrameResult::passive_Nm); })
      .def_property_readonly("reserve_Nm", [](const PyResult& r) { return per_frame(r, &FrameResult::reserve_Nm); })
      .def_property_readonly("status",
                             [](const PyResult& r) {
                               std::vector<std::string> v;
                               for (const auto& f : r.result.frames) v.push_back(status_name(f.status));
                               return v;
                             })
      .def_property_readonly("beyond_muscle_capacity", [](const PyResult& r) { return beyond_muscle_capacity(r.result); })
      .def_property_readonly("notes", [](const PyResult& r) { return r.result.notes; });

  m.def(
      "analyze",
      [](const PyModel& model, const PyPosture& posture, const std::string& solver) {
        if (posture.model != model.model)
          throw InputError("", 0, "posture", "the posture was resolved on another model: pose it on this one");
        Data data(*model.model);
        return PyResult{model.model, analyze_posture(*model.model, data, posture.posture, options_of(solver))};
      },
      py::arg("model"), py::arg("posture"), py::arg("solver") = "fast",
      "loads, muscle forces and moments of a posture on a model; releases the GIL",
      py::call_guard<py::gil_scoped_release>());

  m.def(
      "_timeline_csv",
      [](const std::string& subject_text, const std::string& subject_file, const std::string& posture,
         const std::string& task, const std::vector<std::string>& settings, const std::string& start, const std::string& stop,
         const std::string& step, const std::string& solver) {
        const Subject subject = parse_subject_text(subject_text, subject_file);
        const auto source = default_model_source();
        const auto base = build_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg);
        const Posture p = timeline_posture(*base, posture, task, settings);
        const auto points = stage_range(start, stop, step, subject.delivery_week);
        const auto rows = run_timeline(*source, *default_subject_data(), subject, p, points, options_of(solver));
        return timeline_csv(rows, *base, subject.name);
      },
      py::arg("subject_text"), py::arg("subject_file"), py::arg("posture"), py::arg("task"), py::arg("settings"),
      py::arg("start"), py::arg("stop"), py::arg("step"), py::arg("solver"), py::call_guard<py::gil_scoped_release>());

  m.def(
      "_compare_csv",
      [](const std::string& task, const std::string& vary, const std::vector<std::string>& settings,
         const std::optional<std::string>& subject_text, const std::string& subject_file, const std::string& solver) {
        std::optional<Subject> subject;
        if (subject_text) subject = parse_subject_text(*subject_text, subject_file);
        const auto [name, values] = parse_vary(vary);
        const auto runs = run_sweep(task, name, values, settings, subject ? &*subject : nullptr, options_of(solver));
        return compare_csv(task, name, values, runs);
      },
      py::arg("task"), py::arg("vary"), py::arg("settings"), py::arg("subject_text"), py::arg("subject_file"),
      py::arg("solver"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "_day_csvs",
      [](const std::string& schedule_text, const std::string& schedule_file, const std::optional<std::string>& subject_text,
         const std::string& subject_file, const std::string& solver) {
        std::optional<Subject> subject;
        if (subject_text) subject = parse_subject_text(*subject_text, subject_file);
        const DaySchedule schedule = parse_day_schedule(schedule_text, schedule_file);
        const DayResult day = run_day(schedule, subject ? &*subject : nullptr, options_of(solver));
        return std::make_pair(day_tasks_csv(day), day_csv(day));
      },
      py::arg("schedule_text"), py::arg("schedule_file"), py::arg("subject_text"), py::arg("subject_file"),
      py::arg("solver"), py::call_guard<py::gil_scoped_release>());

  m.def(
      "_claims_csv",
      [](const std::optional<std::string>& subject_text, const std::string& subject_file, const std::string& solver) {
        const Subject subject = subject_text ? parse_subject_text(*subject_text, subject_file) : Subject{};
        return claims_csv(answer_claims(subject, options_of(solver)));
      },
      py::arg("subject_text"), py::arg("subject_file"), py::arg("solver"), py::call_guard<py::gil_scoped_release>());

  m.def(
      "_cohort_csv",
      [](const std::string& text, const std::string& file, int threads, const std::string& solver,
         const std::function<void(long, long)>& progress) {
        const CohortSpec spec = parse_cohort_text(text, file);
        CohortOptions options;
        if (threads < 1 || threads > 256) throw InputError("", 0, "threads", "from 1 to 256");
        options.threads = threads;
        options.recruitment = options_of(solver);
        // The callback runs in this thread (run_cohort's contract), where Python is waiting:
        // it takes the GIL back only to report.
        std::vector<CohortRow> rows = run_cohort(spec, options, [&](long done, long total) {
          if (!progress) return;
          py::gil_scoped_acquire gil;
          progress(done, total);
        });
        sort_rows(rows);
        return std::make_pair(cohort_csv_header(spec) + cohort_csv_rows(spec, rows, options.threads),
                              std::string(kMechanicsNotice) + "\n" + format_cohort_summary(spec, summarize_cohort(spec, rows)));
      },
      py::arg("text"), py::arg("file"), py::arg("threads"), py::arg("solver"), py::arg("progress"),
      py::call_guard<py::gil_scoped_release>());
  m.def("_hardware_threads", [] { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); });
}

}  // namespace spineload::python
