/**
 * The answer path: a question in, ranked verbatim quotes out. Everything that answers a user
 * (console, CLI, Discord, digests) goes through `answerQuestion` or `rankPassages`.
 */
import {
  isNameKeyTerm,
  normalizeWord,
  queryTermsOfWord,
  type TermContext,
  termContextOfArticle,
  tokenize,
} from '../search/analyze.js';
import { analyzePassage, phraseCoverage, sentenceCoverage } from '../search/features.js';
import { BM25_PARAMS, type Bm25Params, type Hit, type Library } from '../search/library.js';
import type { Answer, AnswerOptions, QuoteResult } from '../types.js';
import { answerTypeOf, pickQuote, type QuoteHints } from './pick.js';

/** Quotes per answer when no limit is given. */
export const DEFAULT_LIMIT = 5;
/** The most quotes one answer may hold. */
export const MAX_LIMIT = 10;
/** Longer questions are cut to this many distinct terms (the first ones). */
export const MAX_QUERY_TERMS = 32;
/**
 * The share of the question's weight (sum of its terms' IDF) a passage must match to be shown:
 * below it a passage shares only incidental words with the question.
 */
export const MIN_COVERAGE = 0.4;
/** Each further passage from an already-ranked article has its score multiplied by this. */
export const SAME_ARTICLE_DECAY = 0.5;
/** How many hits are considered for re-ranking. */
export const CANDIDATE_LIMIT = 200;

/** A passage in the final ranking, before its quote is cut. */
export interface RankedPassage {
  readonly hit: Hit;
  readonly score: number;
  readonly coverage: number;
}

/** One question word: its alternative query terms (stem, cross-script name key) and weight. */
export interface QueryWord {
  readonly word: string;
  readonly terms: readonly string[];
  /** IDF of the word over the corpus, whichever of its terms matches. */
  readonly weight: number;
}

/** The query terms of a question and their weights. */
export interface QueryTerms {
  /** The words' stems, for display. */
  readonly terms: readonly string[];
  /** Every query term (stems and name keys) → the weight of its word. */
  readonly weights: ReadonlyMap<string, number>;
  /** One original word per kept term, joined: what is sent to the index. */
  readonly searchText: string;
  readonly words: readonly QueryWord[];
  /** How the question's Cyrillic words were read. */
  readonly context: TermContext;
  /** The answer type and words of the question, for the quote choice. */
  readonly hints: QuoteHints;
}

/** Processes a question into at most MAX_QUERY_TERMS weighted words. */
export function weighQuery(library: Library, question: string): QueryTerms {
  const context = library.queryContext(question);
  const words: QueryWord[] = [];
  const seen = new Set<string>();
  for (const token of tokenize(question)) {
    const terms = queryTermsOfWord(token.text, context);
    const stem = terms[0];
    if (stem === undefined || seen.has(stem)) continue;
    seen.add(stem);
    const df = terms.reduce((sum, term) => sum + library.documentFrequency(term), 0);
    words.push({ word: token.text, terms, weight: library.idfOfCount(df) });
    if (words.length >= MAX_QUERY_TERMS) break;
  }
  const weights = new Map<string, number>();
  for (const w of words) for (const term of w.terms) weights.set(term, w.weight);
  return {
    terms: words.map((w) => w.terms[0] ?? w.word),
    weights,
    searchText: words.map((w) => w.word).join(' '),
    words,
    context,
    hints: {
      answerType: answerTypeOf(question),
      questionWords: new Set(tokenize(question).map((t) => normalizeWord(t.text))),
    },
  };
}

function coverageOf(hit: Hit, query: QueryTerms, total: number): number {
  const matched = new Set(hit.matchedTerms);
  let sum = 0;
  for (const word of query.words) if (word.terms.some((t) => matched.has(t))) sum += word.weight;
  return total === 0 ? 0 : sum / total;
}

/**
 * The knobs of the reranking, chosen on the SQuAD dev tuning split (bench/tune.ts), never on
 * the figures reported.
 */
export interface RankingParams {
  readonly bm25: Bm25Params;
  /** Score multiplier is (coverageFloor + coverage)^coveragePower: soft AND for long questions. */
  readonly coverageFloor: number;
  readonly coveragePower: number;
  /** Weight of the best single sentence's share of the question (proximity). */
  readonly sentenceWeight: number;
  /** Weight of the share of the question's word pairs found as adjacent words (phrases). */
  readonly phraseWeight: number;
  /** How many BM25 candidates are reranked with sentence and phrase features. */
  readonly rerankDepth: number;
  /** Passages covering less of the question's weight than this are dropped (see MIN_COVERAGE). */
  readonly minCoverage: number;
  /** Word stems at least this long also match longer words they begin ("lab" → "laboratory"). */
  readonly prefixMinLength: number;
  /** Word stems and name keys at least this long also match with 1 edit per 5 letters. */
  readonly fuzzyMinLength: number;
}

/** The ranking used by answerQuestion. */
export const RANKING: RankingParams = {
  bm25: BM25_PARAMS,
  coverageFloor: 0.25,
  coveragePower: 1,
  sentenceWeight: 2,
  phraseWeight: 1,
  rerankDepth: 40,
  minCoverage: 0.25,
  prefixMinLength: 3,
  fuzzyMinLength: 7,
};

