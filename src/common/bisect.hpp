// Root bracketing by halving, for monotone one-dimensional questions (inverting a curve,
// finding where a balance changes sign). Written by hand: a few lines, and no packaged
// library the project uses offers it without pulling in Boost.Math.
#pragma once

namespace spineload {

// The point on [lo, hi] where `below` turns from true to false: below(x) says the sought
// point lies above x. Halves `halvings` times, or until the bracket is at most `width`.
template <class Below>
double bisect(Below&& below, double lo, double hi, int halvings, double width = 0) {
  for (int k = 0; k < halvings && hi - lo > width; ++k) {
    const double mid = 0.5 * (lo + hi);
    (below(mid) ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace spineload
