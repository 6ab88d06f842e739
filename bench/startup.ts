/**
 * Start-up time with an unchanged corpus, as a fresh process sees it: fingerprint the corpus
 * files, read, check and decode the persisted index, pack the sorted terms and warm the completions.
 * With the in-process index it also reports when the Library could first answer (the bot serves
 * it from then on, its segments still loading) and the questions asked meanwhile, one every
 * 5 s through the answer path, and the event loop's delay over the whole start-up.
 * Usage: `npx tsx bench/startup.ts --size 1m [--data DIR] [--runs 3] [--workers N]
 * [--backend postgres]`. The
 * first run builds and persists the index in DIR (default data/bench/startup-<size>) if it is
 * missing or stale; each timed run is a new child process. `--backend postgres`: the bot's
 * SEARCH_BACKEND=postgres start instead (read the files, compare them with the database by
 * content hash, fill the Library's tables, mirror the term table) on a private server started
 * for the run (test/pg/server.ts), which the first run fills.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openLibrary } from '../src/library/snapshot-store.js';
import { openCorpus } from '../src/library/open.js';
import { openSearchDatabase } from '../src/db/search-database.js';
import { SILENT_LOGGER } from '../src/core/log.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/pg/server.js';
import { ensureSyntheticCorpus, loadSquadDev, parseSize } from './synthetic.js';
import { answerQuestion } from '../src/answer/answer.js';
import { SegmentWorkers } from '../src/index/segment-workers.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What one timed start-up (a child process) reports. */
interface ChildRun {
  readonly how: string;
  readonly ms: number;
  readonly cpuMs: number;
  /** When the Library could answer (null: not before the end, e.g. on PostgreSQL). */
  readonly searchableMs: number | null;
  /** Questions asked while the segments loaded, and how many had results. */
  readonly asked: number;
  readonly answered: number;
  readonly askP50Ms: number | null;
  readonly askMaxMs: number | null;
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
}

/** The pause between two questions asked while the index loads. */
const QUESTION_GAP_MS = 5_000;

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const sizeText = option('--size', '100k');
const size = parseSize(sizeText);
const root = path.resolve(import.meta.dirname, '../data/bench');
const corpus = ensureSyntheticCorpus(root, size);
const dataDir = path.resolve(option('--data', path.join(root, `startup-${sizeText}`)));

const postgres = option('--backend', 'memory') === 'postgres';

if (args.includes('--child')) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let searchableMs: number | null = null;
  const during: number[] = [];
  let answered = 0;
  let how: string;
  let close = (): Promise<void> => Promise.resolve();
  if (postgres) {
    const pool = await openSearchDatabase({
      searchBackend: 'postgres',
      databaseUrl: option('--database', ''),
    });
    if (pool === null) throw new Error('--database is missing');
    const opened = await openCorpus(corpus.dir, SILENT_LOGGER, Date.now, { sharedSearch: pool });
    opened.library.warm();
    how = opened.shared?.start.written === 0 ? 'loaded' : 'indexed';
    close = async () => {
      await opened.shared?.close();
      await pool.end();
    };
  } else {
    // As the bot does: the Library answers once its newest segment is in, the other segments
    // still loading; one question every QUESTION_GAP_MS meanwhile, timed.
    const questions = loadSquadDev()
      .questions.slice(0, 100)
      .map((q) => q.question);
    const workerCount = Number(option('--workers', '0'));
    const workers = workerCount > 0 ? new SegmentWorkers(workerCount) : undefined;
    let asking: Promise<void> = Promise.resolve();
    let loading = true;
    const opened = await openLibrary({
      corpusDir: corpus.dir,
      dataDir,
      logger: SILENT_LOGGER,
      ...(workers === undefined ? {} : { workers }),
      onSearchable: (library) => {
        searchableMs = performance.now() - started;
        asking = (async () => {
          for (let i = 0; loading; i++) {
            const asked = performance.now();
            const answer = await answerQuestion(library, questions[i % questions.length]!);
            during.push(performance.now() - asked);
            if (answer.results.length > 0) answered++;
            await new Promise((resolve) => setTimeout(resolve, QUESTION_GAP_MS));
          }
        })();
      },
    });
    loading = false;
    await asking;
    opened.library.warm();
    how = opened.how;
    close = () => opened.library.close();
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  delay.disable();
  const sorted = [...during].sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      how,
      ms,
      cpuMs: (used.user + used.system) / 1000,
      searchableMs,
      asked: during.length,
      answered,
      askP50Ms: sorted[Math.floor(sorted.length / 2)] ?? null,
      askMaxMs: sorted[sorted.length - 1] ?? null,
      loopP99Ms: delay.percentile(99) / 1e6,
      loopMaxMs: delay.max / 1e6,
    }) + '\n',
  );
  await close();
} else {
  const runs = Number(option('--runs', '3'));
  const server: PrivatePostgres | null = postgres ? await startPrivatePostgres() : null;
  process.on('exit', () => server?.stop());
  const database = server === null ? [] : ['--database', server.adminUrl];
  const child = (): ChildRun => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--max-old-space-size=12000',
        // As `npm start` runs the bot.
        '--max-semi-space-size=64',
        import.meta.filename,
        ...args,
        ...database,
        '--child',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildRun;
  };
  const first = child();
  if (first.how !== 'loaded')
    console.log(`index ${first.how} in ${(first.ms / 1000).toFixed(1)} s`);
  const timed = [...Array(runs)].map(() => child());
  for (const run of timed)
    if (run.how !== 'loaded') throw new Error(`expected a load, got ${run.how}`);
  const median = (values: number[]): number =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const seconds = (ms: number): string => (ms / 1000).toFixed(1);
  console.log(
    `${corpus.passages} passages: start-up ${postgres ? 'on PostgreSQL (nothing to index)' : 'from the persisted index'} ${timed.map((t) => seconds(t.ms)).join(', ')} s, median ${seconds(median(timed.map((t) => t.ms)))} s; CPU of this process median ${seconds(median(timed.map((t) => t.cpuMs)))} s`,
  );
  const early = timed.filter((t) => t.searchableMs !== null);
  if (early.length > 0)
    console.log(
      `answering after ${early.map((t) => seconds(t.searchableMs!)).join(', ')} s (median ${seconds(median(early.map((t) => t.searchableMs!)))} s), while the segments load: ${early.map((t) => `${t.answered} of ${t.asked} questions answered, wall p50 ${Math.round(t.askP50Ms ?? 0)} ms, max ${Math.round(t.askMaxMs ?? 0)} ms`).join('; ')}`,
    );
  console.log(
    `event-loop delay over the start-up: p99 ${timed.map((t) => Math.round(t.loopP99Ms)).join(', ')} ms, max ${timed.map((t) => Math.round(t.loopMaxMs)).join(', ')} ms`,
  );
}
