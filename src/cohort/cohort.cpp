#include "cohort/cohort.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <fmt/format.h>
#include <filesystem>
#include <future>
#include <mutex>
#include <map>
#include <string_view>
#include <thread>

#include "analysis/analyze.hpp"
#include "common/errors.hpp"
#include "output/results.hpp"
#include "io/yaml_util.hpp"
#include "loads/disc_loads.hpp"
#include "model/embedded_data.hpp"
#include "subject/timeline.hpp"
#include "posture/prediction.hpp"
#include "tasks/task_library.hpp"
#include "tasks/task_runner.hpp"

namespace spineload {

namespace {

// The subject fields a cohort file (or the default population) may give.
const std::pair<const char*, Distribution CohortSpec::*> kFields[] = {
    {"height_m", &CohortSpec::height_m},
    {"pre_pregnancy_mass_kg", &CohortSpec::mass_kg},
    {"age_years", &CohortSpec::age_years},
    {"stage", &CohortSpec::stage},
    {"week", &CohortSpec::week},
    {"breastfeeding", &CohortSpec::breastfeeding},
    {"delivery", &CohortSpec::delivery},
    {"lumbar_bmd_g_cm2", &CohortSpec::lumbar_bmd},
    {"trunk_strength_factor", &CohortSpec::trunk_strength},
    {"infant_age_months", &CohortSpec::infant_age_months},
    {"infant_sex", &CohortSpec::infant_sex},
    {"infant_percentile", &CohortSpec::infant_percentile}};

// Fills the spec's distributions from `node` (a cohort's `subject` block or the default
// population), leaving what it does not give.
void read_population(const YAML::Node& node, const std::string& file, const std::string& ctx, CohortSpec& s) {
  if (!node) return;
  std::vector<std::string> allowed{"height_mass_correlation"};
  for (const auto& [key, member] : kFields) allowed.emplace_back(key);
  for (const char* k : {"height_source", "mass_source", "correlation_source", "age_source", "bmd_source"})
    allowed.emplace_back(k);
  yaml::check_keys(node, allowed, file, ctx);
  for (const auto& [key, member] : kFields)
    if (node[key]) s.*member = parse_distribution(node[key], file, ctx + "." + key);
  if (node["height_mass_correlation"]) {
    s.height_mass_correlation =
        yaml::as_double(node["height_mass_correlation"], file, ctx + ".height_mass_correlation");
    if (!(std::abs(s.height_mass_correlation) < 1))
      throw InputError(file, yaml::line_of(node["height_mass_correlation"]), ctx + ".height_mass_correlation",
                       "expected a correlation between -1 and 1");
  }
}

std::vector<CohortTask> read_tasks(const YAML::Node& list, const std::string& file, const std::string& field,
                                   bool variants) {
  std::vector<CohortTask> out;
  if (!list) return out;
  if (!list.IsSequence()) throw InputError(file, yaml::line_of(list), field, "expected a list");
  std::size_t i = 0;
  for (const auto& t : list) {
    const std::string ctx = field + "[" + std::to_string(i++) + "]";
    yaml::check_keys(t, {"task", "set", "name", "base"}, file, ctx);
    CohortTask ct;
    ct.task = yaml::as_string(yaml::require(t, "task", file, ctx), file, ctx + ".task");
    const auto& lib = task_library();
    const auto spec = std::find_if(lib.begin(), lib.end(), [&](const TaskSpec& s) { return s.id == ct.task; });
    if (spec == lib.end()) {
      std::string ids;
      for (const auto& s : lib) ids += (ids.empty() ? "" : ", ") + s.id;
      throw InputError(file, yaml::line_of(t["task"]), ctx + ".task", "unknown task '" + ct.task + "'; the tasks are: " + ids);
    }
    ct.name = t["name"] ? yaml::as_string(t["name"], file, ctx + ".name") : ct.task;
    if (variants) ct.base = t["base"] ? yaml::as_string(t["base"], file, ctx + ".base") : ct.task;
    if (t["set"])
      for (const auto& kv : t["set"]) {
        const std::string name = yaml::key_of(kv.first, file, ctx + ".set");
        if (std::none_of(spec->parameters.begin(), spec->parameters.end(), [&](const TaskParameter& p) { return p.name == name; })) {
          std::vector<std::string> names;
          for (const auto& p : spec->parameters) names.push_back(p.name);
          std::string msg = "unknown parameter '" + name + "' of " + ct.task;
          const std::string guess = yaml::nearest(name, names);
          if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
          throw InputError(file, yaml::line_of(kv.first), ctx + ".set." + name, msg);
        }
        ct.settings.emplace_back(name, parse_distribution(kv.second, file, ctx + ".set." + name));
      }
    out.push_back(ct);
  }
  return out;
}

std::string number_text(double v) { return fmt::format("{:.6g}", v); }

}  // namespace

CohortSpec parse_cohort_text(const std::string& text, const std::string& file) {
  const YAML::Node root = yaml::parse(text, file);
  yaml::check_keys(root, {"name", "n", "seed", "chunk", "subject", "tasks", "variants"}, file, "");
  CohortSpec s;
  s.file = file;
  s.text = text;
  s.name = root["name"] ? yaml::as_string(root["name"], file, "name") : "cohort";
  // The default population first, then the cohort's own choices over it.
  const YAML::Node pop = yaml::parse(std::string(embedded::population_yaml()), "cohort/population.yaml");
  read_population(pop["population"], "cohort/population.yaml", "population", s);
  read_population(root["subject"], file, "subject", s);
  const double n = yaml::as_double(yaml::require(root, "n", file, ""), file, "n");
  if (!(n >= 1 && n <= 1e9) || n != std::floor(n)) throw InputError(file, yaml::line_of(root["n"]), "n", "expected a whole number from 1");
  s.n = static_cast<long>(n);
  // Seeds up to 2^53: every one a double represents exactly (YAML numbers are read as such).
  if (root["seed"]) s.seed = static_cast<std::uint64_t>(yaml::as_whole(root["seed"], file, "seed", 0, 1LL << 53));
  if (root["chunk"]) s.chunk = static_cast<int>(yaml::as_whole(root["chunk"], file, "chunk", 1, 10'000'000));
  s.tasks = read_tasks(yaml::require(root, "tasks", file, ""), file, "tasks", false);
  if (s.tasks.empty()) throw InputError(file, yaml::line_of(root["tasks"]), "tasks", "a cohort needs at least one task");
  for (auto& v : read_tasks(root["variants"], file, "variants", true)) {
    if (std::none_of(s.tasks.begin(), s.tasks.end(), [&](const CohortTask& t) { return t.name == v.base; }))
      throw InputError(file, yaml::line_of(root["variants"]), "variants." + v.name + ".base",
                       "no task named '" + v.base + "' to compare with");
    s.tasks.push_back(v);
  }
  if (s.stage.numeric() || (s.stage.kind == Distribution::Kind::fixed && s.stage.fixed_text != "pregnant" &&
                            s.stage.fixed_text != "postpartum"))
    throw InputError(file, 0, "subject.stage", "expected pregnant or postpartum (or a categorical of them)");
  return s;
}

CohortSpec load_cohort_file(const std::string& path) { return parse_cohort_text(yaml::read_text_file(path), path); }

CohortSubject sample_cohort_subject(const CohortSpec& spec, long index) {
  SubjectRng rng(spec.seed, static_cast<std::uint64_t>(index));
  CohortSubject c;
  c.index = index;
  Subject& s = c.subject;
  s.name = fmt::format("{}-{}", spec.name, index);
  // Height and mass share a Gaussian copula with the given correlation.
  const double z1 = rng.normal(), z2 = rng.normal();
  const double rho = spec.height_mass_correlation;
  s.height_m = spec.height_m.from_normal(z1);
  s.pre_pregnancy_mass_kg = spec.mass_kg.from_normal(rho * z1 + std::sqrt(1 - rho * rho) * z2);
  s.age_years = spec.age_years.sample(rng);
  const std::string stage = spec.stage.sample_category(rng);
  s.stage = stage == "pregnant" ? Stage::pregnant : Stage::postpartum;
  s.week = spec.week.sample(rng);
  s.breastfeeding = spec.breastfeeding.numeric() ? spec.breastfeeding.sample(rng) >= 0.5
                                                 : spec.breastfeeding.sample_category(rng) == "yes";
  s.delivery = spec.delivery.sample_category(rng) == "caesarean" ? Delivery::caesarean : Delivery::vaginal;
  s.lumbar_bmd_g_cm2 = spec.lumbar_bmd.sample(rng);
  s.trunk_strength_factor = spec.trunk_strength.sample(rng);
  c.infant_age_months = std::clamp(spec.infant_age_months.sample(rng), 0.0, 12.0);
  c.infant_sex = spec.infant_sex.sample_category(rng);
  c.infant_percentile = std::clamp(spec.infant_percentile.sample(rng), 3.0, 97.0);
  for (const CohortTask& t : spec.tasks) {
    std::vector<std::string> set{"infant_age_months=" + number_text(c.infant_age_months), "infant_sex=" + c.infant_sex,
                                 "infant_percentile=" + number_text(c.infant_percentile)};
    for (const auto& [name, d] : t.settings)
      set.push_back(name + "=" + (d.numeric() ? number_text(d.sample(rng)) : d.sample_category(rng)));
    c.task_settings.push_back(set);
  }
  return c;
}

namespace {

// Every task of one subject, on her model built once.
// Per task, the multipliers of its (still) posture solved for the cohort's first subject:
// every subject's recruitment starts from them (fewer Newton steps than from zero), and
// they are the same in every thread, process and resumed run. Empty where that subject or
// task cannot give them (a motion, a failure): a cold start.
std::vector<Eigen::VectorXd> reference_multipliers(const CohortSpec& spec, const CohortOptions& options) {
  std::vector<Eigen::VectorXd> out(spec.tasks.size());
  try {
    const CohortSubject cs = sample_cohort_subject(spec, 0);
    const auto model = build_subject_model(*default_model_source(), *default_subject_data(), cs.subject, true);
    for (std::size_t t = 0; t < spec.tasks.size(); ++t) {
      try {
        const TaskInstance task = instantiate_task(*model, spec.tasks[t].task, cs.task_settings[t]);
        const Posture posture =
            posture_at_stage(*model, task.posture, *default_subject_data(), cs.subject);
        if (posture.is_time_series()) continue;
        Data data(*model);
        const PostureResult r = analyze_posture(*model, data, posture, options.recruitment);
        if (r.frames.front().status == RecruitmentStatus::ok) out[t] = data.dual_warm_start;
      } catch (const std::exception&) {
      }
    }
  } catch (const std::exception&) {
  }
  return out;
}

// What a cohort thread keeps from one subject to the next: her static model, written over
// in place, and its workspace (same sizes for every subject, so made once).
struct ThreadModels {
  Model model;
  std::unique_ptr<Data> data;
};

void run_subject(const CohortSpec& spec, const CohortOptions& options, const std::vector<Eigen::VectorXd>& warm,
                 long index, ThreadModels& tm, std::vector<CohortRow>& out) {
  const CohortSubject cs = sample_cohort_subject(spec, index);
  // Her model without a Simbody system, written over this thread's previous subject's (no
  // allocation): most tasks are still postures; a motion (a lift over time) gets the full
  // model below.
  const Model* model = nullptr;
  std::shared_ptr<const Model> full;
  std::string model_error;
  try {
    rebuild_subject_model(*default_model_source(), *default_subject_data(), cs.subject, tm.model);
    if (!tm.data || !tm.data->fits(tm.model)) tm.data = std::make_unique<Data>(tm.model);
    model = &tm.model;
  } catch (const std::exception& e) {
    model_error = e.what();
  }
  for (std::size_t t = 0; t < spec.tasks.size(); ++t) {
    CohortRow row;
    row.subject = index;
    row.task = static_cast<int>(t);
    if (!model) {
      row.status = "failed";
      row.reason = model_error;
      out.push_back(row);
      continue;
    }
    try {
      const TaskInstance task = instantiate_task(*model, spec.tasks[t].task, cs.task_settings[t]);
      row.infant_mass_kg = task.infant_mass_kg;
      // Posed as analyze and run_task pose her (posture_at_stage): the same woman, the same
      // numbers; an adapted posture with this thread's workspace.
      const Posture posture = adapts_posture(task.posture, cs.subject)
                                  ? adapt_posture(*model, *tm.data, task.posture, *default_subject_data())
                                  : posture_at_stage(*model, task.posture, *default_subject_data(), cs.subject);
      const bool moving = posture.is_time_series();
      if (moving && !full) full = build_subject_model(*default_model_source(), *default_subject_data(), cs.subject);
      const Model& m = moving ? *full : *model;
      std::unique_ptr<Data> own;
      if (moving) own = std::make_unique<Data>(m);
      Data& data = moving ? *own : *tm.data;
      RecruitmentOptions ro = options.recruitment;
      if (!moving && warm[t].size()) ro.warm_start = &warm[t];
      const PostureResult r = analyze_posture(m, data, posture, ro);
      const FrameResult& f = r.frames[peak_l5s1_frame(r)];  // stands for the task
      const DiscLoad& l5 = f.disc.front();
      row.l5s1_compression_N = l5.compression_N;
      row.l5s1_shear_ap_N = l5.shear_ap_N;
      row.l5s1_shear_lateral_N = l5.shear_lateral_N;
      row.l5s1_risk = l5.factor_of_risk;
      for (const auto& d : f.disc)
        if (d.factor_of_risk > row.max_risk) {
          row.max_risk = d.factor_of_risk;
          row.max_risk_level = m.joints[d.joint].name;
        }
      row.extensor_demand = back_extensor_demand(m, r);
      const bool beyond = beyond_muscle_capacity(r);
      row.status = beyond ? "beyond" : "ok";
      if (beyond) row.reason = "reserve moments needed: beyond muscle capacity";
    } catch (const std::exception& e) {
      row.status = "failed";
      row.reason = e.what();
    }
    out.push_back(row);
  }
}

}  // namespace

// Rows as text, one a line, tab-separated, every number in the shortest form that reads back
// as the same double (fmt's default; from_chars reads it exactly): the chunk files of a
// resumable run and what MPI ranks send to rank 0. Formatted into one buffer and parsed over
// views: with 17 digits, a string per row and per field, a million rows took 1.5 s to write
// and 1.0 s to read; now 0.74 and 0.43 s (a timing loop, once).
std::string serialize_rows(const std::vector<CohortRow>& rows) {
  fmt::memory_buffer buf;
  std::string reason;
  for (const CohortRow& r : rows) {
    reason = r.reason;
    std::replace(reason.begin(), reason.end(), '\t', ' ');
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    fmt::format_to(std::back_inserter(buf), "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                   r.subject, r.task, r.status, r.l5s1_compression_N, r.l5s1_shear_ap_N, r.l5s1_shear_lateral_N,
                   r.l5s1_risk, r.max_risk, r.max_risk_level.empty() ? "-" : r.max_risk_level, r.extensor_demand,
                   r.infant_mass_kg, reason);
  }
  return fmt::to_string(buf);
}

namespace {

// A whole field as a number (no sign but '-', no space, nothing after it), or false.
template <typename T>
bool parse_number(std::string_view field, T& out) {
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

std::vector<CohortRow> parse_rows(const std::string& text, const std::string& file) {
  std::vector<CohortRow> rows;
  std::size_t start = 0;
  int line = 0;
  std::array<std::string_view, 12> f;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view l(text.data() + start, end - start);
    start = end + 1;
    ++line;
    if (l.empty()) continue;
    std::size_t p = 0;
    for (int k = 0; k < 11; ++k) {
      const std::size_t q = l.find('\t', p);
      if (q == std::string_view::npos) throw InputError(file, line, "row", "truncated row (an interrupted write?)");
      f[k] = l.substr(p, q - p);
      p = q + 1;
    }
    f[11] = l.substr(p);
    CohortRow r;
    const bool ok = parse_number(f[0], r.subject) && parse_number(f[1], r.task) &&
                    parse_number(f[3], r.l5s1_compression_N) && parse_number(f[4], r.l5s1_shear_ap_N) &&
                    parse_number(f[5], r.l5s1_shear_lateral_N) && parse_number(f[6], r.l5s1_risk) &&
                    parse_number(f[7], r.max_risk) && parse_number(f[9], r.extensor_demand) &&
                    parse_number(f[10], r.infant_mass_kg);
    if (!ok) throw InputError(file, line, "row", "not a cohort row");
    r.status = f[2];
    r.max_risk_level = f[8] == "-" ? "" : std::string(f[8]);
    r.reason = f[11];
    rows.push_back(std::move(r));
  }
  return rows;
}

void sort_rows(std::vector<CohortRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const CohortRow& a, const CohortRow& b) {
    return a.subject < b.subject || (a.subject == b.subject && a.task < b.task);
  });
}

