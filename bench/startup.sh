#!/usr/bin/env bash
# Start-up benchmark: secret-agent as NativeAOT (what ships) against the trimmed ReadyToRun single file (the
# fallback), `fetch` of 1 and of 10 configs from moto on loopback. Reports binary size, mean wall time (hyperfine)
# and peak RSS (GNU time's maximum resident set size, median of 5 runs), with ratios. See bench/README.md.
#
#   bench/startup.sh            # about 10 minutes on 2 busy cores, most of it the two publishes
#   RUNS=50 bench/startup.sh    # more hyperfine runs per case (default 20)
#
# Sets up everything itself (moto on 127.0.0.1, a versioned bucket, a KMS key, 10 configs published with
# secret-agent-admin) and removes it all at the end. Needs root for apt-get if hyperfine or GNU time are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-20}
OUT=$ROOT/artifacts/bench
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

die() { printf 'bench/startup.sh: error: %s\n' "$*" >&2; exit 1; }
note() { printf '    %s\n' "$*"; }
# shellcheck source=scripts/lib/publish.sh
. "$ROOT/scripts/lib/publish.sh"

install_tools() {
    local packages=()
    command -v hyperfine >/dev/null || packages+=(hyperfine)
    [ -x /usr/bin/time ] || packages+=(time)
    command -v python3 >/dev/null && python3 -c 'import moto.server, boto3' 2>/dev/null \
        || die "python3 with moto and boto3 is needed (the build machines' image ships them)"
    if [ ${#packages[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "need root to apt-get install ${packages[*]}"
        apt-get update -qq && apt-get install -y -qq "${packages[@]}" >/dev/null || die "apt-get install ${packages[*]} failed"
    fi
}

publish_both() {
    echo "== publish: NativeAOT and trimmed ReadyToRun agent, admin tool (a few minutes)"
    mkdir -p "$OUT"
    dotnet publish src/SecretAgent.Agent -c Release -r linux-x64 -o "$OUT/aot" >"$OUT/aot.log" 2>&1 \
        || die "NativeAOT publish failed (see $OUT/aot.log); this comparison needs the NativeAOT toolchain"
    dotnet publish src/SecretAgent.Agent -c Release -r linux-x64 -p:SecretAgentAot=false -o "$OUT/r2r" >"$OUT/r2r.log" 2>&1 \
        || die "trimmed publish failed (see $OUT/r2r.log)"
    publish_admin "$OUT/publish-admin" "$OUT/admin" "$OUT/symbols"
}

start_moto() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m moto.server -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
    MOTO_PID=$!
    export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
        AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
        AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_CONFIG_FILE=/nonexistent/config
    for _ in $(seq 100); do
        curl -fsS -o /dev/null "$AWS_ENDPOINT_URL/moto-api/" 2>/dev/null && return
        kill -0 "$MOTO_PID" 2>/dev/null || die "moto exited; see $WORK/moto.log"
        sleep 0.2
    done
    die "moto did not answer on $AWS_ENDPOINT_URL"
}

# A versioned bucket and a KMS key with an alias; then 10 configs published with the admin tool.
seed_store() {
    python3 - <<'EOF' || die "could not create the bucket and key on moto"
import boto3, os
kw = dict(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
s3 = boto3.client("s3", **kw)
s3.create_bucket(Bucket="bench")
s3.put_bucket_versioning(Bucket="bench", VersioningConfiguration={"Status": "Enabled"})
kms = boto3.client("kms", **kw)
key = kms.create_key(Description="secret-agent bench")["KeyMetadata"]["KeyId"]
kms.create_alias(AliasName="alias/bench", TargetKeyId=key)
EOF
    export SECRET_AGENT_SOURCE=s3://bench/app/ SECRET_AGENT_KMS_KEY_ID=alias/bench
    printf 'version: 1\nfiles:\n  - name: config-1.json\n' >"$WORK/one.yaml"
    printf 'version: 1\nfiles:\n' >"$WORK/ten.yaml"
    for i in $(seq 10); do
        head -c 600 /dev/urandom | base64 -w0 | sed 's/.*/{"value": "&"}/' >"$WORK/config-$i.json"
        "$OUT/admin/secret-agent-admin" put "config-$i.json" "$WORK/config-$i.json" >/dev/null
        printf '  - name: config-%s.json\n' "$i" >>"$WORK/ten.yaml"
    done
}

peak_rss_kb() {
    local binary=$1 manifest=$2 samples=()
    for _ in 1 2 3 4 5; do
        rm -rf "${TARGET:?}"/* "$TARGET"/..?* 2>/dev/null || true
        samples+=("$(/usr/bin/time -f %M "$binary" fetch --manifest "$manifest" --dir "$TARGET" 2>&1 >/dev/null | tail -n 1)")
    done
    printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p
}

measure() {
    local form=$1 manifest=$2 label=$3 binary=$OUT/$1/secret-agent
    "$binary" fetch --manifest "$manifest" --dir "$TARGET" >/dev/null 2>"$WORK/check.log" \
        || { cat "$WORK/check.log" >&2; die "$form fetch of $label failed"; }
    hyperfine --style none --warmup 3 --runs "$RUNS" --export-json "$WORK/$form-$label.json" \
        --prepare "rm -rf '$TARGET'/* '$TARGET'/..?* 2>/dev/null || true" \
        "$binary fetch --manifest $manifest --dir $TARGET" >/dev/null
    MEAN[$form-$label]=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][0]['mean']*1000, 1))" "$WORK/$form-$label.json")
    RSS[$form-$label]=$(peak_rss_kb "$binary" "$manifest")
}

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; }

report() {
    local aot_size r2r_size
    aot_size=$(stat -c %s "$OUT/aot/secret-agent")
    r2r_size=$(stat -c %s "$OUT/r2r/secret-agent")
    echo
    echo "== secret-agent fetch against moto on 127.0.0.1 ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $RUNS runs, $(date -u +%F))"
    printf '| %-24s | %12s | %12s | %9s |\n' "" "NativeAOT" "ReadyToRun" "AOT/R2R"
    printf '|%s|%s|%s|%s|\n' "--------------------------" "--------------" "--------------" "-----------"
    printf '| %-24s | %8.1f MiB | %8.1f MiB | %9s |\n' "binary size" "$(echo "$aot_size/1048576" | bc -l)" \
        "$(echo "$r2r_size/1048576" | bc -l)" "$(ratio "$aot_size" "$r2r_size")"
    for label in one ten; do
        local n=1
        [ $label = ten ] && n=10
        printf '| %-24s | %9s ms | %9s ms | %9s |\n' "fetch $n: mean time" "${MEAN[aot-$label]}" "${MEAN[r2r-$label]}" \
            "$(ratio "${MEAN[aot-$label]}" "${MEAN[r2r-$label]}")"
        printf '| %-24s | %8.1f MiB | %8.1f MiB | %9s |\n' "fetch $n: peak RSS" "$(echo "${RSS[aot-$label]}/1024" | bc -l)" \
            "$(echo "${RSS[r2r-$label]}/1024" | bc -l)" "$(ratio "${RSS[aot-$label]}" "${RSS[r2r-$label]}")"
    done
}

cleanup() {
    [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null
    rm -rf "${WORK:-}" "${TARGET:-}"
}

install_tools
publish_both
WORK=$(mktemp -d /tmp/sa-bench.XXXXXX)
TARGET=$(mktemp -d /dev/shm/sa-bench.XXXXXX)
trap cleanup EXIT
declare -A MEAN RSS
start_moto
seed_store
for form in aot r2r; do
    measure "$form" "$WORK/one.yaml" one
    measure "$form" "$WORK/ten.yaml" ten
done
report
