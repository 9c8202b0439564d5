#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <tuple>

#include "common/errors.hpp"
#include "posture/posture.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

constexpr double kDeg = std::numbers::pi / 180;

InputError parse_error(const std::string& yaml) {
  try {
    parse_posture_text(test::default_model(), yaml, "p.yaml");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << yaml;
  return InputError("", 0, "", "");
}

TEST(Posture, RhythmSpreadsTrunkFlexionByItsRatios) {
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(m, "rhythms: {trunk_flexion: 40}\n", "p.yaml");
  EXPECT_NEAR(p.q_rad[0][m.coordinate_index("pelvis_tilt")], 0.40 * 40 * kDeg, 1e-12);
  EXPECT_NEAR(p.q_rad[0][m.coordinate_index("L4_L5_flexion")], 0.1235 * 40 * kDeg, 1e-12);
  EXPECT_NEAR(p.q_rad[0][m.coordinate_index("hip_r_flexion")], 0.40 * 40 * kDeg, 1e-12);
}

TEST(Posture, CoordinatesAddToTheRhythm) {
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(m, "rhythms: {trunk_flexion: 20}\ncoordinates: {L4_L5_flexion: 2}\n", "p.yaml");
  EXPECT_NEAR(p.q_rad[0][m.coordinate_index("L4_L5_flexion")], (0.1235 * 20 + 2) * kDeg, 1e-12);
}

TEST(Posture, HandMassSplitsBetweenBothHands) {
  const Posture p = parse_posture_text(test::default_model(), "loads:\n  - {type: hand_mass, mass_kg: 5}\n", "p.yaml");
  ASSERT_EQ(p.loads.size(), 2u);
  EXPECT_NEAR(p.loads[0].force_N.y(), -2.5 * 9.80665, 1e-12);
  EXPECT_NEAR(p.held_mass_kg, 5.0, 1e-12);
}

TEST(Posture, MalformedYamlNamesTheLine) {
  const InputError e = parse_error("name: x\ncoordinates: {L4_L5_flexion: 3\nsupport: standing\n");
  EXPECT_EQ(e.file(), "p.yaml");
  EXPECT_GE(e.line(), 2);
}

TEST(Posture, MisspeltFieldGetsASuggestion) {
  const InputError e = parse_error("name: x\ncoordinatez: {L4_L5_flexion: 3}\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.field(), "coordinatez");
  EXPECT_NE(std::string(e.what()).find("did you mean 'coordinates'"), std::string::npos);
}

// Found by fuzzing (fuzz/fuzz_posture.cpp): a list or a map as a key threw yaml-cpp's
// conversion error, naming nothing.
TEST(Posture, AKeyThatIsNotTextIsNamed) {
  const InputError top = parse_error("name: x\n? [a, b]\n: 3\n");
  EXPECT_EQ(top.line(), 2);
  EXPECT_NE(std::string(top.what()).find("a field name must be text"), std::string::npos);
  const InputError inner = parse_error("coordinates:\n  {a: 1}: 3\n");
  EXPECT_EQ(inner.field(), "coordinates");
  EXPECT_EQ(inner.line(), 2);
}

TEST(Posture, UnknownCoordinateIsNamed) {
  const InputError e = parse_error("coordinates:\n  L4_L5_flexon: 3\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.field(), "coordinates.L4_L5_flexon");
  EXPECT_NE(std::string(e.what()).find("L4_L5_flexion"), std::string::npos);
}

TEST(Posture, CoordinateOutsideItsRangeIsAnImpossiblePosture) {
  const InputError e = parse_error("name: x\ncoordinates:\n  L4_L5_flexion: 40\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("impossible posture"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("L4_L5_flexion"), std::string::npos);
}

TEST(Posture, RhythmPushingALevelPastItsRangeIsReported) {
  // trunk_flexion 90 puts 11.1 deg on L4/L5 (range 12) plus 3 set directly.
  const InputError e = parse_error("rhythms: {trunk_flexion: 90}\ncoordinates: {L4_L5_flexion: 3}\n");
  EXPECT_NE(std::string(e.what()).find("L4_L5_flexion"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("rhythm trunk_flexion"), std::string::npos);
}

TEST(Posture, NegativeMassIsRejected) {
  const InputError e = parse_error("loads:\n  - {type: hand_mass, mass_kg: -5}\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.field(), "loads[0].mass_kg");
  EXPECT_NE(std::string(e.what()).find("negative mass"), std::string::npos);
}

TEST(Posture, UnknownBodyIsRejected) {
  const InputError e = parse_error("loads:\n  - {type: force, body: upper_thorx, force_N: [0, -10, 0]}\n");
  EXPECT_EQ(e.field(), "loads[0].body");
  EXPECT_NE(std::string(e.what()).find("did you mean 'upper_thorax'"), std::string::npos);
}

TEST(Posture, NonNumericAngleIsRejected) {
  const InputError e = parse_error("coordinates:\n  L4_L5_flexion: lots\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(std::string(e.what()).find("expected a number"), std::string::npos);
}

TEST(Posture, TimeSeriesNeedsIncreasingTimes) {
  const InputError e = parse_error(
      "frames:\n  - {time_s: 0}\n  - {time_s: 0.1}\n  - {time_s: 0.1}\n  - {time_s: 0.3}\n");
  EXPECT_EQ(e.field(), "frames[2].time_s");
}

TEST(Posture, BackrestNeedsASeatAndAPlausibleRecline) {
  EXPECT_EQ(parse_error("backrest: {inclination_deg: 20}\n").field(), "backrest");
  EXPECT_EQ(parse_error("support: seated\nbackrest: {inclination_deg: 80}\n").field(), "backrest.inclination_deg");
  const Posture p = parse_posture_text(test::default_model(), "support: seated\nbackrest: {inclination_deg: 0, friction: 0}\n", "p.yaml");
  ASSERT_EQ(p.contacts.size(), test::default_model().backrest_contacts.size());
  EXPECT_NEAR(p.contacts[0].normal.x(), 1.0, 1e-12);
}

TEST(Posture, BackrestFrictionIsTheTwoEdgesOfItsCone) {
  // Friction 0.5 on a vertical backrest: each point pushes along (1, +-0.5)/|..|, so the
  // tangential push can reach half the normal one either way.
  const Posture p = parse_posture_text(test::default_model(), "support: seated\nbackrest: {inclination_deg: 0}\n", "p.yaml");
  ASSERT_EQ(p.contacts.size(), 2 * test::default_model().backrest_contacts.size());
  EXPECT_NEAR(p.contacts[0].normal.y() / p.contacts[0].normal.x(), 0.5, 1e-12);
  EXPECT_NEAR(p.contacts[1].normal.y() / p.contacts[1].normal.x(), -0.5, 1e-12);
  EXPECT_EQ(p.contacts[0].plane_normal, Eigen::Vector3d::UnitX());
}

TEST(Posture, ArmRestCarriesAtMostTheArmsWeight) {
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(m, "support: seated\narm_rest: {friction: 0}\n", "p.yaml");
  ASSERT_EQ(p.contacts.size(), 2u);
  const double arm_kg = m.bodies[m.body_index("upper_arm_r")].mass_kg + m.bodies[m.body_index("forearm_r")].mass_kg +
                        m.bodies[m.body_index("hand_r")].mass_kg;
  EXPECT_NEAR(p.contacts[0].max_force_N, arm_kg * 9.80665, 1e-9);
  EXPECT_EQ(parse_error("arm_rest: {}\n").field(), "arm_rest");  // standing: nothing to rest on
}

// Leaning on the forearms (or the elbows) the rest carries what her shoulders and elbows push
// through it: no cap. `at: elbow` holds the forearm at the joint's centre.
TEST(Posture, LeaningOnTheArmsLiftsTheCapAndTheElbowIsTheJointsCentre) {
  const Model& m = test::default_model();
  const Posture lean = parse_posture_text(m, "support: seated\narm_rest: {friction: 0, lean: true}\n", "p.yaml");
  ASSERT_EQ(lean.contacts.size(), 2u);
  EXPECT_TRUE(std::isinf(lean.contacts[0].max_force_N));
  EXPECT_EQ(lean.contacts[0].point_m, m.bodies[lean.contacts[0].body].com_m);
  const Posture elbow = parse_posture_text(m, "support: seated\narm_rest: {friction: 0, lean: true, at: elbow}\n", "p.yaml");
  EXPECT_EQ(elbow.contacts[0].point_m, Eigen::Vector3d::Zero());
  EXPECT_EQ(elbow.contacts[0].label, "rest under elbow of forearm_r");
  EXPECT_EQ(parse_error("support: seated\narm_rest: {at: wrist}\n").field(), "arm_rest.at");
  EXPECT_EQ(parse_error("support: seated\narm_rest: {lean: maybe}\n").field(), "arm_rest.lean");
}

// On her side the top arm lies along her flank: her ribs carry the upper arm and her waist
// the forearm, each at most its limb's weight, pushing up on the arm and down on her.
TEST(Posture, LyingOnHerSideTheTopArmLiesOnHerFlank) {
  const Model& m = test::default_model();
  const double g = m.gravity_m_s2.norm();
  for (const auto& [support, arm, forearm] : {std::tuple{"lying_right", "upper_arm_l", "forearm_l"},
                                              std::tuple{"lying_left", "upper_arm_r", "forearm_r"}}) {
    const Posture p = parse_posture_text(m, std::string("support: ") + support + "\n", "p.yaml");
    int found = 0;
    for (const Contact& c : p.contacts) {
      if (c.reacting_body < 0) continue;
      ++found;
      EXPECT_EQ(c.normal, Eigen::Vector3d::UnitY());
      if (m.bodies[c.body].name == arm) {
        EXPECT_EQ(m.bodies[c.reacting_body].name, "lower_thorax");
        const double kg = m.bodies[c.body].mass_kg + m.bodies[m.body_index(forearm)].mass_kg +
                          m.bodies[m.body_index(std::string("hand_") + forearm[8])].mass_kg;
        EXPECT_NEAR(c.max_force_N, kg * g, 1e-9);
      } else {
        EXPECT_EQ(m.bodies[c.body].name, forearm) << support;
        EXPECT_EQ(m.bodies[c.reacting_body].name, "pelvis");
      }
    }
    EXPECT_EQ(found, 2) << support;
  }
}

TEST(Posture, KeyframesBlendIntoAMotion) {
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(m,
                                       "sample_hz: 10\nkeyframes:\n  - {rhythms: {trunk_flexion: 0}}\n"
                                       "  - {duration_s: 1, rhythms: {trunk_flexion: 40}}\n"
                                       "  - {duration_s: 0.5, rhythms: {trunk_flexion: 0}}\n",
                                       "p.yaml");
  ASSERT_EQ(p.time_s.size(), 1u + 10 + 5);
  EXPECT_NEAR(p.time_s.back(), 1.5, 1e-12);
  const int c = m.coordinate_index("pelvis_tilt");
  EXPECT_NEAR(p.q_rad[5][c], 0.5 * 0.40 * 40 * kDeg, 1e-12);  // halfway in time, halfway in angle
  EXPECT_NEAR(p.q_rad[10][c], 0.40 * 40 * kDeg, 1e-12);
  EXPECT_NEAR(p.q_rad[1][c], (0.5 - 0.5 * std::cos(M_PI * 0.1)) * 0.40 * 40 * kDeg, 1e-12);
  EXPECT_EQ(parse_error("keyframes:\n  - {rhythms: {trunk_flexion: 0}}\n  - {rhythms: {trunk_flexion: 10}}\n").field(),
            "keyframes[1].duration_s");
}

TEST(Posture, LyingTurnsTheBodyAndAddsMattressContacts) {
  const Model& m = test::default_model();
  const Posture side = parse_posture_text(m, "support: lying_right\n", "p.yaml");
  EXPECT_NEAR(side.q_rad[0][m.coordinate_index("pelvis_list")], 90 * kDeg, 1e-12);
  ASSERT_FALSE(side.contacts.empty());
  for (const auto& c : side.contacts) {
    EXPECT_NEAR(c.normal.y(), 1.0, 1e-12);    // the mattress pushes straight up
    EXPECT_GE(c.point_m.z(), 0.0) << c.label;  // on her right side
  }
  // Lying on the left is the mirror image; supine and prone turn the body about its side axis.
  const Posture left = parse_posture_text(m, "support: lying_left\n", "p.yaml");
  EXPECT_NEAR(left.q_rad[0][m.coordinate_index("pelvis_list")], -90 * kDeg, 1e-12);
  EXPECT_EQ(left.contacts.size(), side.contacts.size());
  EXPECT_LE(left.contacts[0].point_m.z(), 0.0);
  EXPECT_NEAR(parse_posture_text(m, "support: lying_supine\n", "p.yaml").q_rad[0][m.coordinate_index("pelvis_tilt")],
              -90 * kDeg, 1e-12);
  // Turning away from lying is refused, naming the root coordinate.
  const InputError e = parse_error("support: lying_prone\ncoordinates: {pelvis_tilt: 20}\n");
  EXPECT_EQ(e.field(), "coordinates.pelvis_tilt");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(parse_error("support: lying_sideways\n").field(), "support");
  EXPECT_EQ(parse_error("support: lying_right\nkeyframes:\n  - {}\n  - {duration_s: 1, support: standing}\n").field(),
            "keyframes[1].support");
}

TEST(Posture, LyingOnAMattressUnloadsTheSpine) {
  // Wilke 1999 measured about a fifth of the standing disc pressure lying down.
  const Model& m = test::default_model();
  const double standing = test::analyze_text(m, "name: s\n").frames[0].disc[0].compression_N;
  for (const char* s : {"lying_supine", "lying_prone", "lying_right", "lying_left"}) {
    const PostureResult r = test::analyze_text(m, std::string("support: ") + s + "\n");
    EXPECT_LT(r.frames[0].disc[0].compression_N, 0.6 * standing) << s;
    EXPECT_TRUE(r.frames[0].balance.com_over_support) << s;
    double mattress_N = r.frames[0].contact_force_N.sum();
    EXPECT_GT(mattress_N, 100.0) << s;  // the mattress carries the trunk, head and arms
  }
}

TEST(Posture, LyingTheTrunkBearsOverAPatchAndAnArmBesideHerCarriesItsOwnWeight) {
  const Model& m = test::default_model();
  ASSERT_GT(m.lying_patch.half_length_m, 0.0);
  ASSERT_GT(m.lying_patch.half_width_m, 0.0);
  const int thorax = m.body_index("lower_thorax"), head = m.body_index("head"), arm = m.body_index("upper_arm_r");
  const double arm_N = (m.bodies[arm].mass_kg + m.bodies[m.body_index("forearm_r")].mass_kg +
                        m.bodies[m.body_index("hand_r")].mass_kg) * m.gravity_m_s2.norm();
  for (const char* support : {"lying_supine", "lying_prone", "lying_right"}) {
    const bool side = std::string(support) == "lying_right";
    const Posture p = parse_posture_text(m, std::string("support: ") + support + "\n", "p.yaml");
    std::vector<Eigen::Vector3d> thorax_points, head_points;
    for (const Contact& c : p.contacts) {
      if (c.body == thorax) thorax_points.push_back(c.point_m);
      if (c.body == head) head_points.push_back(c.point_m);
      if (c.body == arm) {
        // On her back or front the arm lies beside her and carries at most itself; on her
        // side it lies under her chest wall and carries the chest.
        if (side) EXPECT_TRUE(std::isinf(c.max_force_N));
        else EXPECT_NEAR(c.max_force_N, arm_N, 1e-9) << support;
      }
    }
    // The lower thorax's (first) patch: its point, its two ends at T12/L1 (the body's origin)
    // and T6/T7, and 3 cm to either side across her; prone, its mirror image on her left.
    ASSERT_EQ(thorax_points.size(), std::string(support) == "lying_prone" ? 10u : 5u) << support;
    double top_y = 0;
    for (const Joint& j : m.joints)
      if (j.parent_body == thorax && j.intervertebral) top_y = j.location_in_parent_m.y();
    EXPECT_GT(top_y, 0.15);
    EXPECT_NEAR(thorax_points[1].y(), 0.0, 1e-12);
    EXPECT_NEAR(thorax_points[2].y(), top_y, 1e-12);
    const int across = side ? 0 : 2;
    EXPECT_NEAR(thorax_points[3][across] - thorax_points[0][across], m.lying_patch.half_width_m, 1e-12);
    EXPECT_NEAR(thorax_points[4][across] - thorax_points[0][across], -m.lying_patch.half_width_m, 1e-12);
    // The head, with no spinal joint above it: half the patch's length each way.
    ASSERT_EQ(head_points.size(), 5u) << support;
    EXPECT_NEAR(head_points[2].y() - head_points[1].y(), 2 * m.lying_patch.half_length_m, 1e-12);
  }
}

TEST(Posture, LyingTheArmsNoLongerPropTheChest) {
  // With a point per segment and arms free to push, the optimum held the upper thorax up on
  // the arms (their shoulders were then posed, not balanced): supine 56 N and prone 102 N on each
  // upper arm, nothing under the upper thorax. Each arm now carries at most its own weight.
  const Model& m = test::default_model();
  const int arm = m.body_index("upper_arm_r");
  const double arm_N = (m.bodies[arm].mass_kg + m.bodies[m.body_index("forearm_r")].mass_kg +
                        m.bodies[m.body_index("hand_r")].mass_kg) * m.gravity_m_s2.norm();
  for (const char* support : {"lying_supine", "lying_prone"}) {
    const PostureResult r = test::analyze_text(m, std::string("support: ") + support + "\n");
    double on_arm_N = 0;
    for (std::size_t k = 0; k < r.contact_labels.size(); ++k)
      if (r.contact_labels[k] == "mattress under upper_arm_r") on_arm_N += r.frames[0].contact_force_N[k];
    EXPECT_LE(on_arm_N, arm_N + 1e-6) << support;
  }
}

TEST(Posture, AKeyPostureCanChangeTheSupport) {
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(m,
                                       "support: seated\nsample_hz: 10\nkeyframes:\n  - {coordinates: {hip_r_flexion: 90}}\n"
                                       "  - {duration_s: 1, support: standing}\n  - {duration_s: 1}\n",
                                       "p.yaml");
  ASSERT_EQ(p.frame_support.size(), p.time_s.size());
  EXPECT_EQ(p.support_at(0), Support::seated);
  EXPECT_EQ(p.support_at(9), Support::seated);     // t = 0.9 s
  EXPECT_EQ(p.support_at(10), Support::standing);  // from the key at t = 1 s on
  EXPECT_EQ(p.support_at(20), Support::standing);
}

TEST(Posture, BuiltinDemoPosturesAllParse) {
  const auto names = builtin_posture_names();
  EXPECT_EQ(names.size(), 7u);
  for (const auto& n : names) EXPECT_NO_THROW(builtin_posture(test::default_model(), n)) << n;
}

}  // namespace
}  // namespace spineload
