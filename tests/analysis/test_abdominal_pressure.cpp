// Intra-abdominal pressure recruited with the muscles, against published pressures, and the
// intradiscal pressure reported from compression.
#include <gtest/gtest.h>

#include "posture/prediction.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

double iap_mmHg(const Model& m, const std::string& yaml) {
  Data d(m);
  const Posture p = resolve_prediction(m, parse_posture_text(m, yaml, "p.yaml"));
  return kMmHgPerKPa * intra_abdominal_pressure_kPa(m, analyze_posture(m, d, p, {}).frames[0]);
}

TEST(AbdominalPressure, StandingAndHoldingAsMeasured) {
  const Model& m = test::default_model();
  // Relaxed standing: 20 mmHg mean in 20 healthy adults (Cobb et al. 2005, transurethral).
  const double standing = iap_mmHg(m, "name: s\n");
  EXPECT_GT(standing, 10);
  EXPECT_LT(standing, 30);
  // 18-20 kg lifted: means 48-71 cmH2O (35-52 mmHg), individual values 14-120 cmH2O
  // (10-88 mmHg) (Bo & Nygaard 2020, Table 2). Holding 20 kg close at the waist:
  const double holding = iap_mmHg(m,
                                  "name: h\npredict: {hands_forward_m: 0.20, hands_height_m: 0.95, strategy: stoop}\n"
                                  "loads:\n  - {type: hand_mass, mass_kg: 20}\n");
  EXPECT_GT(holding, 25);
  EXPECT_LT(holding, 88);
  EXPECT_GT(holding, 2 * standing);
}

TEST(AbdominalPressure, NeverAboveTheTransversusMaximum) {
  // Laplace's law caps the pressure the transversus can make (muscles.yaml): about 142 mmHg
  // for the reference woman, against 105-132 mmHg in maximal efforts.
  const Model& m = test::default_model();
  const double p = iap_mmHg(m, "name: h\nrhythms: {trunk_flexion: 60}\nloads:\n  - {type: hand_mass, mass_kg: 15}\n");
  EXPECT_LE(p, 1e-3 * kMmHgPerKPa * m.muscles[m.abdominal_pressure_muscle].max_force_N() / m.abdominal_pressure_area_m2 + 1e-9);
  EXPECT_GT(p, 30);
}

TEST(IntradiscalPressure, SwellingPressurePlusFactorTimesStress) {
  // model.yaml: IDP = 0.2 MPa + 1.5 x compression / disc area (L4/L5 14.0 cm^2 for the
  // reference woman, scaled like a cross-section).
  const Model& m = test::default_model();
  const FrameResult f = test::analyze_text(m, "name: s\nrhythms: {trunk_flexion: 30}\n").frames[0];
  const DiscLoad& l4 = f.disc[1];
  ASSERT_EQ(m.joints[l4.joint].name, "L4_L5");
  const double area_m2 = (l4.intradiscal_pressure_MPa - 0.2) > 0 ? 1.5 * l4.compression_N / ((l4.intradiscal_pressure_MPa - 0.2) * 1e6) : 0;
  EXPECT_NEAR(area_m2 * 1e4, 14.0, 1.5);  // the reference area, scaled to 1.65 m / 62 kg
  EXPECT_GT(l4.intradiscal_pressure_MPa, 0.2);
  // More compression, more pressure: bending further raises both.
  const FrameResult g = test::analyze_text(m, "name: s\nrhythms: {trunk_flexion: 60}\n").frames[0];
  EXPECT_GT(g.disc[1].intradiscal_pressure_MPa, l4.intradiscal_pressure_MPa);
}

}  // namespace
}  // namespace spineload
