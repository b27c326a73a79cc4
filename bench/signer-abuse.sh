#!/usr/bin/env bash
# Load test, not a benchmark: the signer under a mix of valid and hostile requests while
# its manifest is replaced (atomically) and SIGHUP is sent every second.
#
#   bench/signer-abuse.sh                 DURATION=60s CONNECTIONS=8 BIN=.build/release/sharegen bench/signer-abuse.sh
#
# The site is built by `sharegen build` with credentials from `sharegen credentials create`.
# wrk runs one connection per thread, so each thread's responses arrive in the order of its
# requests and every answer is checked against the status its request must get:
#   valid (x-api-key and Basic)        200        wrong secret, tampered Basic     401
#   another project's share            404        unknown slug, long slug          404
#   ttl above the maximum, bad JSON    400        oversized body (64 KiB)          413
#   valid media token (/v1/verify)     204        tampered or expired token        403
#   HeyGen POST with a valid video id  200
# Passes when no answer is 5xx and no hostile request gets a 2xx; prints the per-class
# counts, socket errors and the signer's RSS before, at most and after. Needs wrk, curl,
# python3 and a built sharegen (default .build/debug/sharegen; a release build loads harder).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18491}
BIN=${BIN:-.build/debug/sharegen}
BIN=$(realpath "$BIN")

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (apt-get install -y wrk curl python3)" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "error: no sharegen at $BIN (swift build first)" >&2; exit 2; }

WORK=$(mktemp -d)
SIGNER_PID=
RELOADER_PID=
cleanup() {
  [ -n "$RELOADER_PID" ] && kill "$RELOADER_PID" 2>/dev/null
  [ -n "$SIGNER_PID" ] && kill "$SIGNER_PID" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Two projects with one private share each, and a second version of the site whose manifest
# differs (titles) but answers every request below the same way.
site() {
  local root=$1 version=$2
  mkdir -p "$root/content/acme/shares" "$root/content/other/shares"
  cat > "$root/sharegen.json" <<EOF
{"channels": {"PROD": {"baseURL": "https://watch.example.test"}}, "siteName": "Abuse",
 "signing": {"mediaBaseURL": "https://media.example.test", "defaultTTLSeconds": 300, "maxTTLSeconds": 3600}}
EOF
  for project in acme other; do
    cat > "$root/content/$project/shares/private.json" <<EOF
{"channel": "PROD", "slug": "${project}q7xk3mzp2vw4rt", "publicTitle": "$project $version",
 "video": {"id": "video-$project", "visibility": "private",
           "hlsUrl": "https://media.example.test/videos/$project/index.m3u8",
           "mp4Url": "https://media.example.test/videos/$project/1080p.mp4"}}
EOF
  done
}
site "$WORK/a" one
"$BIN" credentials create --root "$WORK/a" --project acme --json > "$WORK/acme.json"
"$BIN" credentials create --root "$WORK/a" --project other --json > /dev/null
cp -r "$WORK/a" "$WORK/b"
site "$WORK/b" two
for version in a b; do
  "$BIN" build --root "$WORK/$version" --out "$WORK/dist-$version" 2> "$WORK/build-$version.log" \
    || { cat "$WORK/build-$version.log" >&2; exit 1; }
done
cp "$WORK/dist-a/manifest.json" "$WORK/manifest.json"
"$BIN" keys generate > "$WORK/keys.json"

read -r API_KEY SECRET < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["apiKey"], c["apiSecret"])' "$WORK/acme.json")
"$BIN" signer --manifest "$WORK/manifest.json" --keys "$WORK/keys.json" --port "$PORT" --log-level error 2> "$WORK/signer.log" &
SIGNER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o "$WORK/share.json" -H "x-api-key: $SECRET" "http://127.0.0.1:$PORT/v1/shares/acmeq7xk3mzp2vw4rt?ttl=3600" 2>/dev/null && break
  sleep 0.1
done
[ -s "$WORK/share.json" ] || { echo "error: the signer does not answer" >&2; cat "$WORK/signer.log" >&2; exit 1; }

