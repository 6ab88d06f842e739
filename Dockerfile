# Verbatim, built and run exactly as .ci/production does (test/production.slow.test.ts runs that
# script): runtime dependencies from `npm ci --omit=dev`, dist/ from `npm ci --ignore-scripts`
# (tsc needs no native module) + `npm run build`, started with `npm run start:prod`'s command.
# better-sqlite3 compiles its native module when no prebuilt binary can be fetched, hence the
# build tools in the first stage.
FROM node:20-bookworm-slim AS runtime-deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY types types
COPY src src
COPY commands commands
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production CORPUS_DIR=/app/corpus DATA_DIR=/data DOTENV_CONFIG_QUIET=true
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=runtime-deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY corpus corpus
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
# `npm run start:prod` is this command; node runs it directly so SIGTERM reaches the
# bot, which finishes digest runs in flight and saves button state before it exits.
CMD ["node", "--max-semi-space-size=64", "dist/src/main.js"]
