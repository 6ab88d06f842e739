/**
 * The searchable corpus: articles, their passages and a search index over the passages
 * (src/index/search-index.ts: MiniSearch in this process by default, or an index given from
 * outside, such as the PostgreSQL one), kept consistent under incremental updates. A Library
 * is built in memory from articles; the edges decide where articles come from and when a
 * Library is replaced.
 */
import { splitPassages } from '../text/passages.js';
import type { AnswerFilters, Article, Passage } from '../core/types.js';
import { detectCyrillicLanguage } from '../text/script.js';
import {
  normalizeWord,
  type TermContext,
  termContextOfArticle,
  termOf,
  tokenize,
  wordInfo,
} from '../text/analyze.js';
import { WordTable } from '../text/word-table.js';
import { crc32 } from 'node:zlib';
import { MiniSearchIndex } from '../index/minisearch-index.js';
import { SegmentedIndex, type SegmentTable } from '../index/segmented-index.js';
import type { SegmentWorkers } from '../index/segment-workers.js';
import type {
  Bm25Params,
  CoverageFloor,
  IndexedPassage,
  SearchIndex,
} from '../index/search-index.js';
import {
  decodeSnapshot,
  decodeSnapshotParts,
  encodeSnapshot,
  SnapshotError,
  type SnapshotKey,
} from './snapshot.js';
import { runSteps, runStepsAsync, type Steps } from '../core/steps.js';

export type { Bm25Params } from '../index/search-index.js';

/** A passage that matched a query, with its BM25 score and the query terms it matched. */
export interface Hit {
  readonly passage: Passage;
  readonly article: Article;
  readonly score: number;
  /** Processed query terms found in the passage (or its title). */
  readonly matchedTerms: readonly string[];
}

/** Hits a search returns when no `limit` is given. */
export const DEFAULT_HIT_LIMIT = 1_000;

/** Options for `Library.search`. */
export interface LibrarySearchOptions extends AnswerFilters {
  /** At most this many hits, best first (DEFAULT_HIT_LIMIT when absent). */
  readonly limit?: number;
  /** AND requires every term; OR (default) any. */
  readonly combineWith?: 'AND' | 'OR';
  /** Treat the last word as a prefix (autocomplete-style lookups). */
  readonly prefixLast?: boolean;
}

/**
 * BM25 parameters: MiniSearch's defaults, kept because k 0.9–1.6 and b 0.4–0.9 moved R@1 by at
 * most 0.001 on the SQuAD dev tuning split (bench/tune.ts), which is never reported on.
 */
export const BM25_PARAMS: Bm25Params = { k: 1.2, b: 0.7, d: 0.5 };

/**
 * The in-process envelope: past this many passages `/ask` p99 on the 2-core reference machine
 * crosses 300 ms with MiniSearch in this process (measured with bench/perf.ts, README
 * "Performance"), and the PostgreSQL backend serves such a corpus better.
 */
export const ENVELOPE_PASSAGES = 100_000;

/** Corpus-wide figures for /about and the console banner. */
export interface LibraryStats {
  /** Whether the corpus is past ENVELOPE_PASSAGES on the in-process index. */
  readonly pastEnvelope: boolean;
  /** While the snapshot loads (see `Library.loading`); the other figures count what is in place. */
  readonly loading: LoadingState | null;
  readonly documents: number;
  readonly passages: number;
  readonly languages: Readonly<Record<string, number>>;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly undated: number;
}

/** One outlet with its article count and date range, for /sources. */
export interface SourceStats {
  readonly source: string;
  readonly articles: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
}

/** What an upsert did, by article id. */
export interface UpsertResult {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
}

/** What indexing keeps of a written word for the length of one upsert. */
interface WordEntry {
  readonly terms: readonly string[];
  /** The surface-word table's entry for `normalized` (re-read when it was dropped at zero). */
  surface: SurfaceWord;
  readonly normalized: string;
}

function sameArticle(a: Article, b: Article): boolean {
  return (
    a.text === b.text &&
    a.title === b.title &&
    a.source === b.source &&
    a.url === b.url &&
    a.date === b.date &&
    a.lang === b.lang
  );
}

/** Items restored between two pauses of `fromSnapshotAsync`. */
const RESTORE_SLICE = 20_000;

/** Prefixes up to this many characters have their completions precomputed. */
const SHORT_PREFIX = 2;
/** Completions kept per short prefix: enough for any autocomplete request (25 choices, 2×). */
const SHORT_PREFIX_COMPLETIONS = 50;