void prepare_chunk_folder(const std::string& work_dir, const std::string& key, bool resume,
                          const std::string& cohort_file, bool write) {
  namespace fs = std::filesystem;
  const fs::path key_path = fs::path(work_dir) / "run.key";
  if (resume) {
    std::error_code ec;
    bool has_chunks = false;
    for (const auto& e : fs::directory_iterator(work_dir, ec))
      if (e.path().extension() == ".rows") has_chunks = true;
    const bool same = fs::is_regular_file(key_path) && yaml::read_text_file(key_path.string()) == key;
    if (has_chunks && !same)
      throw InputError(cohort_file, 0, "--resume",
                       fmt::format("the chunks in {} were made from another cohort file, solver or version; "
                                   "run without --resume to start again", work_dir));
  }
  if (!write) return;
  if (!resume) fs::remove_all(work_dir);
  fs::create_directories(work_dir);
  write_files_atomically(work_dir, {{"run.key", key}});
}

std::vector<CohortRow> run_cohort(const CohortSpec& spec, const CohortOptions& options,
                                  const std::function<void(long, long)>& progress) {
  const long first = std::max(0L, options.first);
  const long last = options.last < 0 ? spec.n : std::min(options.last, spec.n);
  const long chunks = (std::max(0L, last - first) + spec.chunk - 1) / spec.chunk;
  // This process's chunks, in order.
  std::vector<long> mine;
  for (long c = 0; c < chunks; ++c)
    if (c % std::max(1, options.ranks) == options.rank) mine.push_back(c);
  long total = 0;
  for (long c : mine) total += std::min(last, first + (c + 1) * spec.chunk) - (first + c * spec.chunk);
  std::vector<std::vector<CohortRow>> results(mine.size());
  const std::vector<Eigen::VectorXd> warm = reference_multipliers(spec, options);
  std::atomic<long> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::string first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    ThreadModels tm;
    for (long k; !failed && (k = next++) < static_cast<long>(mine.size());) {
      const long c = mine[static_cast<std::size_t>(k)];
      const long begin = first + c * spec.chunk, end = std::min(last, begin + spec.chunk);
      auto& out = results[static_cast<std::size_t>(k)];
      try {
        const std::string name = fmt::format("chunk_{}.rows", c);
        const std::string path = options.work_dir + "/" + name;
        if (!options.work_dir.empty() && std::filesystem::exists(path)) {
          out = parse_rows(yaml::read_text_file(path), path);  // done before the interruption
          done += end - begin;
          continue;
        }
        for (long i = begin; i < end; ++i) {
          run_subject(spec, options, warm, i, tm, out);
          ++done;
        }
        if (!options.work_dir.empty()) write_files_atomically(options.work_dir, {{name, serialize_rows(out)}});
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!failed.exchange(true)) first_error = e.what();
      }
    }
  };
  const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(std::max<std::size_t>(1, mine.size()))));
  std::vector<std::future<void>> pool;
  for (int t = 0; t < threads; ++t) pool.push_back(std::async(std::launch::async, worker));
  for (auto& f : pool) {
    while (f.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready)
      if (progress) progress(done.load(), total);
    f.get();
  }
  if (failed) throw std::runtime_error(first_error);
  if (progress) progress(done.load(), total);
  std::vector<CohortRow> rows;
  for (auto& r : results) rows.insert(rows.end(), r.begin(), r.end());
  return rows;
}

