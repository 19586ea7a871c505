# forcewatch container image. Build: docker build -t forcewatch .
# Run: docker run -d --env-file .env -v forcewatch-data:/data forcewatch   (or see compose.yaml)
# Checks inside the image: docker run --rm --env-file .env -v forcewatch-data:/data forcewatch node dist/src/doctor/cli.js

ARG NODE_VERSION=20

# --- build: every dependency, compile TypeScript to dist/ ---------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build

# --- runtime: production dependencies and the compiled code only, as a non-root user -----------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    FORCEWATCH_DB=/data/forcewatch.json \
    METRICS_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# The store, its lock and the archive live on the volume; the node user (uid 1000) owns it.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9464
# /healthz answers 200 once a poll has succeeded and while polls keep succeeding, 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.METRICS_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node as PID 1 receives docker stop's SIGTERM: the bot finishes its step, flushes the store, releases the lock.
CMD ["node", "dist/src/main.js"]
