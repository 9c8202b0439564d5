#!/usr/bin/env bash
# Runs spineload's libFuzzer targets (fuzz/) from their seeds.
#   scripts/fuzz.sh [--seconds N | --runs N] [--build DIR] [--jobs N] [target ...]
# Targets: posture subject day cohort task_settings osim storage trc setup api (default: all).
# Needs the debug-sanitize build (cmake --preset debug-sanitize && cmake --build --preset fuzz).
# The corpus grows in DIR/fuzz-corpus/<target> and is kept between runs; a finding is
# written to DIR/fuzz-findings/ and the script exits non-zero. Prints each target's executions.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/debug-sanitize"
limit=(-max_total_time=30)
jobs=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(posture subject day cohort task_settings osim storage trc setup api)
shared="$root/../shared"

# Seeds: the project's own files of each kind, and OpenSim's where ../shared holds them
# (optional: without them the run starts from the project's seeds only).
seeds_of() {
  case "$1" in
    posture) echo "$root"/data/postures/*.yaml "$root"/examples/posture.yaml "$root"/examples/holding_infant_4kg.yaml "$root"/examples/bend_and_return.yaml ;;
    subject) echo "$root"/examples/subject*.yaml "$root"/examples/timeline_subject.yaml ;;
    day) echo "$root"/examples/day_*.yaml ;;
    cohort) echo "$root"/examples/cohort_*.yaml ;;
    task_settings) echo "$root"/fuzz/seeds/task_settings/* ;;
    osim) echo "$root"/tests/data/osim/*.osim; ls "$shared"/opensim-conformance/*.osim 2>/dev/null || true ;;
    storage) echo "$root"/fuzz/seeds/storage/*; ls "$shared"/opensim-conformance/*.mot "$shared"/opensim-conformance/std_arm26_InverseDynamics.sto 2>/dev/null || true ;;
    trc) echo "$root"/fuzz/seeds/trc/* ;;
    setup) echo "$root"/fuzz/seeds/setup/*; ls "$shared"/opensim-conformance/*Setup*.xml 2>/dev/null || true ;;
    api) echo "$root"/fuzz/seeds/api/* ;;
    *) echo "fuzz.sh: no such target '$1'" >&2; return 2 ;;
  esac
}

run_one() {
  local t="$1" bin="$build/fuzz/spineload_fuzz_$1"
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is not built (cmake --build --preset fuzz)" >&2; return 2; }
  local corpus="$build/fuzz-corpus/$t" seeds="$build/fuzz-seeds/$t" findings="$build/fuzz-findings"
  mkdir -p "$corpus" "$seeds" "$findings"
  rm -f "$seeds"/*
  cp $(seeds_of "$t") "$seeds"/
  local log="$build/fuzz-logs/$t.log" start=$SECONDS
  mkdir -p "$(dirname "$log")"
  # -timeout: a hang is an input that takes 10 s; -max_len 64 KiB: the API's request limit,
  # and long enough for a small model or motion; leaks are checked at exit (ASan).
  if ! "$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -seed=1 -print_final_stats=1 \
       -artifact_prefix="$findings/$t-" "$corpus" "$seeds" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz.sh: $t FAILED; the input is in $findings/ (log $log)" >&2
    return 1
  fi
  local runs
  runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "fuzz $t: ${runs:-?} executions in $((SECONDS - start)) s, no crash, leak or hang (corpus $(ls "$corpus" | wc -l) inputs)"
}

status=0
if [ "$jobs" -le 1 ]; then
  for t in "${targets[@]}"; do run_one "$t" || status=1; done
else
  pids=()
  for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
    run_one "$t" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
fi
exit $status
