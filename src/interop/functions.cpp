#include "interop/functions.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace spineload {

namespace {

// Order of the derivative asked for (the length of `components`, all of the one argument).
int order(const std::vector<int>& components) { return static_cast<int>(components.size()); }

class Constant final : public mb::JointFunction {
 public:
  explicit Constant(double v) : v_(v) {}
  double v() const { return v_; }
  int num_arguments() const override { return 0; }
  double value(const double*) const override { return v_; }
  double derivative(const std::vector<int>&, const double*) const override { return 0; }

 private:
  double v_;
};

class Polynomial final : public mb::JointFunction {
 public:
  explicit Polynomial(std::vector<double> c) : c_(std::move(c)) {}
  const std::vector<double>& coefficients() const { return c_; }
  int num_arguments() const override { return 1; }
  double value(const double* x) const override { return eval(0, x[0]); }
  double derivative(const std::vector<int>& comp, const double* x) const override { return eval(order(comp), x[0]); }

 private:
  // d-th derivative by Horner's rule over the differentiated coefficients.
  double eval(int d, double x) const {
    const int n = static_cast<int>(c_.size()) - 1;  // degree
    double r = 0;
    for (int k = 0; k <= n - d; ++k) {
      const int power = n - k;
      double coef = c_[k];
      for (int j = 0; j < d; ++j) coef *= power - j;
      r = r * x + coef;
    }
    return r;
  }
  std::vector<double> c_;
};

// Cubic pieces y = y_i + b_i t + c_i t^2 + d_i t^3, t = x - x_i; beyond the ends the end
// pieces are extended linearly (OpenSim's splines extrapolate along the end slope).
class CubicPieces final : public mb::JointFunction {
 public:
  CubicPieces(std::vector<double> x, std::vector<double> y, std::vector<double> b, std::vector<double> c,
              std::vector<double> d, std::string type)
      : x_(std::move(x)), y_(std::move(y)), b_(std::move(b)), c_(std::move(c)), d_(std::move(d)), type_(std::move(type)) {}
  const std::vector<double>& x() const { return x_; }
  const std::vector<double>& y() const { return y_; }
  const std::string& type() const { return type_; }  // OpenSim class
  int num_arguments() const override { return 1; }
  double value(const double* x) const override { return eval(0, x[0]); }
  double derivative(const std::vector<int>& comp, const double* x) const override { return eval(order(comp), x[0]); }

