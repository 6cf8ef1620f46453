#!/bin/sh
# Side-by-side PDF release speed, same cables, same machine, one process each:
#   PyMuPDF (../shared/bench-peers/pdf-fitz.py: lay out, box, apply_redactions)
#   declass redact --format pdf --no-verify   (read + decide + view + PDF)
#   declass redact --format pdf               (the same, every PDF verified)
#   declass redact                            (text + PDF + logs, all verified)
# Prints cables per CPU second (user + sys) and peak memory, for each of REPS
# rounds (the four pipelines one after the other in each round, nothing
# deleted until the end), then per pipeline the median and best round and
# its ratio to PyMuPDF's, and the median of the per-round ratios (each
# pipeline against the PyMuPDF run of its own round). On this project's VM
# the CPU time of one run varies by up to a third from run to run (other
# work on the host; ext4 after deletions): compare medians of several
# rounds, never single runs.
#
# Outputs go to a temporary directory under $TMPDIR (default /tmp): about a
# third of declass's CPU time can be the kernel's file-system work, which
# varies with the file system and its state; TMPDIR=/dev/shm (tmpfs) takes
# most of it out, to compare the computation alone. On ext4, run the bench a
# few minutes after any mass deletion there (this bench's own cleanup
# included): for up to three minutes ext4 skips recently deleted inodes when
# it allocates one, and scanning past them can double declass's system time.
#
# A declass run over the corpus takes well under a second, PyMuPDF's over ten:
# a stall of the host shows in a short run many times more than in a long
# one. So each declass measurement is INNER whole runs one after the other
# (each into a fresh directory, each its own process: start-up counted every
# time), their CPU times summed and divided by INNER.
#
# Usage: bench/render_peers.sh [CORPUS_DIR] (default tests/data/corpus)
# Env:   DECLASS (the binary, default build/bench/bin/declass), PEERS (the peer
#        scripts, default ../shared/bench-peers), POLICY, AS_OF, REPS (default 3),
#        INNER (default 5).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$root/tests/data/corpus}
bin=${DECLASS:-$root/build/bench/bin/declass}
peers=${PEERS:-$root/../shared/bench-peers}
policy=${POLICY:-$root/policy-samples/strict-prepublication.xml}
as_of=${AS_OF:-2024-05-01}
py=/usr/bin/python3  # Debian's python3: python3-fitz is built for it
if ! $py -c 'import fitz' 2>/dev/null; then
  echo "installing python3-fitz (Debian) for the PyMuPDF peer" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-fitz >/dev/null
fi
[ -x "$bin" ] || { echo "no declass binary at $bin (set DECLASS=...)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=$(ls "$corpus"/*.txt | wc -l)
echo "corpus: $n cables, $(cat "$corpus"/*.txt | wc -c) bytes"
reps=${REPS:-3}
inner=${INNER:-5}
# measure NAME TIMES OUTDIR COMMAND...: TIMES runs of COMMAND, the last
# argument of which is replaced by OUTDIR/1, OUTDIR/2, ... (@OUT@ in
# COMMAND); prints the mean per run and appends "NAME<TAB>CPU<TAB>ROUND".
measure() {
  name=$1; times=$2; outdir=$3; shift 3
  : > "$work/times"
  i=1
  while [ "$i" -le "$times" ]; do
    mkdir -p "$outdir/$i"
    cmd=""
    for a in "$@"; do
      [ "$a" = "@OUT@" ] && a="$outdir/$i"
      cmd="$cmd '$a'"
    done
    eval "/usr/bin/time -f '%U %S %e %M' -o '$work/time' $cmd" > /dev/null 2> "$work/err" || {
      echo "$name failed:"; tail -5 "$work/err"; return 1; }
    cat "$work/time" >> "$work/times"
    i=$((i + 1))
  done
  awk -v n="$n" -v name="$name" -v k="$times" -v round="$r" -v out="$work/cpu" '
    { u += $1; s += $2; w += $3; if ($4 > m) m = $4 }
    END {
      u /= k; s /= k; w /= k; cpu = u + s
      printf "%-34s %8.1f cables/CPU-s  %6.2f s CPU (%5.2f user %5.2f sys)  %6.2f s wall  %7d KB peak%s\n", name, n / cpu, cpu, u, s, w, m, (k > 1 ? sprintf("  (mean of %d runs)", k) : "")
      printf "%s\t%s\t%s\n", name, cpu, round >> out
    }' "$work/times"
}
r=1
while [ "$r" -le "$reps" ]; do
  echo "round $r of $reps"
  measure "PyMuPDF (pdf-fitz.py)" 1 "$work/$r/fitz" $py "$peers/pdf-fitz.py" --review-date "$as_of" @OUT@ "$corpus"/*.txt
  measure "declass pdf, no verification" "$inner" "$work/$r/a" "$bin" redact --policy "$policy" --as-of "$as_of" --format pdf --no-verify -o @OUT@ "$corpus"/*.txt
  measure "declass pdf, verified" "$inner" "$work/$r/b" "$bin" redact --policy "$policy" --as-of "$as_of" --format pdf -o @OUT@ "$corpus"/*.txt
  measure "declass text+pdf+log, verified" "$inner" "$work/$r/c" "$bin" redact --policy "$policy" --as-of "$as_of" -o @OUT@ "$corpus"/*.txt
  r=$((r + 1))
done
echo "over $reps rounds (cables per CPU second; x PyMuPDF at the same statistic):"
sort -t "$(printf '\t')" -k1,1 -k2,2g "$work/cpu" | awk -F '\t' -v n="$n" '
  { cpu[$1, ++k[$1]] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 } }
  END {
    peer = "PyMuPDF (pdf-fitz.py)"
    pm = cpu[peer, int((k[peer] + 1) / 2)]; pb = cpu[peer, 1]
    for (i = 1; i <= names; ++i) {
      name = order[i]; med = cpu[name, int((k[name] + 1) / 2)]; best = cpu[name, 1]
      printf "%-34s median %8.1f (%5.1fx)   best %8.1f (%5.1fx)\n", name, n / med, pm / med, n / best, pb / best
    }
  }'
# The host's speed drifts over minutes, so each round's pipelines are also
# compared with the PyMuPDF run of the same round: the median of those ratios.
echo "paired by round (PyMuPDF CPU / pipeline CPU in the same round; median over rounds):"
awk -F '\t' '
  { cpu[$1, $3] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 } if ($3 > rounds) rounds = $3 }
  END {
    peer = "PyMuPDF (pdf-fitz.py)"
    for (i = 2; i <= names; ++i) {
      name = order[i]; m = 0
      for (r = 1; r <= rounds; ++r) if ((name, r) in cpu && (peer, r) in cpu) x[++m] = cpu[peer, r] / cpu[name, r]
      for (a = 1; a <= m; ++a) for (b = a + 1; b <= m; ++b) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
      line = ""
      for (a = 1; a <= m; ++a) line = line sprintf(" %.1f", x[a])
      printf "%-34s median %5.1fx   (rounds, sorted:%s)\n", name, x[int((m + 1) / 2)], line
    }
  }' "$work/cpu"
