/**
 * One corpus for every bot process on one PostgreSQL (SEARCH_BACKEND=postgres). The corpus
 * files stay the source of truth; the database holds what was indexed from them
 * (`search_articles` with a content hash per article, the passages and their terms: see
 * src/index/postgres.ts), and each process keeps a Library whose index is the shared one
 * (PostgresSearchIndex) and whose own tables (articles, passages, autocomplete words) are
 * filled without indexing anything again (Library.adoptAsync).
 *
 * - At start the files' articles are compared with the database by id and content hash: only
 *   new and changed articles are written, articles no file holds any more are removed, the
 *   rest is left as it is. Every process must read the same corpus folder.
 * - A write (the watcher's, for a dropped file or a feed poll's file) goes to the database
 *   first; the Library then catches up from the database like every other process does.
 * - Catching up: every write bumps the corpus version and sends NOTIFY (src/index/postgres.ts);
 *   each process then reads the articles written since the last it saw (`search_articles.seq`
 *   grows with every insert, writers holding one lock) and, when the database holds fewer
 *   articles than its Library, drops the removed ones. A slow check of the version backs up a
 *   lost notification.
 */
import type pg from 'pg';
import type { Article } from '../core/types.js';
import type { Logger } from '../core/log.js';
import { pauseEvery } from '../core/event-loop.js';
import { contentHash, PostgresSearch } from '../index/postgres.js';
import { PostgresSearchIndex } from '../index/postgres-index.js';
import { Library, type UpsertResult } from './library.js';

/** How often the corpus version is checked in case a notification was lost, ms. */
const VERSION_CHECK_MS = 5_000;
/** Articles read per query when catching up. */
const READ_BATCH = 1_000;

/** What start-up found in the database, by article count. */
interface SharedCorpusStart {
  /** New or changed in the files: written to the database. */
  readonly written: number;
  /** In the database but in no file: removed from it. */
  readonly removed: number;
  /** Already in the database as the files hold them: not indexed again. */
  readonly unchanged: number;
  readonly ms: number;
}

/** A Library on the shared index, and how this process writes to the shared corpus. */
export interface SharedCorpus {
  readonly library: Library;
  readonly start: SharedCorpusStart;
  /** Writes articles to the database (new and changed ones), then catches up. */
  upsertAsync(articles: Iterable<Article>, pause: () => Promise<void>): Promise<UpsertResult>;
  /** Removes articles from the database, then catches up; returns the ids removed. */
  removeAsync(docIds: Iterable<string>, pause: () => Promise<void>): Promise<string[]>;
  /** Stops following the database (the pool stays open: it is the caller's). */
  close(): Promise<void>;
}

/** What this process holds of the database: every article's content hash, in one snapshot. */
async function readHeld(pool: pg.Pool): Promise<{ hashes: Map<string, string>; seq: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const rows = await client.query<{ id: string; content_hash: string }>(
        'SELECT id, content_hash FROM search_articles',
      );
      const last = await client.query<{ seq: number | null }>(
        'SELECT max(seq) AS seq FROM search_articles',
      );
      return {
        hashes: new Map(rows.rows.map((r) => [r.id, r.content_hash])),
        seq: Number(last.rows[0]?.seq ?? 0),
      };
    } finally {
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
}

/**
 * Opens the shared corpus on a migrated database (the `search` track) for the corpus files'
 * `articles` (a repeated id keeps the first, as Library.build).
 */
