/**
 * Search on PostgreSQL (SEARCH_BACKEND=postgres): the passages of every article in a table
 * shared by all bot processes, with a GIN index over a tsvector of the project's own processed
 * terms (src/index/postgres-schema.ts), scored in SQL with the same BM25+ as the in-process
 * index — per field, with prefix and fuzzy expansions weighted as MiniSearch weighs them, OR or
 * AND over groups of alternative terms, the coverage floor, and the score multiplied by the
 * number of distinct query terms matched — so the answer path's rerank, floor and quote choice
 * work on the same numbers. Term statistics (document frequency per term and field, passage
 * count, field lengths) are kept in tables in the same transaction as the passages, and so are
 * the impact-ordered postings lists of common terms: an unfiltered OR question over common
 * words scores exactly only the passages at the top of its words' lists, those holding several
 * of its words at once and those holding a sparse word (TOP_K) instead of every passage that
 * could reach the coverage floor — the ranking among those passages is unchanged.
 *
 * Writers take one advisory lock, so the statistics stay exact when several processes add
 * articles at once; each write bumps `search_totals.version` and sends NOTIFY `search_changed`,
 * which other processes use to drop what they cached.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Article, Passage } from '../core/types.js';
import type { IndexHit, IndexedPassage, PassageKey, TermGroupSearch } from './search-index.js';
import { splitPassages } from '../text/passages.js';
// MiniSearch's expansion weights and fuzzy cap, as the in-process scorer uses them.
import {
  FUZZY_WEIGHT,
  MAX_FUZZY,
  necessaryGroups,
  PREFIX_WEIGHT,
  TITLE_BOOST,
} from './minisearch-index.js';
import {
  TERM_PROCESSING_VERSION,
  type TermContext,
  termContextOfArticle,
  tokenize,
  wordInfo,
} from '../text/analyze.js';

/** The PostgreSQL channel announcing a change of the searchable corpus. */
export const SEARCH_CHANGED_CHANNEL = 'search_changed';

/** Advisory-lock key (any constant) serialising writers of the search tables. */
const WRITE_LOCK = 0x5645_5253; // "VERS"

/** Distinct terms and groups a query may have (as the in-process scorer). */
const MAX_TERMS = 64;
const MAX_GROUPS = 32;
/** Term frequencies are capped as the in-process index caps them (one byte). */
const MAX_TF = 0xff;
/** tsvector limits: positions per lexeme and bytes per lexeme. */
const MAX_POSITIONS = 256;
const MAX_LEXEME_BYTES = 2_046;
/** fuzzystrmatch's levenshtein reads at most this many characters per argument. */
const MAX_LEVENSHTEIN = 255;
/** Articles written per transaction by `upsert`. */
const UPSERT_BATCH = 200;
/** Articles kept per process for the hits of the next questions. */
const ARTICLE_CACHE_LIMIT = 5_000;
/** Written words whose terms are kept per term context. */
const TERM_CACHE_LIMIT = 500_000;
/** Expansion lists kept per process (questions repeat their words). */
const EXPANSION_CACHE_LIMIT = 20_000;

/** A search: the SearchIndex query, optionally with a cap on expansions per term. */
export interface PostgresSearchQuery extends TermGroupSearch {
  /** At most this many prefix and fuzzy expansions per term, the nearest kept. */
  readonly maxExpansions?: number;
}

/** A ranked passage with where it lies in its stored article (null when not stored here). */
export interface PostgresIndexHit extends IndexHit {
  readonly start: number | null;
  readonly end: number | null;
}

/** A passage that matched, with its stored article, its score and the query terms it matched. */
export interface PostgresHit {
  readonly passage: Passage;
  readonly article: Article;
  readonly score: number;
  readonly matchedTerms: readonly string[];
}

/** The term table as mirrored in a process. */
export interface Vocabulary {
  get(term: string): TermRow | undefined;
  /** Terms starting with `prefix` (itself included when present). */
  withPrefix(prefix: string): TermRow[];
  /** Terms within `maxDistance` edits of `term` (Levenshtein), with their distances. */
  near(term: string, maxDistance: number): [TermRow, number][];
}

/** What an upsert did, by article id. */
export interface PostgresUpsertResult {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
}

/** Corpus-wide figures the answer path needs. */
export interface PostgresTotals {
  readonly passages: number;
  readonly averageTextLength: number;
  readonly averageTitleLength: number;
  readonly bulgarianArticles: number;
  readonly russianArticles: number;
  /** Bumped by every write. */
  readonly version: number;
}

/** A term of the vocabulary with its document frequencies in passage texts and titles. */
export interface TermRow {
  readonly term: string;
  readonly textDf: number;
  readonly titleDf: number;
}

/** One passage as written: its key, filters and term frequencies per field. */
interface PassageRow extends PassageKey {
  /** Offsets in the stored article text; null when the article is not stored here. */
  readonly start: number | null;
  readonly end: number | null;
  readonly date: string | null;
  readonly lang: string;
  readonly source: string | null;
  readonly text: ReadonlyMap<string, number>;
  readonly title: ReadonlyMap<string, number>;
}