/** A word of the corpus as written (lowercased) and how often it occurs. */
interface SurfaceWord {
  readonly display: string;
  count: number;
}

/** Word tables by Cyrillic term context, for one upsert or remove. */
type WordTables = Map<string, WordTable<WordEntry>>;

/**
 * Inserts `entry` into `best`, kept as the top `limit` by count (ties alphabetical), so the
 * matches of a prefix are never all sorted.
 */
function keepBest(best: SurfaceWord[], entry: SurfaceWord, limit: number): void {
  const before = (a: SurfaceWord, b: SurfaceWord): boolean =>
    a.count > b.count || (a.count === b.count && a.display < b.display);
  const last = best[best.length - 1];
  if (best.length >= limit && last !== undefined && !before(entry, last)) return;
  let at = best.length;
  while (at > 0 && before(entry, best[at - 1] as SurfaceWord)) at--;
  best.splice(at, 0, entry);
  if (best.length > limit) best.pop();
}

/** Articles as persisted: with a segment's index, or in the main file when they have no passage. */
interface ArticleTables {
  readonly articles: Article[];
  /** Each article's passages as [start, end] pairs, in the order of `articles`. */
  readonly passages: [number, number][][];
}

/** The Library's own tables as persisted in the main file, beside the segment table. */
interface LibraryTables extends ArticleTables {
  readonly cyrillicArticles: { bg: number; ru: number; uk: number };
  readonly surfaceWords: [string, string, number][];
  /** The short-prefix completions (see warmCompletions), so a load need not recompute them. */
  readonly completions: [string, string[]][];
}

/** Where a Library's snapshot files are read and written, by name. */
export interface SnapshotFiles {
  read(name: string): Promise<Uint8Array>;
  write(name: string, bytes: Uint8Array): Promise<void>;
}

/** How `Library.loadSnapshot` yields, where it puts segments, and whom it tells. */
export interface SnapshotLoadOptions {
  /** Awaited between slices of the tables and between segments; default: none. */
  readonly pause?: () => Promise<void>;
  /** Worker threads to hold the segments (src/index/segment-workers.ts); absent: this thread. */
  readonly workers?: SegmentWorkers;
  /** Called once the newest segment is in, with the Library that answers while the rest load. */
  readonly onSearchable?: (library: Library) => void;
}

/** How far a snapshot's load is: segments searchable out of all. */
export interface LoadingState {
  readonly restored: number;
  readonly segments: number;
}

/** The snapshot's main file: the Library's tables and the segment table. */
export const MAIN_SNAPSHOT_FILE = 'library.snap';

/** The file of one segment of the index: its articles and its MiniSearch index. */
function segmentSnapshotFile(id: string): string {
  return `segment-${id}.snap`;
}

/**
 * A segment file's key: its token (a checksum and length of its content, recorded in the main
 * file) stands for the corpus fingerprint, so an unchanged segment's file stays valid across
 * corpus changes, and a main file never accepts a segment file of other content.
 */
function segmentKey(key: SnapshotKey, token: string): SnapshotKey {
  return { termProcessingVersion: key.termProcessingVersion, fingerprint: `segment:${token}` };
}

/** The searchable corpus. */
export class Library {
  private readonly articleById = new Map<string, Article>();
  private readonly passagesByDoc = new Map<string, Passage[]>();
  private readonly cyrillicArticles = { bg: 0, ru: 0, uk: 0 };
  private readonly surfaceWords = new Map<string, SurfaceWord>();
  private sortedSurface: string[] | null = null;
  /** Whether surface words came or went since sortedSurface was made. */
  private vocabularyStale = false;
  /**
   * upsertAsync calls under way: meanwhile autocomplete keeps the sorted vocabulary it has
   * (at 1M passages re-sorting it takes ~1 s) and new words are suggested once they finish.
   */
  private updating = 0;
  /** completeWord answers for short prefixes; emptied whenever surface words or counts change. */
  private readonly completionCache = new Map<string, string[]>();

  /** While a snapshot loads: its segments in place out of all (see `loading`). */
  private restoring: { restored: number; segments: number } | null = null;

  private constructor(private readonly index: SearchIndex) {}

