#!/usr/bin/env bash
# Training throughput, perfnas::Trainer vs the same network and loop in PyTorch 1.13
# (train_torch.py), on the same training MFCCs. Builds nothing.
#
#   tests/benchmarks/run_train_benchmark.sh BUILD_DIR [ROUNDS] [DATA_DIR]
#
# BUILD_DIR holds tests/benchmarks/train_benchmark; ROUNDS defaults to 3; DATA_DIR is a Speech
# Commands folder (default ../shared/data/speech_commands_subset beside the repository).
# train_benchmark dumps the normalized training MFCCs once; then each round runs both sides for the
# paper seed (60 timed iterations) and kws12 (400), at 1 and 2 threads, alternating which side goes
# first, because timings on shared machines drift by 20-40% over minutes. Ours is timed with
# augmentation off (cached MFCCs, like the Python side) and, as an extra column, on (waveform
# augmentation and MFCC per sample on the prefetch thread). Python runs twice: as is, and with glibc
# malloc keeping freed memory as ours does. The table quotes medians over rounds.
# Last, the busy-core study (train_benchmark --busy-core-study, BusyCoreStudy.h).
# Measure on an otherwise idle machine. Python: /usr/bin/python3 (Debian's python3-torch), or $PYTHON.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run_train_benchmark.sh BUILD_DIR [ROUNDS] [DATA_DIR]}"
rounds="${2:-3}"
data="${3:-${here}/../../../shared/data/speech_commands_subset}"
python="${PYTHON:-/usr/bin/python3}"
bench="${build}/tests/benchmarks/train_benchmark"
[[ -x "${bench}" ]] || { echo "no ${bench}: build the train_benchmark target first" >&2; exit 2; }
[[ -d "${data}" ]] || { echo "no dataset folder ${data}" >&2; exit 2; }
data="$(cd "${data}" && pwd)"
seed="${here}/../../resources/seeds/paper-seed.json"
kws12="${here}/../../resources/examples/kws12.json"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
"${bench}" --data "${data}" --dump "${work}/train.bin" --no-time
results="${work}/results.jsonl"
# This CPU's measured FMA peak, for the seed's GFLOP/s share (cpu_peak is built on x86-64 only).
if [[ -x "${build}/tests/benchmarks/cpu_peak" ]]; then "${build}/tests/benchmarks/cpu_peak" --threads 1,2 >>"${results}"; fi

export OPENBLAS_NUM_THREADS=1
run_ours() {  # spec iterations warmup
    "${bench}" --data "${data}" --spec "$1" --iterations "$2" --warmup "$3" --threads 1,2 --augment off,on \
        >>"${results}"
}
run_torch() {
    "${python}" "${here}/train_torch.py" --spec "$1" --features "${work}/train.bin" --iterations "$2" \
        --warmup "$3" --threads 1,2 >>"${results}"
    # Again with glibc malloc keeping freed memory, as configureComputeRuntime() sets it for ours,
    # to show how much of the difference is the allocator and how much the fused batch-norm + ReLU.
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456 \
        "${python}" "${here}/train_torch.py" --spec "$1" --features "${work}/train.bin" --iterations "$2" \
        --warmup "$3" --threads 1,2 | sed 's/"side": "torch"/"side": "torch-malloc"/' >>"${results}"
}
for ((round = 1; round <= rounds; ++round)); do
    echo "--- round ${round}/${rounds}" >&2
    for model in "${seed} 60 5" "${kws12} 400 20"; do
        read -r spec iterations warmup <<<"${model}"
        if ((round % 2)); then
            run_ours "${spec}" "${iterations}" "${warmup}"; run_torch "${spec}" "${iterations}" "${warmup}"
        else
            run_torch "${spec}" "${iterations}" "${warmup}"; run_ours "${spec}" "${iterations}" "${warmup}"
        fi
    done
done

# Medians per (side, spec, threads, augmentation); the seed's FLOP rate from `perfnas cost`
# (613.184 MFPOPS forward per sample; training ~ 3x forward: forward, input- and weight-gradients).
"${python}" - "${results}" "${rounds}" "${data}" <<'EOF'
import json, statistics, sys
from collections import defaultdict
samples = defaultdict(list)
peak = {}
for line in open(sys.argv[1]):
    row = json.loads(line)
    if row["side"] == "peak":
        peak[row["threads"]] = (row["gflops"], row["isa"])
        continue
    samples[(row["side"], row["spec"], row["threads"], row.get("augment", False))].append(row["samples_per_s"])
median = {k: statistics.median(v) for k, v in samples.items()}
spread = {k: f"{min(v):.0f}-{max(v):.0f}" for k, v in samples.items()}
print(f"\nTraining throughput, samples/s (batch 25), median of {sys.argv[2]} rounds; {sys.argv[3]}")
print("Python: same network and loop in PyTorch, random batches of the same normalized training MFCCs")
header = (f"{'spec':>10} {'thr':>3} | {'ours':>7} {'(range)':>11} | {'Python':>7} {'(range)':>11} | {'ratio':>6} | "
          f"{'Py, malloc kept':>15} {'ratio':>6} | {'ours, augment on':>16}")
print(header)
print("-" * len(header))
for spec in ("paper-seed", "kws12"):
    for threads in (1, 2):
        ours, torch, augmented = ("ours", spec, threads, False), ("torch", spec, threads, False), ("ours", spec, threads, True)
        kept = ("torch-malloc", spec, threads, False)
        if ours not in median or torch not in median:
            continue
        kept_rate = median.get(kept, float("nan"))
        print(f"{spec:>10} {threads:>3} | {median[ours]:7.1f} {spread[ours]:>11} | {median[torch]:7.1f} "
              f"{spread[torch]:>11} | {median[ours] / median[torch]:5.2f}x | {kept_rate:15.1f} "
              f"{median[ours] / kept_rate:5.2f}x | {median.get(augmented, float('nan')):16.1f}")
forward_fpops = 613.184e6
print("\npaper-seed achieved GFLOP/s = 3 x 613.184 MFPOPS x samples/s; peak = cpu_peak's measured FMA throughput")
for threads in (1, 2):
    for side in ("ours", "torch"):
        key = (side, "paper-seed", threads, False)
        if key in median:
            gflops = 3 * forward_fpops * median[key] / 1e9
            share = (f"= {100 * gflops / peak[threads][0]:4.1f}% of {peak[threads][0]:.0f} ({peak[threads][1]} FMA peak)"
                     if threads in peak else "(peak not measured)")
            print(f"  {side:>5} {threads}T: {gflops:6.1f} GFLOP/s {share}")
EOF

# Training beside a busy core (kws12, 1 and 2 threads, idle and with one core spinning), per
# OpenMP wait setting; the goal: with a busy core >= 0.8x one thread on the idle machine.
"${bench}" --busy-core-study --data "${data}" --rounds "${rounds}" --iterations 200
