// An arithmetic expression of named variables, as OpenSim's ExpressionBasedCoordinateForce
// writes them (Lepton syntax: + - * / ^, sin, cos, exp, sqrt, ..., step, square). Parsed by
// muParser (Debian's libmuparser-dev), with Lepton's extra functions defined on it.
// Evaluating mutates the parser's stack: one Expression per thread (held in Data).
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace spineload {

class Expression {
 public:
  // Throws std::invalid_argument with the parser's message when `text` is not an
  // expression of `variables` alone.
  Expression(const std::string& text, const std::vector<std::string>& variables);
  ~Expression();
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  // `values` in the order of the constructor's variables.
  double operator()(const std::vector<double>& values);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spineload
