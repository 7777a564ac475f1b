#!/usr/bin/env bash
# The README's run command: set up a fresh Debian 12 machine, build, and run the main job on the
# embedded default, the synthesized demo dataset: synthesize it, show it, train a small Table II
# model (kws12) on it and evaluate that checkpoint.
# TODO(#4, #5): start the studio when a display exists, else a headless demo search.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/build.sh
build_dir=${PERFNAS_BUILD_DIR:-build}
data_home=${XDG_DATA_HOME:-$HOME/.local/share}/perfnas
demo_dir=${PERFNAS_DEMO_DIR:-$data_home/demo-data}
checkpoint=$data_home/demo-kws12

perfnas="$build_dir/app/perfnas"
"$perfnas" demo-data --out "$demo_dir"
"$perfnas" dataset "$demo_dir"
"$perfnas" cost resources/examples/kws12.json
"$perfnas" train --data "$demo_dir" --spec resources/examples/kws12.json --out "$checkpoint" \
  --iterations 1500 --lr 3e-3
"$perfnas" evaluate --checkpoint "$checkpoint" --data "$demo_dir" --split testing
