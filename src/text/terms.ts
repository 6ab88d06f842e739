import PorterStemmerRu from 'natural/lib/natural/stemmers/porter_stemmer_ru.js';
import { nameKeyOf } from './names.js';
import { normalizeToken } from './normalize.js';
import { stemBulgarian } from './stem-bg.js';
import { stemEnglish } from './stem-en.js';
import { BULGARIAN_STOP_WORDS, ENGLISH_STOP_WORDS, RUSSIAN_STOP_WORDS } from './stopwords.js';
import { type CyrillicLanguage, scriptOf } from './script.js';

/** How Cyrillic tokens are read: a corpus is Bulgarian unless it is Russian. */
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
    if (context.cyrillic === 'ru') {
      if (RUSSIAN_STOP_WORDS.has(word)) return null;
      return PorterStemmerRu.stem(word);
    }
    if (BULGARIAN_STOP_WORDS.has(word)) return null;
    return stemBulgarian(word);
  }
  return word;
}

/**
 * Index terms of one token as written in the text: its stem, plus a name key for a capitalised
 * word (see `nameKeyOf`). Empty for stop words.
 */
export function indexTermsOf(token: string, context: TermContext = DEFAULT_TERM_CONTEXT): string[] {
  const stem = stemWord(normalizeToken(token), context);
  if (stem === null) return [];
  const key = nameKeyOf(token);
  if (key === null) return [stem];
  return [stem, (scriptOf(token) === 'cyrillic' ? NAME_IN_CYRILLIC : NAME_IN_LATIN) + key];
}

/** Query terms of one token: its stem, plus the name key looked up in the other script. */
export function queryTermsOf(token: string, context: TermContext = DEFAULT_TERM_CONTEXT): string[] {
  const stem = stemWord(normalizeToken(token), context);
  if (stem === null) return [];
  const key = nameKeyOf(token);
  if (key === null) return [stem];
  return [stem, (scriptOf(token) === 'cyrillic' ? NAME_IN_LATIN : NAME_IN_CYRILLIC) + key];
}
