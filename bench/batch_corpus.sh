#!/bin/sh
# Whole-corpus batch benchmark (issue 5), everything measured in one run on the
# same machine and the same files:
#   floor       bench/peers/floor.c -o: read each cable and copy it into an
#               output folder through a temp file + rename (1 process): the
#               floor for any tool that writes a file per cable
#   text+log    declass batch --format text,log   (all cores)
#   pdf+text+log declass batch                    (all cores, then --jobs 1)
# Every declass output is verified as always (no --no-verify here). Prints
# cables/s, the ratios the issue asks for, and peak memory (GNU time).
#
# Run it at least 5 minutes after deleting many files on the same file system
# (e.g. a previous run's WORKDIR): ext4 skips recently freed inodes when it
# allocates new ones, re-reading inode tables on every create, and on this VM
# that made file creation (all of floor's and a fifth of a text+log run's
# CPU) several times slower for a while. Within one run nothing is deleted
# between measurements, so they are comparable.
#
# Usage: bench/batch_corpus.sh [CABLES] [WORKDIR]
#   CABLES   at least this many cables: the test corpus (tests/data/corpus,
#            701 real cables) copied as many times as needed (default 50000)
#   WORKDIR  scratch space, removed at the end (default: a mktemp -d dir)
# Env: DECLASS (binary, default build/bench/bin/declass, built if missing),
#      POLICY (default policy-samples/foia-standard.xml), AS_OF (2026-11-28),
#      KEEP=1 keeps WORKDIR.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
want=${1:-50000}
work=${2:-$(mktemp -d)}
bin=${DECLASS:-$root/build/bench/bin/declass}
policy=${POLICY:-$root/policy-samples/foia-standard.xml}
as_of=${AS_OF:-2026-11-28}
[ -x /usr/bin/time ] || { echo "needs GNU time (Debian package time)" >&2; exit 2; }
if [ ! -x "$bin" ]; then
  (cd "$root" && cmake --preset bench >/dev/null && cmake --build --preset bench -j"$(nproc)" --target declass >/dev/null)
fi
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/floor" "$root/bench/peers/floor.c"

# The corpus: copies of the 701 cables in numbered folders (same ids: the
# batch names the copies ID~2, ID~3, ... in a stable order).
corpus="$work/corpus"
if [ ! -d "$corpus" ]; then
  src_n=$(ls "$root"/tests/data/corpus/*.txt | wc -l)
  copies=$(( (want + src_n - 1) / src_n ))
  i=1
  while [ "$i" -le "$copies" ]; do
    d=$(printf '%s/r%03d' "$corpus" "$i")
    mkdir -p "$d" && cp "$root"/tests/data/corpus/*.txt "$d/"
    i=$((i + 1))
  done
fi
n=$(find "$corpus" -name '*.txt' | wc -l)
bytes=$(find "$corpus" -name '*.txt' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "corpus: $n cables, $bytes bytes, $(nproc) cores; policy $(basename "$policy"), review date $as_of"
find "$corpus" -name '*.txt' -print0 | xargs -0 cat > /dev/null  # same page cache for everyone

# measure NAME OUTDIR COMMAND...: wall time, CPU, peak RSS -> "$work/NAME.res"
measure() {
  name=$1; out=$2; shift 2
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "$name failed:" >&2; tail -5 "$work/$name.err" >&2; exit 1; }
  read -r wall user sys rss < "$work/$name.time"
  rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.0f", n / w }')
  printf '%-28s %8s cables/s  %7.2f s wall  %7.2f s CPU  %7d KB peak\n' "$name" "$rate" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$rss"
  echo "$rate $rss" > "$work/$name.res"
}

mkdir -p "$work/out-floor"
measure floor "$work/out-floor" sh -c "find '$corpus' -name '*.txt' -print0 | xargs -0 '$work/floor' -o '$work/out-floor'"
common="--policy $policy --as-of $as_of --case-id F-2026-00001 --no-progress"
measure text+log "$work/out-text" "$bin" batch $common --format text,log --out "$work/out-text" "$corpus"
measure pdf+text+log "$work/out-pdf2" "$bin" batch $common --out "$work/out-pdf2" "$corpus"
measure pdf+text+log-jobs1 "$work/out-pdf1" "$bin" batch $common --jobs 1 --out "$work/out-pdf1" "$corpus"

# The same outputs whatever the number of workers (manifest and summary hold timings).
for f in log.csv log.jsonl; do
  cmp -s "$work/out-pdf1/$f" "$work/out-pdf2/$f" || { echo "FAIL: $f differs between --jobs 1 and 2" >&2; exit 1; }
done

read -r floor_rate _ < "$work/floor.res"
read -r text_rate text_rss < "$work/text+log.res"
read -r pdf_rate pdf_rss < "$work/pdf+text+log.res"
read -r pdf1_rate pdf1_rss < "$work/pdf+text+log-jobs1.res"
verdict() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "NOT MET"; fi; }
echo
echo "targets (issue 5):"
printf '  text+log >= 1/2 of the copy floor:   %s / %s = %.2f  %s\n' "$text_rate" "$floor_rate" \
  "$(awk -v a="$text_rate" -v b="$floor_rate" 'BEGIN { print a / b }')" "$(verdict "$text_rate * 2 >= $floor_rate")"
printf '  pdf+text+log >= 1,000 cables/s:      %s  %s\n' "$pdf_rate" "$(verdict "$pdf_rate >= 1000")"
printf '  2 workers >= 1.8x 1 worker:          %s / %s = %.2f  %s\n' "$pdf_rate" "$pdf1_rate" \
  "$(awk -v a="$pdf_rate" -v b="$pdf1_rate" 'BEGIN { print a / b }')" "$(verdict "$pdf_rate >= 1.8 * $pdf1_rate")"
max_rss=$(printf '%s\n%s\n%s\n' "$text_rss" "$pdf_rss" "$pdf1_rss" | sort -n | tail -1)
printf '  peak memory < 200 MB:                %d KB  %s\n' "$max_rss" "$(verdict "$max_rss < 204800")"
