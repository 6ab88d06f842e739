/**
 * The searchable corpus: articles, their passages and a MiniSearch index over the passages,
 * kept consistent under incremental updates. A Library is built in memory from articles; the
 * edges decide where articles come from and when a Library is replaced.
 */
import MiniSearch from 'minisearch';
import { splitPassages } from '../ingest/passages.js';
import type { AnswerFilters, Article, Passage } from '../types.js';
import { detectCyrillicLanguage } from '../lang/script.js';
import {
  normalizeWord,
  TERM_SEPARATOR,
  type TermContext,
  termContextOfArticle,
  termOf,
  tokenize,
  type Token,
  wordInfo,
} from './analyze.js';
import { addProcessedDocument, type FieldTermData } from './fast-index.js';
import { scoreGroups, type GroupScoring, type ScoredDocument } from './scorer.js';
import {
  decodeSnapshot,
  decodeSnapshotAsync,
  encodeSnapshot,
  type DecodedSnapshot,
  type SnapshotKey,
} from './persist.js';

/** A passage that matched a query, with MiniSearch's score and the query terms it matched. */
export interface Hit {
  readonly passage: Passage;
  readonly article: Article;
  readonly score: number;
  /** Processed query terms found in the passage (or its title). */
  readonly matchedTerms: readonly string[];
}

/** Options for `Library.search`. */
export interface LibrarySearchOptions extends AnswerFilters {
  /** AND requires every term; OR (default) any. */
  readonly combineWith?: 'AND' | 'OR';
  /** Treat the last word as a prefix (autocomplete-style lookups). */
  readonly prefixLast?: boolean;
}

/** BM25 parameters (MiniSearch's BM25+): term-frequency saturation k, length normalisation b, floor d. */
export interface Bm25Params {
  readonly k: number;
  readonly b: number;
  readonly d: number;
}

/**
 * BM25 parameters: MiniSearch's defaults, kept because k 0.9–1.6 and b 0.4–0.9 moved R@1 by at
 * most 0.001 on the SQuAD dev tuning split (bench/tune.ts), which is never reported on.
 */
export const BM25_PARAMS: Bm25Params = { k: 1.2, b: 0.7, d: 0.5 };

/** Corpus-wide figures for /about and the console banner. */
export interface LibraryStats {
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

/** Weight of a title match relative to a passage-text match. */
export const TITLE_BOOST = 0.5;

interface IndexedPassage {
  readonly id: string;
  readonly text: string;
  readonly title: string;
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

/** The Library's own tables as persisted beside the index. */
interface LibraryTables {
  readonly cyrillicArticles: { bg: number; ru: number };
  readonly documentFrequencies: [string, number][];
  readonly surfaceWords: [string, string, number][];
}

/** The searchable corpus. */
export class Library {
  private readonly articleById = new Map<string, Article>();
  private readonly passageById = new Map<string, Passage>();
  private readonly passagesByDoc = new Map<string, Passage[]>();
  private readonly cyrillicArticles = { bg: 0, ru: 0 };
  private readonly documentFrequencies = new Map<string, number>();
  private readonly surfaceWords = new Map<string, { display: string; count: number }>();
  private sortedSurface: string[] | null = null;
  /** completeWord answers for short prefixes; emptied whenever surface words or counts change. */
  private readonly completionCache = new Map<string, string[]>();
  private readonly index: MiniSearch<IndexedPassage>;

  private constructor() {
    // Documents reach MiniSearch already processed (terms depend on the article's language,
    // which processTerm cannot see); queries are processed here with the corpus's context.
    this.index = new MiniSearch<IndexedPassage>({
      idField: 'id',
      fields: ['text', 'title'],
      storeFields: [],
      tokenize: (terms: string) => (terms === '' ? [] : terms.split(TERM_SEPARATOR)),
      processTerm: (term: string) => term,
      searchOptions: {
        tokenize: (text: string) => tokenize(text).map((t) => t.text),
        processTerm: (word: string) => termOf(word, this.queryContext(word)),
        boost: { title: TITLE_BOOST },
        bm25: BM25_PARAMS,
      },
    });
  }

  /** Serialises the Library (src/search/persist.ts); a later load must match `key`. */
  toSnapshot(key: SnapshotKey): Uint8Array {
    const extras: LibraryTables = {
      cyrillicArticles: this.cyrillicArticles,
      documentFrequencies: [...this.documentFrequencies],
      // Sorted, so a load needs no sort before the first autocomplete.
      surfaceWords: [...this.surfaceWords]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([word, { display, count }]) => [word, display, count]),
    };
    return encodeSnapshot(
      {
        articles: [...this.articleById.values()],
        passagesOf: (id) => this.passagesOf(id),
        index: this.index as MiniSearch<never>,
        extras,
      },
      key,
    );
  }

