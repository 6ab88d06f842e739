/**
 * Choosing the quote inside a ranked passage: the sentence (or two adjacent sentences) that
 * carries most of the question's informative words, cut from the stored text so it is verbatim.
 */
import { splitSentences } from '../text/sentences.js';
import { DEFAULT_TERM_CONTEXT, scanWords, type TermContext } from '../text/analyze.js';
import type { Span } from '../core/types.js';

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
export const PAIR_GAIN = 0.05;

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
  const { count, table } = scanWords(text, span.start, span.end, context);
  for (let k = 0; k < count; k++) {
    if (table.value(table.found[k]!).terms.some((term) => terms.has(term)))
      highlights.push({ start: table.starts[k]! - span.start, end: table.ends[k]! - span.start });
  }
  return highlights;
}

/** What kind of string a question asks for, when its wording says so. */
export type AnswerType = 'number' | 'name';

const NUMBER_QUESTION =
  /(?<![\p{L}])(?:when|how (?:many|much|long|old|far|large|big|high|often)|what (?:year|date|time|percentage|age|day|month|century|decade)|which (?:year|date|century)|кога|колко|когда|сколько|в како[мй] году)(?![\p{L}])/iu;
const NAME_QUESTION =
  /(?<![\p{L}])(?:who|whom|whose|where|кой|коя|кои|кого|къде|кто|кого|где)(?![\p{L}])/iu;

/**
 * The answer type a question's wording asks for: a number for "when", "how many", "what
 * year", "кога", "колко"…; a name for "who", "where", "кой", "къде"…; else null.
 */
export function answerTypeOf(question: string): AnswerType | null {
  if (NUMBER_QUESTION.test(question)) return 'number';
  if (NAME_QUESTION.test(question)) return 'name';
  return null;
}

/** What the question says beyond its weighted terms, for choosing the sentence that answers. */
export interface QuoteHints {
  readonly answerType: AnswerType | null;
  /** The question's words, normalised: a candidate answer is a word the question lacks. */
  readonly questionWords: ReadonlySet<string>;
}

/**
 * The bonus, as a share of the question's weight, for a sentence holding a candidate of the
 * asked-for type (a number, a name) that the question does not already contain.
 */
export const ANSWER_TYPE_BONUS = 0.2;

const NUMBER_WORD =
  /^(?:\p{N}+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen)$/iu;

/**
 * Extra weight, relative to a stem match, of a word written in the sentence exactly as in the
 * question ("elected" for "elected", not only "election"): the answering sentence tends to
 * reuse the question's very words.
 */
export const EXACT_FORM_WEIGHT = 0.5;

const CAPITAL = /^\p{Lu}/u;

/**
 * Whether the word `text[start, end)`, normalised as `normalized`, is a candidate answer of
 * the asked-for type: a number or (past a sentence's first word) a capitalised word, that the
 * question does not contain.
 */
function isCandidate(
  text: string,
  start: number,
  end: number,
  normalized: string,
  first: boolean,
  hints: QuoteHints,
): boolean {
  const type = hints.answerType;
  if (type === null || hints.questionWords.has(normalized)) return false;
  if (type === 'number') return NUMBER_WORD.test(text.slice(start, end));
  return !first && CAPITAL.test(text.slice(start, Math.min(end, start + 2)));
}

/**
 * Picks the quote for a passage `text[passage]`. `weights` maps each processed query term to
 * its weight (e.g. IDF). A sentence scores its share of the question's weight, plus
 * ANSWER_TYPE_BONUS when `hints` ask for a number or a name and it holds one the question
 * lacks; a neighbour is added when it brings PAIR_GAIN of the weight or, if the best sentence
 * has no candidate of the asked-for type, when the neighbour has one. Ties go to the earlier,
 * then the shorter sentence. A passage where no sentence matches quotes its first sentence.
 * Words are compared with the question's as normalizeWord writes them.
 */
export function pickQuote(
  text: string,
  passage: Span,
  weights: ReadonlyMap<string, number>,
  context: TermContext = DEFAULT_TERM_CONTEXT,
  hints: QuoteHints = { answerType: null, questionWords: new Set() },
): PickedQuote {
  const sentences = splitSentences(text, passage.start, passage.end).map((span) => {
    const terms = new Set<string>();
    const exact = new Set<string>();
    let candidate = false;
    const { count, table } = scanWords(text, span.start, span.end, context);
    for (let k = 0; k < count; k++) {
      const info = table.value(table.found[k]!);
      const asWritten = hints.questionWords.has(info.normalized);
      for (const term of info.terms)
        if (weights.has(term)) {
          terms.add(term);
          if (asWritten) exact.add(term);
        }
      candidate ||= isCandidate(
        text,
        table.starts[k]!,
        table.ends[k]!,
        info.normalized,
        k === 0,
        hints,
      );
    }
    return { span, terms, exact, words: count, candidate };
  });
  if (sentences.length === 0) return { span: passage, highlights: [] };
  const total = weightOf(weights.keys(), weights);
  const scoreOf = (s: {
    terms: ReadonlySet<string>;
    exact: ReadonlySet<string>;
    candidate: boolean;
  }): number => {
    if (total <= 0) return 0;
    const share =
      (weightOf(s.terms, weights) + EXACT_FORM_WEIGHT * weightOf(s.exact, weights)) / total;
    return share > 0 && s.candidate ? share + ANSWER_TYPE_BONUS : share;
  };
  let bestIndex = 0;
  let bestScore = scoreOf(sentences[0] ?? { terms: new Set(), exact: new Set(), candidate: false });
  sentences.forEach((sentence, i) => {
    const score = scoreOf(sentence);
    const best = sentences[bestIndex];
    if (
      score > bestScore + 1e-9 ||
      (Math.abs(score - bestScore) <= 1e-9 &&
        score > 0 &&
        best !== undefined &&
        sentence.words < best.words)
    ) {
      bestIndex = i;
      bestScore = score;
    }
  });
  const best = sentences[bestIndex];
  if (best === undefined) return { span: passage, highlights: [] };
  let span: Span = best.span;
  const bestWeight = weightOf(best.terms, weights);
  let bestGain = 0;
  for (const j of [bestIndex + 1, bestIndex - 1]) {
    const other = sentences[j];
    if (other === undefined || other.words + best.words > MAX_PAIR_WORDS) continue;
    const gain =
      total > 0
        ? (weightOf(new Set([...best.terms, ...other.terms]), weights) - bestWeight) / total
        : 0;
    const bringsAnswer = hints.answerType !== null && !best.candidate && other.candidate;
    const value = gain + (bringsAnswer ? ANSWER_TYPE_BONUS : 0);
    if ((gain > PAIR_GAIN || bringsAnswer) && value > bestGain) {
      bestGain = value;
      span =
        j > bestIndex
          ? { start: best.span.start, end: other.span.end }
          : { start: other.span.start, end: best.span.end };
    }
  }
  return { span, highlights: highlightTerms(text, span, new Set(weights.keys()), context) };
}
