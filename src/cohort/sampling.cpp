#include "cohort/sampling.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <numbers>

#include "common/bisect.hpp"
#include "common/errors.hpp"
#include "io/yaml_util.hpp"

namespace spineload {

namespace {

// SplitMix64 (Steele, Lea & Flood 2014): a tiny, well-mixed 64-bit generator whose output
// depends only on its state; a subject's state starts from a hash of (seed, index).
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

SubjectRng::SubjectRng(std::uint64_t seed, std::uint64_t index)
    : state_(mix(seed * 0x9e3779b97f4a7c15ULL + mix(index + 0x632be59bd9b4e019ULL))) {}

std::uint64_t SubjectRng::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix(state_);
}

double SubjectRng::uniform() {
  // 53 random bits, never 0 or 1.
  return (static_cast<double>(next() >> 11) + 0.5) / 9007199254740992.0;
}

double SubjectRng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double r = std::sqrt(-2 * std::log(uniform())), a = 2 * std::numbers::pi * uniform();
  spare_ = r * std::sin(a);
  has_spare_ = true;
  return r * std::cos(a);
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

double normal_quantile(double p) {
  // Acklam's rational approximation (relative error 1.2e-9), then one Halley step on erfc.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  p = std::clamp(p, 1e-300, 1 - 1e-16);
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

namespace {

// An empirical table's value at normal score z, and the score of a value (its inverse).
double empirical_value(const Distribution& d, double z) {
  std::size_t i = 1;
  double z0 = normal_quantile(d.percentiles[0] / 100), z1 = normal_quantile(d.percentiles[1] / 100);
  while (i + 1 < d.percentiles.size() && z > z1) {
    ++i;
    z0 = z1;
    z1 = normal_quantile(d.percentiles[i] / 100);
  }
  return d.values[i - 1] + (z - z0) / (z1 - z0) * (d.values[i] - d.values[i - 1]);
}

double empirical_score(const Distribution& d, double v) {
  return bisect([&](double z) { return empirical_value(d, z) < v; }, -10, 10, 100);
}

}  // namespace

double Distribution::from_normal(double z) const {
  switch (kind) {
    case Kind::fixed: return value;
    case Kind::normal: return mean + sd * z;
    case Kind::truncated_normal: {
      const double pa = normal_cdf((lower - mean) / sd), pb = normal_cdf((upper - mean) / sd);
      return std::clamp(mean + sd * normal_quantile(pa + (pb - pa) * normal_cdf(z)), lower, upper);
    }
    case Kind::lognormal: return median * std::exp(sigma * z);
    case Kind::uniform: return lower + (upper - lower) * normal_cdf(z);
    case Kind::empirical: {
      // Piecewise linear in the normal score between the given percentiles (a normal
      // distribution is a straight line there), extended along the end pieces. With bounds
      // the tails beyond them are cut off: the score is mapped into the scores of the bounds
      // (monotone, so a correlation through the copula keeps its ranks).
      if (std::isfinite(lower) || std::isfinite(upper)) {
        z = normal_quantile(lower_p + (upper_p - lower_p) * normal_cdf(z));
        return std::clamp(empirical_value(*this, z), lower, upper);
      }
      return empirical_value(*this, z);
    }
    case Kind::probability: return normal_cdf(z) < value ? 1.0 : 0.0;
    case Kind::categorical: break;
  }
  return 0;
}

std::string Distribution::sample_category(SubjectRng& rng) const {
  if (kind == Kind::fixed) return fixed_text;
  const double u = rng.uniform();
  if (kind == Kind::probability) return u < value ? "yes" : "no";
  double sum = 0;
  for (std::size_t k = 0; k < categories.size(); ++k) {
    sum += weights[k];
    if (u < sum) return categories[k];
  }
  return categories.back();
}

double Distribution::expected_mean() const {
  switch (kind) {
    case Kind::fixed: return value;
    case Kind::normal: return mean;
    case Kind::lognormal: return median * std::exp(sigma * sigma / 2);
    case Kind::uniform: return 0.5 * (lower + upper);
    case Kind::probability: return value;
    default: break;
  }
  // Truncated normal and empirical: by quadrature over the normal score.
  double sum = 0, weight = 0;
  for (double z = -8; z <= 8; z += 0.001) {
    const double w = std::exp(-z * z / 2);
    sum += w * from_normal(z);
    weight += w;
  }
  return sum / weight;
}

Distribution parse_distribution(const YAML::Node& node, const std::string& file, const std::string& field) {
  Distribution d;
  const int line = yaml::line_of(node);
  if (node.IsScalar()) {
    const std::string text = yaml::as_string(node, file, field);
    try {
      std::size_t used = 0;
      d.value = std::stod(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      d.fixed_text = text;
    }
    return d;
  }
  if (!node.IsMap() || node.size() != 1)
    throw InputError(file, line, field,
                     "expected a value or one of normal, truncated_normal, lognormal, uniform, empirical, categorical, "
                     "probability");
  const std::string kind = yaml::key_of(node.begin()->first, file, field);
  const YAML::Node p = node.begin()->second;
  const std::string ctx = field + "." + kind;
  auto num = [&](const char* key) { return yaml::as_double(yaml::require(p, key, file, ctx), file, ctx + "." + key); };
  if (kind == "normal" || kind == "truncated_normal") {
    yaml::check_keys(p, kind == "normal" ? std::vector<std::string>{"mean", "sd"}
                                         : std::vector<std::string>{"mean", "sd", "min", "max"},
                     file, ctx);
    d.kind = kind == "normal" ? Distribution::Kind::normal : Distribution::Kind::truncated_normal;
    d.mean = num("mean");
    d.sd = num("sd");
    if (!(d.sd > 0)) throw InputError(file, yaml::line_of(p["sd"]), ctx + ".sd", "must be positive");
    if (kind == "truncated_normal") {
      d.lower = num("min");
      d.upper = num("max");
      if (!(d.lower < d.upper)) throw InputError(file, yaml::line_of(p), ctx, "min must be below max");
    }
  } else if (kind == "lognormal") {
    yaml::check_keys(p, {"median", "sigma"}, file, ctx);
    d.kind = Distribution::Kind::lognormal;
    d.median = num("median");
    d.sigma = num("sigma");
    if (!(d.median > 0) || !(d.sigma > 0)) throw InputError(file, yaml::line_of(p), ctx, "median and sigma must be positive");
  } else if (kind == "uniform") {
    yaml::check_keys(p, {"min", "max"}, file, ctx);
    d.kind = Distribution::Kind::uniform;
    d.lower = num("min");
    d.upper = num("max");
    if (!(d.lower < d.upper)) throw InputError(file, yaml::line_of(p), ctx, "min must be below max");
  } else if (kind == "empirical") {
    yaml::check_keys(p, {"percentiles", "values", "source", "min", "max"}, file, ctx);
    d.kind = Distribution::Kind::empirical;
    if (p["min"]) d.lower = num("min");
    if (p["max"]) d.upper = num("max");
    for (const auto& v : yaml::require(p, "percentiles", file, ctx)) d.percentiles.push_back(yaml::as_double(v, file, ctx + ".percentiles"));
    for (const auto& v : yaml::require(p, "values", file, ctx)) d.values.push_back(yaml::as_double(v, file, ctx + ".values"));
    if (d.percentiles.size() != d.values.size() || d.values.size() < 2)
      throw InputError(file, yaml::line_of(p), ctx, "percentiles and values need the same length, at least two");
    for (std::size_t i = 0; i < d.values.size(); ++i) {
      if (!(d.percentiles[i] > 0 && d.percentiles[i] < 100) || (i && !(d.percentiles[i] > d.percentiles[i - 1])) ||
          (i && !(d.values[i] >= d.values[i - 1])))
        throw InputError(file, yaml::line_of(p), ctx, "percentiles must rise within (0, 100), values must not fall");
    }
    if (!(d.lower < d.values.front()) || !(d.upper > d.values.back()))
      throw InputError(file, yaml::line_of(p), ctx, "min and max must lie outside the tabulated values");
    if (std::isfinite(d.lower)) d.lower_p = normal_cdf(empirical_score(d, d.lower));
    if (std::isfinite(d.upper)) d.upper_p = normal_cdf(empirical_score(d, d.upper));
  } else if (kind == "categorical") {
    d.kind = Distribution::Kind::categorical;
    double total = 0;
    if (!p.IsMap()) throw InputError(file, yaml::line_of(p), ctx, "expected a mapping of category: weight");
    for (const auto& kv : p) {
      d.categories.push_back(yaml::key_of(kv.first, file, ctx));
      d.weights.push_back(yaml::as_double(kv.second, file, ctx + "." + d.categories.back()));
      if (!(d.weights.back() >= 0)) throw InputError(file, yaml::line_of(kv.second), ctx, "weights must not be negative");
      total += d.weights.back();
    }
    if (!(total > 0)) throw InputError(file, yaml::line_of(p), ctx, "weights must sum to more than zero");
    for (double& w : d.weights) w /= total;
  } else if (kind == "probability") {
    d.kind = Distribution::Kind::probability;
    d.value = yaml::as_double(p, file, ctx);
    if (!(d.value >= 0 && d.value <= 1)) throw InputError(file, yaml::line_of(p), ctx, "expected 0 to 1");
  } else {
    std::string msg = "unknown distribution '" + kind + "'";
    const std::string guess =
        yaml::nearest(kind, {"normal", "truncated_normal", "lognormal", "uniform", "empirical", "categorical", "probability"});
    if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
    throw InputError(file, yaml::line_of(node), field, msg);
  }
  return d;
}

}  // namespace spineload
