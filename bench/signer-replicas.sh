#!/usr/bin/env bash
# Several `sharegen signer` replicas behind nginx `upstream` act as one signer (SPEC §7):
# a token issued by one verifies on every other; under wrk load through nginx, a manifest
# and key rollout (file rewritten, then SIGHUP to each replica in turn) and the loss of a
# replica (SIGKILL) fail no request, because nginx retries on the next replica
# (`proxy_next_upstream`). All on loopback; it stops by itself.
#
#   bench/signer-replicas.sh       REPLICAS=3 DURATION=20s CONNECTIONS=32 bench/signer-replicas.sh
#
# SHAREGEN=path uses that binary instead of building a release one. Needs wrk, nginx and
# curl. Prints requests, non-2xx, socket errors and p99, then `replicas: ok` or exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

REPLICAS=${REPLICAS:-3}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SLUG=bench-private-share

for tool in wrk nginx curl sha256sum python3; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "error: $tool is not installed (apt-get install -y wrk nginx curl)" >&2; exit 2; }
done
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

. bench/signer-fixture.sh
bench_start
bench_manifest "Version one" > "$WORK/manifest.json"
"$BIN" keys generate > "$WORK/keys.json"

# Every replica reads the same two files, as replicas deployed from one build would.
SIGNER_PIDS=()
SIGNER_PORTS=()
UPSTREAM=""
for index in $(seq 1 "$REPLICAS"); do
  port=$(free_port)
  "$BIN" signer --manifest "$WORK/manifest.json" --keys "$WORK/keys.json" --port "$port" 2> "$WORK/signer-$index.log" &
  SIGNER_PIDS+=($!)
  PIDS+=($!)
  SIGNER_PORTS+=("$port")
  UPSTREAM+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done

NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
bench_nginx <<EOF
  upstream sharegen_signer {
$UPSTREAM    keepalive 32;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://sharegen_signer;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_next_upstream_tries $REPLICAS;
    }
  }
EOF

for port in "${SIGNER_PORTS[@]}"; do wait_for "http://127.0.0.1:$port/healthz"; done
wait_for -H "x-api-key: $SECRET" "http://127.0.0.1:$NGINX_PORT/v1/shares/$SLUG"

# A token issued by one replica verifies on each (nginx's auth_request asks any of them).
TOKEN_URI=$(curl -fsS -H "x-api-key: $SECRET" "http://127.0.0.1:${SIGNER_PORTS[0]}/v1/shares/$SLUG" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["hlsUrl"].split("https://media.example.com", 1)[1])')
for port in "${SIGNER_PORTS[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Original-URI: $TOKEN_URI" "http://127.0.0.1:$port/v1/verify")
  [ "$code" = 204 ] || { echo "error: replica on port $port answered $code to another replica's token" >&2; exit 1; }
done
echo "a token issued by replica 1 verifies on all $REPLICAS replicas"

cat > "$WORK/auth.lua" <<EOF
wrk.headers["x-api-key"] = "$SECRET"
EOF

seconds=${DURATION%s}
[ "$seconds" -ge 6 ] || { echo "error: DURATION must be at least 6s, to roll out and lose a replica under load" >&2; exit 2; }
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/auth.lua" "http://127.0.0.1:$NGINX_PORT/v1/shares/$SLUG" > "$WORK/wrk.txt" &
WRK_PID=$!

# A third of the way in: roll a new manifest and a key file with one more key out, one
# replica at a time, as a deploy would.
sleep "$(python3 -c "print($seconds / 3)")"
bench_manifest "Version two" > "$WORK/manifest.json.new" && mv "$WORK/manifest.json.new" "$WORK/manifest.json"
python3 - "$WORK/keys.json" "$("$BIN" keys generate)" <<'EOF'
import json, sys
keys = json.load(open(sys.argv[1]))
keys["keys"].update(json.loads(sys.argv[2])["keys"])
json.dump(keys, open(sys.argv[1] + ".new", "w"))
EOF
mv "$WORK/keys.json.new" "$WORK/keys.json"
for pid in "${SIGNER_PIDS[@]}"; do kill -HUP "$pid"; sleep 0.3; done
# Two thirds of the way: one replica dies without warning.
sleep "$(python3 -c "print($seconds / 3 - 0.3 * $REPLICAS)")"
{ kill -KILL "${SIGNER_PIDS[0]}"; wait "${SIGNER_PIDS[0]}"; } 2>/dev/null || true
wait "$WRK_PID"

requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/wrk.txt")
errors=$(awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); print}' "$WORK/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION through nginx to $REPLICAS replicas ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
echo "requests: $requests   non-2xx: ${non2xx:-0}   socket errors: ${errors:-none}   p99: $p99   req/s: $rps"

# The survivors serve the new manifest, and the access logs hold no secret or token.
digests=$(for port in "${SIGNER_PORTS[@]:1}"; do curl -fsS "http://127.0.0.1:$port/healthz" | python3 -c 'import json, sys; print(json.load(sys.stdin)["manifestDigest"])'; done | sort -u)
expected=$(sha256sum "$WORK/manifest.json" | cut -d' ' -f1)
signature=$(echo "$TOKEN_URI" | cut -d/ -f6)
status=ok
[ "$digests" = "$expected" ] || { echo "error: the surviving replicas serve $digests, not the rolled-out $expected" >&2; status=failed; }
[ "${non2xx:-0}" = 0 ] && [ -z "$errors" ] || { echo "error: requests failed during the rollout or the replica's loss" >&2; status=failed; }
if grep -qF -e "$SECRET" -e "$signature" "$WORK"/signer-*.log; then echo "error: a signer log holds a secret or a token" >&2; status=failed; fi
echo "access-log lines: $(cat "$WORK"/signer-*.log | grep -c '"message":"request"')"
echo "replicas: $status"
[ "$status" = ok ]