  /** A Library from `toSnapshot` bytes; throws SnapshotError when damaged or not matching `key`. */
  static fromSnapshot(bytes: Uint8Array, key: SnapshotKey): Library {
    const library = new Library();
    const decoded = decodeSnapshot<LibraryTables>(bytes, key, library.index as MiniSearch<never>);
    for (const _ of library.restoreSteps(decoded));
    return library;
  }

  /**
   * `fromSnapshot` in slices of about a millisecond, awaiting `pause` between them, so a server
   * that swaps in a re-indexed Library keeps answering while it decodes.
   */
  static async fromSnapshotAsync(
    bytes: Uint8Array,
    key: SnapshotKey,
    pause: () => Promise<void>,
  ): Promise<Library> {
    const library = new Library();
    const decoded = await decodeSnapshotAsync<LibraryTables>(
      bytes,
      key,
      library.index as MiniSearch<never>,
      pause,
    );
    for (const _ of library.restoreSteps(decoded)) await pause();
    return library;
  }

  /** Fills the Library's tables from a decoded snapshot, yielding every RESTORE_SLICE items. */
  private *restoreSteps(decoded: DecodedSnapshot<LibraryTables>): Generator<void> {
    let work = 0;
    for (const article of decoded.articles) {
      this.articleById.set(article.id, article);
      if (++work % RESTORE_SLICE === 0) yield;
    }
    for (const [docId, passages] of decoded.passagesByDoc) {
      this.passagesByDoc.set(docId, passages);
      for (const passage of passages) this.passageById.set(passage.id, passage);
      if (++work % RESTORE_SLICE === 0) yield;
    }
    this.cyrillicArticles.bg = decoded.extras.cyrillicArticles.bg;
    this.cyrillicArticles.ru = decoded.extras.cyrillicArticles.ru;
    for (const [term, count] of decoded.extras.documentFrequencies) {
      this.documentFrequencies.set(term, count);
      if (++work % RESTORE_SLICE === 0) yield;
    }
    for (const [word, display, count] of decoded.extras.surfaceWords) {
      this.surfaceWords.set(word, { display, count });
      if (++work % RESTORE_SLICE === 0) yield;
    }
    this.sortedSurface = decoded.extras.surfaceWords.map(([word]) => word);
  }

  /** Builds a Library from articles; a repeated id keeps the first article. */
  static build(articles: Iterable<Article>): Library {
    const library = new Library();
    library.upsert(articles);
    return library;
  }

  /** Number of indexed passages. */
  get passageCount(): number {
    return this.passageById.size;
  }

  /** Number of articles. */
  get articleCount(): number {
    return this.articleById.size;
  }

  article(id: string): Article | undefined {
    return this.articleById.get(id);
  }

