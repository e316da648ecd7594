#!/usr/bin/env bash
# The demo (placeholder: the lead fills it in once the agent pipeline and secret-agent-admin land).
# Plan: publish both tools to artifacts/bin; create a local key (file:///.../demo.key) and a local store
# (file:///.../store/); secret-agent-admin put the samples/configs/* files; then
# secret-agent run --dir <a tmpfs dir> -- samples/app/app.sh --dir <that dir>, which lists names, sizes and hash
# prefixes of what arrived, never a value.
set -euo pipefail
echo "scripts/demo.sh: not written yet (waiting for the agent pipeline and secret-agent-admin)" >&2
exit 1
