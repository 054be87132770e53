# syntax=docker/dockerfile:1
# Nexaas controller image. Build: docker build -t nexaas .
# Run:   docker run --init -p 8400:8400 -v "$PWD/ops:/workspace:ro" -v nexaas-data:/data \
#          -e API_KEY=... -e ANTHROPIC_API_KEY=... nexaas
# (--init reaps the processes that script actions leave behind.)

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript and the schema validators, then drop dev dependencies
FROM ${NODE_IMAGE} AS build
# better-sqlite3 is compiled from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp takes the headers of the image's own node instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /app

# Dependencies first, so that a source change does not reinstall them. --ignore-scripts
# because `prepare` builds, and the sources are not here yet; the native module is
# then built on its own.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

COPY tsconfig.json ./
COPY scripts ./scripts
COPY schemas ./schemas
COPY cli ./cli
COPY controller ./controller
# The build warms the CLI's code cache by validating workspace.example over framework/.
COPY bin ./bin
COPY framework ./framework
COPY workspace.example ./workspace.example
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: node, git, the compiled controller and the files it ships
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="nexaas" \
      org.opencontainers.image.description="GitOps controller for AI automations" \
      org.opencontainers.image.licenses="MIT"
# git: the controller reads revisions from the workspace's git objects (and clones
# with --remote); ca-certificates for https remotes and the model API.
# safe.directory: a mounted workspace belongs to the host's user, not to this one, and
# git would refuse to read it ("dubious ownership"); the container only reads it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory '*'

# HOST: inside a container the API must listen on every interface, not only loopback.
ENV NODE_ENV=production \
    DATABASE_PATH=/data/nexaas.db \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY bin ./bin
COPY schemas ./schemas
# SQL migrations are read at run time from the package's own folder.
COPY controller/store/migrations ./controller/store/migrations
COPY framework ./framework
COPY workspace.example ./workspace.example
COPY hooks ./hooks

# The image's files stay root-owned and read-only to the process; it writes only /data.
RUN mkdir -p /data /workspace && chown node:node /data
USER node
VOLUME /data
EXPOSE 8400

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8400) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "/app/bin/nexaas.js"]
CMD ["start", "--workspace", "/workspace"]
