#!/usr/bin/env bash
# The one test command. On a fresh Debian 12 machine with only the .NET 10 SDK (as root) it installs and starts what
# the tests need (Docker engine, debootstrap, moto), builds, publishes the real binaries and runs every suite.
#
#   scripts/test.sh                      # everything
#   scripts/test.sh --setup-only         # steps 1-3: tools, Docker engine, test base image
#   scripts/test.sh -- --filter Docker   # extra arguments after -- go to `dotnet test`
#
# Reruns are quick: every step checks first and does only what is missing.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
ARTIFACTS=$ROOT/artifacts
BASE_IMAGE=secret-agent-test-base:bookworm
# libssl3: .NET's crypto (SHA-256, AES-GCM, TLS) goes through OpenSSL; ca-certificates: TLS to real AWS endpoints.
BASE_PACKAGES=libssl3,ca-certificates
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
# Testcontainers (the container tests): this engine (Debian's docker.io 20.10) serves Docker API 1.41 at most, and
# Ryuk, its reaper, is an image from a registry, which is not reachable here; the fixture removes what it made.
export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.41} TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}

SETUP_ONLY=false
TEST_ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --setup-only) SETUP_ONLY=true ;;
        --) shift; TEST_ARGS=("$@"); break ;;
        *) echo "usage: scripts/test.sh [--setup-only] [-- DOTNET_TEST_ARGS...]" >&2; exit 64 ;;
    esac
    shift
done

section() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'scripts/test.sh: error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
# shellcheck source=scripts/lib/publish.sh
. "$ROOT/scripts/lib/publish.sh"
# shellcheck source=scripts/lib/arm64.sh
. "$ROOT/scripts/lib/arm64.sh"
# shellcheck source=scripts/lib/carrier.sh
. "$ROOT/scripts/lib/carrier.sh"

mkdir -p "$ARTIFACTS"

