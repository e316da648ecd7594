# The steps of bench/run.sh (sourced; uses its ROOT, OUT, RES, WORK, TARGET, BIN, SIZES, RUNS, CLI_MAX, ...).

# The interpreter and the aws CLI themselves, not pyenv's shims (a shim costs a bash and a pyenv start per call,
# which no container image's entrypoint pays).
PY=$(python3 -c 'import sys; print(sys.executable)')
AWS_CLI=$( (pyenv which aws 2>/dev/null || command -v aws) | head -n 1)
export AWS_CLI

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop_pid() {
    local pid=${1:-}
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    return 0
}

start_moto() {
    local port
    port=$(free_port)
    python3 -m moto.server -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
    MOTO_PID=$!
    MOTO=http://127.0.0.1:$port
    : >"$WORK/aws-config"
    export AWS_ENDPOINT_URL=$MOTO AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
        AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
        AWS_SHARED_CREDENTIALS_FILE=$WORK/aws-credentials AWS_CONFIG_FILE=$WORK/aws-config \
        SECRET_AGENT_SOURCE=s3://bench/app/ SECRET_AGENT_KMS_KEY_ID=alias/bench
    for _ in $(seq 150); do
        curl -fsS -o /dev/null "$MOTO/moto-api/" 2>/dev/null && return
        kill -0 "$MOTO_PID" 2>/dev/null || die "moto exited; see $WORK/moto.log"
        sleep 0.2
    done
    die "moto did not answer on $MOTO"
}

# The counting proxy (bench/proxy.py) in front of moto; only the counting passes and the sidecar go through it.
start_proxy() {
    coproc PROXY_PROC { exec python3 "$ROOT/bench/proxy.py" --upstream "$MOTO"; }
    PROXY_PID=$PROXY_PROC_PID
    local port
    read -r port <&"${PROXY_PROC[0]}" || die "the counting proxy did not start"
    PROXY=http://127.0.0.1:$port
}

counts() { curl -fsS "$PROXY/__counts"; }
reset_counts() { curl -fsS -X POST -o /dev/null "$PROXY/__reset"; }

# N KMS blobs for the aws CLI, boto3 and the floor; N S3EC configs of 1 KiB (and one of 1 MiB) published with the
# admin tool; a manifest per size.
seed_store() {
    local max=$1 i
    python3 "$ROOT/bench/seed.py" store "$max" || die "could not seed moto"
    mkdir -p "$WORK/plain"
    for i in $(seq "$max"); do
        head -c 768 /dev/urandom | base64 -w0 >"$WORK/plain/config-$i.json"
    done
    export BIN
    seq "$max" | xargs -P 4 -I{} sh -c '"$BIN/secret-agent-admin" put config-{}.json "$0/plain/config-{}.json" >/dev/null' "$WORK" \
        || die "secret-agent-admin put failed"
    for n in $(printf '%s\n' $SIZES 1 10 | sort -nu); do
        { printf 'version: 1\nfiles:\n'; for i in $(seq "$n"); do printf '  - name: config-%s.json\n' "$i"; done; } >"$WORK/m$n.yaml"
    done
    if [ "$BIG" = 1 ]; then
        head -c 1048576 /dev/urandom >"$WORK/plain/big.bin"
        "$BIN/secret-agent-admin" put big.bin "$WORK/plain/big.bin" >/dev/null || die "secret-agent-admin put big.bin failed"
        printf 'version: 1\nfiles:\n  - name: big.bin\n' >"$WORK/big.yaml"
    fi
}

prepare_floor() {
    local n=$1 dir
    for via in direct proxy; do
        dir=$WORK/floor-$n-$via
        mkdir -p "$dir/floor-out"
        python3 "$ROOT/bench/seed.py" floor "$n" "$([ $via = direct ] && echo "$MOTO" || echo "$PROXY")" "$dir" \
            || die "could not prepare the floor's requests"
    done
    # Check once, untimed, that the floor really gets the plaintexts.
    bash -c "$(floor_cmd "$n" direct)" || die "the floor's curl requests failed"
    grep -q Plaintext "$WORK/floor-$n-direct/floor-out/plain-$n.json" || die "the floor's KMS Decrypt did not answer a plaintext"
}

floor_cmd() {
    local d=$WORK/floor-$1-$2
    echo "curl -sSf --no-progress-meter --parallel --parallel-max 100 -K $d/floor-s3.cfg && curl -sSf --no-progress-meter --parallel --parallel-max 100 -K $d/floor-kms.cfg"
}

