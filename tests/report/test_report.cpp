// Reports: every kind of result becomes charts and tables in one offline HTML page.
#include "report/report.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/errors.hpp"
#include "output/results.hpp"
#include "tasks/task_runner.hpp"
#include "test_support.hpp"

namespace spineload::report {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Report, ClaimsBecomeASectionWithAChartAndTablePerClaim) {
  const fs::path dir = test::scratch_dir("report_claims");
  const std::string head = "claim,verdict,claim_text,experiment,answer,limits,figure,value,unit\n";
  write(dir / "claims.csv",
        head + "1,\"not supported\",\"Several times <the> load.\",\"standing, week 0 and 40\",\"Not supported: x1.3.\",\"static\","
               "\"L5/S1 standing, week 0\",476.6,\"N\"\n"
               "1,\"not supported\",\"Several times <the> load.\",\"standing, week 0 and 40\",\"Not supported: x1.3.\",\"static\","
               "\"L5/S1 standing, week 40\",613.7,\"N\"\n"
               "1,\"not supported\",\"Several times <the> load.\",\"standing, week 0 and 40\",\"Not supported: x1.3.\",\"static\","
               "\"ratio\",1.288,\"x\"\n"
               "10,\"outside what the model can say\",\"Warmth helps.\",\"none\",\"Outside.\",\"no temperature\",,,\n");
  const ReportOutput r = build_report(dir.string());
  EXPECT_EQ(r.inputs, std::vector<std::string>{"claims.csv"});
  ASSERT_EQ(r.charts.size(), 1u);  // claim 10 has no figures, so no chart
  const std::string& svg = r.charts.at("claim_1");
  EXPECT_NE(svg.find("figures in N"), std::string::npos);
  EXPECT_NE(r.html.find("Several times &lt;the&gt; load."), std::string::npos);  // escaped
  EXPECT_NE(r.html.find("<td>613.70</td>"), std::string::npos);
  EXPECT_NE(r.html.find("<td>1.29</td>"), std::string::npos);
  EXPECT_NE(r.html.find("Warmth helps."), std::string::npos);
  EXPECT_NE(r.html.find("<strong>outside what the model can say.</strong>"), std::string::npos);
  // A figure that is not a number is named by file, line and column.
  write(dir / "claims.csv", head + "1,a,b,c,d,e,f,oops,N\n");
  try {
    build_report(dir.string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("claims.csv:2"), std::string::npos) << e.what();
    EXPECT_EQ(e.field(), "value");
  }
  fs::remove_all(dir);
}