# Tokens: the signer's own (valid for an hour), one with a flipped signature character, and
# one signed correctly with the active key but expired in 2023.
python3 - "$WORK" <<'EOF' > "$WORK/tokens"
import base64, hashlib, hmac, json, sys
work = sys.argv[1]
url = json.load(open(work + "/share.json"))["hlsUrl"]
valid = url[len("https://media.example.test"):]
_, _, expires, key_id, signature, media = valid.split("/", 5)
flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
keys = json.load(open(work + "/keys.json"))
key = base64.b64decode(keys["keys"][keys["active"]])
directory = "/" + media[: media.rindex("/") + 1]
old = 1700000000
expired_signature = base64.urlsafe_b64encode(hmac.new(key, ("%d:%s" % (old, directory)).encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
print(valid)
print("/t/%s/%s/%s/%s" % (expires, key_id, flipped, media))
print("/t/%d/%s/%s/%s" % (old, key_id, expired_signature, media))
EOF
mapfile -t TOKENS < "$WORK/tokens"

BASIC=$(printf '%s:%s' "$API_KEY" "$SECRET" | base64 -w0)
# The secret with its last character changed.
TAMPERED_BASIC=$(printf '%s:%s%s' "$API_KEY" "${SECRET%?}" "$([ "${SECRET: -1}" = x ] && echo y || echo x)" | base64 -w0)
BIG=$(head -c 49152 /dev/zero | base64 -w0)
LONG=$(head -c 6000 /dev/zero | tr '\0' a)
cat > "$WORK/abuse.lua" <<EOF
-- One connection per thread: a response always answers this thread's latest request.
local classes = {
  {"valid key",        200, "GET",  "/v1/shares/acmeq7xk3mzp2vw4rt", {["x-api-key"] = "$SECRET"}},
  {"valid basic",      200, "GET",  "/v1/shares/acmeq7xk3mzp2vw4rt?ttl=60", {["Authorization"] = "Basic $BASIC"}},
  {"heygen valid",     200, "POST", "/v1/video/share", {["x-api-key"] = "$SECRET", ["Content-Type"] = "application/json"}, '{"video_id": "video-acme"}'},
  {"valid token",      204, "GET",  "/v1/verify", {["X-Original-URI"] = "${TOKENS[0]}"}},
  {"wrong secret",     401, "GET",  "/v1/shares/acmeq7xk3mzp2vw4rt", {["x-api-key"] = "sk_wrongwrongwrongwrongwrongwrongwrongwrong"}},
  {"tampered basic",   401, "GET",  "/v1/shares/acmeq7xk3mzp2vw4rt", {["Authorization"] = "Basic $TAMPERED_BASIC"}},
  {"no credential",    401, "GET",  "/v1/shares/acmeq7xk3mzp2vw4rt", {}},
  {"other project",    404, "GET",  "/v1/shares/otherq7xk3mzp2vw4rt", {["x-api-key"] = "$SECRET"}},
  {"unknown slug",     404, "GET",  "/v1/shares/nosuchslug2345678", {["x-api-key"] = "$SECRET"}},
  {"long slug",        404, "GET",  "/v1/shares/$LONG", {["x-api-key"] = "$SECRET"}},
  {"ttl too large",    400, "GET",  "/v1/shares/acmeq7xk3mzp2vw4rt?ttl=999999", {["x-api-key"] = "$SECRET"}},
  {"bad json",         400, "POST", "/v1/video/share", {["x-api-key"] = "$SECRET"}, '{"video_id": '},
  {"oversized body",   413, "POST", "/v1/video/share", {["x-api-key"] = "$SECRET"}, '{"video_id": "$BIG"}'},
  {"tampered token",   403, "GET",  "/v1/verify", {["X-Original-URI"] = "${TOKENS[1]}"}},
  {"expired token",    403, "GET",  "/v1/verify", {["X-Original-URI"] = "${TOKENS[2]}"}},
  {"traversal token",  403, "GET",  "/v1/verify", {["X-Original-URI"] = "${TOKENS[0]%/*}/..%2F..%2Fother/index.m3u8"}},
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {}; next_class = 0; current = nil end
function request()
  next_class = next_class % #classes + 1
  current = classes[next_class]
  return wrk.format(current[3], current[4], current[5], current[6])
end
function response(status, headers, body)
  local key = current[1] .. "|" .. current[2] .. "|" .. status
  counts[key] = (counts[key] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do total[key] = (total[key] or 0) + count end
  end
  for key, count in pairs(total) do io.write("COUNT|" .. key .. "|" .. count .. "\n") end
  io.write(string.format("ERRORS|%d|%d|%d|%d|%d\n", summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
EOF

rss() { awk '/^VmRSS/ {print $2}' "/proc/$SIGNER_PID/status"; }
RSS_BEFORE=$(rss)

# Every second: replace the manifest by rename (as a deployment does), then SIGHUP.
(
  version=a
  while true; do
    version=$([ "$version" = a ] && echo b || echo a)
    cp "$WORK/dist-$version/manifest.json" "$WORK/manifest.json.tmp"
    mv "$WORK/manifest.json.tmp" "$WORK/manifest.json"
    kill -HUP "$SIGNER_PID"
    echo reload >> "$WORK/reloads"
    sleep 1
  done
) &
RELOADER_PID=$!
(
  while kill -0 "$SIGNER_PID" 2>/dev/null; do rss >> "$WORK/rss" 2>/dev/null || true; sleep 1; done
) &

echo "wrk -t$CONNECTIONS -c$CONNECTIONS -d$DURATION against $(basename "$BIN") on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$WORK/abuse.lua" "http://127.0.0.1:$PORT" > "$WORK/wrk.txt"
kill "$RELOADER_PID"; RELOADER_PID=
RSS_AFTER=$(rss)
RSS_MAX=$(sort -n "$WORK/rss" | tail -1)

awk -F'|' '
  /^COUNT/ {
    class = $2; expected = $3; status = $4; count = $5
    total += count; per[class] += count
    if (status >= 500) server += count
    if (status >= 200 && status < 300 && (expected < 200 || expected >= 300)) wrong += count
    if (status != expected) { other[class] = other[class] " " status "x" count; mismatched += count }
  }
  /^ERRORS/ { errors = sprintf("connect %d, read %d, write %d, timeout %d", $2, $3, $4, $6) }
  END {
    for (class in per) printf "  %-16s %8d%s\n", class, per[class], (class in other ? "   unexpected:" other[class] : "")
    printf "answers %d, 5xx %d, wrong 2xx %d, other unexpected statuses %d; socket errors: %s\n", total, server, wrong, mismatched, errors
    exit (server > 0 || wrong > 0)
  }' "$WORK/wrk.txt" && verdict=pass || verdict=FAIL
grep -E "Requests/sec|requests in" "$WORK/wrk.txt" | sed 's/^ */  /'
echo "manifest reloads: $(wc -l < "$WORK/reloads"); signer RSS: before ${RSS_BEFORE} KiB, max ${RSS_MAX} KiB, after ${RSS_AFTER} KiB"
# Warm-up (allocator arenas, connection buffers) shows early; a leak keeps growing to the end.
echo "RSS every 10 s (KiB): $(awk 'NR % 10 == 1' "$WORK/rss" | tr '\n' ' ')"
echo "result: $verdict"
[ "$verdict" = pass ]
