# syntax=docker/dockerfile:1
# One image for every ztv service. The first argument picks what runs:
#   docker run IMAGE collector | rule-worker | alerter | remediator | api | migrate | evaluate <paths...>
# The last stage, `runtime`, is the default target; `clock-probe` adds chronyc for the optional node probe.
# TypeScript runs from source through tsx (a runtime dependency): there is no build step, only dependencies.
#
# Pinning: the base is pinned by tag AND digest. The digest below is a placeholder that the release job (or
# Renovate) replaces; for a local build pass --build-arg NODE_IMAGE=node:24.11.1-bookworm-slim.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000

# ---- deps: production dependencies only (npm ci --omit=dev), install scripts off (nothing ztv needs builds) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The workspaces' manifests and sources: npm ci links @ztv/* to them and may nest packages inside them.
COPY shared ./shared
COPY services ./services
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY bin ./bin
COPY migrations ./migrations
COPY tsconfig.base.json tsconfig.json ./

# ---- clock-probe: the runtime plus chronyc, for the optional clock-probe DaemonSet ----
# docker build --target clock-probe -t ztv-clock-probe .   (deploy/components/clock-probe)
FROM ${NODE_IMAGE} AS clock-probe
RUN apt-get update \
 && apt-get install -y --no-install-recommends chrony \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    TSX_DISABLE_CACHE=1
WORKDIR /app
COPY --from=deps /app /app
USER 10001:10001
ENTRYPOINT ["node", "bin/ztv.mjs"]
CMD ["clock-probe"]

# ---- runtime (the default target): no npm cache, no dev dependencies, owned by root, an unprivileged numeric user ----
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="ztv" \
      org.opencontainers.image.description="ztv, the Zero-Trust Verifier"
# Read-only root filesystem: tsx would cache compiled files under /tmp; with the cache off nothing is written
# anywhere, so the image also runs with no writable /tmp at all (the manifests mount one anyway).
ENV NODE_ENV=production \
    TSX_DISABLE_CACHE=1
WORKDIR /app
COPY --from=deps /app /app
# 10001: no passwd entry needed; the files stay root-owned and read-only to the process.
USER 10001:10001
EXPOSE 8443 8080 9464
ENTRYPOINT ["node", "bin/ztv.mjs"]
CMD ["--help"]
