#!/bin/sh
# The Kubernetes indexed-Job recipe without Kubernetes (none runs here): runs
# the container command of docs/scale-out/release-job.yaml once per completion
# index with the environment the Job gives each pod (JOB_COMPLETION_INDEX,
# SHARD_COUNT ...), kills and reruns one pod as the Job's retry would, then runs
# the merge Job's command, and checks the result equals a single-machine run.
# Usage: indexed_job_test.sh DECLASS_BINARY SOURCE_ROOT
set -eu
declass=$1
root=$2
work=$(mktemp -d /tmp/declass-k8s.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/cables" "$work/release"
ls "$root"/tests/data/corpus/*.txt | tail -30 | while read -r f; do cp "$f" "$work/cables/"; done
policy=$root/policy-samples/foia-standard.xml
[ -f "$policy" ] || { policy=$work/policy.xml; echo '<policy name="t" version="1"/>' > "$policy"; }

"$declass" batch --policy "$policy" --as-of 2026-11-28 --case-id F-2026-01234 --no-progress \
  --out "$work/single" "$work/cables" > /dev/null 2>&1 || [ $? -eq 1 ]

grep -q 'completionMode: Indexed' "$root/docs/scale-out/release-job.yaml"
pod() {  # pod INDEX: what the Job runs in pod INDEX (see release-job.yaml)
  env DECLASS="$declass" SHARD_COUNT=4 POLICY="$policy" AS_OF=2026-11-28 CASE_ID=F-2026-01234 \
    OUT="$work/release" INPUTS="$work/cables" JOBS=1 JOB_COMPLETION_INDEX="$1" \
    sh "$root/docs/scale-out/release-shard.sh" > /dev/null
}
# Pod 2 is killed mid-run and retried (backoffLimitPerIndex), which resumes it.
pod 2 & pid=$!
sleep 0.05; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
for i in 0 1 2 3; do pod $i 2>/dev/null; done
"$declass" merge --out "$work/release/merged" "$work/release"/shard-*-of-4 > /dev/null
diff -r -x manifest.jsonl -x summary.json "$work/single" "$work/release/merged"
echo "PASS: 4 indexed pods (one killed and retried) + merge == single-machine run"
