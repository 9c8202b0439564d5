#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>

#include "common/errors.hpp"
#include "analysis/analyze.hpp"
#include "model/model.hpp"
#include "multibody/system.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

TEST(Model, StaticModelGivesTheFullModelsLoadsForStillPostures) {
  // Without a Simbody system: the engine's own poses and -J^T loads, the same numbers.
  const auto src = default_model_source();
  const auto full = build_model(*src, 1.70, 68);
  const auto still = build_static_model(*src, 1.70, 68);
  EXPECT_EQ(still->multibody, nullptr);
  EXPECT_EQ(still->num_q, full->num_q);
  for (const auto& name : builtin_posture_names()) {
    Data a(*full), b(*still);
    const PostureResult ra = analyze_posture(*full, a, builtin_posture(*full, name), {});
    const PostureResult rb = analyze_posture(*still, b, builtin_posture(*still, name), {});
    for (std::size_t k = 0; k < full->bodies.size(); ++k)
      EXPECT_LT((a.pose[k].matrix() - b.pose[k].matrix()).norm(), 1e-12) << name;
    EXPECT_LT((ra.frames[0].tau_Nm - rb.frames[0].tau_Nm).cwiseAbs().maxCoeff(), 1e-9) << name;
    for (std::size_t j = 0; j < ra.frames[0].disc.size(); ++j)
      EXPECT_NEAR(ra.frames[0].disc[j].compression_N, rb.frames[0].disc[j].compression_N, 1e-6) << name;
  }
  // A motion needs the full model.
  Data d(*still);
  const Posture p = parse_posture_text(*still, "sample_hz: 10\nkeyframes:\n  - {}\n  - {duration_s: 1, rhythms: {trunk_flexion: 30}}\n", "p.yaml");
  EXPECT_THROW(analyze_posture(*still, d, p, {}), std::logic_error);
}

