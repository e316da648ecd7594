#!/usr/bin/env bash
# The demo, on the embedded local store and local key (no AWS account needed):
#   1. builds secret-agent and secret-agent-admin as they ship: NativeAOT (the trimmed build, announced, if the
#      NativeAOT toolchain is missing);
#   2. IT: creates a local key and encrypts the sample configs into a local store with secret-agent-admin;
#   3. the agent: reads samples/app/secret-agent.yaml, fetches, verifies and decrypts the configs, writes them onto a
#      tmpfs directory in one atomic swap, and execs the sample app, which lists what arrived (never a value).
# Re-runnable; everything lands under .demo/ and a tmpfs directory under /dev/shm that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_EnableDiagnostics=0

step() { printf '\n== %s\n' "$*"; }

die() { printf 'scripts/demo.sh: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/publish.sh
. "$root/scripts/lib/publish.sh"

step "build both tools (dotnet publish, linux-x64, NativeAOT; a few minutes)"
bin=$root/.demo/bin
publish_agent "$root/.demo/publish/agent" "$bin" "$root/.demo/symbols"
publish_admin "$root/.demo/publish/admin" "$bin" "$root/.demo/symbols"
echo "agent: $SECRET_AGENT_FORM, admin: $SECRET_AGENT_ADMIN_FORM (symbols, if any: .demo/symbols/)"
ls -lh "$bin/secret-agent" "$bin/secret-agent-admin" | awk '{print $5, $9}'

step "IT: create a local key and a local store (stand-ins for KMS and S3)"
rm -rf "$root/.demo/store" "$root/.demo/keys"
mkdir -p "$root/.demo/keys" && chmod 700 "$root/.demo/keys"
head -c 32 /dev/urandom | base64 > "$root/.demo/keys/demo.key"
chmod 600 "$root/.demo/keys/demo.key"
export SECRET_AGENT_SOURCE="file://$root/.demo/store/"
export SECRET_AGENT_KMS_KEY_ID="file://$root/.demo/keys/demo.key"
echo "source: $SECRET_AGENT_SOURCE"
echo "key:    $SECRET_AGENT_KMS_KEY_ID"

step "IT: encrypt and publish the sample configs (S3 Encryption Client V3 objects)"
"$bin/secret-agent-admin" put database.json samples/configs/database.json
"$bin/secret-agent-admin" put payments.env samples/configs/payments.env
"$bin/secret-agent-admin" put tls/server.key samples/configs/tls/server.key
"$bin/secret-agent-admin" put database.json samples/configs/database.json   # a second publish: generation 2
"$bin/secret-agent-admin" ls

step "developer: the manifest baked into the image"
cat samples/app/secret-agent.yaml

step "agent: check the manifest and the stored objects (nothing is decrypted)"
"$bin/secret-agent" check --online --manifest samples/app/secret-agent.yaml

target=$(mktemp -d /dev/shm/secret-agent-demo.XXXXXX)
trap 'rm -rf "$target"' EXIT
step "agent: fetch, verify, decrypt, write onto the tmpfs $target, then exec the app"
"$bin/secret-agent" run --manifest samples/app/secret-agent.yaml --dir "$target" -- samples/app/app.sh --dir "$target"

step "auditor: the receipt beside the files (no plaintext, no plaintext hash)"
cat "$target/.secret-agent/receipt.json"

step "a tampered object is refused (exit 65), the app never starts"
body=$(ls "$root/.demo/store/database.json/"*.body | tail -n 1)
printf '\x00' | dd of="$body" bs=1 seek=3 conv=notrunc status=none
set +e
"$bin/secret-agent" run --manifest samples/app/secret-agent.yaml --dir "$target" -- samples/app/app.sh --dir "$target"
echo "exit code: $?"
set -e

step "done: the plaintext lived only in memory and on $target (removed now)"
