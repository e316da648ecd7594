#!/usr/bin/env python3
"""Runs the contenders interleaved and records wall time, CPU time (user+sys) and peak RSS of each run.

    python3 bench/measure.py SPEC.json RESULTS.json

SPEC: {"runs": R, "warmup": W, "contenders": [{"name": ..., "cmd": "shell command", "clear": "dir or null"}]}.
Each round runs every contender once, in a fresh random order (so drift in the machine's load spreads over all of
them); W rounds are thrown away first. Before each run the contender's "clear" directory is emptied (not timed).
Wall time is perf_counter around fork/exec..wait4; CPU comes from wait4's rusage, which covers the command and
every descendant it waited for (so a shell script's figures include all its aws/curl processes). Peak RSS is GNU
time's %M (the largest single process of the command's tree), because a child forked from this Python process
starts with Python's resident pages and wait4's ru_maxrss would never report less than those (about 15 MB).

Bounded time. Each contender has a time budget (spec "budget_s", warm-up included): once its runs so far have used
it, it runs no more rounds (it keeps at least "min_runs" measured runs), so a slow contender (the aws CLI script at
50 or 100 configs takes minutes per run) gets fewer runs instead of stretching the whole benchmark; a run longer
than "timeout_s" is killed and counts as a failure. Failures: the agent's own ("agent" and "agent-*") stop the
benchmark (exit 1), since they are what is measured. A peer or floor that fails is retried once at once (moto on a
busy machine sometimes drops a connection), and if it fails again it is dropped with its reason in
RESULTS["_dropped"]; the report says so and the run goes on. RESULTS: per contender the samples and their medians.
"""
import json
import os
import random
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
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


class RunFailed(Exception):
    pass


def essential(name):
    return name == "agent" or name.startswith("agent-")


def kill_group(pid, killed):
    killed.append(True)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_once(c, timeout_s):
    clear(c.get("clear"))
    rss_file = RSS_FILE
    start = time.perf_counter()
    # stderr to a file, not a pipe: a chatty contender must not block on a full pipe while we wait for it.
    with tempfile.TemporaryFile() as err_file:
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file, "/bin/bash", "-c", c["cmd"]],
                                stdout=subprocess.DEVNULL, stderr=err_file, start_new_session=True)
        killed = []
        timer = threading.Timer(timeout_s, kill_group, (proc.pid, killed))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        timed_out = bool(killed)
        wall = time.perf_counter() - start
        err_file.seek(0)
        err = err_file.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        why = f"killed after {timeout_s:.0f} s" if timed_out else f"exited {proc.returncode}"
        raise RunFailed(f"{c['name']} {why}: {err.strip()[-400:]}")
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    return {"wall_ms": wall * 1000, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000, "rss_kib": rss}


def run_or_retry(c, timeout_s):
    """One run; a peer's failure is retried once. Returns the sample, or raises RunFailed."""
    try:
        return run_once(c, timeout_s)
    except RunFailed as first:
        if essential(c["name"]):
            sys.exit(f"bench/measure.py: error: {first}")
        print(f"    {first}; retrying once", file=sys.stderr)
        return run_once(c, timeout_s)


def main():
    spec = json.load(open(sys.argv[1]))
    contenders = spec["contenders"]
    warmup, budget_s = spec.get("warmup", 1), spec.get("budget_s", float("inf"))
    min_runs, timeout_s = spec.get("min_runs", 1), spec.get("timeout_s", 600)
    samples = {c["name"]: [] for c in contenders}
    spent = {c["name"]: 0.0 for c in contenders}
    dropped = {}
    for round_no in range(warmup + spec["runs"]):
        order = [c for c in contenders if c["name"] not in dropped
                 and (spent[c["name"]] < budget_s or (round_no >= warmup and len(samples[c["name"]]) < min_runs))]
        random.shuffle(order)
        for c in order:
            try:
                s = run_or_retry(c, timeout_s)
            except RunFailed as e:
                print(f"    dropped: {e}", file=sys.stderr)
                dropped[c["name"]] = str(e)
                continue
            spent[c["name"]] += s["wall_ms"] / 1000
            if round_no >= warmup:
                samples[c["name"]].append(s)
    results = {"_dropped": dropped} if dropped else {}
    for name, runs in samples.items():
        if not runs:
            continue
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
