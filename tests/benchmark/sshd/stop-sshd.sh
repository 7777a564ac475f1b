#!/usr/bin/env bash
# Stops the sshd that start-sshd.sh WORKDIR started, by its recorded pid (never by name):
# SIGTERM, then SIGKILL after a deadline. A zombie counts as gone.
set -uo pipefail

work=${1:?usage: stop-sshd.sh WORKDIR}
[[ -f "$work/sshd.daemon-pid" ]] || { echo "stop-sshd: nothing started in $work"; exit 0; }
pid=$(cat "$work/sshd.daemon-pid")

alive() {
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' ') || return 1
  [[ -n "$stat" && "$stat" != Z* ]]
}

if alive "$pid"; then
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 10))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if alive "$pid"; then
    echo "stop-sshd: sshd (pid $pid) ignored SIGTERM; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi
rm -f "$work/sshd.daemon-pid"
echo "stop-sshd: stopped"