std::string cohort_csv_header(const CohortSpec&) {
  return "subject,height_m,pre_pregnancy_mass_kg,age_years,stage,week,breastfeeding,delivery,lumbar_bmd_g_cm2,"
         "trunk_strength_factor,infant_age_months,infant_sex,infant_percentile,infant_mass_kg,task,settings,status,"
         "L5_S1_compression_N,L5_S1_shear_ap_N,L5_S1_shear_lateral_N,L5_S1_factor_of_risk,max_factor_of_risk,"
         "max_risk_level,extensor_demand,reason\n";
}

namespace {

void append_csv_rows(const CohortSpec& spec, const CohortRow* begin, const CohortRow* end, std::string& s) {
  long cached = -1;
  CohortSubject cs;
  fmt::memory_buffer buf;
  for (const CohortRow* it = begin; it != end; ++it) {
    const CohortRow& r = *it;
    if (r.subject != cached) {
      cs = sample_cohort_subject(spec, r.subject);  // re-sampled: the same stream, the same values
      cached = r.subject;
    }
    const Subject& sj = cs.subject;
    std::string settings;
    for (const auto& x : cs.task_settings[static_cast<std::size_t>(r.task)]) settings += (settings.empty() ? "" : ";") + x;
    std::string reason = r.reason;
    std::replace(reason.begin(), reason.end(), '"', '\'');
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    std::replace(reason.begin(), reason.end(), '\t', ' ');  // as the chunk files keep it
    buf.clear();
    fmt::format_to(std::back_inserter(buf),
                   "{},{:.6g},{:.6g},{:.6g},{},{:.6g},{},{},{:.6g},{:.6g},{:.6g},{},{:.6g},{:.6g},{},\"{}\",{},{:.6g},{:.6g},"
                   "{:.6g},{:.6g},{:.6g},{},{:.6g},\"{}\"\n",
                   r.subject, sj.height_m, sj.pre_pregnancy_mass_kg, sj.age_years,
                   sj.stage == Stage::pregnant ? "pregnant" : "postpartum", sj.week, sj.breastfeeding ? 1 : 0,
                   sj.delivery == Delivery::caesarean ? "caesarean" : "vaginal", sj.lumbar_bmd_g_cm2,
                   sj.trunk_strength_factor, cs.infant_age_months, cs.infant_sex, cs.infant_percentile, r.infant_mass_kg,
                   spec.tasks[static_cast<std::size_t>(r.task)].name, settings, r.status, r.l5s1_compression_N,
                   r.l5s1_shear_ap_N, r.l5s1_shear_lateral_N, r.l5s1_risk, r.max_risk, r.max_risk_level,
                   r.extensor_demand, reason);
    s.append(buf.data(), buf.size());
  }
}

}  // namespace

