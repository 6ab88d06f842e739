import PorterStemmerUk from 'natural/lib/natural/stemmers/porter_stemmer_uk.js';
import { newStemmer } from 'snowball-stemmers';
import { nameKeysOf } from './names.js';
import { normalizeToken } from './normalize.js';
import { stemBulgarian } from './stem-bg.js';
import { stemEnglish } from './stem-en.js';
import {
  BULGARIAN_STOP_WORDS,
  ENGLISH_STOP_WORDS,
  RUSSIAN_STOP_WORDS,
  UKRAINIAN_STOP_WORDS,
} from './stopwords.js';
import { type CyrillicLanguage, type Script, scriptOf } from './script.js';

/** How Cyrillic tokens are read: Bulgarian unless the text is known to be Russian or Ukrainian. */
export interface TermContext {
  readonly cyrillic: CyrillicLanguage;
}

/** Bulgarian, the language Verbatim serves. */
export const DEFAULT_TERM_CONTEXT: TermContext = { cyrillic: 'bg' };

/**
 * Prefixes of cross-script name-key terms. A Cyrillic token is indexed under `NAME_IN_CYRILLIC`
 * + key and a Latin one under `NAME_IN_LATIN` + key; a query token asks for the other script's
 * prefix, so "Putin" finds "Путин" without counting twice where "Putin" already matches itself.
 */
export const NAME_IN_CYRILLIC = '⁑c:';
export const NAME_IN_LATIN = '⁑l:';

/** Whether an index/query term is a cross-script name key rather than a word stem. */
export function isNameKeyTerm(term: string): boolean {
  return term.startsWith(NAME_IN_CYRILLIC) || term.startsWith(NAME_IN_LATIN);
}

/**
 * Russian: the Snowball stemmer. natural's PorterStemmerRu (an older port) leaves verbs in
 * "-уют" whole ("требуют", "используют") and keeps "-ость" nouns apart from their adjectives.
 */
const RUSSIAN_STEMMER = newStemmer('russian');

/** The stem of one word (already normalised), by its script; stop words give null. */
export function stemWord(word: string, context: TermContext = DEFAULT_TERM_CONTEXT): string | null {
  const script = scriptOf(word);
  // Numbers, and words with digits ("covid19", "f16"), are kept whole.
  if (/\p{N}/u.test(word)) return word.length === 1 ? null : word;
  if (script === 'latin') {
    if (ENGLISH_STOP_WORDS.has(word)) return null;
    return stemEnglish(word);
  }
  if (script === 'cyrillic') {
    if (stopWordsOf(script, context).has(word)) return null;
    if (context.cyrillic === 'ru') return RUSSIAN_STEMMER.stem(word);
    if (context.cyrillic === 'uk') return PorterStemmerUk.stem(word);
    return stemBulgarian(word);
  }
  return word;
}

/** The stop words of a script as read in `context` (none for other scripts). */
export function stopWordsOf(script: Script, context: TermContext): ReadonlySet<string> {
  if (script === 'latin') return ENGLISH_STOP_WORDS;
  if (script !== 'cyrillic') return NO_WORDS;
  if (context.cyrillic === 'ru') return RUSSIAN_STOP_WORDS;
  if (context.cyrillic === 'uk') return UKRAINIAN_STOP_WORDS;
  return BULGARIAN_STOP_WORDS;
}

const NO_WORDS: ReadonlySet<string> = new Set();

/**
 * Index terms of one token as written in the text: its stem, plus the name keys of a
 * capitalised word (see `nameKeyOf`); in Russian and Ukrainian text a declined name is keyed
 * as its base form too (see `nameKeysOf`), Bulgarian names being left undeclined. Empty for
 * stop words.
 */
export function indexTermsOf(token: string, context: TermContext = DEFAULT_TERM_CONTEXT): string[] {
  const stem = stemWord(normalizeToken(token), context);
  if (stem === null) return [];
  const keys = nameKeysOf(token).slice(0, context.cyrillic === 'bg' ? 1 : undefined);
  const prefix = scriptOf(token) === 'cyrillic' ? NAME_IN_CYRILLIC : NAME_IN_LATIN;
  return [stem, ...keys.map((key) => prefix + key)];
}

/**
 * Query terms of one token: its stem, plus its name keys (a declined Cyrillic name's base form
 * too, whatever the question's language: see `nameKeysOf`) looked up in the other script.
 */
export function queryTermsOf(token: string, context: TermContext = DEFAULT_TERM_CONTEXT): string[] {
  const stem = stemWord(normalizeToken(token), context);
  if (stem === null) return [];
  const prefix = scriptOf(token) === 'cyrillic' ? NAME_IN_LATIN : NAME_IN_CYRILLIC;
  return [stem, ...nameKeysOf(token).map((key) => prefix + key)];
}

/**
 * A capitalised word's name key as a term of both scripts: to find a name spelt another way in
 * the same script too ("Benet" → "Bennett", "Нетаньяху" → "Нетаняху"). Empty for other words.
 */
export function nameKeyTermsOf(token: string): string[] {
  const { written, bases } = declinedNameKeyTerms(token);
  return [...written, ...bases];
}

/**
 * The name-key terms, in either script, of a token as written and of the base forms it may be
 * a declension of (see `nameKeysOf`): a question leaves the base forms out where the name as
 * written is in the corpus ("Тесла"), for there they would only find it again, by a fuzzy
 * match, and count it twice.
 */
export function declinedNameKeyTerms(token: string): {
  readonly written: readonly string[];
  readonly bases: readonly string[];
} {
  const [written, ...bases] = nameKeysOf(token);
  const inBothScripts = (key: string): string[] => [NAME_IN_LATIN + key, NAME_IN_CYRILLIC + key];
  return {
    written: written === undefined ? [] : inBothScripts(written),
    bases: bases.flatMap(inBothScripts),
  };
}

/**
 * Whether a (normalised) Cyrillic word is a stop word in Bulgarian, Russian or Ukrainian. A
 * question's language is often unclear from a few words, and a function word of any of them
 * ("что", "що", "какво") asks for nothing to be searched.
 */
export function isCyrillicStopWord(word: string): boolean {
  return (
    BULGARIAN_STOP_WORDS.has(word) || RUSSIAN_STOP_WORDS.has(word) || UKRAINIAN_STOP_WORDS.has(word)
  );
}
