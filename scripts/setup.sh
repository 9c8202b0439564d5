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
  libopenmpi-dev openmpi-bin  # cohorts across processes and machines (mpirun)
  libcpp-httplib-dev      # the HTTP server of spineload serve
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
