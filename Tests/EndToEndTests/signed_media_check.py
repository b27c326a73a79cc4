#!/usr/bin/env python3
"""A private share played as a user deploys it, then revoked by rotate-slug.

Usage: signed_media_check.py SHAREGEN_BINARY WORK_DIR [NJS_MODULE]

ffmpeg makes a 2 s HLS stream with two renditions in subfolders (the layout ffmpeg
and most packagers write), a poster and WebVTT captions; `sharegen build` makes the
site; `sharegen signer` (its --keys file) answers nginx's auth_request in front of
the media, with the README's media server block (access log without the token);
headless Chromium opens the signed share link and plays it. Then `rotate-slug`,
a rebuild, SIGHUP to the signer and `nginx -s reload`: the old link's files answer
403. With NJS_MODULE, a second media server verifies tokens at the edge with
edge/njs/sharegen.js (the README's setup) and the build's revoked.json, and refuses
the old link after the same reload. Prints one JSON report on the last line;
SignedMediaTests.swift checks it. Every wait is a bounded poll.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_check import start_chromium  # noqa: E402

SLUG = "demo-private-film"

# The README's media server block ("Private media behind nginx"), with this run's paths.
MEDIA_HTTP = r"""
  # The token is the URL's secret: log the path with it cut out.
  map $request_uri $sharegen_logged_uri {
    "~^(?<sharegen_before>[^?]*?)/t/[^/?]*/[^/?]*/[^/?]*/[^/?]*(?<sharegen_after>/[^?]*)?" "$sharegen_before/t/-$sharegen_after";
    "~/t/" "/t/-";
    default $request_uri;
  }
  log_format sharegen_media '$remote_addr [$time_local] "$request_method $sharegen_logged_uri" $status $body_bytes_sent';
  upstream sharegen_signer { server 127.0.0.1:{signer_port}; keepalive 8; }

  server {
    listen 127.0.0.1:{media_port};
    access_log {logs}/media-access.log sharegen_media;
    location ~ "^/t/[0-9]+/[A-Za-z0-9_-]+/[a-z0-9-]+/[A-Za-z0-9_-]+(?<media_path>/.*)$" {
      auth_request /_verify;
      alias {media_root}$media_path;
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; video/mp4 mp4 m4s; text/vtt vtt; image/jpeg jpg; image/png png; image/webp webp; }
      add_header Access-Control-Allow-Origin {site_origin};
      add_header Cache-Control "private, max-age=60";
      # nginx's error lines quote the request line, token included.
      log_not_found off;
      error_log {logs}/media-error.log crit;
    }
    location = /_verify {
      internal;
      proxy_pass http://sharegen_signer/v1/verify;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location / { return 404; }
  }
"""

# The README's edge setup ("Verifying media at the edge"): the same token location,
# verified by njs with the signer's key file and the build's revoked.json.
EDGE_HTTP = r"""
  js_path {repository}/edge/;
  js_import sharegen from njs/sharegen.js;
  js_preload_object sharegen_keys from {keys};
  js_preload_object sharegen_revoked from {dist}/redirects/revoked.json;

  server {
    listen 127.0.0.1:{edge_port};
    access_log {logs}/edge-access.log sharegen_media;
    location ~ "^/t/[0-9]+/[A-Za-z0-9_-]+/[a-z0-9-]+/[A-Za-z0-9_-]+(?<media_path>/.*)$" {
      auth_request /_verify;
      alias {media_root}$media_path;
      log_not_found off;
      error_log {logs}/edge-error.log crit;
    }
    location = /_verify { internal; js_content sharegen.verify; }
  }
