#!/usr/bin/env bash
# Builds every image locally, from local parts (no registry is needed or reachable):
#
#   secret-agent:TAG          the carrier, FROM scratch, holding only /opt/secret-agent (docker/Dockerfile.carrier),
#                             also tagged secret-agent:TAG-amd64
#   secret-agent:TAG-arm64    the same carrier for linux/arm64: the arm64 agent with Debian's arm64 loader, libc and
#                             OpenSSL (docs/deployment.md, "Graviton": the two tags make a multi-arch index in one step)
#   secret-agent-admin:TAG    the IT tool (docker/Dockerfile.admin)
#   secret-agent-sample:TAG   the sample app behind the agent (docker/Dockerfile.app, samples/app)
#
#   scripts/images.sh [--tag TAG] [--base IMAGE] [--no-publish]
#
# TAG defaults to the Version in Directory.Build.props. --base is the Debian image the admin tool and the sample app
# build on (default secret-agent-test-base:bookworm, which scripts/test.sh --setup-only makes). --no-publish uses
# artifacts/bin as it is instead of publishing both tools first. Also writes artifacts/carrier/opt/secret-agent (the
# directory the carrier holds) and its SBOM, artifacts/carrier/sbom.spdx.json, and the same for arm64 under
# artifacts/carrier/linux-arm64/. Every image carries the OCI labels
# version, revision, created and source; no build argument or label holds anything secret.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
ARTIFACTS=$ROOT/artifacts
BASE=secret-agent-test-base:bookworm
TAG=
PUBLISH=true
while [ $# -gt 0 ]; do
    case $1 in
        --tag) TAG=${2:?--tag needs a value}; shift ;;
        --base) BASE=${2:?--base needs an image}; shift ;;
        --no-publish) PUBLISH=false ;;
        *) echo "usage: scripts/images.sh [--tag TAG] [--base IMAGE] [--no-publish]" >&2; exit 64 ;;
    esac
    shift
done

die() { printf 'scripts/images.sh: error: %s\n' "$*" >&2; exit 1; }
note() { printf '    %s\n' "$*"; }
# shellcheck source=scripts/lib/publish.sh
. "$ROOT/scripts/lib/publish.sh"
# shellcheck source=scripts/lib/carrier.sh
. "$ROOT/scripts/lib/carrier.sh"
# shellcheck source=scripts/lib/arm64.sh
. "$ROOT/scripts/lib/arm64.sh"

VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
[ -n "$VERSION" ] || die "no <Version> in Directory.Build.props"
REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SOURCE=${SECRET_AGENT_IMAGE_SOURCE:-$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || echo unknown)}
TAG=${TAG:-$VERSION}
docker image inspect "$BASE" >/dev/null 2>&1 || die "base image $BASE is missing (scripts/test.sh --setup-only builds it)"

if $PUBLISH; then
    note "publishing secret-agent and secret-agent-admin (NativeAOT) to artifacts/bin"
    publish_agent "$ARTIFACTS/publish/agent" "$ARTIFACTS/bin" "$ARTIFACTS/symbols" -p:SourceRevisionId="$REVISION"
    publish_admin "$ARTIFACTS/publish/admin" "$ARTIFACTS/bin" "$ARTIFACTS/symbols" -p:SourceRevisionId="$REVISION"
    note "publishing secret-agent for linux-arm64 (NativeAOT, cross-compiled) to artifacts/bin/linux-arm64"
    publish_agent_arm64 "$ARTIFACTS/publish/linux-arm64/agent" "$ARTIFACTS/bin/linux-arm64" "$ARTIFACTS/symbols/linux-arm64" -p:SourceRevisionId="$REVISION"
fi

CARRIER_DIR=$ARTIFACTS/carrier/opt/secret-agent
stage_carrier "$CARRIER_DIR" "$ARTIFACTS/bin/secret-agent" x86_64-linux-gnu ld-linux-x86-64.so.2
carrier_sbom "$CARRIER_DIR" "$VERSION" "$REVISION"
cp "$CARRIER_DIR/sbom.spdx.json" "$ARTIFACTS/carrier/sbom.spdx.json"
note "carrier: $(du -sh "$CARRIER_DIR" | cut -f1) in $CARRIER_DIR"
# arm64: Debian's arm64 libc6 and libssl3, downloaded and unpacked (never installed), are the carrier's libraries.
ARM64_ROOT=$ARTIFACTS/arm64/root
arm64_stage_libs "$ARM64_ROOT" "${ARM64_RUNTIME_PACKAGES[@]}"
CARRIER_ARM64_DIR=$ARTIFACTS/carrier/linux-arm64/opt/secret-agent
stage_carrier "$CARRIER_ARM64_DIR" "$ARTIFACTS/bin/linux-arm64/secret-agent" aarch64-linux-gnu ld-linux-aarch64.so.1 "$ARM64_ROOT"
carrier_sbom "$CARRIER_ARM64_DIR" "$VERSION" "$REVISION" "$ARM64_ROOT"
cp "$CARRIER_ARM64_DIR/sbom.spdx.json" "$ARTIFACTS/carrier/linux-arm64/sbom.spdx.json"
note "carrier (arm64): $(du -sh "$CARRIER_ARM64_DIR" | cut -f1) in $CARRIER_ARM64_DIR"

# build IMAGE DOCKERFILE CONTEXT [extra docker build args]: the labels' values go in as build arguments.
build() {
    local image=$1 dockerfile=$2 context=$3
    shift 3
    docker build -q -f "$dockerfile" -t "$image" \
        --build-arg VERSION="$VERSION+$REVISION" --build-arg REVISION="$REVISION" \
        --build-arg CREATED="$CREATED" --build-arg SOURCE="$SOURCE" "$@" "$context" >/dev/null \
        || die "docker build of $image failed"
    note "built $image"
}

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/carrier" "$STAGE/carrier-arm64" "$STAGE/admin" "$STAGE/app"
cp -a "$CARRIER_DIR" "$STAGE/carrier/secret-agent"
cp -a "$CARRIER_ARM64_DIR" "$STAGE/carrier-arm64/secret-agent"
cp "$ARTIFACTS/bin/secret-agent-admin" "$STAGE/admin/secret-agent-admin"
cp samples/app/app.sh samples/app/secret-agent.yaml "$STAGE/app/"

build "secret-agent:$TAG" docker/Dockerfile.carrier "$STAGE/carrier"
docker tag "secret-agent:$TAG" "secret-agent:$TAG-amd64"
note "tagged secret-agent:$TAG-amd64"
# FROM scratch + COPY needs no arm64 code at build time: the classic builder records the platform in the config.
build "secret-agent:$TAG-arm64" docker/Dockerfile.carrier "$STAGE/carrier-arm64" --platform linux/arm64
build "secret-agent-admin:$TAG" docker/Dockerfile.admin "$STAGE/admin" --build-arg BASE="$BASE"
build "secret-agent-sample:$TAG" docker/Dockerfile.app "$STAGE/app" --build-arg BASE="$BASE" --build-arg CARRIER="secret-agent:$TAG"
