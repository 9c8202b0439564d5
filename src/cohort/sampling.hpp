// Stage cohort, sampling: distributions of a cohort file (fixed, normal, truncated normal,
// lognormal, uniform, empirical percentiles, categorical, probability) and the random
// numbers behind them. Every subject draws from her own counter-based stream, seeded by the
// cohort's seed and her index alone, so a cohort samples the same whatever the number of
// threads or processes. Hand-written: the standard library's distributions are not the same
// across implementations, and byte-identical output is required.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace YAML { class Node; }

namespace spineload {

class SubjectRng {
 public:
  SubjectRng(std::uint64_t seed, std::uint64_t index);
  double uniform();  // in (0, 1)
  double normal();   // standard normal (Box-Muller)

 private:
  std::uint64_t next();
  std::uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

double normal_cdf(double z);
double normal_quantile(double p);  // p in (0, 1)

struct Distribution {
  enum class Kind { fixed, normal, truncated_normal, lognormal, uniform, empirical, categorical, probability };
  Kind kind = Kind::fixed;
  double value = 0;                          // fixed; probability of "yes"
  double mean = 0, sd = 0;                   // normal, truncated normal
  double lower = -INFINITY, upper = INFINITY;  // truncated normal, uniform
  double median = 1, sigma = 0;              // lognormal
  std::vector<double> percentiles, values;   // empirical: percentiles (0-100) and their values
  double lower_p = 0, upper_p = 1;           // empirical with min/max: the normal probabilities
                                             // of their scores (set by parse_distribution)
  std::vector<std::string> categories;       // categorical
  std::vector<double> weights;               // categorical, normalised to sum 1
  std::string fixed_text;                    // a fixed category

  bool numeric() const { return kind != Kind::categorical && !(kind == Kind::fixed && !fixed_text.empty()); }
  // Numeric kinds: the value whose standard-normal score is z (so correlated variables
  // share one Gaussian copula); each kind's own shape.
  double from_normal(double z) const;
  double sample(SubjectRng& rng) const { return from_normal(rng.normal()); }
  // Categorical and fixed text: a category; probability: "yes" or "no".
  std::string sample_category(SubjectRng& rng) const;
  double expected_mean() const;  // for reports and tests (numeric kinds)
};

// A scalar is a fixed value (number or text); a map names one kind:
//   {normal: {mean, sd}}, {truncated_normal: {mean, sd, min, max}}, {lognormal: {median, sigma}},
//   {uniform: {min, max}}, {empirical: {percentiles: [...], values: [...]}},
//   {categorical: {name: weight, ...}}, {probability: p}.
Distribution parse_distribution(const YAML::Node& node, const std::string& file, const std::string& field);

}  // namespace spineload
