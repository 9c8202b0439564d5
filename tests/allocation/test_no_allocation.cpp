// No heap allocation after the workspace is built (issue 20): a still posture on the static
// model and frames of a motion on the full model, analysed with the fast solver, from a Data
// just constructed. Every allocation path of this process is counted while a frame runs:
// malloc, calloc, realloc and the aligned ones (Eigen, std::vector, fmt) and operator new
// (glibc's __libc_* entry points do the work). A separate binary, since it replaces the
// allocator; not built with the sanitizers, which replace it themselves.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "analysis/analyze.hpp"
#include "model/model.hpp"
#include "tasks/gait.hpp"

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {
bool counting = false;
long allocations = 0;
inline void count() {
  if (counting) ++allocations;
}
}  // namespace

extern "C" {
void* malloc(std::size_t n) {
  count();
  return __libc_malloc(n);
}
void* calloc(std::size_t a, std::size_t b) {
  count();
  return __libc_calloc(a, b);
}
void* realloc(void* p, std::size_t n) {
  count();
  return __libc_realloc(p, n);
}
void free(void* p) { __libc_free(p); }
int posix_memalign(void** out, std::size_t align, std::size_t n) {
  count();
  *out = __libc_memalign(align, n);
  return *out ? 0 : ENOMEM;
}
void* aligned_alloc(std::size_t align, std::size_t n) {
  count();
  return __libc_memalign(align, n);
}
void* memalign(std::size_t align, std::size_t n) {
  count();
  return __libc_memalign(align, n);
}
}

void* operator new(std::size_t n) {
  if (void* p = malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = aligned_alloc(static_cast<std::size_t>(a), n ? n : static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, std::size_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t) noexcept { free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { free(p); }

namespace spineload {
namespace {

// Allocations made by `f` alone.
template <class F>
long allocations_in(F&& f) {
  allocations = 0;
  counting = true;
  f();
  counting = false;
  return allocations;
}

TEST(NoAllocation, TheCounterSeesEveryKindOfAllocation) {
  // The check can fail: a vector, an Eigen vector and a new are each counted.
  EXPECT_EQ(allocations_in([] { std::vector<double> v(10); (void)v; }), 1);
  EXPECT_EQ(allocations_in([] { Eigen::VectorXd v = Eigen::VectorXd::Zero(10); (void)v; }), 1);
  EXPECT_EQ(allocations_in([] { delete new Eigen::Vector4d; }), 1);
}

TEST(NoAllocation, AStillPostureOnTheStaticModel) {
  const auto source = default_model_source();
  const auto model = build_static_model(*source, default_height_m(*source), default_mass_kg(*source));
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(model->coordinates.size()));
  const RecruitmentOptions options;
  for (const char* name : {"standing_relaxed", "trunk_flexed_60", "holding_5kg_60cm"}) {
    const Posture p = builtin_posture(*model, name);
    Data data(*model);
    // The first frame of a fresh workspace, then a cold and a warm start.
    EXPECT_EQ(allocations_in([&] { analyze_frame(*model, data, p, p.q_rad[0], zero, zero, options); }), 0) << name;
    data.warm_start_valid = false;
    EXPECT_EQ(allocations_in([&] { analyze_frame(*model, data, p, p.q_rad[0], zero, zero, options); }), 0) << name;
    EXPECT_EQ(allocations_in([&] { analyze_frame(*model, data, p, p.q_rad[0], zero, zero, options); }), 0) << name;
    EXPECT_EQ(data.status, RecruitmentStatus::ok) << name;
    EXPECT_GT(data.disc.front().compression_N, 300) << name;
  }
}

TEST(NoAllocation, FramesOfAMotionOnTheFullModel) {
  // A stride of walking: rates, accelerations and the pelvis's acceleration per frame,
  // inverse dynamics with inertia from the joint chain, recruitment warm-started along it.
  const auto source = default_model_source();
  const auto model = build_model(*source, default_height_m(*source), default_mass_kg(*source));
  const Posture p = walking_posture(*model, GaitParameters{}, "walk");
  const RecruitmentOptions options;
  Data data(*model);
  double peak = 0;
  for (std::size_t k = 0; k < p.time_s.size(); ++k) {
    EXPECT_EQ(allocations_in([&] {
                analyze_frame(*model, data, p, p.q_rad[k], p.qdot_rad_s[k], p.qddot_rad_s2[k], options, Support::standing,
                              p.root_acceleration_m_s2[k]);
              }),
              0)
        << "frame " << k;
    peak = std::max(peak, data.disc.front().compression_N);
  }
  EXPECT_GT(peak, 800);  // the stride was analysed, with its inertia
}

}  // namespace
}  // namespace spineload
