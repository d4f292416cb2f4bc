#!/usr/bin/env bash
# A grid's shards on a real Slurm cluster: a single-node cluster (munged,
# slurmctld, slurmd from Debian's packages, installed here when missing),
# configured in a temporary directory, started here and stopped at the end,
# whatever happens. A 4-shard grid goes through the deal binary's `submit`
# (an sbatch --array job and a merge job depending on it); the merged
# stream and summary must be byte for byte those of the same grid run on
# this machine. As root (the daemons run as root, in the temporary
# directory; nothing under /etc is touched).
#
#   bash scripts/slurm-test.sh [BUILD_DIR]      (default: build)
#
# Exit status 0 when the outputs are equal; otherwise 1 with the daemons'
# and the jobs' logs printed.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
dealc="$build/bin/dealc"
[ -x "$dealc" ] || { echo "slurm-test: no $dealc (build first)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "slurm-test: run as root (the test starts munged, slurmctld and slurmd)" >&2; exit 1; }

# Debian's packages, only for this test
need=()
for pkg in munge slurmctld slurmd slurm-client; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "slurm-test: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # the packages' scripts would start the daemons with the system's
  # configuration: not here
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

tmp=$(mktemp -d /tmp/dealc-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
ok=0
show_logs() {
  for f in "$tmp"/munged.log "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/run/logs/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}
teardown() {
  status=$?
  if [ "$ok" != 1 ]; then
    echo "slurm-test: FAILED" >&2
    show_logs
  fi
  if [ -n "${SLURM_CONF:-}" ] && command -v scancel >/dev/null; then
    timeout 10 scancel --user=root >/dev/null 2>&1 || true
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
  exit $status
}
trap teardown EXIT
fail() { echo "slurm-test: $*" >&2; exit 1; }

# ---- munge: a key of our own (in a private directory), a socket others
# can reach
mkdir -p "$tmp/munge-key" "$tmp/munge"
chmod 700 "$tmp/munge-key"
chmod 755 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge-key/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge-key/munge.key"
munged --foreground --force --key-file="$tmp/munge-key/munge.key" --socket="$tmp/munge/socket" \
  --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge-key/seed" --log-file="$tmp/munged.log" \
  >>"$tmp/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$tmp/munge/socket" ] && break; sleep 0.1; done
[ -S "$tmp/munge/socket" ] || fail "munged did not start"
MUNGE_SOCKET="$tmp/munge/socket"
munge --socket="$MUNGE_SOCKET" -n | unmunge --socket="$MUNGE_SOCKET" >/dev/null || fail "munge does not work"

# ---- slurm: one node (this machine), one partition, ports nobody uses
host=$(hostname -s)
cpus=$(nproc)
port=$((20000 + RANDOM % 20000))
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<EOF
ClusterName=dealctest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=dealc Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$tmp/slurmd.log" 2>&1 &
pids+=($!)
state=
for _ in $(seq 120); do
  state=$(timeout 5 sinfo -h -o %t 2>/dev/null | head -n1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node did not come up (sinfo: '${state:-nothing}')"
echo "slurm-test: a one-node cluster is up ($host, $cpus CPUs, ports $port-$((port + 1)))" >&2

# ---- the grid: GMACM 2003-HE2 under a scenarios file of 400 rows
bin="$tmp/gmacm-2003-he2"
"$dealc" build agreements/gmacm-2003-he2.deal -o "$bin"
mkdir -p "$tmp/run"
{
  echo "name,cpr,cdr,severity,recovery-lag"
  for i in $(seq 0 399); do
    echo "row $((i + 1)),$((5 + i % 30)).5,$((i % 9)),$((25 + i % 40))%,$((i % 13))"
  done
} > "$tmp/rows.csv"
args=(--scenarios "$tmp/rows.csv" --index "One-Month LIBOR=1.10%" --input "Weighted Average Net Loan Rate=7.7745%"
      --settle 2003-03-26 --price 99.5 --stream csv)
"$bin" grid "${args[@]}" --output "$tmp/local.csv" --summary "$tmp/local-summary.txt"

"$bin" submit --shards 4 --dir "$tmp/run" -- "${args[@]}" --output "$tmp/merged.csv" \
  --summary "$tmp/merged-summary.txt" | tee "$tmp/submit.out"
merge=$(sed -n 's/^merge \([0-9][0-9]*\)$/\1/p' "$tmp/submit.out")
shards=$(sed -n 's/^shards \([0-9][0-9]*\)$/\1/p' "$tmp/submit.out")
[ -n "$merge" ] && [ -n "$shards" ] || fail "submit printed no job ids"

# wait for the merge job to end (3 minutes at most)
end=$((SECONDS + 180))
mstate=
while [ $SECONDS -lt $end ]; do
  mstate=$(timeout 5 scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n1)
  case "$mstate" in
    COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE) break ;;
  esac
  sleep 1
done
echo "slurm-test: merge job $merge: ${mstate:-unknown}" >&2
timeout 5 scontrol show job "$shards" 2>/dev/null | grep -o "JobState=[A-Z_]*\|ArrayTaskId=[0-9-]*\|ExitCode=[0-9:]*" \
  | paste -sd' ' >&2 || true
[ "$mstate" = COMPLETED ] || fail "the merge job did not complete (${mstate:-still waiting after 3 minutes})"
[ -f "$tmp/merged.csv" ] || fail "the merge wrote no $tmp/merged.csv"
cmp "$tmp/local.csv" "$tmp/merged.csv" || fail "the merged stream differs from the local run"
cmp "$tmp/local-summary.txt" "$tmp/merged-summary.txt" || fail "the merged summary differs from the local run"
echo "slurm-test: 4 shards through sbatch --array and a dependent merge: $(($(wc -l <"$tmp/local.csv") - 1)) records, the same bytes as the local run" >&2
ok=1