std::string cohort_csv_rows(const CohortSpec& spec, const std::vector<CohortRow>& rows, int threads) {
  // Blocks of rows formatted in parallel and joined in order: the same text for any count.
  const std::size_t n = rows.size();
  const std::size_t blocks = std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), n));
  std::vector<std::string> parts(blocks);
  std::vector<std::future<void>> pool;
  for (std::size_t b = 0; b < blocks; ++b)
    pool.push_back(std::async(std::launch::async, [&, b] {
      append_csv_rows(spec, rows.data() + n * b / blocks, rows.data() + n * (b + 1) / blocks, parts[b]);
    }));
  for (auto& f : pool) f.get();
  std::size_t total = 0;
  for (const auto& p : parts) total += p.size();
  std::string s;
  s.reserve(total);
  for (const auto& p : parts) s += p;
  return s;
}

namespace {

// Percentile by linear interpolation between order statistics (type 7, as R and NumPy).
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p / 100;
  const std::size_t i = static_cast<std::size_t>(std::floor(h));
  return i + 1 < v.size() ? v[i] + (h - static_cast<double>(i)) * (v[i + 1] - v[i]) : v[i];
}

std::array<double, 5> quintuple(const std::vector<double>& v) {
  return {percentile(v, 5), percentile(v, 25), percentile(v, 50), percentile(v, 75), percentile(v, 95)};
}

}  // namespace

