/**
 * Term processing: the one definition of what a word is and which index terms it becomes. The
 * index, the query parser, quote choice and highlighting all go through here, so a word that
 * matched at search time is the same word highlighted in the quote.
 */
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

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
export const TERM_PROCESSING_VERSION = 1;

/**
 * A word: letters, marks and digits, with inner apostrophes or hyphens kept out (they split).
 * Tabs, punctuation and symbols separate words, in any script.
 */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Splits text into words with their offsets. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    tokens.push({ text: match[0], start, end: start + match[0].length });
  }
  return tokens;
}

/**
 * English function words that carry no topic. Deliberately short: news words such as "us",
 * "un", "pm", "new", "former", "first" and "last" are kept because they are searched for.
 */
const ENGLISH_STOP_WORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her ' +
    'here hers herself him himself his how i if in into is it its itself me my myself no nor not of off on ' +
    'or our ours ourselves she should so such than that the their theirs them themselves then there these ' +
    'they this those through to too very was we were what when where which while who whom why will with ' +
    'would you your yours yourself yourselves s t d ll m re ve am about against any both each few more most ' +
    'other own same some just don'
  ).split(' '),
);

/** Bulgarian function words (a core list; extended by the language work). */
const BULGARIAN_STOP_WORDS = new Set(
  (
    'а и в във на за от по с със към при до след пред под над без през между че да не ли ще се си са е съм ' +
    'сме сте бях беше бяха бил била било били този тази това тези онзи онази онова онези той тя то те ние ' +
    'вие аз ти го му я ѝ им ги ни ви ми ме те нас вас тях нея него нему как какво какъв каква какви кой коя ' +
    'кое кои кога къде защо колко който която което които чийто но или ако като също така тук там вече още ' +
    'само обаче дали нито нищо всеки всяка всяко всички'
  ).split(' '),
);

const CYRILLIC = /\p{Script=Cyrillic}/u;
const COMBINING_MARKS = /\p{M}+/gu;

/** Which writing system a word is in; decides its stop words and stemmer. */
export type Script = 'latin' | 'cyrillic' | 'other';

/** The script of a word, by its first letter. */
export function scriptOf(word: string): Script {
  if (CYRILLIC.test(word)) return 'cyrillic';
  if (/\p{Script=Latin}/u.test(word)) return 'latin';
  return 'other';
}

/** Lowercases and, for Latin words, folds diacritics ("Erdoğan" → "erdogan"). */
export function normalizeWord(word: string): string {
  const lower = word.normalize('NFC').toLowerCase();
  if (scriptOf(lower) !== 'latin') return lower;
  return lower.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
}

/** Whether a normalised word is a stop word in its script's language. */
export function isStopWord(normalized: string): boolean {
  return ENGLISH_STOP_WORDS.has(normalized) || BULGARIAN_STOP_WORDS.has(normalized);
}

const termCache = new Map<string, string | null>();
const TERM_CACHE_LIMIT = 500_000;

/**
 * The index term for one word, or null for a stop word. Latin words are Porter-stemmed;
 * other scripts are lowercased. Results are cached: a corpus's vocabulary is far smaller
 * than its token stream.
 */
export function termOf(word: string): string | null {
  const cached = termCache.get(word);
  if (cached !== undefined) return cached;
  const normalized = normalizeWord(word);
  let term: string | null;
  if (isStopWord(normalized)) term = null;
  else if (scriptOf(normalized) === 'latin' && !/\d/.test(normalized))
    term = porterStemmer.stem(normalized);
  else term = normalized;
  if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
  termCache.set(word, term);
  return term;
}

/** The distinct index terms of a text, in first-seen order. */
export function termsOf(text: string): string[] {
  const seen = new Set<string>();
  for (const token of tokenize(text)) {
    const term = termOf(token.text);
    if (term !== null) seen.add(term);
  }
  return [...seen];
}

/** MiniSearch hooks: both index time and query time use exactly these. */
export const MINISEARCH_TEXT_OPTIONS = {
  tokenize: (text: string): string[] => tokenize(text).map((t) => t.text),
  processTerm: (word: string): string | null => termOf(word),
} as const;
