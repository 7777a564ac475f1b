#!/usr/bin/env bash
# Training throughput, perfnas::Trainer vs the same network and loop in PyTorch 1.13
# (train_torch.py), on the same training MFCCs. Builds nothing.
#
#   tests/benchmarks/run_train_benchmark.sh BUILD_DIR [ROUNDS] [DATA_DIR]
#
# BUILD_DIR holds tests/benchmarks/train_benchmark; ROUNDS defaults to 3; DATA_DIR is a Speech
# Commands folder (default ../shared/data/speech_commands_subset beside the repository).
# train_benchmark dumps the normalized training MFCCs once; then each round runs both sides for the
# paper seed (60 timed iterations, SEED_ITERATIONS to change) and kws12 (400), at 1 and 2 threads,
# per ISA path (ISAS) and step plan (PLANS), alternating which side goes first, because timings on
# shared machines drift by 20-40% over minutes. Both sides train on cached MFCCs. Python runs twice:
# as is, and with glibc malloc keeping freed memory as ours does. train_table.py prints the medians.
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

# ISA paths: the CPU's own (its widest) and oneDNN capped at AVX2 (ISAS="default avx2" by default;
# oneDNN names such as avx512_core also work). Both sides see the same cap. Ours runs every step
# plan: "auto" is the product's path (calibrated, core/training/StepCalibration.h), the fixed plans
# show what it chose from.
isas="${ISAS:-default avx2}"
plans="${PLANS:-auto,nhwc-fused,nhwc-library,nchw-library}"
export OPENBLAS_NUM_THREADS=1
tag() { sed "s/^{/{\"path\": \"$1\", /"; }
for isa in ${isas}; do
    if [[ "${isa}" == default ]]; then
        isa_env=(env -u ONEDNN_MAX_CPU_ISA -u DNNL_MAX_CPU_ISA)
        peak_isa=best
    else
        isa_env=(env "ONEDNN_MAX_CPU_ISA=${isa^^}" "DNNL_MAX_CPU_ISA=${isa^^}")
        peak_isa=$([[ "${isa}" == avx2* ]] && echo avx2 || echo best)
    fi
    # This CPU's measured FMA peak on the path, for the seed's GFLOP/s share (x86-64 only).
    if [[ -x "${build}/tests/benchmarks/cpu_peak" ]]; then
        "${build}/tests/benchmarks/cpu_peak" --threads 1,2 --isa "${peak_isa}" | tag "${isa}" >>"${results}"
    fi
    run_ours() {  # spec iterations warmup
        "${isa_env[@]}" "${bench}" --data "${data}" --spec "$1" --iterations "$2" --warmup "$3" --threads 1,2 \
            --plans "${plans}" | tag "${isa}" >>"${results}"
    }
    run_torch() {
        "${isa_env[@]}" "${python}" "${here}/train_torch.py" --spec "$1" --features "${work}/train.bin" \
            --iterations "$2" --warmup "$3" --threads 1,2 | tag "${isa}" >>"${results}"
        # Again with glibc malloc keeping freed memory, as configureComputeRuntime() sets it for
        # ours, to show how much of the difference is the allocator.
        "${isa_env[@]}" GLIBC_TUNABLES=glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456 \
            "${python}" "${here}/train_torch.py" --spec "$1" --features "${work}/train.bin" --iterations "$2" \
            --warmup "$3" --threads 1,2 | sed 's/"side": "torch"/"side": "torch-malloc"/' | tag "${isa}" >>"${results}"
    }
    for ((round = 1; round <= rounds; ++round)); do
        echo "--- ${isa}: round ${round}/${rounds}" >&2
        for model in "${seed} ${SEED_ITERATIONS:-60} 5" "${kws12} 400 20"; do
            read -r spec iterations warmup <<<"${model}"
            if ((round % 2)); then
                run_ours "${spec}" "${iterations}" "${warmup}"; run_torch "${spec}" "${iterations}" "${warmup}"
            else
                run_torch "${spec}" "${iterations}" "${warmup}"; run_ours "${spec}" "${iterations}" "${warmup}"
            fi
        done
    done
done

# Medians per (ISA path, side and plan, spec, threads); the seed's FLOP rate from `perfnas cost`
# (613.184 MFPOPS forward per sample; training ~ 3x forward: forward, input- and weight-gradients).
"${python}" "${here}/train_table.py" "${results}" "${rounds}" "${data}"

# Training beside a busy core (kws12, 1 and 2 threads, idle and with one core spinning), per
# OpenMP wait setting; the goal: with a busy core >= 0.8x one thread on the idle machine.
"${bench}" --busy-core-study --data "${data}" --rounds "${rounds}" --iterations 200
