# Sourced by the signer benchmarks: a manifest with one private share and the credential
# that may read it. The secret is random per run and only its hash is in the manifest, as
# in production. Needs SLUG set; sets SECRET.
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
