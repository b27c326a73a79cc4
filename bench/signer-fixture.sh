# Sourced by the signer benchmarks, from the repository root: a manifest with one private
# share and the credential that may read it. The secret is random per run and only its
# hash is in the manifest, as in production. Needs SLUG set; sets SECRET.
SECRET="sk_bench_$(head -c 32 /dev/urandom | sha256sum | cut -c1-43)"
HASH=$(printf %s "$SECRET" | sha256sum | cut -d' ' -f1)

# bench_manifest TITLE: the manifest on standard output; another title makes another manifest.
bench_manifest() {
  cat <<EOF
{
  "version": 1, "channel": "PROD", "baseURL": "https://watch.example.com", "siteName": "Bench",
  "signing": {"mediaBaseURL": "https://media.example.com", "defaultTTLSeconds": 300, "maxTTLSeconds": 3600},
  "shares": [{
    "id": "7d1c3a52-0000-4000-8000-000000000001", "project": "bench", "slug": "$SLUG", "path": "/$SLUG/",
    "url": "https://watch.example.com/$SLUG/", "status": "Enabled", "visibility": "private",
    "video": {"id": "0f8e5b2a9c7d4e6f8a1b2c3d4e5f6a7b", "status": "completed",
              "hlsUrl": "https://media.example.com/videos/0f8e5b2a9c7d4e6f8a1b2c3d4e5f6a7b/index.m3u8",
              "mp4Url": "https://media.example.com/videos/0f8e5b2a9c7d4e6f8a1b2c3d4e5f6a7b/1080p.mp4",
              "thumbnailUrl": "https://media.example.com/videos/0f8e5b2a9c7d4e6f8a1b2c3d4e5f6a7b/poster.jpg"},
    "locale": "en-US", "title": "$1",
    "description": "This video walks through your year in *three minutes*.\n\n- how your portfolio did\n- fees you paid\n",
    "metadata": {"program": "annual-review"}, "createdAt": "2026-02-24T09:00:00Z", "sourceFile": "content/bench/shares/a.json"
  }],
  "redirects": [], "gone": [],
  "credentials": [{"id": "5f0c2d1e-0000-4000-8000-000000000002", "project": "bench", "apiKey": "pk_bench",
                   "secretHash": "sha256:$HASH", "status": "active"}]
}
EOF
}

# wait_for CURL_ARGS...: until curl gets a 2xx answer, for at most 10 s.
wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$@" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "error: no answer from $*" >&2
  exit 1
}

# bench_start: sets BIN (the binary in SHAREGEN, else a release build), WORK (a temporary
# folder removed at exit) and PIDS (processes to end at exit: append to it).
bench_start() {
  if [ -n "${SHAREGEN:-}" ]; then
    BIN=$SHAREGEN
  else
    echo "building sharegen (release)…" >&2
    mkdir -p .build-bench
    swift build -c release --scratch-path .build-bench --product sharegen > .build-bench/build.log 2>&1 || { cat .build-bench/build.log >&2; exit 1; }
    BIN=.build-bench/release/sharegen
  fi
  WORK=$(mktemp -d)
  chmod 755 "$WORK"
  PIDS=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}

# bench_nginx < HTTP_BLOCK: starts nginx in $WORK/nginx on loopback with standard input as
# the inside of its http { } block, and adds it to PIDS.
bench_nginx() {
  mkdir -p "$WORK/nginx"
  {
    [ "$(id -u)" = 0 ] && echo "user root;"
    cat <<EOF
daemon off;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
EOF
    cat
    echo "}"
  } > "$WORK/nginx/nginx.conf"
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
  PIDS+=($!)
}
