/**
 * `npm run bench:feeds [-- --feeds 200 --items 50 --page-every 4 --runs 3]`: feeds polled
 * against local outlets (bench/feeds-server.ts, in a child process) into a temporary corpus and
 * database, through the real FeedService (safe fetcher, parser, extractor, atomic writer).
 * Measures the first full poll (wall time, articles written per second, pages extracted per
 * second, peak memory), then polls where nothing changed: all 304 (the ETags sent back), and as
 * the baseline in the same process the same polls without validators (200 with unchanged
 * feeds, parsed, nothing written). Medians of `--runs`. Writes bench/results/feeds.json. Stops
 * by itself: a first poll over 300 s is reported as such and the run ends (about 2.5 minutes
 * in all on a busy 2-core machine, see loadAverage in the results).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { FeedService } from '../src/feeds/runtime.js';
import { sqliteFeedStorage } from '../src/feeds/storage.js';
import { FeedStore } from '../src/feeds/store.js';
import { SILENT_LOGGER } from '../src/core/log.js';
import { openDatabase } from '../src/db/db.js';
import type { OutletOptions } from './feeds-server.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const outlets: OutletOptions = {
  ports: 8,
  feeds: option('--feeds', 200),
  items: option('--items', 50),
  pageEvery: option('--page-every', 4),
};
const runs = option('--runs', 3);
/** A first poll past this is abandoned (the machine is too busy to measure anything useful). */
const FIRST_POLL_LIMIT_MS = 300_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number): number => round(bytes / 1024 / 1024);

const outletProcess = fork(
  path.join(import.meta.dirname, 'feeds-server.ts'),
  [JSON.stringify(outlets)],
  { execArgv: ['--import', 'tsx'] },
);
const { bases } = await new Promise<{ bases: string[] }>((resolve) =>
  outletProcess.once('message', (message) => resolve(message as { bases: string[] })),
);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-bench-feeds-'));
const db = openDatabase(path.join(tmp, 'verbatim.db'));
// As openFeedRuntime sets it for the feed connection.
db.pragma('synchronous = NORMAL');
const corpusDir = path.join(tmp, 'corpus');
const clock = { t: Date.UTC(2026, 11, 2, 10, 0, 0), now: () => clock.t };
const service = new FeedService({
  storage: sqliteFeedStorage(new FeedStore(db)),
  corpusDir,
  logger: SILENT_LOGGER,
  defaultIntervalMinutes: 15,
  fetch: { allowPrivate: true, timeoutMs: 30_000 },
  clock,
});
for (let f = 0; f < outlets.feeds; f++) {
  const base = bases[f % bases.length]!;
  await service.store.add(
    {
      url: `${base}/f/${f}.xml`,
      name: `Outlet ${f}`,
      lang: null,
      intervalMinutes: null,
      addedBy: null,
    },
    clock.t,
    clock.t,
  );
}

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 50);
const rssBefore = process.memoryUsage().rss;

const pageFeeds = Math.ceil(outlets.feeds / outlets.pageEvery);
const expectedArticles = outlets.feeds * outlets.items;
const expectedPages = pageFeeds * outlets.items;
let lastReport = 0;
const started = performance.now();
const deadline = setTimeout(() => {
  process.stderr.write(`first poll passed ${FIRST_POLL_LIMIT_MS / 1000} s; stopping\n`);
  outletProcess.kill();
  process.exit(1);
}, FIRST_POLL_LIMIT_MS);
const cpuBefore = process.cpuUsage();
const first = await service.tick((done, total) => {
  if (done === total || performance.now() - lastReport > 5_000) {
    lastReport = performance.now();
    process.stderr.write(
      `first poll: ${done}/${total} feeds, ${Math.round((performance.now() - started) / 1000)} s\n`,
    );
  }
});
const firstMs = performance.now() - started;
const firstCpu = process.cpuUsage(cpuBefore);
clearTimeout(deadline);
clearInterval(sampler);
if (first.newArticles !== expectedArticles || first.failed !== 0)
  throw new Error(
    `first poll wrote ${first.newArticles} of ${expectedArticles} articles with ${first.failed} failed feeds`,
  );

/** Polls every feed once, with or without the validators stored by the last poll. */
async function timedPoll(conditional: boolean): Promise<{ ms: number; cpuMs: number }> {
  if (!conditional) db.prepare('UPDATE feeds SET etag = NULL, last_modified = NULL').run();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const summary = await service.pollNow(null);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const expected = conditional ? outlets.feeds : 0;
  if (summary.notModified !== expected || summary.newArticles !== 0 || summary.failed !== 0)
    throw new Error(`unexpected unchanged poll: ${JSON.stringify(summary)}`);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

// Interleaved so that load from elsewhere on the machine hits both alike.
const notModified: { ms: number; cpuMs: number }[] = [];
const unchanged: { ms: number; cpuMs: number }[] = [];
for (let r = 0; r < runs; r++) {
  unchanged.push(await timedPoll(false));
  notModified.push(await timedPoll(true));
}
const notModifiedMs = notModified.map((p) => p.ms);
const unchangedMs = unchanged.map((p) => p.ms);

const results = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  cpus: os.cpus().length,
  loadAverage: os.loadavg().map((n) => round(n)),
  setup: {
    feeds: outlets.feeds,
    itemsPerFeed: outlets.items,
    origins: outlets.ports,
    feedsWithTeasersOnly: pageFeeds,
    articlesFromFeedText: expectedArticles - expectedPages,
    articlesFromPages: expectedPages,
  },
  firstPoll: {
    seconds: round(firstMs / 1000, 2),
    articlesWritten: first.newArticles,
    articlesPerSecond: round(first.newArticles / (firstMs / 1000)),
    pagesFetchedAndExtractedPerSecond: round(expectedPages / (firstMs / 1000)),
    cpuSeconds: round((firstCpu.user + firstCpu.system) / 1e6, 2),
    peakRssMb: mb(peakRss),
    rssGrowthMb: mb(peakRss - rssBefore),
    peakHeapMb: mb(peakHeap),
  },
  unchangedPolls: {
    runs,
    all304MedianMs: round(median(notModifiedMs)),
    all304MsPerFeed: round(median(notModifiedMs) / outlets.feeds, 2),
    baseline200UnchangedMedianMs: round(median(unchangedMs)),
    ratio304ToBaseline: round(median(notModifiedMs) / median(unchangedMs), 3),
    all304CpuMedianMs: round(median(notModified.map((p) => p.cpuMs))),
    baseline200CpuMedianMs: round(median(unchanged.map((p) => p.cpuMs))),
  },
};

process.stdout.write(JSON.stringify(results, null, 2) + '\n');
const out = path.resolve(import.meta.dirname, 'results/feeds.json');
fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
process.stderr.write(`written to ${path.relative(process.cwd(), out)}\n`);

await service.stop();
db.close();
outletProcess.send('stop');
fs.rmSync(tmp, { recursive: true, force: true });
