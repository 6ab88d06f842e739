/**
 * The SearchIndex on PostgreSQL (SEARCH_BACKEND=postgres, opened by
 * src/library/shared-corpus.ts): the Library keeps its articles and term processing, and this
 * index keeps the passages' terms in the shared tables of PostgresSearch, so every bot process
 * searches one index.
 *
 * The interface's `add` and `remove` return nothing and `documentFrequency` answers at once,
 * as an in-process index can. Here writes are queued and sent in order in the background
 * (consecutive adds in one transaction); a search waits for this process's queued writes, so
 * it always sees them. The term table is mirrored in memory (the vocabulary with its document
 * frequencies, not the postings) and brought up to date from the terms changed since the mirror's version whenever
 * any process writes (LISTEN on SEARCH_CHANGED_CHANNEL), and before any search that finds the
 * corpus version moved.
 */
import type pg from 'pg';
import type { IndexHit, IndexedPassage, PassageKey, SearchIndex } from './search-index.js';
import SearchableMap from 'minisearch/SearchableMap';
import {
  PostgresSearch,
  SEARCH_CHANGED_CHANNEL,
  TOP_K,
  type PostgresSearchQuery,
  type TopKOptions,
  type TermRow,
} from './postgres.js';

/** A queued write. */
type Write =
  | { readonly kind: 'add'; readonly passages: IndexedPassage[] }
  | { readonly kind: 'remove'; readonly keys: PassageKey[] };

/** The SearchIndex backed by PostgreSQL. */
export class PostgresSearchIndex implements SearchIndex {
  /**
   * The term table in memory, as MiniSearch's own radix tree: prefix and fuzzy expansions are
   * found the way the MiniSearch index finds them, without a scan of the table per word.
   */
  private readonly terms = new SearchableMap<TermRow>();
  private version = 0;
  private passages = 0;
  private stale = true;
  private readonly queue: Write[] = [];
  private draining: Promise<void> | null = null;
  private failure: unknown = null;
  private listener: pg.PoolClient | null = null;

  private readonly store: PostgresSearch;

  private constructor(pool: pg.Pool, topK: TopKOptions) {
    const terms = this.terms;
    this.store = new PostgresSearch(
      pool,
      {
        get: (term) => terms.get(term),
        withPrefix: (prefix) => [...terms.atPrefix(prefix).values()],
        near: (term, maxDistance) =>
          [...terms.fuzzyGet(term, maxDistance).values()].map(([row, distance]) => [row, distance]),
      },
      topK,
    );
  }

  /**
   * Opens the index on a migrated database (SEARCH_MIGRATIONS): loads the document
   * frequencies and listens for every process's writes (this one's too) until `close`,
   * calling `onChange` after each. `topK` changes how searches over common words are cut
   * short (TOP_K by default).
   */
  static async open(
    pool: pg.Pool,
    options: { readonly onChange?: () => void; readonly topK?: TopKOptions } = {},
  ): Promise<PostgresSearchIndex> {
    const index = new PostgresSearchIndex(pool, options.topK ?? TOP_K);
    const listener = await pool.connect();
    listener.on('notification', () => {
      index.stale = true;
      options.onChange?.();
    });
    await listener.query(`LISTEN ${SEARCH_CHANGED_CHANNEL}`);
    index.listener = listener;
    await index.refresh();
    return index;
  }

  /** Stops listening; queued writes are sent first. */
  async close(): Promise<void> {
    await this.flush();
    const listener = this.listener;
    this.listener = null;
    if (listener !== null) {
      await listener.query(`UNLISTEN ${SEARCH_CHANGED_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
  }

  get passageCount(): number {
    return this.passages;
  }

  add(passages: Iterable<IndexedPassage>): void {
    const list = [...passages];
    if (list.length === 0) return;
    const last = this.queue[this.queue.length - 1];
    if (last?.kind === 'add') last.passages.push(...list);
    else this.queue.push({ kind: 'add', passages: list });
    this.drain();
  }

  remove(keys: Iterable<PassageKey>): void {
    const list = [...keys].map((k) => ({ docId: k.docId, ordinal: k.ordinal }));
    if (list.length === 0) return;
    this.queue.push({ kind: 'remove', keys: list });
    this.drain();
  }

  documentFrequency(term: string): number {
    return this.terms.get(term)?.textDf ?? 0;
  }

  /** As SearchIndex's search; `maxExpansions` may cap expansions (see PostgresSearchQuery). */
  async search(query: PostgresSearchQuery): Promise<IndexHit[]> {
    await this.flush();
    // The notification of another process's write may still be on its way: the version says.
    if (this.stale || (await this.store.totals()).version !== this.version) await this.refresh();
    const hits = await this.store.search(query);
    return hits.map(({ key, score, matchedTerms }) => ({ key, score, matchedTerms }));
  }

  /**
   * Resolves when every write queued so far is in the database (rejects with the first write
   * that failed; the queue is emptied, as its order can no longer be kept).
   */
  async flush(): Promise<void> {
    while (this.draining !== null) await this.draining;
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
  }

  private drain(): void {
    if (this.draining !== null) return;
    this.draining = (async () => {
      // Let the caller's loop queue its other passages first: they go in one transaction.
      await Promise.resolve();
      try {
        for (let write = this.queue.shift(); write !== undefined; write = this.queue.shift()) {
          if (write.kind === 'add') await this.store.addPassages(write.passages);
          else await this.store.removePassages(write.keys);
          this.stale = true;
        }
      } catch (error) {
        this.queue.length = 0;
        this.failure = error;
      } finally {
        this.draining = null;
      }
      if (this.stale) await this.refresh().catch((error: unknown) => (this.failure ??= error));
    })();
  }

  /** Brings the mirrored frequencies and passage count up to the database's version. */
  private async refresh(): Promise<void> {
    this.stale = false;
    const changed = await this.store.frequenciesSince(this.version);
    for (const row of changed.frequencies) {
      if (row.textDf > 0 || row.titleDf > 0) this.terms.set(row.term, row);
      else this.terms.delete(row.term);
    }
    this.version = changed.version;
    this.passages = (await this.store.totals()).passages;
  }
}
