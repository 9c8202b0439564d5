#include "muscles/fibre.hpp"

#include "model/model.hpp"
#include "muscles/degroote2016.hpp"
#include "muscles/millard2012.hpp"
#include "muscles/thelen2003.hpp"

namespace spineload {

FibreModel fibre_model(const MuscleTendon& mt) {
  if (mt.type == "Thelen2003Muscle") return FibreModel::thelen2003;
  if (mt.type == "Millard2012EquilibriumMuscle" && mt.millard) return FibreModel::millard2012;
  if (mt.type == "DeGrooteFregly2016Muscle") return FibreModel::degroote2016;
  return FibreModel::none;
}

double opensim_static_optimization_scale(const Muscle& mu, double ml, double dml) {
  switch (fibre_model(mu.tendon)) {
    case FibreModel::thelen2003:
      return thelen2003::opensim_static_optimization_scale(mu.tendon, mu.max_force_N(), ml, dml);
    case FibreModel::millard2012: return millard2012::opensim_static_optimization_scale(mu.tendon, ml, dml);
    case FibreModel::degroote2016: return degroote2016::opensim_static_optimization_scale(mu.tendon, ml, dml);
    case FibreModel::none: break;
  }
  return 1.0;  // an ideal force generator: its optimal force
}

FibreState static_equilibrium(const Muscle& mu, double activation, double ml) {
  switch (fibre_model(mu.tendon)) {
    case FibreModel::thelen2003: return thelen2003::equilibrium(mu.tendon, mu.max_force_N(), activation, ml, 0);
    case FibreModel::millard2012: return millard2012::equilibrium(mu.tendon, mu.max_force_N(), activation, ml, 0);
    case FibreModel::degroote2016: return degroote2016::equilibrium(mu.tendon, mu.max_force_N(), activation, ml);
    case FibreModel::none: break;
  }
  return {};
}

}  // namespace spineload
