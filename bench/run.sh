#!/usr/bin/env bash
# The benchmark harness of issue 12, one command, against moto on loopback (see bench/README.md):
#
#   bench/run.sh            # full form: 1, 10, 50, 100 configs and 1 MiB, 10 interleaved rounds, 5 min at rest, fleet
#                           # (bounded: each contender gets at most BUDGET_SECONDS of runs, so the aws CLI script at
#                           # 50 and 100 configs runs once or twice instead of ten times)
#   bench/run.sh --short    # CI's form: 10 configs, 3 rounds, 1 min at rest, a small fleet (about 3 minutes)
#
# Knobs (environment): RUNS, SIZES ("1 10 50 100"), CLI_MAX (largest manifest the aws CLI script runs, default 10),
# BUDGET_SECONDS (time one contender may use over all its runs, warm-up included; at least one run is kept),
# RUN_TIMEOUT (seconds before one run is killed), REST_SECONDS, FLEET_N ("250 1000 2000"), FLEET_SOAK_SECONDS, BENCH_BIN (a directory holding secret-agent and
# secret-agent-admin to measure instead of publishing them), CHARTS=1 (draw docs/img/*.png with gnuplot),
# BENCH_OUT (where results go; default artifacts/bench). It installs what it needs with apt-get (curl, jq, strace,
# gnuplot for charts) if missing, starts moto and its proxies on free 127.0.0.1 ports, and removes all it made.
# Prints every target of the issue with the measured value and pass/miss; exits 0 unless the harness itself fails
# (a missed target is a finding, not an error).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHORT=0
[ "${1:-}" = --short ] && SHORT=1
if [ $SHORT = 1 ]; then
    RUNS=${RUNS:-3} SIZES=${SIZES:-10} BUDGET_SECONDS=${BUDGET_SECONDS:-40} REST_SECONDS=${REST_SECONDS:-60} FLEET_N=${FLEET_N:-100} FLEET_SOAK_SECONDS=${FLEET_SOAK_SECONDS:-15} BIG=${BIG:-0}
else
    RUNS=${RUNS:-10} SIZES=${SIZES:-1 10 50 100} BUDGET_SECONDS=${BUDGET_SECONDS:-120} CLI_MAX=${CLI_MAX:-100} REST_SECONDS=${REST_SECONDS:-300} FLEET_N=${FLEET_N:-250 1000 2000} FLEET_SOAK_SECONDS=${FLEET_SOAK_SECONDS:-120} BIG=${BIG:-1}
fi
CLI_MAX=${CLI_MAX:-10} RUN_TIMEOUT=${RUN_TIMEOUT:-600}
OUT=${BENCH_OUT:-$ROOT/artifacts/bench}
RES=$OUT/results
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

die() { printf 'bench/run.sh: error: %s\n' "$*" >&2; exit 1; }
note() { printf '    %s\n' "$*"; }
step() { printf '== %s (%s)\n' "$*" "$(date -u +%T)"; }
# shellcheck source=scripts/lib/publish.sh
. "$ROOT/scripts/lib/publish.sh"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

install_tools() {
    local packages=()
    command -v curl >/dev/null || packages+=(curl)
    command -v jq >/dev/null || packages+=(jq)
    command -v strace >/dev/null || packages+=(strace)
    [ "${CHARTS:-0}" = 1 ] && ! command -v gnuplot >/dev/null && packages+=(gnuplot-nox)
    python3 -c 'import moto.server, boto3' 2>/dev/null || die "python3 with moto and boto3 is needed (the machine image ships them)"
    command -v aws >/dev/null || die "the aws CLI (v1, from the machine image's python3) is needed"
    if [ ${#packages[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "need root to apt-get install ${packages[*]}"
        apt-get update -qq && apt-get install -y -qq "${packages[@]}" >/dev/null || die "apt-get install ${packages[*]} failed"
    fi
}

binaries() {
    step "binaries"
    if [ -n "${BENCH_BIN:-}" ]; then
        BIN=$BENCH_BIN
        note "measuring $BIN (BENCH_BIN)"
    else
        BIN=$OUT/bin
        publish_agent "$OUT/publish-agent" "$BIN" "$OUT/symbols"
        publish_admin "$OUT/publish-admin" "$BIN" "$OUT/symbols"
        [ "$SECRET_AGENT_FORM" = nativeaot ] || note "warning: the agent is the trimmed build, not what ships"
    fi
    [ -x "$BIN/secret-agent" ] && [ -x "$BIN/secret-agent-admin" ] || die "no secret-agent and secret-agent-admin in $BIN"
    dotnet publish bench/hello -c Release -r linux-x64 -o "$OUT/hello" >"$OUT/hello.log" 2>&1 \
        || die "publishing bench/hello (NativeAOT) failed; see $OUT/hello.log"
}

cleanup() {
    local rc=$?
    set +e
    stop_pid "${MOTO_PID:-}"
    stop_pid "${WATCH_PID:-}"
    stop_pid "${PROXY_PID:-}"
    rm -rf "${WORK:-}" "${TARGET:-}"
    exit "$rc"
}

mkdir -p "$OUT" "$RES"
install_tools
binaries
WORK=$(mktemp -d /tmp/bench12-run.XXXXXX)
TARGET=$(mktemp -d /dev/shm/bench12-run.XXXXXX)
trap cleanup EXIT
MAXN=$(printf "%s\n" $SIZES 10 | sort -n | tail -n 1)  # the traced fetch and the sidecar use 10
step "moto, the store (KMS blobs and S3EC configs for up to $MAXN configs), the floor's requests"
start_moto
seed_store "$MAXN"
start_proxy
for n in $SIZES; do prepare_floor "$n"; done
step "interleaved runs: $RUNS rounds of every contender"
write_spec >"$WORK/spec.json"
python3 bench/measure.py "$WORK/spec.json" "$RES/runs.json"
step "requests per start (through the counting proxy)"
count_requests >"$RES/requests.json"
step "where the time goes (strace landmarks)"
phases >"$RES/phases.txt"
step "the sidecar at rest: ${REST_SECONDS}s at --interval 1s, then one rotation"
sidecar_at_rest >"$RES/rest.json"
step "fleet: N in-process agents against a KMS quota"
fleet
sizes_json >"$RES/sizes.json"
report | tee "$RES/report.txt"
[ "${CHARTS:-0}" = 1 ] && charts
exit 0
