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
  type Token,
} from '../text/analyze.js';
import { analyzePassage, phraseCoverage, sentenceCoverage } from './features.js';
import { BM25_PARAMS, type Bm25Params, type Hit, type Library } from '../library/library.js';
import { IndexHeap } from '../core/heap.js';
import { parseQuestionDates } from '../text/dates.js';
import type { AlsoIn, Answer, AnswerOptions, IsoDate, QuoteResult, Span } from '../core/types.js';
import { answerTypeOf, pickQuote, type QuoteHints } from './pick.js';

/** Quotes per answer when no limit is given. */
export const DEFAULT_LIMIT = 5;
/** The most quotes one answer may hold. */
export const MAX_LIMIT = 10;
/** Longer questions are cut to this many distinct terms (the first ones). */
export const MAX_QUERY_TERMS = 32;
/**
 * The share of the question's weight (sum of its words' IDF) a passage must match to be listed:
 * below it a passage shares only incidental words with the question. 0.25 rather than 0.4:
 * SQuAD tuning split R@1 0.809 -> 0.813, as a passage that alone matches a key word was lost.
 */
export const MIN_COVERAGE = 0.25;
/** Each further passage from an already-ranked article has its score multiplied by this. */
export const SAME_ARTICLE_DECAY = 0.5;
/** How many hits are considered for re-ranking. */
export const CANDIDATE_LIMIT = 200;

/** A passage in the final ranking, before its quote is cut. */
export interface RankedPassage {
  readonly hit: Hit;
  readonly score: number;
  /** Share of the question's weight (IDF) the passage matches, 0..1. */
  readonly coverage: number;
  /** Share of the question's weight inside the passage's best sentence, 0..1 (0 past the rerank depth). */
  readonly sentenceCoverage: number;
}

