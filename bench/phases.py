#!/usr/bin/env python3
"""Where the agent's time goes, from `strace -f -ttt` traces of `secret-agent fetch` (see bench/README.md).

    phases.py N MANIFEST AWS_CONFIG TRACE...

Each phase ends at a syscall the agent must make anyway, so the agent carries no timing code: the manifest's openat
ends the process start (runtime init, command-line parse), the first openat of the AWS config file ends the
manifest/settings/target work, the first AF_INET socket ends credential resolution and SDK client creation, the first
recvfrom that returns bytes ends the first request, the last rename (the ..data swap) ends the fetch, decrypt and
staging of the rest, and exit_group ends it all. Prints the median of each phase over the traces, in ms.
"""
import re
import statistics
import sys

LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(.*)$")


def landmarks(path, manifest, aws_config):
    marks = {}
    for raw in open(path):
        m = LINE.match(raw)
        if not m:
            continue
        t, rest = float(m.group(2)), m.group(3)
        def first(name):
            marks.setdefault(name, t)
        if rest.startswith("execve("):
            first("exec")
        elif rest.startswith("openat(") and f'"{manifest}"' in rest:
            first("manifest")
        elif rest.startswith("openat(") and f'"{aws_config}"' in rest:
            first("aws_config")
        elif rest.startswith("socket(AF_INET"):
            first("socket")
        elif rest.startswith("recvfrom(") and re.search(r"= [1-9]\d*$", rest.strip()):
            first("first_response")
        elif re.match(r"renameat2?\(|rename\(", rest):
            marks["swap"] = t
        elif rest.startswith("exit_group("):
            marks["exit"] = t
    return marks


PHASES = [
    ("process start (exec to manifest open)", "exec", "manifest"),
    ("manifest, settings, target", "manifest", "aws_config"),
    ("credentials, region, SDK clients", "aws_config", "socket"),
    ("first request (socket to first response bytes)", "socket", "first_response"),
    ("the rest (fetch, unwrap, decrypt, stage all)", "first_response", "swap"),
    ("swap to exit", "swap", "exit"),
]


def main():
    n, manifest, aws_config, traces = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    all_marks = [landmarks(p, manifest, aws_config) for p in traces]
    # Without an AWS config read the second and third phases merge.
    for marks in all_marks:
        marks.setdefault("aws_config", marks.get("manifest"))
    print(f"fetch of {n} config(s), under strace (median of {len(traces)} traced runs; strace slows every syscall):")
    total = []
    for label, a, b in PHASES:
        values = [(m[b] - m[a]) * 1000 for m in all_marks if a in m and b in m]
        if values:
            print(f"  {label:<50} {statistics.median(values):8.1f} ms")
    total = [(m["exit"] - m["exec"]) * 1000 for m in all_marks if "exit" in m and "exec" in m]
    if total:
        print(f"  {'total (traced)':<50} {statistics.median(total):8.1f} ms")


if __name__ == "__main__":
    main()