export async function openSharedCorpus(
  pool: pg.Pool,
  articles: readonly Article[],
  logger: Logger,
): Promise<SharedCorpus> {
  const started = performance.now();
  const search = new PostgresSearch(pool);
  const wanted = new Map<string, Article>();
  for (const article of articles) if (!wanted.has(article.id)) wanted.set(article.id, article);
  const held = await readHeld(pool);
  const stale = [...wanted.values()].filter((a) => held.hashes.get(a.id) !== contentHash(a));
  const gone = [...held.hashes.keys()].filter((id) => !wanted.has(id));
  const removed = await search.remove(gone);
  await search.upsert(stale);

  let seq = held.seq;
  let version = -1;
  // Library changes run one at a time, so a catch-up never sees half of this process's write.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  // Notifications may come while the Library is filled: they are followed once it is.
  let onNotify = (): void => undefined;
  const index = await PostgresSearchIndex.open(pool, { onChange: () => onNotify() });
  const library = Library.build([], index);
  await library.adoptAsync(wanted.values(), pauseEvery());

  /** Reads what changed since `seq`; runs inside `serially`. */
  const catchUpNow = async (pause: () => Promise<void>): Promise<void> => {
    const client = await pool.connect();
    let fresh: { id: string; seq: number; content_hash: string }[];
    let kept: Set<string> | null = null;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const totals = await client.query<{ version: number }>('SELECT version FROM search_totals');
        version = Number(totals.rows[0]?.version ?? 0);
        fresh = (
          await client.query<{ id: string; seq: number; content_hash: string }>(
            'SELECT id, seq, content_hash FROM search_articles WHERE seq > $1 ORDER BY seq',
            [seq],
          )
        ).rows;
        const count = await client.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM search_articles',
        );
        const added = fresh.filter((r) => library.article(r.id) === undefined).length;
        if (library.articleCount + added > (count.rows[0]?.count ?? 0)) {
          const ids = await client.query<{ id: string }>('SELECT id FROM search_articles');
          kept = new Set(ids.rows.map((r) => r.id));
        }
      } finally {
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
    // Articles the Library already holds as the database does (what start-up wrote from the
    // files) are not read back.
    const unknown = fresh
      .filter((r) => {
        const have = library.article(r.id);
        return have === undefined || contentHash(have) !== r.content_hash;
      })
      .map((r) => r.id);
    const read: Article[] = [];
    for (let at = 0; at < unknown.length; at += READ_BATCH) {
      const batch = unknown.slice(at, at + READ_BATCH);
      const found = await search.articles(batch);
      // One removed or replaced since the snapshot is missing or newer: the next catch-up
      // (its write notified too) settles it.
      for (const id of batch) {
        const article = found.get(id);
        if (article !== undefined) read.push(article);
      }
    }
    const upserted = await library.adoptAsync(read, pause);
    const forgotten =
      kept === null
        ? []
        : await library.forgetAsync(
            [...library.articles()].map((a) => a.id).filter((id) => !kept.has(id)),
            pause,
          );
    seq = Math.max(seq, Number(fresh[fresh.length - 1]?.seq ?? 0));
    const changed = upserted.added.length + upserted.changed.length;
    if (changed + forgotten.length > 0)
      logger.info('corpus caught up from the database', {
        added_or_changed: changed,
        removed: forgotten.length,
      });
  };

  // A catch-up asked for while one waits to run is already covered by it.
  let pending: Promise<void> | null = null;
  function follow(): Promise<void> {
    pending ??= serially(async () => {
      pending = null;
      await catchUpNow(pauseEvery());
    }).catch((error: unknown) => logger.warn('corpus catch-up failed', { error }));
    return pending;
  }
  const check = setInterval(() => {
    void pool
      .query<{ version: number }>('SELECT version FROM search_totals')
      .then((r) => (Number(r.rows[0]?.version ?? 0) !== version ? follow() : undefined))
      .catch(() => undefined);
  }, VERSION_CHECK_MS);
  check.unref();
  onNotify = () => void follow();
  await follow();

  const start: SharedCorpusStart = {
    written: stale.length,
    removed: removed.length,
    unchanged: wanted.size - stale.length,
    ms: performance.now() - started,
  };
  return {
    library,
    start,
    upsertAsync: (list, pause) =>
      serially(async () => {
        const result = await search.upsert(list);
        await catchUpNow(pause);
        return result;
      }),
    removeAsync: (docIds, pause) =>
      serially(async () => {
        const result = await search.remove(docIds);
        await catchUpNow(pause);
        return result;
      }),
    async close() {
      clearInterval(check);
      onNotify = () => undefined;
      await queue;
      await index.close();
    },
  };
}
