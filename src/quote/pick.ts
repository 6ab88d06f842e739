/**
 * Choosing the quote inside a ranked passage: the sentence (or two adjacent sentences) that
 * carries most of the question's informative words, cut from the stored text so it is verbatim.
 */
import { splitSentences } from '../ingest/sentences.js';
import {
  DEFAULT_TERM_CONTEXT,
  indexTermsOfWord,
  type TermContext,
  tokenize,
} from '../search/analyze.js';
import type { Span } from '../types.js';

/** A quote's span in the article and the matched words' spans relative to the quote. */
export interface PickedQuote {
  readonly span: Span;
  readonly highlights: readonly Span[];
}

/** Two sentences are quoted together only up to this many words. */
export const MAX_PAIR_WORDS = 80;

/**
 * A second sentence is added only when it adds at least this fraction of the question's
 * weight: a quote should be as short as the answer allows.
 */
export const PAIR_GAIN = 0.15;

interface ScoredSentence {
  readonly span: Span;
  readonly terms: ReadonlySet<string>;
  readonly words: number;
}

function weightOf(terms: Iterable<string>, weights: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const term of terms) sum += weights.get(term) ?? 0;
  return sum;
}

/** Spans of `text[span]` whose words' terms are in `terms`, relative to `span.start`. */
export function highlightTerms(
  text: string,
  span: Span,
  terms: ReadonlySet<string>,
  context: TermContext = DEFAULT_TERM_CONTEXT,
): Span[] {
  const highlights: Span[] = [];
  for (const token of tokenize(text.slice(span.start, span.end))) {
    if (indexTermsOfWord(token.text, context).some((term) => terms.has(term)))
      highlights.push({ start: token.start, end: token.end });
  }
  return highlights;
}

/**
 * Picks the quote for a passage `text[passage]`. `weights` maps each processed query term to
 * its weight (e.g. IDF). Ties go to the earlier, then the shorter sentence. A passage where no
 * sentence matches (a title-only match) quotes its first sentence.
 */
export function pickQuote(
  text: string,
  passage: Span,
  weights: ReadonlyMap<string, number>,
  context: TermContext = DEFAULT_TERM_CONTEXT,
): PickedQuote {
  const sentences: ScoredSentence[] = splitSentences(text, passage.start, passage.end).map(
    (span) => {
      const terms = new Set<string>();
      let words = 0;
      for (const token of tokenize(text.slice(span.start, span.end))) {
        words++;
        for (const term of indexTermsOfWord(token.text, context))
          if (weights.has(term)) terms.add(term);
      }
      return { span, terms, words };
    },
  );
  const first = sentences[0];
  if (first === undefined) return { span: passage, highlights: [] };
  const total = weightOf(weights.keys(), weights);
  let best: { span: Span; terms: ReadonlySet<string>; weight: number; words: number } = {
    span: first.span,
    terms: first.terms,
    weight: weightOf(first.terms, weights),
    words: first.words,
  };
  for (const sentence of sentences.slice(1)) {
    const weight = weightOf(sentence.terms, weights);
    if (
      weight > best.weight + 1e-9 ||
      (Math.abs(weight - best.weight) <= 1e-9 && sentence.words < best.words && weight > 0)
    ) {
      best = { span: sentence.span, terms: sentence.terms, weight, words: sentence.words };
    }
  }
  for (let i = 0; i + 1 < sentences.length; i++) {
    const a = sentences[i];
    const b = sentences[i + 1];
    if (a === undefined || b === undefined || a.words + b.words > MAX_PAIR_WORDS) continue;
    const union = new Set([...a.terms, ...b.terms]);
    const weight = weightOf(union, weights);
    const containsBest = a.span === best.span || b.span === best.span;
    if (containsBest && weight - best.weight > PAIR_GAIN * total) {
      best = {
        span: { start: a.span.start, end: b.span.end },
        terms: union,
        weight,
        words: a.words + b.words,
      };
    }
  }
  return {
    span: best.span,
    highlights: highlightTerms(text, best.span, new Set(weights.keys()), context),
  };
}
