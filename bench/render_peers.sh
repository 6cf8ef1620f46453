#!/bin/sh
# Side-by-side PDF release speed, same cables, same machine, one process each:
#   PyMuPDF (../shared/bench-peers/pdf-fitz.py: lay out, box, apply_redactions)
#   declass redact --format pdf --no-verify   (read + decide + view + PDF)
#   declass redact --format pdf               (the same, every PDF verified)
#   declass redact                            (text + PDF + logs, all verified)
# Prints cables per CPU second (user + sys) and peak memory. Run it on an idle
# machine; repeat and take the median for figures worth quoting.
#
# Usage: bench/render_peers.sh [CORPUS_DIR] (default tests/data/corpus)
# Env:   DECLASS (the binary, default build/bench/bin/declass), PEERS (the peer
#        scripts, default ../shared/bench-peers), POLICY, AS_OF.
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
measure() {  # measure NAME COMMAND...
  name=$1; shift
  /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$@" > /dev/null 2> "$work/err" || {
    echo "$name failed:"; tail -5 "$work/err"; return 1; }
  read -r user sys wall rss < "$work/time"
  awk -v n="$n" -v u="$user" -v s="$sys" -v w="$wall" -v m="$rss" -v name="$name" 'BEGIN {
    cpu = u + s; printf "%-34s %8.1f cables/CPU-s  %6.2f s CPU  %6.2f s wall  %7d KB peak\n", name, n / cpu, cpu, w, m }'
}
mkdir -p "$work/fitz" "$work/a" "$work/b" "$work/c"
measure "PyMuPDF (pdf-fitz.py)" $py "$peers/pdf-fitz.py" --review-date "$as_of" "$work/fitz" "$corpus"/*.txt
measure "declass pdf, no verification" "$bin" redact --policy "$policy" --as-of "$as_of" --format pdf --no-verify -o "$work/a" "$corpus"/*.txt
measure "declass pdf, verified" "$bin" redact --policy "$policy" --as-of "$as_of" --format pdf -o "$work/b" "$corpus"/*.txt
measure "declass text+pdf+log, verified" "$bin" redact --policy "$policy" --as-of "$as_of" -o "$work/c" "$corpus"/*.txt