  passage(id: string): Passage | undefined {
    return this.passageById.get(id);
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
   * How a query's Cyrillic words are stemmed: by the letters of the query when they tell
   * Russian from Bulgarian, else by the corpus's majority Cyrillic language.
   */
  queryContext(query: string): TermContext {
    const detected = detectCyrillicLanguage(query);
    if (detected !== null) return { cyrillic: detected };
    return { cyrillic: this.cyrillicArticles.ru > this.cyrillicArticles.bg ? 'ru' : 'bg' };
  }

  /** In how many passages a processed term occurs (0 when unknown). */
  documentFrequency(term: string): number {
    return this.documentFrequencies.get(term) ?? 0;
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
    const n = this.passageById.size;
    return Math.log(1 + (n - Math.min(df, n) + 0.5) / (Math.min(df, n) + 0.5));
  }

  /**
   * Adds new articles and replaces changed ones (same id, different text or metadata);
   * identical ones are left alone. Within one call a repeated id keeps the first.
   */
  upsert(articles: Iterable<Article>): UpsertResult {
    const added: string[] = [];
    const changed: string[] = [];
    const unchanged: string[] = [];
    const seen = new Set<string>();
    // Term → postings shortcut for this call only (see addProcessedDocument).
    const termData = new Map<string, FieldTermData>();
    for (const article of articles) {
      if (seen.has(article.id)) continue;
      seen.add(article.id);
      const existing = this.articleById.get(article.id);
      if (existing !== undefined) {
        if (sameArticle(existing, article)) {
          unchanged.push(article.id);
          continue;
        }
        this.removeOne(article.id);
        changed.push(article.id);
      } else {
        added.push(article.id);
      }
      this.addOne(article, termData);
    }
    return { added, changed, unchanged };
  }

  /** Removes articles by id; unknown ids are ignored. Returns the ids removed. */
  remove(docIds: Iterable<string>): string[] {
    const removed: string[] = [];
    for (const id of docIds) {
      if (this.articleById.has(id)) {
        this.removeOne(id);
        removed.push(id);
      }
    }
    return removed;
  }

  private addOne(article: Article, termData: Map<string, FieldTermData>): void {
    this.articleById.set(article.id, article);
    const passages = splitPassages(article);
    this.passagesByDoc.set(article.id, passages);
    const context = termContextOfArticle(article);
    this.countLanguage(article, 1);
    const title = this.countTerms(tokenize(article.title ?? ''), 0, context);
    for (const passage of passages) {
      this.passageById.set(passage.id, passage);
      // One tokenisation serves both the index and the Library's own tables; the index gets
      // term frequencies directly (src/search/fast-index.ts), fields in the order text, title.
      const tokens = tokenize(article.text.slice(passage.start, passage.end));
      const text = this.countTerms(tokens, 1, context);
      addProcessedDocument(this.index as MiniSearch<never>, passage.id, [text, title], termData);
    }
  }

  private removeOne(docId: string): void {
    const article = this.articleById.get(docId);
    if (article === undefined) return;
    for (const passage of this.passagesByDoc.get(docId) ?? []) {
      this.index.discard(passage.id);
      this.passageById.delete(passage.id);
      this.countTerms(
        tokenize(article.text.slice(passage.start, passage.end)),
        -1,
        termContextOfArticle(article),
      );
    }
    this.countLanguage(article, -1);
    this.passagesByDoc.delete(docId);
    this.articleById.delete(docId);
  }

  private countLanguage(article: Article, delta: 1 | -1): void {
    if (article.lang === 'ru' || article.lang === 'bg')
      this.cyrillicArticles[article.lang] += delta;
  }

  /**
   * Counts the words of a passage's tokens into the surface-word table and its terms into the
   * document frequencies (`delta` 1 when adding, -1 when removing, 0 to only compute), and
   * returns the terms with their frequencies in the passage.
   */
  private countTerms(
    tokens: readonly Token[],
    delta: 1 | -1 | 0,
    context: TermContext,
  ): Map<string, number> {
    const terms = new Map<string, number>();
    for (const token of tokens) {
      const info = wordInfo(token.text, context);
      for (const term of info.terms) if (term !== '') terms.set(term, (terms.get(term) ?? 0) + 1);
      if (delta === 0) continue;
      const entry = this.surfaceWords.get(info.normalized);
      if (entry === undefined) {
        if (delta > 0) {
          this.surfaceWords.set(info.normalized, { display: token.text.toLowerCase(), count: 1 });
          this.sortedSurface = null;
        }
      } else {
        entry.count += delta;
        if (entry.count <= 0) {
          this.surfaceWords.delete(info.normalized);
          this.sortedSurface = null;
        }
      }
    }
    if (delta === 0) return terms;
    this.completionCache.clear();
    for (const term of terms.keys()) {
      const next = (this.documentFrequencies.get(term) ?? 0) + delta;
      if (next <= 0) this.documentFrequencies.delete(term);
      else this.documentFrequencies.set(term, next);
    }
    return terms;
  }

  /** A MiniSearch filter keeping passages whose article passes `filters`. */
  private filterOf(filters: AnswerFilters): (result: { id: string }) => boolean {
    return (result) => {
      const passage = this.passageById.get(result.id);
      const article = passage && this.articleById.get(passage.docId);
      return article !== undefined && this.matchesFilters(article, filters);
    };
  }

  /** MiniSearch results as Hits, skipping any whose passage is gone. */
  private hitsOfResults(
    results: readonly { id: unknown; score: number; queryTerms: string[] }[],
  ): Hit[] {
    const hits: Hit[] = [];
    for (const result of results) {
      const passage = this.passageById.get(result.id as string);
      const article = passage && this.articleById.get(passage.docId);
      if (passage === undefined || article === undefined) continue;
      hits.push({ passage, article, score: result.score, matchedTerms: result.queryTerms });
    }
    return hits;
  }

  /** Whether an article passes the filters (dates inclusive; undated fail any date bound). */
  matchesFilters(article: Article, filters: AnswerFilters): boolean {
    if (filters.since !== undefined && (article.date === null || article.date < filters.since))
      return false;
    if (filters.until !== undefined && (article.date === null || article.date > filters.until))
      return false;
    if (filters.lang !== undefined && article.lang !== filters.lang.toLowerCase()) return false;
    if (filters.source !== undefined) {
      const wanted = filters.source.trim().toLowerCase();
      if (wanted !== '' && !(article.source ?? '').toLowerCase().includes(wanted)) return false;
    }
    return true;
  }

  /** Ranked passages for a free-text query; the query goes through the same term processing. */
  search(query: string, options: LibrarySearchOptions = {}): Hit[] {
    const hasFilter =
      options.since !== undefined ||
      options.until !== undefined ||
      options.source !== undefined ||
      options.lang !== undefined;
    const results = this.index.search(query, {
      combineWith: options.combineWith ?? 'OR',
      ...(options.prefixLast
        ? { prefix: (_term: string, i: number, terms: string[]) => i === terms.length - 1 }
        : {}),
      ...(hasFilter ? { filter: this.filterOf(options) } : {}),
    });
    return this.hitsOfResults(results);
  }

  /** Hits for scored documents, best first, lazily, keeping those that pass the filters. */
  private *hitsOf(scored: Iterable<ScoredDocument>, filters: AnswerFilters): Generator<Hit> {
    const filtered =
      filters.since !== undefined ||
      filters.until !== undefined ||
      filters.source !== undefined ||
      filters.lang !== undefined;
    for (const result of scored) {
      const passage = this.passageById.get(result.id);
      const article = passage && this.articleById.get(passage.docId);
      if (passage === undefined || article === undefined) continue;
      if (filtered && !this.matchesFilters(article, filters)) continue;
      yield { passage, article, score: result.score, matchedTerms: result.terms };
    }
  }

  /**
   * Ranked passages for already-processed query terms: each group holds the alternative terms
   * of one question word (its stem, its cross-script name key), any of which may match; groups
   * are combined with `combineWith` (OR by default). `bm25` overrides BM25_PARAMS.
   */
  searchTermGroups(
    groups: readonly (readonly string[])[],
    options: LibrarySearchOptions & {
      readonly bm25?: Bm25Params;
      /** Per processed term: also match words it is a prefix of. */
      readonly prefix?: (term: string) => boolean;
      /** Per processed term: also match words within this edit distance (fraction if < 1). */
      readonly fuzzy?: (term: string) => number | false;
      /** Score with MiniSearch.search instead of the lean scorer (the reference, for tests). */
      readonly reference?: boolean;
      /**
       * Only hits whose matched groups weigh at least `min` of `total` (weights per group):
       * lets the lean scorer skip them before ordering. Ignored by the reference path.
       */
      readonly coverage?: GroupScoring['coverage'];
    } = {},
  ): Iterable<Hit> {
    if (options.reference !== true) {
      const scored = scoreGroups(this.index as MiniSearch<never>, groups, {
        bm25: options.bm25 ?? BM25_PARAMS,
        fieldBoosts: [1, TITLE_BOOST],
        combineWith: options.combineWith ?? 'OR',
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(options.fuzzy === undefined ? {} : { fuzzy: options.fuzzy }),
        ...(options.coverage === undefined ? {} : { coverage: options.coverage }),
      });
      if (scored !== null) return this.hitsOf(scored, options);
    }
    const hasFilter =
      options.since !== undefined ||
      options.until !== undefined ||
      options.source !== undefined ||
      options.lang !== undefined;
    const results = this.index.search(
      {
        combineWith: options.combineWith ?? 'OR',
        queries: groups.map((terms) => ({ combineWith: 'OR', queries: [...terms] })),
        tokenize: (term: string) => [term],
        processTerm: (term: string) => term,
      },
      {
        ...(options.bm25 === undefined ? {} : { bm25: options.bm25 }),
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(options.fuzzy === undefined ? {} : { fuzzy: options.fuzzy }),
        ...(hasFilter ? { filter: this.filterOf(options) } : {}),
      },
    );
    return this.hitsOfResults(results);
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
   * Computes the completions of every prefix of up to SHORT_PREFIX characters in one pass over
   * the sorted vocabulary (words sharing a prefix are contiguous there). Called lazily by
   * completeWord; the bot calls it at start so the first keystroke is not the slow one.
   */
  warmCompletions(): void {
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
    if (this.sortedSurface === null) {
      this.sortedSurface = [...this.surfaceWords.keys()].sort();
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
      documents: this.articleById.size,
      passages: this.passageById.size,
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