"""

CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:01.000
Hello from the private film

00:00:01.000 --> 00:00:02.000
Second line
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*arguments, cwd=None):
    result = subprocess.run(arguments, cwd=cwd, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (" ".join(arguments), result.returncode, result.stdout, result.stderr))
    return result.stdout


def status(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def poll(what, condition, limit=20.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError("timed out waiting for " + what)


def settled(what, condition, runs=10, limit=20.0):
    """Polls until `condition` holds `runs` times in a row: after `nginx -s reload`, old
    workers keep answering with the old configuration for a moment."""
    deadline = time.monotonic() + limit
    streak = 0
    while time.monotonic() < deadline:
        streak = streak + 1 if condition() else 0
        if streak >= runs:
            return
        time.sleep(0.05 if streak == 0 else 0.01)
    raise RuntimeError("timed out waiting for " + what)


def make_media(folder):
    """Two renditions (320x180 and 160x90) of a 2 s clip in 180p/ and 90p/, a master
    index.m3u8 beside them, a poster, and captions in captions/."""
    os.makedirs(folder + "/captions")
    run("ffmpeg", "-hide_banner", "-loglevel", "error",
        "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
        "-filter_complex", "[0:v]split=2[a][b];[b]scale=160:90[small]",
        "-map", "[a]", "-map", "[small]", "-map", "1:a", "-map", "1:a",
        "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-g", "15", "-b:v:0", "300k", "-b:v:1", "100k",
        "-c:a", "aac", "-b:a", "48k", "-ac", "1",
        "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", "-master_pl_name", "index.m3u8",
        "-var_stream_map", "v:0,a:0,name:180p v:1,a:1,name:90p",
        "-hls_segment_filename", "%v/seg-%d.ts", "%v/index.m3u8", cwd=folder)
    run("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180",
        "-frames:v", "1", "poster.jpg", cwd=folder)
    with open(folder + "/captions/en.vtt", "w") as f:
        f.write(CAPTIONS)


def write_site(root, site_port, media_port):
    media = "http://127.0.0.1:%d" % media_port
    os.makedirs(root + "/content/demo/shares")
    with open(root + "/sharegen.json", "w") as f:
        json.dump({"channels": {"DEV": {"baseURL": "http://127.0.0.1:%d" % site_port}}, "siteName": "Signed media test",
                   "signing": {"mediaBaseURL": media, "defaultTTLSeconds": 300, "maxTTLSeconds": 3600}}, f)
    with open(root + "/content/demo/shares/private.json", "w") as f:
        json.dump({"channel": "DEV", "slug": SLUG, "publicTitle": "A private film", "video": {
            "id": "vid-private-film", "visibility": "private", "hlsUrl": media + "/videos/demo/index.m3u8",
            "thumbnailUrl": media + "/videos/demo/poster.jpg",
            "captions": [{"locale": "en", "label": "English", "src": media + "/videos/demo/captions/en.vtt"}]}}, f)


def nginx_config(work, site_port, media_port, signer_port, dist, media_root, edge_port, njs):
    values = {"signer_port": signer_port, "media_port": media_port, "logs": work, "media_root": media_root,
              "site_origin": "http://127.0.0.1:%d" % site_port, "edge_port": edge_port, "dist": dist,
              "keys": work + "/keys.json", "repository": os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))}
    media = MEDIA_HTTP + (EDGE_HTTP if njs else "")
    for key, value in values.items():
        media = media.replace("{%s}" % key, str(value))
    return ("load_module %s;\n" % njs if njs else "") + nginx_main(work, site_server(site_port, dist) + media)


def nginx_main(work, http):
    """A foreground nginx configuration whose files all lie in `work`, around the `http` block's body."""
    return """
daemon off;
%s
worker_processes 1;
pid %s/nginx.pid;
error_log %s/error.log warn;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path %s/client_body; proxy_temp_path %s/proxy; fastcgi_temp_path %s/fastcgi;
  uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;
%s
}
""" % ("user root;" if os.geteuid() == 0 else "", work, work, work, work, work, work, work, http)


def site_server(port, dist):
    """The README's server block for the built site in `dist`."""
    return """
  server {
    listen 127.0.0.1:%d;
    root %s/site;
    include %s/redirects/nginx.conf;
  }
""" % (port, dist, dist)


PLAY = """
const video = document.querySelector('video');
if (!video || video.hidden) { return null; }
video.muted = true;
if (video.paused) { video.play().catch(function () {}); }
const track = video.querySelector('track');
const cues = video.textTracks.length ? video.textTracks[0].cues : null;
return {readyState: video.readyState, currentTime: video.currentTime, currentSrc: video.currentSrc,
        poster: video.poster, trackState: track ? track.readyState : -1, trackMode: video.textTracks.length ? video.textTracks[0].mode : null,
        cues: cues ? cues.length : 0, width: video.videoWidth, error: video.error ? video.error.code : null};
"""


