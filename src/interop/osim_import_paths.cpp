// Stage interop, import: geometry paths (fixed, conditional and moving points) and the wrap
// objects they pass over (cylinder, ellipsoid, sphere, torus), for muscles and path forces.
#include "interop/osim_import_detail.hpp"

namespace spineload::osim_detail {

void Importer::read_wrap_objects(const XMLElement* body, const std::string& body_name) {
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

void Importer::read_path(const XMLElement* f, const std::string& name, const Model& m, Muscle& mu) {
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

PathForce Importer::read_path_force(const XMLElement* f, const std::string& type, const std::string& name, const Model& m) {
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

}  // namespace spineload::osim_detail
