/**
 * Per-passage analysis used to rerank BM25 candidates and to choose quotes: the passage's
 * sentences with the index terms each holds, and the passage's term sequence (for phrases).
 * Computed lazily and memoised for the most recently analysed passages (a question's
 * candidates are often the next question's too), so the memory they take stays bounded.
 */
import { LRUCache } from 'lru-cache';
import { splitSentences } from '../text/sentences.js';
import type { Article, Passage, Span } from '../core/types.js';
import { scanWords, termContextOfArticle } from '../text/analyze.js';
import {
  isAnswerCandidate,
  speakersOf,
  speaksForQuestion,
  type AnswerType,
  type QuoteHints,
  type SentenceWord,
} from './pick.js';

const NO_WORDS: ReadonlySet<string> = new Set();

/** One sentence of a passage: its span in the article, its index terms, its word count. */
interface AnalyzedSentence {
  readonly span: Span;
  readonly terms: ReadonlySet<string>;
  /** Its words as written (normalised), for exact-form matches. */
  readonly forms: ReadonlySet<string>;
  readonly words: number;
  /** Per answer type, the normalised words that could answer a question of that type. */
  readonly candidates: Readonly<Record<AnswerType, readonly string[]>>;
}

/** The answer types read word by word (a sentence's speakers are read by speakersOf). */
const WORD_TYPES: readonly Exclude<AnswerType, 'speech'>[] = ['time', 'quantity', 'place', 'name'];

/** A passage's sentences and, in reading order, each content word's index terms. */
export interface PassageAnalysis {
  readonly sentences: readonly AnalyzedSentence[];
  /** Content words only (stop words skipped), each as its index terms. */
  readonly sequence: readonly (readonly string[])[];
}

/** Analyses kept: ~250 questions' reranked candidates, a few MB. */
const ANALYSIS_CACHE_LIMIT = 10_000;
const analyses = new LRUCache<Passage, PassageAnalysis>({ max: ANALYSIS_CACHE_LIMIT });

/** The (memoised) analysis of a passage of `article`. */
export function analyzePassage(article: Article, passage: Passage): PassageAnalysis {
  const cached = analyses.get(passage);
  if (cached !== undefined) return cached;
  const context = termContextOfArticle(article);
  const sequence: (readonly string[])[] = [];
  const sentences: AnalyzedSentence[] = splitSentences(
    article.text,
    passage.start,
    passage.end,
  ).map((span) => {
    const terms = new Set<string>();
    const forms = new Set<string>();
    const candidates: Record<AnswerType, string[]> = {
      speech: [],
      time: [],
      quantity: [],
      place: [],
      name: [],
    };
    const { count, table } = scanWords(article.text, span.start, span.end, context);
    const words: SentenceWord[] = [];
    for (let k = 0; k < count; k++) {
      const info = table.value(table.found[k]!);
      forms.add(info.normalized);
      const start = table.starts[k]!;
      const end = table.ends[k]!;
      words.push({ text: article.text.slice(start, end), normalized: info.normalized });
      const previous =
        k === 0 ? null : article.text.slice(table.starts[k - 1]!, table.ends[k - 1]!);
      for (const answerType of WORD_TYPES)
        if (
          isAnswerCandidate(article.text, start, end, info.normalized, previous, {
            answerType,
            questionWords: NO_WORDS,
          })
        )
          candidates[answerType].push(info.normalized);
      const termsOfWord = info.terms;
      if (termsOfWord.length === 0) continue;
      sequence.push(termsOfWord);
      for (const term of termsOfWord) terms.add(term);
    }
    candidates.speech = speakersOf(words);
    return { span, terms, forms, words: count, candidates };
  });
  const analysis = { sentences, sequence };
  analyses.set(passage, analysis);
  return analysis;
}

/** A question word as the features see it: its alternative terms and weight. */
export interface WeightedWord {
  readonly terms: readonly string[];
  readonly weight: number;
  /** The word as written in the question, normalised. */
  readonly form?: string;
}

function holds(terms: ReadonlySet<string>, word: WeightedWord): boolean {
  return word.terms.some((t) => terms.has(t));
}

/**
 * The largest share of the question's weight found inside one sentence or two adjacent
 * sentences of the passage (0..1): a proximity signal, as the words of a question tend to meet
 * in the sentence that answers it.
 */
export function sentenceCoverage(
  analysis: PassageAnalysis,
  words: readonly WeightedWord[],
  total: number,
  exactWeight = 0,
): number {
  return typedSentenceCoverage(analysis, words, total, exactWeight, null, 0);
}

/**
 * sentenceCoverage where a matching sentence that also holds a candidate answer of the type
 * the question asks for (see isAnswerCandidate), one the question lacks, gains `bonus`.
 */
export function typedSentenceCoverage(
  analysis: PassageAnalysis,
  words: readonly WeightedWord[],
  total: number,
  exactWeight: number,
  hints: QuoteHints | null,
  bonus: number,
): number {
  if (total <= 0) return 0;
  let best = 0;
  const type = hints?.answerType ?? null;
  for (const a of analysis.sentences) {
    let single = 0;
    for (const w of words)
      if (holds(a.terms, w))
        single +=
          w.form !== undefined && a.forms.has(w.form) ? w.weight * (1 + exactWeight) : w.weight;
    if (
      single > 0 &&
      type !== null &&
      hints !== null &&
      (type === 'speech'
        ? speaksForQuestion(a.candidates.speech, hints)
        : a.candidates[type].some((word) => !hints.questionWords.has(word)))
    )
      single += bonus * total;
    best = Math.max(best, single);
  }
  return best / total;
}

/**
 * The share of the question's adjacent content-word pairs (by weight of the pair's lighter
 * word) that also occur next to each other in the passage: a phrase signal.
 */
export function phraseCoverage(analysis: PassageAnalysis, words: readonly WeightedWord[]): number {
  if (words.length < 2) return 0;
  let possible = 0;
  let found = 0;
  for (let i = 0; i + 1 < words.length; i++) {
    const a = words[i];
    const b = words[i + 1];
    if (a === undefined || b === undefined) continue;
    const weight = Math.min(a.weight, b.weight);
    possible += weight;
    const seq = analysis.sequence;
    for (let j = 0; j + 1 < seq.length; j++) {
      const x = seq[j];
      const y = seq[j + 1];
      if (x === undefined || y === undefined) continue;
      if (a.terms.some((t) => x.includes(t)) && b.terms.some((t) => y.includes(t))) {
        found += weight;
        break;
      }
    }
  }
  return possible <= 0 ? 0 : found / possible;
}
