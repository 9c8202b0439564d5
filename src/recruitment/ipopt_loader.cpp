// Loads the IPOPT module on first use (see problem.hpp for why it is a module).
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "recruitment/problem.hpp"

// gcc says __SANITIZE_ADDRESS__, clang __has_feature(address_sanitizer).
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPINELOAD_HAS_ASAN 1
#endif
#endif
#ifndef SPINELOAD_HAS_ASAN
#define SPINELOAD_HAS_ASAN 0
#endif

namespace spineload {

namespace {

using SolveFn = void (*)(const SeparableProblem&, SolveResult&);

// Where the module can be: SPINELOAD_IPOPT_MODULE, beside this library or executable (an
// installed layout), or where the build put it.
std::vector<std::string> candidates() {
  std::vector<std::string> v;
  if (const char* env = std::getenv("SPINELOAD_IPOPT_MODULE")) v.emplace_back(env);
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&candidates), &info) && info.dli_fname) {
    const std::filesystem::path here = std::filesystem::path(info.dli_fname).parent_path();
    v.push_back((here / "libspineload_ipopt.so").string());
    v.push_back((here / "../lib/spineload/libspineload_ipopt.so").string());
  }
  v.emplace_back(SPINELOAD_IPOPT_MODULE_PATH);
  return v;
}

SolveFn load() {
  std::string tried;
  for (const std::string& path : candidates()) {
    if (!std::filesystem::exists(path)) {
      tried += " " + path;
      continue;
    }
    // Its own symbol scope first (RTLD_DEEPBIND): MUMPS binds to its stand-in MPI.
    // AddressSanitizer refuses RTLD_DEEPBIND; sanitizer builds have no Open MPI to clash with.
#if defined(__SANITIZE_ADDRESS__) || SPINELOAD_HAS_ASAN
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
    if (!handle) throw std::runtime_error(std::string("cannot load the IPOPT module: ") + dlerror());
    if (void* f = dlsym(handle, "spineload_solve_ipopt")) return reinterpret_cast<SolveFn>(f);
    throw std::runtime_error("the IPOPT module " + path + " lacks spineload_solve_ipopt");
  }
  throw std::runtime_error("the IPOPT module (libspineload_ipopt.so) was not found; looked in:" + tried);
}

}  // namespace

SolveResult solve_ipopt(const SeparableProblem& problem) {
  static const SolveFn solve = load();
  SolveResult result;
  solve(problem, result);
  return result;
}

}  // namespace spineload
