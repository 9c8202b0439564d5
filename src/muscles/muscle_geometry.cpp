#include "muscles/muscle_geometry.hpp"

#include "dynamics/dynamics.hpp"
#include "muscles/wrapping.hpp"

#include <algorithm>

namespace spineload {

namespace {

// A point of a muscle path in ground, and the body that carries it (-1: ground).
struct Node {
  int body;
  Eigen::Vector3d world;
  int original;       // index of the path point it is, or follows (for wrap ranges)
  bool arc_to_next;   // the path runs over a wrap surface from here to the next node
  double arc_m;
  int moving = -1;    // index of a moving path point, whose motion on its body adds force
};

double coordinate_value(const Model& model, const Data& data, int c) {
  return data.q[model.coordinates[c].mb_index];
}

// A path point's location on its body now (moving points follow their functions).
Eigen::Vector3d point_location(const Model& model, const Data& data, const PathPoint& p) {
  Eigen::Vector3d loc = p.location_m;
  for (int k = 0; k < 3; ++k)
    if (p.moving_coordinate[k] >= 0) {
      const double x = coordinate_value(model, data, p.moving_coordinate[k]);
      loc[k] = p.moving_function[k]->value(&x);
    }
  return loc;
}

// Adds the generalised force of a unit-tension pull on point p of body b.
void add_point_force(const Model& model, const Data& data, Eigen::VectorXd& g, int b, const Eigen::Vector3d& p,
                     const Eigen::Vector3d& f) {
  if (b < 0) return;  // on ground: moves nothing
  const Eigen::Vector3d moment = (p - data.pose[b].translation()).cross(f);
  for (int q : model.bodies[b].ancestor_q)
    g[q] += data.jacobian.block<3, 1>(6 * b, q).dot(moment) + data.jacobian.block<3, 1>(6 * b + 3, q).dot(f);
}

// A path with wrap objects, conditional or moving points. The tangent points of each wrap
// join the path, fixed for this instant on the wrap object's body (so their pull maps
// through its Jacobian, which gives -dL/dq for a path that is shortest over the surface);
// a conditional point is on the path only inside its coordinate range; a moving point's
// slide along its body with its coordinate adds its own generalised force. Walks the path
// once, handing a unit tension's pulls to `pull(body, point, direction)` and each moving
// point's slide to `slide(mb index, generalised force)`; returns the length.
template <class Pull, class Slide>
double walk_path(const Model& model, const Data& data, const Muscle& muscle, Pull&& pull, Slide&& slide) {
  std::vector<Node> nodes;
  for (std::size_t k = 0; k < muscle.path.size(); ++k) {
    const PathPoint& p = muscle.path[k];
    if (p.condition_coordinate >= 0) {
      const double x = coordinate_value(model, data, p.condition_coordinate);
      if (x < p.condition_min || x > p.condition_max) continue;
    }
    nodes.push_back({p.body, world_point(data, p.body, point_location(model, data, p)), static_cast<int>(k), false, 0.0,
                     p.moves() ? static_cast<int>(k) : -1});
  }
  for (const PathWrap& pw : muscle.wraps) {
    const WrapObject& w = model.wrap_objects[pw.object];
    const Eigen::Isometry3d X = w.body < 0 ? w.in_body : data.pose[w.body] * w.in_body;
    const Eigen::Isometry3d Xi = X.inverse();
    for (std::size_t k = 0; k + 1 < nodes.size(); ++k) {
      if (nodes[k].arc_to_next) continue;
      if (pw.first_point >= 0 && (nodes[k].original < pw.first_point || nodes[k + 1].original > pw.last_point)) continue;
      const WrapResult r = wrap_segment(w, Xi * nodes[k].world, Xi * nodes[k + 1].world);
      if (!r.wrapped) continue;
      const Node t1{w.body, X * r.t1, nodes[k].original, true, r.arc_length_m, -1};
      const Node t2{w.body, X * r.t2, nodes[k].original, false, 0.0, -1};
      nodes.insert(nodes.begin() + static_cast<long>(k) + 1, {t1, t2});
      break;  // one wrap per object, on the first segment it applies to
    }
  }
  double length = 0;
  for (std::size_t k = 0; k + 1 < nodes.size(); ++k) {
    if (nodes[k].arc_to_next) {
      length += nodes[k].arc_m;
      continue;
    }
    const Eigen::Vector3d d = nodes[k + 1].world - nodes[k].world;
    const double len = d.norm();
    length += len;
    if (len == 0) continue;
    const Eigen::Vector3d dir = d / len;
    // A moving point also slides on its body: F . (R dp/dq) per coordinate driving it.
    for (const auto& [node, f] : {std::pair{&nodes[k], dir}, std::pair{&nodes[k + 1], Eigen::Vector3d(-dir)}}) {
      if (node->moving < 0) continue;
      const PathPoint& p = muscle.path[node->moving];
      const Eigen::Matrix3d R = node->body < 0 ? Eigen::Matrix3d(Eigen::Matrix3d::Identity())
                                               : Eigen::Matrix3d(data.pose[node->body].linear());
      for (int a = 0; a < 3; ++a)
        if (p.moving_coordinate[a] >= 0) {
          const int c = p.moving_coordinate[a];
          const double x = coordinate_value(model, data, c);
          slide(model.coordinates[c].mb_index, f.dot(R.col(a)) * p.moving_function[a]->derivative({0}, &x));
        }
    }
    if (nodes[k].body == nodes[k + 1].body) continue;
    pull(nodes[k].body, nodes[k].world, dir);
    pull(nodes[k + 1].body, nodes[k + 1].world, Eigen::Vector3d(-dir));
  }
  return length;
}

double general_path(const Model& model, const Data& data, const Muscle& muscle, Eigen::VectorXd& g) {
  return walk_path(
      model, data, muscle,
      [&](int b, const Eigen::Vector3d& p, const Eigen::Vector3d& f) { add_point_force(model, data, g, b, p, f); },
      [&](int q, double force) { g[q] += force; });
}

}  // namespace

double straight_path(const Model& model, const Data& data, const std::vector<PathPoint>& spec,
                     std::vector<Eigen::Vector3d>& path, std::vector<Eigen::Vector3d>& dir, Eigen::VectorXd& g,
                     const std::vector<char>* crossed, const std::vector<PathCrossing>* crossings) {
  const std::size_t n = spec.size();
  const bool masked = crossed && static_cast<int>(crossed->size()) == g.size();
  for (std::size_t k = 0; k < n; ++k) path[k] = world_point(data, spec[k].body, spec[k].location_m);
  double length = 0;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    const Eigen::Vector3d d = path[k + 1] - path[k];
    const double len = d.norm();
    length += len;
    dir[k] = len > 0 ? Eigen::Vector3d(d / len) : Eigen::Vector3d::Zero();
  }
  if (crossings) {
    // A rotational joint turns the bodies above it about its centre, so a coordinate's
    // generalised force is its angular axis (the Jacobian's angular column, the same on every
    // body above) dotted with the moment, about the centre, of the pull on the part above:
    // per crossing a cross product and three dot products, the quickest route (callgrind:
    // muscle geometry 40 % fewer instructions than summing pulls per body).
    // The joints' centres are in data.joint_centre_m (joint_centres, once per frame).
    for (const PathCrossing& c : *crossings) {
      const Eigen::Vector3d& above = path[c.sign > 0 ? c.segment : c.segment + 1];
      const Eigen::Vector3d moment = (above - data.joint_centre_m[c.joint]).cross(c.sign * dir[c.segment]);
      for (int k = 0; k < c.num_q; ++k) g[c.mb[k]] += data.jacobian.block<3, 1>(6 * c.child_body, c.mb[k]).dot(moment);
    }
    return length;
  }
  // Each segment pulls its two end points towards each other. A body's pulls are summed into
  // one force and one moment about its origin before they map to generalised forces through
  // its Jacobian rows, J_w^T m + J_v^T F, over the only columns that can be nonzero (the
  // joints between ground and the body): one projection per body rather than two per
  // segment, which a profile of the analysis showed to be its second-largest cost.
  std::size_t k = 0;
  while (k < n) {
    const int b = spec[k].body;
    Eigen::Vector3d force = Eigen::Vector3d::Zero(), moment = Eigen::Vector3d::Zero();
    for (; k < n && spec[k].body == b; ++k) {
      Eigen::Vector3d f = Eigen::Vector3d::Zero();
      if (k + 1 < n && spec[k + 1].body != b) f += dir[k];
      if (k > 0 && spec[k - 1].body != b) f -= dir[k - 1];
      force += f;
      moment += path[k].cross(f);
    }
    if (b < 0) continue;  // on ground: moves nothing
    // Moments about the body origin: sum of r x f less origin x (sum f).
    moment -= data.pose[b].translation().cross(force);
    for (int q : model.bodies[b].ancestor_q)
      if (!masked || (*crossed)[q])
        g[q] += data.jacobian.block<3, 1>(6 * b, q).dot(moment) + data.jacobian.block<3, 1>(6 * b + 3, q).dot(force);
  }
  return length;
}

