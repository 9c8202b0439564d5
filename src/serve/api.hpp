// Stage serve, API: the JSON API behind `spineload serve`, as a plain function of a request
// (no sockets), so that every endpoint is tested directly and the HTTP layer stays thin.
//
//   GET  /api/health     the notice and the version
//   GET  /api/tasks      the task library: ids, descriptions, parameters with units, ranges
//   POST /api/analyze    {subject?, task, settings?}: loads of one task for one subject,
//                        with the 3D geometry of the peak frame
//   POST /api/timeline   {subject?, task, settings?, step_weeks?}: the task across pregnancy
//                        (weeks 0-40) and the postpartum year (weeks 0-52)
//   POST /api/compare    {subject?, task, settings?, vary: {name, from, to, step}}
//   POST /api/day        {subject?, schedule}: a day of tasks (the `day` command's schedule,
//                        as a JSON object)
//
// `subject` is the subject file's content as a JSON object (the same fields and checks).
// Bad input is a 400 with {error, field}; work is bounded by the sizes of what may be asked
// (points in a sweep or timeline, entries in a day), never by a wall clock, so the same
// request always gives the same answer.
#pragma once
#include <string>

namespace spineload::serve {

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON
};

inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;
inline constexpr int kMaxSweepPoints = 41;
inline constexpr int kMaxTimelinePoints = 60;
inline constexpr int kMaxDayEntries = 40;
inline constexpr int kMaxDayOccurrences = 200;  // per entry

// Handles one API request; never throws (an unexpected failure is a 500, its message kept in
// the server).
ApiResponse handle_api(const std::string& method, const std::string& path, const std::string& body);

// Every check handle_api makes (method, JSON, fields, types, ranges, task and settings,
// subject, schedule) without running anything: 200 {"valid": true} where handle_api would
// run, otherwise the same error response. The fuzz target of the request bodies uses it, at
// parser speed.
ApiResponse check_api_request(const std::string& method, const std::string& path, const std::string& body);

}  // namespace spineload::serve
