#!/usr/bin/env bash
# Every test, as CI runs it (.ci/run): installs what is missing, then
#   1. the release build and its suite (unit, end-to-end, conformance, viewer), the Python
#      module's pytest suite among them, its own report printed after;
#   2. the same suite built by clang with AddressSanitizer and UndefinedBehaviorSanitizer
#      (any report fails the run), and each parser's libFuzzer target for a short run
#      (SPINELOAD_FUZZ_SECONDS, 20 s each; docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release
cmake --build --preset release -j 2
ctest --preset release -j 2 -E '^python\.pytest$'
# `import spineload`: pytest's own report (the same suite `ctest` runs as python.pytest).
ctest --preset release -R '^python\.pytest$' -V | grep -E '%\]| passed| failed| error'
cmake --preset debug-sanitize
cmake --build --preset debug-sanitize -j 2
ctest --preset debug-sanitize -j 2