apt_updated=false
apt_install() {
    [ "$(id -u)" = 0 ] || die "need root to install $* (apt-get); rerun as root or install them first"
    if ! $apt_updated; then
        apt-get update -qq || die "apt-get update failed (is a Debian mirror reachable?)"
        apt_updated=true
    fi
    # Keep package scripts from starting services: a docker.io postinst would otherwise start dockerd with its
    # default bridge network and iptables rules; this script starts the engine itself, without either.
    local guard=/usr/sbin/policy-rc.d
    local added_guard=false
    if [ ! -e "$guard" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$guard" && chmod +x "$guard" && added_guard=true
    fi
    local status=0
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
    if $added_guard; then rm -f "$guard"; fi
    [ "$status" = 0 ] || die "apt-get install $* failed"
}

python_has() { python3 -c "import $1" >/dev/null 2>&1; }

pip_install() {
    if ! python3 -m pip --version >/dev/null 2>&1; then
        apt_install python3-pip
    fi
    # Debian's system Python is "externally managed" (PEP 668); these are test-only tools on a throwaway machine.
    PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check "$@" \
        || die "pip install $* failed: PyPI may be unreachable. The S3/KMS integration tests need moto; install \"moto[server]\" and cryptography for python3 by hand, then rerun"
}

install_tools() {
    section "1/5 tools: docker engine, debootstrap, moto"
    local packages=()
    have dockerd && have docker || packages+=(docker.io)
    have debootstrap || packages+=(debootstrap)
    # The carrier /opt/secret-agent (scripts/lib/carrier.sh) sets the agent's ELF interpreter and RPATH.
    have patchelf || packages+=(patchelf)
    have python3 || packages+=(python3)
    # GNU time: the fault tests read a run's peak resident memory (AgentFetchFaultTests, an endless body).
    [ -x /usr/bin/time ] || packages+=(time)
    # linux-arm64: the cross toolchain (NativeAOT publish, the ABI program) and qemu-user (docs/arm64.md).
    read -r -a arm64_packages <<<"$(arm64_missing_packages)"
    packages+=("${arm64_packages[@]}")
    if [ ${#packages[@]} -gt 0 ]; then
        note "installing ${packages[*]}"
        apt_install "${packages[@]}"
    fi

    # The samples' tests: the aws CLI (CloudFormation, ECS, IAM against moto) and cfn-lint. Debian 12 packages the
    # CLI but not cfn-lint (the machine image ships it); apt first where a release has it, else pip.
    have aws || { note "installing awscli"; apt_install awscli; }
    if ! have cfn-lint; then
        note "installing cfn-lint"
        if apt-cache show cfn-lint >/dev/null 2>&1; then apt_install cfn-lint; else pip_install cfn-lint; fi
    fi
    python_has moto.server || { note "installing moto[server]"; pip_install "moto[server]"; }
    python_has cryptography || { note "installing cryptography"; pip_install cryptography; }
    python_has moto.server || die "python3 cannot import moto.server even after installing it"
    note "dockerd: $(command -v dockerd); debootstrap: $(command -v debootstrap); python3: $(command -v python3)"
}

start_engine() {
    section "2/5 docker engine"
    if docker info >/dev/null 2>&1; then
        note "already running"
        return
    fi

    [ "$(id -u)" = 0 ] || die "the Docker engine is not running and starting it needs root"
    # No bridge and no iptables: tests run containers with --network host only (no private-range networks).
    note "starting dockerd (log: artifacts/dockerd.log)"
    setsid dockerd --bridge=none --iptables=false >"$ARTIFACTS/dockerd.log" 2>&1 < /dev/null &
    echo $! >"$ARTIFACTS/dockerd.pid"
    for _ in $(seq 60); do
        if docker info >/dev/null 2>&1; then
            note "ready (pid $(cat "$ARTIFACTS/dockerd.pid"))"
            return
        fi
        kill -0 "$(cat "$ARTIFACTS/dockerd.pid")" 2>/dev/null || { tail -20 "$ARTIFACTS/dockerd.log" >&2; die "dockerd exited; see artifacts/dockerd.log"; }
        sleep 1
    done
    tail -20 "$ARTIFACTS/dockerd.log" >&2
    die "dockerd did not answer 'docker info' within 60 s; see artifacts/dockerd.log"
}

build_base_image() {
    section "3/5 test base image $BASE_IMAGE"
    if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
        note "already present"
        return
    fi

    # The tarball is cached so a rerun (or a restarted engine) imports in seconds instead of bootstrapping again.
    local tarball=$ARTIFACTS/base/bookworm-minbase.tar
    if [ ! -s "$tarball" ]; then
        local dir=$ARTIFACTS/base/rootfs
        rm -rf "$dir" "$tarball.tmp"
        mkdir -p "$dir"
        note "debootstrap --variant=minbase --include=$BASE_PACKAGES bookworm (about a minute)"
        debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$dir" "$DEBIAN_MIRROR" \
            >"$ARTIFACTS/debootstrap.log" 2>&1 || { tail -20 "$ARTIFACTS/debootstrap.log" >&2; die "debootstrap failed; see artifacts/debootstrap.log"; }
        # Package caches and lists are dead weight in a test image.
        rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
        tar --numeric-owner -C "$dir" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
    fi

    docker import "$tarball" "$BASE_IMAGE" >/dev/null
    note "imported from artifacts/base/$(basename "$tarball")"
}

# Debian's busybox-static, unpacked (not installed): the container tests' base image without any libc and their
# static app in a scratch image. SECRET_AGENT_BUSYBOX points the tests at it; SECRET_AGENT_BUSYBOX_ARM64 at the arm64
# build, the static app of the arm64 container test (docs/arm64.md).
fetch_busybox() {
    local dir=$ARTIFACTS/base/busybox
    if [ ! -x "$dir/bin/busybox" ]; then
        note "apt-get download busybox-static (unpacked into artifacts/base/busybox)"
        mkdir -p "$dir"
        ( cd "$ARTIFACTS/base" && rm -f busybox-static_*.deb && { apt-get download busybox-static >/dev/null 2>&1 || { apt-get update -qq && apt-get download busybox-static >/dev/null; }; } ) \
            || die "apt-get download busybox-static failed (is a Debian mirror reachable?)"
        dpkg-deb -x "$ARTIFACTS"/base/busybox-static_*.deb "$dir"
    fi
    export SECRET_AGENT_BUSYBOX=$dir/bin/busybox
    arm64_stage_libs "$ARTIFACTS/base/linux-arm64/busybox" busybox-static
    export SECRET_AGENT_BUSYBOX_ARM64=$ARTIFACTS/base/linux-arm64/busybox/bin/busybox
}

# A newer SDK builds for a newer runtime than the lock files record: say so before restore fails with NU1004.
check_sdk_matches_locks() {
    local locked sdk
    locked=$(grep -A 3 '"Microsoft.NET.ILLink.Tasks"' src/SecretAgent.Agent/packages.lock.json | sed -n 's/.*"resolved": "\(.*\)".*/\1/p' | head -n 1)
    sdk=$(sdk_runtime_version)
    [ "$locked" = "$sdk" ] || die "this .NET SDK ($(dotnet --version)) builds for runtime $sdk but the lock files record $locked; use the SDK in global.json's line, or refresh the lock files (dotnet restore --force-evaluate) and commit them"
}

build_and_publish() {
    section "4/5 restore, build, format check, publish"
    check_sdk_matches_locks
    dotnet restore --locked-mode
    dotnet build -c Release --no-restore
    # Layout, import order and style exactly as .editorconfig says; `dotnet format` fixes what this reports.
    dotnet format --verify-no-changes --no-restore \
        || die "dotnet format --verify-no-changes found files to reformat (listed above); run \`dotnet format\` and commit the result"
    # The shipped form: NativeAOT (trimmed ReadyToRun only as an announced fallback, never silently in CI). Symbols
    # go to artifacts/symbols, never into artifacts/bin (images copy from it).
    publish_agent "$ARTIFACTS/publish/agent" "$ARTIFACTS/bin" "$ARTIFACTS/symbols" -p:RestoreLockedMode=true
    publish_admin "$ARTIFACTS/publish/admin" "$ARTIFACTS/bin" "$ARTIFACTS/symbols" -p:RestoreLockedMode=true
    export SECRET_AGENT_BIN=$ARTIFACTS/bin/secret-agent
    export SECRET_AGENT_ADMIN_BIN=$ARTIFACTS/bin/secret-agent-admin
    note "SECRET_AGENT_BIN=$SECRET_AGENT_BIN ($SECRET_AGENT_FORM, $(du -h "$SECRET_AGENT_BIN" | cut -f1))"
    note "SECRET_AGENT_ADMIN_BIN=$SECRET_AGENT_ADMIN_BIN ($SECRET_AGENT_ADMIN_FORM, $(du -h "$SECRET_AGENT_ADMIN_BIN" | cut -f1))"
    # The carrier directory the container tests copy into every base image (docs/images.md).
    stage_carrier "$ARTIFACTS/carrier/opt/secret-agent" "$SECRET_AGENT_BIN" x86_64-linux-gnu ld-linux-x86-64.so.2
    export SECRET_AGENT_CARRIER=$ARTIFACTS/carrier/opt/secret-agent
    note "SECRET_AGENT_CARRIER=$SECRET_AGENT_CARRIER ($(du -sh "$SECRET_AGENT_CARRIER" | cut -f1))"
    publish_arm64
}

# linux-arm64 (docs/arm64.md): both tools cross-compiled to artifacts/bin/linux-arm64, the ABI values the tables are
# checked against, the arm64 runtime libraries qemu loads the agent with, and binfmt so it starts like any program.
publish_arm64() {
    local bin=$ARTIFACTS/bin/linux-arm64
    publish_agent_arm64 "$ARTIFACTS/publish/linux-arm64/agent" "$bin" "$ARTIFACTS/symbols/linux-arm64" -p:RestoreLockedMode=true
    publish_admin_arm64 "$ARTIFACTS/publish/linux-arm64/admin" "$bin" "$ARTIFACTS/symbols/linux-arm64" -p:RestoreLockedMode=true
    note "linux-arm64: secret-agent ($SECRET_AGENT_ARM64_FORM, $(du -h "$bin/secret-agent" | cut -f1)), secret-agent-admin ($SECRET_AGENT_ADMIN_ARM64_FORM, $(du -h "$bin/secret-agent-admin" | cut -f1))"
    abi_values "$ARTIFACTS/abi"
    arm64_stage_libs "$ARTIFACTS/arm64/root" "${ARM64_RUNTIME_PACKAGES[@]}"
    arm64_enable_binfmt
    # The arm64 carrier (its own arm64 loader, libc and OpenSSL, from the same unpacked packages) for the arm64
    # container test, which runs it under qemu through binfmt (docs/arm64.md).
    stage_carrier "$ARTIFACTS/carrier/linux-arm64/opt/secret-agent" "$bin/secret-agent" aarch64-linux-gnu ld-linux-aarch64.so.1 "$ARTIFACTS/arm64/root"
    export SECRET_AGENT_CARRIER_ARM64=$ARTIFACTS/carrier/linux-arm64/opt/secret-agent
    note "SECRET_AGENT_CARRIER_ARM64=$SECRET_AGENT_CARRIER_ARM64 ($(du -sh "$SECRET_AGENT_CARRIER_ARM64" | cut -f1))"
    # The emulated pass starts the agent through this wrapper: only the agent gets qemu's settings, not the test host.
    cat >"$ARTIFACTS/arm64/secret-agent" <<WRAPPER
#!/bin/sh
# The arm64 agent under qemu-user (binfmt); scripts/test.sh writes this for the emulated test pass.
QEMU_LD_PREFIX=$ARTIFACTS/arm64/root DOTNET_GCRegionRange=10000000 exec $bin/secret-agent "\$@"
WRAPPER
    chmod +x "$ARTIFACTS/arm64/secret-agent"
}

run_tests() {
    section "5/5 tests"
    local results=$ARTIFACTS/test-results
    rm -rf "$results"
    # A hung test must not eat the CI time limit: dump and fail it instead.
    local status=0
    dotnet test SecretAgent.sln -c Release --no-build \
        --results-directory "$results" \
        --logger "trx" --logger "console;verbosity=normal" \
        --blame-hang-timeout 10m \
        "${TEST_ARGS[@]}" || status=$?
    run_emulated_tests "$results" || status=$?
    note "results: artifacts/test-results/"
    summarize_results "$results"
    return $status
}

# The second pass: the black-box tests marked [Trait("Arch", "Emulated")] against the arm64 agent under qemu-user
# (docs/arm64.md lists what they cover and what does not run under emulation, and why).
run_emulated_tests() {
    section "5b/5 tests: linux-arm64 agent under qemu-user"
    SECRET_AGENT_BIN=$ARTIFACTS/arm64/secret-agent dotnet test tests/SecretAgent.Integration.Tests -c Release --no-build \
        --filter "Arch=Emulated&FullyQualifiedName!~Fetch_WhenNoCredentialsBeforeAShortDeadline" \
        --results-directory "$1/linux-arm64" \
        --logger "trx" --logger "console;verbosity=normal" \
        --blame-hang-timeout 10m
}

# One closing line over every suite, "N passed, N failed, N skipped", counted from the trx files.
summarize_results() {
    local passed=0 failed=0 skipped=0 trx counters
    for trx in "$1"/*.trx "$1"/linux-arm64/*.trx; do
        [ -e "$trx" ] || continue
        counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
        passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")))
        failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")))
        skipped=$((skipped + $(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")))
    done
    printf '\n%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
}

# The benchmark harness's short form (issue 12): 10 configs, 3 rounds, a one-minute rest, a small fleet; it prints
# every target with pass/miss (a miss is a finding, not a failure) and fails only if the harness itself breaks.
run_bench() {
    section "bench: bench/run.sh --short (about 3 minutes)"
    BENCH_BIN=$ARTIFACTS/bin BENCH_OUT=$ARTIFACTS/bench bench/run.sh --short
}

install_tools
start_engine
build_base_image
fetch_busybox
if $SETUP_ONLY; then
    section "setup done"
    exit 0
fi

build_and_publish
run_tests
run_bench
section "all tests passed"