TEST(Model, RebuildingIntoAReusedModelEqualsAFreshBuild) {
  // A cohort thread writes each subject's model over the previous one's: every number must be
  // what a fresh build gives, whatever was there before (a heavier, stiffer, weaker subject
  // with an added mass first, then a plain one, then back).
  const auto src = default_model_source();
  ModelAdjustments heavy;
  heavy.added_masses.push_back({"fetus", "pelvis", 3.0, Eigen::Vector3d(0.1, 1.0, 0), Eigen::Vector3d::Constant(0.05)});
  heavy.trunk_strength_factor = 0.8;
  heavy.passive_stiffness_factor = 1.3;
  heavy.muscle_capacity = {{"RA", 0.7}, {"LTpl_L1_l", 0.9}};
  heavy.age_years = 41;
  Model reused;
  rebuild_static_model(*src, 1.80, 90, heavy, reused);
  for (const auto& [h, m, adj] : {std::tuple{1.58, 55.0, ModelAdjustments{}}, std::tuple{1.80, 90.0, heavy}}) {
    rebuild_static_model(*src, h, m, adj, reused);
    const auto fresh = build_static_model(*src, h, m, adj);
    ASSERT_EQ(reused.bodies.size(), fresh->bodies.size());
    EXPECT_DOUBLE_EQ(reused.mass_kg, fresh->mass_kg);
    for (std::size_t b = 0; b < fresh->bodies.size(); ++b) {
      EXPECT_EQ(reused.bodies[b].mass_kg, fresh->bodies[b].mass_kg);
      EXPECT_EQ(reused.bodies[b].com_m, fresh->bodies[b].com_m);
      EXPECT_EQ(reused.bodies[b].inertia_kg_m2, fresh->bodies[b].inertia_kg_m2);
      EXPECT_EQ(reused.bodies[b].ancestor_q, fresh->bodies[b].ancestor_q);
      EXPECT_EQ(reused.joints[b].location_in_parent_m, fresh->joints[b].location_in_parent_m);
      EXPECT_EQ(reused.joints[b].coordinates, fresh->joints[b].coordinates);
    }
    ASSERT_EQ(reused.coordinates.size(), fresh->coordinates.size());
    for (std::size_t c = 0; c < fresh->coordinates.size(); ++c) {
      EXPECT_EQ(reused.coordinates[c].name, fresh->coordinates[c].name);
      EXPECT_EQ(reused.coordinates[c].mb_index, fresh->coordinates[c].mb_index);
      EXPECT_EQ(reused.coordinates[c].stiffness.positive_Nm_per_rad, fresh->coordinates[c].stiffness.positive_Nm_per_rad);
    }
    ASSERT_EQ(reused.muscles.size(), fresh->muscles.size());
    for (std::size_t k = 0; k < fresh->muscles.size(); ++k) {
      EXPECT_EQ(reused.muscles[k].pcsa_m2, fresh->muscles[k].pcsa_m2) << fresh->muscles[k].name;
      EXPECT_EQ(reused.muscles[k].name, fresh->muscles[k].name);
      EXPECT_EQ(reused.muscles[k].group, fresh->muscles[k].group);
      EXPECT_EQ(reused.muscles[k].crosses_q, fresh->muscles[k].crosses_q);
      EXPECT_EQ(reused.muscles[k].crossings.size(), fresh->muscles[k].crossings.size());
      for (std::size_t i = 0; i < fresh->muscles[k].path.size(); ++i)
        EXPECT_EQ(reused.muscles[k].path[i].location_m, fresh->muscles[k].path[i].location_m);
      EXPECT_EQ(reused.muscles[k].cost_weight, fresh->muscles[k].cost_weight) << fresh->muscles[k].name;
    }
    EXPECT_EQ(reused.abdominal_contents_density_kg_m3, fresh->abdominal_contents_density_kg_m3);
    EXPECT_EQ(reused.abdominal_wall_points, fresh->abdominal_wall_points);
    EXPECT_EQ(reused.vertebral_strength_N, fresh->vertebral_strength_N);
    EXPECT_EQ(reused.equilibrium_coordinates, fresh->equilibrium_coordinates);
    EXPECT_EQ(reused.spinal_joints, fresh->spinal_joints);
    ASSERT_EQ(reused.rhythms.size(), fresh->rhythms.size());
    for (std::size_t r = 0; r < fresh->rhythms.size(); ++r) {
      EXPECT_EQ(reused.rhythms[r].name, fresh->rhythms[r].name);
      EXPECT_EQ(reused.rhythms[r].ratios, fresh->rhythms[r].ratios);
    }
    for (int k = 0; k < 4; ++k) EXPECT_EQ(reused.lying[k].orientation_rad, fresh->lying[k].orientation_rad);
    ASSERT_EQ(reused.passive_elements.size(), fresh->passive_elements.size());
    for (std::size_t e = 0; e < fresh->passive_elements.size(); ++e) {
      EXPECT_EQ(reused.passive_elements[e].name, fresh->passive_elements[e].name);
      EXPECT_EQ(reused.passive_elements[e].strain_breaks, fresh->passive_elements[e].strain_breaks);
      EXPECT_EQ(reused.passive_elements[e].stiffness_N_per_m, fresh->passive_elements[e].stiffness_N_per_m);
    }
    ASSERT_EQ(reused.seated_support.size(), fresh->seated_support.size());
    EXPECT_EQ(reused.seated_support[0].location_m, fresh->seated_support[0].location_m);
    // And the loads: identical.
    Data a(reused), b(*fresh);
    const auto ra = analyze_posture(reused, a, builtin_posture(reused, "holding_5kg_30cm"), {});
    const auto rb = analyze_posture(*fresh, b, builtin_posture(*fresh, "holding_5kg_30cm"), {});
    EXPECT_EQ(ra.frames[0].disc[0].compression_N, rb.frames[0].disc[0].compression_N);
  }
}

