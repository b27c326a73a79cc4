#!/usr/bin/env bash
# A/B of two sharegen binaries in one session: the scenarios of bench/run.sh (full,
# no-op, one-share edit, check, floor) for A then B at each corpus size, and whether
# their full builds write byte-identical output. A benchmark, not a test: it prints
# figures and never fails on timing. Copy each binary to its own folder first: a
# binary's path and time are part of its build store's key.
#
# Usage: bench/ab.sh A/sharegen B/sharegen [N ...]     (default N: 10000)
# Environment: RUNS (default 5), OUTROOT (default /tmp/sharegen-bench), SHARED.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$(cd "$REPO/.." && pwd)/shared}"
export OUTROOT="${OUTROOT:-/tmp/sharegen-bench}"
RUNS="${RUNS:-5}"
A="$1"; B="$2"; shift 2
SIZES=("${@:-10000}")
read -r -a SIZES <<< "${SIZES[*]}"

mkdir -p "$OUTROOT"
gcc -O2 -o "$OUTROOT/floor" "$REPO/bench/floor.c"
echo "sharegen A/B — $(date -u +%Y-%m-%d), $(nproc) cores, runs: $RUNS (medians); A=$A B=$B"
echo
echo "| N | binary | scenario | wall s | user s | sys s | peak RSS MiB | × full |"
echo "|---:|---|---|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
  corpus="$OUTROOT/corpus-$n"
  [ -f "$corpus/corpus.json" ] || python3 "$SHARED/bench/gen_corpus.py" "$n" "$corpus" >/dev/null
  for side in A B; do
    bin="$A"; [ "$side" = B ] && bin="$B"
    rm -rf "$OUTROOT/ab-$side-$n"
    python3 "$REPO/bench/scenarios.py" "$bin" "$OUTROOT/floor" "$corpus" "$RUNS" "$OUTROOT/ab-$side-$n" | sed "s/^| \([^|]*\) | /| \1 | $side | /"
  done
  for side in A B; do
    bin="$A"; [ "$side" = B ] && bin="$B"
    rm -rf "$OUTROOT/ab-out-$side"
    "$bin" build --force --root "$corpus" --out "$OUTROOT/ab-out-$side" >/dev/null 2>&1
  done
  if diff -r "$OUTROOT/ab-out-A" "$OUTROOT/ab-out-B" >/dev/null; then
    echo; echo "N=$n: the full builds of A and B are byte-identical ($(find "$OUTROOT/ab-out-A" -type f | wc -l) files)."
  else
    echo; echo "N=$n: the full builds of A and B DIFFER (diff -r $OUTROOT/ab-out-A $OUTROOT/ab-out-B)."
  fi
  rm -rf "$OUTROOT/ab-A-$n" "$OUTROOT/ab-B-$n" "$OUTROOT/ab-out-A" "$OUTROOT/ab-out-B"
done