/**
 * Ranks passages for a question: MiniSearch's BM25 score scaled by how much of the question
 * the passage covers, how much of it one sentence holds, and how many of its word pairs occur
 * as phrases; passages under MIN_COVERAGE dropped, and further passages from the same article
 * decayed so the list stays diverse across articles.
 */
export function rankPassages(
  library: Library,
  query: QueryTerms,
  options: AnswerOptions = {},
  params: RankingParams = RANKING,
): RankedPassage[] {
  if (query.words.length === 0) return [];
  const total = query.words.reduce((sum, w) => sum + w.weight, 0);
  const candidates: RankedPassage[] = [];
  const hits = library.searchTermGroups(
    query.words.map((w) => w.terms),
    {
      ...options,
      bm25: params.bm25,
      prefix: (term) => !isNameKeyTerm(term) && term.length >= params.prefixMinLength,
      fuzzy: (term) => (term.length >= params.fuzzyMinLength ? 0.2 : false),
    },
  );
  for (const hit of hits) {
    const coverage = coverageOf(hit, query, total);
    if (coverage < params.minCoverage) continue;
    const score = hit.score * (params.coverageFloor + coverage) ** params.coveragePower;
    candidates.push({ hit, coverage, score });
    if (candidates.length >= CANDIDATE_LIMIT) break;
  }
  candidates.sort((a, b) => b.score - a.score);
  if (params.sentenceWeight > 0 || params.phraseWeight > 0) {
    const depth = Math.min(params.rerankDepth, candidates.length);
    for (let i = 0; i < depth; i++) {
      const c = candidates[i];
      if (c === undefined) continue;
      const analysis = analyzePassage(c.hit.article, c.hit.passage);
      const sentence = sentenceCoverage(analysis, query.words, total);
      const phrase = params.phraseWeight > 0 ? phraseCoverage(analysis, query.words) : 0;
      candidates[i] = {
        ...c,
        score:
          c.score * (1 + params.sentenceWeight * sentence) * (1 + params.phraseWeight * phrase),
      };
    }
    // Candidates past the rerank depth keep their order behind the reranked ones.
    const head = candidates.slice(0, depth).sort((a, b) => b.score - a.score);
    const floor = Math.min(...head.map((c) => c.score));
    const tail = candidates.slice(depth).map((c) => ({ ...c, score: Math.min(c.score, floor) }));
    candidates.splice(0, candidates.length, ...head, ...tail);
  }
  const ranked: RankedPassage[] = [];
  const perArticle = new Map<string, number>();
  const pending = [...candidates];
  while (pending.length > 0) {
    let bestIndex = 0;
    let bestScore = -Infinity;
    pending.forEach((candidate, i) => {
      const seen = perArticle.get(candidate.hit.article.id) ?? 0;
      const score = candidate.score * SAME_ARTICLE_DECAY ** seen;
      if (score > bestScore) {
        bestScore = score;
        bestIndex = i;
      }
    });
    const [chosen] = pending.splice(bestIndex, 1);
    if (chosen === undefined) break;
    const docId = chosen.hit.article.id;
    perArticle.set(docId, (perArticle.get(docId) ?? 0) + 1);
    ranked.push({ ...chosen, score: bestScore });
  }
  return ranked;
}

/** Clamps a requested limit into 1..MAX_LIMIT, DEFAULT_LIMIT when absent. */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/** Cuts the quote for each ranked passage of a page. */
export function quoteRanked(
  ranked: readonly RankedPassage[],
  query: QueryTerms,
  firstRank: number,
): QuoteResult[] {
  return ranked.map((entry, i) => {
    const { article, passage } = entry.hit;
    const picked = pickQuote(
      article.text,
      passage,
      query.weights,
      termContextOfArticle(article),
      query.hints,
      normalizeWord,
    );
    return {
      rank: firstRank + i,
      quote: article.text.slice(picked.span.start, picked.span.end),
      span: picked.span,
      highlights: picked.highlights,
      docId: article.id,
      passageId: passage.id,
      title: article.title,
      source: article.source,
      url: article.url,
      date: article.date,
      lang: article.lang,
      score: Math.round(entry.score * 1000) / 1000,
      alsoIn: [],
    };
  });
}

/**
 * Answers a question with ranked verbatim quotes, at most one per passage. An empty question,
 * one of stop words only, or one nothing in the corpus matches well enough, has no results and
 * says why in `emptyReason`.
 */
export function answerQuestion(
  library: Library,
  question: string,
  options: AnswerOptions = {},
  params: RankingParams = RANKING,
): Answer {
  const query = question.normalize('NFC').trim();
  const limit = clampLimit(options.limit);
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const empty = (reason: Answer['emptyReason'], terms: readonly string[] = []): Answer => ({
    query,
    results: [],
    hasMore: false,
    emptyReason: reason,
    terms,
  });
  if (query === '') return empty('empty-question');
  const weighed = weighQuery(library, query);
  if (weighed.terms.length === 0) return empty('only-stop-words');
  const ranked = rankPassages(library, weighed, options, params);
  const page = ranked.slice(offset, offset + limit);
  if (page.length === 0) return empty('no-match', weighed.terms);
  return {
    query,
    results: quoteRanked(page, weighed, offset + 1),
    hasMore: ranked.length > offset + limit,
    emptyReason: null,
    terms: weighed.terms,
  };
}
