// The parsed, unscaled content of a model's data files (reference subject, relaxed
// standing, ground frame). Internal to the model stage; users go through build_model().
#pragma once
#include <Eigen/Core>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace spineload {

struct ModelSource {
  struct BodySrc {
    std::string name;
    double mass_fraction = 0;
    Eigen::Vector3d com_m = Eigen::Vector3d::Zero();
    double gyration_length_m = 0;
    Eigen::Vector3d gyration_r = Eigen::Vector3d::Zero();
    std::map<std::string, Eigen::Vector3d> landmarks;
  };
  struct CoordSrc {
    std::string name;
    Eigen::Vector3d axis = Eigen::Vector3d::UnitZ();
    double min_deg = 0, max_deg = 0;
    PassiveStiffness stiffness_per_deg;  // N m per degree; neutral_rad in degrees here
  };
  struct JointSrc {
    std::string name, parent, child;
    Eigen::Vector3d centre_m = Eigen::Vector3d::Zero();
    bool intervertebral = false;
    double disc_tilt_deg = 0;
    double column_share = 1;
    std::vector<CoordSrc> coordinates;
  };
  struct RhythmSrc {
    std::string name;
    double min_deg = 0, max_deg = 0;
    std::vector<std::pair<std::string, double>> ratios;
  };
  struct PointSrc {
    std::string body;
    Eigen::Vector3d location_m = Eigen::Vector3d::Zero();  // ground, reference standing
    int body_index = -1;  // into bodies (= the built model's), resolved once after parsing
  };
  struct MuscleSrc {
    std::string name, group;
    double pcsa_cm2 = 0;
    std::vector<PointSrc> path;
    double fibre_fraction = 0;  // fibres' share of the path length at the passive neutral; 0: no passive force
  };
  // A passive element: its path, and its force-elongation curve for the reference subject.
  struct PassiveSrc {
    std::string name, group;
    std::vector<PointSrc> path;
    std::vector<double> strain_breaks;
    std::vector<double> stiffness_N_per_mm;
    double neutral_strain = 0;  // strain at the passive neutral posture (prestrain; negative: slack)
  };

  std::string name;
  double reference_height_m = 0, reference_mass_kg = 0;
  double default_height_m = 0, default_mass_kg = 0, default_age_years = 30;
  struct StrengthSrc {
    double reference_kN = 0, reference_age_years = 20, age_decline_kN_per_year = 0, reference_bmd_g_cm2 = 1;
    double spread_sd_kN = 0;  // standard error of a segment's strength about the mean
    std::map<std::string, double> level_factors;
  } strength;
  struct PressureModelSrc {
    double correction_factor = 0, swelling_pressure_MPa = 0;
    std::map<std::string, double> disc_area_cm2;  // per spinal joint
  } idp;
  Eigen::Vector3d gravity_m_s2 = Eigen::Vector3d(0, -9.80665, 0);
  double max_stress_Pa = 0;
  double resting_activation = 0;  // muscle tone: the least activation of a built-in muscle
  std::map<std::string, double> extension_mvc_share;  // per spinal joint (muscles.yaml); absent: 1
  double passive_kshape = 4, passive_strain_at_max = 0.6;  // Thelen's passive fibre curve
  std::vector<BodySrc> bodies;
  std::vector<JointSrc> joints;
  std::vector<RhythmSrc> rhythms;
  std::vector<MuscleSrc> muscles;
  std::vector<PassiveSrc> passive_elements;
  // A limb joint's strength per coordinate (reference subject, N m each way): the model has
  // no arm muscles, so these coordinates are balanced by a torque of each sign, costed as the
  // muscles it stands for (model.yaml `limb_joint_strength`; right side given, left mirrored).
  struct JointStrengthSrc {
    std::string coordinate;
    double positive_Nm = 0, negative_Nm = 0;
    int positive_muscles = 1, negative_muscles = 1;  // the muscles each torque stands for
  };
  std::vector<JointStrengthSrc> limb_joint_strength;
  // Intra-abdominal pressure: the cavity between pelvic floor and diaphragm, pressurised by
  // the transversus abdominis' hoop tension (P = T / R, Laplace, over the wall's height).
  struct PressureSrc {
    std::vector<PointSrc> path;  // pelvic floor, diaphragm: the line of the pressure's resultant
    double area_cm2 = 0, wall_radius_m = 0, wall_height_m = 0, transversus_pcsa_cm2 = 0;
    double diaphragm_max_kPa = 0;  // maximal transdiaphragmatic pressure: the diaphragm holds the pressure too
    double pelvic_floor_max_kPa = 0;  // the most the pelvic floor muscles hold: they close the cavity below
    // Density of the contents: their weight makes the pressure grow downwards, so the floor
    // holds the recruited pressure and the column above it (0: no column).
    double contents_density_kg_m3 = 0;
    // Muscle groups whose via points lie in the cavity's wall: with the diaphragm's point
    // they bound the contents from above, so the column runs from the highest of them
    // (lying supine, the front wall) down to the floor.
    std::vector<std::string> wall_groups;
  };
  std::optional<PressureSrc> abdominal_pressure;
  std::vector<PointSrc> standing_support, seated_support, kneeling_support, backrest_contacts;
  struct LyingSrc {
    std::vector<std::pair<std::string, double>> orientation_deg;
    std::vector<PointSrc> contacts, support;
    std::vector<std::pair<PointSrc, std::string>> on_body;  // a limb's point, the body it lies on
  };
  std::array<LyingSrc, 4> lying;  // supine, prone, right side, left side (mirror of right)
  // Half the extent of a trunk or head contact on the mattress, along her length and across
  // it (reference subject, metres; zero: a point).
  double lying_patch_half_length_m = 0, lying_patch_half_width_m = 0;

  // What finish_model_topology derives, the same for every subject built from this source
  // (it depends on which bodies paths attach to, not where): computed once from the
  // reference build, copied into each subject's model (a cohort builds one per subject).
  struct Topology {
    std::vector<std::vector<char>> in_subtree;                // per joint
    std::vector<std::vector<Joint::Crossing>> crossings;      // per joint
    std::vector<std::vector<Joint::Crossing>> passive_crossings;  // per joint
    std::vector<std::vector<int>> ancestor_q;                 // per body
  };
  std::shared_ptr<const Topology> topology;
};

}  // namespace spineload
