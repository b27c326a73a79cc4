#!/usr/bin/env python3
"""Interleaved A/B of two sharegen binaries on one corpus: full build, one-share edit, no-op.

Usage: bench/ab.py BEFORE AFTER CORPUS ROUNDS OUTROOT

Each round runs both binaries in turn (the order alternates): a full build with --force
into a new folder, then a one-share title edit made 2.2 s before the builds (past the
racy window, as an author's edit is) and built by each into its own folder, then a
no-op. Prints medians (min) and peak RSS as a Markdown table. A benchmark, not a test.
"""
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenarios import edited_share, replace, run  # noqa: E402


def main():
    binaries = {"before": sys.argv[1], "after": sys.argv[2]}
    corpus, rounds, outroot = sys.argv[3], int(sys.argv[4]), sys.argv[5]
    os.makedirs(outroot, exist_ok=True)
    share = edited_share(corpus)
    original = open(share, encoding="utf-8").read()
    results = {(name, scenario): [] for name in binaries for scenario in ("full", "edit", "no-op")}
    for name, binary in binaries.items():
        run([binary, "build", "--root", corpus, "--out", "%s/incremental-%s" % (outroot, name)])
    try:
        for index in range(rounds):
            order = list(binaries.items())
            if index % 2:
                order.reverse()
            for name, binary in order:
                shutil.rmtree("%s/full-%s" % (outroot, name), ignore_errors=True)
                results[(name, "full")].append(run([binary, "build", "--force", "--root", corpus, "--out", "%s/full-%s" % (outroot, name)]))
            replace(share, original.replace('publicTitle: "', 'publicTitle: "A/B %d ' % index, 1))
            time.sleep(2.2)
            for scenario in ("edit", "no-op"):
                for name, binary in order:
                    results[(name, scenario)].append(run([binary, "build", "--root", corpus, "--out", "%s/incremental-%s" % (outroot, name)]))
    finally:
        replace(share, original)
    print("| scenario | before s, median (min) | after s, median (min) | peak RSS MiB before / after |")
    print("|---|---:|---:|---:|")
    for scenario in ("full", "edit", "no-op"):
        cells = []
        for name in binaries:
            walls = [sample["wall"] for sample in results[(name, scenario)]]
            cells.append("%.3f (%.3f)" % (statistics.median(walls), min(walls)))
        rss = " / ".join("%.1f" % statistics.median(sample["rss"] for sample in results[(name, scenario)]) for name in binaries)
        print("| %s | %s | %s | %s |" % (scenario, cells[0], cells[1], rss))
    for name in binaries:
        full = statistics.median(sample["wall"] for sample in results[(name, "full")])
        edit = statistics.median(sample["wall"] for sample in results[(name, "edit")])
        print("%s: edit / full = %.3f" % (name, edit / full))


if __name__ == "__main__":
    main()
