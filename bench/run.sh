#!/usr/bin/env bash
# sharegen's build benchmark: full, no-op, one-edit and check at each corpus size,
# beside the floor (no rendering) and Hugo (../shared/bench/compare.sh).
# A benchmark, not a test: it prints figures and never fails on timing.
#
# Usage: bench/run.sh [N ...]          (default: 1000 10000 100000)
# Environment: RUNS (default 5), OUTROOT (default /tmp/sharegen-bench),
#              SHARED (default: the shared/ folder beside this checkout),
#              HUGO_SIZES (default "1000 10000": sizes also run against Hugo).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$(cd "$REPO/.." && pwd)/shared}"
export OUTROOT="${OUTROOT:-/tmp/sharegen-bench}"
RUNS="${RUNS:-5}"
SIZES=("${@:-1000 10000 100000}")
read -r -a SIZES <<< "${SIZES[*]}"
HUGO_SIZES="${HUGO_SIZES-1000 10000}"

mkdir -p "$OUTROOT"
(cd "$REPO" && swift build -c release --product sharegen >/dev/null)
BIN="$REPO/.build/release/sharegen"
gcc -O2 -o "$OUTROOT/floor" "$REPO/bench/floor.c"

echo "sharegen benchmark — $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), runs: $RUNS (medians)"
echo
echo "| N | scenario | wall s | user s | sys s | peak RSS MiB | × full |"
echo "|---:|---|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
  corpus="$OUTROOT/corpus-$n"
  [ -f "$corpus/corpus.json" ] || python3 "$SHARED/bench/gen_corpus.py" "$n" "$corpus" >/dev/null
  rm -rf "$OUTROOT/scenarios-$n"
  python3 "$REPO/bench/scenarios.py" "$BIN" "$OUTROOT/floor" "$corpus" "$RUNS" "$OUTROOT/scenarios-$n"
  rm -rf "$OUTROOT/scenarios-$n"
done

for n in $HUGO_SIZES; do
  command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo): skipping the comparison"; break; }
  echo
  echo "## sharegen vs Hugo, N=$n (../shared/bench/compare.sh)"
  "$SHARED/bench/compare.sh" "$n" "$BIN" "$RUNS"
done