std::vector<CohortTaskSummary> summarize_cohort(const CohortSpec& spec, const std::vector<CohortRow>& rows) {
  std::vector<CohortTaskSummary> out;
  for (std::size_t t = 0; t < spec.tasks.size(); ++t) {
    CohortTaskSummary s;
    s.name = spec.tasks[t].name;
    s.base = spec.tasks[t].base;
    std::vector<double> c, ap, lat, risk;
    std::map<long, double> mine;
    long over_al = 0, over_mpl = 0;
    for (const CohortRow& r : rows) {
      if (r.task != static_cast<int>(t)) continue;
      if (r.status == "failed") {
        ++s.failed;
        continue;
      }
      (r.status == "ok" ? s.ok : s.beyond)++;
      c.push_back(r.l5s1_compression_N);
      ap.push_back(r.l5s1_shear_ap_N);
      lat.push_back(r.l5s1_shear_lateral_N);
      risk.push_back(r.l5s1_risk);
      over_al += r.l5s1_compression_N > kNioshActionLimit_N;
      over_mpl += r.l5s1_compression_N > kMaximumPermissibleLimit_N;
      mine[r.subject] = r.l5s1_compression_N;
    }
    const double analysed = static_cast<double>(s.ok + s.beyond);
    s.compression_N = quintuple(c);
    s.shear_ap_N = quintuple(ap);
    s.shear_lateral_N = quintuple(lat);
    s.risk = quintuple(risk);
    if (analysed > 0) {
      s.share_over_action_limit = over_al / analysed;
      s.share_over_maximum_permissible = over_mpl / analysed;
      s.share_beyond_capacity = s.beyond / analysed;
    }
    if (!s.base.empty()) {
      // Paired with the base task over the subjects both analysed.
      const auto base = std::find_if(spec.tasks.begin(), spec.tasks.end(), [&](const CohortTask& x) { return x.name == s.base; });
      const int b = static_cast<int>(base - spec.tasks.begin());
      double sum = 0;
      long n = 0, base_over = 0;
      for (const CohortRow& r : rows) {
        if (r.task != b || r.status == "failed") continue;
        const auto it = mine.find(r.subject);
        if (it == mine.end()) continue;
        sum += it->second - r.l5s1_compression_N;
        base_over += r.l5s1_compression_N > kNioshActionLimit_N;
        ++n;
      }
      if (n > 0) {
        s.mean_change_N = sum / static_cast<double>(n);
        s.share_over_action_limit_base = static_cast<double>(base_over) / static_cast<double>(n);
      }
    }
    out.push_back(s);
  }
  return out;
}