def main():
    sharegen, work = sys.argv[1], sys.argv[2]
    njs = sys.argv[3] if len(sys.argv) > 3 else None
    report = {}
    children = []
    site_port, media_port, signer_port, edge_port = free_port(), free_port(), free_port(), free_port()
    root, dist, media_root = work + "/site", work + "/dist", work + "/media"
    make_media(media_root + "/videos/demo")
    report["renditions"] = sorted(name for name in os.listdir(media_root + "/videos/demo") if name.endswith("p"))
    write_site(root, site_port, media_port)
    credential = json.loads(run(sharegen, "credentials", "create", "--project", "demo", "--json", "--root", root))
    with open(work + "/keys.json", "w") as f:
        f.write(run(sharegen, "keys", "generate"))
    run(sharegen, "build", "--channel", "DEV", "--root", root, "--out", dist)
    signer_log = open(work + "/signer.log", "w")
    signer = subprocess.Popen([sharegen, "signer", "--manifest", dist + "/manifest.json", "--keys", work + "/keys.json",
                               "--port", str(signer_port)], stdout=signer_log, stderr=signer_log)
    children.append(signer)
    with open(work + "/nginx.conf", "w") as f:
        f.write(nginx_config(work, site_port, media_port, signer_port, dist, media_root, edge_port, njs))
    nginx = subprocess.Popen(["nginx", "-p", work + "/", "-c", work + "/nginx.conf", "-e", work + "/error.log"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children.append(nginx)
    driver = None
    try:
        signer_url = "http://127.0.0.1:%d" % signer_port
        poll("the signer", lambda: _answers(signer_url + "/healthz"))
        poll("nginx", lambda: _answers("http://127.0.0.1:%d/" % media_port))
        with open("%s/site/%s/index.html" % (dist, SLUG)) as f:
            report["pageHasNoMediaURL"] = "/videos/demo/" not in f.read()
        code, body = status(signer_url + "/v1/shares/" + SLUG, {"x-api-key": credential["apiSecret"]})
        share = json.loads(body)
        link, hls = share["shareUrl"], share["hlsUrl"]
        signature = hls.split("/t/")[1].split("/")[3]

        driver = start_chromium("")
        driver.get(link)
        state = poll("playback", lambda: _playing(driver), limit=30)
        report["playback"] = state
        driver.quit()
        driver = None

        rendition = hls.replace("index.m3u8", "180p/seg-0.ts")
        report["before"] = {"master": status(hls)[0], "rendition": status(rendition)[0], "poster": status(hls.replace("index.m3u8", "poster.jpg"))[0]}
        # The same link at the edge: the edge server's origin, the token's path.
        at_edge = rendition.replace(":%d/" % media_port, ":%d/" % edge_port)
        if njs:
            report["edgeBefore"] = status(at_edge)[0]

        rotated = run(sharegen, "rotate-slug", "demo", "DEV", "--root", root, "--actor", "test")
        run(sharegen, "build", "--channel", "DEV", "--root", root, "--out", dist)
        signer.send_signal(signal.SIGHUP)
        run("nginx", "-p", work + "/", "-c", work + "/nginx.conf", "-e", work + "/error.log", "-s", "reload")
        poll("the old link to be refused", lambda: status(rendition)[0] == 403)
        # `nginx -s reload` returns before the new workers answer.
        old_page = "http://127.0.0.1:%d/%s/" % (site_port, SLUG)
        settled("nginx to serve the rebuilt site", lambda: status(old_page)[0] == 410)
        if njs:
            settled("the edge to refuse the revoked slug", lambda: status(at_edge)[0] == 403)
        with open(dist + "/redirects/revoked.json") as f:
            revoked = json.load(f)
        new_slug = next(line.split()[-1] for line in rotated.splitlines() if line.startswith("new slug:"))
        code, body = status(signer_url + "/v1/shares/" + new_slug, {"x-api-key": credential["apiSecret"]})
        new_hls = json.loads(body)["hlsUrl"] if code == 200 else ""
        if njs:
            report["edgeAfter"] = status(at_edge)[0]
            report["edgeNewLink"] = status(new_hls.replace(":%d/" % media_port, ":%d/" % edge_port).replace("index.m3u8", "90p/seg-1.ts"))[0] if new_hls else 0
        report["after"] = {"master": status(hls)[0], "rendition": status(rendition)[0], "captions": status(hls.replace("index.m3u8", "captions/en.vtt"))[0],
                           "oldPage": status(old_page)[0],
                           "newLink": status(new_hls.replace("index.m3u8", "90p/seg-1.ts"))[0] if new_hls else code,
                           "revokedListsOldSlug": SLUG in revoked, "newSlugRevoked": new_slug in revoked}
        with open(work + "/media-access.log") as f:
            access = f.read()
        report["accessLog"] = {"lines": len(access.splitlines()), "renditionSegments": access.count("/180p/seg-") + access.count("/90p/seg-"),
                               "captions": "/captions/en.vtt" in access}
        logs = access
        for name in ("signer.log", "media-error.log", "error.log", "edge-access.log", "edge-error.log"):
            if os.path.exists(work + "/" + name):
                with open(work + "/" + name) as f:
                    logs += f.read()
        report["signatureInLogs"] = signature in logs
    finally:
        if driver:
            driver.quit()
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=20)
    print(json.dumps(report))


def _answers(url):
    try:
        return status(url)[0] > 0
    except OSError:
        return False


def _playing(driver):
    state = driver.execute_script(PLAY)
    if state and state["readyState"] >= 3 and state["currentTime"] > 0.5 and state["trackState"] == 2 and state["cues"] > 0:
        return state
    return None


if __name__ == "__main__":
    main()
