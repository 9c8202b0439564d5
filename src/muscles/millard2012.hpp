// Millard 2012 muscle-tendon curves (Millard M, Uchida T, Seth A, Delp SL, J Biomech Eng
// 135:021005, 2013) as OpenSim's Millard2012EquilibriumMuscle builds them: each curve is a
// chain of quintic Bezier "corners" between points with given slopes (OpenSim's
// SmoothSegmentedFunctionFactory, read in opensim-core), linear beyond its ends. And the
// force OpenSim's static optimisation lets such a muscle give at full activation.
//
// Why by hand: no packaged library models muscle-tendon units. Normalisation as in
// thelen2003.hpp: lengths by the optimal fibre length or tendon slack length, speeds by the
// maximum contraction velocity times the optimal fibre length (lengthening positive),
// forces by the maximum isometric force.
#pragma once
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "muscles/fibre.hpp"

namespace spineload::millard2012 {

// A monotone-in-x chain of quintic Bezier segments (control points of x and of y in u),
// with straight lines of the end slopes beyond [x0, x1].
class SegmentedCurve {
 public:
  struct Segment {
    std::array<double, 6> x{}, y{};
  };
  SegmentedCurve() = default;
  SegmentedCurve(std::vector<Segment> segments, double x0, double x1, double y0, double y1, double slope0,
                 double slope1);
  double value(double x) const;
  double slope(double x) const;
  double x_begin() const { return x0_; }
  double x_end() const { return x1_; }

 private:
  // The segment holding x and its Bezier parameter u (Newton's method, bracket-guarded).
  std::pair<const Segment*, double> locate(double x) const;
  std::vector<Segment> segments_;
  double x0_ = 0, x1_ = 0, y0_ = 0, y1_ = 0, slope0_ = 0, slope1_ = 0;
};

// The two corner points of OpenSim's calcQuinticBezierCornerControlPoints: from (x0, y0)
// with slope dydx0 to (x1, y1) with slope dydx1, bent by curviness c in [0, 1] (already
// scaled, 0.1 + 0.8 x the user's). Throws std::invalid_argument where the lines' crossing
// does not make a corner (OpenSim refuses the same).
SegmentedCurve::Segment corner(double x0, double y0, double dydx0, double x1, double y1, double dydx1, double c);

// The curves' properties, with OpenSim's defaults; NaN for the optional ones OpenSim fits
// itself when all of a curve's optional properties are empty.
struct CurveParameters {
  // ActiveForceLengthCurve
  double min_norm_active_fiber_length = 0.47 - 0.0259, transition_norm_fiber_length = 0.73;
  double max_norm_active_fiber_length = 1.8123, shallow_ascending_slope = 0.8616, minimum_value = 0.1;
  // ForceVelocityCurve
  double concentric_slope_at_vmax = 0, concentric_slope_near_vmax = 0.25, isometric_slope = 5;
  double eccentric_slope_at_vmax = 0, eccentric_slope_near_vmax = 0.15;
  double max_eccentric_velocity_force_multiplier = 1.4;
  double concentric_curviness = 0.6, eccentric_curviness = 0.9;
  // FiberForceLengthCurve (passive)
  double passive_strain_at_zero_force = 0, passive_strain_at_one_norm_force = 0.7;
  double passive_stiffness_at_low_force = NAN, passive_stiffness_at_one_norm_force = NAN, passive_curviness = NAN;
  // TendonForceLengthCurve
  double tendon_strain_at_one_norm_force = 0.049;
  double tendon_stiffness_at_one_norm_force = NAN, tendon_norm_force_at_toe_end = NAN, tendon_curviness = NAN;
};

struct Curves {
  CurveParameters parameters;  // as given (the exporter writes them back)
  SegmentedCurve active, velocity, passive, tendon;
  double min_fibre_length_norm = 0;  // the shortest fibre: active curve's start or the pennation limit
};

// OpenSim's property names of the curve parameters (the element of the curve, the
// property), read and written through one table by the importer and the exporter.
struct CurveProperty {
  const char* curve;
  const char* name;
  double CurveParameters::*value;
};
extern const std::array<CurveProperty, 22> kCurveProperties;

// Whether the fibres are damped: OpenSim damps them from a coefficient of 0.001 up.
bool damped(const MuscleTendon& mt);

// As OpenSim's buildMuscle: a rigid tendon or damped fibres take the singularity-free
// curves (active curve down to 0, force-velocity slopes 0 at the maximum speeds); an elastic
// tendon without damping keeps them at least 0.1. Throws std::invalid_argument naming the
// property OpenSim would refuse.
Curves build(const CurveParameters& p, double pennation_at_optimal_rad, bool rigid_tendon, bool damped);

// What OpenSim's static optimisation with muscle physiology takes as a Millard muscle's
// force at full activation: Muscle::calcInextensibleTendonActiveFiberForce, i.e. maximum
// isometric force x active force-length x force-velocity x cos(pennation), at the state
// StaticOptimization builds each frame. A rigid tendon: the fibre's length and speed from
// the path's. An elastic tendon: the state reset to the muscle's defaults every frame
// (default_fiber_length, default_activation), the fibre speed from the equilibrium of that
// state with the tendon at the path's length. As a share of the maximum isometric force.
double opensim_static_optimization_scale(const MuscleTendon& mt, double mt_length_m, double mt_speed_m_s);

// The fibre in static equilibrium with the tendon (fibre still) at an activation and a
// path length, as OpenSim's AnalyzeTool equilibrates muscles before its MuscleAnalysis;
// a rigid tendon's fibre follows the path. max_isometric_force_N scales the forces.
FibreState equilibrium(const MuscleTendon& mt, double max_isometric_force_N, double activation, double mt_length_m,
                       double mt_speed_m_s);

}  // namespace spineload::millard2012
