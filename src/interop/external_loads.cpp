#include "interop/external_loads.hpp"

#include <tinyxml2.h>

#include <algorithm>
#include <filesystem>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "interop/xml.hpp"
#include "io/yaml_util.hpp"

namespace spineload {

namespace {

}  // namespace

ExternalLoadsSpec read_external_loads(const Model& model, const std::string& path) {
  tinyxml2::XMLDocument doc;
  xml::parse(doc, yaml::read_text_file(path), path);
  const tinyxml2::XMLElement* root = doc.RootElement();
  const tinyxml2::XMLElement* el = std::string(root->Name()) == "ExternalLoads" ? root : root->FirstChildElement("ExternalLoads");
  if (!el) throw InputError(path, root->GetLineNum(), "ExternalLoads", "not an OpenSim external loads file");
  ExternalLoadsSpec spec;
  spec.file = path;
  const std::string datafile = xml::text(el->FirstChildElement("datafile"));
  if (datafile.empty()) throw InputError(path, el->GetLineNum(), "datafile", "the external loads name no data file");
  const std::filesystem::path dp = std::filesystem::path(datafile).is_absolute()
                                       ? std::filesystem::path(datafile)
                                       : std::filesystem::path(path).parent_path() / datafile;
  spec.data = read_storage_file(dp.string());
  auto body_of = [&](const tinyxml2::XMLElement* e, const char* field, const std::string& ctx) {
    const std::string name = xml::text(e->FirstChildElement(field));
    if (name.empty() || name == "ground") return -1;
    const int b = model.body_index(name);
    if (b < 0) throw InputError(path, e->GetLineNum(), ctx + "." + field, "body '" + name + "' does not exist");
    return b;
  };
  auto cols = [&](const tinyxml2::XMLElement* e, const char* field, const std::string& ctx, bool required) {
    std::array<int, 3> c{-1, -1, -1};
    const std::string prefix = xml::text(e->FirstChildElement(field));
    if (prefix.empty()) {
      if (required) throw InputError(path, e->GetLineNum(), ctx + "." + field, "missing");
      return c;
    }
    const char* axes[] = {"x", "y", "z"};
    for (int k = 0; k < 3; ++k) {
      c[k] = spec.data.column(prefix + axes[k]);
      if (c[k] < 0)
        throw InputError(path, e->GetLineNum(), ctx + "." + field,
                         "no column '" + prefix + axes[k] + "' in " + dp.filename().string());
    }
    return c;
  };
  const tinyxml2::XMLElement* objects = el->FirstChildElement("objects");
  for (const auto* f = objects ? objects->FirstChildElement("ExternalForce") : nullptr; f;
       f = f->NextSiblingElement("ExternalForce")) {
    ExternalForceSpec x;
    x.name = f->Attribute("name") ? f->Attribute("name") : "force";
    const std::string applied = xml::text(f->FirstChildElement("applied_to_body"));
    x.body = model.body_index(applied);
    if (x.body < 0) throw InputError(path, f->GetLineNum(), x.name + ".applied_to_body", "body '" + applied + "' does not exist");
    x.force_frame = body_of(f, "force_expressed_in_body", x.name);
    x.point_frame = body_of(f, "point_expressed_in_body", x.name);
    x.force_cols = cols(f, "force_identifier", x.name, true);
    x.point_cols = cols(f, "point_identifier", x.name, false);
    x.torque_cols = cols(f, "torque_identifier", x.name, false);
    spec.forces.push_back(x);
  }
  return spec;
}

void apply_external_loads(const Model& model, Data& data, const ExternalLoadsSpec& loads, double t) {
  auto vec = [&](const std::array<int, 3>& c) {
    return c[0] < 0 ? Eigen::Vector3d::Zero()
                    : Eigen::Vector3d(loads.data.value_at(c[0], t), loads.data.value_at(c[1], t), loads.data.value_at(c[2], t));
  };
  auto rotation = [&](int b) { return b < 0 ? Eigen::Matrix3d(Eigen::Matrix3d::Identity()) : Eigen::Matrix3d(data.pose[b].linear()); };
  for (const ExternalForceSpec& f : loads.forces) {
    const Eigen::Vector3d force = rotation(f.force_frame) * vec(f.force_cols);
    const Eigen::Vector3d torque = rotation(f.force_frame) * vec(f.torque_cols);
    // No point given: the force acts at the body's origin.
    const Eigen::Vector3d point =
        f.point_cols[0] < 0 ? Eigen::Vector3d(data.pose[f.body].translation()) : world_point(data, f.point_frame, vec(f.point_cols));
    data.applied[f.body].force_N += force;
    data.applied[f.body].moment_Nm += (point - data.pose[f.body].translation()).cross(force) + torque;
  }
  (void)model;
}

}  // namespace spineload
