/**
 * `npm run bench:faults [-- --burst 500 --bursts 2]`: final-answer latency under a burst of /ask
 * through the fake Discord (test/fake-discord) and the real discord.js client, over the bundled
 * corpus. Each configuration serves `--bursts` bursts of `--burst` interactions (1,000 in all by
 * default); for each interaction the time from sending it to its acknowledgement and to its
 * final answer (the edit of `@original`) is taken, and interactions with no answer within 15 s
 * are counted as lost. Two configurations run in the same process, one after the other:
 *
 * - baseline: the REST client's own global limiter at @discordjs/rest's default 50 requests/s,
 *   which pace the answer edits (what issue 16 measured);
 * - verbatim: the bot as it starts (REST_REQUESTS_PER_SECOND).
 *
 * Warnings logged during each run are counted (a rate-limit flood shows there). Bounded: every
 * wait has a timeout, and the script exits when both runs are done. Figures go to
 * bench/results/faults.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COMMANDS } from '../commands/index.js';
import { readConfig } from '../src/config.js';
import { createLogger } from '../src/core/log.js';
import { startBot } from '../src/discord/bot.js';
import { REST_REQUESTS_PER_SECOND } from '../src/discord/rate-limits.js';
import { Library } from '../src/library/library.js';
import { loadCorpus } from '../src/library/load.js';
import { startFakeDiscord, type FakeDiscord } from '../test/fake-discord/index.js';
import { SEED_CASES } from './lib/seed-cases.js';
import { percentile } from './lib/metrics.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/results/faults.json');
const WAIT_MS = 15_000;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1 || value > 2_000)
    throw new Error(`--${name} must be a whole number from 1 to 2000`);
  return value;
}

interface BurstFigures {
  readonly sent: number;
  readonly lost: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly answerP50Ms: number;
  readonly answerP99Ms: number;
  readonly answerMaxMs: number;
}

async function burst(fake: FakeDiscord, questions: readonly string[]): Promise<BurstFigures> {
  const within = <T>(promise: Promise<T>): Promise<T | null> =>
    Promise.race([
      promise,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), WAIT_MS).unref()),
    ]);
  const timed = questions.map((question) => {
    const sentAt = performance.now();
    const interaction = fake.sendCommand('ask', [{ name: 'question', type: 3, value: question }]);
    const since = <T>(promise: Promise<T>): Promise<number> =>
      within(promise).then((done) => (done === null ? Infinity : performance.now() - sentAt));
    return { ack: since(interaction.acknowledged()), answer: since(interaction.reply()) };
  });
  const acks = (await Promise.all(timed.map((t) => t.ack))).sort((a, b) => a - b);
  const answers = (await Promise.all(timed.map((t) => t.answer))).sort((a, b) => a - b);
  return {
    sent: questions.length,
    lost: answers.filter((ms) => ms === Infinity).length,
    ackP50Ms: Math.round(percentile(acks, 0.5)),
    ackP99Ms: Math.round(percentile(acks, 0.99)),
    answerP50Ms: Math.round(percentile(answers, 0.5)),
    answerP99Ms: Math.round(percentile(answers, 0.99)),
    answerMaxMs: Math.round(answers[answers.length - 1] ?? NaN),
  };
}

async function run(
  label: string,
  library: Library,
  requestsPerSecond: number,
  burstSize: number,
  bursts: number,
): Promise<{ label: string; requestsPerSecond: number; bursts: BurstFigures[]; warnings: number }> {
  const fake = await startFakeDiscord();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-bench-faults-'));
  let warnings = 0;
  const logger = createLogger('warn', { sink: () => void warnings++ });
  const config = readConfig(
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.apiBase,
      DATA_DIR: dataDir,
      WATCH_CORPUS: 'false',
    },
    ROOT,
  );
  const bot = await startBot({ config, logger, library: () => library, commands: COMMANDS });
  // The limiter reads this option at each one-second window (@discordjs/rest SequentialHandler).
  (bot.client.rest.options as { globalRequestsPerSecond: number }).globalRequestsPerSecond =
    requestsPerSecond;
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const questions = SEED_CASES.map((c) => c.question);
  const figures: BurstFigures[] = [];
  try {
    for (let b = 0; b < bursts; b++) {
      const batch = Array.from(
        { length: burstSize },
        (_, i) => questions[(b * burstSize + i) % questions.length]!,
      );
      const result = await burst(fake, batch);
      figures.push(result);
      console.error(
        `${label} (${requestsPerSecond}/s) burst ${b + 1}: ${result.sent} sent, ${result.lost} lost; ack p50 ${result.ackP50Ms} ms p99 ${result.ackP99Ms} ms; final answer p50 ${result.answerP50Ms} ms p99 ${result.answerP99Ms} ms max ${result.answerMaxMs} ms`,
      );
    }
  } finally {
    await bot.stop();
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.error(`${label}: ${warnings} warning line(s) logged`);
  return { label, requestsPerSecond, bursts: figures, warnings };
}

async function main(): Promise<void> {
  const burstSize = argument('burst', 500);
  const bursts = argument('bursts', 2);
  const library = Library.build((await loadCorpus(path.join(ROOT, 'corpus'))).articles);
  const baseline = await run('baseline', library, 50, burstSize, bursts);
  const verbatim = await run('verbatim', library, REST_REQUESTS_PER_SECOND, burstSize, bursts);
  const ratio = (b: BurstFigures, v: BurstFigures): number =>
    Math.round((b.answerP99Ms / v.answerP99Ms) * 10) / 10;
  const report = {
    command: `npm run bench:faults -- --burst ${burstSize} --bursts ${bursts}`,
    measuredAt: new Date().toISOString(),
    corpus: 'bundled (corpus/)',
    baseline,
    verbatim,
    answerP99Ratio: verbatim.bursts.map((v, i) => ratio(baseline.bursts[i]!, v)),
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(report, null, 2) + '\n');
  console.error(`written to ${path.relative(ROOT, OUT)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
