#!/usr/bin/env bash
# The README's test command: set up a fresh Debian 12 machine, build, run every ctest suite.
#   packaging/run-tests.sh [ctest arguments, e.g. -L dataset or -LE slow]
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/build.sh
build_dir=${PERFNAS_BUILD_DIR:-build}
# Tests must not depend on (or pollute) the user's feature cache.
export PERFNAS_CACHE_DIR="$PWD/$build_dir/test-feature-cache"
cd "$build_dir"
ctest --output-on-failure --timeout 900 "$@"
