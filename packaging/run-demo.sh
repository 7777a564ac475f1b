#!/usr/bin/env bash
# The README's run command: set up a fresh Debian 12 machine, build, and run the main job on the
# embedded default, the synthesized demo dataset: synthesize it, then the method end to end with
# small budgets (resources/examples/demo-experiment.json): search (rungs, 3.5 minutes), freeze the
# best-shared suggestion, search the reduced space (refinement, 3.5 minutes), fine-tune the Pareto
# models, status.
# Re-running resumes the same experiment file and skips what is done. With a display (and
# PERFNAS_HEADLESS unset), it opens the studio on the demo experiment instead.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/build.sh
build_dir=${PERFNAS_BUILD_DIR:-build}
data_home=${XDG_DATA_HOME:-$HOME/.local/share}/perfnas
demo_dir=${PERFNAS_DEMO_DIR:-$data_home/demo-data}
experiment=$data_home/demo.sqlite

perfnas="$build_dir/app/perfnas"
studio="$build_dir/app/studio/perfnas-studio"
if [[ -z "${PERFNAS_HEADLESS:-}" && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) && -x "$studio" ]]; then
  exec "$studio" --demo
fi
[[ -f "$demo_dir/validation_list.txt" ]] || "$perfnas" demo-data --out "$demo_dir"
"$perfnas" dataset "$demo_dir"
"$perfnas" search --config resources/examples/demo-experiment.json --data "$demo_dir" --db "$experiment"
# Refine once: freeze the suggestions most Pareto models share (if the frontier agrees on any).
if [[ "$("$perfnas" status --db "$experiment" --json | grep -c '"kind": "refinement"')" == 0 ]]; then
  "$perfnas" freeze --db "$experiment" --auto --min-share 0.6 && \
    "$perfnas" search --db "$experiment"
fi
"$perfnas" finetune --db "$experiment"
"$perfnas" status --db "$experiment"
