#!/usr/bin/env python3
"""Times `sharegen serve` from saving a share file to the reload event on an open page's
event stream. A benchmark, not a test.

Usage: serve-reload.py SHAREGEN SITE CHANNEL RUNS

SITE is copied to a temporary folder first (content/, templates/ and sharegen.json), so
that the original is never edited. Each run opens /__sharegen/events, saves one Enabled
share of CHANNEL with a new title the way editors do (a temporary file renamed over the
old one), and measures until `event: reload` arrives. Prints the median, minimum and
maximum, the server's own time per rebuild (its "built ... in N ms" lines) and the
stages of each rebuild (`--timings`).
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_site(site, target):
    for name in ("content", "templates"):
        if os.path.isdir(os.path.join(site, name)):
            shutil.copytree(os.path.join(site, name), os.path.join(target, name), symlinks=True)
    if os.path.exists(os.path.join(site, "sharegen.json")):
        shutil.copy(os.path.join(site, "sharegen.json"), target)


def pick_share(root, channel):
    pattern = re.compile(r'(^|")channel"?\s*:\s*"?%s\b' % channel, re.M)
    for directory, _, names in sorted(os.walk(os.path.join(root, "content"))):
        for name in sorted(names):
            path = os.path.join(directory, name)
            if not directory.endswith("/shares") or not name.endswith((".md", ".json")):
                continue
            text = open(path, encoding="utf-8").read()
            if pattern.search(text) and "Disabled" not in text and "publicTitle" in text:
                return path, text
    sys.exit("no Enabled %s share found" % channel)


def save(path, text):
    temporary = os.path.join(os.path.dirname(path), ".%s.swp" % os.path.basename(path))
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def open_stream(port):
    stream = socket.create_connection(("127.0.0.1", port), timeout=120)
    stream.sendall(b"GET /__sharegen/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    read_until(stream, b": waiting for changes\n\n")
    return stream


def read_until(stream, marker):
    received = b""
    while marker not in received:
        chunk = stream.recv(65536)
        if not chunk:
            sys.exit("the event stream closed early: %r" % received)
        received += chunk
    return received


def main():
    sharegen, site, channel, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    root = tempfile.mkdtemp(prefix="serve-reload-")
    try:
        copy_site(site, root)
        share, original = pick_share(root, channel)
        port = free_port()
        log = open(os.path.join(root, "serve.log"), "w+")
        server = subprocess.Popen([sharegen, "serve", "--root", root, "--channel", channel, "--port", str(port), "--timings"],
                                  stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, NO_COLOR="1"))
        try:
            started = time.monotonic()
            while "serving" not in open(log.name).read():
                if server.poll() is not None or time.monotonic() - started > 600:
                    sys.exit("the server did not start:\n" + open(log.name).read())
                time.sleep(0.05)
            first_build = re.findall(r"built \S+: .* in (.+)", open(log.name).read())
            latencies = []
            for index in range(runs):
                stream = open_stream(port)
                edited = re.sub(r'(publicTitle"?\s*:\s*"?)', r"\g<1>Edit %d " % index, original, count=1)
                start = time.monotonic()
                save(share, edited)
                read_until(stream, b"event: reload")
                latencies.append((time.monotonic() - start) * 1000)
                stream.close()
                time.sleep(0.3)
            save(share, original)
            time.sleep(1)
        finally:
            server.terminate()
            server.wait()
        builds = re.findall(r"built \S+: .* in (\S+ m?s) \((\d+) rendered", open(log.name).read())
        print("site: %s (%s), edited: %s" % (site, channel, os.path.relpath(share, root)))
        print("first build: %s" % (first_build[0] if first_build else "?"))
        print("save -> reload event, %d runs: median %.0f ms, min %.0f ms, max %.0f ms" % (
            runs, statistics.median(latencies), min(latencies), max(latencies)))
        print("  each: " + ", ".join("%.0f" % value for value in latencies))
        print("server build times (ms): " + ", ".join(ms for ms, _ in builds))
        for line in re.findall(r"^load: .*$", open(log.name).read(), re.M)[1:]:
            print("  stages: " + line)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
