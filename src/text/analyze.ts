/**
 * Term processing: the one definition of what a word is and which index terms it becomes. The
 * index, the query parser, quote choice and highlighting all go through here, so a word that
 * matched at search time is the same word highlighted in the quote.
 */
import { MAX_WORD_LENGTH, WORD_PATTERN } from './words.js';
import { normalizeToken } from './normalize.js';
import { WordTable } from './word-table.js';
import {
  DEFAULT_TERM_CONTEXT,
  indexTermsOf,
  queryTermsOf,
  stemWord,
  type TermContext,
} from './terms.js';

/** A word of a text with its position, offsets in UTF-16 code units. */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Bumped whenever the terms produced for a token change, so persisted indexes built with older
 * processing are rebuilt rather than trusted.
 */
export const TERM_PROCESSING_VERSION = 6;

/**
 * A word: letters, marks and digits, with inner apostrophes or hyphens kept out (they split).
 * Tabs, punctuation and symbols separate words, in any script.
 */
const WORD = WORD_PATTERN;

/** Splits text into words with their offsets; runs over MAX_WORD_LENGTH are left out. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    if (match[0].length > MAX_WORD_LENGTH) continue;
    const start = match.index;
    tokens.push({ text: match[0], start, end: start + match[0].length });
  }
  return tokens;
}

export { scriptOf } from './script.js';
export type { TermContext } from './terms.js';
export { DEFAULT_TERM_CONTEXT, isNameKeyTerm } from './terms.js';

const normalizeCache = new Map<string, string>();

/** Lowercases and folds spelling variants ("Erdoğan" → "erdogan"; Cyrillic "ё" → "е"). Cached. */
export function normalizeWord(word: string): string {
  let normalized = normalizeCache.get(word);
  if (normalized === undefined) {
    normalized = normalizeToken(word);
    if (normalizeCache.size >= TERM_CACHE_LIMIT) normalizeCache.clear();
    normalizeCache.set(word, normalized);
  }
  return normalized;
}

/**
 * Entries per cache before it is emptied. Vocabulary grows slowly (≈0.5M word forms at 1M
 * passages), so the caches hold nearly every form and each is processed about once.
 */
const TERM_CACHE_LIMIT = 1_000_000;

/** A cache per Cyrillic context, so lookups need no concatenated key string per token. */
class TermCache<T> {
  private readonly byContext = new Map<string, Map<string, T>>();

  get(context: TermContext, word: string, make: () => T): T {
    let cache = this.byContext.get(context.cyrillic);
    if (cache === undefined) {
      cache = new Map();
      this.byContext.set(context.cyrillic, cache);
    }
    const hit = cache.get(word);
    if (hit !== undefined) return hit;
    const value = make();
    if (cache.size >= TERM_CACHE_LIMIT) cache.clear();
    cache.set(word, value);
    return value;
  }
}

const stemCache = new TermCache<string | null>();
const queryCache = new TermCache<readonly string[]>();

/**
 * The word-stem term for one word, or null for a stop word: Latin words are Porter-stemmed,
 * Cyrillic ones by the Bulgarian light stemmer (or the Russian one when `context` says the
 * text is Russian). Results are cached: a corpus's vocabulary is far smaller than its tokens.
 */
export function termOf(word: string, context: TermContext = DEFAULT_TERM_CONTEXT): string | null {
  return stemCache.get(context, word, () => stemWord(normalizeWord(word), context));
}

/** What indexing needs of one written word: its index terms and its normalised form. */
export interface WordInfo {
  readonly terms: readonly string[];
  readonly normalized: string;
}

/**
 * The index terms (stem and, for a capitalised name, its cross-script name key; none for a stop
 * word) and the normalised form of one word as written. Not cached: indexing and scanWords ask
 * once per distinct word of their word tables, which are the caches.
 */
export function wordInfo(word: string, context: TermContext = DEFAULT_TERM_CONTEXT): WordInfo {
  return { terms: indexTermsOf(word, context), normalized: normalizeToken(word) };
}

/**
 * Distinct words the query-time word tables hold before one is emptied: enough for the
 * passages a stream of questions reranks and quotes (each table entry is ~150 bytes).
 */
const WORD_TABLE_LIMIT = 200_000;
const wordTables = new Map<string, WordTable<WordInfo>>();

/**
 * Reads the words of `text[from, to)` with their index terms and normalised forms, through a
 * word table per term context that is shared by every read (the answer path's cache of its
 * vocabulary: a word's occurrences are hashed in place, never cut out as strings). The result
 * is the table: its `found`, `starts` and `ends` hold the first `count` words' ids and
 * offsets, valid until the next call.
 */
export function scanWords(
  text: string,
  from: number,
  to: number,
  context: TermContext = DEFAULT_TERM_CONTEXT,
): { readonly count: number; readonly table: WordTable<WordInfo> } {
  let table = wordTables.get(context.cyrillic);
  if (table === undefined || table.size >= WORD_TABLE_LIMIT) {
    table = new WordTable((word) => wordInfo(word, context));
    wordTables.set(context.cyrillic, table);
  }
  return { count: table.scan(text, from, to), table };
}

/** The query terms of one word: its stem and the name key to look up in the other script. */
export function queryTermsOfWord(
  word: string,
  context: TermContext = DEFAULT_TERM_CONTEXT,
): readonly string[] {
  return queryCache.get(context, word, () => queryTermsOf(word, context));
}

/**
 * How an article's Cyrillic words are stemmed: Russian for `lang: "ru"`, Ukrainian for "uk",
 * else Bulgarian.
 */
export function termContextOfArticle(article: { readonly lang: string }): TermContext {
  if (article.lang === 'ru') return RUSSIAN_CONTEXT;
  if (article.lang === 'uk') return UKRAINIAN_CONTEXT;
  return DEFAULT_TERM_CONTEXT;
}

const RUSSIAN_CONTEXT: TermContext = { cyrillic: 'ru' };
const UKRAINIAN_CONTEXT: TermContext = { cyrillic: 'uk' };