 private:
  double eval(int deriv, double x) const {
    const std::size_t n = x_.size();
    if (x < x_.front() || x > x_.back()) {
      const bool low = x < x_.front();
      const std::size_t i = low ? 0 : n - 1;
      const double slope = low ? b_[0] : slope_at_end();
      if (deriv == 0) return y_[i] + slope * (x - x_[i]);
      return deriv == 1 ? slope : 0.0;
    }
    const std::size_t i = std::min<std::size_t>(
        n - 2, static_cast<std::size_t>(std::upper_bound(x_.begin(), x_.end(), x) - x_.begin()) - 1);
    const double t = x - x_[i];
    switch (deriv) {
      case 0: return y_[i] + t * (b_[i] + t * (c_[i] + t * d_[i]));
      case 1: return b_[i] + t * (2 * c_[i] + 3 * t * d_[i]);
      default: return 2 * c_[i] + 6 * t * d_[i];
    }
  }
  double slope_at_end() const {
    const std::size_t i = x_.size() - 2;
    const double t = x_.back() - x_[i];
    return b_[i] + t * (2 * c_[i] + 3 * t * d_[i]);
  }
  std::vector<double> x_, y_, b_, c_, d_;
  std::string type_;
};

void check_points(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("x and y have different lengths");
  if (x.size() < 2) throw std::invalid_argument("a spline needs at least two points");
  for (std::size_t i = 1; i < x.size(); ++i)
    if (!(x[i] > x[i - 1])) throw std::invalid_argument("x values must increase");
}

// Tridiagonal cubic spline: second derivatives s_i from the continuity equations with the
// given end rows, then the piece coefficients.
std::shared_ptr<const mb::JointFunction> solve_spline(const std::vector<double>& x, const std::vector<double>& y,
                                                      SplineKind kind) {
  const std::string type = kind == SplineKind::simm ? "SimmSpline" : "NaturalCubicSpline";
  const std::size_t n = x.size();
  std::vector<double> b(n - 1), c(n - 1), d(n - 1);
  if (n == 2) {
    b[0] = (y[1] - y[0]) / (x[1] - x[0]);
    return std::make_shared<CubicPieces>(x, y, b, c, d, type);
  }
  std::vector<double> h(n - 1), delta(n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    h[i] = x[i + 1] - x[i];
    delta[i] = (y[i + 1] - y[i]) / h[i];
  }
  // Unknowns sigma_i = s_i / 6 (Forsythe, Malcolm & Moler's formulation).
  std::vector<double> diag(n), lower(n), upper(n), rhs(n);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    lower[i] = h[i - 1];
    diag[i] = 2 * (h[i - 1] + h[i]);
    upper[i] = h[i];
    rhs[i] = delta[i] - delta[i - 1];
  }
  if (kind == SplineKind::natural) {
    diag[0] = diag[n - 1] = 1;
    upper[0] = lower[n - 1] = 0;
    rhs[0] = rhs[n - 1] = 0;
  } else {
    // Third derivative at each end equal to that of the cubic through the four end points
    // (with three points, zero: the parabola through them).
    diag[0] = -h[0];
    upper[0] = h[0];
    diag[n - 1] = -h[n - 2];
    lower[n - 1] = h[n - 2];
    rhs[0] = rhs[n - 1] = 0;
  }
  if (kind == SplineKind::simm && n > 3) {
    const double d3_0 = (delta[1] - delta[0]) / (x[2] - x[0]);
    const double d3_1 = (delta[2] - delta[1]) / (x[3] - x[1]);
    const double e3_0 = (delta[n - 2] - delta[n - 3]) / (x[n - 1] - x[n - 3]);
    const double e3_1 = (delta[n - 3] - delta[n - 4]) / (x[n - 2] - x[n - 4]);
    rhs[0] = h[0] * h[0] * (d3_1 - d3_0) / (x[3] - x[0]);
    rhs[n - 1] = -h[n - 2] * h[n - 2] * (e3_0 - e3_1) / (x[n - 1] - x[n - 4]);
  }
  // Thomas algorithm.
  std::vector<double> cp(n), dp(n), sigma(n);
  cp[0] = upper[0] / diag[0];
  dp[0] = rhs[0] / diag[0];
  for (std::size_t i = 1; i < n; ++i) {
    const double m = diag[i] - lower[i] * cp[i - 1];
    cp[i] = upper[i] / m;
    dp[i] = (rhs[i] - lower[i] * dp[i - 1]) / m;
  }
  sigma[n - 1] = dp[n - 1];
  for (std::size_t i = n - 1; i-- > 0;) sigma[i] = dp[i] - cp[i] * sigma[i + 1];
  for (std::size_t i = 0; i + 1 < n; ++i) {
    b[i] = delta[i] - h[i] * (sigma[i + 1] + 2 * sigma[i]);
    c[i] = 3 * sigma[i];
    d[i] = (sigma[i + 1] - sigma[i]) / h[i];
  }
  return std::make_shared<CubicPieces>(x, y, b, c, d, type);
}

// Each term a coefficient times a product of powers; derivatives term by term.
class MultivariatePolynomial final : public mb::JointFunction {
 public:
  MultivariatePolynomial(std::vector<double> c, int dimension, int order) : c_(std::move(c)), n_(dimension), order_(order) {
    std::vector<int> e(static_cast<std::size_t>(n_), 0);
    enumerate(e, 0, order_);
    if (exponents_.size() != c_.size())
      throw std::invalid_argument(fmt::format("{} coefficients given; a polynomial of {} arguments and order {} has {}",
                                              c_.size(), n_, order_, exponents_.size()));
  }
  int num_arguments() const override { return n_; }
  double value(const double* x) const override { return derivative({}, x); }
  double derivative(const std::vector<int>& comp, const double* x) const override {
    double sum = 0;
    for (std::size_t t = 0; t < c_.size(); ++t) {
      if (c_[t] == 0) continue;
      std::vector<int> e = exponents_[t];
      double factor = c_[t];
      for (int d : comp) {
        if (d < 0 || d >= n_ || e[d] == 0) {
          factor = 0;
          break;
        }
        factor *= e[d]--;
      }
      if (factor == 0) continue;
      for (int i = 0; i < n_; ++i) factor *= std::pow(x[i], e[i]);
      sum += factor;
    }
    return sum;
  }
  const std::vector<double>& coefficients() const { return c_; }
  int dimension() const { return n_; }
  int order() const { return order_; }

