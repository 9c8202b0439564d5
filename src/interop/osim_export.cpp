#include "interop/osim_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "interop/functions.hpp"
#include "muscles/fibre.hpp"
#include "muscles/millard2012.hpp"

namespace spineload {

namespace {

std::string v3(const Eigen::Vector3d& v) { return fmt::format("{:.17g} {:.17g} {:.17g}", v.x(), v.y(), v.z()); }

// Body-fixed X-Y-Z Euler angles of a rotation (OpenSim's orientation convention).
Eigen::Vector3d xyz_angles(const Eigen::Matrix3d& r) { return r.eulerAngles(0, 1, 2); }

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '-' && !out.empty() && out.back() == '-') out += " -";  // no "--" inside comments
    else out += c;
  }
  return out;
}

std::string frame_path(const Model& m, int body) { return body < 0 ? "/ground" : "/bodyset/" + m.bodies[body].name; }

std::string coordinate_path(const Model& m, int c) {
  return "/jointset/" + m.joints[m.coordinates[c].joint].name + "/" + m.coordinates[c].name;
}

// The wrap objects fixed on `body` (-1: ground), as a WrapObjectSet.
std::string wrap_object_set(const Model& m, int body) {
  std::string s;
  for (const WrapObject& w : m.wrap_objects) {
    if (w.body != body) continue;
    const char* type = w.shape == WrapObject::Shape::cylinder ? "WrapCylinder"
                       : w.shape == WrapObject::Shape::sphere ? "WrapSphere"
                       : w.shape == WrapObject::Shape::torus  ? "WrapTorus"
                                                              : "WrapEllipsoid";
    s += fmt::format("            <{} name=\"{}\">\n              <xyz_body_rotation>{}</xyz_body_rotation>\n"
                     "              <translation>{}</translation>\n              <active>true</active>\n",
                     type, w.name, v3(xyz_angles(w.in_body.linear())), v3(w.in_body.translation()));
    s += fmt::format("              <quadrant>{}</quadrant>\n",
                     w.quadrant_axis < 0 ? std::string("all")
                                         : std::string(w.quadrant_sign < 0 ? "-" : "+") + static_cast<char>('x' + w.quadrant_axis));
    if (w.shape == WrapObject::Shape::cylinder)
      s += fmt::format("              <radius>{:.17g}</radius>\n              <length>{:.17g}</length>\n", w.dimensions_m.x(),
                       w.dimensions_m.y());
    else if (w.shape == WrapObject::Shape::sphere)
      s += fmt::format("              <radius>{:.17g}</radius>\n", w.dimensions_m.x());
    else if (w.shape == WrapObject::Shape::torus)
      s += fmt::format("              <inner_radius>{:.17g}</inner_radius>\n              <outer_radius>{:.17g}</outer_radius>\n",
                       w.dimensions_m.x(), w.dimensions_m.y());
    else
      s += fmt::format("              <dimensions>{}</dimensions>\n", v3(w.dimensions_m));
    s += fmt::format("            </{}>\n", type);
  }
  return s.empty() ? "" : "          <WrapObjectSet>\n            <objects>\n" + s + "            </objects>\n          </WrapObjectSet>\n";
}

std::string offset_frame(const std::string& name, const std::string& parent, const Eigen::Isometry3d& x) {
  return fmt::format(
      "            <PhysicalOffsetFrame name=\"{}\">\n              <socket_parent>{}</socket_parent>\n"
      "              <translation>{}</translation>\n              <orientation>{}</orientation>\n"
      "            </PhysicalOffsetFrame>\n",
      name, parent, v3(x.translation()), v3(xyz_angles(x.linear())));
}

