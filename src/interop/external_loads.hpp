// Stage interop, external loads: OpenSim's ExternalLoads XML (ExternalForce entries naming
// the body they act on, the frames their force and point are expressed in, and the column
// prefixes in a data file) with its .mot/.sto data, applied at any time by linear
// interpolation of the data (ground reaction forces, a pushed handle, a held load).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "io/storage.hpp"
#include "model/data.hpp"
#include "model/model.hpp"

namespace spineload {

struct ExternalForceSpec {
  std::string name;
  int body = -1;                      // body it acts on
  int force_frame = -1, point_frame = -1;  // bodies the force and point are expressed in; -1 ground
  std::array<int, 3> force_cols{-1, -1, -1}, point_cols{-1, -1, -1}, torque_cols{-1, -1, -1};
};

struct ExternalLoadsSpec {
  std::string file;
  std::vector<ExternalForceSpec> forces;
  Storage data;
};

// Reads the XML and its data file (relative to the XML's folder); every name is checked
// against the model, every identifier against the data's columns.
ExternalLoadsSpec read_external_loads(const Model& model, const std::string& path);

// Adds the loads at time t to data.applied (after forward_kinematics and apply_loads).
void apply_external_loads(const Model& model, Data& data, const ExternalLoadsSpec& loads, double t);

}  // namespace spineload
