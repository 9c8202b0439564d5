// The HTTP API's requests: the first byte picks the method and endpoint, the rest is the
// body. Every check of handle_api runs (check_api_request) without running the task, so
// the parser is fuzzed at its own speed. Beyond the common rule: the answer is JSON with
// an error and its field, or {"valid": true}; never a 500.
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "fuzz_support.hpp"
#include "serve/api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  static const char* const kRoutes[][2] = {{"POST", "/api/analyze"}, {"POST", "/api/timeline"}, {"POST", "/api/compare"},
                                           {"POST", "/api/day"},     {"GET", "/api/health"},     {"PUT", "/api/analyze"},
                                           {"POST", "/api/nothing"}};
  constexpr std::size_t kCount = sizeof(kRoutes) / sizeof(kRoutes[0]);
  if (size == 0) return 0;
  const auto& route = kRoutes[data[0] % kCount];
  const serve::ApiResponse r = serve::check_api_request(route[0], route[1], fuzz::text(data + 1, size - 1));
  if (r.status == 500) std::abort();
  const auto j = nlohmann::json::parse(r.body);  // throws (a finding) when not JSON
  if (r.status != 200 && !j.contains("field")) std::abort();
  return 0;
}