TEST(Report, AnalysisTimelineDayCompareAndCohortBecomeOneOfflinePage) {
  const fs::path dir = test::scratch_dir("report_all");
  // An analysis as `analyze -o` writes it.
  const TaskRun run = run_task("carry-on-hip", {}, nullptr, {});
  for (const auto& [name, text] : render_results(*run.model, run.result, {Format::json})) write(dir / name, text);
  const double l5 = run.result.frames.front().disc.front().compression_N;
  write(dir / "timeline.csv",
        "subject,stage,week,mass_kg,gain_kg,lumbar_extension_deg,L5_S1_compression_N,L4_L5_compression_N,highest_level,"
        "highest_compression_N,L5_S1_percent_of_NIOSH_action_limit,L5_S1_factor_of_risk,max_lumbar_factor_of_risk,"
        "max_factor_of_risk_level,lumbar_bmd_g_cm2,bmd_change_percent,lactation_months,abdominal_capacity_factor,"
        "inter_rectus_distance_cm,stiffness_factor,status\n"
        "s,pregnant,20,66,4,2,612.6,600,L5_S1,612.6,18,0.1,0.1,L5_S1,1.05,0,0,1,2,1,ok\n"
        "s,postpartum,6,64,2,0,598.25,590,L5_S1,598.25,17.6,0.1,0.1,L5_S1,1.02,-3,1.4,0.8,2.5,1,ok\n");
  write(dir / "day_capacity.csv", "hour,extensor_capacity,fatigued_fraction\n6,0.9,0.1\n7,0.8,0.2\n");
  write(dir / "day_tasks.csv",
        "task,count,each_s,peak_L5_S1_compression_N,extensor_demand,cumulative_load_MNs,L5_S1_fraction_of_strength,"
        "fatigue_damage,lifting_index,status\n\"carry-in-arms infant_mass_kg=5\",8,900,1422,0.29,10.24,0.3,1e-9,,ok\n");
  write(dir / "compare.csv",
        "task,parameter,value,L5_S1_compression_N,percent_of_NIOSH_action_limit,L5_S1_shear_ap_N,change_N,extensor_demand,"
        "lifting_index,status\nlift-from-crib,mattress_height_cm,40,2900,85,300,0,0.5,0.4,ok\n"
        "lift-from-crib,mattress_height_cm,60,2500,74,280,-400,0.4,0.35,ok\n");
  write(dir / "cohort.csv",
        "subject,task,status,L5_S1_compression_N\n0,carry-on-hip,ok,900\n1,carry-on-hip,ok,1100\n2,carry-on-hip,ok,3500\n"
        "3,carry-on-hip,failed,\n");
  write(dir / "cohort_summary.txt", "summary <text>\n");

  const ReportOutput r = build_report(dir.string());
  EXPECT_EQ(r.inputs, (std::vector<std::string>{"carry-on-hip.json", "timeline.csv", "day_capacity.csv", "day_tasks.csv",
                                                "compare.csv", "cohort.csv", "cohort_summary.txt"}));
  for (const char* chart : {"levels_carry-on-hip", "timeline_l5s1", "timeline_bmd", "day_capacity", "day_tasks", "compare",
                            "cohort_carry-on-hip"})
    EXPECT_EQ(r.charts.count(chart), 1u) << chart;
  EXPECT_EQ(r.charts.size(), 7u);
  EXPECT_EQ(count(r.html, "<svg"), r.charts.size());  // every chart inline
  // Offline: no script, no link, no address but the SVG namespace.
  EXPECT_EQ(r.html.find("<script"), std::string::npos);
  EXPECT_EQ(r.html.find("<link"), std::string::npos);
  EXPECT_EQ(count(r.html, "http"), count(r.html, "http://www.w3.org/2000/svg"));
  EXPECT_NE(r.html.find("not a diagnosis"), std::string::npos);
  // The numbers of the inputs, in the tables.
  EXPECT_NE(r.html.find(fmt::format("<td>{:.0f}</td>", l5)), std::string::npos);
  EXPECT_NE(r.html.find("<td>613</td>"), std::string::npos);   // timeline L5/S1 612.6, rounded
  EXPECT_NE(r.html.find("<td>1.020</td>"), std::string::npos); // BMD
  EXPECT_NE(r.html.find("carry-in-arms infant_mass_kg=5"), std::string::npos);
  // Cohort: 3 subjects, 1 failed; percentiles as the cohort summary's (type 7): 5 % at
  // 900 + 0.1 x 200, 95 % at 1100 + 0.9 x 2400; 1 of 3 over the action limit.
  EXPECT_NE(r.html.find("<td>carry-on-hip</td><td>3</td><td>1</td><td>920</td><td>1100</td><td>3260</td><td>33.3</td>"),
            std::string::npos);
  EXPECT_NE(r.html.find("summary &lt;text&gt;"), std::string::npos);
  // Histogram shares add up to 100 %.
  EXPECT_NE(r.charts.at("cohort_carry-on-hip").find("share of 3 subjects"), std::string::npos);
  EXPECT_EQ(build_report(dir.string()).html, r.html);  // deterministic
  fs::remove_all(dir);
}

TEST(Report, BadResultsNameTheFileLineAndColumn) {
  const fs::path dir = test::scratch_dir("report_bad");
  try {
    build_report(dir.string());
    ADD_FAILURE() << "an empty folder has no results";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no results found"), std::string::npos);
  }
  write(dir / "compare.csv", "task,parameter,value,L5_S1_compression_N\nt,p,1,nan\n");
  try {
    build_report(dir.string());
    ADD_FAILURE() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "L5_S1_compression_N");
    EXPECT_NE(e.file().find("compare.csv"), std::string::npos);
  }
  write(dir / "compare.csv", "task,parameter,value\nt,p,1\n");
  try {
    build_report(dir.string());
    ADD_FAILURE() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "L5_S1_compression_N");  // the missing column
  }
  fs::remove(dir / "compare.csv");
  write(dir / "broken.json", "{\"frames\": [");
  EXPECT_THROW(build_report(dir.string()), InputError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spineload::report
