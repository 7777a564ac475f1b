#!/usr/bin/env bash
# MFCC throughput, perfnas::MfccExtractor vs torchaudio 0.13, on identical clips. Builds nothing.
#
#   tests/benchmarks/run_mfcc_benchmark.sh BUILD_DIR [DATA_DIR] [ROUNDS] [CLIPS]
#
# BUILD_DIR holds tests/benchmarks/mfcc_benchmark; DATA_DIR is a Speech Commands folder (default:
# ../shared/data/speech_commands_subset beside the repository if present, else synthetic clips);
# ROUNDS defaults to 3, CLIPS to 2000. mfcc_benchmark dumps the clips once; then each round runs
# both sides, alternating which goes first, because timings on shared machines drift by 20-40%
# over minutes. The table quotes medians over rounds; torchaudio's figure per thread count is its
# best strategy (per clip, whole batch, or chunks) by median. Python: /usr/bin/python3 (Debian's
# python3-torch and python3-torchaudio), or $PYTHON.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run_mfcc_benchmark.sh BUILD_DIR [DATA_DIR] [ROUNDS] [CLIPS]}"
data="${2:-}"
rounds="${3:-3}"
clips="${4:-2000}"
python="${PYTHON:-/usr/bin/python3}"
bench="${build}/tests/benchmarks/mfcc_benchmark"
[[ -x "${bench}" ]] || { echo "no ${bench}: build the mfcc_benchmark target first" >&2; exit 2; }
if [[ -z "${data}" && -d "${here}/../../../shared/data/speech_commands_subset" ]]; then
    data="$(cd "${here}/../../../shared/data/speech_commands_subset" && pwd)"
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
source_args=(--clips "${clips}")
[[ -n "${data}" ]] && source_args+=(--data "${data}")
"${bench}" "${source_args[@]}" --dump "${work}/clips.f32" --no-time

export OPENBLAS_NUM_THREADS=1
results="${work}/results.txt"
run_ours() { "${bench}" "${source_args[@]}" --threads 1,2 | tee /dev/stderr | grep '^RESULT' >>"${results}"; }
run_torch() {
    "${python}" "${here}/mfcc_torchaudio.py" --clips "${work}/clips.f32" --threads 1,2 |
        tee /dev/stderr | grep '^RESULT' >>"${results}"
}
for ((round = 1; round <= rounds; ++round)); do
    echo "--- round ${round}/${rounds}" >&2
    if ((round % 2)); then run_ours; run_torch; else run_torch; run_ours; fi
done 2> >(grep -v '^RESULT' >&2)

# Medians per (side, threads, strategy), best torchaudio strategy, side-by-side table.
"${python}" - "${results}" "${rounds}" "${data:-synthetic}" <<'EOF'
import statistics, sys
from collections import defaultdict
samples = defaultdict(list)
for line in open(sys.argv[1]):
    fields = dict(f.split("=", 1) for f in line.split()[2:])
    side = line.split()[1]
    key = (side, int(fields["threads"]), fields.get("strategy", "parallelFor"))
    samples[key].append(float(fields["clips_per_s"]))
median = {k: statistics.median(v) for k, v in samples.items()}
print(f"\nMFCC throughput, clips/s, median of {sys.argv[2]} rounds ({sys.argv[3]})")
print(f"{'threads':>7} | {'ours':>8} | {'torchaudio best':>24} | {'ours/torchaudio':>15}")
for threads in (1, 2):
    ours = median[("ours", threads, "parallelFor")]
    torch = {s: v for (side, t, s), v in median.items() if side == "torchaudio" and t == threads}
    best = max(torch, key=torch.get)
    print(f"{threads:>7} | {ours:8.0f} | {torch[best]:8.0f} ({best:>13}) | {ours / torch[best]:14.2f}x")
print("\nall medians:")
for (side, threads, strategy), value in sorted(median.items()):
    spread = samples[(side, threads, strategy)]
    print(f"  {side:>10} {threads}T {strategy:>11}: {value:8.0f}  "
          f"(min {min(spread):.0f}, max {max(spread):.0f})")
EOF
