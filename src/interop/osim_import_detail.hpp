// Stage interop, import (internal): the reader every part of the .osim import shares (its
// errors name the file, the element's line and its path), the elements as read before the
// model is built, and the Importer whose parts live in osim_import.cpp (the run),
// osim_import_bodies.cpp (bodies, joints, constraints, markers), osim_import_forces.cpp
// (forces and actuators) and osim_import_paths.cpp (muscle paths and wrap objects). Only
// those files include it.
#pragma once
#include <tinyxml2.h>

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/errors.hpp"
#include "common/expression.hpp"
#include "interop/functions.hpp"
#include "interop/osim_import.hpp"
#include "interop/xml.hpp"
#include "io/yaml_util.hpp"
#include "muscles/millard2012.hpp"

namespace spineload::osim_detail {

using tinyxml2::XMLElement;

// Reading helpers: every error names the file, the element's line and its path.
struct Reader {
  std::string file;

  [[noreturn]] void fail(const XMLElement* e, const std::string& field, const std::string& msg) const {
    throw InputError(file, e ? e->GetLineNum() : 0, field, msg);
  }
  static const XMLElement* child(const XMLElement* e, const char* name) {
    return e ? e->FirstChildElement(name) : nullptr;
  }
  // The first child element named any of `names`.
  static const XMLElement* child_any(const XMLElement* e, std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (const XMLElement* c = child(e, n)) return c;
    return nullptr;
  }
  static std::string text(const XMLElement* e) { return xml::text(e); }
  // OpenSim writes and reads Inf, -Inf and NaN (any case, also Infinity) in numeric
  // properties; strtod takes the same spellings. Where a value must be finite (most
  // fields), the error says so; fields that may be unbounded ask for `infinite_ok`.
  std::vector<double> numbers(const XMLElement* e, const std::string& field, bool infinite_ok = false) const {
    std::vector<double> v;
    std::istringstream in(text(e));
    std::string tok;
    while (in >> tok) {
      char* end = nullptr;
      const double x = std::strtod(tok.c_str(), &end);
      if (end == tok.c_str() || *end != '\0') fail(e, field, "not a number: '" + tok + "'");
      if (std::isnan(x) || (std::isinf(x) && !infinite_ok))
        fail(e, field, "'" + tok + "' is a number OpenSim can write, but this value must be finite");
      v.push_back(x);
    }
    return v;
  }
  // A bound that OpenSim leaves unbounded at +-Inf (controls, coordinate ranges).
  double bound(const XMLElement* e, const std::string& field, double fallback) const {
    if (!e || text(e).empty()) return fallback;
    const auto v = numbers(e, field, true);
    if (v.size() != 1) fail(e, field, "expected one number");
    return v[0];
  }
  double number(const XMLElement* e, const std::string& field, double fallback) const {
    if (!e || text(e).empty()) return fallback;
    const auto v = numbers(e, field);
    if (v.size() != 1) fail(e, field, "expected one number");
    return v[0];
  }
  Eigen::Vector3d vec3(const XMLElement* e, const std::string& field) const {
    if (!e || text(e).empty()) return Eigen::Vector3d::Zero();
    const auto v = numbers(e, field);
    if (v.size() != 3) fail(e, field, "expected three numbers");
    return {v[0], v[1], v[2]};
  }
  static bool flag(const XMLElement* e, bool fallback) {
    const std::string t = text(e);
    if (t.empty()) return fallback;
    return t == "true" || t == "1";
  }
  static std::vector<std::string> words(const XMLElement* e) { return xml::words(e); }
};

inline long count_kind(const Model& m, Actuator::Kind kind) {
  return std::count_if(m.actuators.begin(), m.actuators.end(), [&](const Actuator& a) { return a.kind == kind; });
}

// An unbounded control (OpenSim's -Inf, Inf) as the optimiser's bound.
constexpr double kUnboundedControl = 1e6;

// OpenSim's repair of an inertia Simbody refuses (Body::getInertia, read in opensim-core):
// a massless body gets no inertia; one whose moments break the triangle inequality, or
// whose products exceed what the moments allow, a sphere's, each moment the RMS of the
// three given. The check is Simbody's own (Inertia::errChk), with its slop.
inline bool inertia_is_physical(const Eigen::Matrix3d& I) {
  const Eigen::Vector3d d = I.diagonal();
  if (!I.allFinite() || d.minCoeff() < 0) return false;
  const double slop = std::max(d.sum(), 1.0) * std::sqrt(std::numeric_limits<double>::epsilon());
  return d[0] + d[1] + slop >= d[2] && d[0] + d[2] + slop >= d[1] && d[1] + d[2] + slop >= d[0] &&
         d[0] + slop >= std::abs(2 * I(1, 2)) && d[1] + slop >= std::abs(2 * I(0, 2)) && d[2] + slop >= std::abs(2 * I(0, 1));
}

// OpenSim orientations are body-fixed X-Y-Z Euler angles.
inline Eigen::Matrix3d xyz_body_fixed(const Eigen::Vector3d& a) {
  return (Eigen::AngleAxisd(a.x(), Eigen::Vector3d::UnitX()) * Eigen::AngleAxisd(a.y(), Eigen::Vector3d::UnitY()) *
          Eigen::AngleAxisd(a.z(), Eigen::Vector3d::UnitZ()))
      .toRotationMatrix();
}

inline Eigen::Isometry3d transform(const Eigen::Vector3d& translation, const Eigen::Vector3d& orientation) {
  Eigen::Isometry3d x = Eigen::Isometry3d::Identity();
  x.linear() = xyz_body_fixed(orientation);
  x.translation() = translation;
  return x;
}

// A path to a frame or body ("/bodyset/r_humerus", "../ground", "r_humerus_offset"): its
// last component.
inline std::string last_component(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct BodyIn {
  std::string name;
  const XMLElement* element = nullptr;
  double mass = 0;
  Eigen::Vector3d com = Eigen::Vector3d::Zero();
  Eigen::Matrix3d inertia = Eigen::Matrix3d::Zero();
};

struct TransformAxisIn {
  Eigen::Vector3d axis = Eigen::Vector3d::UnitX();
  std::string coordinate;  // empty: constant
  std::shared_ptr<const mb::JointFunction> function;
};

struct CoordinateIn {
  std::string name;
  const XMLElement* element = nullptr;
  double default_value = 0, min = -INFINITY, max = INFINITY;
  bool locked = false, clamped = false;
  std::string motion_type;  // empty: from the transform
};

struct JointIn {
  std::string name, type;
  const XMLElement* element = nullptr;
  std::string parent, child;  // body names ("ground" for ground)
  Eigen::Isometry3d in_parent = Eigen::Isometry3d::Identity();
  Eigen::Isometry3d in_child = Eigen::Isometry3d::Identity();
  std::string parent_frame_name, child_frame_name;  // offset frames (4.x) or derived (3.x)
  std::vector<CoordinateIn> coordinates;
  bool weld = false;
  bool scapulothoracic = false;
  mb::ScapulothoracicSpec scapulothoracic_spec;
  std::vector<TransformAxisIn> axes;  // 6 for function-based joints
};

class Importer {
 public:
  Importer(const std::string& content, const std::string& file, const std::vector<ForceSetFile>& force_sets = {},
           bool replace_force_set = false)
      : r_{file}, force_sets_(force_sets), replace_force_set_(replace_force_set) {
    report_.file = file;
    xml::parse(doc_, content, file);
  }

  ImportedModel run();

 private:
  // ---- bodies ----
  void read_bodies(const XMLElement* model);
  void read_wrap_objects(const XMLElement* body, const std::string& body_name);
  void count_visual(const XMLElement* e);

  // ---- joints ----
  void read_joints_3x();
  void read_joints_4x(const XMLElement* model);

  // The PhysicalOffsetFrames an element owns (a joint's, a bushing's): by name, the frame
  // they are offset from and the offset.
  std::map<std::string, std::pair<std::string, Eigen::Isometry3d>> offset_frames(const XMLElement* owner,
                                                                                 const std::string& owner_name);
  JointIn read_joint_common(const XMLElement* j);
  CoordinateIn read_coordinate(const XMLElement* c);

  // The six transform axes of the joint, by type.
  void finish_joint(const XMLElement* j, JointIn& joint);

  // Simbody needs the three rotation axes, and the three translation axes, independent. As
  // OpenSim does, an undriven axis that is not gets replaced by one that is; a driven one
  // is an error.
  void independent_axes(const XMLElement* j, JointIn& joint);
  std::shared_ptr<const mb::JointFunction> read_function(const XMLElement* f, const std::string& ctx);

  // ---- the multibody tree ----
  void build(Model& m);
  int body_ref(const std::string& ref, const Model& m, const XMLElement* at, const std::string& field) const;

  // ---- forces ----
  void read_forces(const XMLElement* force_set, Model& m);

  // The coordinate a force or actuator names (`coordinate`, or a 4.x socket path).
  int coordinate_of(const XMLElement* f, const std::string& name, const Model& m) const;

  // Controls as OpenSim bounds them: unbounded by default (-Inf, Inf), which becomes a bound
  // that keeps the optimum finite and that no optimum reaches.
  void read_controls(const XMLElement* f, const std::string& name, Actuator& a);

  // OpenSim's TorqueActuator (torque on body A about `axis`, its reaction on body B; axis in
  // ground unless torque_is_global is false) and PointActuator (a force along `direction`
  // at `point` of `body`; both in the body's frame unless point_is_global / force_is_global).
  Actuator read_body_actuator(const XMLElement* f, const std::string& type, const std::string& name, const Model& m);

  // OpenSim's CoordinateLimitForce: stiffness per degree and limits in degrees for a
  // rotational coordinate (per metre and metres for a translational one), its defaults.
  CoordinateLimitForce read_limit_force(const XMLElement* f, const std::string& name, const Model& m);

  // OpenSim 4's BushingForce (frames named by socket_frame1/2, its own offset frames in
  // <frames>) and the 3.x form (body_1/2 with location_body_1/2 and orientation_body_1/2).
  Bushing read_bushing(const XMLElement* f, const std::string& name, const Model& m);
  PathForce read_path_force(const XMLElement* f, const std::string& type, const std::string& name, const Model& m);
  void read_muscle(const XMLElement* f, const std::string& type, const std::string& name, Model& m);

  // Millard2012EquilibriumMuscle: its state defaults and its four curves' properties
  // (optional ones NaN when empty, which OpenSim fills with its fitted curve), the curves
  // built here once as OpenSim's buildMuscle builds them.
  void read_millard(const XMLElement* f, const std::string& name, MuscleTendon& mt);

  // DeGrooteFregly2016Muscle: its closed-form curves' properties (OpenSim's defaults).
  void read_degroote(const XMLElement* f, const std::string& name, MuscleTendon& mt);

  // A GeometryPath (muscles and path forces): its points of every kind and its wraps.
  void read_path(const XMLElement* f, const std::string& name, const Model& m, Muscle& mu);
  void read_markers(const XMLElement* model, Model& m);
  void read_constraints(const XMLElement* model, Model& m);

 public:
  std::set<std::string> unsupported_muscles_, wrapped_;
  std::vector<mb::BodySpec> specs_;  // the bodies as built, for a rebuild with the couplers

 private:
  Reader r_;
  tinyxml2::XMLDocument doc_;
  std::vector<ForceSetFile> force_sets_;
  bool replace_force_set_ = false;
  std::vector<std::unique_ptr<tinyxml2::XMLDocument>> extra_docs_;
  ImportReport report_;
  std::vector<BodyIn> bodies_;
  std::map<std::string, int> body_index_;
  std::vector<JointIn> joints_;
  std::map<std::string, int> wrap_objects_;  // name -> index in wraps_in_, -1 unsupported
  std::vector<std::pair<WrapObject, std::string>> wraps_in_;  // with the name of its body
  std::set<std::string> unsupported_wraps_;
  const XMLElement* ground_3x_ = nullptr;
  int visual_ = 0;
};

}  // namespace spineload::osim_detail
