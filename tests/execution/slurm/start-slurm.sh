#!/usr/bin/env bash
# Brings up a single-node Slurm on 127.0.0.1 without systemd, for the `slurm` tests:
#   start-slurm.sh WORKDIR     munged + slurmctld + slurmd; every file under WORKDIR
# Writes WORKDIR/slurm.conf (export SLURM_CONF=WORKDIR/slurm.conf to use it) and WORKDIR/pids,
# which stop-slurm.sh reads: only the daemons started here are ever stopped.
# Pitfalls this handles: slurmctld dies silently on a taken port (so free ports are picked first),
# every wait has a deadline, and a dead daemon may linger as a zombie (so liveness is `ps -o stat`).
set -euo pipefail

work=${1:?usage: start-slurm.sh WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)

fail() {
  echo "start-slurm: $*" >&2
  for log in "$work"/log/*.log; do
    [[ -s "$log" ]] && { echo "--- $log (tail)" >&2; tail -n 15 "$log" >&2; }
  done
  "$here/stop-slurm.sh" "$work" >/dev/null 2>&1 || true
  exit 1
}

missing=()
for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel sacct sinfo; do
  command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "start-slurm: missing ${missing[*]}: install the Debian packages slurmctld slurmd slurm-client munge" \
       "(packaging/install-deps.sh does)" >&2
  exit 1
fi
export PATH="$PATH:/usr/sbin:/sbin"

# A previous run that was not stopped: stop its daemons before reusing the folder.
[[ -f "$work/pids" ]] && "$here/stop-slurm.sh" "$work" >/dev/null 2>&1 || true
rm -rf "$work"
mkdir -p "$work"/{munge,state,spool,log,jobs}
chmod 700 "$work/munge"
user=$(id -un)

alive() {  # a pid that exists and is not a zombie
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' ') || return 1
  [[ -n "$stat" && "$stat" != Z* ]]
}

port_free() {
  ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# Two free, consecutive-ish ports from a per-user range (several engineers may run this at once).
pick_port() {
  local port=$1
  while ! port_free "$port"; do
    port=$((port + 1))
    ((port < 65000)) || fail "no free TCP port found"
  done
  echo "$port"
}
base=$((20000 + ($(id -u) % 100) * 100 + RANDOM % 50))
ctld_port=$(pick_port "$base")
slurmd_port=$(pick_port $((ctld_port + 1)))

# munge: own key, socket and logs (the system's /etc/munge and /run/munge are left alone).
mungekey --create --keyfile="$work/munge/munge.key" --force >/dev/null 2>&1 ||
  { dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none; }
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"

cpus=$(nproc)
cat >"$work/slurm.conf" <<EOF
# Written by start-slurm.sh for the perfnas tests; single node on 127.0.0.1.
ClusterName=perfnas-test
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups here: linuxproc tracking, no task plugin.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Jobs share the node by CPU (the default would give each job the whole node).
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
# No accounting daemon: finished jobs go to a text file that sacct -c reads.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$work/jobcomp.txt
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
KillWait=5
MinJobAge=600
SlurmdTimeout=30
InactiveLimit=0
Waittime=0
NodeName=perfnas-node1 NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=perfnas-node1 Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"

: >"$work/pids"
start_daemon() {  # NAME COMMAND...: runs in the foreground mode, detached, output to its log
  local name=$1
  shift
  setsid "$@" </dev/null >"$work/log/$name.out" 2>&1 &
  local pid=$!
  echo "$name $pid" >>"$work/pids"
  echo "$pid"
}

wait_for() {  # SECONDS DESCRIPTION PID COMMAND...: until COMMAND succeeds, or fail
  local deadline=$((SECONDS + $1)) what=$2 pid=$3
  shift 3
  until "$@" >/dev/null 2>&1; do
    alive "$pid" || fail "$what: the daemon (pid $pid) exited"
    ((SECONDS < deadline)) || fail "$what: not ready after ${deadline}s"
    sleep 0.2
  done
}

munge_pid=$(start_daemon munged munged --foreground --force --socket="$socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/munged.seed")
wait_for 10 "munged" "$munge_pid" bash -c "echo ok | munge --socket='$socket' | unmunge --socket='$socket'"

ctld_pid=$(start_daemon slurmctld slurmctld -D -i -f "$SLURM_CONF")
wait_for 15 "slurmctld on port $ctld_port" "$ctld_pid" timeout 3 scontrol ping
slurmd_pid=$(start_daemon slurmd slurmd -D -N perfnas-node1 -f "$SLURM_CONF")
node_idle() { timeout 3 sinfo -h -N -n perfnas-node1 -o %t | grep -Eq '^(idle|mix|alloc)'; }
wait_for 20 "slurmd (node perfnas-node1 idle)" "$slurmd_pid" node_idle

echo "start-slurm: Slurm up (slurmctld :$ctld_port, slurmd :$slurmd_port, $cpus CPUs); export SLURM_CONF=$SLURM_CONF"
