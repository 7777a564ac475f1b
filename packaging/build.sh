#!/usr/bin/env bash
# Installs the Debian packages (idempotent), configures and builds PerfNAS Studio into ./build.
#   packaging/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $(id -u) -eq 0 ]]; then
  packaging/install-deps.sh
else
  sudo packaging/install-deps.sh
fi

build_dir=${PERFNAS_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build_dir" --parallel "$(nproc)"
