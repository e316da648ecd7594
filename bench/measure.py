#!/usr/bin/env python3
"""Runs the contenders interleaved and records wall time, CPU time (user+sys) and peak RSS of each run.

    python3 bench/measure.py SPEC.json RESULTS.json

SPEC: {"runs": R, "warmup": W, "contenders": [{"name": ..., "cmd": "shell command", "clear": "dir or null"}]}.
Each round runs every contender once, in a fresh random order (so drift in the machine's load spreads over all of
them); W rounds are thrown away first. Before each run the contender's "clear" directory is emptied (not timed).
Wall time is perf_counter around fork/exec..wait4; CPU comes from wait4's rusage, which covers the command and
every descendant it waited for (so a shell script's figures include all its aws/curl processes). Peak RSS is GNU
time's %M (the largest single process of the command's tree), because a child forked from this Python process
starts with Python's resident pages and wait4's ru_maxrss would never report less than those (about 15 MB). A run that exits non-zero stops the benchmark: a failing contender measures
nothing. RESULTS: per contender the samples and their medians.
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def clear(path):
    if not path:
        return
    for entry in os.listdir(path):
        full = os.path.join(path, entry)
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full)
        else:
            os.unlink(full)


RSS_FILE = tempfile.mktemp(prefix="bench12-rss.")


def run_once(c):
    clear(c.get("clear"))
    rss_file = RSS_FILE
    start = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file, "/bin/bash", "-c", c["cmd"]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"bench/measure.py: error: {c['name']} exited {proc.returncode}: {err.strip()[-400:]}")
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    return {"wall_ms": wall * 1000, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000, "rss_kib": rss}


def main():
    spec = json.load(open(sys.argv[1]))
    contenders = spec["contenders"]
    samples = {c["name"]: [] for c in contenders}
    for round_no in range(spec.get("warmup", 1) + spec["runs"]):
        order = contenders[:]
        random.shuffle(order)
        for c in order:
            s = run_once(c)
            if round_no >= spec.get("warmup", 1):
                samples[c["name"]].append(s)
    results = {}
    for name, runs in samples.items():
        results[name] = {
            "runs": len(runs),
            "wall_ms": statistics.median(r["wall_ms"] for r in runs),
            "wall_ms_min": min(r["wall_ms"] for r in runs),
            "cpu_ms": statistics.median(r["cpu_ms"] for r in runs),
            "rss_kib": statistics.median(r["rss_kib"] for r in runs),
            "samples": runs,
        }
    json.dump(results, open(sys.argv[2], "w"), indent=1)
    if os.path.exists(RSS_FILE):
        os.unlink(RSS_FILE)


if __name__ == "__main__":
    main()