TEST(Model, DefaultModelHasTheBodiesAndSpinalLevelsOfTheIssue) {
  const Model& m = test::default_model();
  for (const char* b : {"pelvis", "L5", "L4", "L3", "L2", "L1", "lower_thorax", "upper_thorax", "neck", "head",
                        "upper_arm_r", "forearm_l", "hand_r", "thigh_l", "shank_r", "foot_l"})
    EXPECT_GE(m.body_index(b), 0) << b;
  std::vector<std::string> levels;
  for (int j : m.spinal_joints) levels.push_back(m.joints[j].name);
  const std::vector<std::string> expected{"L5_S1", "L4_L5", "L3_L4", "L2_L3", "L1_L2", "T12_L1", "T6_T7", "C7_T1", "C0_C1"};
  EXPECT_EQ(levels, expected);
  // Three rotations at each of nine levels, then the arms' joints that torques balance:
  // each shoulder's three rotations and each elbow's flexion.
  ASSERT_EQ(m.equilibrium_coordinates.size(), 35u);
  std::vector<std::string> arms;
  for (std::size_t k = 27; k < m.equilibrium_coordinates.size(); ++k)
    arms.push_back(m.coordinates[m.equilibrium_coordinates[k]].name);
  const std::vector<std::string> expected_arms{"shoulder_r_flexion", "shoulder_l_flexion", "shoulder_r_abduction",
                                               "shoulder_l_abduction", "shoulder_r_rotation", "shoulder_l_rotation",
                                               "elbow_r_flexion", "elbow_l_flexion"};
  EXPECT_EQ(arms, expected_arms);
}

// Each arm joint has a torque of each sign, its strength women's (model.yaml,
// limb_joint_strength) scaled with her mass, its cost the muscles it stands for.
TEST(Model, TheArmsJointsHaveATorqueEachWayAtWomensStrengthScaledWithHerMass) {
  const auto src = default_model_source();
  const auto m = build_model(*src, 1.65, 61.9 * 1.5);
  ASSERT_EQ(m->actuators.size(), 16u);
  auto find = [&](const std::string& name) -> const Actuator& {
    for (const Actuator& a : m->actuators)
      if (a.name == name) return a;
    throw std::runtime_error("no actuator " + name);
  };
  const Actuator& flex = find("shoulder_l_flexion_positive");
  const Actuator& ext = find("shoulder_l_flexion_negative");
  EXPECT_EQ(m->coordinates[flex.coordinate].name, "shoulder_l_flexion");
  EXPECT_NEAR(flex.optimal_force, 34 * 1.5, 1e-9);
  EXPECT_NEAR(ext.optimal_force, 43 * 1.5, 1e-9);
  EXPECT_EQ(flex.min_control, 0);
  EXPECT_EQ(flex.max_control, 1);
  EXPECT_EQ(ext.min_control, -1);
  EXPECT_EQ(ext.max_control, 0);
  EXPECT_EQ(flex.cost_weight, 5);
  EXPECT_EQ(ext.cost_weight, 6);
  EXPECT_EQ(find("elbow_r_flexion_negative").optimal_force, 28 * 1.5);
  EXPECT_EQ(find("shoulder_r_rotation_negative").cost_weight, 10);
}

TEST(Model, SegmentMassesSumToTheSubjectMass) {
  const auto src = default_model_source();
  for (double mass : {50.0, 62.0, 95.0}) {
    const auto m = build_model(*src, 1.65, mass);
    EXPECT_NEAR(m->total_mass_kg(), mass, 1e-9);
  }
}

TEST(Model, TrunkMassFollowsDeLevaFemaleFraction) {
  // de Leva 1996 female trunk 0.4257 of body mass, split here over pelvis, L5-L1 and thorax.
  const Model& m = test::default_model();
  double trunk = 0;
  for (const char* b : {"pelvis", "L5", "L4", "L3", "L2", "L1", "lower_thorax", "upper_thorax"})
    trunk += m.bodies[m.body_index(b)].mass_kg;
  EXPECT_NEAR(trunk / m.mass_kg, 0.4257 / 0.9999, 1e-3);
  // Fractions are renormalised by their sum in the data file (0.99989), hence 1e-5.
  EXPECT_NEAR(m.bodies[m.body_index("thigh_r")].mass_kg / m.mass_kg, 0.1478, 1e-5 + 0.1478 * 2e-4);
}

