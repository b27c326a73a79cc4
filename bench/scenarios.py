#!/usr/bin/env python3
"""Times sharegen's build scenarios on one corpus and prints Markdown table rows.

Usage: scenarios.py SHAREGEN FLOOR CORPUS RUNS OUTROOT

Scenarios (median of RUNS, each a whole process measured with wait4 like
../shared/bench/timeit.py): full build into a new folder (--force), no-op rebuild,
one-share edit then rebuild, `check`, and the floor (read every input, write the
same number and sizes of files, no rendering). A benchmark, not a test.
"""
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd):
    start = time.monotonic()
    # Diagnostics go to a file, not a pipe: thousands of warnings (the corpus's shares have
    # no `created` audit entry) would fill a pipe nobody reads before wait4, and hang both.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit("failed: %s\n%s" % (" ".join(cmd), errors.read().decode()))
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def median(samples):
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def replace(path, text):
    temporary = path + ".bench-tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def edited_share(corpus):
    """The share file the one-share edit changes: the first Enabled PROD share in Markdown."""
    return next(path for path in sorted(glob.glob(corpus + "/content/*/shares/*.md"))
                if 'channel: "PROD"' in open(path, encoding="utf-8").read() and "Disabled" not in open(path, encoding="utf-8").read())


def main():
    sharegen, floor, corpus, runs, outroot = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    os.makedirs(outroot, exist_ok=True)
    n = os.path.basename(corpus.rstrip("/"))
    rows = {}

    full = []
    for index in range(runs):
        subprocess.run(["sync"])
        full.append(run([sharegen, "build", "--force", "--root", corpus, "--out", "%s/full-%d" % (outroot, index)]))
    rows["full build"] = median(full)

    incremental = outroot + "/incremental"
    run([sharegen, "build", "--root", corpus, "--out", incremental])
    rows["no-op rebuild"] = median([run([sharegen, "build", "--root", corpus, "--out", incremental]) for _ in range(runs)])

    share = edited_share(corpus)
    original = open(share, encoding="utf-8").read()
    edits = []
    for index in range(runs):
        replace(share, original.replace("publicTitle: \"", "publicTitle: \"Edit %d " % index, 1))
        subprocess.run(["sync"])
        edits.append(run([sharegen, "build", "--root", corpus, "--out", incremental]))
    replace(share, original)
    run([sharegen, "build", "--root", corpus, "--out", incremental])
    rows["one-share edit"] = median(edits)

    rows["check"] = median([run([sharegen, "check", "--root", corpus]) for _ in range(runs)])

    listing = outroot + "/listing.txt"
    with open(listing, "w") as handle:
        subprocess.run(["find", incremental, "-type", "f", "-printf", "%s %P\n"], stdout=handle, check=True)
    floors = []
    for index in range(runs):
        subprocess.run(["sync"])
        floors.append(run([floor, corpus, listing, "%s/floor-%d" % (outroot, index)]))
    rows["floor (no rendering)"] = median(floors)

    base = rows["full build"]["wall"]
    for name, figures in rows.items():
        print("| %s | %s | %.3f | %.2f | %.2f | %.0f | %.3f |" % (
            n, name, figures["wall"], figures["user"], figures["sys"], figures["rss"], figures["wall"] / base))


if __name__ == "__main__":
    main()
