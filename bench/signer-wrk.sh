#!/usr/bin/env bash
# Benchmark, not a test: wrk on loopback against the signer's GET /v1/shares/{slug} for a
# private share (a credential check, two HMACs and a JSON answer per request), and against
# nginx serving a small static file in the same run, as a yardstick for the machine.
#
#   bench/signer-wrk.sh            DURATION=20s CONNECTIONS=128 THREADS=2 bench/signer-wrk.sh
#
# LOG_LEVEL=info keeps the signer's access log on (default: warning, without it);
# SHAREGEN=path uses that binary instead of building a release one.
# Needs wrk and nginx (apt-get install -y wrk nginx). Prints requests/s and p99 for both.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SIGNER_PORT=${SIGNER_PORT:-18481}
NGINX_PORT=${NGINX_PORT:-18482}
SLUG=bench-private-share

for tool in wrk nginx curl sha256sum; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "error: $tool is not installed (apt-get install -y wrk nginx curl)" >&2; exit 2; }
done

. bench/signer-fixture.sh
bench_start
bench_manifest "A message from your advisor" > "$WORK/manifest.json"
"$BIN" keys generate > "$WORK/keys.json"

"$BIN" signer --manifest "$WORK/manifest.json" --keys "$WORK/keys.json" --port "$SIGNER_PORT" --log-level "${LOG_LEVEL:-warning}" 2> "$WORK/signer.log" &
SIGNER_PID=$!
PIDS+=("$SIGNER_PID")

mkdir -p "$WORK/static" "$WORK/nginx"
head -c 1024 /dev/urandom | base64 > "$WORK/static/small.txt"
bench_nginx <<EOF
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/static;
  }
EOF

wait_for -H "x-api-key: $SECRET" "http://127.0.0.1:$SIGNER_PORT/v1/shares/$SLUG"
wait_for "http://127.0.0.1:$NGINX_PORT/small.txt"

# wrk sets headers from Lua; the secret stays out of the process list.
cat > "$WORK/auth.lua" <<EOF
wrk.headers["x-api-key"] = "$SECRET"
EOF

# CPU seconds (user + system) the signer has used so far: the cost per request, unlike
# requests/s, does not depend on what else the machine is doing.
signer_cpu_ticks() { awk '{print $14 + $15}' "/proc/$SIGNER_PID/stat"; }

run() {
  local name=$1; shift
  local out="$WORK/wrk-$RANDOM.txt" before after
  before=$(signer_cpu_ticks)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$out"
  after=$(signer_cpu_ticks)
  local rps p99 requests non2xx errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  requests=$(awk '/requests in/ {print $1}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")
  errors=$(awk '/Socket errors:/ {print $0}' "$out")
  printf '%-30s %10s req/s   p99 %8s   non-2xx %s %s\n' "$name" "$rps" "$p99" "${non2xx:-0}" "$errors"
  if [ "${CPU:-}" = signer ]; then
    awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%-30s %10.1f µs of signer CPU per request\n", "", t / hz * 1e6 / n }'
  fi
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores"
curl -fsS -o "$WORK/sample.json" -H "x-api-key: $SECRET" "http://127.0.0.1:$SIGNER_PORT/v1/shares/$SLUG"
echo "signed answer: $(wc -c < "$WORK/sample.json") bytes"
CPU=signer run "signer GET /v1/shares/{slug}" -s "$WORK/auth.lua" "http://127.0.0.1:$SIGNER_PORT/v1/shares/$SLUG"
run "nginx static 1.4 KB file" "http://127.0.0.1:$NGINX_PORT/small.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine lowers the requests/s)"
