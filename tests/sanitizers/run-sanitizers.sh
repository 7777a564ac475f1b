#!/usr/bin/env bash
# Sanitizer runs, outside the default ctest run (too slow for CI's 90 minutes on 2 cores):
#   tests/sanitizers/run-sanitizers.sh [address|thread|all]      (default: all)
# address: build-asan (PERFNAS_SANITIZE=address): the core tests under ASan + UBSan.
# thread:  build-tsan (PERFNAS_SANITIZE=thread): the runner, store and executor tests under TSan,
#          plus ExperimentSessionTest when PERFNAS_SANITIZE_GUI=ON.
# Any sanitizer report fails the test it appears in. PERFNAS_JOBS sets ninja's -j (default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
here="$PWD/tests/sanitizers"
jobs=${PERFNAS_JOBS:-1}
what=${1:-all}

core_tests=(ArchitectureSpecTest AudioDecoderTest AugmenterTest BatchNormReluTest CliTest DatasetLoaderTest DemoDataSynthesizerTest
  ExperimentConfigTest ExperimentReportTest ExperimentRunnerTest ExperimentStoreTest LatencyBenchmarkTest
  MfccExtractorTest ParameterSpaceTest ParetoTest RefinementTest SamplerTest SearchCliTest SearchSpaceTest
  SplitAssignerTest SubprocessExecutorTest TrainerTest)
thread_tests=(ExperimentRunnerTest ExperimentStoreTest SubprocessExecutorTest)

# build DIR SANITIZER GUI TESTS...: configure, build the tests and the CLI (workers and CLI tests
# run it, instrumented too), run them; the sanitizer options reach the child processes.
build_and_test() {
  local dir=$1 sanitizer=$2 gui=$3
  shift 3
  local started=$SECONDS
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPERFNAS_BUILD_GUI="$gui" \
    -DPERFNAS_SANITIZE="$sanitizer" >/dev/null
  ninja -C "$dir" -j "$jobs" perfnas "$@"
  echo "run-sanitizers: $sanitizer build took $((SECONDS - started)) s"
  started=$SECONDS
  local pattern
  pattern="^($(IFS='|'; echo "$*"))\$"
  (
    export PERFNAS_CACHE_DIR="$PWD/$dir/test-feature-cache" QT_QPA_PLATFORM=offscreen
    cd "$dir" && ctest --output-on-failure --timeout 1800 -R "$pattern"
  )
  echo "run-sanitizers: $sanitizer tests took $((SECONDS - started)) s"
}

# suppressions KIND: the option for tests/sanitizers/KIND.supp when that file exists (third-party
# reports only, each with the reason in the file).
suppressions() { [[ -f "$here/$1.supp" ]] && echo ":suppressions=$here/$1.supp" || true; }

status=0
if [[ "$what" == address || "$what" == all ]]; then
  export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
  export LSAN_OPTIONS="print_suppressions=0$(suppressions lsan)"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1$(suppressions ubsan)"
  build_and_test build-asan address OFF "${core_tests[@]}" || status=1
fi
if [[ "$what" == thread || "$what" == all ]]; then
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1$(suppressions tsan)"
  # libtorch's OpenMP runtime (libgomp) is not instrumented; its thread team synchronizes in ways
  # TSan cannot see. One OpenMP thread keeps those false reports out; our own threads still run.
  export OMP_NUM_THREADS=1
  gui=${PERFNAS_SANITIZE_GUI:-OFF}
  tests=("${thread_tests[@]}")
  [[ "$gui" == ON ]] && tests+=(ExperimentSessionTest)
  build_and_test build-tsan thread "$gui" "${tests[@]}" || status=1
fi
exit $status
