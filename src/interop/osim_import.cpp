#include "interop/osim_import.hpp"

#include <tinyxml2.h>

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <set>
#include <tuple>
#include <limits>
#include <sstream>

#include "common/errors.hpp"
#include "common/expression.hpp"
#include "interop/functions.hpp"
#include "interop/xml.hpp"
#include "muscles/millard2012.hpp"
#include "io/yaml_util.hpp"

namespace spineload {

namespace {

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

long count_kind(const Model& m, Actuator::Kind kind) {
  return std::count_if(m.actuators.begin(), m.actuators.end(), [&](const Actuator& a) { return a.kind == kind; });
}

// An unbounded control (OpenSim's -Inf, Inf) as the optimiser's bound.
constexpr double kUnboundedControl = 1e6;

// OpenSim's repair of an inertia Simbody refuses (Body::getInertia, read in opensim-core):
// a massless body gets no inertia; one whose moments break the triangle inequality, or
// whose products exceed what the moments allow, a sphere's, each moment the RMS of the
// three given. The check is Simbody's own (Inertia::errChk), with its slop.
bool inertia_is_physical(const Eigen::Matrix3d& I) {
  const Eigen::Vector3d d = I.diagonal();
  if (!I.allFinite() || d.minCoeff() < 0) return false;
  const double slop = std::max(d.sum(), 1.0) * std::sqrt(std::numeric_limits<double>::epsilon());
  return d[0] + d[1] + slop >= d[2] && d[0] + d[2] + slop >= d[1] && d[1] + d[2] + slop >= d[0] &&
         d[0] + slop >= std::abs(2 * I(1, 2)) && d[1] + slop >= std::abs(2 * I(0, 2)) && d[2] + slop >= std::abs(2 * I(0, 1));
}

// OpenSim orientations are body-fixed X-Y-Z Euler angles.
Eigen::Matrix3d xyz_body_fixed(const Eigen::Vector3d& a) {
  return (Eigen::AngleAxisd(a.x(), Eigen::Vector3d::UnitX()) * Eigen::AngleAxisd(a.y(), Eigen::Vector3d::UnitY()) *
          Eigen::AngleAxisd(a.z(), Eigen::Vector3d::UnitZ()))
      .toRotationMatrix();
}

Eigen::Isometry3d transform(const Eigen::Vector3d& translation, const Eigen::Vector3d& orientation) {
  Eigen::Isometry3d x = Eigen::Isometry3d::Identity();
  x.linear() = xyz_body_fixed(orientation);
  x.translation() = translation;
  return x;
}

// A path to a frame or body ("/bodyset/r_humerus", "../ground", "r_humerus_offset"): its
// last component.
std::string last_component(const std::string& path) {
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

  ImportedModel run() {
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

 private:
  // ---- bodies ----
  void read_bodies(const XMLElement* model) {
    const XMLElement* objects = Reader::child(Reader::child(model, "BodySet"), "objects");
    if (!objects) r_.fail(model, "BodySet", "the model has no BodySet");
    for (const XMLElement* b = objects->FirstChildElement("Body"); b; b = b->NextSiblingElement("Body")) {
      BodyIn body;
      body.element = b;
      body.name = b->Attribute("name") ? b->Attribute("name") : "";
      const std::string ctx = "Body " + body.name;
      if (body.name.empty()) r_.fail(b, "Body", "a body has no name");
      count_visual(b);
      read_wrap_objects(b, body.name);
      if (body.name == "ground") {
        ground_3x_ = b;
        continue;
      }
      body.mass = r_.number(Reader::child(b, "mass"), ctx + ".mass", 0);
      if (!(body.mass >= 0)) r_.fail(Reader::child(b, "mass"), ctx + ".mass", "negative mass");
      body.com = r_.vec3(Reader::child(b, "mass_center"), ctx + ".mass_center");
      if (const XMLElement* in = Reader::child(b, "inertia")) {
        const auto v = r_.numbers(in, ctx + ".inertia");
        if (v.size() != 6) r_.fail(in, ctx + ".inertia", "expected six numbers (xx yy zz xy xz yz)");
        body.inertia << v[0], v[3], v[4], v[3], v[1], v[5], v[4], v[5], v[2];
      } else {
        auto get = [&](const char* n) { return r_.number(Reader::child(b, n), ctx + "." + n, 0); };
        // Read before the comma initialiser: an error thrown half-way through it trips
        // Eigen's check that every coefficient was given.
        const double xx = get("inertia_xx"), yy = get("inertia_yy"), zz = get("inertia_zz");
        const double xy = get("inertia_xy"), xz = get("inertia_xz"), yz = get("inertia_yz");
        body.inertia << xx, xy, xz, xy, yy, yz, xz, yz, zz;
      }
      if (body.mass <= std::numeric_limits<double>::epsilon() && !body.inertia.isZero()) {
        report_.warnings.push_back(fmt::format("Body {} (line {}): massless with an inertia; the inertia is set to zero, as OpenSim does",
                                               body.name, b->GetLineNum()));
        body.inertia.setZero();
      } else if (!inertia_is_physical(body.inertia)) {
        const Eigen::Vector3d d = body.inertia.diagonal();
        const double sphere = d.norm() / std::sqrt(3.0);
        report_.warnings.push_back(fmt::format(
            "Body {} (line {}): inertia [{:g} {:g} {:g}; {:g} {:g} {:g}] is not physical (triangle inequality or products); "
            "replaced, as OpenSim does, by a sphere's with moments {:g} kg m^2",
            body.name, b->GetLineNum(), d[0], d[1], d[2], body.inertia(0, 1), body.inertia(0, 2), body.inertia(1, 2), sphere));
        body.inertia = sphere * Eigen::Matrix3d::Identity();
      }
      if (body_index_.count(body.name)) r_.fail(b, ctx, "duplicate body name");
      body_index_[body.name] = static_cast<int>(bodies_.size());
      bodies_.push_back(body);
    }
    if (bodies_.empty()) r_.fail(objects, "BodySet", "the model has no bodies besides ground");
  }

  void read_wrap_objects(const XMLElement* body, const std::string& body_name) {
    const XMLElement* objects = Reader::child(Reader::child(body, "WrapObjectSet"), "objects");
    for (const XMLElement* w = objects ? objects->FirstChildElement() : nullptr; w; w = w->NextSiblingElement()) {
      const std::string name = w->Attribute("name") ? w->Attribute("name") : "";
      const std::string type = w->Name();
      const std::string ctx = type + " " + name;
      count_visual(w);
      if (!Reader::flag(Reader::child(w, "active"), true)) {
        report_.ignored.push_back(ctx + " (inactive)");
        continue;
      }
      WrapObject obj;
      obj.name = name;
      obj.in_body = transform(r_.vec3(Reader::child(w, "translation"), ctx + ".translation"),
                              r_.vec3(Reader::child(w, "xyz_body_rotation"), ctx + ".xyz_body_rotation"));
      if (type == "WrapCylinder") {
        obj.shape = WrapObject::Shape::cylinder;
        obj.dimensions_m = {r_.number(Reader::child(w, "radius"), ctx + ".radius", 0),
                            r_.number(Reader::child(w, "length"), ctx + ".length", 1), 0};
      } else if (type == "WrapSphere") {
        obj.shape = WrapObject::Shape::sphere;
        obj.dimensions_m = Eigen::Vector3d::Constant(r_.number(Reader::child(w, "radius"), ctx + ".radius", 0));
      } else if (type == "WrapEllipsoid") {
        obj.shape = WrapObject::Shape::ellipsoid;
        obj.dimensions_m = r_.vec3(Reader::child(w, "dimensions"), ctx + ".dimensions");
        report_.imported.push_back(ctx + ": wrapped in the plane through its centre (OpenSim's ellipsoid methods differ slightly)");
      } else if (type == "WrapTorus") {
        obj.shape = WrapObject::Shape::torus;
        obj.dimensions_m = {r_.number(Reader::child(w, "inner_radius"), ctx + ".inner_radius", 0),
                            r_.number(Reader::child(w, "outer_radius"), ctx + ".outer_radius", 0), 0};
        if (!(obj.dimensions_m.y() > obj.dimensions_m.x()))
          r_.fail(w, ctx + ".outer_radius", "must exceed inner_radius (the tube must leave a hole)");
      } else {
        report_.unsupported.push_back({name, type, "wrap object type not supported: muscles that wrap over it refuse analysis",
                                       w->GetLineNum(), false, true});
        unsupported_wraps_.insert(name);
        wrap_objects_[name] = -1;
        continue;
      }
      if (!(obj.dimensions_m.x() > 0) || (obj.shape == WrapObject::Shape::ellipsoid && obj.dimensions_m.minCoeff() <= 0))
        r_.fail(w, ctx, "dimensions must be positive");
      std::string q = Reader::text(Reader::child(w, "quadrant"));
      if (!q.empty() && q != "all") {
        obj.quadrant_sign = q[0] == '-' ? -1 : 1;
        const char axis = q.back();
        if (axis != 'x' && axis != 'y' && axis != 'z') r_.fail(Reader::child(w, "quadrant"), ctx + ".quadrant", "expected x, y, z, -x, -y, -z or all");
        obj.quadrant_axis = axis - 'x';
      }
      wrap_objects_[name] = static_cast<int>(wraps_in_.size());
      wraps_in_.push_back({obj, body_name});
    }
  }

  void count_visual(const XMLElement* e) {
    for (const char* n : {"VisibleObject", "attached_geometry", "FrameGeometry"})
      for (const XMLElement* v = e->FirstChildElement(n); v; v = v->NextSiblingElement(n)) ++visual_;
  }

  // ---- joints ----
  void read_joints_3x() {
    for (const BodyIn& body : bodies_) {
      const XMLElement* holder = Reader::child_any(body.element, {"Joint", "joint"});
      const XMLElement* j = holder ? holder->FirstChildElement() : nullptr;
      if (!j) r_.fail(body.element, "Body " + body.name, "body has no joint to its parent");
      JointIn joint = read_joint_common(j);
      joint.child = body.name;
      joint.parent = Reader::text(Reader::child(j, "parent_body"));
      if (joint.parent.empty()) r_.fail(j, joint.name + ".parent_body", "missing parent body");
      joint.in_parent = transform(r_.vec3(Reader::child(j, "location_in_parent"), joint.name + ".location_in_parent"),
                                  r_.vec3(Reader::child(j, "orientation_in_parent"), joint.name + ".orientation_in_parent"));
      joint.in_child = transform(r_.vec3(Reader::child(j, "location"), joint.name + ".location"),
                                 r_.vec3(Reader::child(j, "orientation"), joint.name + ".orientation"));
      // OpenSim 4 names these frames when it reads an older file: <joint>/<body>_offset.
      joint.parent_frame_name = joint.parent + "_offset";
      joint.child_frame_name = joint.child + "_offset";
      const XMLElement* cs = Reader::child(Reader::child(j, "CoordinateSet"), "objects");
      for (const XMLElement* c = cs ? cs->FirstChildElement("Coordinate") : nullptr; c; c = c->NextSiblingElement("Coordinate"))
        joint.coordinates.push_back(read_coordinate(c));
      finish_joint(j, joint);
      joints_.push_back(joint);
    }
  }

  void read_joints_4x(const XMLElement* model) {
    const XMLElement* objects = Reader::child(Reader::child(model, "JointSet"), "objects");
    for (const XMLElement* j = objects ? objects->FirstChildElement() : nullptr; j; j = j->NextSiblingElement()) {
      JointIn joint = read_joint_common(j);
      // Offset frames owned by the joint, then the sockets naming which frame is which.
      const auto frames = offset_frames(j, joint.name);
      auto resolve = [&](const char* socket, std::string& body, Eigen::Isometry3d& x, std::string& frame_name) {
        const XMLElement* s = Reader::child_any(j, {socket});
        const std::string ref = last_component(Reader::text(s));
        if (ref.empty()) r_.fail(j, joint.name + "." + socket, "missing");
        const auto it = frames.find(ref);
        if (it != frames.end()) {
          body = it->second.first;
          x = it->second.second;
          frame_name = ref;
        } else {
          body = ref;
          x = Eigen::Isometry3d::Identity();
        }
      };
      resolve("socket_parent_frame", joint.parent, joint.in_parent, joint.parent_frame_name);
      resolve("socket_child_frame", joint.child, joint.in_child, joint.child_frame_name);
      const XMLElement* cs = Reader::child(j, "coordinates");
      for (const XMLElement* c = cs ? cs->FirstChildElement("Coordinate") : nullptr; c; c = c->NextSiblingElement("Coordinate"))
        joint.coordinates.push_back(read_coordinate(c));
      finish_joint(j, joint);
      joints_.push_back(joint);
    }
  }

  // The PhysicalOffsetFrames an element owns (a joint's, a bushing's): by name, the frame
  // they are offset from and the offset.
  std::map<std::string, std::pair<std::string, Eigen::Isometry3d>> offset_frames(const XMLElement* owner,
                                                                                 const std::string& owner_name) {
    std::map<std::string, std::pair<std::string, Eigen::Isometry3d>> frames;
    const XMLElement* fs = Reader::child(owner, "frames");
    for (const XMLElement* f = fs ? fs->FirstChildElement("PhysicalOffsetFrame") : nullptr; f;
         f = f->NextSiblingElement("PhysicalOffsetFrame")) {
      const std::string fname = f->Attribute("name") ? f->Attribute("name") : "";
      const std::string parent = last_component(Reader::text(Reader::child_any(f, {"socket_parent", "socket_parent_frame"})));
      frames[fname] = {parent, transform(r_.vec3(Reader::child(f, "translation"), owner_name + "." + fname + ".translation"),
                                         r_.vec3(Reader::child(f, "orientation"), owner_name + "." + fname + ".orientation"))};
      count_visual(f);
    }
    return frames;
  }

  JointIn read_joint_common(const XMLElement* j) {
    JointIn joint;
    joint.element = j;
    joint.type = j->Name();
    joint.name = j->Attribute("name") ? j->Attribute("name") : "";
    if (joint.name.empty()) r_.fail(j, joint.type, "a joint has no name");
    return joint;
  }

  CoordinateIn read_coordinate(const XMLElement* c) {
    CoordinateIn coord;
    coord.element = c;
    coord.name = c->Attribute("name") ? c->Attribute("name") : "";
    const std::string ctx = "Coordinate " + coord.name;
    coord.default_value = r_.number(Reader::child(c, "default_value"), ctx + ".default_value", 0);
    if (const XMLElement* range = Reader::child(c, "range")) {
      const auto v = r_.numbers(range, ctx + ".range", true);  // +-Inf: unbounded
      if (v.size() != 2) r_.fail(range, ctx + ".range", "expected two numbers");
      coord.min = v[0];
      coord.max = v[1];
      if (coord.min > coord.max) r_.fail(range, ctx + ".range", "minimum above maximum");
    }
    coord.clamped = Reader::flag(Reader::child(c, "clamped"), false);
    coord.locked = Reader::flag(Reader::child(c, "locked"), false);
    coord.motion_type = Reader::text(Reader::child(c, "motion_type"));
    const XMLElement* pf = Reader::child(c, "prescribed_function");
    if ((pf && pf->FirstChildElement()) || Reader::flag(Reader::child(c, "prescribed"), false))
      report_.unsupported.push_back({coord.name, "Coordinate",
                                     "prescribed function: the coordinate is taken from the motion instead",
                                     c->GetLineNum(), false, false});
    return coord;
  }

  // The six transform axes of the joint, by type.
  void finish_joint(const XMLElement* j, JointIn& joint) {
    auto axis_fn = [&](const Eigen::Vector3d& axis, int coord) {
      TransformAxisIn t;
      t.axis = axis;
      if (coord >= 0) {
        if (coord >= static_cast<int>(joint.coordinates.size()))
          r_.fail(j, joint.name, fmt::format("a {} needs {} coordinates", joint.type, coord + 1));
        t.coordinate = joint.coordinates[coord].name;
        t.function = linear_function(1, 0);
      }
      return t;
    };
    const Eigen::Vector3d X = Eigen::Vector3d::UnitX(), Y = Eigen::Vector3d::UnitY(), Z = Eigen::Vector3d::UnitZ();
    const std::string& t = joint.type;
    if (t == "CustomJoint") {
      const XMLElement* st = Reader::child(j, "SpatialTransform");
      if (!st) r_.fail(j, joint.name + ".SpatialTransform", "a CustomJoint needs a SpatialTransform");
      const char* names[] = {"rotation1", "rotation2", "rotation3", "translation1", "translation2", "translation3"};
      const Eigen::Vector3d defaults[] = {X, Y, Z, X, Y, Z};
      for (int k = 0; k < 6; ++k) {
        const XMLElement* ta = nullptr;
        for (const XMLElement* e = st->FirstChildElement("TransformAxis"); e; e = e->NextSiblingElement("TransformAxis"))
          if (e->Attribute("name") && names[k] == std::string(e->Attribute("name"))) ta = e;
        TransformAxisIn axis;
        axis.axis = defaults[k];
        if (ta) {
          const std::string ctx = joint.name + "." + names[k];
          if (Reader::child(ta, "axis")) axis.axis = r_.vec3(Reader::child(ta, "axis"), ctx + ".axis");
          if (axis.axis.norm() < 1e-12) r_.fail(ta, ctx + ".axis", "zero axis");
          const auto coords = Reader::words(Reader::child(ta, "coordinates"));
          if (coords.size() > 1)
            r_.fail(ta, ctx + ".coordinates", "a transform axis driven by more than one coordinate is not supported");
          const XMLElement* fn = Reader::child(ta, "function");
          const XMLElement* fe = fn ? fn->FirstChildElement() : nullptr;
          if (!fe) fe = Reader::child_any(ta, {"LinearFunction", "Constant", "SimmSpline", "NaturalCubicSpline",
                                               "PiecewiseLinearFunction", "MultiplierFunction", "PolynomialFunction"});
          if (!coords.empty()) axis.coordinate = coords[0];
          if (fe) axis.function = read_function(fe, ctx + ".function");
          else if (!coords.empty()) axis.function = linear_function(1, 0);
          if (axis.function && axis.function->num_arguments() == 0) axis.coordinate.clear();
          if (!axis.coordinate.empty() &&
              std::none_of(joint.coordinates.begin(), joint.coordinates.end(),
                           [&](const CoordinateIn& c) { return c.name == axis.coordinate; }))
            r_.fail(ta, ctx + ".coordinates", "coordinate '" + axis.coordinate + "' is not one of the joint's");
        }
        joint.axes.push_back(axis);
      }
      independent_axes(j, joint);
    } else if (t == "WeldJoint") {
      joint.weld = true;
    } else if (t == "ScapulothoracicJoint") {
      // Abduction, elevation, upward rotation (the ellipsoid mobiliser's three angles) and
      // winging, in the order the joint lists them (OpenSim's).
      if (joint.coordinates.size() != 4)
        r_.fail(j, joint.name, fmt::format("a ScapulothoracicJoint has 4 coordinates, not {}", joint.coordinates.size()));
      joint.scapulothoracic = true;
      mb::ScapulothoracicSpec& st = joint.scapulothoracic_spec;
      const XMLElement* radii = Reader::child(j, "thoracic_ellipsoid_radii_x_y_z");
      if (!radii) r_.fail(j, joint.name + ".thoracic_ellipsoid_radii_x_y_z", "missing");
      st.radii_m = r_.vec3(radii, joint.name + ".thoracic_ellipsoid_radii_x_y_z");
      if (!(st.radii_m.minCoeff() > 0)) r_.fail(radii, joint.name + ".thoracic_ellipsoid_radii_x_y_z", "radii must be positive");
      if (const XMLElement* o = Reader::child(j, "scapula_winging_axis_origin")) {
        const auto v = r_.numbers(o, joint.name + ".scapula_winging_axis_origin");
        if (v.size() != 2) r_.fail(o, joint.name + ".scapula_winging_axis_origin", "expected two numbers");
        st.winging_origin_m = Eigen::Vector2d(v[0], v[1]);
      }
      st.winging_direction_rad =
          r_.number(Reader::child(j, "scapula_winging_axis_direction"), joint.name + ".scapula_winging_axis_direction", 0);
    } else if (t == "PinJoint") {
      joint.axes = {axis_fn(Z, 0), axis_fn(X, -1), axis_fn(Y, -1), axis_fn(X, -1), axis_fn(Y, -1), axis_fn(Z, -1)};
    } else if (t == "SliderJoint") {
      joint.axes = {axis_fn(X, -1), axis_fn(Y, -1), axis_fn(Z, -1), axis_fn(X, 0), axis_fn(Y, -1), axis_fn(Z, -1)};
    } else if (t == "BallJoint" || t == "GimbalJoint") {
      joint.axes = {axis_fn(X, 0), axis_fn(Y, 1), axis_fn(Z, 2), axis_fn(X, -1), axis_fn(Y, -1), axis_fn(Z, -1)};
    } else if (t == "UniversalJoint") {
      joint.axes = {axis_fn(X, 0), axis_fn(Y, 1), axis_fn(Z, -1), axis_fn(X, -1), axis_fn(Y, -1), axis_fn(Z, -1)};
    } else if (t == "FreeJoint") {
      joint.axes = {axis_fn(X, 0), axis_fn(Y, 1), axis_fn(Z, 2), axis_fn(X, 3), axis_fn(Y, 4), axis_fn(Z, 5)};
    } else if (t == "PlanarJoint") {
      joint.axes = {axis_fn(Z, 0), axis_fn(X, -1), axis_fn(Y, -1), axis_fn(X, 1), axis_fn(Y, 2), axis_fn(Z, -1)};
    } else {
      report_.unsupported.push_back({joint.name, t, "joint type not supported: held welded, so no analysis runs",
                                     j->GetLineNum(), true, false});
      joint.weld = true;
      joint.coordinates.clear();
    }
  }

  // Simbody needs the three rotation axes, and the three translation axes, independent. As
  // OpenSim does, an undriven axis that is not gets replaced by one that is; a driven one
  // is an error.
  void independent_axes(const XMLElement* j, JointIn& joint) {
    for (int start : {0, 3}) {
      for (int k = start; k < start + 3; ++k) {
        TransformAxisIn& a = joint.axes[k];
        a.axis.normalize();
        auto dependent = [&] {
          if (k == start) return false;
          if (k == start + 1) return a.axis.cross(joint.axes[start].axis).norm() < 1e-6;
          return std::abs(a.axis.dot(joint.axes[start].axis.cross(joint.axes[start + 1].axis))) < 1e-6;
        };
        if (!dependent()) continue;
        if (!a.coordinate.empty())
          r_.fail(j, joint.name + ".SpatialTransform",
                  fmt::format("axis {} driven by '{}' is parallel to the joint's other {} axes", k + 1, a.coordinate,
                              start == 0 ? "rotation" : "translation"));
        const Eigen::Vector3d& first = joint.axes[start].axis;
        if (k == start + 1) {
          const Eigen::Vector3d helper = std::abs(first.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY();
          a.axis = first.cross(helper).normalized();
        } else {
          a.axis = first.cross(joint.axes[start + 1].axis).normalized();
        }
      }
    }
  }

  std::shared_ptr<const mb::JointFunction> read_function(const XMLElement* f, const std::string& ctx) {
    const std::string type = f->Name();
    auto xy = [&](std::vector<double>& x, std::vector<double>& y) {
      x = r_.numbers(Reader::child(f, "x"), ctx + ".x");
      y = r_.numbers(Reader::child(f, "y"), ctx + ".y");
      if (x.size() != y.size() || x.size() < 2) r_.fail(f, ctx, "x and y need the same number of values, at least two");
      for (std::size_t i = 1; i < x.size(); ++i)
        if (!(x[i] > x[i - 1])) r_.fail(Reader::child(f, "x"), ctx + ".x", "values must increase");
    };
    if (type == "Constant") return constant_function(r_.number(Reader::child(f, "value"), ctx + ".value", 0));
    if (type == "LinearFunction") {
      const auto c = r_.numbers(Reader::child(f, "coefficients"), ctx + ".coefficients");
      if (c.size() != 2) r_.fail(f, ctx + ".coefficients", "expected slope and intercept");
      return linear_function(c[0], c[1]);
    }
    if (type == "PolynomialFunction") return polynomial_function(r_.numbers(Reader::child(f, "coefficients"), ctx + ".coefficients"));
    if (type == "MultivariatePolynomialFunction") {
      const int dimension = static_cast<int>(r_.number(Reader::child(f, "dimension"), ctx + ".dimension", 0));
      const int order = static_cast<int>(r_.number(Reader::child(f, "order"), ctx + ".order", 0));
      try {
        return multivariate_polynomial(r_.numbers(Reader::child(f, "coefficients"), ctx + ".coefficients"), dimension, order);
      } catch (const std::invalid_argument& e) {
        r_.fail(f, ctx, e.what());
      }
    }
    if (type == "SimmSpline" || type == "NaturalCubicSpline" || type == "PiecewiseLinearFunction") {
      std::vector<double> x, y;
      xy(x, y);
      if (type == "PiecewiseLinearFunction") return piecewise_linear(x, y);
      return cubic_spline(x, y, type == "SimmSpline" ? SplineKind::simm : SplineKind::natural);
    }
    if (type == "MultiplierFunction") {
      const XMLElement* inner = Reader::child(f, "function");
      const XMLElement* fe = inner ? inner->FirstChildElement() : nullptr;
      if (!fe) r_.fail(f, ctx + ".function", "a MultiplierFunction needs a function");
      return multiplier_function(read_function(fe, ctx + ".function"), r_.number(Reader::child(f, "scale"), ctx + ".scale", 1));
    }
    r_.fail(f, ctx, "function type '" + type + "' is not supported");
  }

  // ---- the multibody tree ----
  void build(Model& m) {
    // Parents before children, by repeated passes; anything left over is in a cycle.
    std::vector<int> joint_of(bodies_.size(), -1);
    for (std::size_t j = 0; j < joints_.size(); ++j) {
      const JointIn& joint = joints_[j];
      if (joint.child == "ground") r_.fail(joint.element, joint.name, "ground cannot be a joint's child");
      const auto it = body_index_.find(joint.child);
      if (it == body_index_.end()) r_.fail(joint.element, joint.name, "child body '" + joint.child + "' does not exist");
      if (joint.parent != "ground" && !body_index_.count(joint.parent))
        r_.fail(joint.element, joint.name, "parent body '" + joint.parent + "' does not exist");
      if (joint_of[it->second] >= 0)
        r_.fail(joint.element, joint.name, "body '" + joint.child + "' is already the child of joint '" +
                                               joints_[joint_of[it->second]].name + "'");
      joint_of[it->second] = static_cast<int>(j);
    }
    for (std::size_t b = 0; b < bodies_.size(); ++b)
      if (joint_of[b] < 0) r_.fail(bodies_[b].element, "Body " + bodies_[b].name, "no joint connects this body to the model");
    std::vector<int> order;
    std::vector<char> placed(bodies_.size(), 0);
    for (bool progress = true; progress && order.size() < bodies_.size();) {
      progress = false;
      for (std::size_t b = 0; b < bodies_.size(); ++b) {
        if (placed[b]) continue;
        const std::string& parent = joints_[joint_of[b]].parent;
        if (parent == "ground" || placed[body_index_.at(parent)]) {
          placed[b] = 1;
          order.push_back(static_cast<int>(b));
          progress = true;
        }
      }
    }
    if (order.size() < bodies_.size())
      for (std::size_t b = 0; b < bodies_.size(); ++b)
        if (!placed[b]) {
          const JointIn& joint = joints_[joint_of[b]];
          r_.fail(joint.element, joint.name, "the joints form a cycle (body '" + bodies_[b].name + "' is its own ancestor)");
        }

    std::vector<mb::BodySpec>& specs = specs_;
    std::map<std::string, int> model_body;
    m.frames.push_back({"ground", -1, Eigen::Isometry3d::Identity()});
    for (int b : order) {
      const BodyIn& in = bodies_[b];
      const JointIn& jin = joints_[joint_of[b]];
      Body body;
      body.name = in.name;
      body.parent_joint = static_cast<int>(m.joints.size());
      body.mass_kg = in.mass;
      body.com_m = in.com;
      body.inertia_kg_m2 = in.inertia.diagonal();
      body.products_kg_m2 = {in.inertia(0, 1), in.inertia(0, 2), in.inertia(1, 2)};
      const int bi = static_cast<int>(m.bodies.size());
      model_body[in.name] = bi;
      m.bodies.push_back(body);
      m.frames.push_back({in.name, bi, Eigen::Isometry3d::Identity()});

      Joint joint;
      joint.name = jin.name;
      joint.child_body = bi;
      joint.parent_body = jin.parent == "ground" ? -1 : model_body.at(jin.parent);
      joint.frame_in_parent = jin.in_parent;
      joint.frame_in_child = jin.in_child;
      joint.location_in_parent_m = jin.in_parent.translation();
      mb::BodySpec spec;
      spec.parent = joint.parent_body;
      spec.frame_in_parent = jin.in_parent;
      spec.frame_in_child = jin.in_child;
      spec.mass_kg = in.mass;
      spec.com_m = in.com;
      spec.inertia_kg_m2 = in.inertia;
      std::vector<int> local(jin.coordinates.size());
      for (std::size_t c = 0; c < jin.coordinates.size(); ++c) {
        const CoordinateIn& cin = jin.coordinates[c];
        if (m.coordinate_index(cin.name) >= 0) r_.fail(cin.element, "Coordinate " + cin.name, "duplicate coordinate name");
        Coordinate coord;
        coord.name = cin.name;
        coord.joint = static_cast<int>(m.joints.size());
        coord.min_rad = cin.min;
        coord.max_rad = cin.max;
        coord.default_value = cin.default_value;
        coord.locked = cin.locked;
        coord.clamped = cin.clamped;
        coord.translational = cin.motion_type == "translational";
        if (cin.motion_type.empty()) {
          // As OpenSim decides a CustomJoint coordinate's motion type: rotational when any
          // rotation axis uses it (a knee's coupled translation does not make it a length),
          // translational when only translation axes do.
          bool in_rotation = false, in_translation = false;
          for (std::size_t k = 0; k < jin.axes.size(); ++k)
            if (jin.axes[k].coordinate == cin.name) (k < 3 ? in_rotation : in_translation) = true;
          coord.translational = in_translation && !in_rotation;
        }
        local[c] = static_cast<int>(m.coordinates.size());
        joint.coordinates.push_back(local[c]);
        m.coordinates.push_back(coord);
      }
      if (jin.weld) {
        joint.kind = spec.kind = mb::JointKind::weld;
        if (!jin.coordinates.empty())
          r_.fail(jin.element, jin.name, "a weld joint has no coordinates");
      } else if (jin.scapulothoracic) {
        joint.kind = spec.kind = mb::JointKind::scapulothoracic;
        joint.scapulothoracic = spec.scapulothoracic = jin.scapulothoracic_spec;
        spec.num_coordinates = 4;
      } else {
        joint.kind = spec.kind = mb::JointKind::transform;
        spec.num_coordinates = static_cast<int>(jin.coordinates.size());
        // Simbody's function-based mobiliser has 1 to 6 mobilities (it asserts otherwise).
        if (spec.num_coordinates < 1 || spec.num_coordinates > 6)
          r_.fail(jin.element, jin.name,
                  fmt::format("a joint with {} coordinates: a CustomJoint has 1 to 6 (a WeldJoint none)", spec.num_coordinates));
        for (const TransformAxisIn& a : jin.axes) {
          mb::TransformAxisSpec t;
          t.axis = a.axis;
          t.function = a.function;
          if (!a.coordinate.empty()) {
            const auto pos = std::find_if(jin.coordinates.begin(), jin.coordinates.end(),
                                          [&](const CoordinateIn& c) { return c.name == a.coordinate; });
            if (pos == jin.coordinates.end())
              r_.fail(jin.element, jin.name + ".SpatialTransform",
                      "a transform axis uses coordinate '" + a.coordinate + "', which is not one of the joint's");
            t.coordinates.push_back(static_cast<int>(pos - jin.coordinates.begin()));
          }
          spec.transform.push_back(t);
        }
        joint.transform = spec.transform;
      }
      m.frames.push_back({jin.name + "/" + jin.parent_frame_name, joint.parent_body, jin.in_parent});
      m.frames.push_back({jin.name + "/" + jin.child_frame_name, bi, jin.in_child});
      specs.push_back(spec);
      m.joints.push_back(joint);
    }
    try {
      m.multibody = std::make_shared<const mb::System>(specs);
    } catch (const std::exception& e) {
      throw InputError(r_.file, 0, "JointSet", std::string("Simbody cannot build the joints: ") + e.what());
    }
    m.num_q = m.multibody->num_q();
    for (auto& c : m.coordinates) {
      const Joint& joint = m.joints[c.joint];
      const auto pos = std::find(joint.coordinates.begin(), joint.coordinates.end(), &c - m.coordinates.data());
      c.mb_index = m.multibody->q_start()[joint.child_body] + static_cast<int>(pos - joint.coordinates.begin());
    }
  }

  int body_ref(const std::string& ref, const Model& m, const XMLElement* at, const std::string& field) const {
    const std::string name = last_component(ref);
    if (name == "ground") return -1;
    const int b = m.body_index(name);
    if (b < 0) r_.fail(at, field, "body '" + name + "' does not exist");
    return b;
  }

  // ---- forces ----
  void read_forces(const XMLElement* force_set, Model& m) {
    const XMLElement* objects = Reader::child(force_set, "objects");
    int muscles = 0;
    for (const XMLElement* f = objects ? objects->FirstChildElement() : nullptr; f; f = f->NextSiblingElement()) {
      const std::string type = f->Name();
      const std::string name = f->Attribute("name") ? f->Attribute("name") : "";
      const XMLElement* applies = Reader::child(f, "appliesForce");
      if (Reader::flag(Reader::child(f, "isDisabled"), false) || (applies && !Reader::flag(applies, true))) {
        report_.ignored.push_back(type + " " + name + " (disabled)");
        continue;
      }
      const bool is_muscle = type.rfind("Muscle") != std::string::npos || type == "PathActuator";
      if (is_muscle) {
        read_muscle(f, type, name, m);
        ++muscles;
      } else if (type == "CoordinateActuator") {
        Actuator a;
        a.name = name;
        a.coordinate = coordinate_of(f, name, m);
        read_controls(f, name, a);
        m.actuators.push_back(a);
      } else if (type == "TorqueActuator" || type == "PointActuator") {
        m.actuators.push_back(read_body_actuator(f, type, name, m));
      } else if (type == "BushingForce") {
        m.bushings.push_back(read_bushing(f, name, m));
      } else if (type == "Ligament" || type == "PathSpring") {
        m.path_forces.push_back(read_path_force(f, type, name, m));
      } else if (type == "CoordinateLimitForce") {
        m.limit_forces.push_back(read_limit_force(f, name, m));
      } else if (type == "SpringGeneralizedForce") {
        CoordinateSpring sp;
        sp.name = name;
        sp.coordinate = coordinate_of(f, name, m);
        sp.stiffness = r_.number(Reader::child(f, "stiffness"), name + ".stiffness", 0);
        sp.rest_length = r_.number(Reader::child(f, "rest_length"), name + ".rest_length", 0);
        sp.viscosity = r_.number(Reader::child(f, "viscosity"), name + ".viscosity", 0);
        m.coordinate_springs.push_back(sp);
      } else if (type == "ExpressionBasedCoordinateForce") {
        ExpressionCoordinateForce ef;
        ef.name = name;
        ef.coordinate = coordinate_of(f, name, m);
        const XMLElement* ex = Reader::child(f, "expression");
        ef.expression = Reader::text(ex);
        if (ef.expression.empty()) r_.fail(ex ? ex : f, name + ".expression", "missing");
        try {
          Expression check(ef.expression, {"q", "qdot"});
        } catch (const std::invalid_argument& e) {
          r_.fail(ex, name + ".expression", std::string("not an expression of q and qdot: ") + e.what());
        }
        m.expression_forces.push_back(ef);
      } else if (type == "PointToPointSpring") {
        PointToPointSpring sp;
        sp.name = name;
        for (const auto& [field, socket, body] : {std::tuple{"body1", "socket_body1", &sp.body1}, std::tuple{"body2", "socket_body2", &sp.body2}}) {
          const XMLElement* e = Reader::child_any(f, {field, socket});
          if (!e) r_.fail(f, name, std::string("a PointToPointSpring needs ") + field);
          *body = body_ref(Reader::text(e), m, e, name + "." + field);
        }
        sp.point1_m = r_.vec3(Reader::child(f, "point1"), name + ".point1");
        sp.point2_m = r_.vec3(Reader::child(f, "point2"), name + ".point2");
        sp.stiffness_N_per_m = r_.number(Reader::child(f, "stiffness"), name + ".stiffness", 1);
        sp.rest_length_m = r_.number(Reader::child(f, "rest_length"), name + ".rest_length", 0);
        if (sp.stiffness_N_per_m < 0 || sp.rest_length_m < 0) r_.fail(f, name, "stiffness and rest_length must not be negative");
        m.springs.push_back(sp);
      } else {
        report_.unsupported.push_back({name, type, "force not supported: left out of every analysis", f->GetLineNum(),
                                       false, true});
      }
    }
    // Force groups (OpenSim's ObjectGroup) name the muscle groups.
    const XMLElement* groups = Reader::child(force_set, "groups");
    for (const XMLElement* g = groups ? groups->FirstChildElement("ObjectGroup") : nullptr; g;
         g = g->NextSiblingElement("ObjectGroup"))
      for (const auto& member : Reader::words(Reader::child(g, "members"))) {
        const int k = m.muscle_index(member);
        if (k >= 0 && g->Attribute("name")) m.muscles[k].group = g->Attribute("name");
      }
  }

  // The coordinate a force or actuator names (`coordinate`, or a 4.x socket path).
  int coordinate_of(const XMLElement* f, const std::string& name, const Model& m) const {
    const XMLElement* ec = Reader::child_any(f, {"coordinate", "socket_coordinate"});
    const std::string coord = last_component(Reader::text(ec));
    const int c = m.coordinate_index(coord);
    if (c < 0) r_.fail(ec ? ec : f, name + ".coordinate", "coordinate '" + coord + "' does not exist");
    return c;
  }

  // Controls as OpenSim bounds them: unbounded by default (-Inf, Inf), which becomes a bound
  // that keeps the optimum finite and that no optimum reaches.
  void read_controls(const XMLElement* f, const std::string& name, Actuator& a) {
    a.optimal_force = r_.number(Reader::child(f, "optimal_force"), name + ".optimal_force", 1);
    a.min_control = std::max(-kUnboundedControl, r_.bound(Reader::child(f, "min_control"), name + ".min_control", -kUnboundedControl));
    a.max_control = std::min(kUnboundedControl, r_.bound(Reader::child(f, "max_control"), name + ".max_control", kUnboundedControl));
    if (!(a.max_control > a.min_control)) r_.fail(f, name + ".max_control", "max_control must exceed min_control");
  }

  // OpenSim's TorqueActuator (torque on body A about `axis`, its reaction on body B; axis in
  // ground unless torque_is_global is false) and PointActuator (a force along `direction`
  // at `point` of `body`; both in the body's frame unless point_is_global / force_is_global).
  Actuator read_body_actuator(const XMLElement* f, const std::string& type, const std::string& name, const Model& m) {
    Actuator a;
    a.name = name;
    read_controls(f, name, a);
    auto unit = [&](const char* field) {
      const Eigen::Vector3d v = r_.vec3(Reader::child(f, field), name + "." + field);
      if (!(v.norm() > 0)) r_.fail(Reader::child(f, field) ? Reader::child(f, field) : f, name + "." + field, "needs a direction (not zero)");
      return Eigen::Vector3d(v.normalized());
    };
    if (type == "TorqueActuator") {
      a.kind = Actuator::Kind::torque;
      const XMLElement* ea = Reader::child_any(f, {"bodyA", "socket_bodyA"});
      const XMLElement* eb = Reader::child_any(f, {"bodyB", "socket_bodyB"});
      if (!ea || !eb) r_.fail(f, name, "a TorqueActuator needs bodyA and bodyB");
      a.body = body_ref(Reader::text(ea), m, ea, name + ".bodyA");
      a.body_b = body_ref(Reader::text(eb), m, eb, name + ".bodyB");
      a.axis = unit("axis");
      a.axis_in_ground = Reader::flag(Reader::child(f, "torque_is_global"), true);
    } else {
      a.kind = Actuator::Kind::point;
      const XMLElement* eb = Reader::child_any(f, {"body", "socket_body"});
      if (!eb) r_.fail(f, name, "a PointActuator needs a body");
      a.body = body_ref(Reader::text(eb), m, eb, name + ".body");
      if (a.body < 0) r_.fail(eb, name + ".body", "a force on ground moves nothing");
      a.point_m = r_.vec3(Reader::child(f, "point"), name + ".point");
      a.point_in_ground = Reader::flag(Reader::child(f, "point_is_global"), false);
      a.axis = unit("direction");
      a.axis_in_ground = Reader::flag(Reader::child(f, "force_is_global"), false);
    }
    return a;
  }

  // OpenSim's CoordinateLimitForce: stiffness per degree and limits in degrees for a
  // rotational coordinate (per metre and metres for a translational one), its defaults.
  CoordinateLimitForce read_limit_force(const XMLElement* f, const std::string& name, const Model& m) {
    CoordinateLimitForce lf;
    lf.name = name;
    lf.coordinate = coordinate_of(f, name, m);
    const double w = m.coordinates[lf.coordinate].translational ? 1.0 : M_PI / 180;
    auto get = [&](const char* field, double fallback) { return r_.number(Reader::child(f, field), name + "." + field, fallback); };
    lf.upper_stiffness = get("upper_stiffness", 1) / w;
    lf.upper_limit = get("upper_limit", 0) * w;
    lf.lower_stiffness = get("lower_stiffness", 1) / w;
    lf.lower_limit = get("lower_limit", 0) * w;
    lf.damping = get("damping", 0.001) / w;
    lf.transition = get("transition", 0.1) * w;
    if (lf.upper_stiffness < 0 || lf.lower_stiffness < 0 || lf.damping < 0)
      r_.fail(f, name, "stiffness and damping must not be negative");
    if (!(lf.transition > 0)) r_.fail(Reader::child(f, "transition") ? Reader::child(f, "transition") : f, name + ".transition", "must be positive");
    if (lf.upper_limit < lf.lower_limit) r_.fail(f, name + ".upper_limit", "below lower_limit");
    return lf;
  }

  // OpenSim 4's BushingForce (frames named by socket_frame1/2, its own offset frames in
  // <frames>) and the 3.x form (body_1/2 with location_body_1/2 and orientation_body_1/2).
  Bushing read_bushing(const XMLElement* f, const std::string& name, const Model& m) {
    Bushing b;
    b.name = name;
    const auto own = offset_frames(f, name);
    for (int k = 0; k < 2; ++k) {
      const std::string socket = k == 0 ? "socket_frame1" : "socket_frame2";
      const std::string body_field = k == 0 ? "body_1" : "body_2";
      int& body = k == 0 ? b.spec.body1 : b.spec.body2;
      Eigen::Isometry3d& frame = k == 0 ? b.spec.frame1 : b.spec.frame2;
      if (const XMLElement* e = Reader::child_any(f, {socket.c_str(), k == 0 ? "frame1" : "frame2"})) {
        const std::string ref = last_component(Reader::text(e));
        if (const auto it = own.find(ref); it != own.end()) {
          body = body_ref(it->second.first, m, e, name + "." + socket);
          frame = it->second.second;
        } else {
          body = body_ref(ref, m, e, name + "." + socket);
        }
      } else if (const XMLElement* e3 = Reader::child(f, body_field.c_str())) {
        body = body_ref(Reader::text(e3), m, e3, name + "." + body_field);
        const std::string loc = "location_" + body_field, ori = "orientation_" + body_field;
        const XMLElement* le = Reader::child(f, loc.c_str());
        const XMLElement* oe = Reader::child(f, ori.c_str());
        frame = transform(le ? r_.vec3(le, name + "." + loc) : Eigen::Vector3d::Zero(),
                          oe ? r_.vec3(oe, name + "." + ori) : Eigen::Vector3d::Zero());
      } else {
        r_.fail(f, name + "." + socket, "a BushingForce needs its two frames");
      }
    }
    if (b.spec.body1 == b.spec.body2) r_.fail(f, name, "a bushing joins two different bodies");
    const char* fields[] = {"rotational_stiffness", "translational_stiffness", "rotational_damping", "translational_damping"};
    for (int k = 0; k < 4; ++k) {
      const XMLElement* e = Reader::child(f, fields[k]);
      const Eigen::Vector3d v = e ? r_.vec3(e, name + "." + fields[k]) : Eigen::Vector3d::Zero();
      if (v.minCoeff() < 0) r_.fail(e, name + "." + fields[k], "must not be negative");
      (k < 2 ? b.spec.stiffness : b.spec.damping).segment<3>(k % 2 == 0 ? 0 : 3) = v;
    }
    return b;
  }

  PathForce read_path_force(const XMLElement* f, const std::string& type, const std::string& name, const Model& m) {
    PathForce pf;
    pf.name = name;
    pf.path.name = name;
    read_path(f, name, m, pf.path);
    const XMLElement* rest = Reader::child(f, "resting_length");
    if (!rest) r_.fail(f, name + ".resting_length", "missing");
    pf.resting_length_m = r_.number(rest, name + ".resting_length", 0);
    if (!(pf.resting_length_m > 0)) r_.fail(rest, name + ".resting_length", "must be positive");
    if (type == "Ligament") {
      pf.kind = PathForce::Kind::ligament;
      pf.pcsa_force_N = r_.number(Reader::child(f, "pcsa_force"), name + ".pcsa_force", 0);
      if (pf.pcsa_force_N < 0) r_.fail(Reader::child(f, "pcsa_force"), name + ".pcsa_force", "must not be negative");
      const XMLElement* curve = Reader::child(f, "force_length_curve");
      const XMLElement* fe = curve ? curve->FirstChildElement() : nullptr;
      if (!fe) r_.fail(curve ? curve : f, name + ".force_length_curve", "a Ligament needs its force-length curve");
      pf.force_length = read_function(fe, name + ".force_length_curve");
      if (pf.force_length->num_arguments() > 1)
        r_.fail(fe, name + ".force_length_curve", "a function of one argument (length over resting length)");
    } else {
      pf.kind = PathForce::Kind::path_spring;
      pf.stiffness_N_per_m = r_.number(Reader::child(f, "stiffness"), name + ".stiffness", 0);
      pf.dissipation_s_per_m = r_.number(Reader::child(f, "dissipation"), name + ".dissipation", 0);
      if (pf.stiffness_N_per_m < 0 || pf.dissipation_s_per_m < 0) r_.fail(f, name, "stiffness and dissipation must not be negative");
    }
    return pf;
  }

  void read_muscle(const XMLElement* f, const std::string& type, const std::string& name, Model& m) {
    Muscle mu;
    mu.name = name;
    mu.group = type;
    mu.tendon.type = type;
    // A PathActuator is an ideal force generator along its path (spineload's own muscles
    // are exported as such): its optimal force plays the maximum isometric force.
    mu.max_isometric_force_N = r_.number(Reader::child_any(f, {"max_isometric_force", "optimal_force"}),
                                         name + ".max_isometric_force", 0);
    const double min_control = std::max(-kUnboundedControl, r_.bound(Reader::child(f, "min_control"), name + ".min_control", 0));
    const double max_control = std::min(kUnboundedControl, r_.bound(Reader::child(f, "max_control"), name + ".max_control", 1));
    mu.min_activation = std::max(0.0, min_control);
    mu.max_activation = max_control;
    // A PathActuator whose controls are at most 0 only pushes (spineload writes its
    // intra-abdominal pressure so): a pushing element with the controls' magnitudes.
    if (type == "PathActuator" && max_control <= 0 && min_control < max_control) {
      mu.pushes = true;
      mu.min_activation = -max_control;
      mu.max_activation = -min_control;
    }
    if (!(mu.max_activation > mu.min_activation))
      r_.fail(f, name + ".max_control", "max_control must exceed min_control");
    if (!(mu.max_isometric_force_N > 0)) r_.fail(f, name + ".max_isometric_force", "must be positive");
    mu.tendon.optimal_fiber_length_m = r_.number(Reader::child(f, "optimal_fiber_length"), name + ".optimal_fiber_length", 0);
    mu.tendon.tendon_slack_length_m = r_.number(Reader::child(f, "tendon_slack_length"), name + ".tendon_slack_length", 0);
    mu.tendon.pennation_at_optimal_rad = r_.number(Reader::child_any(f, {"pennation_angle_at_optimal", "pennation_angle"}),
                                                   name + ".pennation_angle_at_optimal", 0);
    mu.tendon.max_contraction_velocity =
        r_.number(Reader::child(f, "max_contraction_velocity"), name + ".max_contraction_velocity", 10);
    mu.tendon.kshape_active = r_.number(Reader::child(f, "KshapeActive"), name + ".KshapeActive", 0.45);
    mu.tendon.af = r_.number(Reader::child(f, "Af"), name + ".Af", 0.25);
    mu.tendon.flen = r_.number(Reader::child(f, "Flen"), name + ".Flen", 1.8);
    mu.tendon.kshape_passive = r_.number(Reader::child(f, "KshapePassive"), name + ".KshapePassive", 5.0);
    mu.tendon.fmax_tendon_strain = r_.number(Reader::child(f, "FmaxTendonStrain"), name + ".FmaxTendonStrain", 0.033);
    mu.tendon.fmax_muscle_strain = r_.number(Reader::child(f, "FmaxMuscleStrain"), name + ".FmaxMuscleStrain", 0.6);
    mu.tendon.fv_extrapolation_threshold =
        r_.number(Reader::child(f, "fv_linear_extrap_threshold"), name + ".fv_linear_extrap_threshold", 0.95);
    if (!(mu.tendon.kshape_active > 0) || !(mu.tendon.af > 0) || !(mu.tendon.flen > 1) ||
        !(mu.tendon.fmax_tendon_strain > 0) || !(mu.tendon.fmax_muscle_strain > 0) || !(mu.tendon.kshape_passive > 0))
      r_.fail(f, name, "Thelen curve shapes must be positive (Flen above 1)");
    mu.tendon.ignore_tendon_compliance = Reader::flag(Reader::child(f, "ignore_tendon_compliance"), false);
    mu.tendon.default_activation = r_.number(Reader::child(f, "default_activation"), name + ".default_activation", 0.05);
    if (type == "Millard2012EquilibriumMuscle") read_millard(f, name, mu.tendon);
    if (type == "DeGrooteFregly2016Muscle") read_degroote(f, name, mu.tendon);
    mu.max_stress_Pa = 1;  // the stress3 objective weighs every imported muscle alike
    read_path(f, name, m, mu);
    if (!mu.wraps.empty()) wrapped_.insert(name);
    m.muscles.push_back(mu);
  }

  // Millard2012EquilibriumMuscle: its state defaults and its four curves' properties
  // (optional ones NaN when empty, which OpenSim fills with its fitted curve), the curves
  // built here once as OpenSim's buildMuscle builds them.
  void read_millard(const XMLElement* f, const std::string& name, MuscleTendon& mt) {
    auto num = [&](const XMLElement* parent, const char* field, double fallback) {
      return r_.number(Reader::child(parent, field), name + "." + field, fallback);
    };
    mt.fiber_damping = num(f, "fiber_damping", 0.1);
    mt.default_activation = num(f, "default_activation", 0.05);
    mt.minimum_activation = num(f, "minimum_activation", 0.01);
    mt.default_fiber_length_m = num(f, "default_fiber_length", 0.1);
    if (mt.fiber_damping < 0) r_.fail(Reader::child(f, "fiber_damping"), name + ".fiber_damping", "must not be negative");
    millard2012::CurveParameters p;  // OpenSim's defaults; the optional properties NaN
    for (const millard2012::CurveProperty& cp : millard2012::kCurveProperties)
      p.*cp.value = num(Reader::child(f, cp.curve), cp.name, p.*cp.value);
    try {
      mt.millard = std::make_shared<const millard2012::Curves>(
          millard2012::build(p, mt.pennation_at_optimal_rad, mt.ignore_tendon_compliance, millard2012::damped(mt)));
    } catch (const std::invalid_argument& e) {
      r_.fail(f, name, e.what());
    }
    // A rigid tendon may have no length (the thoracoscapular model's serratus); an elastic
    // one is normalised by it.
    if (!(mt.optimal_fiber_length_m > 0) || mt.tendon_slack_length_m < 0 ||
        (!mt.ignore_tendon_compliance && !(mt.tendon_slack_length_m > 0)))
      r_.fail(f, name, "a Millard muscle needs a positive optimal_fiber_length and, with an elastic tendon, a positive "
                       "tendon_slack_length");
  }

  // DeGrooteFregly2016Muscle: its closed-form curves' properties (OpenSim's defaults).
  void read_degroote(const XMLElement* f, const std::string& name, MuscleTendon& mt) {
    auto num = [&](const char* field, double fallback) {
      return r_.number(Reader::child(f, field), name + "." + field, fallback);
    };
    mt.fiber_damping = num("fiber_damping", 0.0);
    mt.default_activation = num("default_activation", 0.5);
    mt.active_force_width_scale = num("active_force_width_scale", 1.0);
    mt.passive_fiber_strain_at_one_norm_force = num("passive_fiber_strain_at_one_norm_force", 0.6);
    mt.tendon_strain_at_one_norm_force = num("tendon_strain_at_one_norm_force", 0.049);
    mt.ignore_passive_fiber_force = Reader::flag(Reader::child(f, "ignore_passive_fiber_force"), false);
    // OpenSim's own checks (extendFinalizeFromProperties).
    if (!(mt.active_force_width_scale >= 1)) r_.fail(f, name + ".active_force_width_scale", "must be at least 1");
    if (!(mt.passive_fiber_strain_at_one_norm_force > 0))
      r_.fail(f, name + ".passive_fiber_strain_at_one_norm_force", "must be positive");
    if (!(mt.tendon_strain_at_one_norm_force > 0))
      r_.fail(f, name + ".tendon_strain_at_one_norm_force", "must be positive");
    if (mt.fiber_damping < 0) r_.fail(f, name + ".fiber_damping", "must not be negative");
    if (!(mt.pennation_at_optimal_rad >= 0 && mt.pennation_at_optimal_rad < M_PI / 2))
      r_.fail(f, name + ".pennation_angle_at_optimal", "must be in [0, pi/2)");
    if (!(mt.optimal_fiber_length_m > 0)) r_.fail(f, name + ".optimal_fiber_length", "must be positive");
  }

  // A GeometryPath (muscles and path forces): its points of every kind and its wraps.
  void read_path(const XMLElement* f, const std::string& name, const Model& m, Muscle& mu) {
    const XMLElement* path = Reader::child(f, "GeometryPath");
    const XMLElement* points = Reader::child(Reader::child(path, "PathPointSet"), "objects");
    for (const XMLElement* p = points ? points->FirstChildElement() : nullptr; p; p = p->NextSiblingElement()) {
      const std::string ptype = p->Name();
      const std::string pname = p->Attribute("name") ? p->Attribute("name") : "";
      const std::string ctx = name + "." + pname;
      if (ptype != "PathPoint" && ptype != "ConditionalPathPoint" && ptype != "MovingPathPoint")
        r_.fail(p, ctx, "unknown path point type '" + ptype + "'");
      const XMLElement* body = Reader::child_any(p, {"body", "socket_parent_frame"});
      PathPoint point;
      point.body = body_ref(Reader::text(body), m, p, ctx + ".body");
      point.location_m = r_.vec3(Reader::child(p, "location"), ctx + ".location");
      auto coordinate_ref = [&](std::initializer_list<const char*> fields, const std::string& field) {
        const XMLElement* e = Reader::child_any(p, fields);
        const std::string ref = last_component(Reader::text(e));
        const int c = m.coordinate_index(ref);
        if (c < 0) r_.fail(e ? e : p, ctx + "." + field, "coordinate '" + ref + "' does not exist");
        return c;
      };
      if (ptype == "ConditionalPathPoint") {
        point.condition_coordinate = coordinate_ref({"coordinate", "socket_coordinate"}, "coordinate");
        const auto range = r_.numbers(Reader::child(p, "range"), ctx + ".range");
        if (range.size() != 2 || range[0] > range[1]) r_.fail(Reader::child(p, "range"), ctx + ".range", "expected min and max");
        point.condition_min = range[0];
        point.condition_max = range[1];
        mu.variable_path = true;
      } else if (ptype == "MovingPathPoint") {
        const char* axes[] = {"x", "y", "z"};
        for (int a = 0; a < 3; ++a) {
          const std::string loc = std::string(axes[a]) + "_location";
          const XMLElement* fe = Reader::child(p, loc.c_str());
          if (!fe || !fe->FirstChildElement()) continue;
          const std::string coord = std::string(axes[a]) + "_coordinate", socket = "socket_" + coord;
          point.moving_coordinate[a] = coordinate_ref({coord.c_str(), socket.c_str()}, coord);
          point.moving_function[a] = read_function(fe->FirstChildElement(), ctx + "." + loc);
          if (point.moving_function[a]->num_arguments() == 0) {  // a constant: a fixed component
            point.location_m[a] = point.moving_function[a]->value(nullptr);
            point.moving_coordinate[a] = -1;
          }
        }
        mu.variable_path = true;
      }
      mu.path.push_back(point);
    }
    if (mu.path.size() < 2) r_.fail(f, name + ".GeometryPath", "a path needs at least two points");
    const XMLElement* wraps = Reader::child(Reader::child(path, "PathWrapSet"), "objects");
    for (const XMLElement* w = wraps ? wraps->FirstChildElement("PathWrap") : nullptr; w; w = w->NextSiblingElement("PathWrap")) {
      const std::string obj = Reader::text(Reader::child(w, "wrap_object"));
      const auto it = wrap_objects_.find(obj);
      if (it == wrap_objects_.end()) r_.fail(w, name + ".PathWrap.wrap_object", "wrap object '" + obj + "' does not exist");
      if (it->second < 0) continue;  // listed as unsupported
      PathWrap pw;
      pw.object = it->second;
      if (const XMLElement* range = Reader::child(w, "range")) {
        const auto v = r_.numbers(range, name + ".PathWrap.range");
        if (v.size() == 2 && v[0] > 0 && v[1] > 0) {  // OpenSim: 1-based point indices; -1 -1: the whole path
          pw.first_point = static_cast<int>(v[0]) - 1;
          pw.last_point = static_cast<int>(v[1]) - 1;
        }
      }
      mu.wraps.push_back(pw);
    }
  }

  void read_markers(const XMLElement* model, Model& m) {
    const XMLElement* objects = Reader::child(Reader::child(model, "MarkerSet"), "objects");
    for (const XMLElement* k = objects ? objects->FirstChildElement("Marker") : nullptr; k; k = k->NextSiblingElement("Marker")) {
      Marker marker;
      marker.name = k->Attribute("name") ? k->Attribute("name") : "";
      marker.body = body_ref(Reader::text(Reader::child_any(k, {"body", "socket_parent_frame"})), m, k, "Marker " + marker.name);
      marker.location_m = r_.vec3(Reader::child(k, "location"), "Marker " + marker.name + ".location");
      m.markers.push_back(marker);
      count_visual(k);
    }
  }

  void read_constraints(const XMLElement* model, Model& m) {
    const XMLElement* objects = Reader::child(Reader::child(model, "ConstraintSet"), "objects");
    for (const XMLElement* c = objects ? objects->FirstChildElement() : nullptr; c; c = c->NextSiblingElement()) {
      const std::string name = c->Attribute("name") ? c->Attribute("name") : "";
      const std::string type = c->Name();
      if (Reader::flag(Reader::child(c, "isDisabled"), false)) continue;
      const XMLElement* enforced = Reader::child(c, "isEnforced");
      if (enforced && !Reader::flag(enforced, true)) continue;
      const auto independent = Reader::words(Reader::child(c, "independent_coordinate_names"));
      if (type == "CoordinateCouplerConstraint") {
        const std::string ctx = type + " " + name;
        CoordinateCoupler k;
        if (independent.empty()) r_.fail(c, ctx + ".independent_coordinate_names", "missing");
        for (const std::string& ind : independent) {
          k.independents.push_back(m.coordinate_index(ind));
          if (k.independents.back() < 0) r_.fail(c, ctx + ".independent_coordinate_names", "coordinate '" + ind + "' does not exist");
        }
        const std::string dep = Reader::text(Reader::child(c, "dependent_coordinate_name"));
        k.dependent = m.coordinate_index(dep);
        if (k.dependent < 0) r_.fail(c, ctx + ".dependent_coordinate_name", "coordinate '" + dep + "' does not exist");
        const XMLElement* fn = Reader::child(c, "coupled_coordinates_function");
        if (!fn || !fn->FirstChildElement()) r_.fail(c, ctx + ".coupled_coordinates_function", "missing");
        k.function = read_function(fn->FirstChildElement(), ctx + ".coupled_coordinates_function");
        if (k.function->num_arguments() > static_cast<int>(k.independents.size()))
          r_.fail(fn, ctx + ".coupled_coordinates_function",
                  fmt::format("a function of {} arguments for {} independent coordinates", k.function->num_arguments(),
                              k.independents.size()));
        const double scale = r_.number(Reader::child(c, "scale_factor"), ctx + ".scale_factor", 1);
        if (scale != 1) k.function = multiplier_function(k.function, scale);
        m.couplers.push_back(k);
        std::string follows;
        for (const std::string& ind : independent) follows += (follows.empty() ? "" : ", ") + ind;
        report_.imported.push_back("coupler " + name + ": " + dep + " follows " + follows);
        continue;
      }
      if (type == "PointConstraint") {
        const std::string ctx = type + " " + name;
        PointConstraint k;
        k.name = name;
        for (const auto& [field, socket, body] :
             {std::tuple{"body_1", "socket_body_1", &k.body1}, std::tuple{"body_2", "socket_body_2", &k.body2}}) {
          const XMLElement* e = Reader::child_any(c, {socket, field});
          if (!e) r_.fail(c, ctx, std::string("a PointConstraint needs ") + socket);
          *body = body_ref(Reader::text(e), m, e, ctx + "." + socket);
        }
        if (k.body1 == k.body2) r_.fail(c, ctx, "a point constraint joins two different bodies");
        k.point1_m = r_.vec3(Reader::child(c, "location_body_1"), ctx + ".location_body_1");
        k.point2_m = r_.vec3(Reader::child(c, "location_body_2"), ctx + ".location_body_2");
        m.point_constraints.push_back(k);
        report_.imported.push_back("point constraint " + name + ": " + (k.body1 < 0 ? "ground" : m.bodies[k.body1].name) +
                                   " and " + (k.body2 < 0 ? "ground" : m.bodies[k.body2].name) + " held together");
        continue;
      }
      report_.unsupported.push_back({name, type, "constraint not supported: kinematics would not honour it, so no analysis runs",
                                     c->GetLineNum(), true, false});
    }
  }

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

}  // namespace

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