/** One question word: its alternative query terms (stem, cross-script name key) and weight. */
export interface QueryWord {
  readonly word: string;
  /** The word normalised, for exact-form matches. */
  readonly form: string;
  readonly terms: readonly string[];
  /** IDF of the word over the corpus, whichever of its terms matches. */
  readonly weight: number;
  /**
   * Part of a date expression ("March", "2022"): searched, as the text may say it too, but left
   * out of coverage, since an article's date is usually in its metadata, not its words.
   */
  readonly optional: boolean;
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
export function weighQuery(
  library: Library,
  question: string,
  optional: readonly Span[] = [],
): QueryTerms {
  const context = library.queryContext(question);
  const words: QueryWord[] = [];
  const seen = new Set<string>();
  const tokens = tokenize(question);
  const inOptional = (t: Token): boolean =>
    optional.some((s) => t.start >= s.start && t.end <= s.end);
  // A question made only of date words keeps them all as required.
  const allOptional = tokens.every(
    (t) => inOptional(t) || queryTermsOfWord(t.text, context).length === 0,
  );
  for (const token of tokens) {
    const terms = queryTermsOfWord(token.text, context);
    const stem = terms[0];
    if (stem === undefined || seen.has(stem)) continue;
    seen.add(stem);
    const df = terms.reduce((sum, term) => sum + library.documentFrequency(term), 0);
    words.push({
      word: token.text,
      form: normalizeWord(token.text),
      terms,
      weight: library.idfOfCount(df),
      optional: !allOptional && inOptional(token),
    });
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
  for (const word of query.words)
    if (!word.optional && word.terms.some((t) => matched.has(t))) sum += word.weight;
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
  /** Extra weight in the best-sentence share for a word written exactly as in the question. */
  readonly exactFormWeight: number;
  /** How many BM25 candidates are reranked with sentence and phrase features. */
  readonly rerankDepth: number;
  /** Passages covering less of the question's weight than this are not listed (MIN_COVERAGE). */
  readonly minCoverage: number;
  /**
   * The confidence floor: an answer whose best passage covers less of the question's weight
   * than `floorCoverage`, or whose best sentence less than `floorSentence`, is "no good match".
   * Chosen with bench/floor.ts: on SQuAD questions whose article is absent from the corpus it
   * leaves 35% without results at a cost of 0.1% of correct first answers (0.35/0.20 would
   * leave 52% but cost 0.5%, and more on translated questions).
   */
  readonly floorCoverage: number;
  readonly floorSentence: number;
  /** Word stems at least this long also match longer words they begin ("lab" → "laboratory"). */
  readonly prefixMinLength: number;
  /** Word stems and name keys at least this long also match with 1 edit per 5 letters. */
  readonly fuzzyMinLength: number;
  /**
   * Prefix and fuzzy expansions only for terms in at most this share of the passages: a common
   * term matches plenty as written, and its expansions' postings were most of a search's time.
   * SQuAD tuning split (bench/tune.ts): always R@1 0.817 AiQ 0.766, 0.002 R@1 0.815 AiQ 0.765
   * in a third of the time; no expansions at all R@1 0.809.
   */
  readonly expansionMaxShare: number;
}

/** The ranking used by answerQuestion. */
export const RANKING: RankingParams = {
  bm25: BM25_PARAMS,
  coverageFloor: 0.25,
  coveragePower: 1,
  sentenceWeight: 3,
  phraseWeight: 1,
  exactFormWeight: 1,
  rerankDepth: 40,
  minCoverage: MIN_COVERAGE,
  floorCoverage: 0.3,
  floorSentence: 0.15,
  prefixMinLength: 3,
  fuzzyMinLength: 7,
  expansionMaxShare: 0.002,
};

/**
 * Ranks passages for a question: the BM25 score (MiniSearch's formula) scaled by how much of the question
 * the passage covers, how much of it one sentence holds, and how many of its word pairs occur
 * as phrases; passages under MIN_COVERAGE dropped, and further passages from the same article
 * decayed so the list stays diverse across articles. At most `candidateLimit` passages are
 * ranked (the best by BM25 and coverage); counting callers such as /trend pass a larger one.
 */
export async function rankPassages(
  library: Library,
  query: QueryTerms,
  options: AnswerOptions = {},
  params: RankingParams = RANKING,
  candidateLimit: number = CANDIDATE_LIMIT,
): Promise<RankedPassage[]> {
  if (query.words.length === 0) return [];
  const required = query.words.filter((w) => !w.optional);
  const total = required.reduce((sum, w) => sum + w.weight, 0);
  const candidates: RankedPassage[] = [];
  const commonDf = params.expansionMaxShare * library.passageCount;
  const rare = (term: string): boolean => library.documentFrequency(term) <= commonDf;
  const hits = await library.searchTermGroups(
    query.words.map((w) => w.terms),
    {
      ...options,
      limit: candidateLimit,
      bm25: params.bm25,
      prefix: (term) => !isNameKeyTerm(term) && term.length >= params.prefixMinLength && rare(term),
      fuzzy: (term) => (term.length >= params.fuzzyMinLength && rare(term) ? 0.2 : false),
      // The coverage floor below (optional words weigh nothing), applied inside the index so it
      // orders only passing hits.
      coverage: {
        weights: query.words.map((w) => (w.optional ? 0 : w.weight)),
        total,
        min: params.minCoverage,
      },
    },
  );
  for (const hit of hits) {
    const coverage = coverageOf(hit, query, total);
    if (coverage < params.minCoverage) continue;
    const score = hit.score * (params.coverageFloor + coverage) ** params.coveragePower;
    candidates.push({ hit, coverage, score, sentenceCoverage: 0 });
    if (candidates.length >= candidateLimit) break;
  }
  candidates.sort((a, b) => b.score - a.score);
  if (candidates.length > 0) {
    const depth = Math.min(params.rerankDepth, candidates.length);
    for (let i = 0; i < depth; i++) {
      const c = candidates[i];
      if (c === undefined) continue;
      const analysis = analyzePassage(c.hit.article, c.hit.passage);
      const sentence = sentenceCoverage(analysis, required, total);
      const ranked =
        params.exactFormWeight > 0
          ? sentenceCoverage(analysis, required, total, params.exactFormWeight)
          : sentence;
      const phrase = params.phraseWeight > 0 ? phraseCoverage(analysis, query.words) : 0;
      candidates[i] = {
        ...c,
        sentenceCoverage: sentence,
        score: c.score * (1 + params.sentenceWeight * ranked) * (1 + params.phraseWeight * phrase),
      };
    }
    // Candidates past the rerank depth keep their order behind the reranked ones.
    const head = candidates.slice(0, depth).sort((a, b) => b.score - a.score);
    const floor = Math.min(...head.map((c) => c.score));
    const tail = candidates.slice(depth).map((c) => ({ ...c, score: Math.min(c.score, floor) }));
    candidates.splice(0, candidates.length, ...head, ...tail);
  }
  return diversify(candidates);
}

/**
 * Orders candidates (given best first) so that each further passage of an already-listed
 * article has its score multiplied by SAME_ARTICLE_DECAY once per passage listed before it;
 * ties keep the given order. Each article's candidates stay in the given order, so only the
 * next one of each article competes: a heap of those, O(n log n).
 */
export function diversify(candidates: readonly RankedPassage[]): RankedPassage[] {
  const next = new Int32Array(candidates.length).fill(-1);
  const heads: number[] = [];
  const lastOf = new Map<string, number>();
  candidates.forEach((candidate, i) => {
    const id = candidate.hit.article.id;
    const last = lastOf.get(id);
    if (last === undefined) heads.push(i);
    else next[last] = i;
    lastOf.set(id, i);
  });
  const keys = new Float64Array(candidates.length);
  for (const i of heads) keys[i] = candidates[i]!.score;
  const before = (a: number, b: number): boolean =>
    keys[a]! > keys[b]! || (keys[a] === keys[b] && a < b);
  const heap = new IndexHeap(candidates.length, before);
  for (const i of heads) heap.push(i);
  const ranked: RankedPassage[] = [];
  const seen = new Map<string, number>();
  for (let i = heap.pop(); i >= 0; i = heap.pop()) {
    const chosen = candidates[i]!;
    const id = chosen.hit.article.id;
    const listed = (seen.get(id) ?? 0) + 1;
    seen.set(id, listed);
    ranked.push({ ...chosen, score: keys[i]! });
    const following = next[i]!;
    if (following >= 0) {
      keys[following] = candidates[following]!.score * SAME_ARTICLE_DECAY ** listed;
      heap.push(following);
    }
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

/** The text that identifies a quote across outlets: words only, lowercase, in order. */
export function wireCopyKey(quote: string): string {
  return tokenize(quote.normalize('NFKC'))
    .map((t) => t.text.toLowerCase())
    .join(' ');
}

/**
 * Quotes ranked passages in order and folds wire copy: a quote whose words are those of an
 * earlier result's quote (or contained in it, or containing it) from another article becomes
 * an `alsoIn` entry of that result. Stops once `wanted` distinct results are found.
 */
export function collapseWireCopy(
  ranked: readonly RankedPassage[],
  query: QueryTerms,
  wanted: number,
): QuoteResult[] {
  const results: { result: QuoteResult; key: string; also: AlsoIn[]; docs: Set<string> }[] = [];
  for (const entry of ranked) {
    if (results.length >= wanted) break;
    const [quoted] = quoteRanked([entry], query, results.length + 1);
    if (quoted === undefined) continue;
    const key = wireCopyKey(quoted.quote);
    const same =
      key.split(' ').length >= MIN_WIRE_COPY_WORDS
        ? results.find((r) => r.key === key || r.key.includes(key) || key.includes(r.key))
        : undefined;
    if (same === undefined) {
      results.push({ result: quoted, key, also: [], docs: new Set([quoted.docId]) });
    } else if (!same.docs.has(quoted.docId)) {
      same.docs.add(quoted.docId);
      same.also.push({
        docId: quoted.docId,
        source: quoted.source,
        url: quoted.url,
        date: quoted.date,
      });
    }
  }
  return results.map((r) => ({ ...r.result, alsoIn: r.also }));
}

/** Quotes shorter than this many words are not folded as wire copy (too likely by chance). */
export const MIN_WIRE_COPY_WORDS = 8;

/** How many days after a date named in a question its reports may be published. */
export const REPORT_LAG_DAYS = 3;

/** Half-life, in days, of the preference for recent articles when a question asks for the latest. */
export const RECENCY_HALF_LIFE_DAYS = 30;

function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(a: IsoDate, b: IsoDate): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

/**
 * Applies what a question says about time to a ranking: a named day, month or year narrows
 * the ranking to articles published in it (or up to REPORT_LAG_DAYS after) when any are
 * ranked, and leaves it alone otherwise; "latest"/"последни" weighs scores by recency relative
 * to the newest ranked article. The reference date for yearless days is that newest date.
 */
export function applyQuestionDates(
  question: string,
  ranked: readonly RankedPassage[],
): RankedPassage[] {
  let newest: IsoDate | null = null;
  for (const r of ranked) {
    const date = r.hit.article.date;
    if (date !== null && (newest === null || date > newest)) newest = date;
  }
  if (newest === null) return [...ranked];
  const dates = parseQuestionDates(question, newest);
  let result = [...ranked];
  if (dates.since !== null && dates.until !== null) {
    const from = dates.since;
    const to = addDays(dates.until, REPORT_LAG_DAYS);
    const inWindow = result.filter(
      (r) => r.hit.article.date !== null && r.hit.article.date >= from && r.hit.article.date <= to,
    );
    if (inWindow.length > 0) result = inWindow;
  }
  if (dates.recent) {
    const latest = newest;
    result = result
      .map((r) => {
        const date = r.hit.article.date;
        const factor =
          date === null
            ? 0.5
            : 0.5 + 0.5 * 0.5 ** (daysBetween(date, latest) / RECENCY_HALF_LIFE_DAYS);
        return { ...r, score: r.score * factor };
      })
      .sort((a, b) => b.score - a.score);
  }
  return result;
}

/**
 * The question without its recency words ("latest", "последни"), which select articles rather
 * than words. Dates stay: "1990" or "March" in an article's text is evidence too (removing
 * them cost 0.007 R@1 on the SQuAD tuning split).
 */
function withoutRecencyWords(question: string): string {
  const { recentSpans: spans } = parseQuestionDates(question, '2000-01-01');
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += `${question.slice(at, span.start)} `;
    at = span.end;
  }
  return out + question.slice(at);
}

/**
 * Answers a question with ranked verbatim quotes, at most one per passage, wire copy folded
 * into `alsoIn`. Dates in the question ("in February 2022", "през октомври 2023", "latest")
 * narrow or reorder the ranking. An empty question, one of stop words only, or one whose best
 * match falls under the confidence floor, has no results and says why in `emptyReason`.
 */
export async function answerQuestion(
  library: Library,
  question: string,
  options: AnswerOptions = {},
  params: RankingParams = RANKING,
): Promise<Answer> {
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
  const searched = withoutRecencyWords(query);
  const dateSpans = parseQuestionDates(searched, '2000-01-01').spans;
  let weighed = weighQuery(library, searched, dateSpans);
  // A question of recency words only ("latest") still searches them.
  if (weighed.terms.length === 0) weighed = weighQuery(library, query);
  if (weighed.terms.length === 0) return empty('only-stop-words');
  const ranked = await rankPassages(library, weighed, options, params);
  const top = ranked[0];
  if (
    top === undefined ||
    top.coverage < params.floorCoverage ||
    top.sentenceCoverage < params.floorSentence
  )
    return empty('no-match', weighed.terms);
  const dated = applyQuestionDates(query, ranked);
  const collapsed = collapseWireCopy(dated, weighed, offset + limit + 1);
  const page = collapsed
    .slice(offset, offset + limit)
    .map((r, i) => ({ ...r, rank: offset + i + 1 }));
  if (page.length === 0) return empty('no-match', weighed.terms);
  return {
    query,
    results: page,
    hasMore: collapsed.length > offset + limit,
    emptyReason: null,
    terms: weighed.terms,
  };
}
