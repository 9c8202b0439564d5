#include "loads/disc_loads.hpp"

#include "muscles/muscle_geometry.hpp"

namespace spineload {

Eigen::Matrix3d disc_frame(const Model& model, const Data& data, int joint) {
  const Joint& j = model.joints[joint];
  const Eigen::Matrix3d tilt =
      Eigen::AngleAxisd(-j.disc_tilt_rad, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  const Eigen::Quaterniond below(data.pose[j.parent_body].linear() * tilt);
  const Eigen::Quaterniond above(data.pose[j.child_body].linear() * tilt);
  return below.slerp(0.5, above).toRotationMatrix();
}

void subtree_load(const Model& model, const Data& data, int joint, Eigen::Vector3d& force_N,
                  Eigen::Vector3d& moment_Nm) {
  const Joint& j = model.joints[joint];
  const Eigen::Vector3d centre = data.pose[j.child_body].translation();
  force_N.setZero();
  moment_Nm.setZero();
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    if (!j.in_subtree[b]) continue;
    const Eigen::Vector3d f = data.applied[b].force_N + data.inertial[b].force_N;
    const Eigen::Vector3d r = data.pose[b].translation() - centre;
    force_N += f;
    moment_Nm += data.applied[b].moment_Nm + data.inertial[b].moment_Nm + r.cross(f);
  }
  // Supports found by the recruitment stage (a backrest) push like external loads.
  for (std::size_t k = 0; k < data.contacts.size() && k < static_cast<std::size_t>(data.contact_force_N.size()); ++k) {
    const Contact& c = data.contacts[k];
    const bool on = j.in_subtree[c.body], back = c.reacting_body >= 0 && j.in_subtree[c.reacting_body];
    if (on == back) continue;  // neither body above the joint, or both (her own body's push is internal)
    const Eigen::Vector3d f = (on ? 1.0 : -1.0) * data.contact_force_N[k] * c.normal;
    force_N += f;
    moment_Nm += (data.pose[c.body] * c.point_m - centre).cross(f);
  }
}

void disc_loads(const Model& model, Data& data) {
  for (std::size_t k = 0; k < model.spinal_joints.size(); ++k) {
    const int joint = model.spinal_joints[k];
    Eigen::Vector3d f_load, m_load;
    subtree_load(model, data, joint, f_load, m_load);
    // Each crossing segment pulls its end above the joint towards the end below.
    const Eigen::Vector3d centre = data.pose[model.joints[joint].child_body].translation();
    Eigen::Vector3d f_muscle = Eigen::Vector3d::Zero(), m_muscle = Eigen::Vector3d::Zero();
    // Muscles pull with their recruited and passive force; ligaments and fascia likewise.
    auto pull = [&](double tension, const Joint::Crossing& c, const std::vector<std::vector<Eigen::Vector3d>>& paths,
                    const std::vector<std::vector<Eigen::Vector3d>>& dirs) {
      if (tension == 0) return;
      const Eigen::Vector3d f = (c.sign * tension) * dirs[c.muscle][c.segment];
      f_muscle += f;
      m_muscle += (paths[c.muscle][c.sign > 0 ? c.segment : c.segment + 1] - centre).cross(f);
    };
    for (const auto& c : model.joints[joint].crossings)
      pull(data.force_N[c.muscle] + data.muscle_passive_force_N[c.muscle], c, data.path_m, data.segment_dir);
    for (const auto& c : model.joints[joint].passive_crossings)
      pull(data.passive_element_force_N[c.muscle], c, data.passive_path_m, data.passive_segment_dir);
    // The joint pushes on the spine above with R so that everything on it balances; where the
    // rib cage shares the level, the vertebral column carries its share of R.
    const Eigen::Vector3d reaction = -model.joints[joint].column_share * (f_load + f_muscle);
    const Eigen::Matrix3d frame = disc_frame(model, data, joint);
    const Eigen::Vector3d anterior = frame.col(0), normal = frame.col(1), right = frame.col(2);
    DiscLoad& out = data.disc[k];
    out.joint = joint;
    out.compression_N = reaction.dot(normal);
    out.shear_ap_N = -reaction.dot(anterior);
    out.shear_lateral_N = -reaction.dot(right);
    // Sign conventions of the coordinates: flexion about -z, right bending about +x,
    // right rotation about -y.
    out.flexion_moment_Nm = -m_load.dot(right);
    out.lateral_moment_Nm = m_load.dot(anterior);
    out.torsion_moment_Nm = -m_load.dot(normal);
    const Eigen::Vector3d m_joint = -(m_load + m_muscle);
    out.joint_flexion_moment_Nm = -m_joint.dot(right);
    out.joint_lateral_moment_Nm = m_joint.dot(anterior);
    out.joint_torsion_moment_Nm = -m_joint.dot(normal);
    const double strength = k < model.vertebral_strength_N.size() ? model.vertebral_strength_N[k] : 0.0;
    out.factor_of_risk = strength > 0 ? std::max(0.0, out.compression_N) / strength : 0.0;
    const double area = k < model.disc_area_m2.size() ? model.disc_area_m2[k] : 0.0;
    out.intradiscal_pressure_MPa =
        area > 0 ? model.disc_swelling_pressure_MPa + model.idp_correction_factor * std::max(0.0, out.compression_N) / area * 1e-6
                 : 0.0;
    out.muscle_flexion_moment_Nm = 0;
    out.extensor_capacity_Nm = 0;
  }
  // The muscles' flexion moment and the extensors' capacity at every level, muscle by muscle
  // (each muscle's column of moment arms is contiguous; level by level read a row with a
  // stride of the coordinates' count). Each level still sums its muscles in order.
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    const double* arms = data.moment_arm_m.col(static_cast<int>(m)).data();
    const double strength_N = model.muscles[m].max_force_N() * model.muscles[m].max_activation;
    for (std::size_t k = 0; k < model.spinal_joints.size(); ++k) {
      const double arm = arms[model.joints[model.spinal_joints[k]].coordinates.front()];
      DiscLoad& out = data.disc[k];
      out.muscle_flexion_moment_Nm += data.force_N[m] * arm;
      if (arm < 0) out.extensor_capacity_Nm -= strength_N * arm;
    }
  }
  // Not every extensor can be at full activation while the levels above stay in balance:
  // the share of that sum a maximal voluntary effort reaches (the level's isometric test).
  for (std::size_t k = 0; k < model.spinal_joints.size() && k < model.extension_mvc_share.size(); ++k)
    data.disc[k].extensor_capacity_Nm *= model.extension_mvc_share[k];
}

}  // namespace spineload
