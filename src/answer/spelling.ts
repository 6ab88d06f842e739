/**
 * Reading past typos: a question word the corpus has never seen ("Putn", "Netanyahoo",
 * "Пиутин") is read as the nearest word the corpus has, within an edit or two; a misspelt
 * question word ("Wher") is read as that stop word. A word the corpus knows is never changed,
 * so a correct word cannot be turned into a look-alike.
 */
import levenshtein from 'natural/lib/natural/distance/levenshtein_distance.js';
import { queryTermsOfWord, tokenize, type TermContext } from '../text/analyze.js';
import { normalizeToken } from '../text/normalize.js';
import { scriptOf } from '../text/script.js';
import { nameKeyTermsOf, stopWordsOf } from '../text/terms.js';
import type { Library } from '../library/library.js';

/** A word read as another one. */
export interface Correction {
  readonly typed: string;
  readonly read: string;
}

/**
 * Edits allowed for a word of `length` letters: none under 4 letters (too many neighbours),
 * one up to 7 ("Putn", "Пиутин", "Zelenksy": a swap of two adjacent letters is one edit), two
 * from 8 ("Netanyahoo" → "Netanyahu").
 */
export function maxEditsFor(length: number): number {
  if (length < 4) return 0;
  return length < 8 ? 1 : 2;
}

/** Completions asked for per prefix: the nearest words usually share most of their letters. */
const COMPLETIONS_PER_PREFIX = 30;

/** Ukrainian letters read as their Russian and Bulgarian counterparts ("Путіна" ~ "Путина"). */
const CYRILLIC_VARIANTS: Readonly<Record<string, string>> = { і: 'и', ї: 'и', є: 'е', ґ: 'г' };

function distance(a: string, b: string): number {
  const fold = (w: string): string => w.replace(/[іїєґ]/gu, (c) => CYRILLIC_VARIANTS[c] ?? c);
  return levenshtein.DamerauLevenshteinDistance(fold(a), fold(b));
}

/**
 * The corpus word nearest to an unknown word, or null: words sharing its first letter found
 * through the corpus's completions of the word's prefixes and of the word with one letter left
 * out ("пиутин" → "путин"), within maxEditsFor: the nearest, then the longer, then the more
 * frequent.
 */
function nearestCorpusWord(library: Library, word: string): string | null {
  const edits = maxEditsFor([...word].length);
  if (edits === 0) return null;
  const starts = new Set<string>();
  for (let length = word.length - 1; length >= Math.max(1, word.length - 4); length--)
    starts.add(word.slice(0, length));
  for (let i = 1; i < word.length; i++) starts.add(word.slice(0, i) + word.slice(i + 1));
  let best: string | null = null;
  let bestDistance = edits + 1;
  for (const start of starts)
    for (const candidate of library.completeWord(start, COMPLETIONS_PER_PREFIX)) {
      const normalized = normalizeToken(candidate);
      if (normalized[0] !== word[0] || normalized === word) continue;
      const d = distance(word, normalized);
      // On a tie the longer word wins: a typo more often drops a letter than adds one.
      if (
        d < bestDistance ||
        (d === bestDistance && best !== null && candidate.length > best.length)
      ) {
        best = candidate;
        bestDistance = d;
      }
    }
  return best;
}

/**
 * The stop word a misspelt question word stands for ("wher" → "where"): one edit away, same
 * first letter, the longer on a tie; or null.
 */
function nearestStopWord(word: string, context: TermContext): string | null {
  if ([...word].length < 3) return null;
  let best: string | null = null;
  for (const stop of stopWordsOf(scriptOf(word), context))
    if (stop.length >= 3 && stop[0] === word[0] && distance(word, stop) === 1)
      if (best === null || stop.length > best.length) best = stop;
  return best;
}

function isCommonWord(word: string, context: TermContext): boolean {
  return stopWordsOf(scriptOf(word), context).has(word);
}

function withCaseOf(typed: string, read: string): string {
  return /^\p{Lu}/u.test(typed) ? read.charAt(0).toUpperCase() + read.slice(1) : read;
}

/**
 * The question with each word unknown to the corpus (no term of it indexed) read as the nearest
 * corpus word or stop word, and the corrections made. Numbers are left alone.
 */
export function correctSpelling(
  library: Library,
  question: string,
  context: TermContext,
): { readonly text: string; readonly corrections: readonly Correction[] } {
  const corrections: Correction[] = [];
  let text = '';
  let at = 0;
  for (const token of tokenize(question)) {
    if (/\p{N}/u.test(token.text)) continue;
    const terms = queryTermsOfWord(token.text, context);
    if (terms.length === 0 || terms.some((t) => library.documentFrequency(t) > 0)) continue;
    const word = normalizeToken(token.text);
    const read = nearestStopWord(word, context) ?? nearestCorpusWord(library, word);
    if (read === null) continue;
    const written = withCaseOf(token.text, read);
    // A Latin name is read only as a name the corpus has ("Colorado" is not "Colored").
    // Cyrillic names inflect ("Путіна", "Путина"), and their keys would differ by the ending.
    if (
      /^\p{Lu}/u.test(token.text) &&
      scriptOf(token.text) === 'latin' &&
      !isCommonWord(read, context) &&
      !nameKeyTermsOf(written).some((t) => library.documentFrequency(t) > 0)
    )
      continue;
    corrections.push({ typed: token.text, read: written });
    text += question.slice(at, token.start) + written;
    at = token.end;
  }
  return { text: text + question.slice(at), corrections };
}
