#include "muscles/wrapping.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace spineload {

namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

double wrap_angle(double a) {  // to [0, 2 pi)
  a = std::fmod(a, kTwoPi);
  return a < 0 ? a + kTwoPi : a;
}

// One way round a circle of radius r (centre at the origin) from p to s: leave p along the
// tangent at angle theta1, turn by dtheta (signed: + counter-clockwise), reach s from theta2.
struct Way {
  double theta1 = 0, dtheta = 0;
  double tangent1 = 0, tangent2 = 0;  // lengths of the straight parts
};

std::array<Way, 2> ways_round(const Eigen::Vector2d& p, const Eigen::Vector2d& s, double r) {
  const double dp = p.norm(), ds = s.norm();
  const double php = std::atan2(p.y(), p.x()), phs = std::atan2(s.y(), s.x());
  const double ap = std::acos(r / dp), as = std::acos(r / ds);
  const double lp = std::sqrt(dp * dp - r * r), ls = std::sqrt(ds * ds - r * r);
  Way ccw{php + ap, wrap_angle((phs - as) - (php + ap)), lp, ls};
  Way cw{php - ap, -wrap_angle((php - ap) - (phs + as)), lp, ls};
  return {ccw, cw};
}

// Does the straight segment p-s pass within r of the origin?
bool segment_hits_circle(const Eigen::Vector2d& p, const Eigen::Vector2d& s, double r) {
  const Eigen::Vector2d d = s - p;
  const double t = std::clamp(-p.dot(d) / d.squaredNorm(), 0.0, 1.0);
  return (p + t * d).norm() < r;
}

int sign_of(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }

// Picks the way round for a circle wrap, with OpenSim's quadrant rules when `axis` >= 0:
// `side(theta)` gives the constrained coordinate's sign at the circle point at theta.
template <class Side>
bool choose_way(const Eigen::Vector2d& p, const Eigen::Vector2d& s, double r, int axis_sign, Side side,
                const std::array<double, 2>& p_s_signs, Way& out) {
  const auto ways = ways_round(p, s, r);
  if (axis_sign == 0) {
    if (!segment_hits_circle(p, s, r)) return false;
    out = std::abs(ways[0].dtheta) <= std::abs(ways[1].dtheta) ? ways[0] : ways[1];
    return true;
  }
  // Both ends on the allowed side: wrap only if the line touches the obstacle. Ends on
  // opposite sides: no wrap if the end nearer the obstacle is on the forbidden side.
  if (p_s_signs[0] == axis_sign && p_s_signs[1] == axis_sign && !segment_hits_circle(p, s, r)) return false;
  if (p_s_signs[0] != p_s_signs[1]) {
    const double near = p.norm() < s.norm() ? p_s_signs[0] : p_s_signs[1];
    if (near != axis_sign) return false;
  }
  bool valid[2];
  for (int k = 0; k < 2; ++k) {
    const double a1 = ways[k].theta1, a2 = ways[k].theta1 + ways[k].dtheta;
    const bool in1 = side(a1) == axis_sign, in2 = side(a2) == axis_sign;
    valid[k] = !(!in1 && !in2) && !(in1 && in2 && std::abs(ways[k].dtheta) > std::numbers::pi);
  }
  if (!valid[0] && !valid[1]) return false;
  if (valid[0] && valid[1]) out = std::abs(ways[0].dtheta) <= std::abs(ways[1].dtheta) ? ways[0] : ways[1];
  else out = valid[0] ? ways[0] : ways[1];
  return true;
}

