// Stage interop, functions: OpenSim's Function classes as the scalar functions that drive
// imported joints (mb::JointFunction) and path points. Written here because no packaged
// library reproduces OpenSim's spline end conditions (SimmSpline: the Forsythe, Malcolm &
// Moler cubic spline that SIMM used; NaturalCubicSpline: second derivative zero at the ends).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "multibody/system.hpp"

namespace spineload {

// Functions of one argument, with derivatives to second order; a MultiplierFunction scales
// another. Each is immutable once built.
std::shared_ptr<const mb::JointFunction> constant_function(double value);
std::shared_ptr<const mb::JointFunction> linear_function(double slope, double intercept);
// coefficients from the highest power down (OpenSim's PolynomialFunction order).
std::shared_ptr<const mb::JointFunction> polynomial_function(std::vector<double> coefficients);
enum class SplineKind { simm, natural };
// x strictly increasing, at least two points (two points: a straight line).
std::shared_ptr<const mb::JointFunction> cubic_spline(std::vector<double> x, std::vector<double> y, SplineKind kind);
std::shared_ptr<const mb::JointFunction> piecewise_linear(std::vector<double> x, std::vector<double> y);
// OpenSim's MultivariatePolynomialFunction: `dimension` arguments, terms of total degree up
// to `order`, coefficients with the first argument's exponent varying slowest and the last's
// fastest (OpenSim's order). Throws std::invalid_argument on a wrong coefficient count.
std::shared_ptr<const mb::JointFunction> multivariate_polynomial(std::vector<double> coefficients, int dimension,
                                                                 int order);
std::shared_ptr<const mb::JointFunction> multiplier_function(std::shared_ptr<const mb::JointFunction> f, double scale);

// The function as OpenSim XML (an element named "function"), for model export.
std::string osim_function_xml(const mb::JointFunction& f);

}  // namespace spineload
