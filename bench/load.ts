/**
 * `npx tsx bench/load.ts [--size 10k] [--burst 200]`: the bot under load, through the fake
 * Discord (test/fake-discord) and the real discord.js client.
 *
 * 1. Idle: `--burst` /ask interactions sent at once; every one must be acknowledged within 3 s.
 * 2. Watcher update: a file of new articles, a tenth of the corpus, is dropped in and the
 *    corpus watcher (as WATCH_CORPUS runs it) upserts it on the main thread in slices while
 *    questions keep coming; the event loop's delay is sampled for the whole update and must
 *    stay under 50 ms p99.
 * The Library is opened as the bot opens it (openCorpus with DATA_DIR: the persisted snapshot).
 * Figures go to bench/results/perf.json under "load".
 */
import { COMMANDS } from '../commands/index.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readConfig } from '../src/config.js';
import { watchCorpus } from '../src/library/watch.js';
import { startBot } from '../src/discord/bot.js';
import { openCorpus } from '../src/library/open.js';
import { SILENT_LOGGER } from '../src/core/log.js';
import type { Library } from '../src/library/library.js';
import { startFakeDiscord, type FakeDiscord } from '../test/fake-discord/index.js';
import { ensureSyntheticCorpus, loadSquadDev, parseSize } from './synthetic.js';
import { percentile } from './lib/metrics.js';

const ACK_LIMIT_MS = 3_000;
const LOOP_P99_LIMIT_MS = 50;
/** How long to wait for an acknowledgement or a reply before counting it as lost. */
const ACK_WAIT_MS = 15_000;
const OUT = path.resolve(import.meta.dirname, 'results/perf.json');

interface Burst {
  readonly sent: number;
  readonly acknowledgedWithin3s: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly ackMaxMs: number;
  readonly allRepliedMs: number;
}

/** Sends `questions` as /ask all at once and times each acknowledgement and the last reply. */
async function burst(fake: FakeDiscord, questions: readonly string[]): Promise<Burst> {
  const started = performance.now();
  const interactions = questions.map((question) => ({
    sentAt: performance.now(),
    interaction: fake.sendCommand('ask', [
      { name: 'question', type: 3, value: question.slice(0, 200) },
    ]),
  }));
  // An interaction acknowledged too late is dropped by Discord (and the fake): it never
  // resolves, so every wait is bounded and a missing answer counts as a failure.
  const within = <T>(promise: Promise<T>, ms: number): Promise<T | null> =>
    Promise.race([
      promise,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref()),
    ]);
  const acks = await Promise.all(
    interactions.map(async ({ sentAt, interaction }) => {
      const ack = await within(interaction.acknowledged(), ACK_WAIT_MS);
      return ack === null ? Infinity : performance.now() - sentAt;
    }),
  );
  await Promise.all(
    interactions.map(({ interaction }) => within(interaction.reply(), ACK_WAIT_MS)),
  );
  const allRepliedMs = performance.now() - started;
  acks.sort((a, b) => a - b);
  return {
    sent: questions.length,
    acknowledgedWithin3s: acks.filter((ms) => ms <= ACK_LIMIT_MS).length,
    ackP50Ms: percentile(acks, 0.5),
    ackP99Ms: percentile(acks, 0.99),
    ackMaxMs: acks[acks.length - 1] ?? NaN,
    allRepliedMs,
  };
}

