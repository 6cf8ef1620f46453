#!/bin/sh
# Where does a two-worker batch run lose its scaling? (issue 5: 2 workers must
# reach 1.8x one worker.) Runs on the same inputs, outputs to fresh folders,
# nothing deleted in between (see batch_corpus.sh on ext4 after mass deletes):
#   j1        declass batch --jobs 1
#   j1+mem    the same, beside a co-runner doing random reads over 4 MB on the
#             other core (bench/peers/co_runner.c): no shared state at all
#   j1+alu    the same, beside a co-runner using registers only
#   j2        declass batch --jobs 2
#   2proc     two processes, --jobs 1 --shard 1/2 and --shard 2/2 (each plans
#             every input, so a little more CPU than j2 is expected)
# Prints wall, CPU (user + sys of declass only) and "others": the CPU the rest
# of the machine used meanwhile (from /proc/stat, co-runner included). A run
# with others well above the co-runner's share was disturbed: repeat it.
#
# Reading: if 2proc scales like j2 and j1 alone costs less CPU than j1 beside
# a co-runner, the loss is the machine (cores that share caches or memory),
# not contention inside declass; if j2 costs clearly more CPU than 2proc, it
# is inside the process (locks, allocator, shared state).
#
# Usage: bench/batch_scaling.sh CORPUS_DIR [WORKDIR] [REPS]
# Env: DECLASS (default build/bench/bin/declass), POLICY, AS_OF, KEEP=1.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:?usage: bench/batch_scaling.sh CORPUS_DIR [WORKDIR] [REPS]}
work=${2:-$(mktemp -d)}
reps=${3:-3}
bin=${DECLASS:-$root/build/bench/bin/declass}
policy=${POLICY:-$root/policy-samples/foia-standard.xml}
as_of=${AS_OF:-2026-11-28}
[ -x /usr/bin/time ] || { echo "needs GNU time (Debian package time)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no $bin: cmake --preset bench && cmake --build --preset bench --target declass" >&2; exit 2; }
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/co_runner" "$root/bench/peers/co_runner.c"
n=$(find "$corpus" -name '*.txt' | wc -l)
echo "corpus: $n cables, $(nproc) cores"
find "$corpus" -name '*.txt' -print0 | xargs -0 cat > /dev/null

busy() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
hz=$(getconf CLK_TCK)
# measure NAME COMMAND...: one line of wall, CPU, others
measure() {
  name=$1; shift
  sync
  b0=$(busy)
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || {
    echo "$name failed:" >&2; tail -5 "$work/err" >&2; exit 1; }
  b1=$(busy)
  read -r wall user sys < "$work/time"
  awk -v name="$name" -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v b="$((b1 - b0))" -v hz="$hz" \
    'BEGIN { printf "%-10s %6.0f cables/s  %7.2f s wall  %7.2f s CPU (%.3f ms a cable)  others %6.2f s\n",
             name, n / w, w, u + s, (u + s) * 1000 / n, b / hz - u - s }'
}
beside() {  # beside "CO-RUNNER ARGS" COMMAND...: COMMAND with a co-runner
  # shellcheck disable=SC2086  # the co-runner's arguments are split on purpose
  "$work/co_runner" $1 & co=$!
  shift
  st=0; "$@" || st=$?
  kill "$co"; wait "$co" 2>/dev/null || true
  return $st
}
common="--policy $policy --as-of $as_of --case-id F-2026-00001 --no-progress"
r=1
while [ "$r" -le "$reps" ]; do
  o="$work/r$r"
  measure j1 "$bin" batch $common --jobs 1 --out "$o/j1" "$corpus"
  beside "mem 4096" measure j1+mem "$bin" batch $common --jobs 1 --out "$o/j1m" "$corpus"
  beside alu measure j1+alu "$bin" batch $common --jobs 1 --out "$o/j1a" "$corpus"
  measure j2 "$bin" batch $common --jobs 2 --out "$o/j2" "$corpus"
  measure 2proc sh -c "'$bin' batch $common --jobs 1 --shard 1/2 --out '$o/s1' '$corpus' & p=\$!
    '$bin' batch $common --jobs 1 --shard 2/2 --out '$o/s2' '$corpus'; s=\$?; wait \$p && [ \$s = 0 ]"
  r=$((r + 1))
done
