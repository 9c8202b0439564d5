// Stage interop, import: bodies (masses, inertias repaired as OpenSim repairs them), joints
// of both layouts (4.x JointSet with offset frames, 2.x/3.x joints inside bodies) as
// Simbody mobilisers, the multibody tree, markers and constraints.
#include "interop/osim_import_detail.hpp"

namespace spineload::osim_detail {

void Importer::read_bodies(const XMLElement* model) {
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

void Importer::count_visual(const XMLElement* e) {
  for (const char* n : {"VisibleObject", "attached_geometry", "FrameGeometry"})
    for (const XMLElement* v = e->FirstChildElement(n); v; v = v->NextSiblingElement(n)) ++visual_;
}

void Importer::read_joints_3x() {
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

void Importer::read_joints_4x(const XMLElement* model) {
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

std::map<std::string, std::pair<std::string, Eigen::Isometry3d>> Importer::offset_frames(const XMLElement* owner,
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

JointIn Importer::read_joint_common(const XMLElement* j) {
  JointIn joint;
  joint.element = j;
  joint.type = j->Name();
  joint.name = j->Attribute("name") ? j->Attribute("name") : "";
  if (joint.name.empty()) r_.fail(j, joint.type, "a joint has no name");
  return joint;
}

CoordinateIn Importer::read_coordinate(const XMLElement* c) {
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

void Importer::finish_joint(const XMLElement* j, JointIn& joint) {
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

void Importer::independent_axes(const XMLElement* j, JointIn& joint) {
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

std::shared_ptr<const mb::JointFunction> Importer::read_function(const XMLElement* f, const std::string& ctx) {
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

void Importer::build(Model& m) {
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

int Importer::body_ref(const std::string& ref, const Model& m, const XMLElement* at, const std::string& field) const {
  const std::string name = last_component(ref);
  if (name == "ground") return -1;
  const int b = m.body_index(name);
  if (b < 0) r_.fail(at, field, "body '" + name + "' does not exist");
  return b;
}

void Importer::read_markers(const XMLElement* model, Model& m) {
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

void Importer::read_constraints(const XMLElement* model, Model& m) {
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

}  // namespace spineload::osim_detail
