#!/usr/bin/env bash
# Search quality: hypervolume after 25, 50 and 100 trials for our random and TPE samplers and for
# Optuna's MOTPE, on the same real objective (short training on the cached MFCCs of DATA_DIR; see
# SearchBenchmark.cpp), 5 seeds each, medians side by side. Builds nothing.
#
#   tests/benchmarks/run_search_benchmark.sh BUILD_DIR [DATA_DIR] [SEEDS] [TRIALS]
#
# BUILD_DIR holds app/perfnas and tests/benchmarks/search_benchmark. DATA_DIR defaults to
# ../shared/data/speech_commands_subset beside the repository. Needs python3-optuna
# (packaging/install-deps.sh --bench). About an hour on two cores for 5 seeds x 100 trials.
# SAMPLERS (default random,tpe) names our side's samplers, variants included (SearchBenchmark.cpp).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:?usage: run_search_benchmark.sh BUILD_DIR [DATA_DIR] [SEEDS] [TRIALS]}" && pwd)"
data="${2:-${here}/../../../shared/data/speech_commands_subset}"
seeds="${3:-5}"
trials="${4:-100}"
python="${PYTHON:-/usr/bin/python3}"
bench="${build}/tests/benchmarks/search_benchmark"
[[ -x "${bench}" ]] || { echo "no ${bench}: build the search_benchmark target first" >&2; exit 2; }
[[ -d "${data}" ]] || { echo "no dataset folder ${data}" >&2; exit 2; }
out="${SEARCH_BENCHMARK_OUT:-$(mktemp -d)}"
mkdir -p "${out}"
export PERFNAS_CACHE_DIR="${out}/feature-cache"
echo "results in ${out}" >&2
"${bench}" config --out "${out}"
"${bench}" run --data "${data}" --out "${out}" --seeds "${seeds}" --trials "${trials}" --workers 2 \
    --samplers "${SAMPLERS:-random,tpe}"
"${python}" "${here}/search_optuna.py" --perfnas "${build}/app/perfnas" --data "${data}" --out "${out}" \
    --seeds "${seeds}" --trials "${trials}" --workers 2
"${bench}" report --out "${out}" --at "25,50,${trials}"
