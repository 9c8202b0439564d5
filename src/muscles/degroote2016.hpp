// De Groote-Fregly 2016 muscle-tendon curves (De Groote F, Kinney AL, Rao AV, Fregly BJ, Ann
// Biomed Eng 44:2922-2936, 2016) with the constants and corrections of OpenSim's
// DeGrooteFregly2016Muscle (read in opensim-core: its force-velocity constants refitted to
// pass through (-1, 0) and (0, 1), the tendon curve through (1, 0), the passive curve zero at
// 0.2 optimal lengths), and the force OpenSim's static optimisation lets such a muscle give
// at full activation. Closed-form curves; normalisation as in thelen2003.hpp.
#pragma once

#include "muscles/fibre.hpp"

namespace spineload::degroote2016 {

double active_force_length(const MuscleTendon& mt, double fibre_length_norm);
double passive_force_length(const MuscleTendon& mt, double fibre_length_norm);
double force_velocity(double fibre_speed_norm);
double tendon_force(const MuscleTendon& mt, double tendon_length_norm);
double tendon_length_for_force(const MuscleTendon& mt, double tendon_force_norm);

// The fibre of a rigid-tendon unit at a path length and speed: its normalised length,
// pennation cosine and normalised speed (lengthening positive), as OpenSim's length and
// velocity helpers give them with the tendon ignored.
struct RigidFibre {
  double fibre_length_m, fibre_length_norm, cos_pennation, fibre_speed_norm;
};
RigidFibre rigid_fibre(const MuscleTendon& mt, double mt_length_m, double mt_speed_m_s);

// The fibre at an activation, still and in equilibrium with its tendon (the normalised
// tendon force bracketed over 0 to 5, as OpenSim's computeInitialFiberEquilibrium does); a
// rigid tendon's fibre follows the path.
FibreState equilibrium(const MuscleTendon& mt, double max_isometric_force_N, double activation, double mt_length_m);

// OpenSim's DeGrooteFregly2016Muscle::calcInextensibleTendonActiveFiberForce at activation
// 1: active force-length x force-velocity along the fibre (this class does not project it
// on the tendon), the tendon taken rigid whatever the muscle's setting. As a share of the
// maximum isometric force.
double opensim_static_optimization_scale(const MuscleTendon& mt, double mt_length_m, double mt_speed_m_s);

}  // namespace spineload::degroote2016
