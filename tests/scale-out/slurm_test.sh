#!/bin/sh
# Runs a real Slurm (slurmctld + slurmd on this machine, started here and shut
# down at the end) over a small corpus in 4 shards with the recipes of
# docs/scale-out/, merges them, and checks the result equals a single-machine
# run byte for byte. Exit 77 (ctest: skipped) only when Slurm is not installed
# or we are not root, and say so.
# Usage: slurm_test.sh DECLASS_BINARY SOURCE_ROOT
set -eu
declass=$1
root=$2
for tool in slurmctld slurmd sbatch scontrol sinfo; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: $tool not installed (Debian packages slurmctld slurmd slurm-client)"
    exit 77
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: starting slurmd needs root"
  exit 77
fi

work=$(mktemp -d /tmp/declass-slurm.XXXXXX)
host=$(hostname)
# Ports from the process id so that parallel runs do not collide.
base=$((20000 + ($$ % 20000)))
conf=$work/slurm.conf
mkdir -p "$work/state" "$work/spool" "$work/in" "$work/out"
cat > "$conf" <<CONF
ClusterName=declasstest$$
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
NodeName=$host CPUs=$(nproc) RealMemory=4000 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

cleanup() {
  scontrol shutdown >/dev/null 2>&1 || true
  sleep 1
  for f in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

slurmctld -i -f "$conf"
slurmd -f "$conf"
i=0
until sinfo -h -o %T 2>/dev/null | grep -q idle; do
  i=$((i + 1))
  if [ $i -gt 60 ]; then
    echo "FAIL: Slurm did not come up"; cat "$work"/slurm*.log; exit 1
  fi
  sleep 0.5
done

# A small corpus: 40 cables, one raw (Latin-1, CRLF) and one duplicate id.
ls "$root"/tests/data/corpus/*.txt | head -40 | while read -r f; do cp "$f" "$work/in/"; done
cp "$(ls "$root"/tests/data/corpus/raw/*.txt | head -1)" "$work/in/raw-one.txt"
cp "$(ls "$work"/in/*.txt | head -1)" "$work/in/zz-duplicate.txt"

policy=$root/policy-samples/foia-standard.xml
[ -f "$policy" ] || { policy=$work/policy.xml; echo '<policy name="t" version="1"/>' > "$policy"; }

# The single-machine reference.
"$declass" batch --policy "$policy" --as-of 2026-11-28 --case-id F-2026-00042 --no-progress \
  --out "$work/single" "$work/in" > /dev/null 2>&1 || [ $? -eq 1 ]

# The recipe: an array job of 4 shards, then the merge once they all finished.
recipes=$root/docs/scale-out
common="ALL,DECLASS=$declass,RECIPES=$recipes,POLICY=$policy,AS_OF=2026-11-28,CASE_ID=F-2026-00042,OUT=$work/out,INPUTS=$work/in,JOBS=1"
array=$(sbatch --parsable --array=1-4 --cpus-per-task=1 --chdir="$work" --export="$common" "$recipes/release.sbatch")
merge=$(sbatch --parsable --wait --dependency=afterok:"$array" --chdir="$work" --export="$common" "$recipes/merge.sbatch") || {
  echo "FAIL: merge job failed"; cat "$work"/declass-*.log; exit 1; }

for k in 1 2 3 4; do
  [ -f "$work/out/shard-$k-of-4/manifest.jsonl" ] || { echo "FAIL: shard $k did not run"; cat "$work"/declass-*.log; exit 1; }
done
diff -r -x manifest.jsonl -x summary.json "$work/single" "$work/out/merged" || {
  echo "FAIL: the merged Slurm run differs from the single-machine run"; exit 1; }
n=$(ls "$work/out/merged" | wc -l)
echo "PASS: Slurm array job $array (4 shards) + merge job $merge == single-machine run ($n files)"
