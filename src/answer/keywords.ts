/**
 * Keyword lookup for /search: every word must occur (the last one may be a prefix), and
 * "quoted phrases" must occur as consecutive words. Results come back as an Answer so they are
 * shown exactly like /ask's.
 */
import { noteLoading } from './loading.js';
import { highlightTerms } from './pick.js';
import { clampLimit } from './answer.js';
import type { Answer, AnswerOptions, QuoteResult, Span } from '../core/types.js';
import { splitSentences } from '../text/sentences.js';
import { termOf, tokenize } from '../text/analyze.js';
import { DEFAULT_HIT_LIMIT, type Hit, type Library } from '../library/library.js';

/** A parsed keyword query: loose words and phrases, as processed terms. */
export interface KeywordQuery {
  /** Words outside quotes, as typed. */
  readonly words: readonly string[];
  /** Each phrase as its sequence of processed terms (stop words dropped). */
  readonly phrases: readonly (readonly string[])[];
  /** Whether the query ends in an unfinished word (no trailing space or quote). */
  readonly lastIsPrefix: boolean;
}

/** Autocomplete choices never exceed Discord's 25. */
const MAX_SUGGESTIONS = 25;
/** Discord's limit on an autocomplete choice's name and value. */
const MAX_SUGGESTION_LENGTH = 100;

/** Splits `"a phrase" words` into phrases and words. An unclosed quote runs to the end. */
export function parseKeywordQuery(query: string): KeywordQuery {
  const words: string[] = [];
  const phrases: string[][] = [];
  const pattern = /["“”„«»]([^"“”„«»]*)["“”„«»]?|(\S+)/gu;
  for (const match of query.normalize('NFC').matchAll(pattern)) {
    if (match[1] !== undefined) {
      const terms = tokenize(match[1])
        .map((t) => termOf(t.text))
        .filter((t): t is string => t !== null);
      if (terms.length > 0) phrases.push(terms);
    } else if (match[2] !== undefined) {
      words.push(...tokenize(match[2]).map((t) => t.text));
    }
  }
  const quoteMarks = query.match(/["“”„«»]/gu)?.length ?? 0;
  const lastIsPrefix = /[\p{L}\p{N}]$/u.test(query) && quoteMarks % 2 === 0;
  return { words, phrases, lastIsPrefix };
}

function termSequence(text: string): string[] {
  return tokenize(text)
    .map((t) => termOf(t.text))
    .filter((t): t is string => t !== null);
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The first sentence of the passage holding the most of `terms` (phrases count whole). */
function pickKeywordSentence(text: string, hit: Hit, terms: ReadonlySet<string>): Span {
  let best: Span = { start: hit.passage.start, end: hit.passage.end };
  let bestCount = -1;
  for (const span of splitSentences(text, hit.passage.start, hit.passage.end)) {
    const count = new Set(
      termSequence(text.slice(span.start, span.end)).filter((t) => terms.has(t)),
    ).size;
    if (count > bestCount) {
      best = span;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Looks up passages holding every word and phrase of a keyword query; a Library still loading
 * its snapshot answers from the segments in place, and the first notice says how many.
 */
export async function searchKeywords(
  library: Library,
  query: string,
  options: AnswerOptions = {},
): Promise<Answer> {
  return noteLoading(library, await findKeywords(library, query, options));
}

/** `searchKeywords` over what the index holds now. */
async function findKeywords(
  library: Library,
  query: string,
  options: AnswerOptions,
): Promise<Answer> {
  const trimmed = query.normalize('NFC').trim();
  const limit = clampLimit(options.limit);
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const parsed = parseKeywordQuery(trimmed);
  const wordTerms = parsed.words.map((w) => termOf(w)).filter((t): t is string => t !== null);
  const allTerms = [...new Set([...wordTerms, ...parsed.phrases.flat()])];
  const empty = (reason: Answer['emptyReason']): Answer => ({
    query: trimmed,
    results: [],
    hasMore: false,
    emptyReason: reason,
    terms: allTerms,
  });
  if (trimmed === '') return empty('empty-question');
  if (allTerms.length === 0) return empty('only-stop-words');
  const searchWords = [...parsed.words.filter((w) => termOf(w) !== null), ...parsed.phrases.flat()];
  const found = await library.search(searchWords.join(' '), {
    ...options,
    combineWith: 'AND',
    prefixLast: parsed.lastIsPrefix && parsed.words.length > 0 && parsed.phrases.length === 0,
    // One past the page tells whether there are more; phrases are checked after the search.
    limit: parsed.phrases.length === 0 ? offset + limit + 1 : DEFAULT_HIT_LIMIT,
  });
  const hits = found.filter((hit) => {
    if (parsed.phrases.length === 0) return true;
    const sequence = termSequence(library.passageText(hit.passage));
    return parsed.phrases.every((phrase) => containsSequence(sequence, phrase));
  });
  const page = hits.slice(offset, offset + limit);
  if (page.length === 0) return empty('no-match');
  const highlightSet = new Set([...allTerms, ...page.flatMap((h) => h.matchedTerms)]);
  const results: QuoteResult[] = page.map((hit, i) => {
    const span = pickKeywordSentence(hit.article.text, hit, highlightSet);
    return {
      rank: offset + i + 1,
      quote: hit.article.text.slice(span.start, span.end),
      span,
      highlights: highlightTerms(hit.article.text, span, highlightSet),
      docId: hit.article.id,
      passageId: hit.passage.id,
      title: hit.article.title,
      source: hit.article.source,
      url: hit.article.url,
      date: hit.article.date,
      lang: hit.article.lang,
      score: Math.round(hit.score * 1000) / 1000,
      alsoIn: [],
    };
  });
  return {
    query: trimmed,
    results,
    hasMore: hits.length > offset + limit,
    emptyReason: null,
    terms: allTerms,
  };
}

/**
 * Autocomplete for a keyword query: the text typed so far with its last word completed from
 * the corpus's words, most frequent first; at most `limit` choices of at most 100 characters.
 */
export function suggestCompletions(
  library: Library,
  partial: string,
  limit = MAX_SUGGESTIONS,
): string[] {
  const text = partial.normalize('NFC').replace(/\s+/g, ' ').trimStart();
  const cap = Math.min(limit, MAX_SUGGESTIONS);
  const match = /([\p{L}\p{M}\p{N}]+)$/u.exec(text);
  if (match === null || match[1] === undefined) return [];
  const head = text.slice(0, text.length - match[1].length);
  const suggestions: string[] = [];
  for (const word of library.completeWord(match[1], cap * 2)) {
    const choice = head + word;
    if (choice.length > MAX_SUGGESTION_LENGTH) continue;
    if (!suggestions.includes(choice)) suggestions.push(choice);
    if (suggestions.length >= cap) break;
  }
  return suggestions;
}
