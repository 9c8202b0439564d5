// Thelen 2003 muscle-tendon curves (Thelen DG, J Biomech Eng 125:70-77, 2003), with the
// shapes and conventions of OpenSim's Thelen2003Muscle, and the force OpenSim's static
// optimisation lets such a muscle give at full activation.
//
// Why by hand: no packaged library models muscle-tendon units; the curves are a few lines
// each. Everything is normalised: lengths by the optimal fibre length or tendon slack
// length, speeds by the maximum contraction velocity times the optimal fibre length
// (lengthening positive), forces by the maximum isometric force.
#pragma once
#include "model/model.hpp"
#include "muscles/fibre.hpp"

namespace spineload::thelen2003 {

double active_force_length(const MuscleTendon& mt, double fibre_length_norm);
double active_force_length_slope(const MuscleTendon& mt, double fibre_length_norm);
double passive_force_length(const MuscleTendon& mt, double fibre_length_norm);
double passive_force_length_slope(const MuscleTendon& mt, double fibre_length_norm);
// Tendon force against tendon length over slack length (exponential toe, then linear).
double tendon_force(const MuscleTendon& mt, double tendon_length_norm);
double tendon_force_slope(const MuscleTendon& mt, double tendon_length_norm);

// Thelen's force-velocity relation, which gives the fibre speed for a force (a * fal * fv),
// extrapolated linearly beyond the eccentric threshold and below zero force.
double fibre_speed_for_force(const MuscleTendon& mt, double activation, double fal, double force_norm);
// Its inverse: the force-velocity multiplier at a fibre speed (Newton's method).
double force_velocity(const MuscleTendon& mt, double activation, double fal, double fibre_speed_norm);

// The fibre in equilibrium with its compliant tendon for a muscle-tendon length and
// lengthening speed (the speed shared between fibre and tendon by their stiffness), as
// OpenSim initialises a Thelen2003Muscle; and its tendon force alone (newtons).
FibreState equilibrium(const MuscleTendon& mt, double max_isometric_force_N, double activation, double mt_length_m,
                       double mt_speed_m_s);
double equilibrium_tendon_force_N(const MuscleTendon& mt, double max_isometric_force_N, double activation,
                                  double mt_length_m, double mt_speed_m_s);

// OpenSim's generic force-velocity multiplier (its Muscle base class), of the normalised
// shortening speed: 1.8 - 1.8 / (1 + exp((0.04 - v) / 0.18)).
double generic_force_velocity(double shortening_speed_norm);

// What OpenSim's static optimisation with muscle physiology takes as a Thelen2003Muscle's
// force at full activation (ActivationFiberLengthMuscle's inextensible-tendon active fibre
// force): the compliant-tendon equilibrium force at activation 1 with the fibre still
// (passive fibre force included), times the generic force-velocity multiplier at the path's
// speed. As a share of the maximum isometric force.
double opensim_static_optimization_scale(const MuscleTendon& mt, double max_isometric_force_N,
                                         double mt_length_m, double mt_speed_m_s);

}  // namespace spineload::thelen2003
