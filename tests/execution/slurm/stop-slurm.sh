#!/usr/bin/env bash
# Stops what start-slurm.sh WORKDIR started, by the pids it recorded (never by name):
# cancels the remaining jobs, then SIGTERM, and SIGKILL after a deadline. A zombie counts as gone.
set -uo pipefail

work=${1:?usage: stop-slurm.sh WORKDIR}
[[ -f "$work/pids" ]] || { echo "stop-slurm: nothing started in $work"; exit 0; }
export PATH="$PATH:/usr/sbin:/sbin"
export SLURM_CONF="$work/slurm.conf"

alive() {
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' ') || return 1
  [[ -n "$stat" && "$stat" != Z* ]]
}

# Jobs first, so their steps end while slurmd still runs.
timeout 5 scancel --full --user "$(id -un)" >/dev/null 2>&1 || true

# Reverse start order: slurmd, slurmctld, munged.
mapfile -t entries < <(tac "$work/pids")
for entry in "${entries[@]}"; do
  read -r name pid <<<"$entry"
  alive "$pid" || continue
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 10))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if alive "$pid"; then
    echo "stop-slurm: $name (pid $pid) ignored SIGTERM; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -f "$work/pids"
echo "stop-slurm: stopped"
