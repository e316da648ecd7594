# The sample application image: secret-agent as ENTRYPOINT in front of the sample app.
# Built from local parts only (no registry is reachable in CI): BASE is a debootstrap'ed Debian imported with
# `docker import` by scripts/test.sh. The build context is a staging directory holding just these files:
#   secret-agent         the published NativeAOT executable (artifacts/bin/secret-agent; never its .dbg symbols)
#   app.sh               samples/app/app.sh
#   secret-agent.yaml    samples/app/secret-agent.yaml
ARG BASE=secret-agent-test-base:bookworm
FROM ${BASE}

COPY secret-agent /usr/local/bin/secret-agent
COPY app.sh /app/app.sh
COPY secret-agent.yaml /etc/secret-agent.yaml
# The mount point exists in the image, so a deployment that forgets the tmpfs gets the agent's clear refusal
# ("not memory-backed") rather than a missing directory. WORKDIR creates it without needing a shell at build time.
WORKDIR /run/secrets
WORKDIR /app

# Blocks the diagnostics IPC channel (no dumps or environment reads of the agent through it).
ENV DOTNET_EnableDiagnostics=0
ENTRYPOINT ["/usr/local/bin/secret-agent", "run", "--"]
CMD ["/app/app.sh"]
