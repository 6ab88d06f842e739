/**
 * Start-up time with an unchanged corpus, as a fresh process sees it: fingerprint the corpus
 * files, read, check and decode the persisted index, pack the sorted terms and warm the completions.
 * Usage: `npx tsx bench/startup.ts --size 1m [--data DIR] [--runs 3] [--backend postgres]`. The
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
import { ensureSyntheticCorpus, parseSize } from './synthetic.js';

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
    const opened = await openLibrary({ corpusDir: corpus.dir, dataDir, logger: SILENT_LOGGER });
    opened.library.warm();
    how = opened.how;
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ how, ms, cpuMs: (used.user + used.system) / 1000 }) + '\n');
  await close();
} else {
  const runs = Number(option('--runs', '3'));
  const server: PrivatePostgres | null = postgres ? await startPrivatePostgres() : null;
  process.on('exit', () => server?.stop());
  const database = server === null ? [] : ['--database', server.adminUrl];
  const child = (): { how: string; ms: number; cpuMs: number } => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--max-old-space-size=12000',
        import.meta.filename,
        ...args,
        ...database,
        '--child',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      how: string;
      ms: number;
      cpuMs: number;
    };
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
}
