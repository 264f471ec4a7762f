# syntax=docker/dockerfile:1
# One image for every Firebreak role (FIREBREAK_ROLE=all|worker|http); docker-compose.yml runs the
# worker and the HTTP server from it as separate services. See README "Deployment".
# Node 24 LTS, the same release as the `node` devDependency that runs npm scripts outside Docker.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# All dependencies, dev ones included: the build stage compiles and bundles with them.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# `npm run build`: the compiled service and CLI in dist/ with their SQL migrations, and the workflow
# bundles (plain, and with the tracing interceptors), so a worker starts without tsx or webpack;
# then everything only needed for building and testing is dropped.
FROM deps AS build
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# Compiled JavaScript only: no TypeScript sources, no tsx at run time.
FROM ${NODE_IMAGE} AS runtime
# The V8 heap cap: without one Node sizes the heap from the machine's memory and collects lazily,
# so a busy worker's RSS grows past 1 GB with garbage (bench:incidents: 1.19 GB uncapped, 0.77 GB
# at 400 MB). Raise it with the container's memory limit and FIREBREAK_MAX_CACHED_WORKFLOWS.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=512 \
    PORT=3000 \
    FIREBREAK_CONFIG=/app/firebreak.config.yaml \
    FIREBREAK_WORKFLOW_BUNDLE=/app/dist/workflows.js
WORKDIR /app
# Files stay owned by root: the service user can read its code but not change it.
COPY --from=build /app/package.json /app/package-lock.json /app/firebreak.config.yaml ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
USER node
# 3000: HTTP (every role serves /healthz, /readyz, /metrics); 9464: TEMPORAL_METRICS_BIND, when set.
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/worker/main.js"]
