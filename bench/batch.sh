#!/usr/bin/env bash
# put --batch benchmark (issue 21): 10,000 new personalized records into the N-share
# corpus, against `check` of the resulting site, and one record against a plain `put`.
# Usage: bench/batch.sh [N] [RECORDS]   (release binary: swift build -c release first)
# Prints wall seconds per step and the two ratios the goals name.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
records=${2:-10000}
bin=${SHAREGEN_BIN:-$PWD/.build/release/sharegen}
shared=${SHARED:-$(cd .. && pwd)/shared}
root=${OUTROOT:-/tmp/sharegen-bench}
corpus="$root/corpus-$n"
[ -x "$bin" ] || { echo "no release binary at $bin: run swift build -c release" >&2; exit 2; }
[ -f "$corpus/corpus.json" ] || python3 "$shared/bench/gen_corpus.py" "$n" "$corpus" >/dev/null

work="$root/batch-$n"
rm -rf "$work" && cp -a "$corpus" "$work"
python3 - "$work/campaign.jsonl" "$records" <<'PY'
import json, sys
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "w") as out:
    for i in range(count):
        out.write(json.dumps({
            "project": f"campaign-{i:05d}", "channel": "PROD", "visibility": "private",
            "publicTitle": f"Your annual review, customer {i}",
            "personalizationData": {"firstName": f"Customer {i}", "tier": "gold"},
            "video": {"id": f"cv{i:08x}", "visibility": "private",
                      "mp4Url": f"https://media.example.com/campaign/{i}/video.mp4"},
        }) + "\n")
PY
printf '{"project": "campaign-single", "channel": "PROD", "publicTitle": "One", "video": {"id": "single-one", "mp4Url": "https://media.example.com/single/v.mp4"}}\n' > "$work/one.jsonl"

seconds() { local start end; start=$(date +%s%N); "$@" > /dev/null; end=$(date +%s%N); awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

batch=$(seconds "$bin" put --batch "$work/campaign.jsonl" --root "$work" --actor bench@example.com)
check=$(seconds "$bin" check --root "$work")
rerun=$(seconds "$bin" put --batch "$work/campaign.jsonl" --root "$work" --actor bench@example.com)
single_batch=$(seconds "$bin" put --batch "$work/one.jsonl" --root "$work" --actor bench@example.com)
single_put=$(seconds "$bin" put campaign-single2 PROD --title One --video-id single-two --mp4-url https://media.example.com/single/w.mp4 --root "$work" --actor bench@example.com)
shares=$(find "$work/content" -path '*/shares/*' -type f | wc -l)

printf 'corpus %s shares + %s records -> %s share files\n' "$n" "$records" "$shares"
printf 'put --batch (%s new records): %.3f s\n' "$records" "$batch"
printf 'check of the resulting site:  %.3f s\n' "$check"
printf 'same batch again (no change): %.3f s\n' "$rerun"
printf 'one-record batch:             %.3f s\n' "$single_batch"
printf 'plain put of one share:       %.3f s\n' "$single_put"
printf 'ratio batch / check: %s (goal <= 3)\n' "$(ratio "$batch" "$check")"
printf 'ratio one-record batch / put: %s (goal <= 1.2)\n' "$(ratio "$single_batch" "$single_put")"
