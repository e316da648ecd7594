# The sample application image: the carrier's /opt/secret-agent copied in, the agent as ENTRYPOINT in front of the
# sample app (samples/app). Built from local parts only (no registry is reachable in CI): BASE is a debootstrap'ed
# Debian imported by scripts/test.sh, CARRIER the carrier image scripts/images.sh (or the container tests) built.
# The build context is a staging directory holding just these files:
#   app.sh               samples/app/app.sh
#   secret-agent.yaml    samples/app/secret-agent.yaml
ARG BASE=secret-agent-test-base:bookworm
ARG CARRIER=secret-agent:dev
FROM ${CARRIER} AS agent

FROM ${BASE}
ARG VERSION=unknown
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="secret-agent-sample-app" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=agent /opt/secret-agent /opt/secret-agent
COPY app.sh /app/app.sh
COPY secret-agent.yaml /etc/secret-agent.yaml
# The mount point exists in the image, so a deployment that forgets the tmpfs gets the agent's clear refusal
# ("not memory-backed") rather than a missing directory. WORKDIR creates it without needing a shell at build time.
WORKDIR /run/secrets
WORKDIR /app

# The agent starts as root to write the tmpfs, then runs the app as 65532 (run --user). Run the container with
# --user 65532:65532 and the agent itself is unprivileged too (then the tmpfs must be writable by that user).
ENV DOTNET_EnableDiagnostics=0
ENTRYPOINT ["/opt/secret-agent/bin/secret-agent", "run", "--user", "65532:65532", "--"]
CMD ["/app/app.sh"]
