#!/bin/sh
# One shard of a release run, for any scheduler. The shard number comes from
# the scheduler's environment:
#   Slurm array job:          SLURM_ARRAY_TASK_ID (1-based) of SLURM_ARRAY_TASK_COUNT
#   Kubernetes indexed Job:   JOB_COMPLETION_INDEX (0-based) of SHARD_COUNT
#   anything else:            SHARD_INDEX (1-based) of SHARD_COUNT
# Required: DECLASS (the binary), POLICY, AS_OF, OUT (shared directory), INPUTS
# (files/directories, space-separated). Optional: CASE_ID, JOBS, FORMATS,
# BATES_PREFIX, BATES_DIGITS.
# --resume makes a retried or rescheduled shard continue where it stopped.
# Exit 1 from declass (the run finished; some documents had errors, recorded in
# the manifest) counts as a finished shard, so the merge still runs; every
# other failure fails the task.
set -eu
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  k=$SLURM_ARRAY_TASK_ID; n=${SLURM_ARRAY_TASK_COUNT:?}
elif [ -n "${JOB_COMPLETION_INDEX:-}" ]; then
  k=$((JOB_COMPLETION_INDEX + 1)); n=${SHARD_COUNT:?}
else
  k=${SHARD_INDEX:?}; n=${SHARD_COUNT:?}
fi
status=0
# shellcheck disable=SC2086
"${DECLASS:-declass}" batch --policy "${POLICY:?}" --as-of "${AS_OF:?}" \
  --case-id "${CASE_ID:-}" --jobs "${JOBS:-0}" --format "${FORMATS:-text,pdf,log}" \
  --bates-prefix "${BATES_PREFIX:-DECL}" --bates-digits "${BATES_DIGITS:-7}" \
  --no-progress --resume --shard "$k/$n" --out "${OUT:?}/shard-$k-of-$n" ${INPUTS:?} || status=$?
if [ "$status" -eq 1 ]; then
  echo "release-shard: shard $k/$n finished; some documents had errors (see its manifest.jsonl)" >&2
  status=0
fi
exit "$status"
