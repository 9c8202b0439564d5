// Zero-lag low-pass filtering of uniformly sampled coordinates, as OpenSim's tools do with
// `lowpass_cutoff_frequency_for_coordinates`: the signal is padded at both ends by odd
// reflection (half its length each side) and run through a third-order Butterworth filter
// forwards and backwards. Hand-written: a dozen lines, no packaged C++ filter library.
#pragma once
#include <vector>

namespace spineload {

// Returns the padded, filtered samples (pad points before and after the originals);
// `pad` is set to the number of points added at each end.
std::vector<double> lowpass_padded(const std::vector<double>& y, double dt_s, double cutoff_hz, std::size_t& pad);

// The same, trimmed back to the original samples.
std::vector<double> lowpass(const std::vector<double>& y, double dt_s, double cutoff_hz);

}  // namespace spineload
