#include <gtest/gtest.h>

#include "claims/claims.hpp"
#include "io/csv.hpp"

namespace spineload {
namespace {

// The ten experiments take seconds and ctest runs each test in its own process: one test
// runs them, and each claim's checks are a function of their answers.
using Answers = std::vector<ClaimAnswer>;
const ClaimAnswer& claim(const Answers& answers, int n) { return answers.at(static_cast<std::size_t>(n - 1)); }

void EveryClaimHasAnAnswer(const Answers& answers) {
  ASSERT_EQ(answers.size(), 10u);
  for (const auto& a : answers) {
    EXPECT_FALSE(a.claim.empty());
    EXPECT_FALSE(a.experiment.empty());
    EXPECT_GT(a.answer.size(), 80u) << a.number;
    EXPECT_FALSE(a.limits.empty());
  }
  // Epidural damage and warmth are not questions of load.
  EXPECT_EQ(claim(answers, 8).verdict, Verdict::outside_the_model);
  EXPECT_EQ(claim(answers, 10).verdict, Verdict::outside_the_model);
  EXPECT_TRUE(claim(answers, 10).figures.empty());
  for (int n : {1, 2, 3, 4, 5, 6, 7, 9}) EXPECT_GE(claim(answers, n).figures.size(), 4u) << n;
}

void TheFetusAddsLoadButNotSeveralTimes(const Answers& answers) {
  const ClaimAnswer& a = claim(answers, 1);
  const double w0 = a.figure("L5/S1 compression standing, week 0"), w40 = a.figure("L5/S1 compression standing, week 40");
  EXPECT_NEAR(a.figure("standing, week 40 over week 0"), w40 / w0, 1e-12);
  EXPECT_GT(w40, w0 + 50);
  EXPECT_LT(w40 / w0, 2.0);
  EXPECT_LT(a.figure("changing a diaper, week 40 over week 0"), 2.0);
  EXPECT_GT(a.figure("mass gained by week 40"), 10);
  EXPECT_EQ(a.verdict, Verdict::not_supported);
}

void TheAbdomenMovesTheCentreOfMassForwardUnlessSheAdapts(const Answers& answers) {
  const ClaimAnswer& a = claim(answers, 2);
  const double before = a.figure("upper body's centre of mass ahead of the hips, week 0");
  EXPECT_GT(a.figure("the same at week 40, posture kept"), before + 0.5);  // cm
  EXPECT_NEAR(a.figure("the same at week 40, lumbar spine adapted"), before, 0.2);
  EXPECT_GT(a.figure("lumbar extension of the adaptation"), 2);
  EXPECT_LT(a.figure("lumbar extension of the adaptation"), 28);
  EXPECT_LT(a.figure("L5/S1 compression at week 40, adapted"), a.figure("L5/S1 compression at week 40, posture kept"));
}

void WalkingBackwardsAtTheSameSpeedIsWalkingForwardsReversed(const Answers& answers) {
  const ClaimAnswer& a = claim(answers, 3);
  for (const char* when : {"before pregnancy", "week 20", "week 36", "6 weeks after birth"}) {
    const std::string w = when;
    EXPECT_NEAR(a.figure("the same backwards, same speed, " + w),
                a.figure("centre of mass ahead of the supporting feet, forwards, " + w), 1e-9);
    const double fw = a.figure("mean L5/S1 compression forwards, " + w);
    EXPECT_NEAR(a.figure("mean L5/S1 compression backwards, same speed, " + w) / fw, 1.0, 1e-6);
    EXPECT_LT(a.figure("mean L5/S1 compression backwards, 0.8 m/s, " + w), fw);
    EXPECT_NEAR(a.figure("mean L5/S1 antero-posterior shear backwards, same speed, " + w),
                a.figure("mean L5/S1 antero-posterior shear forwards, " + w), 1e-6 * fw);
  }
  // Late pregnancy loads her more while walking.
  EXPECT_GT(a.figure("mean L5/S1 compression forwards, week 36"), a.figure("mean L5/S1 compression forwards, before pregnancy") + 50);
  EXPECT_EQ(a.verdict, Verdict::not_supported);
}

void BreastfeedingLowersVertebralStrengthReversiblyAndCalciumIsThePublishedIntake(const Answers& answers) {
  const ClaimAnswer& a = claim(answers, 4);
  EXPECT_NEAR(a.figure("lumbar density change, 6 months breastfeeding"), -4.5, 0.05);  // data/subject/pregnancy.yaml
  const double birth = a.figure("L5/S1 vertebral strength at birth");
  const double fed = a.figure("L5/S1 vertebral strength, 6 months breastfeeding");
  EXPECT_NEAR(fed / birth - 1, -0.045, 0.005);
  EXPECT_GT(a.figure("L5/S1 vertebral strength, 6 months not breastfeeding"), fed);
  EXPECT_NEAR(a.figure("L5/S1 vertebral strength at 12 months, weaned at 6") / birth, 1.0, 0.01);
  EXPECT_LT(a.figure("L5/S1 vertebral strength at 12 months, still breastfeeding"), birth);
  EXPECT_GT(a.figure("factor of risk lifting a 7.5 kg baby from a crib, 6 months breastfeeding"),
            a.figure("the same lift, 6 months not breastfeeding"));
  EXPECT_EQ(a.figure("calcium: recommended intake in lactation"), 1000);
  EXPECT_EQ(a.figure("calcium: tolerable upper intake"), 2500);
}

void TwistingLoadsTheLowBackMoreTheFurtherSheTurns(const Answers& answers) {
  const ClaimAnswer& a = claim(answers, 6);
  const double c0 = a.figure("L5/S1 compression, turned 0 deg"), c20 = a.figure("L5/S1 compression, turned 20 deg"),
               c40 = a.figure("L5/S1 compression, turned 40 deg");
  EXPECT_LT(c0, c20);
  EXPECT_LT(c20, c40);
  EXPECT_NEAR(a.figure("L5/S1 torsion moment, turned 0 deg"), 0, 1e-6);  // a symmetric posture
  EXPECT_GT(a.figure("L5/S1 torsion moment, turned 40 deg"), a.figure("L5/S1 torsion moment, turned 20 deg"));
}

void UnsupportedSittingLoadsNeckAndBackAndSupportHelps(const Answers& answers) {
  const ClaimAnswer& a = claim(answers, 7);
  EXPECT_GT(a.figure("C7/T1 compression feeding, no backrest"), a.figure("C7/T1 compression standing"));
  EXPECT_GT(a.figure("L5/S1 compression feeding, no backrest"), a.figure("L5/S1 compression standing"));
  EXPECT_LT(a.figure("L5/S1 compression feeding, backrest and pillow"), a.figure("L5/S1 compression feeding, no backrest"));
  EXPECT_GT(a.figure("back extensors' endurance feeding, backrest and pillow (at most 960)"),
            a.figure("back extensors' endurance feeding, no backrest (at most 960)"));
}

void AStrongerTrunkTiresLessWithoutLighteningTheLoad(const Answers& answers) {
  const ClaimAnswer& a = claim(answers, 9);
  EXPECT_LT(a.figure("back-extensor demand carrying, trained"), a.figure("back-extensor demand carrying, as she is"));
  EXPECT_NEAR(a.figure("back-extensor demand carrying, trained") / a.figure("back-extensor demand carrying, as she is"),
              1 / 1.2, 0.05);
  EXPECT_LE(a.figure("time a task asked more than her back extensors had left, trained"),
            a.figure("time a task asked more than her back extensors had left, as she is"));
  // The load does not fall: stronger extensors take over some of what the abdominal pressure
  // carried (the pelvic floor and diaphragm that hold it are not trained), so it rises a little.
  EXPECT_GE(a.figure("L5/S1 compression carrying, trained") / a.figure("L5/S1 compression carrying, as she is"), 0.98);
  // Claim 5's day is the untrained one.
  EXPECT_EQ(claim(answers, 5).figure("time a task asked more than her back extensors had left"),
            a.figure("time a task asked more than her back extensors had left, as she is"));
}

void TheCsvHasARowPerFigureAndOneForAClaimWithout(const Answers& answers) {
  const std::string csv = claims_csv(answers);
  std::size_t rows = 0, figures = 0;
  for (const auto& a : answers) figures += std::max<std::size_t>(1, a.figures.size());
  std::size_t start = csv.find('\n') + 1;
  EXPECT_EQ(csv.substr(0, start - 1), "claim,verdict,claim_text,experiment,answer,limits,figure,value,unit");
  while (start < csv.size()) {
    const std::size_t end = csv.find('\n', start);
    const auto fields = split_csv_line(csv.substr(start, end - start));
    EXPECT_EQ(fields.size(), 9u) << csv.substr(start, end - start);
    ++rows;
    start = end + 1;
  }
  EXPECT_EQ(rows, figures);
}

TEST(Claims, EveryExperimentGivesItsFigures) {
  const Answers answers = answer_claims(Subject{}, {});
  {
    SCOPED_TRACE("EveryClaimHasAnAnswer");
    EveryClaimHasAnAnswer(answers);
  }
  {
    SCOPED_TRACE("TheFetusAddsLoadButNotSeveralTimes");
    TheFetusAddsLoadButNotSeveralTimes(answers);
  }
  {
    SCOPED_TRACE("TheAbdomenMovesTheCentreOfMassForwardUnlessSheAdapts");
    TheAbdomenMovesTheCentreOfMassForwardUnlessSheAdapts(answers);
  }
  {
    SCOPED_TRACE("WalkingBackwardsAtTheSameSpeedIsWalkingForwardsReversed");
    WalkingBackwardsAtTheSameSpeedIsWalkingForwardsReversed(answers);
  }
  {
    SCOPED_TRACE("BreastfeedingLowersVertebralStrengthReversiblyAndCalciumIsThePublishedIntake");
    BreastfeedingLowersVertebralStrengthReversiblyAndCalciumIsThePublishedIntake(answers);
  }
  {
    SCOPED_TRACE("TwistingLoadsTheLowBackMoreTheFurtherSheTurns");
    TwistingLoadsTheLowBackMoreTheFurtherSheTurns(answers);
  }
  {
    SCOPED_TRACE("UnsupportedSittingLoadsNeckAndBackAndSupportHelps");
    UnsupportedSittingLoadsNeckAndBackAndSupportHelps(answers);
  }
  {
    SCOPED_TRACE("AStrongerTrunkTiresLessWithoutLighteningTheLoad");
    AStrongerTrunkTiresLessWithoutLighteningTheLoad(answers);
  }
  {
    SCOPED_TRACE("TheCsvHasARowPerFigureAndOneForAClaimWithout");
    TheCsvHasARowPerFigureAndOneForAClaimWithout(answers);
  }
}

}  // namespace
}  // namespace spineload
