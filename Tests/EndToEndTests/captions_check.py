#!/usr/bin/env python3
"""Public captions and embedding as a user deploys them, in headless Chromium.

Usage: captions_check.py SHAREGEN WORK_DIR

ffmpeg makes a 3 s MP4 and a poster; the same files (with WebVTT captions) are served by
two nginx media servers: one sends no CORS headers at all, the other sends
`Access-Control-Allow-Origin: *` (what the README asks of a media host). The site is
built with one public share on each, served by nginx with the build's nginx.conf, and a
third origin frames both a landing page and an embed page.

Prints one JSON object:
{"pages": {"nocors"|"cors": {"readyState", "currentTime", "error", "tracks", "cues", "mode", "crossOrigin"}},
 "posters": {"nocors"|"cors": status},
 "framing": {"refusals": count, "landing"|"embed": {"href", "player"}}}
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_check import start_chromium  # noqa: E402
from signed_media_check import _answers, free_port, nginx_main, poll, run, site_server  # noqa: E402

CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:01.500
First line

00:00:01.500 --> 00:00:03.000
Second line
"""

STATE = """
const video = document.querySelector('.player video');
video.muted = true;
if (video.paused) { video.play().catch(function () {}); }
const tracks = Array.from(video.textTracks);
return {readyState: video.readyState, currentTime: video.currentTime, error: video.error ? video.error.code : null,
        tracks: tracks.length, cues: tracks.length && tracks[0].cues ? tracks[0].cues.length : 0,
        mode: tracks.length ? tracks[0].mode : null, crossOrigin: video.crossOrigin};
"""


def make_media(folder):
    os.makedirs(folder)
    run("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15:duration=3",
        "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "v.mp4", cwd=folder)
    run("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180", "-frames:v", "1", "poster.jpg", cwd=folder)
    with open(folder + "/en.vtt", "w") as f:
        f.write(CAPTIONS)


def write_site(root, site_port, media_ports):
    os.makedirs(root)
    with open(root + "/sharegen.json", "w") as f:
        json.dump({"channels": {"DEV": {"baseURL": "http://127.0.0.1:%d" % site_port}}, "siteName": "Captions test"}, f)
    for name, port in media_ports.items():
        media = "http://127.0.0.1:%d" % port
        os.makedirs(root + "/content/%s/shares" % name)
        with open(root + "/content/%s/shares/film.json" % name, "w") as f:
            json.dump({"channel": "DEV", "slug": "%s-film-k4m2n7p3" % name, "publicTitle": "A film (%s)" % name, "video": {
                "id": "v-" + name, "mp4Url": media + "/v.mp4", "thumbnailUrl": media + "/poster.jpg",
                "captions": [{"locale": "en", "label": "English", "src": media + "/en.vtt"}]}}, f)


def nginx_config(work, dist, media, site_port, media_ports, frame_port):
    media_servers = "".join("""
  server {
    listen 127.0.0.1:%d;
    root %s;
    types { video/mp4 mp4; image/jpeg jpg; text/vtt vtt; }
    access_log %s/%s-access.log;
    %s
  }
""" % (port, media, work, name, "add_header Access-Control-Allow-Origin * always;" if name == "cors" else "") for name, port in media_ports.items())
    framing = """
  server {
    listen 127.0.0.1:%d;
    root %s/framing;
  }
""" % (frame_port, work)
    return nginx_main(work, site_server(site_port, dist) + framing + media_servers)


def main():
    sharegen, work = sys.argv[1], sys.argv[2]
    site_port, frame_port = free_port(), free_port()
    media_ports = {"nocors": free_port(), "cors": free_port()}
    make_media(work + "/media")
    write_site(work + "/root", site_port, media_ports)
    run(sharegen, "build", "--channel", "DEV", "--out", work + "/dist", "--root", work + "/root")
    site = "http://127.0.0.1:%d" % site_port
    os.makedirs(work + "/framing")
    with open(work + "/framing/index.html", "w") as f:
        f.write('<!DOCTYPE html><title>frames</title><iframe id="landing" src="%s/cors-film-k4m2n7p3/"></iframe>'
                '<iframe id="embed" src="%s/embed/cors-film-k4m2n7p3/"></iframe>' % (site, site))
    with open(work + "/nginx.conf", "w") as f:
        f.write(nginx_config(work, work + "/dist", work + "/media", site_port, media_ports, frame_port))
    nginx = subprocess.Popen(["nginx", "-c", work + "/nginx.conf", "-p", work], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    driver = None
    report = {"pages": {}, "posters": {}, "framing": {}}
    try:
        for port in [site_port, frame_port] + list(media_ports.values()):
            poll("nginx on %d" % port, lambda port=port: _answers("http://127.0.0.1:%d/" % port))
        driver = start_chromium("")
        driver.set_window_size(1280, 900)
        for name in media_ports:
            driver.get("%s/%s-film-k4m2n7p3/" % (site, name))
            deadline = time.monotonic() + 20
            state = driver.execute_script(STATE)
            # Plays past half a second; where CORS is allowed, until the caption track has its cues too.
            while time.monotonic() < deadline and not (state["currentTime"] > 0.5 and (name == "nocors" or state["cues"] > 0)):
                time.sleep(0.1)
                state = driver.execute_script(STATE)
            report["pages"][name] = state
        for name in media_ports:
            with open("%s/%s-access.log" % (work, name)) as f:
                lines = [line for line in f if "/poster.jpg" in line]
            report["posters"][name] = int(lines[-1].split('" ')[1].split()[0]) if lines else 0
        driver.get("http://127.0.0.1:%d/" % frame_port)
        refusals = []

        # What each frame shows: a refused one holds Chromium's error page, not the site's.
        def frames():
            refusals.extend(entry.get("message", "") for entry in driver.get_log("browser") if "Refused to display" in entry.get("message", ""))
            shown = {}
            for frame in ("landing", "embed"):
                driver.switch_to.frame(driver.find_element("id", frame))
                shown[frame] = driver.execute_script(
                    "return {href: location.href, player: document.querySelector('.player video') !== null}")
                driver.switch_to.default_content()
            # Both frames have loaded something: an error page or a page with its player.
            return shown if all(s["href"].startswith("chrome-error:") or s["player"] for s in shown.values()) else None

        report["framing"] = poll("both frames", frames)
        report["framing"]["refusals"] = len(refusals)
    finally:
        if driver:
            driver.quit()
        nginx.terminate()
        nginx.wait(timeout=20)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
