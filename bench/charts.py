#!/usr/bin/env python3
"""Draws bench/run.sh's results with gnuplot (Debian's gnuplot-nox): docs/img/bench-fetch.png, docs/img/fleet.png.

    charts.py RESULTS_DIR IMG_DIR
"""
import json, os, shutil, subprocess, sys, tempfile

res, img = sys.argv[1], sys.argv[2]
os.makedirs(img, exist_ok=True)
runs = json.load(open(os.path.join(res, "runs.json")))
sizes = sorted({int(k.split("-")[1]) for k in runs if k.startswith("agent-") and k.split("-")[1].isdigit()})
who = ["agent", "floor", "boto3", "cli"]
tmp = tempfile.mkdtemp(prefix="bench12-charts.")
with open(f"{tmp}/fetch.dat", "w") as f:
    f.write("configs " + " ".join(who) + "\n")
    for n in sizes:
        f.write(f"{n} " + " ".join(f"{runs[f'{w}-{n}']['wall_ms']:.1f}" if f"{w}-{n}" in runs else "NaN" for w in who) + "\n")
script = f"""
set terminal pngcairo size 900,500 font ',11'
set output '{img}/bench-fetch.png'
set title 'fetch N configs of 1 KiB from moto on loopback: median wall time (ms, log scale)'
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [1:*]
set key top left
set ylabel 'ms'
set xlabel 'configs'
plot '{tmp}/fetch.dat' using 2:xtic(1) title 'secret-agent', '' using 3 title 'protocol floor (curl)', '' using 4 title 'boto3, parallel', '' using 5 title 'aws CLI script'
"""
fleet_path = os.path.join(res, "fleet.json")
fleet = json.load(open(fleet_path)) if os.path.exists(fleet_path) else {}
if fleet.get("start"):
    for kind in ("start", "rotation"):
        with open(f"{tmp}/{kind}.dat", "w") as f:
            for r in fleet.get(kind, []):
                f.write(f"{r['agents']} {r['all_ready_s']:.2f} {r['p50_s']:.2f} {r['bound_s']:.2f}\n")
    rot = f", '{tmp}/rotation.dat' using 1:2 with linespoints lw 2 title 'rotation: all swapped'" if fleet.get("rotation") else ""
    script += f"""
set output '{img}/fleet.png'
set style data linespoints
unset logscale y
set yrange [0:*]
set title 'fleet: time until every agent is ready, KMS quota {fleet['kms_rate']:.0f} req/s'
set xlabel 'agents'
set ylabel 's'
plot '{tmp}/start.dat' using 1:2 with linespoints lw 2 title 'start: all ready', '' using 1:3 with linespoints title 'start: median', '' using 1:4 with lines dt 2 title 'stated bound'{rot}
"""
try:
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
finally:
    shutil.rmtree(tmp)
