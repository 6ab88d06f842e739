/**
 * Verbatim with SEARCH_BACKEND=postgres as bench/perf.ts drives it: a private PostgreSQL server
 * (test/pg/server.ts), the `search` migrations, and the bot's own path — the corpus files read
 * by the loader and opened as the shared corpus (src/library/shared-corpus.ts), answered by the
 * same answer path, autocomplete and renderer as the in-process index. "Save" is nothing (the
 * database is its own persisted form; its size is reported); "load" is a start-up with an
 * unchanged corpus (files read, compared with the database by content hash, the Library filled).
 * The server's CPU time is reported with each question's, since the search runs there.
 */
import { loadCorpus } from '../src/library/load.js';
import { openSharedCorpus, type SharedCorpus } from '../src/library/shared-corpus.js';
import { migratePostgres, openPostgres, type PgPool } from '../src/db/postgres.js';
import { SEARCH_MIGRATIONS } from '../src/index/postgres-schema.js';
import { SILENT_LOGGER } from '../src/core/log.js';
import { answerQuestion } from '../src/answer/answer.js';
import { renderAnswer } from '../src/present/console.js';
import { suggestCompletions } from '../src/answer/keywords.js';
import type { Library } from '../src/library/library.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/pg/server.js';
import { serverCpuMs } from './lib/postgres-cpu.js';

/** What bench/perf.ts calls; see its System interface. */
export interface PostgresSystem {
  build(corpusDir: string): Promise<{ readMs: number }>;
  save(dir: string): Promise<number>;
  load(dir: string, corpusDir: string): Promise<void>;
  ask(question: string): Promise<{ text: string; results: number }>;
  complete(partial: string): readonly string[];
  /** CPU milliseconds the server has used so far. */
  otherCpuMs(): number;
  /** Whether `build` found the corpus already in a kept data directory (nothing indexed). */
  builtEarlier(): boolean;
  close(): Promise<void>;
}

/**
 * A Verbatim instance on a private server; with `keep`, the server's data directory is kept
 * there and reused, so a 1M-passage database is built once across runs.
 */
export async function createPostgresSystem(options: {
  answerLimit: number;
  completionLimit: number;
  keep?: string;
}): Promise<PostgresSystem> {
  const server: PrivatePostgres = await startPrivatePostgres(options.keep);
  let pool: PgPool | null = null;
  let shared: SharedCorpus | null = null;
  let library: Library | null = null;
  let reused = false;
  const open = async (corpusDir: string): Promise<{ readMs: number; written: number }> => {
    const started = performance.now();
    const { articles } = await loadCorpus(corpusDir);
    const readMs = performance.now() - started;
    await shared?.close();
    shared = await openSharedCorpus(pool!, articles, SILENT_LOGGER);
    library = shared.library;
    library.warm(); // as the bot does at start
    return { readMs, written: shared.start.written };
  };
  pool = openPostgres(server.adminUrl, { max: 12 });
  await migratePostgres(pool, 'search', SEARCH_MIGRATIONS);
  return {
    async build(corpusDir) {
      const { readMs, written } = await open(corpusDir);
      reused = written === 0;
      return { readMs };
    },
    async save() {
      const size = await pool!.query<{ bytes: string }>(
        'SELECT pg_database_size(current_database()) AS bytes',
      );
      return Number(size.rows[0]?.bytes);
    },
    async load(_dir, corpusDir) {
      const { written } = await open(corpusDir);
      if (written !== 0) throw new Error(`expected an unchanged corpus, ${written} written`);
    },
    async ask(question) {
      const answer = await answerQuestion(library!, question, { limit: options.answerLimit });
      return { text: renderAnswer(answer, 'markdown'), results: answer.results.length };
    },
    complete(partial) {
      return suggestCompletions(library!, partial, options.completionLimit);
    },
    otherCpuMs: () => serverCpuMs(server.dataDir),
    builtEarlier: () => reused,
    async close() {
      await shared?.close();
      await pool?.end();
      server.stop();
    },
  };
}
