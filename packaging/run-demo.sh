#!/usr/bin/env bash
# The README's run command: set up a fresh Debian 12 machine, build, and run the main job on the
# embedded default, the synthesized demo dataset.
# TODO(#4, #5): start the studio when a display exists, else a headless demo search.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/build.sh
build_dir=${PERFNAS_BUILD_DIR:-build}
demo_dir=${PERFNAS_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/perfnas/demo-data}

"$build_dir/app/perfnas" demo-data --out "$demo_dir"
"$build_dir/app/perfnas" dataset "$demo_dir" --silence --unknown
