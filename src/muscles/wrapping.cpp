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

// The point of the ring (radius R in the XY plane, centred at the origin) nearest the line
// through p and s, and the line point nearest it; with a quadrant constraint, among the
// nearest points whose line point lies on the allowed side. False when there is none.
bool nearest_ring_point(const WrapObject& w, const Eigen::Vector3d& p, const Eigen::Vector3d& s,
                        Eigen::Vector3d& ring_point) {
  const double R = w.dimensions_m.y();
  const Eigen::Vector3d d = s - p;
  const double L = d.norm();
  if (!(L > 0)) return false;
  const Eigen::Vector3d n = d / L;
  auto squared_distance = [&](double u) {
    const Eigen::Vector3d x = p + u * n;
    return x.squaredNorm() + R * R - 2 * R * x.head<2>().norm();
  };
  // Local minima along the line (from a little before p to a little after s), each refined
  // by golden-section search in its bracket.
  constexpr int kSamples = 96;
  const double u0 = -L, u1 = 2 * L, h = (u1 - u0) / kSamples;
  std::array<double, kSamples + 1> f;
  for (int i = 0; i <= kSamples; ++i) f[i] = squared_distance(u0 + i * h);
  const double g = (std::sqrt(5.0) - 1) / 2;
  bool found = false;
  double best = 0;
  for (int i = 1; i < kSamples; ++i) {
    if (!(f[i] <= f[i - 1] && f[i] <= f[i + 1])) continue;
    double a = u0 + (i - 1) * h, b = u0 + (i + 1) * h;
    for (int it = 0; it < 80 && b - a > 1e-13 * (1 + L); ++it) {
      const double c = b - g * (b - a), e = a + g * (b - a);
      if (squared_distance(c) < squared_distance(e)) b = e;
      else a = c;
    }
    const double u = 0.5 * (a + b);
    const Eigen::Vector3d x = p + u * n;
    if (w.quadrant_axis >= 0 && sign_of(x[w.quadrant_axis]) != w.quadrant_sign) continue;
    const double rho = x.head<2>().norm();
    if (!(rho > 0)) continue;
    const double dist = squared_distance(u);
    if (found && dist >= best) continue;
    found = true;
    best = dist;
    ring_point = {x.x() * R / rho, x.y() * R / rho, 0};
  }
  return found;
}

WrapResult wrap_torus(const WrapObject& w, const Eigen::Vector3d& p, const Eigen::Vector3d& s) {
  Eigen::Vector3d c;
  if (!nearest_ring_point(w, p, s, c)) return {};
  // The tube there as a cylinder: X towards the ring's centre, Y along -Z of the torus, the
  // cylinder's axis along the ring's tangent; the path keeps to the +X side (the inside).
  Eigen::Matrix3d axes;  // rows: the cylinder's axes in the torus frame
  axes.row(0) = (-c).normalized().transpose();
  axes.row(1) = Eigen::RowVector3d(0, 0, -1);
  axes.row(2) = axes.row(0).cross(axes.row(1));
  WrapObject cylinder;
  cylinder.shape = WrapObject::Shape::cylinder;
  cylinder.dimensions_m = {w.dimensions_m.x(), 1.0, 0};
  cylinder.quadrant_axis = 0;
  cylinder.quadrant_sign = 1;
  WrapResult r = wrap_cylinder(cylinder, axes * (p - c), axes * (s - c));
  if (r.wrapped) {
    r.t1 = c + axes.transpose() * r.t1;
    r.t2 = c + axes.transpose() * r.t2;
  }
  return r;
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
    case WrapObject::Shape::torus: return wrap_torus(w, p, s);
    case WrapObject::Shape::ellipsoid: {
      const Eigen::Vector3d radii = w.dimensions_m;
      return wrap_unit_sphere(w, p.cwiseQuotient(radii), s.cwiseQuotient(radii), radii);
    }
  }
  return {};
}

}  // namespace spineload