/** Occurrences per term of a list of term occurrences. */
function countList(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) if (storable(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** A tsvector lexeme literal: quoted, with quotes and backslashes escaped. */
function lexeme(term: string): string {
  return `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Whether a term fits in a tsvector (longer ones cannot be stored, so are never matched). */
function storable(term: string): boolean {
  return term !== '' && Buffer.byteLength(term) <= MAX_LEXEME_BYTES;
}

/**
 * Terms in more than this many passages keep an impact-ordered postings list
 * (`search_postings`; the same figure as in migration 2's fill of an existing database).
 */
const POSTINGS_MIN_REACH = 100;
/** Postings kept per term, trimmed back to this once past POSTINGS_TRIM. */
const POSTINGS_KEPT = 1_000;
const POSTINGS_TRIM = 1_500;
/** A list losing postings with its passages is rebuilt from the passages below this. */
const POSTINGS_REFILL = 500;
/** Postings an expansion reads from its list, at least. */
const MIN_POSTINGS_READ = 20;
/** Terms whose lists are rebuilt by one statement. */
const MAX_REBUILD = 500;

/** How a search over many passages is cut short (PostgresSearch's `topK`). */
export interface TopKOptions {
  /**
   * Postings read from the top of each common lexeme's impact-ordered list (an expansion
   * reads its weight's share of them), at most POSTINGS_KEPT.
   */
  readonly postingsPerLexeme: number;
  /** Passages from those lists, best by their summed impacts, that are scored exactly. */
  readonly candidates: number;
  /**
   * Passages expected to hold several of the question's common words at once that are read
   * (through the GIN index) and scored exactly, at most.
   */
  readonly together: number;
  /**
   * Postings the GIN index may read for the passages holding several words at once: the words
   * in fewest passages are taken, as many as fit (at least two), since what that read costs is
   * the lengths of the words' posting lists.
   */
  readonly togetherReach: number;
  /**
   * Question words the read for passages holding several at once takes at most (those in
   * fewest passages, at least two): the GIN index tests every posting it reads against the
   * whole query, an OR of one AND per set of words, whose size grows with their combinations.
   */
  readonly togetherGroups: number;
  /**
   * A question whose common lexemes are found in at most this many passages in all is
   * answered exactly over every passage that can reach the coverage floor.
   */
  readonly exactBelow: number;
}

/** The top-k search as the bot uses it (tuned on bench/postgres.ts and bench:quality). */
export const TOP_K: TopKOptions = {
  postingsPerLexeme: 300,
  candidates: 1_000,
  together: 3_000,
  togetherReach: 150_000,
  togetherGroups: 6,
  exactBelow: 30_000,
};

/**
 * SQL filling the postings lists of the lexemes `where` selects (over passages `p` and their
 * lexemes `u`) with each one's best `kept` postings by impact, and recording each list's
 * length and floor (its lowest impact once full) in `search_terms`.
 */
function rankPostings(where: string, kept: string): string {
  return `WITH ranked AS (
     SELECT u.lexeme AS term, search_impact(u.weights, p.text_length, p.title_length) AS impact,
            p.seq, p.month,
            row_number() OVER (PARTITION BY u.lexeme
              ORDER BY search_impact(u.weights, p.text_length, p.title_length) DESC, p.seq)
              AS rank
     FROM search_passages p, unnest(p.terms) AS u
     WHERE ${where}
   ), kept AS (
     INSERT INTO search_postings (term, impact, seq, month)
     SELECT term, impact, seq, month FROM ranked WHERE rank <= ${kept}
     RETURNING term, impact
   )
   UPDATE search_terms t SET postings = k.n, floor = CASE WHEN k.n >= ${kept} THEN k.low ELSE 0 END
   FROM (SELECT term, count(*)::int AS n, min(impact) AS low FROM kept GROUP BY term) k
   WHERE t.term = k.term`;
}

/** Clauses a candidate tsquery may have before a looser one is used instead. */
const MAX_CLAUSES = 64;
/**
 * A lexeme found in at most this share of the passages (or at most RARE_MIN passages) is
 * rare: passages holding one are read whatever else they match, as they are few, and the
 * candidate tsquery's ANDs are made of the other lexemes only, so they stay short.
 */
const RARE_SHARE = 0.0002;
const RARE_MIN = 16;

/**
 * A tsquery matching every passage whose matched groups (`queries[g]`, an OR of lexemes, null
 * for a group matching nothing) weigh at least `floor` (`weights[g]`): an OR of ANDs, one per
 * smallest set of groups reaching it. Empty when no set does, null past MAX_CLAUSES sets.
 */
function coveringQuery(
  queries: readonly (string | null)[],
  weights: readonly number[],
  floor: number,
): string | null {
  const weight = (g: number): number => weights[g] ?? 0;
  const order = queries
    .flatMap((q, g) => (q === null ? [] : [g]))
    .sort((a, b) => weight(b) - weight(a));
  const after = order.map((_, i) => order.slice(i).reduce((sum, g) => sum + weight(g), 0));
  const clauses: number[][] = [];
  // Heaviest first, and a set is closed as soon as it reaches the floor: every set found is
  // minimal (dropping any member, at least as heavy as the last, falls below the floor).
  const visit = (from: number, chosen: number[], sum: number): boolean => {
    for (let i = from; i < order.length; i++) {
      if (sum + (after[i] ?? 0) < floor) return true;
      const g = order[i]!;
      if (sum + weight(g) >= floor) {
        if (clauses.length === MAX_CLAUSES) return false;
        clauses.push([...chosen, g]);
      } else if (!visit(i + 1, [...chosen, g], sum + weight(g))) return false;
    }
    return true;
  };
  if (!visit(0, [], 0)) return null;
  return clauses.map((set) => `(${set.map((g) => queries[g]).join(' & ')})`).join(' | ');
}

/**
 * A tsquery matching the passages that hold `k` of the groups at once (`queries[g]`, an OR of
 * a group's lexemes, null when it has none), for the smallest k ≥ 2 whose expected number of
 * such passages (the groups taken as independent, `shares[g]` of the passages holding group
 * g) is at most `budget`, with at most MAX_CLAUSES sets of k groups; null when none is.
 */
function togetherQuery(
  queries: readonly (string | null)[],
  shares: readonly number[],
  passages: number,
  budget: number,
): string | null {
  const present = queries.flatMap((q, g) => (q === null ? [] : [g]));
  for (let k = 2; k <= present.length; k++) {
    // The elementary symmetric polynomial of degree k of the shares: the expected share of
    // passages holding a given k of the groups, summed over all sets of k.
    const e = Array.from<unknown, number>({ length: k + 1 }, (_, j) => (j === 0 ? 1 : 0));
    for (const g of present)
      for (let j = k; j >= 1; j--) e[j] = e[j]! + e[j - 1]! * (shares[g] ?? 0);
    if (e[k]! * passages > budget) continue;
    const query = coveringQuery(
      queries,
      queries.map(() => 1),
      k - 0.5,
    );
    if (query !== null && query !== '') return query;
  }
  return null;
}

/**
 * `queries` (one per group, null for none) keeping only the groups in fewest passages (`shares`
 * of them) whose shares sum to at most `budget`, at most `most` of them, and always the two
 * rarest.
 */
function fewestPostings(
  queries: readonly (string | null)[],
  shares: readonly number[],
  budget: number,
  most: number,
): (string | null)[] {
  const order = queries
    .flatMap((q, g) => (q === null ? [] : [g]))
    .sort((a, b) => (shares[a] ?? 0) - (shares[b] ?? 0));
  const kept = new Set<number>();
  let sum = 0;
  for (const g of order) {
    sum += shares[g] ?? 0;
    if (kept.size >= 2 && (sum > budget || kept.size >= most)) break;
    kept.add(g);
  }
  return queries.map((q, g) => (kept.has(g) ? q : null));
}

/** Occurrences per processed term of `text[start, end)`. */
function countTerms(
  text: string,
  start: number,
  end: number,
  termsOf: (word: string) => readonly string[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokenize(text.slice(start, end)))
    for (const term of termsOf(token.text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * The tsvector literal of one passage: each term once, with one position per occurrence (text
 * occurrences weight D, title occurrences weight A), frequencies capped as the in-process
 * index caps them.
 */
function passageVector(
  text: ReadonlyMap<string, number>,
  title: ReadonlyMap<string, number>,
): string {
  const parts: string[] = [];
  for (const term of new Set([...text.keys(), ...title.keys()])) {
    const titleTf = Math.min(title.get(term) ?? 0, MAX_TF);
    const textTf = Math.min(text.get(term) ?? 0, MAX_TF, MAX_POSITIONS - titleTf);
    const positions: string[] = [];
    for (let p = 1; p <= textTf; p++) positions.push(String(p));
    for (let p = 1; p <= titleTf; p++) positions.push(`${textTf + p}A`);
    parts.push(`${lexeme(term)}:${positions.join(',')}`);
  }
  return parts.join(' ');
}

/**
 * What is compared to tell a changed article from an unchanged one (`search_articles.
 * content_hash`), also by a process checking its corpus files against the database. It covers
 * the term processing too: after a change to it, every article reads as changed, so the next
 * start rewrites its stored terms rather than search them with the old processing's.
 */
export function contentHash(article: Article): string {
  const fields = [article.text, article.title, article.source, article.url, article.date];
  return createHash('sha256')
    .update(JSON.stringify([...fields, article.lang, TERM_PROCESSING_VERSION]))
    .digest('base64url');
}

/** The first day of an article's publication month, or null when undated. */
function monthOf(date: string | null): string | null {
  return date === null ? null : `${date.slice(0, 7)}-01`;
}

interface ArticleRow {
  id: string;
  title: string | null;
  source: string | null;
  url: string | null;
  date: string | null;
  lang: string;
  text: string;
  origin_file: string;
  origin_line: number;
}

function toArticle(row: ArticleRow): Article {
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    url: row.url,
    date: row.date,
    lang: row.lang,
    text: row.text,
    origin: { file: row.origin_file, line: row.origin_line },
  };
}

/** Selects an article with its date as `YYYY-MM-DD` text. */
const ARTICLE_COLUMNS =
  "id, title, source, url, to_char(date, 'YYYY-MM-DD') AS date, lang, text, origin_file, origin_line";

/**
 * The searchable passages in PostgreSQL, and optionally their articles; the tables must be
 * migrated (SEARCH_MIGRATIONS).
 */
export class PostgresSearch {
  private readonly months = new Set<string>();
  private readonly expansions = new Map<string, readonly (readonly [TermRow, number])[]>();
  private expansionsVersion = -1;
  private readonly termCaches = new Map<string, Map<string, readonly string[]>>();
  private readonly articleCache = new Map<string, Article>();
  private articleCacheVersion = -1;

  /**
   * @param vocabulary A mirror of the term table in this process (PostgresSearchIndex keeps
   *   one): prefix and fuzzy expansions are then found in memory instead of by a scan of the
   *   term table per question word.
   * @param topK How an OR search over common words reads only the top of their postings lists.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly vocabulary: Vocabulary | null = null,
    private readonly topK: TopKOptions = TOP_K,
  ) {}

  /**
   * Adds new articles and replaces changed ones (same id, different text or metadata);
   * identical ones are left alone, and a repeated id keeps the first. Written in transactions
   * of UPSERT_BATCH articles: a batch is all there or not at all.
   */
  async upsert(articles: Iterable<Article>): Promise<PostgresUpsertResult> {
    const result = { added: [] as string[], changed: [] as string[], unchanged: [] as string[] };
    const seen = new Set<string>();
    let batch: Article[] = [];
    // A first load (an empty table, more than one batch) is a bulk load: from the second batch
    // on, without the GIN index and the postings lists, both made once at the end.
    let empty: boolean | null = null;
    let bulk = false;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      if (empty === null) empty = await this.prepareUpsert();
      else if (empty && !bulk) {
        await this.write((client) => this.beginBulk(client));
        bulk = true;
      }
      const loading = bulk;
      const done = await this.write((client, version) =>
        this.upsertBatch(client, batch, version, loading),
      );
      result.added.push(...done.added);
      result.changed.push(...done.changed);
      result.unchanged.push(...done.unchanged);
      batch = [];
    };
    try {
      for (const article of articles) {
        if (seen.has(article.id)) continue;
        seen.add(article.id);
        batch.push(article);
        if (batch.length >= UPSERT_BATCH) await flush();
      }
      await flush();
    } finally {
      if (bulk) await this.write((client) => this.endBulk(client));
    }
    return result;
  }

  /**
   * Whether the passage table is empty; first finishes a bulk load that stopped half-way (its
   * process ended), so the indexes and lists are back before anything is written.
   */
  private async prepareUpsert(): Promise<boolean> {
    const found = await this.pool.query<{ empty: boolean; unfinished: boolean }>(
      `SELECT NOT EXISTS (SELECT 1 FROM search_passages) AS empty,
              to_regclass('search_passages_terms') IS NULL AS unfinished`,
    );
    if (found.rows[0]?.unfinished === true) await this.write((client) => this.endBulk(client));
    return found.rows[0]?.empty === true;
  }

  /** Drops the indexes a bulk load makes again at the end (cheaper than keeping them). */
  private async beginBulk(client: pg.PoolClient): Promise<void> {
    await client.query('DROP INDEX IF EXISTS search_passages_terms');
    await client.query('DROP INDEX IF EXISTS search_postings_top');
    await client.query('TRUNCATE search_postings');
  }

  /** Makes the GIN index and every postings list over the passages loaded. */
  private async endBulk(client: pg.PoolClient): Promise<void> {
    await client.query("SET LOCAL maintenance_work_mem = '512MB'");
    await client.query("SET LOCAL work_mem = '1GB'");
    await client.query(
      'CREATE INDEX IF NOT EXISTS search_passages_terms ON search_passages USING gin (terms)',
    );
    await client.query('DROP INDEX IF EXISTS search_postings_top');
    await client.query('TRUNCATE search_postings');
    await client.query(
      'UPDATE search_terms SET postings = 0, floor = 0 WHERE postings <> 0 OR floor <> 0',
    );
    await client.query(
      rankPostings(
        'u.lexeme IN (SELECT term FROM search_terms WHERE text_df + title_df > $1)',
        '$2',
      ),
      [POSTINGS_MIN_REACH, POSTINGS_KEPT],
    );
    await client.query(
      'CREATE INDEX search_postings_top ON search_postings (term, impact DESC, seq) INCLUDE (month)',
    );
    await client.query('ANALYZE search_passages, search_postings, search_terms');
  }

  /** Removes articles by id; unknown ids are ignored. Returns the ids removed. */
  async remove(docIds: Iterable<string>): Promise<string[]> {
    const ids = [...new Set(docIds)];
    if (ids.length === 0) return [];
    return this.write((client, version) => this.removeArticles(client, ids, version));
  }

  /**
   * Adds passages given as processed terms (the SearchIndex path: the Library holds the
   * articles); a passage's article is not stored here.
   */
  async addPassages(passages: readonly IndexedPassage[]): Promise<void> {
    if (passages.length === 0) return;
    const rows = passages.map((p): PassageRow => ({
      docId: p.docId,
      ordinal: p.ordinal,
      start: null,
      end: null,
      date: p.date,
      lang: p.lang,
      source: p.source,
      text: countList(p.textTerms),
      title: countList(p.titleTerms),
    }));
    await this.write((client, version) => this.insertPassages(client, rows, version));
  }

  /** Removes passages by key; unknown keys are ignored. */
  async removePassages(keys: readonly PassageKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.write((client, version) =>
      this.deletePassages(
        client,
        '(doc_id, ordinal) IN (SELECT * FROM unnest($1::text[], $2::int[]))',
        [keys.map((k) => k.docId), keys.map((k) => k.ordinal)],
        version,
      ),
    );
  }

  /**
   * Runs `work` in a transaction holding the writers' lock, with the corpus version it writes
   * (the previous one plus one), then announces the change to every listening process.
   */
  private async write<T>(work: (client: pg.PoolClient, version: number) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
        const bumped = await client.query<{ version: number }>(
          'UPDATE search_totals SET version = version + 1 RETURNING version',
        );
        const version = Number(bumped.rows[0]!.version);
        const result = await work(client, version);
        await client.query(`SELECT pg_notify('${SEARCH_CHANGED_CHANNEL}', $1)`, [String(version)]);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    } finally {
      client.release();
    }
  }

  private async upsertBatch(
    client: pg.PoolClient,
    articles: readonly Article[],
    version: number,
    bulk = false,
  ): Promise<PostgresUpsertResult> {
    const existing = await client.query<{ id: string; content_hash: string }>(
      'SELECT id, content_hash FROM search_articles WHERE id = ANY($1)',
      [articles.map((a) => a.id)],
    );
    const hashes = new Map(existing.rows.map((r) => [r.id, r.content_hash]));
    const added: string[] = [];
    const changed: string[] = [];
    const unchanged: string[] = [];
    const fresh: { article: Article; hash: string }[] = [];
    for (const article of articles) {
      const hash = contentHash(article);
      const before = hashes.get(article.id);
      if (before === hash) unchanged.push(article.id);
      else {
        (before === undefined ? added : changed).push(article.id);
        fresh.push({ article, hash });
      }
    }
    if (changed.length > 0) await this.removeArticles(client, changed, version);
    if (fresh.length === 0) return { added, changed, unchanged };

    await client.query(
      `INSERT INTO search_articles
         (id, title, source, url, date, lang, text, origin_file, origin_line, content_hash)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[],
                            $6::text[], $7::text[], $8::text[], $9::int[], $10::text[])`,
      [
        fresh.map((f) => f.article.id),
        fresh.map((f) => f.article.title),
        fresh.map((f) => f.article.source),
        fresh.map((f) => f.article.url),
        fresh.map((f) => f.article.date),
        fresh.map((f) => f.article.lang),
        fresh.map((f) => f.article.text),
        fresh.map((f) => f.article.origin.file),
        fresh.map((f) => f.article.origin.line),
        fresh.map((f) => f.hash),
      ],
    );
    const rows: PassageRow[] = [];
    for (const { article } of fresh) {
      const termsOf = this.termsOfWord(termContextOfArticle(article));
      const title = article.title ?? '';
      const titleCounts = countTerms(title, 0, title.length, termsOf);
      for (const passage of splitPassages(article))
        rows.push({
          docId: article.id,
          ordinal: passage.ordinal,
          start: passage.start,
          end: passage.end,
          date: article.date,
          lang: article.lang,
          source: article.source,
          text: countTerms(article.text, passage.start, passage.end, termsOf),
          title: titleCounts,
        });
    }
    await this.insertPassages(client, rows, version, bulk);
    await client.query(
      `UPDATE search_totals SET bulgarian_articles = bulgarian_articles + $1,
         russian_articles = russian_articles + $2`,
      [
        fresh.filter((f) => f.article.lang === 'bg').length,
        fresh.filter((f) => f.article.lang === 'ru').length,
      ],
    );
    return { added, changed, unchanged };
  }

  /**
   * Inserts passage rows and adds them to the term statistics and postings lists (in a bulk
   * load, the lists are made at its end).
   */
  private async insertPassages(
    client: pg.PoolClient,
    passages: readonly PassageRow[],
    version: number,
    bulk = false,
  ): Promise<void> {
    for (const passage of passages) await this.ensureMonth(client, monthOf(passage.date));
    const df = new Map<string, [number, number]>();
    let textLengths = 0;
    let titleLengths = 0;
    for (const passage of passages) {
      for (const term of passage.text.keys()) {
        const entry = df.get(term) ?? [0, 0];
        entry[0]++;
        df.set(term, entry);
      }
      for (const term of passage.title.keys()) {
        const entry = df.get(term) ?? [0, 0];
        entry[1]++;
        df.set(term, entry);
      }
      textLengths += passage.text.size;
      titleLengths += passage.title.size;
    }
    // Sorted, so two writers could never lock the same term rows in opposite orders.
    const terms = [...df.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const counted = await client.query<{ term: string; reach: number; floor: number }>(
      `INSERT INTO search_terms (term, text_df, title_df, changed)
       SELECT term, text_df, title_df, $4 FROM unnest($1::text[], $2::int[], $3::int[])
         AS t (term, text_df, title_df)
       ON CONFLICT (term) DO UPDATE
         SET text_df = search_terms.text_df + excluded.text_df,
             title_df = search_terms.title_df + excluded.title_df,
             changed = excluded.changed
       RETURNING term, text_df + title_df AS reach, floor`,
      [terms, terms.map((t) => df.get(t)![0]), terms.map((t) => df.get(t)![1]), version],
    );
    // Terms that had a postings list take the new postings above their floor; terms that now
    // pass POSTINGS_MIN_REACH get their list made from all their passages.
    const listed: string[] = [];
    const floors: number[] = [];
    const crossing: string[] = [];
    for (const row of bulk ? [] : counted.rows) {
      const [text, title] = df.get(row.term)!;
      if (row.reach - text - title > POSTINGS_MIN_REACH) {
        listed.push(row.term);
        floors.push(row.floor);
      } else if (row.reach > POSTINGS_MIN_REACH) crossing.push(row.term);
    }
    const added = await client.query<{ term: string; n: number }>(
      `WITH ins AS (
         INSERT INTO search_passages
           (month, doc_id, ordinal, start_offset, end_offset, date, lang, source_lower,
            text_length, title_length, terms)
         SELECT * FROM unnest($1::date[], $2::text[], $3::int[], $4::int[], $5::int[],
                              $6::date[], $7::text[], $8::text[], $9::int[], $10::int[],
                              $11::tsvector[])
         RETURNING seq, month, terms, text_length, title_length
       ), listed AS (
         SELECT * FROM unnest($12::text[], $13::real[]) AS l (term, floor)
       ), kept AS (
         INSERT INTO search_postings (term, impact, seq, month)
         SELECT u.lexeme, search_impact(u.weights, ins.text_length, ins.title_length),
                ins.seq, ins.month
         FROM ins CROSS JOIN LATERAL unnest(ins.terms) AS u
         JOIN listed ON listed.term = u.lexeme
         WHERE search_impact(u.weights, ins.text_length, ins.title_length) > listed.floor
         RETURNING term
       )
       SELECT term, count(*)::int AS n FROM kept GROUP BY term`,
      [
        passages.map((p) => monthOf(p.date)),
        passages.map((p) => p.docId),
        passages.map((p) => p.ordinal),
        passages.map((p) => p.start),
        passages.map((p) => p.end),
        passages.map((p) => p.date),
        passages.map((p) => p.lang),
        passages.map((p) => (p.source ?? '').toLowerCase()),
        passages.map((p) => p.text.size),
        passages.map((p) => p.title.size),
        passages.map((p) => passageVector(p.text, p.title)),
        listed,
        floors,
      ],
    );
    if (added.rows.length > 0) {
      const grown = await client.query<{ term: string; postings: number }>(
        `UPDATE search_terms t SET postings = t.postings + a.n
         FROM unnest($1::text[], $2::int[]) AS a (term, n)
         WHERE t.term = a.term
         RETURNING t.term, t.postings`,
        [added.rows.map((r) => r.term), added.rows.map((r) => r.n)],
      );
      await this.trimPostings(
        client,
        grown.rows.filter((r) => r.postings > POSTINGS_TRIM).map((r) => r.term),
      );
    }
    await this.rebuildPostings(client, crossing);
    await client.query(
      `UPDATE search_totals SET passages = passages + $1, text_length = text_length + $2,
         title_length = title_length + $3`,
      [passages.length, textLengths, titleLengths],
    );
  }

  /**
   * Cuts the postings lists of `terms` back to their best POSTINGS_KEPT, raising each floor to
   * the impact of the last one kept (every posting above the floor stays listed).
   */
  private async trimPostings(client: pg.PoolClient, terms: readonly string[]): Promise<void> {
    if (terms.length === 0) return;
    await client.query(
      `WITH ranked AS (
         SELECT term, impact, seq,
                row_number() OVER (PARTITION BY term ORDER BY impact DESC, seq) AS rank
         FROM search_postings WHERE term = ANY($1::text[])
       ), gone AS (
         DELETE FROM search_postings s USING ranked r
         WHERE r.rank > $2 AND s.term = r.term AND s.impact = r.impact AND s.seq = r.seq
       )
       UPDATE search_terms t SET postings = least(t.postings, $2), floor = r.impact
       FROM ranked r WHERE r.rank = $2 AND t.term = r.term`,
      [terms, POSTINGS_KEPT],
    );
  }

  /**
   * Makes the postings lists of `terms` afresh from every passage holding them (the GIN index
   * finds those): their best POSTINGS_KEPT, the floor at the last one when the list is full.
   */
  private async rebuildPostings(client: pg.PoolClient, terms: readonly string[]): Promise<void> {
    for (let from = 0; from < terms.length; from += MAX_REBUILD) {
      const some = terms.slice(from, from + MAX_REBUILD);
      await client.query(
        `WITH gone AS (DELETE FROM search_postings WHERE term = ANY($1::text[]))
         UPDATE search_terms SET postings = 0, floor = 0 WHERE term = ANY($1::text[])`,
        [some],
      );
      await client.query(
        rankPostings('p.terms @@ $2::tsquery AND u.lexeme = ANY($1::text[])', '$3'),
        [some, some.map(lexeme).join(' | '), POSTINGS_KEPT],
      );
    }
  }

  /**
   * Processed terms per written word, per term context, cached across writes (a corpus's
   * vocabulary is far smaller than its token stream; stemming each token costs most of a build).
   */
  private termsOfWord(context: TermContext): (word: string) => readonly string[] {
    let cache = this.termCaches.get(context.cyrillic);
    if (cache === undefined) {
      cache = new Map();
      this.termCaches.set(context.cyrillic, cache);
    }
    const own = cache;
    return (word) => {
      let terms = own.get(word);
      if (terms === undefined) {
        terms = wordInfo(word, context).terms.filter(storable);
        if (own.size >= TERM_CACHE_LIMIT) own.clear();
        own.set(word, terms);
      }
      return terms;
    };
  }

  /** Creates the partition of `month` unless it exists (writers hold WRITE_LOCK). */
  private async ensureMonth(client: pg.PoolClient, month: string | null): Promise<void> {
    if (month === null || this.months.has(month)) return;
    const name = `search_passages_${month.slice(0, 4)}_${month.slice(5, 7)}`;
    const found = await client.query<{ exists: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS exists',
      [name],
    );
    if (found.rows[0]?.exists !== true) {
      const next = new Date(`${month}T00:00:00Z`);
      next.setUTCMonth(next.getUTCMonth() + 1);
      // Identifiers cannot be parameters; `name` and both bounds are made of digits here.
      await client.query(
        `CREATE TABLE ${name} PARTITION OF search_passages
           FOR VALUES FROM ('${month}') TO ('${next.toISOString().slice(0, 10)}')`,
      );
    }
    this.months.add(month);
  }

  /** Deletes articles with their passages. */
  private async removeArticles(
    client: pg.PoolClient,
    ids: readonly string[],
    version: number,
  ): Promise<string[]> {
    await this.deletePassages(client, 'doc_id = ANY($1)', [ids], version);
    const articles = await client.query<{ id: string; lang: string }>(
      'DELETE FROM search_articles WHERE id = ANY($1) RETURNING id, lang',
      [ids],
    );
    await client.query(
      `UPDATE search_totals SET bulgarian_articles = bulgarian_articles - $1,
         russian_articles = russian_articles - $2`,
      [
        articles.rows.filter((r) => r.lang === 'bg').length,
        articles.rows.filter((r) => r.lang === 'ru').length,
      ],
    );
    return articles.rows.map((r) => r.id);
  }

  /**
   * Deletes the passages matching `condition` (over `params`) and takes them out of the term
   * statistics and the postings lists. Terms left in no passage keep a row with frequencies 0, marked with `version`,
   * so processes mirroring the frequencies see them go.
   */
  private async deletePassages(
    client: pg.PoolClient,
    condition: string,
    params: unknown[],
    version: number,
  ): Promise<void> {
    const next = params.length + 1;
    const removed = await client.query<{
      passages: number;
      text: number;
      title: number;
      depleted: string[] | null;
    }>(
      `WITH gone AS (
         DELETE FROM search_passages WHERE ${condition}
         RETURNING seq, terms, text_length, title_length
       ), lexemes AS (
         SELECT u.lexeme, u.weights, gone.seq,
                search_impact(u.weights, gone.text_length, gone.title_length) AS impact
         FROM gone, unnest(gone.terms) AS u
       ), unlisted AS (
         DELETE FROM search_postings s USING lexemes l
         WHERE s.term = l.lexeme AND s.impact = l.impact AND s.seq = l.seq
         RETURNING s.term
       ), counts AS (
         SELECT l.lexeme,
                count(*) FILTER (WHERE 'D' = ANY (l.weights)) AS text_df,
                count(*) FILTER (WHERE 'A' = ANY (l.weights)) AS title_df,
                coalesce(max(u.n), 0) AS postings
         FROM lexemes l
         LEFT JOIN (SELECT term, count(*) AS n FROM unlisted GROUP BY term) u ON u.term = l.lexeme
         GROUP BY l.lexeme
       ), updated AS (
         UPDATE search_terms t
         SET text_df = t.text_df - c.text_df, title_df = t.title_df - c.title_df,
             postings = t.postings - c.postings, changed = $${next}
         FROM counts c WHERE t.term = c.lexeme
         RETURNING t.term, t.text_df + t.title_df AS reach, t.postings, t.floor
       )
       SELECT (SELECT count(*) FROM gone) AS passages,
              (SELECT coalesce(sum(text_length), 0) FROM gone)::bigint AS text,
              (SELECT coalesce(sum(title_length), 0) FROM gone)::bigint AS title,
              (SELECT array_agg(term) FROM updated
               WHERE floor > 0 AND postings < ${POSTINGS_REFILL} AND reach > ${POSTINGS_MIN_REACH})
                AS depleted`,
      [...params, version],
    );
    const row = removed.rows[0];
    await client.query(
      `UPDATE search_totals SET passages = passages - $1, text_length = text_length - $2,
         title_length = title_length - $3`,
      [row?.passages ?? 0, row?.text ?? 0, row?.title ?? 0],
    );
    // A list that lost most of its postings is made again, so its top holds the best ones.
    await this.rebuildPostings(client, row?.depleted ?? []);
  }

  /**
   * The document frequencies of every term changed after corpus version `since` (all terms for
   * 0), and the version they are current at: what a process mirroring them needs.
   */
  async frequenciesSince(since: number): Promise<{ version: number; frequencies: TermRow[] }> {
    const client = await this.pool.connect();
    try {
      // One snapshot for both reads, so the version matches the frequencies.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const totals = await client.query<{ version: number }>('SELECT version FROM search_totals');
        const found = await client.query<{ term: string; text_df: number; title_df: number }>(
          'SELECT term, text_df, title_df FROM search_terms WHERE changed > $1',
          [since],
        );
        return {
          version: Number(totals.rows[0]?.version ?? 0),
          frequencies: found.rows.map((r) => ({
            term: r.term,
            textDf: r.text_df,
            titleDf: r.title_df,
          })),
        };
      } finally {
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
  }

  /** Passage count, average field lengths, language counts and the write version. */
  async totals(): Promise<PostgresTotals> {
    const found = await this.pool.query<{
      passages: string;
      text_length: string;
      title_length: string;
      bulgarian_articles: string;
      russian_articles: string;
      version: string;
    }>('SELECT * FROM search_totals');
    const row = found.rows[0];
    const passages = Number(row?.passages ?? 0);
    return {
      passages,
      averageTextLength: passages === 0 ? 0 : Number(row?.text_length ?? 0) / passages,
      averageTitleLength: passages === 0 ? 0 : Number(row?.title_length ?? 0) / passages,
      bulgarianArticles: Number(row?.bulgarian_articles ?? 0),
      russianArticles: Number(row?.russian_articles ?? 0),
      version: Number(row?.version ?? 0),
    };
  }

  /** In how many passages each processed term occurs in the passage text (0 when unknown). */
  async documentFrequencies(terms: readonly string[]): Promise<Map<string, number>> {
    const frequencies = new Map(terms.map((t) => [t, 0]));
    if (terms.length === 0) return frequencies;
    const found = await this.pool.query<{ term: string; text_df: number }>(
      'SELECT term, text_df FROM search_terms WHERE term = ANY($1)',
      [terms],
    );
    for (const row of found.rows) frequencies.set(row.term, row.text_df);
    return frequencies;
  }

  /** Articles by id (unknown ids are left out). */
  async articles(ids: readonly string[]): Promise<Map<string, Article>> {
    if (ids.length === 0) return new Map();
    const found = await this.pool.query<ArticleRow>(
      `SELECT ${ARTICLE_COLUMNS} FROM search_articles WHERE id = ANY($1)`,
      [ids],
    );
    return new Map(found.rows.map((row) => [row.id, toArticle(row)]));
  }

  /** The passages of an article in reading order (empty for an unknown id). */
  async passagesOf(docId: string): Promise<Passage[]> {
    const found = await this.pool.query<{
      ordinal: number;
      start_offset: number;
      end_offset: number;
    }>(
      `SELECT ordinal, start_offset, end_offset FROM search_passages
       WHERE doc_id = $1 ORDER BY ordinal`,
      [docId],
    );
    return found.rows.map((r) => ({
      id: `${docId}#${r.ordinal}`,
      docId,
      ordinal: r.ordinal,
      start: r.start_offset,
      end: r.end_offset,
    }));
  }

  /**
   * The best `query.limit` passages for `query` (each group an OR of alternative processed
   * terms; groups combined with `query.combineWith`), as the in-process MiniSearch index ranks
   * them: the same scores, ties to the earlier-added passage. `maxExpansions` keeps only the
   * nearest prefix and fuzzy expansions of each term (none dropped when absent, as MiniSearch).
   */
  async search(query: PostgresSearchQuery): Promise<PostgresIndexHit[]> {
    const termBits = new Map<string, number>();
    const groups: (readonly string[])[] = [];
    for (const group of query.groups) {
      const fresh = new Set(group.filter((term) => !termBits.has(term)));
      if (groups.length === MAX_GROUPS || termBits.size + fresh.size > MAX_TERMS) break;
      for (const term of fresh) termBits.set(term, termBits.size);
      groups.push(group);
    }
    const limit = query.limit;
    const scoring = query;
    const filters = query.filters ?? {};
    if (groups.length === 0 || limit <= 0) return [];
    const totals = await this.totals();
    if (totals.passages === 0) return [];
    const vocabulary = this.vocabulary;
    const exact =
      vocabulary === null
        ? await this.termRows([...termBits.keys()])
        : new Map(
            [...termBits.keys()].flatMap((term) => {
              const found = vocabulary.get(term);
              return found === undefined ? [] : [[term, found] as const];
            }),
          );

    // One row per (group, query term, matching vocabulary term): what a posting of it adds.
    const rows = {
      lexeme: [] as string[],
      bit: [] as number[],
      group: [] as number[],
      textFactor: [] as number[],
      titleFactor: [] as number[],
      /** Passages holding the lexeme (in text or title), at most. */
      reach: [] as number[],
      /** 1 for a query term itself, its expansion weight for an expansion. */
      weight: [] as number[],
    };
    const idf = (df: number): number => Math.log(1 + (totals.passages - df + 0.5) / (df + 0.5));
    const textBoost = 1;
    const titleBoost = TITLE_BOOST;
    const add = (found: TermRow, weight: number, bit: number, group: number): void => {
      if (found.textDf === 0 && found.titleDf === 0) return;
      rows.lexeme.push(found.term);
      rows.bit.push(bit);
      rows.group.push(group);
      rows.textFactor.push(found.textDf === 0 ? 0 : weight * textBoost * idf(found.textDf));
      rows.titleFactor.push(found.titleDf === 0 ? 0 : weight * titleBoost * idf(found.titleDf));
      rows.reach.push(found.textDf + found.titleDf);
      rows.weight.push(weight);
    };
    for (const [g, group] of groups.entries()) {
      for (const term of group) {
        const bit = termBits.get(term)!;
        const found = exact.get(term);
        if (found !== undefined) add(found, 1, bit, g);
        for (const [expansion, weight] of await this.expand(term, scoring, totals.version))
          add(expansion, weight, bit, g);
      }
    }
    if (rows.lexeme.length === 0) return [];

    // Candidates. AND: every group. OR: the passages that can reach the coverage floor — those
    // holding a rare lexeme (few: read whatever else they match), and those whose common
    // lexemes match a set of groups reaching it (the sets' ANDs use only common lexemes, so
    // the tsquery the index evaluates per posting stays short). Past MAX_CLAUSES sets: the
    // groups a passage must match one of (MiniSearch's first stage).
    const coverage = scoring.coverage;
    const rare = Math.max(RARE_MIN, totals.passages * RARE_SHARE);
    const queryOf = (at: readonly number[]): string | null =>
      at.length === 0
        ? null
        : `(${[...new Set(at.map((i) => lexeme(rows.lexeme[i]!)))].join(' | ')})`;
    const at = groups.map((_, g) => rows.group.flatMap((group, i) => (group === g ? [i] : [])));
    const full = at.map(queryOf);
    const filtered =
      filters.since !== undefined ||
      filters.until !== undefined ||
      filters.lang !== undefined ||
      (filters.source?.trim() ?? '') !== '';
    let candidates: string;
    let top: { months: (string | null)[]; seqs: string[] } | null = null;
    if (scoring.combineWith === 'AND') {
      if (full.includes(null)) return [];
      candidates = full.join(' & ');
    } else if (!filtered && this.commonLoad(rows.lexeme, rows.reach, rare) > this.topK.exactBelow) {
      // Top-k: the best passages of each common lexeme's postings list, by summed impact; the
      // passages holding common lexemes of `together` groups at once (the fewest groups whose
      // co-occurrences are expected to stay within `together`: what ranks first, as the
      // score grows with the words matched, yet tops no single word's list); and every passage
      // holding a sparse lexeme (few, and what a question hinges on). All scored exactly
      // below. A filtered question takes the exact path: the best postings of its words may
      // all lie outside its dates, outlet or language.
      const sparse = Math.max(rare, POSTINGS_MIN_REACH);
      top = await this.topPassages(rows, sparse, totals.passages);
      const common = at.map((indexes) => queryOf(indexes.filter((i) => rows.reach[i]! > sparse)));
      const shares = at.map((indexes) =>
        Math.min(
          1,
          [...new Map(indexes.map((i) => [rows.lexeme[i]!, rows.reach[i]!])).values()]
            .filter((reach) => reach > sparse)
            .reduce((sum, reach) => sum + reach, 0) / totals.passages,
        ),
      );
      const together = togetherQuery(
        fewestPostings(
          common,
          shares,
          this.topK.togetherReach / totals.passages,
          this.topK.togetherGroups,
        ),
        shares,
        totals.passages,
        this.topK.together,
      );
      // A sparse expansion (mostly a fuzzy neighbour) is read only for a word not in the corpus
      // itself: each one read costs a GIN lookup per month, and a passage holding one word's
      // near-miss alone rarely ranks.
      const found = groups.map((_, g) =>
        rows.group.some((group, i) => group === g && rows.weight[i] === 1),
      );
      candidates = [
        ...new Set(
          rows.lexeme
            .filter(
              (_, i) =>
                rows.reach[i]! <= sparse && (rows.weight[i] === 1 || !found[rows.group[i]!]),
            )
            .map(lexeme),
        ),
        ...(together === null ? [] : [together]),
      ].join(' | ');
      if (candidates === '' && top.seqs.length === 0) return [];
    } else {
      const floor =
        coverage === undefined || coverage.total <= 0 || coverage.min <= 0
          ? 0
          : coverage.min * coverage.total * (1 - 1e-9); // a hair under: SQL makes the exact test
      const common = at.map((indexes) => queryOf(indexes.filter((i) => rows.reach[i]! > rare)));
      const rareLexemes = new Set(rows.lexeme.filter((_, i) => rows.reach[i]! <= rare));
      const covering = coveringQuery(common, coverage?.weights ?? [], floor);
      candidates =
        covering === null
          ? necessaryGroups(coverage, groups.length)
              .flatMap((g) => full[g] ?? [])
              .join(' | ')
          : [covering, ...[...rareLexemes].map(lexeme)].filter((q) => q !== '').join(' | ');
    }
    if (candidates === '' && top === null) return [];

    const params: unknown[] = [
      rows.lexeme,
      rows.bit,
      rows.group,
      rows.textFactor,
      rows.titleFactor,
      candidates,
      scoring.bm25.k,
      scoring.bm25.b,
      scoring.bm25.d,
      totals.averageTextLength,
      totals.averageTitleLength,
    ];
    const parameter = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (filters.since !== undefined) {
      const since = parameter(filters.since);
      where.push(`p.date >= ${since}::date AND p.month >= date_trunc('month', ${since}::date)`);
    }
    if (filters.until !== undefined) {
      const until = parameter(filters.until);
      where.push(`p.date <= ${until}::date AND p.month <= ${until}::date`);
    }
    if (filters.lang !== undefined) where.push(`p.lang = ${parameter(filters.lang.toLowerCase())}`);
    const source = filters.source?.trim().toLowerCase() ?? '';
    if (source !== '') where.push(`strpos(p.source_lower, ${parameter(source)}) > 0`);
    const passing: string[] = [];
    if (coverage !== undefined) {
      const weights = parameter(coverage.weights.slice(0, groups.length));
      const total = parameter(coverage.total);
      passing.push(
        `(CASE WHEN ${total}::float8 = 0 THEN 0 ELSE
           (SELECT coalesce(sum(w), 0) FROM unnest(${weights}::float8[]) WITH ORDINALITY AS g (w, i)
            WHERE (s.groups >> (i::int - 1)) & 1 = 1) / ${total}::float8 END)
         >= ${parameter(coverage.min)}::float8`,
      );
    }
    if (scoring.combineWith === 'AND')
      passing.push(`s.groups = ${parameter(groups.length === 32 ? -1 : 2 ** groups.length - 1)}`);
    const limitParam = parameter(limit);
    // The chosen passages found by seq in their month's partition (undated ones in the
    // default partition), and those holding a sparse lexeme through the GIN index.
    const passagesOf = (chosen: { months: (string | null)[]; seqs: string[] }): string => {
      const months = parameter(chosen.months);
      const seqs = parameter(chosen.seqs);
      return `(
        SELECT p.* FROM unnest(${months}::date[], ${seqs}::bigint[]) AS k (month, seq)
        JOIN search_passages p ON p.month = k.month AND p.seq = k.seq
        UNION ALL
        SELECT p.* FROM unnest(${months}::date[], ${seqs}::bigint[]) AS k (month, seq)
        JOIN search_passages_undated p ON k.month IS NULL AND p.seq = k.seq
        UNION ALL
        (SELECT p.* FROM search_passages p
         WHERE numnode($6::tsquery) > 0 AND p.terms @@ $6::tsquery
           AND p.seq <> ALL (${seqs}::bigint[])
         LIMIT ${parameter(this.topK.together)})
      ) p`;
    };

    const found = await this.indexedQuery<{
      doc_id: string;
      ordinal: number;
      start_offset: number | null;
      end_offset: number | null;
      score: number;
      terms: string;
    }>(
      `WITH q AS (
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::float8[], $5::float8[])
           AS q (lexeme, bit, grp, text_factor, title_factor)
       ), c AS (
         -- Each candidate's vector cut down to the question's lexemes in C (setweight marks
         -- them, ts_filter keeps them), per field: text occurrences weigh D, title ones A.
         SELECT p.doc_id, p.ordinal, p.seq, p.start_offset, p.end_offset,
                p.text_length, p.title_length,
                ts_filter(setweight(ts_filter(p.terms, '{d}'), 'b', $1::text[]), '{b}') AS text_hits,
                ts_filter(setweight(ts_filter(p.terms, '{a}'), 'b', $1::text[]), '{b}') AS title_hits
         FROM ${top === null ? 'search_passages p' : passagesOf(top)}
         ${top === null ? `WHERE p.terms @@ $6::tsquery ${where.map((w) => `AND ${w}`).join(' ')}` : ''}
       ), s AS (
         SELECT c.doc_id, c.ordinal, c.seq, c.start_offset, c.end_offset,
                sum(CASE WHEN t.title
                  THEN q.title_factor * ($9::float8 + t.tf * ($7::float8 + 1) /
                    (t.tf + $7::float8 * (1 - $8::float8 + $8::float8 * c.title_length / $11::float8)))
                  ELSE q.text_factor * ($9::float8 + t.tf * ($7::float8 + 1) /
                    (t.tf + $7::float8 * (1 - $8::float8 + $8::float8 * c.text_length / $10::float8)))
                  END) AS score,
                bit_or(1::bigint << q.bit) AS terms,
                bit_or(1::int << q.grp) AS groups
         FROM c
         CROSS JOIN LATERAL (
           SELECT u.lexeme, cardinality(u.positions) AS tf, false AS title FROM unnest(c.text_hits) AS u
           UNION ALL
           SELECT u.lexeme, cardinality(u.positions), true FROM unnest(c.title_hits) AS u
         ) t
         JOIN q ON q.lexeme = t.lexeme
         GROUP BY c.doc_id, c.ordinal, c.seq, c.start_offset, c.end_offset
       )
       SELECT s.doc_id, s.ordinal, s.start_offset, s.end_offset,
              s.score * bit_count(s.terms::bit(64)) AS score, s.terms::text AS terms
       FROM s
       ${passing.length === 0 ? '' : `WHERE ${passing.join(' AND ')}`}
       ORDER BY 5 DESC, s.seq, s.ordinal
       LIMIT ${limitParam}`,
      params,
    );

    const queryTerms = [...termBits.keys()];
    return found.rows.map((row) => {
      const mask = BigInt.asUintN(64, BigInt(row.terms));
      return {
        key: { docId: row.doc_id, ordinal: row.ordinal },
        start: row.start_offset,
        end: row.end_offset,
        score: row.score,
        matchedTerms: queryTerms.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 1n),
      };
    });
  }

  /** Passages the exact path would read for a question's common lexemes, at most. */
  private commonLoad(lexemes: readonly string[], reach: readonly number[], rare: number): number {
    const seen = new Set<string>();
    let load = 0;
    lexemes.forEach((term, i) => {
      if (reach[i]! > rare && !seen.has(term)) {
        seen.add(term);
        load += reach[i]!;
      }
    });
    return load;
  }

  /**
   * The best `topK.candidates` passages by the impacts of the question's common lexemes (those
   * in more than `sparse` passages): the top of each one's postings list, weighed by its IDF and
   * expansion weight, summed per passage and multiplied by the query terms it matched there.
   */
  private async topPassages(
    rows: {
      readonly lexeme: readonly string[];
      readonly bit: readonly number[];
      readonly reach: readonly number[];
      readonly weight: readonly number[];
    },
    sparse: number,
    passages: number,
  ): Promise<{ months: (string | null)[]; seqs: string[] }> {
    const lists = new Map<string, { n: number; factor: number; bit: number }>();
    rows.lexeme.forEach((term, i) => {
      const reach = rows.reach[i]!;
      const weight = rows.weight[i]!;
      if (reach <= sparse) return;
      const n = Math.min(
        POSTINGS_KEPT,
        Math.max(MIN_POSTINGS_READ, Math.round(this.topK.postingsPerLexeme * weight)),
      );
      const factor = weight * Math.log(1 + (passages - reach + 0.5) / (reach + 0.5));
      const known = lists.get(term);
      if (known === undefined || known.factor < factor)
        lists.set(term, { n, factor, bit: rows.bit[i]! });
    });
    if (lists.size === 0) return { months: [], seqs: [] };
    const found = await this.pool.query<{ seq: string; month: string | null }>(
      `SELECT seq::text, to_char(month, 'YYYY-MM-DD') AS month FROM (
         SELECT t.seq, t.month, sum(q.factor * t.impact) * count(DISTINCT q.bit) AS score
         FROM unnest($1::text[], $2::int[], $3::float8[], $4::int[]) AS q (lexeme, n, factor, bit)
         CROSS JOIN LATERAL (
           SELECT s.seq, s.month, s.impact FROM search_postings s
           WHERE s.term = q.lexeme ORDER BY s.impact DESC, s.seq LIMIT q.n
         ) t
         GROUP BY t.seq, t.month
       ) c
       ORDER BY score DESC, seq
       LIMIT $5`,
      [
        [...lists.keys()],
        [...lists.values()].map((l) => l.n),
        [...lists.values()].map((l) => l.factor),
        [...lists.values()].map((l) => l.bit),
        this.topK.candidates,
      ],
    );
    return { months: found.rows.map((r) => r.month), seqs: found.rows.map((r) => r.seq) };
  }

  /**
   * `search` over the articles stored here (`upsert`), each hit with its passage and article:
   * what a process answering from the shared corpus quotes from.
   */
  async searchArticles(query: PostgresSearchQuery): Promise<PostgresHit[]> {
    const found = await this.search(query);
    const { version } = await this.totals();
    const articles = await this.cachedArticles(
      [...new Set(found.map((h) => h.key.docId))],
      version,
    );
    const hits: PostgresHit[] = [];
    for (const hit of found) {
      const article = articles.get(hit.key.docId);
      if (article === undefined || hit.start === null || hit.end === null) continue;
      hits.push({
        passage: {
          id: `${hit.key.docId}#${hit.key.ordinal}`,
          docId: hit.key.docId,
          ordinal: hit.key.ordinal,
          start: hit.start,
          end: hit.end,
        },
        article,
        score: hit.score,
        matchedTerms: hit.matchedTerms,
      });
    }
    return hits;
  }

  /**
   * Runs a passage search with the GIN index forced: the planner, estimating that an OR of a
   * question's ~50 terms and expansions matches a large share of passages, otherwise tests the
   * tsquery against every row, or walks another index filtering every row (EXPLAIN ANALYZE of
   * one SQuAD question at 20k passages: the tsquery test alone 200 ms on every row against
   * 77 ms for the bitmap scan of the GIN index). One worker: the bot's questions run side by
   * side already. No JIT: at 100k passages the estimated cost passes jit_above_cost, and the
   * scoring runs on a few thousand rows (100k, 200 questions, load average 12–17: p50/p99
   * 475/1,854 ms with JIT, 696/1,685 ms without — within this machine's noise).
   */
  private async indexedQuery<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const client = await this.pool.connect();
    try {
      await client.query(
        'BEGIN READ ONLY; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off',
      );
      try {
        return await client.query<R>(sql, params);
      } finally {
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
  }

  /**
   * Articles by id through a per-process cache emptied whenever the corpus changes (`version`):
   * the hits of a question come from a few hundred articles, mostly the same ones again.
   */
  private async cachedArticles(
    ids: readonly string[],
    version: number,
  ): Promise<Map<string, Article>> {
    if (version !== this.articleCacheVersion) {
      this.articleCache.clear();
      this.articleCacheVersion = version;
    }
    const found = new Map<string, Article>();
    const missing: string[] = [];
    for (const id of ids) {
      const cached = this.articleCache.get(id);
      if (cached === undefined) missing.push(id);
      else found.set(id, cached);
    }
    for (const [id, article] of await this.articles(missing)) {
      found.set(id, article);
      if (this.articleCache.size >= ARTICLE_CACHE_LIMIT) this.articleCache.clear();
      this.articleCache.set(id, article);
    }
    return found;
  }

  /** The vocabulary rows of `terms` that exist. */
  private async termRows(terms: readonly string[]): Promise<Map<string, TermRow>> {
    const found = await this.pool.query<{ term: string; text_df: number; title_df: number }>(
      'SELECT term, text_df, title_df FROM search_terms WHERE term = ANY($1)',
      [terms],
    );
    return new Map(
      found.rows.map((r) => [r.term, { term: r.term, textDf: r.text_df, titleDf: r.title_df }]),
    );
  }

  /**
   * The prefix and fuzzy expansions of `term` with their weights, as the in-process scorer
   * makes them (prefix weight 0.375·len/(len + 0.3·extra), fuzzy 0.45·len/(len + distance),
   * the nearest `maxExpansions` kept), cached until the corpus changes.
   */
  private async expand(
    term: string,
    scoring: PostgresSearchQuery,
    version: number,
  ): Promise<readonly (readonly [TermRow, number])[]> {
    const prefix = scoring.prefix?.(term) ?? false;
    const fuzzy = scoring.fuzzy?.(term) ?? false;
    const maxDistance =
      fuzzy === false || fuzzy <= 0
        ? 0
        : fuzzy < 1
          ? Math.min(scoring.maxFuzzy ?? MAX_FUZZY, Math.round(term.length * fuzzy))
          : fuzzy;
    if (!prefix && maxDistance === 0) return [];
    if (version !== this.expansionsVersion) {
      this.expansions.clear();
      this.expansionsVersion = version;
    }
    const limit = scoring.maxExpansions ?? Infinity;
    const key = `${prefix ? 'p' : ''}${maxDistance}:${limit}:${term}`;
    const cached = this.expansions.get(key);
    if (cached !== undefined) return cached;

    const out: [TermRow, number][] = [];
    const prefixed = new Set<string>();
    const toRow = (r: { term: string; text_df: number; title_df: number }): TermRow => ({
      term: r.term,
      textDf: r.text_df,
      titleDf: r.title_df,
    });
    const vocabulary = this.vocabulary;
    if (vocabulary !== null) {
      if (prefix)
        for (const row of vocabulary.withPrefix(term)) {
          if (row.term === term) continue;
          const length = row.term.length;
          prefixed.add(row.term);
          out.push([row, (PREFIX_WEIGHT * length) / (length + 0.3 * (length - term.length))]);
        }
      if (maxDistance > 0)
        for (const [row, distance] of vocabulary.near(term, maxDistance)) {
          if (distance === 0 || prefixed.has(row.term)) continue;
          const length = row.term.length;
          out.push([row, (FUZZY_WEIGHT * length) / (length + distance)]);
        }
    } else {
      if (prefix) {
        const pattern = `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const found = await this.pool.query<{ term: string; text_df: number; title_df: number }>(
          `SELECT term, text_df, title_df FROM search_terms
           WHERE term LIKE $1 AND term <> $2 AND (text_df > 0 OR title_df > 0)`,
          [pattern, term],
        );
        for (const row of found.rows) {
          const length = row.term.length;
          prefixed.add(row.term);
          out.push([
            toRow(row),
            (PREFIX_WEIGHT * length) / (length + 0.3 * (length - term.length)),
          ]);
        }
      }
      if (maxDistance > 0 && term.length <= MAX_LEVENSHTEIN - maxDistance) {
        const found = await this.pool.query<{
          term: string;
          text_df: number;
          title_df: number;
          distance: number;
        }>(
          `SELECT term, text_df, title_df, levenshtein_less_equal(term, $1, $2) AS distance
           FROM search_terms
           WHERE length(term) BETWEEN $3 AND $4 AND (text_df > 0 OR title_df > 0)
             AND levenshtein_less_equal(term, $1, $2) <= $2`,
          [term, maxDistance, term.length - maxDistance, term.length + maxDistance],
        );
        for (const row of found.rows) {
          if (row.distance === 0 || prefixed.has(row.term)) continue;
          const length = row.term.length;
          out.push([toRow(row), (FUZZY_WEIGHT * length) / (length + row.distance)]);
        }
      }
    }
    const kept =
      out.length <= limit
        ? out
        : out
            .sort(
              (x, y) =>
                y[1] - x[1] ||
                y[0].textDf - x[0].textDf ||
                (x[0].term < y[0].term ? -1 : x[0].term > y[0].term ? 1 : 0),
            )
            .slice(0, limit);
    if (this.expansions.size >= EXPANSION_CACHE_LIMIT) this.expansions.clear();
    this.expansions.set(key, kept);
    return kept;
  }
}