  /**
   * Persists the Library (src/library/snapshot.ts) through `files`: one file per segment of the
   * index changed since it was last persisted (its articles and its MiniSearch JSON), then the
   * main file (the Library's other tables and the segment table), which a later load must
   * match with `key`. Returns the bytes written and the names of the segment files the main
   * file lists (others are stale). Only a Library on the in-process index has a snapshot (an
   * index kept elsewhere persists itself).
   */
  async saveSnapshot(
    key: SnapshotKey,
    files: SnapshotFiles,
  ): Promise<{ bytes: number; segmentFiles: string[] }> {
    const index = this.index;
    if (!(index instanceof SegmentedIndex))
      throw new SnapshotError('only a Library on the in-process index is kept in a snapshot');
    if (this.completionCache.size === 0) this.warmCompletions();
    const bySegment = new Map<string, Article[]>();
    const loose: Article[] = [];
    for (const article of this.articleById.values()) {
      const id = index.segmentOf(article.id);
      if (id === undefined) loose.push(article);
      else {
        let list = bySegment.get(id);
        if (list === undefined) bySegment.set(id, (list = []));
        list.push(article);
      }
    }
    let written = 0;
    for (const id of index.changedSegments()) {
      const parts = {
        tables: JSON.stringify(this.articleTables(bySegment.get(id) ?? [])),
        index: await index.segmentJSON(id),
      };
      // From the content, so the same Library always writes the same bytes.
      const token = `${crc32(parts.index, crc32(parts.tables)).toString(16)}-${parts.tables.length + parts.index.length}`;
      const bytes = encodeSnapshot(parts, segmentKey(key, token));
      await files.write(segmentSnapshotFile(id), bytes);
      written += bytes.length;
      index.persisted(id, token);
    }
    const tables: LibraryTables = {
      ...this.articleTables(loose),
      cyrillicArticles: this.cyrillicArticles,
      // Sorted, so a load needs no sort before the first autocomplete.
      surfaceWords: [...this.surfaceWords]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([word, { display, count }]) => [word, display, count]),
      completions: [...this.completionCache],
    };
    const table = index.table();
    const main = encodeSnapshot(
      { tables: JSON.stringify(tables), index: JSON.stringify(table) },
      key,
    );
    await files.write(MAIN_SNAPSHOT_FILE, main);
    return {
      bytes: written + main.length,
      segmentFiles: table.segments.map((s) => segmentSnapshotFile(s.id)),
    };
  }

  /** `articles` with their passages' bounds, as persisted. */
  private articleTables(articles: Article[]): ArticleTables {
    return {
      articles,
      passages: articles.map((a) =>
        this.passagesOf(a.id).map((p): [number, number] => [p.start, p.end]),
      ),
    };
  }

  /**
   * A Library from a snapshot's main file and, read through `files`, its segment files; throws
   * SnapshotError when any is damaged or does not match `key`. Awaits `options.pause` between
   * slices of the tables and between segments, MiniSearch restoring each segment in chunks
   * (loadJSAsync), so a server keeps answering while it loads; each JSON parse (at most one
   * segment's) is one step.
   *
   * `options.onSearchable` receives the Library as soon as its first segment, the newest, is
   * restored: it searches the segments restored so far (newest months first, see
   * `SegmentedIndex.restoreLists`) and says how far it is in `loading()`. A load that then fails
   * leaves that Library with no segment to search, `loading()` at 0 of them.
   *
   * @example
   * const library = await Library.loadSnapshot(main, key, files, {
   *   onSearchable: (early) => serve(early), // answers from the newest segments meanwhile
   * });
   */
  static async loadSnapshot(
    main: Uint8Array,
    key: SnapshotKey,
    files: Pick<SnapshotFiles, 'read'>,
    options: SnapshotLoadOptions = {},
  ): Promise<Library> {
    const pause = options.pause ?? (() => Promise.resolve());
    const parts = decodeSnapshot(main, key);
    const table = JSON.parse(parts.index) as SegmentTable;
    const index = SegmentedIndex.fromTable(table, options.workers);
    const library = new Library(index);
    library.restoring = { restored: 0, segments: table.segments.length };
    try {
      await runStepsAsync(library.restoreSteps(JSON.parse(parts.tables) as LibraryTables), pause);
      let told = false;
      const tokens = new Map(table.segments.map(({ id, token }) => [id, token]));
      let failed = false;
      // One list per worker, restored side by side; without workers, one list.
      await Promise.all(
        index.restoreLists().map(async (ids) => {
          for (const id of ids) {
            if (failed) return;
            try {
              await library.restoreSegment(id, tokens.get(id)!, key, files, pause);
              library.restoring!.restored++;
              if (!told) {
                told = true;
                options.onSearchable?.(library);
              }
            } catch (error) {
              failed = true;
              throw error;
            }
          }
        }),
      );
    } catch (error) {
      index.discard();
      library.restoring.restored = 0;
      throw error;
    }
    library.restoring = null;
    return library;
  }

  /**
   * How far a Library served while its snapshot loads is (see `loadSnapshot`): segments
   * searchable out of all; null once every segment is in place (and for a built Library).
   */
  loading(): LoadingState | null {
    return this.restoring === null ? null : { ...this.restoring };
  }

  /** Restores segment `id` of a snapshot being loaded: its articles, then its index. */
  private async restoreSegment(
    id: string,
    token: string,
    key: SnapshotKey,
    files: Pick<SnapshotFiles, 'read'>,
    pause: () => Promise<void>,
  ): Promise<void> {
    const index = this.index as SegmentedIndex;
    let bytes: Uint8Array;
    try {
      bytes = await files.read(segmentSnapshotFile(id));
    } catch (error) {
      throw new SnapshotError(`segment ${id} unreadable: ${String(error)}`);
    }
    // The articles go in first: a search during the load may find the segment's passages as
    // soon as its index is in place.
    if (index.inWorkers) {
      // The worker decodes and parses MiniSearch's JSON: this thread only checks the file.
      const segment = decodeSnapshotParts(bytes, segmentKey(key, token));
      await runStepsAsync(
        this.restoreArticleSteps(JSON.parse(segment.tables) as ArticleTables),
        pause,
      );
      await index.restoreSegmentInWorker(id, segment.index, pause);
    } else {
      const segment = decodeSnapshot(bytes, segmentKey(key, token));
      await pause();
      await runStepsAsync(
        this.restoreArticleSteps(JSON.parse(segment.tables) as ArticleTables),
        pause,
      );
      await pause();
      index.restoreSegment(id, await MiniSearchIndex.fromJSON(segment.index));
    }
  }

  /** Fills the Library's article tables from a snapshot's, yielding every RESTORE_SLICE. */
  private *restoreArticleSteps(tables: ArticleTables): Steps<void> {
    for (let i = 0; i < tables.articles.length; i++) {
      const article = tables.articles[i]!;
      this.articleById.set(article.id, article);
      this.passagesByDoc.set(
        article.id,
        (tables.passages[i] ?? []).map(([start, end], ordinal) => ({
          id: `${article.id}#${ordinal}`,
          docId: article.id,
          ordinal,
          start,
          end,
        })),
      );
      if ((i + 1) % RESTORE_SLICE === 0) yield;
    }
  }

  /** Fills the Library's tables from a snapshot's main file, yielding every RESTORE_SLICE items. */
  private *restoreSteps(tables: LibraryTables): Steps<void> {
    yield* this.restoreArticleSteps(tables);
    let work = 0;
    this.cyrillicArticles.bg = tables.cyrillicArticles.bg;
    this.cyrillicArticles.ru = tables.cyrillicArticles.ru;
    this.cyrillicArticles.uk = tables.cyrillicArticles.uk;
    for (const [word, display, count] of tables.surfaceWords) {
      this.surfaceWords.set(word, { display, count });
      if (++work % RESTORE_SLICE === 0) yield;
    }
    this.sortedSurface = tables.surfaceWords.map(([word]) => word);
    for (const [prefix, words] of tables.completions) this.completionCache.set(prefix, words);
  }

  /**
   * Builds a Library from articles on `index` (an empty one; MiniSearch in this process when
   * absent); a repeated id keeps the first article.
   */
  static build(articles: Iterable<Article>, index: SearchIndex = new SegmentedIndex()): Library {
    const library = new Library(index);
    const list = [...articles];
    library.planSegments(list);
    library.upsert(list);
    return library;
  }

  /**
   * Tells a segmented index the publication months of articles about to be added, with their
   * passage counts (paragraphs, as an estimate), so new months are grouped in date order
   * whatever order the articles come in (SegmentedIndex.planMonths).
   */
  planSegments(articles: readonly Article[]): void {
    if (!(this.index instanceof SegmentedIndex)) return;
    const counts = new Map<string | null, number>();
    for (const article of articles)
      counts.set(article.date, (counts.get(article.date) ?? 0) + article.text.split('\n\n').length);
    this.index.planMonths(counts);
  }

  /**
   * Lets go of what the index holds outside this thread (its segment workers); the Library
   * cannot search afterwards. An index kept elsewhere (PostgreSQL) is closed by its owner.
   */
  async close(): Promise<void> {
    if (this.index instanceof SegmentedIndex) await this.index.close();
  }

  /** Number of indexed passages. */
  get passageCount(): number {
    return this.index.passageCount;
  }

  /** Number of articles. */
  get articleCount(): number {
    return this.articleById.size;
  }

  article(id: string): Article | undefined {
    return this.articleById.get(id);
  }

  /** The passages of an article in reading order (empty for an unknown id). */
  passagesOf(docId: string): readonly Passage[] {
    return this.passagesByDoc.get(docId) ?? [];
  }

  /** All articles, in insertion order. */
  articles(): IterableIterator<Article> {
    return this.articleById.values();
  }

  /** The exact text of a passage. */
  passageText(passage: Passage): string {
    return this.articleById.get(passage.docId)?.text.slice(passage.start, passage.end) ?? '';
  }

  /**
   * How a query's Cyrillic words are stemmed: by the language of the query when it is told
   * and the corpus has articles in it, else by the corpus's majority Cyrillic language. A
   * short Russian question can read as Bulgarian to the detector; stemmed as Bulgarian, its
   * words would miss a Russian corpus's terms.
   */
  queryContext(query: string): TermContext {
    const detected = detectCyrillicLanguage(query);
    const { bg, ru } = this.cyrillicArticles;
    const absent =
      (detected === 'bg' && bg === 0 && ru > 0) || (detected === 'ru' && ru === 0 && bg > 0);
    if (detected !== null && !absent) return { cyrillic: detected };
    return { cyrillic: ru > bg ? 'ru' : 'bg' };
  }

  /** Whether the library holds an article in the Cyrillic language `lang`. */
  holdsArticlesIn(lang: TermContext['cyrillic']): boolean {
    return this.cyrillicArticles[lang] > 0;
  }

  /** In how many passages a processed term occurs (0 when unknown). */
  documentFrequency(term: string): number {
    return this.index.documentFrequency(term);
  }

  /**
   * Inverse document frequency of a processed term, BM25-style and always positive; a term
   * absent from the corpus gets the highest weight, as it is the most informative.
   */
  idf(term: string): number {
    return this.idfOfCount(this.documentFrequency(term));
  }

  /** The same IDF for a passage count (e.g. of a word that has several alternative terms). */
  idfOfCount(df: number): number {
    const n = this.passageCount;
    return Math.log(1 + (n - Math.min(df, n) + 0.5) / (Math.min(df, n) + 0.5));
  }

  /**
   * Adds new articles and replaces changed ones (same id, different text or metadata);
   * identical ones are left alone. Within one call a repeated id keeps the first.
   */
  upsert(articles: Iterable<Article>): UpsertResult {
    return runSteps(this.upsertSteps(articles));
  }

  /**
   * `upsert` for a live server: awaits `pause` after each article (the caller decides whether
   * it yields to the event loop), so a large file does not hold up searches; MiniSearch
   * vacuums replaced passages in the background itself. Searches between two pauses see the
   * articles upserted so far.
   */
  async upsertAsync(
    articles: Iterable<Article>,
    pause: () => Promise<void>,
  ): Promise<UpsertResult> {
    return this.whileUpdating(() => runStepsAsync(this.upsertSteps(articles), pause));
  }

  /**
   * `upsertAsync` for articles whose passages the index already holds as they are (an index
   * shared by processes, written by another process or before this one started): only this
   * Library's own tables change, nothing is indexed again.
   */
  async adoptAsync(articles: Iterable<Article>, pause: () => Promise<void>): Promise<UpsertResult> {
    return this.whileUpdating(() => runStepsAsync(this.upsertSteps(articles, false), pause));
  }

  /** `removeAsync` for articles the index no longer holds (see adoptAsync). */
  async forgetAsync(docIds: Iterable<string>, pause: () => Promise<void>): Promise<string[]> {
    return this.whileUpdating(() => runStepsAsync(this.removeSteps(docIds, false), pause));
  }

  /** Runs `work`, autocomplete keeping its sorted vocabulary meanwhile (see `updating`). */
  private async whileUpdating<T>(work: () => Promise<T>): Promise<T> {
    this.updating++;
    try {
      return await work();
    } finally {
      this.updating--;
    }
  }

  /**
   * The upsert, yielding after each article added or replaced; `toIndex` false leaves the
   * index alone (see adoptAsync).
   */
  private *upsertSteps(articles: Iterable<Article>, toIndex = true): Steps<UpsertResult> {
    const added: string[] = [];
    const changed: string[] = [];
    const unchanged: string[] = [];
    const seen = new Set<string>();
    // Written word → its terms and surface entry, per term context, for this call only: the
    // vocabulary is far smaller than the token stream.
    const words: WordTables = new Map();
    for (const article of articles) {
      if (seen.has(article.id)) continue;
      seen.add(article.id);
      const existing = this.articleById.get(article.id);
      if (existing !== undefined) {
        if (sameArticle(existing, article)) {
          unchanged.push(article.id);
          continue;
        }
        this.removeOne(article.id, words, toIndex);
        changed.push(article.id);
      } else {
        added.push(article.id);
      }
      this.addOne(article, words, toIndex);
      yield;
    }
    if (added.length + changed.length > 0) this.completionCache.clear();
    return { added, changed, unchanged };
  }

  /** Removes articles by id; unknown ids are ignored. Returns the ids removed. */
  remove(docIds: Iterable<string>): string[] {
    return runSteps(this.removeSteps(docIds));
  }

  /** `remove` for a live server, awaiting `pause` after each article (see upsertAsync). */
  async removeAsync(docIds: Iterable<string>, pause: () => Promise<void>): Promise<string[]> {
    return this.whileUpdating(() => runStepsAsync(this.removeSteps(docIds), pause));
  }

  private *removeSteps(docIds: Iterable<string>, fromIndex = true): Steps<string[]> {
    const removed: string[] = [];
    const words: WordTables = new Map();
    for (const id of docIds) {
      if (this.articleById.has(id)) {
        this.removeOne(id, words, fromIndex);
        removed.push(id);
        yield;
      }
    }
    if (removed.length > 0) this.completionCache.clear();
    return removed;
  }

  /** The word table of `context` for this upsert (see upsert). */
  private wordTable(words: WordTables, context: TermContext): WordTable<WordEntry> {
    let table = words.get(context.cyrillic);
    if (table === undefined) {
      table = new WordTable((word) => {
        const info = wordInfo(word, context);
        const terms = info.terms.filter((t) => t !== '');
        const surface = this.surfaceWords.get(info.normalized) ?? {
          display: word.toLowerCase(),
          count: 0,
        };
        return { terms, surface, normalized: info.normalized };
      });
      words.set(context.cyrillic, table);
    }
    return table;
  }

  /** Counts a word's occurrence in or out of the surface-word table. */
  private countSurface(entry: WordEntry, delta: 1 | -1): void {
    let surface = entry.surface;
    if (surface.count > 0 && delta > 0) {
      surface.count++;
      return;
    }
    if (surface.count === 0) {
      // Dropped at zero, or made before another spelling of the word entered the table.
      const current = this.surfaceWords.get(entry.normalized);
      if (current !== undefined) {
        surface = current;
        entry.surface = current;
      } else if (delta > 0) {
        this.surfaceWords.set(entry.normalized, surface);
        this.vocabularyStale = true;
      } else return;
    }
    surface.count += delta;
    if (surface.count <= 0) {
      surface.count = 0;
      this.surfaceWords.delete(entry.normalized);
      this.vocabularyStale = true;
    }
  }

  /**
   * The terms of `text[start, end)`, one per term occurrence, moving each word's surface count
   * by `surfaceDelta` (0 for a title, whose words are not suggested).
   */
  private termsOf(
    table: WordTable<WordEntry>,
    text: string,
    start: number,
    end: number,
    surfaceDelta: 1 | -1 | 0,
  ): string[] {
    const terms: string[] = [];
    const count = table.scan(text, start, end);
    for (let i = 0; i < count; i++) {
      const entry = table.value(table.found[i]!);
      if (surfaceDelta !== 0) this.countSurface(entry, surfaceDelta);
      for (const term of entry.terms) terms.push(term);
    }
    return terms;
  }

  /** An article's passages as the index is given them, moving surface counts by `delta`. */
  private indexedPassages(
    article: Article,
    passages: readonly Passage[],
    words: WordTables,
    delta: 1 | -1,
  ): IndexedPassage[] {
    const table = this.wordTable(words, termContextOfArticle(article));
    const title = article.title ?? '';
    const titleTerms = this.termsOf(table, title, 0, title.length, 0);
    return passages.map((passage) => ({
      docId: article.id,
      ordinal: passage.ordinal,
      textTerms: this.termsOf(table, article.text, passage.start, passage.end, delta),
      titleTerms,
      date: article.date,
      source: article.source,
      lang: article.lang,
    }));
  }

  private addOne(article: Article, words: WordTables, toIndex: boolean): void {
    this.articleById.set(article.id, article);
    const passages = splitPassages(article);
    this.passagesByDoc.set(article.id, passages);
    this.countLanguage(article, 1);
    // Computed either way: it counts the article's words for autocomplete.
    const indexed = this.indexedPassages(article, passages, words, 1);
    if (toIndex) this.index.add(indexed);
  }

  private removeOne(docId: string, words: WordTables, fromIndex: boolean): void {
    const article = this.articleById.get(docId);
    if (article === undefined) return;
    const indexed = this.indexedPassages(article, this.passagesOf(docId), words, -1);
    if (fromIndex) this.index.remove(indexed);
    this.countLanguage(article, -1);
    this.passagesByDoc.delete(docId);
    this.articleById.delete(docId);
  }

  private countLanguage(article: Article, delta: 1 | -1): void {
    if (article.lang === 'ru' || article.lang === 'bg' || article.lang === 'uk')
      this.cyrillicArticles[article.lang] += delta;
  }

  /**
   * Ranked passages for a free-text query: each word goes through the query's term processing
   * and is one group; stop words are dropped. At most `options.limit` hits, best first.
   */
  search(query: string, options: LibrarySearchOptions = {}): Promise<Hit[]> {
    const terms: string[] = [];
    for (const token of tokenize(query)) {
      const term = termOf(token.text, this.queryContext(token.text));
      if (term !== null && term !== '' && !terms.includes(term)) terms.push(term);
    }
    const last = terms[terms.length - 1];
    return this.searchTermGroups(
      terms.map((term) => [term]),
      {
        ...options,
        ...(options.prefixLast === true && last !== undefined
          ? { prefix: (term: string) => term === last }
          : {}),
      },
    );
  }

  /**
   * Ranked passages for already-processed query terms: each group holds the alternative terms
   * of one question word (its stem, its cross-script name key), any of which may match; groups
   * are combined with `combineWith` (OR by default). `bm25` overrides BM25_PARAMS. At most
   * `options.limit` hits, best first; scores are MiniSearch's for the same query tree.
   */
  async searchTermGroups(
    groups: readonly (readonly string[])[],
    options: LibrarySearchOptions & {
      readonly bm25?: Bm25Params;
      /** Per processed term: also match words it is a prefix of. */
      readonly prefix?: (term: string) => boolean;
      /** Per processed term: also match words within this edit distance (fraction if < 1). */
      readonly fuzzy?: (term: string) => number | false;
      /** The largest edit distance of a fuzzy match. */
      readonly maxFuzzy?: number;
      /** Only hits whose matched groups weigh at least `min` of `total` (weights per group). */
      readonly coverage?: CoverageFloor;
    } = {},
  ): Promise<Hit[]> {
    const found = await this.index.search({
      groups,
      combineWith: options.combineWith ?? 'OR',
      bm25: options.bm25 ?? BM25_PARAMS,
      limit: options.limit ?? DEFAULT_HIT_LIMIT,
      filters: {
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.until === undefined ? {} : { until: options.until }),
        ...(options.source === undefined ? {} : { source: options.source }),
        ...(options.lang === undefined ? {} : { lang: options.lang }),
      },
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      ...(options.fuzzy === undefined ? {} : { fuzzy: options.fuzzy }),
      ...(options.maxFuzzy === undefined ? {} : { maxFuzzy: options.maxFuzzy }),
      ...(options.coverage === undefined ? {} : { coverage: options.coverage }),
    });
    const hits: Hit[] = [];
    for (const { key, score, matchedTerms } of found) {
      const passage = this.passagesByDoc.get(key.docId)?.[key.ordinal];
      const article = this.articleById.get(key.docId);
      if (passage !== undefined && article !== undefined)
        hits.push({ passage, article, score, matchedTerms });
    }
    return hits;
  }

  /**
   * Words of the corpus starting with `prefix` (normalised), most frequent first, as they are
   * written (lowercased).
   */
  completeWord(prefix: string, limit: number): string[] {
    const key = normalizeWord(prefix);
    if (key === '') return [];
    const sorted = this.sortedVocabulary();
    if (key.length <= SHORT_PREFIX && limit <= SHORT_PREFIX_COMPLETIONS) {
      // Short prefixes match tens of thousands of words at 1M passages: all of them are
      // answered from one pass over the vocabulary, made once after each vocabulary change.
      if (this.completionCache.size === 0) this.warmCompletions();
      return (this.completionCache.get(key) ?? []).slice(0, limit);
    }
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((sorted[mid] ?? '') < key) low = mid + 1;
      else high = mid;
    }
    const best: SurfaceWord[] = [];
    for (let i = low; i < sorted.length; i++) {
      const word = sorted[i];
      if (word === undefined || !word.startsWith(key)) break;
      const entry = this.surfaceWords.get(word);
      if (entry !== undefined) keepBest(best, entry, limit);
    }
    return best.map((m) => m.display);
  }

  /**
   * Does now the work a first keystroke would otherwise wait for: the short-prefix
   * completions. The bot calls it at start.
   */
  warm(): void {
    if (this.completionCache.size === 0) this.warmCompletions();
  }

  /**
   * Computes the completions of every prefix of up to SHORT_PREFIX characters in one pass over
   * the sorted vocabulary (words sharing a prefix are contiguous there). Called lazily by
   * completeWord.
   */
  private warmCompletions(): void {
    const sorted = this.sortedVocabulary();
    this.completionCache.clear();
    const groups: ({ key: string; best: SurfaceWord[] } | undefined)[] = [];
    const flush = (length: number): void => {
      const group = groups[length];
      if (group !== undefined)
        this.completionCache.set(
          group.key,
          group.best.map((m) => m.display),
        );
    };
    for (const word of sorted) {
      const entry = this.surfaceWords.get(word);
      if (entry === undefined) continue;
      for (let length = 1; length <= SHORT_PREFIX && length <= word.length; length++) {
        const key = word.slice(0, length);
        let group = groups[length];
        if (group === undefined || group.key !== key) {
          flush(length);
          group = { key, best: [] };
          groups[length] = group;
        }
        keepBest(group.best, entry, SHORT_PREFIX_COMPLETIONS);
      }
    }
    for (let length = 1; length <= SHORT_PREFIX; length++) flush(length);
  }

  private sortedVocabulary(): string[] {
    if (this.sortedSurface === null || (this.vocabularyStale && this.updating === 0)) {
      this.sortedSurface = [...this.surfaceWords.keys()].sort();
      this.vocabularyStale = false;
      this.completionCache.clear();
    }
    return this.sortedSurface;
  }

  /** Corpus-wide figures. */
  stats(): LibraryStats {
    const languages: Record<string, number> = {};
    let firstDate: string | null = null;
    let lastDate: string | null = null;
    let undated = 0;
    for (const article of this.articleById.values()) {
      languages[article.lang] = (languages[article.lang] ?? 0) + 1;
      if (article.date === null) undated++;
      else {
        if (firstDate === null || article.date < firstDate) firstDate = article.date;
        if (lastDate === null || article.date > lastDate) lastDate = article.date;
      }
    }
    return {
      pastEnvelope: this.index instanceof SegmentedIndex && this.passageCount > ENVELOPE_PASSAGES,
      loading: this.loading(),
      documents: this.articleById.size,
      passages: this.passageCount,
      languages,
      firstDate,
      lastDate,
      undated,
    };
  }

  /** Outlets with their article counts and date ranges, most articles first. */
  sources(): SourceStats[] {
    const bySource = new Map<
      string,
      { articles: number; firstDate: string | null; lastDate: string | null }
    >();
    for (const article of this.articleById.values()) {
      const name = article.source ?? 'Unknown source';
      const entry = bySource.get(name) ?? { articles: 0, firstDate: null, lastDate: null };
      entry.articles++;
      if (article.date !== null) {
        if (entry.firstDate === null || article.date < entry.firstDate)
          entry.firstDate = article.date;
        if (entry.lastDate === null || article.date > entry.lastDate) entry.lastDate = article.date;
      }
      bySource.set(name, entry);
    }
    return [...bySource.entries()]
      .map(([source, entry]) => ({ source, ...entry }))
      .sort((a, b) => b.articles - a.articles || a.source.localeCompare(b.source));
  }
}