TEST(Model, LengthsScaleWithHeightAndForcesWithMassOverHeight) {
  const auto src = default_model_source();
  const auto a = build_model(*src, 1.60, 60);
  const auto b = build_model(*src, 1.80, 60);
  const int j = a->joint_index("T12_L1");
  EXPECT_NEAR(b->joints[j].location_in_parent_m.norm() / a->joints[j].location_in_parent_m.norm(), 1.8 / 1.6, 1e-12);
  const int m = a->muscle_index("LTpT_T8_r");
  EXPECT_NEAR(b->muscles[m].max_force_N() / a->muscles[m].max_force_N(), 1.6 / 1.8, 1e-12);
}

TEST(Model, LeftAndRightSidesMirrorEachOther) {
  const Model& m = test::default_model();
  for (std::size_t i = 0; i < m.muscles.size(); ++i) {
    const std::string& name = m.muscles[i].name;
    if (name.size() < 2 || name.substr(name.size() - 2) != "_r") continue;
    const int l = m.muscle_index(name.substr(0, name.size() - 2) + "_l");
    ASSERT_GE(l, 0) << name;
    EXPECT_DOUBLE_EQ(m.muscles[i].max_force_N(), m.muscles[l].max_force_N());
    for (std::size_t k = 0; k < m.muscles[i].path.size(); ++k)
      EXPECT_NEAR(m.muscles[i].path[k].location_m.z(), -m.muscles[l].path[k].location_m.z(), 1e-12);
  }
}

