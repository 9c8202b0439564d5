// Stage interop, import: the model's ForceSet (and a setup's force set files): muscles of
// every class with their physiology's properties, actuators, coordinate and point forces,
// bushings, ligaments and path springs.
#include "interop/osim_import_detail.hpp"

namespace spineload::osim_detail {

void Importer::read_forces(const XMLElement* force_set, Model& m) {
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

int Importer::coordinate_of(const XMLElement* f, const std::string& name, const Model& m) const {
  const XMLElement* ec = Reader::child_any(f, {"coordinate", "socket_coordinate"});
  const std::string coord = last_component(Reader::text(ec));
  const int c = m.coordinate_index(coord);
  if (c < 0) r_.fail(ec ? ec : f, name + ".coordinate", "coordinate '" + coord + "' does not exist");
  return c;
}

void Importer::read_controls(const XMLElement* f, const std::string& name, Actuator& a) {
  a.optimal_force = r_.number(Reader::child(f, "optimal_force"), name + ".optimal_force", 1);
  a.min_control = std::max(-kUnboundedControl, r_.bound(Reader::child(f, "min_control"), name + ".min_control", -kUnboundedControl));
  a.max_control = std::min(kUnboundedControl, r_.bound(Reader::child(f, "max_control"), name + ".max_control", kUnboundedControl));
  if (!(a.max_control > a.min_control)) r_.fail(f, name + ".max_control", "max_control must exceed min_control");
}

Actuator Importer::read_body_actuator(const XMLElement* f, const std::string& type, const std::string& name, const Model& m) {
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

CoordinateLimitForce Importer::read_limit_force(const XMLElement* f, const std::string& name, const Model& m) {
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

Bushing Importer::read_bushing(const XMLElement* f, const std::string& name, const Model& m) {
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

void Importer::read_muscle(const XMLElement* f, const std::string& type, const std::string& name, Model& m) {
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

void Importer::read_millard(const XMLElement* f, const std::string& name, MuscleTendon& mt) {
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

void Importer::read_degroote(const XMLElement* f, const std::string& name, MuscleTendon& mt) {
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

}  // namespace spineload::osim_detail
