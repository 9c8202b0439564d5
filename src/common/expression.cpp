#include "common/expression.hpp"

#include <muParser.h>

#include <cmath>
#include <stdexcept>

namespace spineload {

namespace {
// Lepton's functions that muParser lacks.
double square(double x) { return x * x; }
double cube(double x) { return x * x * x; }
double recip(double x) { return 1 / x; }
double step(double x) { return x >= 0 ? 1 : 0; }
double sec(double x) { return 1 / std::cos(x); }
double csc(double x) { return 1 / std::sin(x); }
double cot(double x) { return 1 / std::tan(x); }
double erf_(double x) { return std::erf(x); }
double erfc_(double x) { return std::erfc(x); }
}  // namespace

struct Expression::Impl {
  mu::Parser parser;
  std::vector<double> values;
};

Expression::Expression(const std::string& text, const std::vector<std::string>& variables) : impl_(std::make_unique<Impl>()) {
  impl_->values.assign(variables.size(), 0.0);
  try {
    mu::Parser& p = impl_->parser;
    for (std::size_t i = 0; i < variables.size(); ++i) p.DefineVar(variables[i], &impl_->values[i]);
    p.DefineFun("square", square);
    p.DefineFun("cube", cube);
    p.DefineFun("recip", recip);
    p.DefineFun("step", step);
    p.DefineFun("sec", sec);
    p.DefineFun("csc", csc);
    p.DefineFun("cot", cot);
    p.DefineFun("erf", erf_);
    p.DefineFun("erfc", erfc_);
    p.SetExpr(text);
    (void)p.Eval();  // unknown names and syntax errors show here
  } catch (const mu::Parser::exception_type& e) {
    throw std::invalid_argument(e.GetMsg());
  }
}

Expression::~Expression() = default;
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;

double Expression::operator()(const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size() && i < impl_->values.size(); ++i) impl_->values[i] = values[i];
  try {
    return impl_->parser.Eval();
  } catch (const mu::Parser::exception_type& e) {
    throw std::invalid_argument(e.GetMsg());
  }
}

}  // namespace spineload