# name<TAB>clear-dir<TAB>command, one contender a line.
contenders() {
    local n via=${1:-direct} d
    for n in $SIZES; do
        d=$TARGET/agent-$n && mkdir -p "$d"
        printf 'agent-%s\t%s\t%s\n' "$n" "$d" "$BIN/secret-agent fetch --manifest $WORK/m$n.yaml --dir $d"
        d=$TARGET/boto3-$n && mkdir -p "$d"
        printf 'boto3-%s\t%s\t%s\n' "$n" "$d" "$PY $ROOT/bench/contenders/boto3_fetch.py $n $d"
        printf 'floor-%s\t%s\t%s\n' "$n" "$WORK/floor-$n-$via/floor-out" "$(floor_cmd "$n" "$via")"
        if [ "$n" -le "$CLI_MAX" ]; then
            d=$TARGET/cli-$n && mkdir -p "$d"
            printf 'cli-%s\t%s\t%s\n' "$n" "$d" "$ROOT/bench/contenders/aws-cli.sh $n $d"
        fi
    done
    if [ "$BIG" = 1 ]; then
        d=$TARGET/agent-1mib && mkdir -p "$d"
        printf 'agent-1mib\t%s\t%s\n' "$d" "$BIN/secret-agent fetch --manifest $WORK/big.yaml --dir $d"
    fi
    if [ "$via" = direct ]; then
        printf 'hello\t\t%s\n' "$OUT/hello/hello"
        printf 'agent-help\t\t%s\n' "$BIN/secret-agent --help"
    fi
}

write_spec() {
    contenders | python3 -c '
import json, sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin if l.strip()]
print(json.dumps({"runs": int(sys.argv[1]), "warmup": 1, "budget_s": float(sys.argv[2]), "timeout_s": float(sys.argv[3]),
                  "contenders": [{"name": n, "clear": c or None, "cmd": cmd} for n, c, cmd in rows]}))' "$RUNS" "$BUDGET_SECONDS" "$RUN_TIMEOUT"
}

# One run of every contender through the counting proxy. The agent must pass; a peer that fails (twice) is left out
# of the counts with a note, like measure.py drops it: a transient peer failure is not the agent's.
count_requests() {
    local name clear cmd first=1
    printf '{'
    while IFS=$'\t' read -r name clear cmd; do
        case $name in cli-*) [ "${name#cli-}" -le "${COUNT_CLI_MAX:-10}" ] || continue ;; esac
        if ! count_one "$name" "$clear" "$cmd" && ! count_one "$name" "$clear" "$cmd"; then
            case $name in agent*) cat "$WORK/count.err" >&2; die "$name failed through the proxy" ;; esac
            note "$name failed through the proxy twice; its requests are not counted: $(tail -c 300 "$WORK/count.err")" >&2
            continue
        fi
        [ $first = 1 ] || printf ','
        first=0
        printf '"%s": %s' "$name" "$(counts)"
    done < <(contenders proxy)
    printf '}\n'
}

count_one() {
    [ -n "$2" ] && find "$2" -mindepth 1 -delete
    reset_counts
    AWS_ENDPOINT_URL=$PROXY timeout "$RUN_TIMEOUT" bash -c "$3" >/dev/null 2>"$WORK/count.err"
}

# Syscall landmarks of the agent's fetch of 1 and of 10 configs (bench/phases.py names the phases).
phases() {
    local n i d
    for n in 1 10; do
        d=$TARGET/trace-$n && mkdir -p "$d"
        for i in 1 2 3 4 5 6; do
            find "$d" -mindepth 1 -delete
            strace -f -ttt -e trace=execve,openat,socket,connect,sendto,recvfrom,renameat,renameat2,rename,exit_group \
                -o "$WORK/trace-$n-$i" "$BIN/secret-agent" fetch --manifest "$WORK/m$n.yaml" --dir "$d" >/dev/null 2>&1 \
                || die "the traced fetch of $n failed"
        done
        python3 "$ROOT/bench/phases.py" "$n" "$WORK/m$n.yaml" "$WORK/aws-config" "$WORK"/trace-"$n"-[2-6]
    done
}

proc_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
proc_field() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

wait_for() {
    local what=$1 deadline=$(( $(date +%s) + $2 ))
    shift 2
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || die "timed out waiting for $what"
        sleep 0.02
    done
}

same_file() { cmp -s "$1" "$2"; }

