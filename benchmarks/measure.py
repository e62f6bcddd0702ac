#!/usr/bin/env python3
"""Whole-process timing for benchmarks/run.sh.

Runs a command N times (stdout and stderr discarded unless --keep-output) and
prints one JSON object: median, min and max wall time in seconds, the median
CPU time (user + system) and the largest peak RSS (MB, as GNU time reports
it) over the runs. Fails if the
command exits with a code not listed in --ok-codes.

  measure.py --runs 5 --label NAME [--ok-codes 0,1] -- CMD ARG...
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(cmd, keep_output):
    # Peak RSS comes from GNU time: wait4() on a child forked from Python
    # would count the Python image the child started as.
    out = None if keep_output else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        wrapped = ["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name] + cmd
        start = time.perf_counter()
        rc = subprocess.call(wrapped, stdout=out, stderr=out)
        elapsed = time.perf_counter() - start
        fields = rss_file.read().split()[-3:]
    try:
        rss_mb, cpu_s = int(fields[0]) / 1024.0, float(fields[1]) + float(fields[2])
    except (IndexError, ValueError):
        rss_mb, cpu_s = float("nan"), float("nan")
    return elapsed, rss_mb, cpu_s, rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--label", required=True)
    ap.add_argument("--ok-codes", default="0")
    ap.add_argument("--keep-output", action="store_true")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    ok = {int(c) for c in a.ok_codes.split(",")}
    for _ in range(a.warmup):
        run_once(cmd, a.keep_output)
    times, rss, cpu = [], [], []
    for _ in range(a.runs):
        t, m, c, rc = run_once(cmd, a.keep_output)
        if rc not in ok:
            print(f"measure.py: {a.label}: exit code {rc}: {' '.join(cmd)}", file=sys.stderr)
            sys.exit(1)
        times.append(t)
        rss.append(m)
        cpu.append(c)
    print(json.dumps({"label": a.label, "runs": a.runs,
                      "median_s": statistics.median(times), "min_s": min(times),
                      "max_s": max(times), "cpu_s": statistics.median(cpu),
                      "rss_mb": max(rss)}))


if __name__ == "__main__":
    main()
