// Stage interop, import: an OpenSim model file (.osim) into a Model, with a report of what
// was imported, ignored and not supported. The import runs here; its parts by element kind
// are in osim_import_bodies.cpp, osim_import_forces.cpp and osim_import_paths.cpp.
#include "interop/osim_import.hpp"

#include "interop/osim_import_detail.hpp"

namespace spineload {

namespace osim_detail {

ImportedModel Importer::run() {
  const XMLElement* root = doc_.RootElement();
  const XMLElement* model = std::string(root->Name()) == "OpenSimDocument" ? Reader::child(root, "Model") : root;
  if (!model || std::string(model->Name()) != "Model")
    r_.fail(root, "Model", "not an OpenSim model file (no <Model> element)");
  report_.document_version = root->IntAttribute("Version", 0);
  auto m = std::make_shared<Model>();
  m->name = model->Attribute("name") ? model->Attribute("name") : "imported";
  report_.layout = Reader::child(model, "JointSet") ? "4.x" : "2.x/3.x";
  if (const XMLElement* g = Reader::child(model, "gravity")) m->gravity_m_s2 = r_.vec3(g, "gravity");
  else if (const XMLElement* g4 = Reader::child(Reader::child(model, "Ground"), "gravity")) m->gravity_m_s2 = r_.vec3(g4, "gravity");

  read_bodies(model);
  if (const XMLElement* ground = Reader::child(model, "Ground")) read_wrap_objects(ground, "ground");
  if (report_.layout == "4.x") read_joints_4x(model);
  else read_joints_3x();
  build(*m);
  for (auto& [obj, body] : wraps_in_) {
    obj.body = body == "ground" ? -1 : m->body_index(body);
    m->wrap_objects.push_back(obj);
  }
  if (replace_force_set_) {
    if (Reader::child(model, "ForceSet")) report_.ignored.push_back("the model's ForceSet (replaced by the setup's force set files)");
  } else {
    read_forces(Reader::child(model, "ForceSet"), *m);
  }
  // A setup's force set files (reserve and residual actuators, most often) join the
  // model's forces as OpenSim's AnalyzeTool adds them; their errors name their own file.
  for (const ForceSetFile& extra : force_sets_) {
    auto& doc = extra_docs_.emplace_back(std::make_unique<tinyxml2::XMLDocument>());
    xml::parse(*doc, extra.text, extra.file);
    const XMLElement* top = doc->RootElement();
    const XMLElement* set = std::string(top->Name()) == "OpenSimDocument" ? Reader::child(top, "ForceSet") : top;
    const Reader own{extra.file};
    if (!set || std::string(set->Name()) != "ForceSet")
      own.fail(top, "ForceSet", "not an OpenSim force set file (no <ForceSet> element)");
    const Reader model_reader = r_;
    r_ = own;
    const std::size_t muscles = m->muscles.size(), actuators = m->actuators.size();
    read_forces(set, *m);
    r_ = model_reader;
    report_.imported.push_back(fmt::format("force set {}: {} muscles, {} actuators added", extra.file,
                                           m->muscles.size() - muscles, m->actuators.size() - actuators));
  }
  read_markers(model, *m);
  read_constraints(model, *m);
  const bool any_locked = std::any_of(m->coordinates.begin(), m->coordinates.end(), [](const Coordinate& c) { return c.locked; });
  if (!m->couplers.empty() || !m->point_constraints.empty() || !m->bushings.empty() || any_locked) {
    // The couplers, point constraints and locked coordinates as Simbody constraints, the
    // bushings as Simbody forces, so that forward dynamics, joint reactions and assembly
    // honour them: the same bodies, rebuilt.
    std::vector<mb::CouplerSpec> couplers;
    auto locate = [&](int c, int& body, int& q) {
      const Joint& joint = m->joints[m->coordinates[c].joint];
      body = joint.child_body;
      q = static_cast<int>(std::find(joint.coordinates.begin(), joint.coordinates.end(), c) - joint.coordinates.begin());
    };
    for (const CoordinateCoupler& k : m->couplers) {
      mb::CouplerSpec spec;
      spec.function = k.function;
      for (int c : k.independents) {
        int body = -1, q = 0;
        locate(c, body, q);
        spec.independents.emplace_back(body, q);
      }
      locate(k.dependent, spec.dependent_body, spec.dependent_q);
      couplers.push_back(spec);
    }
    std::vector<mb::PointConstraintSpec> points;
    for (const PointConstraint& k : m->point_constraints) points.push_back({k.body1, k.body2, k.point1_m, k.point2_m});
    // OpenSim locks a coordinate at its value in the initial state, its default.
    std::vector<mb::LockSpec> locks;
    for (std::size_t c = 0; c < m->coordinates.size(); ++c)
      if (m->coordinates[c].locked) {
        mb::LockSpec lock;
        locate(static_cast<int>(c), lock.body, lock.q);
        lock.value = m->coordinates[c].default_value;
        locks.push_back(lock);
      }
    try {
      std::vector<mb::BushingSpec> bushings;
      for (const Bushing& b : m->bushings) bushings.push_back(b.spec);
      m->multibody = std::make_shared<const mb::System>(specs_, couplers, points, bushings, locks);
    } catch (const std::exception& e) {
      throw InputError(r_.file, 0, "ConstraintSet", std::string("Simbody cannot build the constraints: ") + e.what());
    }
  }
  finish_model_topology(*m);
  // Every free coordinate is balanced; a coupled one through the coordinate it follows.
  for (std::size_t c = 0; c < m->coordinates.size(); ++c) {
    const bool dependent = std::any_of(m->couplers.begin(), m->couplers.end(),
                                       [&](const CoordinateCoupler& k) { return k.dependent == static_cast<int>(c); });
    if (!m->coordinates[c].locked && !dependent) m->equilibrium_coordinates.push_back(static_cast<int>(c));
  }
  m->rotations_about_child_origin = false;
  m->mass_kg = m->total_mass_kg();

  report_.imported.insert(report_.imported.begin(),
                          {fmt::format("bodies: {}", m->bodies.size()), fmt::format("joints: {}", m->joints.size()),
                           fmt::format("coordinates: {}", m->coordinates.size()),
                           fmt::format("muscles: {}", m->muscles.size()),
                           fmt::format("actuators: {} (coordinate {}, torque {}, point {})", m->actuators.size(),
                                       count_kind(*m, Actuator::Kind::coordinate), count_kind(*m, Actuator::Kind::torque),
                                       count_kind(*m, Actuator::Kind::point)),
                           fmt::format("coordinate limit forces: {}, coordinate springs: {}, point-to-point springs: {}, "
                                       "path forces (ligaments, path springs): {}, bushings: {}",
                                       m->limit_forces.size(), m->coordinate_springs.size(), m->springs.size(),
                                       m->path_forces.size(), m->bushings.size()),
                           fmt::format("markers: {}", m->markers.size()),
                           fmt::format("frames: {}", m->frames.size())});
  if (visual_ > 0) report_.ignored.push_back(fmt::format("visual geometry: {} elements", visual_));
  ImportedModel out;
  out.model = m;
  out.report = report_;
  return out;
}

}  // namespace osim_detail

using osim_detail::Importer;


ImportedModel import_osim_text(const std::string& content, const std::string& file,
                               const std::vector<ForceSetFile>& force_sets, bool replace_force_set) {
  Importer importer(content, file, force_sets, replace_force_set);
  ImportedModel out = importer.run();
  for (const auto& name : importer.wrapped_)
    out.report.imported.push_back("muscle " + name + ": path with its wrap objects");
  return out;
}

ImportedModel import_osim_file(const std::string& path, const std::vector<std::string>& force_set_files,
                               bool replace_force_set) {
  std::vector<ForceSetFile> sets;
  for (const std::string& f : force_set_files) sets.push_back({f, yaml::read_text_file(f)});
  return import_osim_text(yaml::read_text_file(path), path, sets, replace_force_set);
}

std::string format_import_report(const ImportedModel& im) {
  const ImportReport& r = im.report;
  std::string s = fmt::format("model '{}' from {} (OpenSim document version {}, {} layout)\n", im.model->name, r.file,
                              r.document_version, r.layout);
  s += "imported:\n";
  for (const auto& line : r.imported) s += "  " + line + "\n";
  s += fmt::format("  total mass {:.4f} kg, gravity [{:g} {:g} {:g}] m/s^2\n", im.model->total_mass_kg(),
                   im.model->gravity_m_s2.x(), im.model->gravity_m_s2.y(), im.model->gravity_m_s2.z());
  if (!r.ignored.empty()) {
    s += "ignored (not needed for loads):\n";
    for (const auto& line : r.ignored) s += "  " + line + "\n";
  }
  if (!r.warnings.empty()) {
    s += "accepted as OpenSim accepts it (warnings):\n";
    for (const auto& line : r.warnings) s += "  " + line + "\n";
  }
  if (r.unsupported.empty()) {
    s += "not supported: nothing\n";
  } else {
    s += "not supported (analyses that depend on these refuse to run):\n";
    for (const auto& n : r.unsupported) s += fmt::format("  {} ({}), line {}: {}\n", n.name, n.type, n.line, n.why);
  }
  return s;
}

void require_supported(const ImportedModel& im, bool muscles, const std::string& analysis) {
  std::string list;
  for (const auto& n : im.report.unsupported)
    if (n.affects_kinematics || (muscles && n.affects_muscles))
      list += (list.empty() ? "" : ", ") + n.name + " (" + n.type + ")";
  if (!list.empty())
    throw InputError(im.report.file, 0, analysis,
                     "refused: the result would depend on what the import does not support: " + list);
}

}  // namespace spineload