WrapResult wrap_cylinder(const WrapObject& w, const Eigen::Vector3d& p, const Eigen::Vector3d& s) {
  WrapResult res;
  const double r = w.dimensions_m.x();
  const Eigen::Vector2d p2 = p.head<2>(), s2 = s.head<2>();
  if (p2.norm() <= r || s2.norm() <= r) return res;  // an end inside: no wrap
  if (w.quadrant_axis == 2) return res;               // along the axis: not a side
  const int axis = w.quadrant_axis;
  auto side = [&](double theta) { return sign_of(axis == 0 ? std::cos(theta) : std::sin(theta)); };
  const std::array<double, 2> signs{static_cast<double>(axis >= 0 ? sign_of(p[axis]) : 0),
                                    static_cast<double>(axis >= 0 ? sign_of(s[axis]) : 0)};
  Way way;
  if (!choose_way(p2, s2, r, axis >= 0 ? w.quadrant_sign : 0, side, signs, way)) return res;
  // Unrolled, the shortest path is straight: height grows with the planar length.
  const double arc = r * std::abs(way.dtheta);
  const double planar = way.tangent1 + arc + way.tangent2;
  const double dz = s.z() - p.z();
  const double z1 = p.z() + dz * way.tangent1 / planar, z2 = p.z() + dz * (way.tangent1 + arc) / planar;
  const double th2 = way.theta1 + way.dtheta;
  res.wrapped = true;
  res.t1 = {r * std::cos(way.theta1), r * std::sin(way.theta1), z1};
  res.t2 = {r * std::cos(th2), r * std::sin(th2), z2};
  res.arc_length_m = std::hypot(arc, z2 - z1);
  return res;
}

// Over the unit sphere; `scale` maps back to the obstacle (identity for a sphere of radius
// 1). The path lies in the plane through the centre, p and s.
WrapResult wrap_unit_sphere(const WrapObject& w, const Eigen::Vector3d& p, const Eigen::Vector3d& s,
                            const Eigen::Vector3d& scale) {
  WrapResult res;
  if (p.norm() <= 1 || s.norm() <= 1) return res;
  const Eigen::Vector3d e1 = p.normalized();
  Eigen::Vector3d e2 = s - s.dot(e1) * e1;
  if (e2.norm() < 1e-12) return res;  // p, centre and s in line: no unique plane
  e2.normalize();
  const Eigen::Vector2d p2(p.norm(), 0), s2(s.dot(e1), s.dot(e2));
  auto point = [&](double theta) -> Eigen::Vector3d { return std::cos(theta) * e1 + std::sin(theta) * e2; };
  const int axis = w.quadrant_axis;
  auto side = [&](double theta) { return sign_of(point(theta)[axis]); };
  const std::array<double, 2> signs{static_cast<double>(axis >= 0 ? sign_of(p[axis]) : 0),
                                    static_cast<double>(axis >= 0 ? sign_of(s[axis]) : 0)};
  Way way;
  if (!choose_way(p2, s2, 1.0, axis >= 0 ? w.quadrant_sign : 0, side, signs, way)) return res;
  res.wrapped = true;
  res.t1 = scale.cwiseProduct(point(way.theta1));
  res.t2 = scale.cwiseProduct(point(way.theta1 + way.dtheta));
  // Arc length on the obstacle: the scaled great-circle arc, finely sampled.
  const int n = 64;
  Eigen::Vector3d prev = res.t1;
  for (int i = 1; i <= n; ++i) {
    const Eigen::Vector3d q = scale.cwiseProduct(point(way.theta1 + way.dtheta * i / n));
    res.arc_length_m += (q - prev).norm();
    prev = q;
  }
  return res;
}

}  // namespace

WrapResult wrap_segment(const WrapObject& w, const Eigen::Vector3d& p, const Eigen::Vector3d& s) {
  switch (w.shape) {
    case WrapObject::Shape::cylinder: return wrap_cylinder(w, p, s);
    case WrapObject::Shape::sphere: {
      const double r = w.dimensions_m.x();
      WrapResult res = wrap_unit_sphere(w, p / r, s / r, Eigen::Vector3d::Constant(r));
      return res;
    }
    case WrapObject::Shape::ellipsoid: {
      const Eigen::Vector3d radii = w.dimensions_m;
      return wrap_unit_sphere(w, p.cwiseQuotient(radii), s.cwiseQuotient(radii), radii);
    }
  }
  return {};
}

}  // namespace spineload
