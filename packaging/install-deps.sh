#!/usr/bin/env bash
# Installs the exact Debian 12 packages PerfNAS Studio needs, by name. Idempotent: only missing
# packages are installed, and `apt-get update` runs only when something is missing.
#   install-deps.sh            build + run + test dependencies
#   install-deps.sh --bench    also the Python reference stack used by tests/benchmarks and fixtures
#   install-deps.sh --fuzz     also clang and libFuzzer for tests/fuzz (PERFNAS_FUZZ=ON)
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-pthread libopenblas-pthread-dev libssl-dev
  libkissfft-dev libsqlite3-dev libsndfile1-dev libsamplerate0-dev
  nlohmann-json3-dev libcli11-dev libssh-dev libespeak-ng-dev espeak-ng-data
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libonnx-dev
)
test_packages=(clang-format xvfb xauth desktop-file-utils appstream dpkg-dev slurmctld slurmd slurm-client munge openssh-server openssh-client)
bench_packages=(python3-torch python3-torchaudio python3-numpy python3-optuna espeak-ng sox)
fuzz_packages=(clang libclang-rt-14-dev)

wanted=("${build_packages[@]}" "${test_packages[@]}")
for option in "$@"; do
  case "$option" in
    --bench) wanted+=("${bench_packages[@]}") ;;
    --fuzz) wanted+=("${fuzz_packages[@]}") ;;
    *) echo "install-deps: unknown option $option (--bench, --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all ${#wanted[@]} packages already installed"
fi

# libtorch's matrix products go through libblas.so.3, which the alternatives system may point at
# the slow reference BLAS: select OpenBLAS explicitly.
arch_dir=/usr/lib/x86_64-linux-gnu
for lib in libblas.so.3 liblapack.so.3; do
  target="$arch_dir/openblas-pthread/$lib"
  if [[ -e "$target" ]]; then
    current=$(readlink -f "$arch_dir/$lib" || true)
    if [[ "$current" != "$(readlink -f "$target")" ]]; then
      update-alternatives --set "$lib-x86_64-linux-gnu" "$target" >/dev/null
      echo "install-deps: $lib -> OpenBLAS"
    fi
  fi
done
