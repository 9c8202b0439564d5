// Stage 4b, passive tissues: takes body poses and the muscle geometry (muscle stage); gives
// the tension of each ligament and fascia strand from its elongation, the passive tension of
// stretched muscle fibres, and adds their generalised forces to the joints' own passive
// moments (data.passive_Nm), which the recruitment then takes as given.
#pragma once
#include "model/data.hpp"

namespace spineload {

void passive_tissues(const Model& model, Data& data);

}  // namespace spineload
