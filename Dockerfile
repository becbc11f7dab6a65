# Briefcast in a container: the bot built (`npm run build`, TypeScript compiled to dist/ in a
# build stage) and run by node itself with `npm start`'s memory flags, as the unprivileged `node`
# user — as README "Operations" says to run it in production: without tsx and the TypeScript it
# compiles as it loads, a process starts in about half the time and holds about 60 MB less.
# Build: `docker build -t briefcast .`; run several against one PostgreSQL with `docker compose up`
# (compose.yaml, README "Scale out").

# The build stage: every dependency (tsc is a dev dependency), then the compiled code in /app/dist.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build

# The image: the production dependencies and the compiled code; nothing of the build stage else.
FROM node:20-bookworm-slim

# /healthz, for the HEALTHCHECK below and a load balancer; publish it with `-p`.
ENV HEALTH_PORT=8080
# The embedded store (used when DATABASE_URL is not set) lives on a volume, not in the image.
ENV DATABASE_FILE=/var/lib/briefcast/db.json

WORKDIR /app

# Dependencies first, so a change to the code does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --from=build /app/dist ./dist
# What the built code reads as it runs, found under the folder of package.json (as from src/):
# the PostgreSQL migrations, the desk's static files, the topics and the sample briefing.
COPY src/store/postgres/migrations ./src/store/postgres/migrations
COPY src/adapters/desk/static ./src/adapters/desk/static
COPY data/topics.json data/sample-briefing.json ./data/

# The store's folder, and data/ too (a DATABASE_FILE=data/db.json from .env.example works, unkept).
RUN mkdir -p /var/lib/briefcast && chown node:node /var/lib/briefcast /app/data
VOLUME /var/lib/briefcast
USER node

EXPOSE 8080

# Healthy while /healthz answers 200 (every adapter connected); node has fetch, the image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HEALTH_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node itself, not npm, so `docker stop`'s SIGTERM reaches it (README "Operations"); the memory
# flags are npm start's, the program the built one.
CMD ["node", "--max-old-space-size=512", "--initial-heap-size=64", "--max-semi-space-size=4", "dist/src/main.js"]