 private:
  // OpenSim's order: the first argument's exponent outermost, each inner one up to what the
  // total degree leaves.
  void enumerate(std::vector<int>& e, int i, int left) {
    if (i == n_) {
      exponents_.push_back(e);
      return;
    }
    for (int k = 0; k <= left; ++k) {
      e[i] = k;
      enumerate(e, i + 1, left - k);
    }
    e[i] = 0;
  }
  std::vector<double> c_;
  int n_, order_;
  std::vector<std::vector<int>> exponents_;
};

class Multiplier final : public mb::JointFunction {
 public:
  Multiplier(std::shared_ptr<const mb::JointFunction> f, double s) : f_(std::move(f)), s_(s) {}
  const mb::JointFunction& inner() const { return *f_; }
  double scale() const { return s_; }
  int num_arguments() const override { return f_->num_arguments(); }
  double value(const double* x) const override { return s_ * f_->value(x); }
  double derivative(const std::vector<int>& comp, const double* x) const override { return s_ * f_->derivative(comp, x); }

 private:
  std::shared_ptr<const mb::JointFunction> f_;
  double s_;
};

}  // namespace

std::shared_ptr<const mb::JointFunction> constant_function(double value) { return std::make_shared<Constant>(value); }

std::shared_ptr<const mb::JointFunction> linear_function(double slope, double intercept) {
  return std::make_shared<Polynomial>(std::vector<double>{slope, intercept});
}

std::shared_ptr<const mb::JointFunction> polynomial_function(std::vector<double> coefficients) {
  if (coefficients.empty()) coefficients.push_back(0);
  return std::make_shared<Polynomial>(std::move(coefficients));
}

std::shared_ptr<const mb::JointFunction> cubic_spline(std::vector<double> x, std::vector<double> y, SplineKind kind) {
  check_points(x, y);
  return solve_spline(x, y, kind);
}

std::shared_ptr<const mb::JointFunction> piecewise_linear(std::vector<double> x, std::vector<double> y) {
  check_points(x, y);
  const std::size_t n = x.size();
  std::vector<double> b(n - 1), c(n - 1, 0.0), d(n - 1, 0.0);
  for (std::size_t i = 0; i + 1 < n; ++i) b[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
  return std::make_shared<CubicPieces>(std::move(x), std::move(y), std::move(b), std::move(c), std::move(d),
                                       "PiecewiseLinearFunction");
}

std::shared_ptr<const mb::JointFunction> multivariate_polynomial(std::vector<double> coefficients, int dimension,
                                                                 int order) {
  if (dimension < 1 || dimension > 6 || order < 0) throw std::invalid_argument("1 to 6 arguments and an order of 0 or more");
  return std::make_shared<MultivariatePolynomial>(std::move(coefficients), dimension, order);
}

std::shared_ptr<const mb::JointFunction> multiplier_function(std::shared_ptr<const mb::JointFunction> f, double scale) {
  return std::make_shared<Multiplier>(std::move(f), scale);
}

namespace {
std::string numbers_text(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += fmt::format("{}{:.17g}", s.empty() ? "" : " ", x);
  return s;
}
}  // namespace

std::string osim_function_xml(const mb::JointFunction& f) {
  if (const auto* c = dynamic_cast<const Constant*>(&f))
    return fmt::format("<Constant name=\"function\"><value>{:.17g}</value></Constant>", c->v());
  if (const auto* p = dynamic_cast<const Polynomial*>(&f)) {
    if (p->coefficients().size() == 2)
      return "<LinearFunction name=\"function\"><coefficients>" + numbers_text(p->coefficients()) +
             "</coefficients></LinearFunction>";
    return "<PolynomialFunction name=\"function\"><coefficients>" + numbers_text(p->coefficients()) +
           "</coefficients></PolynomialFunction>";
  }
  if (const auto* s = dynamic_cast<const CubicPieces*>(&f))
    return "<" + s->type() + " name=\"function\"><x>" + numbers_text(s->x()) + "</x><y>" + numbers_text(s->y()) +
           "</y></" + s->type() + ">";
  if (const auto* p = dynamic_cast<const MultivariatePolynomial*>(&f))
    return fmt::format("<MultivariatePolynomialFunction name=\"function\"><coefficients>{}</coefficients>"
                       "<dimension>{}</dimension><order>{}</order></MultivariatePolynomialFunction>",
                       numbers_text(p->coefficients()), p->dimension(), p->order());
  if (const auto* m = dynamic_cast<const Multiplier*>(&f))
    return fmt::format("<MultiplierFunction name=\"function\"><function>{}</function><scale>{:.17g}</scale></MultiplierFunction>",
                       osim_function_xml(m->inner()), m->scale());
  throw std::invalid_argument("a joint function of unknown kind cannot be written as OpenSim XML");
}

}  // namespace spineload