TEST(Model, RhythmRatiosOfTrunkFlexionSumToOneAcrossPelvisAndSpine) {
  const Model& m = test::default_model();
  const Rhythm& r = m.rhythms[m.rhythm_index("trunk_flexion")];
  double sum = 0;
  for (const auto& [c, ratio] : r.ratios)
    if (m.coordinates[c].name.rfind("hip_", 0) != 0) sum += ratio;
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

TEST(Model, MalformedModelFileNamesFileAndLine) {
  try {
    parse_model_source("name: x\nbodies: [\n  - oops", "bad.yaml", "", "m.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_GT(e.line(), 0);
  }
}

std::string source_text(const std::string& path) {
  std::ifstream in(test::source_path(path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string one_joint_text(const std::string& file) { return source_text("tests/data/one_joint/" + file); }

int line_containing(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(needle) != std::string::npos) return n;
  return -1;
}

TEST(Model, MisspeltModelFieldIsRejectedWithASuggestion) {
  std::string text = one_joint_text("model.yaml");
  text.replace(text.find("mass_fraction: 10.0"), 13, "mass_fracton");
  try {
    parse_model_source(text, "model.yaml", one_joint_text("muscles.yaml"), "muscles.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), line_containing(text, "mass_fracton"));
    EXPECT_NE(e.field().find("mass_fracton"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("did you mean 'mass_fraction'"), std::string::npos);
  }
}

TEST(Model, NegativeSegmentMassIsRejected) {
  std::string text = one_joint_text("model.yaml");
  text.replace(text.find("mass_fraction: 10.0"), 19, "mass_fraction: -2.0");
  EXPECT_THROW(parse_model_source(text, "model.yaml", one_joint_text("muscles.yaml"), "muscles.yaml"), InputError);
}

// The default model with `from` replaced by `to` in `file` (model.yaml or muscles.yaml) must
// fail to parse with an error naming that file, the line holding `line_text` and `field`.
void expect_source_error(const std::string& file, const std::string& from, const std::string& to,
                         const std::string& line_text, const std::string& field) {
  std::string texts[] = {source_text("data/models/female-adult/model.yaml"),
                         source_text("data/models/female-adult/muscles.yaml")};
  std::string& text = texts[file == "model.yaml" ? 0 : 1];
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  try {
    parse_model_source(texts[0], "model.yaml", texts[1], "muscles.yaml");
    ADD_FAILURE() << "expected an InputError for " << to;
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), file);
    EXPECT_EQ(e.line(), line_containing(text, line_text));
    EXPECT_EQ(e.field(), field);
  }
}

TEST(Model, ALyingPatchOutsideItsRangeIsRejected) {
  // The default model.yaml's lying patch, 50 cm across.
  expect_source_error("model.yaml", "    half_width_m: 0.03", "    half_width_m: 0.5", "half_width_m: 0.5",
                      "lying.patch.half_width_m");
}

TEST(Model, ALimbJointStrengthOutOfRangeOrOnAnUnknownCoordinateIsRejected) {
  const std::string row = "shoulder_r_flexion: {positive_Nm: 34, negative_Nm: 43, positive_muscles: 5, negative_muscles: 6}";
  expect_source_error("model.yaml", row, "shoulder_r_flexion: {positive_Nm: -3, negative_Nm: 43, positive_muscles: 5, negative_muscles: 6}",
                      "positive_Nm: -3", "limb_joint_strength.coordinates.shoulder_r_flexion.positive_Nm");
  expect_source_error("model.yaml", row, "shoulder_r_flexion: {positive_Nm: 34, negative_Nm: 43, positive_muscles: 2.5, negative_muscles: 6}",
                      "positive_muscles: 2.5", "limb_joint_strength.coordinates.shoulder_r_flexion.positive_muscles");
  expect_source_error("model.yaml", row, "shoulder_r_flexon: {positive_Nm: 34, negative_Nm: 43, positive_muscles: 5, negative_muscles: 6}",
                      "shoulder_r_flexon:", "limb_joint_strength.coordinates.shoulder_r_flexon");
}

TEST(Model, AnArmOnHerBodyMustLieOnAKnownBody) {
  expect_source_error("model.yaml", "forearm_l.medial: pelvis}", "forearm_l.medial: pelvic}", "forearm_l.medial: pelvic}",
                      "lying.right_side.on_her_body.forearm_l.medial");
}

TEST(Model, ALevelFactorThatOverstretchesALigamentAtRestIsRejected) {
  // The flavum rests at 10 % strain; a level factor of 0.1 would compress its curve to a
  // resting strain of 100 %: an error naming the file, line and factor, not a NaN later.
  expect_source_error("muscles.yaml", "L5_S1: 1.111}", "L5_S1: 0.1}", "level_stiffness_factors:",
                       "passive_elements.level_stiffness_factors.L5_S1");
}

TEST(Model, AnAbdominalWallGroupWithNoMuscleIsRejected) {
  // A misspelt wall group would leave the lying column without its top: an error naming the
  // file, line and field. The default model's wall is the lumbar bodies' via points of the
  // rectus and obliques, both sides.
  expect_source_error("muscles.yaml", "wall_groups: [rectus_abdominis, external_oblique, internal_oblique]",
                       "wall_groups: [rectus_abdominis, external_obliques, internal_oblique]", "wall_groups:",
                       "abdominal_pressure.wall_groups[1]");
  const Model& m = test::default_model();
  ASSERT_FALSE(m.abdominal_wall_points.empty());
  for (const auto& [muscle, point] : m.abdominal_wall_points) {
    const std::string& body = m.bodies[m.muscles[muscle].path[point].body].name;
    EXPECT_TRUE(body == "L1" || body == "L2" || body == "L3" || body == "L4" || body == "L5") << m.muscles[muscle].name << " " << body;
  }
}

TEST(Model, ImplausibleSubjectIsRejected) {
  const auto src = default_model_source();
  EXPECT_THROW(build_model(*src, 0.5, 60), InputError);
  EXPECT_THROW(build_model(*src, 1.65, -3), InputError);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(Model, VertebralStrengthIsTheMeasuredMeanWithItsSpread) {
  // model.yaml: 4.8 kN mean at 20 years less 0.075 kN a year, x the level factor (L3/L4 1.0)
  // x BMD / reference BMD; the weakest 5 % 1.645 x 1 kN below.
  const Model& m = test::default_model();
  const auto l3 = std::find_if(m.spinal_joints.begin(), m.spinal_joints.end(), [&](int j) { return m.joints[j].name == "L3_L4"; }) -
                  m.spinal_joints.begin();
  const double mean_N = 1e3 * (4.8 - 0.075 * std::max(0.0, m.age_years - 20));
  EXPECT_NEAR(m.vertebral_strength_N[static_cast<std::size_t>(l3)], mean_N, 1e-6);
  EXPECT_NEAR(m.vertebral_strength_p5_N[static_cast<std::size_t>(l3)], mean_N - 1645, 1e-6);
}

}  // namespace
}  // namespace spineload