// Two unit vectors completing `a` to an independent set (for the unused rotation axes).
std::pair<Eigen::Vector3d, Eigen::Vector3d> complete(const Eigen::Vector3d& a) {
  const Eigen::Vector3d helper = std::abs(a.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY();
  const Eigen::Vector3d b = a.cross(helper).normalized();
  return {b, a.cross(b).normalized()};
}

std::string transform_axis(const char* name, const std::string& coordinate, const Eigen::Vector3d& axis,
                           const std::string& function_xml) {
  return fmt::format(
      "            <TransformAxis name=\"{}\">\n              <coordinates>{}</coordinates>\n"
      "              <axis>{}</axis>\n              {}\n            </TransformAxis>\n",
      name, coordinate, v3(axis), function_xml);
}

// A muscle's or path force's GeometryPath: its points of every kind and its wraps.
std::string geometry_path_xml(const Model& m, const Muscle& mu) {
  std::string s;
  s += "          <GeometryPath name=\"path\">\n            <PathPointSet>\n              <objects>\n";
  for (std::size_t k = 0; k < mu.path.size(); ++k) {
    const PathPoint& p = mu.path[k];
    const char* type_p = p.moves() ? "MovingPathPoint" : p.condition_coordinate >= 0 ? "ConditionalPathPoint" : "PathPoint";
    s += fmt::format(
        "                <{} name=\"{}-P{}\">\n                  <socket_parent_frame>{}</socket_parent_frame>\n"
        "                  <location>{}</location>\n",
        type_p, mu.name, k + 1, frame_path(m, p.body), v3(p.location_m));
    if (p.condition_coordinate >= 0)
      s += fmt::format("                  <socket_coordinate>{}</socket_coordinate>\n                  <range>{:.17g} {:.17g}</range>\n",
                       coordinate_path(m, p.condition_coordinate), p.condition_min, p.condition_max);
    for (int a = 0; a < 3; ++a)
      if (p.moving_coordinate[a] >= 0) {
        const char axis = static_cast<char>('x' + a);
        s += fmt::format("                  <{}_location>{}</{}_location>\n                  <socket_{}_coordinate>{}</socket_{}_coordinate>\n",
                         axis, osim_function_xml(*p.moving_function[a]), axis, axis,
                         coordinate_path(m, p.moving_coordinate[a]), axis);
      }
    s += fmt::format("                </{}>\n", type_p);
  }
  s += "              </objects>\n            </PathPointSet>\n";
  if (!mu.wraps.empty()) {
    s += "            <PathWrapSet>\n              <objects>\n";
    for (const PathWrap& w : mu.wraps)
      s += fmt::format("                <PathWrap>\n                  <wrap_object>{}</wrap_object>\n"
                       "                  <range>{} {}</range>\n                </PathWrap>\n",
                       m.wrap_objects[w.object].name, w.first_point < 0 ? -1 : w.first_point + 1,
                       w.last_point < 0 ? -1 : w.last_point + 1);
    s += "              </objects>\n            </PathWrapSet>\n";
  }
  s += "          </GeometryPath>\n";
  return s;
}


// A number OpenSim reads back, or an empty element where the property was optional and
// left empty (OpenSim then fits its own curve, as on import).
std::string opt(double v) { return std::isnan(v) ? std::string() : fmt::format("{:.17g}", v); }

std::string millard_xml(const MuscleTendon& t) {
  std::string s = fmt::format(
      "          <ignore_tendon_compliance>{}</ignore_tendon_compliance>\n"
      "          <fiber_damping>{:.17g}</fiber_damping>\n"
      "          <default_activation>{:.17g}</default_activation>\n"
      "          <default_fiber_length>{:.17g}</default_fiber_length>\n"
      "          <minimum_activation>{:.17g}</minimum_activation>\n",
      t.ignore_tendon_compliance ? "true" : "false", t.fiber_damping, t.default_activation, t.default_fiber_length_m,
      t.minimum_activation);
  // The curves' properties, each curve's element around its own (the table's order).
  const char* open = nullptr;
  for (const millard2012::CurveProperty& cp : millard2012::kCurveProperties) {
    if (!open || std::string(open) != cp.curve) {
      if (open) s += fmt::format("          </{}>\n", open);
      s += fmt::format("          <{}>\n", open = cp.curve);
    }
    s += fmt::format("            <{0}>{1}</{0}>\n", cp.name, opt(t.millard->parameters.*cp.value));
  }
  return s + fmt::format("          </{}>\n", open);
}

std::string degroote_xml(const MuscleTendon& t) {
  return fmt::format(
      "          <ignore_tendon_compliance>{}</ignore_tendon_compliance>\n"
      "          <fiber_damping>{:.17g}</fiber_damping>\n"
      "          <default_activation>{:.17g}</default_activation>\n"
      "          <active_force_width_scale>{:.17g}</active_force_width_scale>\n"
      "          <passive_fiber_strain_at_one_norm_force>{:.17g}</passive_fiber_strain_at_one_norm_force>\n"
      "          <tendon_strain_at_one_norm_force>{:.17g}</tendon_strain_at_one_norm_force>\n"
      "          <ignore_passive_fiber_force>{}</ignore_passive_fiber_force>\n",
      t.ignore_tendon_compliance ? "true" : "false", t.fiber_damping, t.default_activation,
      t.active_force_width_scale, t.passive_fiber_strain_at_one_norm_force, t.tendon_strain_at_one_norm_force,
      t.ignore_passive_fiber_force ? "true" : "false");
}

}  // namespace