sidecar_at_rest() {
    local d=$TARGET/watch hz t0 t1 c0 c1 rss=0 r threads fds before after k0 k1 p0 p1 s0 s1
    mkdir -p "$d"
    hz=$(getconf CLK_TCK)
    AWS_ENDPOINT_URL=$PROXY "$BIN/secret-agent" watch --interval 1s --manifest "$WORK/m10.yaml" --dir "$d" >/dev/null 2>"$WORK/watch.log" &
    WATCH_PID=$!
    wait_for "the sidecar's first set" 60 test -e "$d/config-10.json"
    sleep 2
    reset_counts
    t0=$(date +%s.%N) c0=$(proc_cpu_ticks "$WATCH_PID")
    threads=$(proc_field "$WATCH_PID" Threads) fds=$(ls "/proc/$WATCH_PID/fd" | wc -l)
    before=$(proc_field "$WATCH_PID" VmRSS)
    local end=$(( $(date +%s) + REST_SECONDS ))
    while [ "$(date +%s)" -lt "$end" ]; do
        r=$(proc_field "$WATCH_PID" VmRSS)
        [ "$r" -gt "$rss" ] && rss=$r
        sleep 1
    done
    t1=$(date +%s.%N) c1=$(proc_cpu_ticks "$WATCH_PID")
    after=$(proc_field "$WATCH_PID" VmRSS)
    local rest
    rest=$(counts)
    # One rotation: a new generation of config-1.json, published straight to moto; time until the sidecar swapped it.
    head -c 768 /dev/urandom | base64 -w0 >"$WORK/plain/rotated.json"
    k0=$(counts | jq .kms) s0=$(counts | jq .s3)
    "$BIN/secret-agent-admin" put config-1.json "$WORK/plain/rotated.json" >/dev/null || die "rotation put failed"
    p0=$(date +%s.%N)
    wait_for "the sidecar's swap" 60 same_file "$d/config-1.json" "$WORK/plain/rotated.json"
    p1=$(date +%s.%N)
    sleep 1.5
    k1=$(counts | jq .kms) s1=$(counts | jq .s3)
    kill -0 "$WATCH_PID" 2>/dev/null || die "the sidecar died; see $WORK/watch.log"
    printf '{"seconds": %s, "cpu_ticks": %s, "hz": %s, "rss_kib_max": %s, "rss_kib_start": %s, "rss_kib_end": %s,' \
        "$(echo "$t1 - $t0" | bc)" "$((c1 - c0))" "$hz" "$rss" "$before" "$after"
    printf ' "threads_start": %s, "threads_end": %s, "fds_start": %s, "fds_end": %s, "rest": %s,' \
        "$threads" "$(proc_field "$WATCH_PID" Threads)" "$fds" "$(ls "/proc/$WATCH_PID/fd" | wc -l)" "$rest"
    printf ' "rotation_ms": %s, "rotation_kms": %s, "rotation_s3": %s}\n' \
        "$(echo "($p1 - $p0) * 1000" | bc)" "$((k1 - k0))" "$((s1 - s0))"
    stop_pid "$WATCH_PID"
    WATCH_PID=
}

fleet() {
    if [ "${FLEET:-1}" = 0 ]; then
        note "FLEET=0: skipped"
        echo '{}' >"$RES/fleet.json"
        return
    fi
    dotnet build "$ROOT/bench/Fleet" -c Release -o "$OUT/fleet" >"$OUT/fleet-build.log" 2>&1 || die "building bench/Fleet failed; see $OUT/fleet-build.log"
    local port pid fdir=$TARGET/fleet
    mkdir -p "$fdir"
    "$OUT/fleet/Fleet" --moto "$MOTO" --admin "$BIN/secret-agent-admin" --dir "$fdir" --agents "$FLEET_N" \
        --soak-seconds "$FLEET_SOAK_SECONDS" --proxy "$ROOT/bench/proxy.py" --out "$RES/fleet.json" \
        || die "the fleet simulation failed"
}

sizes_json() {
    local carrier=null c
    for c in "$ROOT/artifacts/opt/secret-agent" "$ROOT/artifacts/carrier/opt/secret-agent"; do
        [ -d "$c" ] && carrier=$(du -sb "$c" | cut -f1) && break
    done
    printf '{"agent": %s, "admin": %s, "hello": %s, "carrier": %s, "form": "%s"}\n' "$(stat -c %s "$BIN/secret-agent")" \
        "$(stat -c %s "$BIN/secret-agent-admin")" "$(stat -c %s "$OUT/hello/hello")" "$carrier" "${SECRET_AGENT_FORM:-given}"
}

report() {
    python3 "$ROOT/bench/report.py" "$RES" "$RUNS" "$REST_SECONDS"
}

charts() {
    step "charts (gnuplot) into docs/img/"
    python3 "$ROOT/bench/charts.py" "$RES" "$ROOT/docs/img" || note "warning: charts failed"
}
