#!/usr/bin/env bash
# Installs every Debian 12 package spineload needs to build, test and benchmark.
# Run as root (or with sudo) on a fresh machine; safe to run again.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsimbody-dev          # multibody kinematics and dynamics (Simbody 3.7)
  libeigen3-dev           # linear algebra
  coinor-libipopt-dev     # reference optimiser for static optimisation
  libyaml-cpp-dev         # model, posture and subject files
  nlohmann-json3-dev      # JSON results
  libcli11-dev            # command line
  libfmt-dev              # formatting
  libgtest-dev libgmock-dev  # tests
  libbenchmark-dev        # benchmarks
  libtinyxml2-dev         # OpenSim model and setup files (XML, with line numbers)
  libmuparser-dev         # expressions in OpenSim's ExpressionBasedCoordinateForce
  libopenmpi-dev openmpi-bin  # cohorts across processes and machines (mpirun)
  libcpp-httplib-dev      # the HTTP server of spineload serve
  wrk                     # load test of spineload serve (docs/serve.md)
  clang libclang-rt-14-dev llvm-14  # the sanitizer build and libFuzzer targets (debug-sanitize preset)
  python3-dev pybind11-dev python3-numpy python3-pandas python3-pytest python3-matplotlib  # import spineload
  python3-venv python3-pip python3-wheel  # pip install . (offline, with Debian's setuptools)
)
# Only for the viewer's browser tests (Playwright drives Debian's chromium): where they
# cannot be installed, setup goes on and those tests skip, saying why.
OPTIONAL=(chromium chromium-driver)
# Node.js and npm build the viewer page (web/): the machine's own, or Debian's if absent.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
optional=()
for p in "${OPTIONAL[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || optional+=("$p")
done
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ] || [ "${#optional[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
fi
if [ "${#missing[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "${#optional[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${optional[@]}" ||
    echo "setup.sh: could not install ${optional[*]}; the browser tests (web.viewer_e2e) will be skipped" >&2
fi

# The viewer's npm packages (vite, three.js, Chart.js, playwright-core), exactly as
# web/package-lock.json pins them. vite 8 needs Node.js 20.19 or later.
node_version=$(node -p 'process.versions.node')
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || {
  echo "setup.sh: Node.js ${node_version} is too old for the viewer's build (vite needs 20.19+);" >&2
  echo "          configure with -DSPINELOAD_VIEWER=OFF to build without the page." >&2
  exit 1
}
cd "$(dirname "$0")/../web"
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.spineload-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.spineload-lock
fi