double path_length(const Model& model, const Data& data, const Muscle& path, Eigen::VectorXd& g) {
  return general_path(model, data, path, g);
}

void add_path_pull(const Model& model, const Data& data, const Muscle& path, double tension_N,
                   std::vector<mb::SpatialForce>& applied, Eigen::VectorXd& mobility) {
  // A push (path actuators that push) reverses every pull.
  const double t = path.pushes ? -tension_N : tension_N;
  walk_path(
      model, data, path,
      [&](int b, const Eigen::Vector3d& p, const Eigen::Vector3d& dir) {
        if (b < 0) return;  // ground takes it
        const Eigen::Vector3d f = t * dir;
        applied[b].force_N += f;
        applied[b].moment_Nm += (p - data.pose[b].translation()).cross(f);
      },
      [&](int q, double force) { mobility[q] += t * force; });
}

void joint_centres(const Model& model, Data& data) {
  for (std::size_t j = 0; j < model.joints.size(); ++j) {
    const Joint& joint = model.joints[j];
    data.joint_centre_m[j] = data.pose[joint.child_body] * joint.frame_in_child.translation();
  }
}

void muscle_geometry(const Model& model, Data& data) {
  const int nc = static_cast<int>(model.coordinates.size());
  joint_centres(model, data);
  Eigen::VectorXd& g = data.path_g;
  g.resize(model.num_q);
  g.setZero();
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    const Muscle& muscle = model.muscles[m];
    const bool straight = muscle.wraps.empty() && !muscle.variable_path;
    if (straight && muscle.rotational_crossings && !muscle.pushes) {
      // The usual path: only the crossed joints' coordinates get a moment arm, so only
      // those entries of the scratch vector and the column are touched (the whole vector's
      // clearing and copying was most of this loop's own cost; callgrind, cohort benchmark).
      // g is all zeros between muscles, on either path.
      const double length = straight_path(model, data, muscle.path, data.path_m[m], data.segment_dir[m], g,
                                          &muscle.crosses_q, &muscle.crossings);
      data.length_m[m] = length;
      auto column = data.moment_arm_m.col(static_cast<Eigen::Index>(m));
      column.setZero();
      for (const PathCrossing& c : muscle.crossings)
        for (int k = 0; k < c.num_q; ++k) {
          double& entry = g[c.mb[k]];
          if (entry != 0) column[c.q[k]] = entry;
          entry = 0;
        }
      continue;
    }
    double length = straight_path(model, data, muscle.path, data.path_m[m], data.segment_dir[m], g,
                                  straight ? &muscle.crosses_q : nullptr,
                                  straight && muscle.rotational_crossings ? &muscle.crossings : nullptr);
    if (!straight) {
      g.setZero();
      length = general_path(model, data, muscle, g);
    }
    data.length_m[m] = length;
    if (muscle.pushes) {
      // A push between the path's ends: the unit tension's generalised force and directions reversed.
      g = -g;
      for (auto& d : data.segment_dir[m]) d = -d;
    }
    // A straight path has no moment arm about a joint it does not cross (its pulls there
    // cancel): straight_path leaves those entries at exactly zero.
    for (int c = 0; c < nc; ++c) data.moment_arm_m(c, m) = g[model.coordinates[c].mb_index];
    g.setZero();
  }
  // The abdominal contents weigh as a liquid would: the pressure at the floor's point exceeds
  // the recruited one by rho g h, h the height of the cavity's top above it. The top is the
  // diaphragm's point or, where one is higher, a via point of the wall: upright the
  // diaphragm, lying supine the front wall (which the uterus carries forward in pregnancy),
  // on the side the upper flank. What the pelvic floor holds, and the recruitment costs, is
  // the column above it, from the diaphragm's point (lying, the wall below the contents
  // bears the rest on the mattress). Head-down (h < 0) the diaphragm would hold the column
  // instead; that is not modelled, the column is then taken as nil.
  data.abdominal_column_kPa = data.abdominal_head_kPa = 0;
  if (model.abdominal_pressure_muscle >= 0 && model.abdominal_contents_density_kg_m3 > 0) {
    const auto& path = data.path_m[model.abdominal_pressure_muscle];
    auto g_h = [&](const Eigen::Vector3d& p) { return -model.gravity_m_s2.dot(p - path.front()); };  // g times h
    const double rho_kPa = 1e-3 * model.abdominal_contents_density_kg_m3;
    double top = g_h(path.back());
    data.abdominal_column_kPa = rho_kPa * std::max(0.0, top);
    for (const auto& [m, k] : model.abdominal_wall_points) top = std::max(top, g_h(data.path_m[m][k]));
    data.abdominal_head_kPa = rho_kPa * std::max(0.0, top);
  }
}

}  // namespace spineload