std::string format_cohort_summary(const CohortSpec& spec, const std::vector<CohortTaskSummary>& summary) {
  std::string s = fmt::format("cohort '{}': {} subjects, seed {}\n", spec.name, spec.n, spec.seed);
  for (const auto& t : summary) {
    s += fmt::format("  {}: {} analysed ({} beyond muscle capacity), {} failed\n", t.name, t.ok + t.beyond, t.beyond, t.failed);
    auto line = [&](const char* what, const std::array<double, 5>& v, const char* unit) {
      s += fmt::format("    {:<26} 5%: {:8.1f}  25%: {:8.1f}  50%: {:8.1f}  75%: {:8.1f}  95%: {:8.1f} {}\n", what, v[0], v[1],
                       v[2], v[3], v[4], unit);
    };
    line("L5/S1 compression", t.compression_N, "N");
    line("L5/S1 a-p shear", t.shear_ap_N, "N");
    line("L5/S1 lateral shear", t.shear_lateral_N, "N");
    s += fmt::format("    {:<26} 5%: {:8.3f}  25%: {:8.3f}  50%: {:8.3f}  75%: {:8.3f}  95%: {:8.3f}\n", "L5/S1 factor of risk",
                     t.risk[0], t.risk[1], t.risk[2], t.risk[3], t.risk[4]);
    s += fmt::format("    over the NIOSH action limit (3400 N): {:.1f}%; over the maximum permissible limit (6400 N): {:.1f}%; "
                     "beyond muscle capacity: {:.1f}%\n",
                     100 * t.share_over_action_limit, 100 * t.share_over_maximum_permissible, 100 * t.share_beyond_capacity);
    if (!t.base.empty())
      s += fmt::format("    against {}: L5/S1 compression {:+.1f} N on average (paired); over the action limit {:.1f}% -> {:.1f}%\n",
                       t.base, t.mean_change_N, 100 * t.share_over_action_limit_base, 100 * t.share_over_action_limit);
  }
  return s;
}

}  // namespace spineload
