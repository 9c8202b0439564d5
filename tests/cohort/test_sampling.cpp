#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "cohort/sampling.hpp"
#include "common/errors.hpp"
#include "io/yaml_util.hpp"

namespace spineload {
namespace {

Distribution dist(const std::string& yaml) { return parse_distribution(yaml::parse(yaml, "d.yaml"), "d.yaml", "x"); }

// Mean and standard deviation of n draws of subjects 0..n-1.
std::pair<double, double> moments(const Distribution& d, int n) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    SubjectRng rng(11, static_cast<std::uint64_t>(i));
    const double x = d.sample(rng);
    s += x;
    s2 += x * x;
  }
  const double mean = s / n;
  return {mean, std::sqrt(s2 / n - mean * mean)};
}

TEST(Sampling, StreamsDependOnSeedAndIndexOnly) {
  SubjectRng a(42, 7), b(42, 7), c(42, 8), d(43, 7);
  const double x = a.uniform();
  EXPECT_EQ(x, b.uniform());
  EXPECT_NE(x, c.uniform());
  EXPECT_NE(x, d.uniform());
  EXPECT_GT(x, 0.0);
  EXPECT_LT(x, 1.0);
}

TEST(Sampling, NormalQuantileInvertsTheCdf) {
  for (double p : {1e-6, 0.01, 0.025, 0.3, 0.5, 0.9, 0.975, 0.999999}) EXPECT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-12 + 1e-9 * p);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
}

TEST(Sampling, MeansAndSpreadsMatchTheSpecification) {
  // 20 000 draws: the standard error of a mean is sd / 141; tolerance 4 standard errors.
  const int n = 20000;
  const auto [m1, s1] = moments(dist("{normal: {mean: 1.62, sd: 0.07}}"), n);
  EXPECT_NEAR(m1, 1.62, 4 * 0.07 / std::sqrt(n));
  EXPECT_NEAR(s1, 0.07, 0.07 * 0.03);
  const auto [m2, s2] = moments(dist("{uniform: {min: 20, max: 40}}"), n);
  EXPECT_NEAR(m2, 30, 4 * (20 / std::sqrt(12.0)) / std::sqrt(n));
  EXPECT_NEAR(s2, 20 / std::sqrt(12.0), 0.1);
  const Distribution ln = dist("{lognormal: {median: 70, sigma: 0.2}}");
  const auto [m3, s3] = moments(ln, n);
  EXPECT_NEAR(m3, ln.expected_mean(), 4 * s3 / std::sqrt(n));
  const Distribution tn = dist("{truncated_normal: {mean: 30, sd: 10, min: 25, max: 45}}");
  const auto [m4, s4] = moments(tn, n);
  EXPECT_NEAR(m4, tn.expected_mean(), 4 * s4 / std::sqrt(n));
  for (int i = 0; i < 1000; ++i) {
    SubjectRng rng(3, static_cast<std::uint64_t>(i));
    const double x = tn.sample(rng);
    EXPECT_GE(x, 25);
    EXPECT_LE(x, 45);
  }
  // Empirical percentiles are reproduced: the median of draws at the 50th value.
  // n draws of a distribution, one stream per draw, sorted.
  auto sorted_draws = [&](const Distribution& d) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
      SubjectRng rng(5, static_cast<std::uint64_t>(i));
      v.push_back(d.sample(rng));
    }
    std::sort(v.begin(), v.end());
    return v;
  };
  const std::vector<double> xs =
      sorted_draws(dist("{empirical: {percentiles: [5, 50, 95], values: [50, 70, 110]}}"));
  EXPECT_NEAR(xs[n / 2], 70, 0.5);
  EXPECT_NEAR(xs[n * 95 / 100], 110, 1.5);
  EXPECT_NEAR(xs[n * 5 / 100], 50, 1.0);
  // With bounds the tails are cut off, the percentiles inside barely move: the lower bound
  // 40 lies at z = -2.47 of the table, so 0.7 % of the mass was below it.
  const Distribution cut = dist("{empirical: {percentiles: [5, 50, 95], values: [50, 70, 110], min: 40, max: 150}}");
  const std::vector<double> cs = sorted_draws(cut);
  EXPECT_GE(cs.front(), 40);
  EXPECT_LE(cs.back(), 150);
  EXPECT_NEAR(cs[n / 2], 70, 0.7);
  EXPECT_NEAR(cut.from_normal(-1e9), 40, 1e-9);
  EXPECT_NEAR(cut.from_normal(1e9), 150, 1e-9);
  EXPECT_THROW(dist("{empirical: {percentiles: [5, 95], values: [50, 110], min: 60}}"), InputError);
}

TEST(Sampling, CategoriesAndProbabilities) {
  const Distribution c = dist("{categorical: {girl: 1, boy: 3}}");
  int boys = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    SubjectRng rng(9, static_cast<std::uint64_t>(i));
    boys += c.sample_category(rng) == "boy";
  }
  EXPECT_NEAR(static_cast<double>(boys) / n, 0.75, 4 * std::sqrt(0.75 * 0.25 / n));
  EXPECT_EQ(dist("caesarean").fixed_text, "caesarean");
  EXPECT_DOUBLE_EQ(dist("1.7").value, 1.7);
}

TEST(Sampling, BadDistributionsNameTheField) {
  try {
    dist("{normall: {mean: 1, sd: 1}}");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "x");
    EXPECT_NE(std::string(e.what()).find("did you mean 'normal'"), std::string::npos);
  }
  EXPECT_THROW(dist("{normal: {mean: 1, sd: -1}}"), InputError);
  EXPECT_THROW(dist("{uniform: {min: 2, max: 1}}"), InputError);
  EXPECT_THROW(dist("{probability: 1.5}"), InputError);
  EXPECT_THROW(dist("{empirical: {percentiles: [50, 5], values: [1, 2]}}"), InputError);
}

}  // namespace
}  // namespace spineload