std::string export_osim(const Model& m, const std::string& description) {
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n";
  s += "<!-- Written by spineload: " + xml_escape(description) +
       ".\n     Not representable in OpenSim and left out: spinal rhythms (coupled drivers), passive joint stiffness,\n"
       "     passive tissues (ligaments, fascia, passive fibre tension), supports and contacts, vertebral strength.\n"
       "     spineload's muscles are ideal force generators, written as PathActuators whose optimal force is the\n"
       "     muscle's maximum force; the intra-abdominal pressure is a PathActuator that only pushes (controls at most\n"
       "     0), its controls and force scaled by the square root of its cost weight so that OpenSim's static\n"
       "     optimisation costs it as spineload does, except for the abdominal contents' weight, which spineload adds\n"
       "     to the cost of pressure upright and OpenSim's criterion cannot express. -->\n";
  s += "<OpenSimDocument Version=\"40000\">\n";
  s += fmt::format("  <Model name=\"{}\">\n", m.name);
  s += "    <credits>spineload</credits>\n    <publications>see the data files of the model for every figure's source</publications>\n";
  s += "    <length_units>meters</length_units>\n    <force_units>N</force_units>\n";
  s += "    <gravity>" + v3(m.gravity_m_s2) + "</gravity>\n";
  const std::string ground_wraps = wrap_object_set(m, -1);
  s += ground_wraps.empty() ? "    <Ground name=\"ground\" />\n" : "    <Ground name=\"ground\">\n" + ground_wraps + "    </Ground>\n";
  s += "    <BodySet name=\"bodyset\">\n      <objects>\n";
  for (const Body& b : m.bodies) {
    const Eigen::Matrix3d I = b.inertia_tensor();
    s += fmt::format(
        "        <Body name=\"{}\">\n          <mass>{:.17g}</mass>\n          <mass_center>{}</mass_center>\n"
        "          <inertia>{:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g}</inertia>\n{}        </Body>\n",
        b.name, b.mass_kg, v3(b.com_m), I(0, 0), I(1, 1), I(2, 2), I(0, 1), I(0, 2), I(1, 2),
        wrap_object_set(m, static_cast<int>(&b - m.bodies.data())));
  }
  s += "      </objects>\n      <groups />\n    </BodySet>\n";
  s += "    <JointSet name=\"jointset\">\n      <objects>\n";
  for (const Joint& j : m.joints) {
    const std::string parent_name = j.parent_body < 0 ? "ground" : m.bodies[j.parent_body].name;
    const std::string child_name = m.bodies[j.child_body].name;
    Eigen::Isometry3d in_parent = j.frame_in_parent;
    if (j.kind == mb::JointKind::rotations) in_parent.translation() = j.location_in_parent_m;
    const bool weld = j.kind == mb::JointKind::weld;
    const bool scapulothoracic = j.kind == mb::JointKind::scapulothoracic;
    const char* type = weld ? "WeldJoint" : scapulothoracic ? "ScapulothoracicJoint" : "CustomJoint";
    s += fmt::format("        <{} name=\"{}\">\n", type, j.name);
    s += fmt::format("          <socket_parent_frame>{}_offset</socket_parent_frame>\n", parent_name);
    s += fmt::format("          <socket_child_frame>{}_offset</socket_child_frame>\n", child_name);
    if (!weld) {
      s += "          <coordinates>\n";
      for (int c : j.coordinates) {
        const Coordinate& co = m.coordinates[c];
        s += fmt::format(
            "            <Coordinate name=\"{}\">\n              <default_value>{:.17g}</default_value>\n"
            "              <default_speed_value>0</default_speed_value>\n              <range>{:.17g} {:.17g}</range>\n"
            "              <clamped>{}</clamped>\n              <locked>{}</locked>\n            </Coordinate>\n",
            co.name, co.default_value, std::isfinite(co.min_rad) ? co.min_rad : -1e3,
            std::isfinite(co.max_rad) ? co.max_rad : 1e3, co.clamped ? "true" : "false", co.locked ? "true" : "false");
      }
      s += "          </coordinates>\n";
    }
    s += "          <frames>\n";
    s += offset_frame(parent_name + "_offset", frame_path(m, j.parent_body), in_parent);
    s += offset_frame(child_name + "_offset", frame_path(m, j.child_body), j.frame_in_child);
    s += "          </frames>\n";
    if (scapulothoracic) {
      const mb::ScapulothoracicSpec& st = j.scapulothoracic;
      s += "          <thoracic_ellipsoid_radii_x_y_z>" + v3(st.radii_m) + "</thoracic_ellipsoid_radii_x_y_z>\n";
      s += fmt::format("          <scapula_winging_axis_origin>{:.17g} {:.17g}</scapula_winging_axis_origin>\n",
                       st.winging_origin_m.x(), st.winging_origin_m.y());
      s += fmt::format("          <scapula_winging_axis_direction>{:.17g}</scapula_winging_axis_direction>\n",
                       st.winging_direction_rad);
    } else if (!weld) {
      s += "          <SpatialTransform>\n";
      const char* names[] = {"rotation1", "rotation2", "rotation3", "translation1", "translation2", "translation3"};
      const std::string zero = "<Constant name=\"function\"><value>0</value></Constant>";
      const std::string identity = "<LinearFunction name=\"function\"><coefficients>1 0</coefficients></LinearFunction>";
      if (j.kind == mb::JointKind::rotations) {
        // One or three rotations about the coordinate axes, body-fixed, no translation.
        std::vector<std::pair<std::string, Eigen::Vector3d>> rot;
        for (int c : j.coordinates) rot.emplace_back(m.coordinates[c].name, m.coordinates[c].axis.normalized());
        if (rot.size() == 1) {
          const auto [b, c] = complete(rot[0].second);
          rot.emplace_back("", b);
          rot.emplace_back("", c);
        }
        if (rot.size() != 3) throw std::invalid_argument("joint " + j.name + " has neither one nor three rotations");
        for (int k = 0; k < 3; ++k)
          s += transform_axis(names[k], rot[k].first, rot[k].second, rot[k].first.empty() ? zero : identity);
        const Eigen::Vector3d axes[] = {Eigen::Vector3d::UnitX(), Eigen::Vector3d::UnitY(), Eigen::Vector3d::UnitZ()};
        for (int k = 0; k < 3; ++k) s += transform_axis(names[3 + k], "", axes[k], zero);
      } else {
        for (int k = 0; k < 6; ++k) {
          const mb::TransformAxisSpec& t = j.transform[k];
          const std::string coord = t.coordinates.empty() ? "" : m.coordinates[j.coordinates[t.coordinates[0]]].name;
          s += transform_axis(names[k], coord, t.axis, t.function ? osim_function_xml(*t.function) : zero);
        }
      }
      s += "          </SpatialTransform>\n";
    }
    s += fmt::format("        </{}>\n", type);
  }
  s += "      </objects>\n      <groups />\n    </JointSet>\n";
  s += "    <ForceSet name=\"forceset\">\n      <objects>\n";
  std::vector<std::string> groups;
  for (const Muscle& mu : m.muscles) {
    const bool physiology = !mu.tendon.type.empty() && mu.tendon.type != "PathActuator";
    const std::string type = physiology ? mu.tendon.type : "PathActuator";
    s += fmt::format("        <{} name=\"{}\">\n", type, mu.name);
    // OpenSim costs every control alike: a cost weight w becomes controls sqrt(w) times the
    // activation and an optimal force over sqrt(w) (the same force, the same cost). A pushing
    // element has controls at most 0 (negative tension pushes along the path).
    const double scale = physiology ? 1.0 : std::sqrt(mu.cost_weight);
    const double lo = mu.pushes ? -mu.max_activation * scale : mu.min_activation * scale;
    const double hi = mu.pushes ? -mu.min_activation * scale : mu.max_activation * scale;
    s += fmt::format("          <min_control>{:.17g}</min_control>\n          <max_control>{:.17g}</max_control>\n", lo, hi);
    if (physiology) {
      s += fmt::format(
          "          <max_isometric_force>{:.17g}</max_isometric_force>\n"
          "          <optimal_fiber_length>{:.17g}</optimal_fiber_length>\n"
          "          <tendon_slack_length>{:.17g}</tendon_slack_length>\n"
          "          <pennation_angle_at_optimal>{:.17g}</pennation_angle_at_optimal>\n"
          "          <max_contraction_velocity>{:.17g}</max_contraction_velocity>\n",
          mu.max_force_N(), mu.tendon.optimal_fiber_length_m, mu.tendon.tendon_slack_length_m,
          mu.tendon.pennation_at_optimal_rad, mu.tendon.max_contraction_velocity);
      const FibreModel model = fibre_model(mu.tendon);
      if (model == FibreModel::thelen2003)
        s += fmt::format(
            "          <FmaxTendonStrain>{:.17g}</FmaxTendonStrain>\n          <FmaxMuscleStrain>{:.17g}</FmaxMuscleStrain>\n"
            "          <KshapeActive>{:.17g}</KshapeActive>\n          <KshapePassive>{:.17g}</KshapePassive>\n"
            "          <Af>{:.17g}</Af>\n          <Flen>{:.17g}</Flen>\n"
            "          <fv_linear_extrap_threshold>{:.17g}</fv_linear_extrap_threshold>\n",
            mu.tendon.fmax_tendon_strain, mu.tendon.fmax_muscle_strain, mu.tendon.kshape_active,
            mu.tendon.kshape_passive, mu.tendon.af, mu.tendon.flen, mu.tendon.fv_extrapolation_threshold);
      if (model == FibreModel::millard2012) s += millard_xml(mu.tendon);
      if (model == FibreModel::degroote2016) s += degroote_xml(mu.tendon);
    } else {
      s += fmt::format("          <optimal_force>{:.17g}</optimal_force>\n", mu.max_force_N() / scale);
    }
    s += geometry_path_xml(m, mu);
    s += fmt::format("        </{}>\n", type);
    if (!mu.group.empty() && std::find(groups.begin(), groups.end(), mu.group) == groups.end()) groups.push_back(mu.group);
  }
  auto body_path = [&](int b) { return b < 0 ? std::string("/ground") : "/bodyset/" + m.bodies[b].name; };
  auto vec = [](const Eigen::Vector3d& v) { return fmt::format("{:.17g} {:.17g} {:.17g}", v.x(), v.y(), v.z()); };
  for (const Actuator& a : m.actuators) {
    const char* type = a.kind == Actuator::Kind::coordinate ? "CoordinateActuator"
                       : a.kind == Actuator::Kind::torque   ? "TorqueActuator"
                                                            : "PointActuator";
    // A cost weight as for the muscles above: controls sqrt(w) times, optimal force over sqrt(w).
    const double scale = std::sqrt(a.cost_weight);
    s += fmt::format("        <{} name=\"{}\">\n          <min_control>{:.17g}</min_control>\n"
                     "          <max_control>{:.17g}</max_control>\n          <optimal_force>{:.17g}</optimal_force>\n",
                     type, a.name, a.min_control * scale, a.max_control * scale, a.optimal_force / scale);
    if (a.kind == Actuator::Kind::coordinate)
      s += fmt::format("          <coordinate>{}</coordinate>\n", m.coordinates[a.coordinate].name);
    else if (a.kind == Actuator::Kind::torque)
      s += fmt::format("          <socket_bodyA>{}</socket_bodyA>\n          <socket_bodyB>{}</socket_bodyB>\n"
                       "          <axis>{}</axis>\n          <torque_is_global>{}</torque_is_global>\n",
                       body_path(a.body), body_path(a.body_b), vec(a.axis), a.axis_in_ground);
    else
      s += fmt::format("          <body>{}</body>\n          <point>{}</point>\n          <point_is_global>{}</point_is_global>\n"
                       "          <direction>{}</direction>\n          <force_is_global>{}</force_is_global>\n",
                       a.body < 0 ? "ground" : m.bodies[a.body].name, vec(a.point_m), a.point_in_ground, vec(a.axis),
                       a.axis_in_ground);
    s += fmt::format("        </{}>\n", type);
  }
  for (const CoordinateSpring& sp : m.coordinate_springs)
    s += fmt::format(
        "        <SpringGeneralizedForce name=\"{}\">\n          <coordinate>{}</coordinate>\n          <stiffness>{:.17g}</stiffness>\n"
        "          <rest_length>{:.17g}</rest_length>\n          <viscosity>{:.17g}</viscosity>\n        </SpringGeneralizedForce>\n",
        sp.name, m.coordinates[sp.coordinate].name, sp.stiffness, sp.rest_length, sp.viscosity);
  for (const ExpressionCoordinateForce& ef : m.expression_forces)
    s += fmt::format("        <ExpressionBasedCoordinateForce name=\"{}\">\n          <coordinate>{}</coordinate>\n"
                     "          <expression>{}</expression>\n        </ExpressionBasedCoordinateForce>\n",
                     ef.name, m.coordinates[ef.coordinate].name, xml_escape(ef.expression));
  for (const PointToPointSpring& sp : m.springs)
    s += fmt::format(
        "        <PointToPointSpring name=\"{}\">\n          <socket_body1>{}</socket_body1>\n          <socket_body2>{}</socket_body2>\n"
        "          <point1>{}</point1>\n          <point2>{}</point2>\n          <stiffness>{:.17g}</stiffness>\n"
        "          <rest_length>{:.17g}</rest_length>\n        </PointToPointSpring>\n",
        sp.name, body_path(sp.body1), body_path(sp.body2), vec(sp.point1_m), vec(sp.point2_m), sp.stiffness_N_per_m,
        sp.rest_length_m);
  for (const CoordinateLimitForce& f : m.limit_forces) {
    // Back to OpenSim's units: per degree and degrees for a rotational coordinate.
    const double w = m.coordinates[f.coordinate].translational ? 1.0 : M_PI / 180;
    s += fmt::format(
        "        <CoordinateLimitForce name=\"{}\">\n          <coordinate>{}</coordinate>\n"
        "          <upper_stiffness>{:.17g}</upper_stiffness>\n          <upper_limit>{:.17g}</upper_limit>\n"
        "          <lower_stiffness>{:.17g}</lower_stiffness>\n          <lower_limit>{:.17g}</lower_limit>\n"
        "          <damping>{:.17g}</damping>\n          <transition>{:.17g}</transition>\n        </CoordinateLimitForce>\n",
        f.name, m.coordinates[f.coordinate].name, f.upper_stiffness * w, f.upper_limit / w, f.lower_stiffness * w,
        f.lower_limit / w, f.damping * w, f.transition / w);
  }
  for (const Bushing& b : m.bushings) {
    // Each bushing owns its two offset frames, as OpenSim 4 writes them.
    const auto& k = b.spec.stiffness;
    const auto& c = b.spec.damping;
    s += fmt::format("        <BushingForce name=\"{}\">\n          <socket_frame1>{}_frame1</socket_frame1>\n"
                     "          <socket_frame2>{}_frame2</socket_frame2>\n",
                     b.name, b.name, b.name);
    s += fmt::format("          <rotational_stiffness>{}</rotational_stiffness>\n          <translational_stiffness>{}</translational_stiffness>\n"
                     "          <rotational_damping>{}</rotational_damping>\n          <translational_damping>{}</translational_damping>\n",
                     v3(k.head<3>()), v3(k.tail<3>()), v3(c.head<3>()), v3(c.tail<3>()));
    s += "          <frames>\n" + offset_frame(b.name + "_frame1", frame_path(m, b.spec.body1), b.spec.frame1) +
         offset_frame(b.name + "_frame2", frame_path(m, b.spec.body2), b.spec.frame2) + "          </frames>\n";
    s += "        </BushingForce>\n";
  }
  for (const PathForce& f : m.path_forces) {
    const bool ligament = f.kind == PathForce::Kind::ligament;
    s += fmt::format("        <{} name=\"{}\">\n", ligament ? "Ligament" : "PathSpring", f.name);
    s += geometry_path_xml(m, f.path);
    s += fmt::format("          <resting_length>{:.17g}</resting_length>\n", f.resting_length_m);
    if (ligament)
      s += fmt::format("          <pcsa_force>{:.17g}</pcsa_force>\n          <force_length_curve>{}</force_length_curve>\n",
                       f.pcsa_force_N, osim_function_xml(*f.force_length));
    else
      s += fmt::format("          <stiffness>{:.17g}</stiffness>\n          <dissipation>{:.17g}</dissipation>\n",
                       f.stiffness_N_per_m, f.dissipation_s_per_m);
    s += fmt::format("        </{}>\n", ligament ? "Ligament" : "PathSpring");
  }
  s += "      </objects>\n      <groups>\n";
  for (const auto& g : groups) {
    std::string members;
    for (const Muscle& mu : m.muscles)
      if (mu.group == g) members += (members.empty() ? "" : " ") + mu.name;
    s += fmt::format("        <ObjectGroup name=\"{}\">\n          <members>{}</members>\n        </ObjectGroup>\n", g, members);
  }
  s += "      </groups>\n    </ForceSet>\n";
  s += "    <ConstraintSet name=\"constraintset\">\n      <objects>\n";
  for (const CoordinateCoupler& k : m.couplers) {
    std::string independents, tag;
    for (int c : k.independents) {
      independents += (independents.empty() ? "" : " ") + m.coordinates[c].name;
      tag += (tag.empty() ? "" : "_") + m.coordinates[c].name;
    }
    s += fmt::format(
        "        <CoordinateCouplerConstraint name=\"{}_follows_{}\">\n          <isEnforced>true</isEnforced>\n"
        "          <coupled_coordinates_function>{}</coupled_coordinates_function>\n"
        "          <independent_coordinate_names>{}</independent_coordinate_names>\n"
        "          <dependent_coordinate_name>{}</dependent_coordinate_name>\n"
        "          <scale_factor>1</scale_factor>\n        </CoordinateCouplerConstraint>\n",
        m.coordinates[k.dependent].name, tag, osim_function_xml(*k.function), independents, m.coordinates[k.dependent].name);
  }
  for (const PointConstraint& k : m.point_constraints)
    s += fmt::format(
        "        <PointConstraint name=\"{}\">\n          <isEnforced>true</isEnforced>\n"
        "          <socket_body_1>{}</socket_body_1>\n          <socket_body_2>{}</socket_body_2>\n"
        "          <location_body_1>{}</location_body_1>\n          <location_body_2>{}</location_body_2>\n"
        "        </PointConstraint>\n",
        k.name, frame_path(m, k.body1), frame_path(m, k.body2), v3(k.point1_m), v3(k.point2_m));
  s += "      </objects>\n      <groups />\n    </ConstraintSet>\n";
  s += "    <MarkerSet name=\"markerset\">\n      <objects>\n";
  for (const Marker& k : m.markers)
    s += fmt::format(
        "        <Marker name=\"{}\">\n          <socket_parent_frame>{}</socket_parent_frame>\n"
        "          <location>{}</location>\n        </Marker>\n",
        k.name, frame_path(m, k.body), v3(k.location_m));
  s += "      </objects>\n      <groups />\n    </MarkerSet>\n";
  s += "  </Model>\n</OpenSimDocument>\n";
  return s;
}

}  // namespace spineload
