// The recruitment problem's two solvers (the problem itself: model/separable_problem.hpp).
#pragma once
#include "model/separable_problem.hpp"

namespace spineload {

// Dedicated solver, written by hand because no packaged library solves this structure
// fast enough (bench/bench_analysis.cpp measures it against IPOPT): the dual of a
// separable problem is smooth and concave in the m multipliers, so a semismooth Newton
// method on the dual converges in a few steps of an m x m Cholesky (m = 35 here: 27 spinal
// rotations, 8 of the arms) instead of an interior-point method over all n variables.
// Warm-started along a series.
SolveResult solve_fast(const SeparableProblem& problem, const Eigen::VectorXd* warm_lambda);
// The same into `result`, with `workspace`'s buffers: no allocation once both are sized.
// `rescale_warm`: the multipliers come from another problem of the same shape (a cohort's
// reference woman), so the solve starts from their best multiple, the dual's maximiser
// along them; a series' previous frame is started from as it is.
// `trend`: how the multipliers moved over the frame before (a motion's last two frames):
// the solve starts from the dual's maximiser along it, from `warm_lambda`.
void solve_fast(const SeparableProblem& problem, const Eigen::VectorXd* warm_lambda, DualNewtonWorkspace& workspace,
                SolveResult& result, bool rescale_warm = false, const Eigen::VectorXd* trend = nullptr);

// Reference solver: IPOPT (COIN-OR) interior point, tight tolerances. IPOPT lives in a
// module of its own (libspineload_ipopt.so), loaded on first use with its own symbol scope:
// Debian's IPOPT brings MUMPS's stand-in MPI library, whose MPI_* symbols would otherwise
// clash with Open MPI's in the same process (cohorts under mpirun).
SolveResult solve_ipopt(const SeparableProblem& problem);

}  // namespace spineload
