# Verbatim, built and run exactly as .ci/production does (test/production.slow.test.ts runs that
# script): dependencies with `npm ci --omit=dev`, the TypeScript build from `npm ci` +
# `npm run build`, started with `npm run start:prod`'s command. better-sqlite3 compiles its
# native module when no prebuilt binary can be fetched, hence the build tools in both stages.
FROM node:20-bookworm-slim AS tools
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

FROM tools AS runtime-deps
RUN npm ci --omit=dev --no-audit --no-fund

FROM tools AS build
RUN npm ci --no-audit --no-fund
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
# `npm run start:prod` is `node dist/src/main.js`; node runs it directly so SIGTERM reaches the
# bot, which finishes digest runs in flight and saves button state before it exits.
CMD ["node", "dist/src/main.js"]
