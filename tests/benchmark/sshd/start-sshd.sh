#!/usr/bin/env bash
# Brings up an OpenSSH server on 127.0.0.1 without systemd, as the board of the `ssh` tests:
#   start-sshd.sh WORKDIR     every file under WORKDIR; only this sshd is stopped by stop-sshd.sh
# WORKDIR gets: port, user, client_key (authorized), other_key (not authorized), known_hosts (the
# real host key for [127.0.0.1]:PORT), wrong_known_hosts (another key for it), sshd.pid, sshd.log.
# Pitfalls this handles: a taken port (free ports are picked first), sshd's need for an absolute
# path and /run/sshd as root, and every wait has a deadline.
set -euo pipefail

work=${1:?usage: start-sshd.sh WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
sshd=/usr/sbin/sshd

fail() {
  echo "start-sshd: $*" >&2
  [[ -s "$work/sshd.log" ]] && { echo "--- $work/sshd.log (tail)" >&2; tail -n 15 "$work/sshd.log" >&2; }
  "$here/stop-sshd.sh" "$work" >/dev/null 2>&1 || true
  exit 1
}

for tool in "$sshd" ssh-keygen ss; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "start-sshd: missing $tool: install the Debian packages openssh-server openssh-client iproute2" \
           "(packaging/install-deps.sh does)" >&2; exit 1; }
done

[[ -f "$work/sshd.pid" ]] && "$here/stop-sshd.sh" "$work" >/dev/null 2>&1 || true
rm -rf "$work"
mkdir -p "$work"
chmod 700 "$work"
work=$(cd "$work" && pwd)  # sshd_config wants absolute paths
user=$(id -un)

# sshd as root wants its privilege-separation folder (normally made by the service unit).
if [[ $(id -u) == 0 && ! -d /run/sshd ]]; then
  mkdir -p /run/sshd && chmod 755 /run/sshd
fi

port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
port=$((30000 + ($(id -u) % 100) * 100 + RANDOM % 90))
until port_free "$port"; do
  port=$((port + 1))
  ((port < 65000)) || fail "no free TCP port found"
done

keygen() { ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$work/$1" </dev/null >/dev/null || fail "ssh-keygen $1 failed"; }
keygen host_key "perfnas-test-host"
keygen other_host_key "perfnas-test-other-host"
keygen client_key "perfnas-test-client"
keygen other_key "perfnas-test-unauthorized"
cp "$work/client_key.pub" "$work/authorized_keys"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/other_host_key.pub")" >"$work/wrong_known_hosts"
echo "$port" >"$work/port"
echo "$user" >"$work/user"

cat >"$work/sshd_config" <<CONF
# Written by start-sshd.sh for the perfnas ssh tests: loopback only, keys only.
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
AllowUsers $user
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The work folder lives in a build tree whose permissions sshd would otherwise reject.
StrictModes no
Subsystem sftp internal-sftp
LogLevel VERBOSE
MaxStartups 30
CONF

"$sshd" -t -f "$work/sshd_config" 2>"$work/sshd.log" || fail "sshd -t rejected the config"
setsid "$sshd" -D -f "$work/sshd_config" -E "$work/sshd.log" </dev/null >/dev/null 2>&1 &
pid=$!
echo "$pid" >"$work/sshd.daemon-pid"

deadline=$((SECONDS + 10))
until ! port_free "$port"; do
  kill -0 "$pid" 2>/dev/null || fail "sshd (pid $pid) exited"
  ((SECONDS < deadline)) || fail "sshd not listening on 127.0.0.1:$port after 10 s"
  sleep 0.1
done
echo "start-sshd: sshd up on 127.0.0.1:$port (pid $pid) for $user; files in $work"
