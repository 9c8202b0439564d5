// Stage report: `spineload report DIR -o report.html` turns the result files of analyze
// (*.json), timeline (timeline.csv), day (day_tasks.csv, day_capacity.csv), compare
// (compare.csv), cohort (cohort.csv, cohort_summary.txt) and claims (claims.csv) into one self-contained HTML
// page (inline SVG charts and tables: no script, no network) and one SVG file per chart.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace spineload::report {

struct ReportOutput {
  std::string html;
  std::map<std::string, std::string> charts;  // chart name (file stem) -> SVG text
  std::vector<std::string> inputs;            // the result files read, in the order shown
};

// Reads every known result file in `results_dir`. Throws InputError naming the file, line
// and column of anything malformed, or the folder when it holds no known results.
ReportOutput build_report(const std::string& results_dir);

}  // namespace spineload::report
