#!/usr/bin/env bash
# The README's screenshots, taken under Xvfb from a real experiment file: the search view (live
# frontier, trial table), the refinement panel, and the analysis views (parameter importance,
# hypervolume over time).
#   packaging/take-screenshots.sh [EXP.sqlite] [BUILD_DIR]
# EXP.sqlite defaults to the experiment packaging/run-demo.sh leaves behind.
set -euo pipefail
cd "$(dirname "$0")/.."
experiment=${1:-${XDG_DATA_HOME:-$HOME/.local/share}/perfnas/demo.sqlite}
build_dir=${2:-${PERFNAS_BUILD_DIR:-build}}
studio="$build_dir/app/studio/perfnas-studio"
[[ -f "$experiment" ]] || { echo "no experiment file $experiment (run packaging/run-demo.sh first)" >&2; exit 2; }
[[ -x "$studio" ]] || { echo "no $studio: build the studio first" >&2; exit 2; }
mkdir -p docs
# A copy: the studio must not touch the experiment (nor its recent-files list) while it is shown.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$experiment" "$work/experiment.sqlite"
# Checkpoint paths are stored relative to the file: let the copy see the originals (read-only use).
checkpoints="$(cd "$(dirname "$experiment")" && pwd)/$(basename "$experiment" .sqlite)-checkpoints"
[[ -d "$checkpoints" ]] && ln -s "$checkpoints" "$work/$(basename "$checkpoints")"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
# The trial panel shows the most accurate frontier model other than the seed (SELECT overrides).
select=${SELECT:-$("$build_dir/app/perfnas" status --db "$work/experiment.sqlite" --json | python3 -c '
import json, sys
status = json.load(sys.stdin)
trials = {t["id"]: t for t in status["trials"]}
models = [trials[i] for i in status["frontier"] if i != status["seed"]["trial"]]
print(max(models, key=lambda t: t["top1"])["id"] if models else 0)')}
shoot() {  # output panel
  xvfb-run --auto-servernum --server-args="-screen 0 1600x1000x24" \
    "$studio" "$work/experiment.sqlite" --screenshot "$1" --screenshot-delay 3000 --panel "$2" \
    --select "$select"
}
shoot docs/screenshot.png trial
shoot docs/screenshot-refinement.png refinement
shoot docs/screenshot-analysis.png importance,progress
echo "wrote docs/screenshot.png, docs/screenshot-refinement.png and docs/screenshot-analysis.png from $experiment"
