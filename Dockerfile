# Briefcast in a container: the same code `npm start` runs (TypeScript loaded by tsx, a runtime
# dependency), as the unprivileged `node` user. Build: `docker build -t briefcast .`; run several
# against one PostgreSQL with `docker compose up` (compose.yaml, README "Scale out").
FROM node:20-bookworm-slim

# /healthz, for the HEALTHCHECK below and a load balancer; publish it with `-p`.
ENV HEALTH_PORT=8080
# The embedded store (used when DATABASE_URL is not set) lives on a volume, not in the image.
ENV DATABASE_FILE=/var/lib/briefcast/db.json

WORKDIR /app

# Dependencies first, so a change to the code does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY commands ./commands
COPY data/topics.json data/sample-briefing.json ./data/

# The store's folder, and data/ too (a DATABASE_FILE=data/db.json from .env.example works, unkept).
RUN mkdir -p /var/lib/briefcast && chown node:node /var/lib/briefcast /app/data
VOLUME /var/lib/briefcast
USER node

EXPOSE 8080

# Healthy while /healthz answers 200 (every adapter connected); node has fetch, the image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HEALTH_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `npm start`'s command without the npm wrapper, so `docker stop`'s SIGTERM reaches node itself
# (README "Operations"); the memory flags are npm start's.
CMD ["node", "--max-old-space-size=512", "--initial-heap-size=128", "--max-semi-space-size=4", "--import", "tsx", "src/main.ts"]
