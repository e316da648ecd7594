#!/usr/bin/env python3
"""Prints bench/run.sh's results as Markdown tables, then every target of issue 12 with its value and pass/miss.

    report.py RESULTS_DIR RUNS REST_SECONDS
"""
import json
import os
import platform
import subprocess
import sys

res, runs, rest_s = sys.argv[1], sys.argv[2], sys.argv[3]


def load(name, default=None):
    path = os.path.join(res, name)
    return json.load(open(path)) if os.path.exists(path) else default


R = load("runs.json", {})
Q = load("requests.json", {})
S = load("sizes.json", {})
W = load("rest.json", {})
F = load("fleet.json", {})
MB = 1e6
TARGETS = []


def target(text, value, ok):
    TARGETS.append((text, value, "n/a" if ok is None else ("pass" if ok else "MISS")))


def sizes_run():
    return sorted({int(k.split("-")[1]) for k in R if k.startswith("agent-") and k.split("-")[1].isdigit()})


def ms(name):
    return R[name]["wall_ms"] if name in R else None


def fmt(v, unit=""):
    return "-" if v is None else f"{v:.1f}{unit}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def machine():
    load = open("/proc/loadavg").read().split()[0]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {platform.release()}, .NET SDK {dotnet}, load average {load} at the end"


print(f"## secret-agent against its peers, moto on 127.0.0.1 ({runs} interleaved rounds, medians)")
print(f"\nMachine: {machine()}.\n")
print("| configs | contender | wall ms | CPU ms | peak RSS MiB | S3 req | KMS req | x agent |")
print("|---|---|---|---|---|---|---|---|")
for n in sizes_run():
    agent = ms(f"agent-{n}")
    for who in ("agent", "floor", "boto3", "cli"):
        name = f"{who}-{n}"
        if name not in R:
            continue
        r, q = R[name], Q.get(name, {})
        print(f"| {n} | {who} | {r['wall_ms']:.1f} | {r['cpu_ms']:.1f} | {r['rss_kib']/1024:.1f} | {q.get('s3', '-')} | {q.get('kms', '-')} | {fmt(ratio(r['wall_ms'], agent))} |")
for name in ("agent-1mib", "hello", "agent-help"):
    if name in R:
        r, q = R[name], Q.get(name, {})
        print(f"| - | {name} | {r['wall_ms']:.1f} | {r['cpu_ms']:.1f} | {r['rss_kib']/1024:.1f} | {q.get('s3', '-')} | {q.get('kms', '-')} | |")

for name, why in R.get("_dropped", {}).items():
    print(f"\n{name}: dropped after failing twice ({why.splitlines()[0][:200]}); a peer's failure is not the agent's.")
fewer = [f"{k} {v['runs']}" for k, v in R.items() if not k.startswith("_") and v["runs"] < int(runs)]
if fewer:
    print(f"\nFewer runs (the per-contender time budget): {', '.join(fewer)}.")

if S:
    carrier = "n/a (no artifacts/opt/secret-agent yet)" if S.get("carrier") is None else f"{S['carrier']/MB:.1f} MB"
    print(f"\nSizes: secret-agent {S['agent']/MB:.1f} MB ({S['form']}), secret-agent-admin {S['admin']/MB:.1f} MB, "
          f"NativeAOT hello {S['hello']/MB:.1f} MB, /opt/secret-agent {carrier}.")

if os.path.exists(os.path.join(res, "phases.txt")):
    print("\n## Where the time goes\n\n```")
    print(open(os.path.join(res, "phases.txt")).read().rstrip())
    print("```")

if W:
    cpu_pct = 100 * W["cpu_ticks"] / W["hz"] / W["seconds"]
    rest = W["rest"]
    print(f"\n## The sidecar at rest (watch --interval 1s, 10 configs, {W['seconds']:.0f} s)\n")
    print("| resident MiB (max / start / end) | CPU % of a core | S3 req/s | KMS calls at rest | threads | fds | rotation: publish to swap | rotation KMS calls |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {W['rss_kib_max']/1024:.1f} / {W['rss_kib_start']/1024:.1f} / {W['rss_kib_end']/1024:.1f} | {cpu_pct:.2f} | "
          f"{rest['s3']/W['seconds']:.1f} | {rest['kms']} | {W['threads_start']} -> {W['threads_end']} | {W['fds_start']} -> {W['fds_end']} | "
          f"{W['rotation_ms']:.0f} ms | {W['rotation_kms']} |")

