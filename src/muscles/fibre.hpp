// The fibre and tendon of OpenSim's muscle classes, whichever curves model them: which
// class a muscle is (decided in one place), the force OpenSim's static optimisation lets it
// give at full activation, and its fibre in static equilibrium with its tendon.
#pragma once

namespace spineload {

struct Muscle;
struct MuscleTendon;

// One instant of a muscle-tendon unit: lengths, pennation, and the forces (newtons) of the
// tendon and, along the fibre, of its active and passive parts.
struct FibreState {
  double fibre_length_m = 0, tendon_length_m = 0, pennation_rad = 0;
  double tendon_force_N = 0, active_fibre_force_N = 0, passive_fibre_force_N = 0;
};

enum class FibreModel { none, thelen2003, millard2012, degroote2016 };

// The curves that model a muscle's fibre, from its OpenSim class: none for path actuators,
// for classes not modelled, and for a Millard muscle whose curves were not built.
FibreModel fibre_model(const MuscleTendon& mt);

// OpenSim's static-optimisation strength of a modelled muscle (each class's
// calcInextensibleTendonActiveFiberForce at activation 1), as a share of its maximum
// isometric force. Throws std::runtime_error where OpenSim's own evaluation fails.
double opensim_static_optimization_scale(const Muscle& mu, double mt_length_m, double mt_speed_m_s);

// The fibre at an activation, still and in equilibrium with its tendon at a path length
// (a rigid tendon's fibre follows the path), as OpenSim equilibrates a muscle.
FibreState static_equilibrium(const Muscle& mu, double activation, double mt_length_m);

}  // namespace spineload
