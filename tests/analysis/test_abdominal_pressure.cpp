// Intra-abdominal pressure recruited with the muscles, against published pressures, and the
// intradiscal pressure reported from compression.
#include <gtest/gtest.h>

#include "io/yaml_util.hpp"
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

// The recruited pressure (under the diaphragm) and the column of the contents at the floor.
struct Pressures {
  double recruited_kPa, column_kPa;
};
Pressures pressures(const Model& m, const std::string& yaml, bool column = true) {
  Data d(m);
  RecruitmentOptions o;
  o.abdominal_column = column;
  const Posture p = resolve_prediction(m, parse_posture_text(m, yaml, "p.yaml"));
  const FrameResult f = analyze_posture(m, d, p, o).frames[0];
  const double recruited = 1e-3 * f.force_N[m.abdominal_pressure_muscle] / m.abdominal_pressure_area_m2;
  // The column the floor holds is rho g h from the diaphragm's point down to the floor's, as
  // placed; the reported pressure adds the column from the cavity's top, which is at least that.
  const auto& path = d.path_m[m.abdominal_pressure_muscle];
  EXPECT_NEAR(f.abdominal_column_kPa, 1e-3 * 1000 * 9.80665 * std::max(0.0, path.back().y() - path.front().y()), 1e-9);
  EXPECT_GE(f.abdominal_head_kPa, f.abdominal_column_kPa);
  EXPECT_NEAR(intra_abdominal_pressure_kPa(m, f), recruited + f.abdominal_head_kPa, 1e-12);
  return {recruited, f.abdominal_column_kPa};
}

TEST(AbdominalPressure, TheContentsWeighOnTheFloorUpright) {
  const Model& m = test::default_model();
  // Standing, the diaphragm's point is about 30 cm above the floor's: a column of about
  // 22 mmHg, most of the 20 mmHg measured standing (Cobb et al. 2005); lying, almost none.
  const Pressures standing = pressures(m, "name: s\n");
  EXPECT_GT(standing.column_kPa * kMmHgPerKPa, 15);
  EXPECT_LT(standing.column_kPa * kMmHgPerKPa, 28);
  const Pressures prone = pressures(m, "name: p\nsupport: lying_prone\n");
  EXPECT_LT(prone.column_kPa * kMmHgPerKPa, 5);
  // Pressurising the cavity upright loads a floor that already holds the column, so less is
  // recruited than without it; lying, where the column is small, nearly the same.
  const Pressures standing_without = pressures(m, "name: s\n", false);
  EXPECT_LT(standing.recruited_kPa, 0.5 * standing_without.recruited_kPa);
  const Pressures prone_without = pressures(m, "name: p\nsupport: lying_prone\n", false);
  EXPECT_NEAR(prone.recruited_kPa, prone_without.recruited_kPa, 0.2 * prone_without.recruited_kPa + 0.01);
  // Holding 20 kg close still pressurises the cavity above the column.
  const Pressures holding = pressures(m,
                                      "name: h\npredict: {hands_forward_m: 0.20, hands_height_m: 0.95, strategy: stoop}\n"
                                      "loads:\n  - {type: hand_mass, mass_kg: 20}\n");
  EXPECT_GT(holding.recruited_kPa, 2 * standing.recruited_kPa);
}

TEST(AbdominalPressure, LyingSupineTheFrontWallIsTheTopOfTheColumn) {
  // Upright the diaphragm is the cavity's top, so the reported pressure adds the floor's
  // own column. Supine the front wall is the top: a catheter at the bladder, zeroed at the
  // mid-axillary line (about the floor point's level), reads its column. Published supine:
  // median 9.5 cmH2O, range 1-18 (Chionh et al. 2006, 58 inpatients); mean 6.5 mmHg, range
  // 0.2-16.2 (Sanchez et al. 2001, 77 inpatients): within 1-18 cmH2O = 0.7-13.2 mmHg.
  const Model& m = test::default_model();
  const Posture standing = parse_posture_text(m, "name: s\n", "s.yaml");
  Data d(m);
  const FrameResult up = analyze_posture(m, d, standing, {}).frames[0];
  EXPECT_EQ(up.abdominal_head_kPa, up.abdominal_column_kPa);
  const std::string supine = yaml::read_text_file(test::source_path("data/validation/lying_supine.yaml"));
  const FrameResult lying = analyze_posture(m, d, parse_posture_text(m, supine, "lying_supine.yaml"), {}).frames[0];
  EXPECT_LT(lying.abdominal_column_kPa * kMmHgPerKPa, 3.0);  // the floor holds little
  const double mmHg = kMmHgPerKPa * intra_abdominal_pressure_kPa(m, lying);
  EXPECT_GT(mmHg, 0.7);
  EXPECT_LT(mmHg, 13.2);
  EXPECT_GT(lying.abdominal_head_kPa * kMmHgPerKPa, 3.0);  // the front wall 4-10 cm above the floor's point
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