if F.get("start"):
    print(f"\n## Fleet: in-process agents against a KMS quota of {F['kms_rate']:.0f} req/s (burst {F['kms_burst']:.0f})\n")
    print("| phase | agents | all ready s | p50 s | p99 s | bound s | failed | KMS throttled | KMS calls |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in ("start", "rotation"):
        for row in F.get(kind, []):
            print(f"| {kind} | {row['agents']} | {row['all_ready_s']:.1f} | {row['p50_s']:.1f} | {row['p99_s']:.1f} | {row['bound_s']:.1f} | {row['failed']} | {row['throttled']} | {row['kms']} |")
    soak = F.get("soak")
    if soak:
        print(f"\nSoak: {soak['agents']} watchers at --interval 1s for {soak['seconds']} s, {soak['fault_rate']*100:.0f} % random proxy faults "
              f"({soak['faults']} injected): managed heap {soak['heap_mib_start']:.1f} -> {soak['heap_mib_end']:.1f} MiB, "
              f"working set {soak['ws_mib_start']:.1f} -> {soak['ws_mib_end']:.1f} MiB, fds {soak['fds_start']} -> {soak['fds_end']}, "
              f"threads {soak['threads_start']} -> {soak['threads_end']}; swaps after the faults' rotation: {soak['updated']}/{soak['agents']}.")

# Targets.
cli10, boto10, agent10 = ms("cli-10"), ms("boto3-10"), ms("agent-10")
r = ratio(cli10, agent10)
target("10 configs: >= 100x faster than the aws CLI script", fmt(r, "x"), None if r is None else r >= 100)
r = ratio(boto10, agent10)
target("10 configs: >= 5x faster than parallel boto3", fmt(r, "x"), None if r is None else r >= 5)
for n, bound in ((1, 2.0), (10, 1.3), (100, 1.3)):
    r = ratio(ms(f"agent-{n}"), ms(f"floor-{n}"))
    target(f"{n} config(s): within {bound}x of the protocol floor", fmt(r, "x"), None if r is None else r <= bound)
rss10 = R.get("agent-10", {}).get("rss_kib")
target("peak memory fetching 10 configs <= 25 MB", "-" if rss10 is None else f"{rss10*1024/MB:.1f} MB", None if rss10 is None else rss10 * 1024 <= 25 * MB)
if S:
    target("the agent's executable <= 16 MB", f"{S['agent']/MB:.1f} MB", S["agent"] <= 16 * MB)
    c = S.get("carrier")
    target("/opt/secret-agent <= 25 MB", "n/a" if c is None else f"{c/MB:.1f} MB", None if c is None else c <= 25 * MB)
if W:
    target("sidecar at rest: < 20 MB resident", f"{W['rss_kib_max']*1024/MB:.1f} MB", W["rss_kib_max"] * 1024 < 20 * MB)
    target("sidecar at rest: < 0.5 % of a core at 1 s", f"{cpu_pct:.2f} %", cpu_pct < 0.5)
    target("sidecar at rest: 0 KMS calls while nothing changes", str(W["rest"]["kms"]), W["rest"]["kms"] == 0)
for kind in ("start", "rotation"):
    for row in F.get(kind, []):
        ok = row["failed"] == 0 and row["all_ready_s"] <= row["bound_s"]
        target(f"fleet {kind}: all {row['agents']} agents ready within {row['bound_s']:.0f} s", f"{row['all_ready_s']:.1f} s, {row['failed']} failed", ok)
if F.get("soak"):
    s = F["soak"]
    ok = s["fds_end"] <= s["fds_start"] + 8 and s["threads_end"] <= s["threads_start"] + 8 and s["heap_mib_end"] <= s["heap_mib_start"] * 1.5 + 8
    target("fleet soak: no growth in memory, fds, threads", f"heap {s['heap_mib_start']:.0f}->{s['heap_mib_end']:.0f} MiB, fds {s['fds_start']}->{s['fds_end']}, threads {s['threads_start']}->{s['threads_end']}", ok)

print("\n## Targets (issue 12)\n")
print("| target | measured | |")
print("|---|---|---|")
for text, value, verdict in TARGETS:
    print(f"| {text} | {value} | {verdict} |")