interface LoopDelay {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Runs `work` while a light trickle of /ask (one every 100 ms) keeps the bot serving, and
 * samples the event loop's delay meanwhile.
 */
async function whileServing<T>(
  fake: FakeDiscord,
  questions: readonly string[],
  work: () => Promise<T>,
): Promise<{ result: T; ms: number; loop: LoopDelay }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const running = work();
  let trickling = true;
  const trickle = (async () => {
    let i = 0;
    while (trickling) {
      const question = questions[i++ % questions.length]!;
      fake.sendCommand('ask', [{ name: 'question', type: 3, value: question.slice(0, 200) }]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const result = await running;
  const ms = performance.now() - started;
  delay.disable();
  trickling = false;
  await trickle;
  const loop = {
    samples: delay.count,
    p50Ms: delay.percentile(50) / 1e6,
    p99Ms: delay.percentile(99) / 1e6,
    maxMs: delay.max / 1e6,
  };
  return { result, ms, loop };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const size = parseSize(
    args[args.indexOf('--size') + 1] !== undefined && args.includes('--size')
      ? args[args.indexOf('--size') + 1]!
      : '10k',
  );
  const burstSize = args.includes('--burst') ? Number(args[args.indexOf('--burst') + 1]) : 200;
  const synthetic = ensureSyntheticCorpus(
    path.resolve(import.meta.dirname, '../data/bench'),
    size,
    (line) => console.error(line),
  );
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-load-'));
  const corpusDir = path.join(root, 'corpus');
  const dataDir = path.join(root, 'data');
  fs.cpSync(synthetic.dir, corpusDir, { recursive: true });
  const logger = SILENT_LOGGER;
  const questions = loadSquadDev()
    .questions.slice(0, burstSize * 2)
    .map((q) => q.question);
  let fake: FakeDiscord | null = null;
  let stop: (() => Promise<void>) | null = null;
  try {
    // Built and persisted, then opened again from the snapshot as a restarted bot does.
    await openCorpus(corpusDir, logger, Date.now, { dataDir });
    const opened = await openCorpus(corpusDir, logger, Date.now, { dataDir });
    const served = (): Library => opened.library;
    console.error(`library: ${opened.library.passageCount} passages`);
    fake = await startFakeDiscord();
    const config = readConfig(
      {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_BASE: fake.apiBase,
        DATA_DIR: dataDir,
        CORPUS_DIR: corpusDir,
        WATCH_CORPUS: 'false',
        LOG_LEVEL: 'warn',
      },
      root,
    );
    const bot = await startBot({
      config,
      logger,
      library: served,
      loadedAt: () => Date.now(),
      version: 'load-test',
      commands: COMMANDS,
    });
    stop = () => bot.stop();
    await fake.waitForClient();

    const idle = await burst(fake, questions.slice(0, burstSize));
    console.error(
      `idle burst: ${idle.acknowledgedWithin3s}/${idle.sent} acknowledged within 3 s, ack p99 ${idle.ackP99Ms.toFixed(0)} ms, all replied in ${idle.allRepliedMs.toFixed(0)} ms`,
    );

    // The corpus watcher taking a file of new articles, a tenth of the corpus, on the main
    // thread, in slices.
    const watcher = await watchCorpus(corpusDir, served, {
      logger,
      pollMs: 0,
      debounceMs: 60_000,
    });
    const allLines = fs
      .readdirSync(corpusDir)
      .filter((f) => f.startsWith('part-'))
      .flatMap((f) => fs.readFileSync(path.join(corpusDir, f), 'utf8').split('\n'))
      .filter((l) => l !== '');
    fs.writeFileSync(
      path.join(corpusDir, 'dropped.jsonl'),
      allLines
        .slice(0, Math.ceil(allLines.length / 10))
        .map((l) => l.replaceAll('"id":"syn-', '"id":"dropped-'))
        .join('\n') + '\n',
    );
    const passagesBefore = opened.library.passageCount;
    const {
      result: change,
      ms: watchMs,
      loop: watchLoop,
    } = await whileServing(fake, questions, () => watcher.rescan());
    watcher.close();
    const watched = {
      articles: change.upserted.length,
      passages: opened.library.passageCount - passagesBefore,
      ms: watchMs,
      eventLoopDelay: watchLoop,
    };
    console.error(
      `watcher took ${watched.articles} articles (${watched.passages} passages) in ${watchMs.toFixed(0)} ms; event loop delay p50 ${watchLoop.p50Ms.toFixed(1)} ms, p99 ${watchLoop.p99Ms.toFixed(1)} ms, max ${watchLoop.maxMs.toFixed(0)} ms`,
    );
    const result = {
      measuredAt: new Date().toISOString(),
      command: `npx tsx bench/load.ts --size ${args.includes('--size') ? args[args.indexOf('--size') + 1] : '10k'} --burst ${burstSize}`,
      passages: opened.library.passageCount,
      idle,
      watcher: watched,
      pass: {
        idleAllAcknowledgedWithin3s: idle.acknowledgedWithin3s === idle.sent,
        watcherEventLoopP99Under50ms: watchLoop.p99Ms < LOOP_P99_LIMIT_MS,
      },
    };
    let report: Record<string, unknown> = {};
    try {
      report = JSON.parse(fs.readFileSync(OUT, 'utf8')) as Record<string, unknown>;
    } catch {
      // No earlier results.
    }
    const load = {
      ...((report['load'] as Record<string, unknown> | undefined) ?? {}),
      [String(size)]: result,
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, JSON.stringify({ ...report, load }, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await stop?.();
    await fake?.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
