// Stage 4b, passive tissues: takes body poses and the muscle geometry (muscle stage); gives
// the tension of each ligament and fascia strand from its elongation, the passive tension of
// stretched muscle fibres and of imported models' path forces (OpenSim's Ligament and
// PathSpring), and adds their generalised forces to the joints' own passive
// moments (data.passive_Nm), which the recruitment then takes as given.
#pragma once
#include "model/data.hpp"

namespace spineload {

void passive_tissues(const Model& model, Data& data);

// Imported models' path forces alone (passive_tissues includes them): their tensions, and
// their generalised forces added to data.passive_Nm. Needs poses and the Jacobian.
void path_forces(const Model& model, Data& data);

// Their tensions as the multibody system feels them, for joint reactions: each path's pulls
// added to data.applied and its moving points' slides to `mobility` (add_path_pull).
void add_path_force_loads(const Model& model, Data& data, Eigen::VectorXd& mobility);

// The tension of a path force at a length and lengthening speed (OpenSim's formulas).
double path_force_tension_N(const PathForce& f, double length_m, double lengthening_speed_m_s);

}  // namespace spineload
