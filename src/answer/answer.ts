/**
 * The answer path: a question in, ranked verbatim quotes out. Everything that answers a user
 * (console, CLI, Discord, digests) goes through `answerQuestion` or `rankPassages`.
 */
import { noteLoading } from './loading.js';
import {
  isNameKeyTerm,
  normalizeWord,
  queryTermsOfWord,
  scriptOf,
  termOf,
  type TermContext,
  termContextOfArticle,
  tokenize,
  type Token,
} from '../text/analyze.js';
import {
  analyzePassage,
  phraseCoverage,
  sentenceCoverage,
  typedSentenceCoverage,
} from './features.js';
import { BM25_PARAMS, type Bm25Params, type Hit, type Library } from '../library/library.js';
import { IndexHeap } from '../core/heap.js';
import {
  describeDay,
  describeWindow,
  isBrowsingWord,
  isNewsWord,
  parseQuestionDates,
} from '../text/dates.js';
import { cleanQuestion } from '../text/question.js';
import type {
  AlsoIn,
  Answer,
  AnswerFilters,
  AnswerOptions,
  Article,
  IsoDate,
  QuoteResult,
  Span,
} from '../core/types.js';
import {
  answerTypeOf,
  FRAGMENT_FACTOR,
  isFragment,
  isSpeechQuestionVerb,
  isUnsearchedSpeechVerb,
  pickQuote,
  type QuoteHints,
} from './pick.js';
import { correctSpelling } from './spelling.js';
import type { SimilarityReranker } from './similarity.js';
import { declinedNameKeyTerms, isCyrillicStopWord, nameKeyTermsOf } from '../text/terms.js';
import { irregularVerbForms } from '../text/verbs.js';
import { clampCount } from '../core/count.js';

/** Quotes per answer when no limit is given. */
const DEFAULT_LIMIT = 5;
/** The most quotes one answer may hold. */
export const MAX_LIMIT = 10;
/** Longer questions are cut to this many distinct terms (the first ones). */
const MAX_QUERY_TERMS = 32;
/**
 * The share of the question's weight (sum of its words' IDF) a passage must match to be listed:
 * below it a passage shares only incidental words with the question. 0.25 rather than 0.4:
 * SQuAD tuning split R@1 0.809 -> 0.813, as a passage that alone matches a key word was lost.
 */
export const MIN_COVERAGE = 0.25;
/** Each further passage from an already-ranked article has its score multiplied by this. */
export const SAME_ARTICLE_DECAY = 0.5;
/**
 * How much higher both confidence floors are for a guess: a question read past its typos, or a
 * date searched as a word. A guess must match clearly. On SQuAD tuning questions whose article
 * is absent (as in bench/floor.ts), corrections let 3.3% of them through with no floor margin,
 * and dates searched as words 5 of 2,298 (1 with the margin).
 */
const CORRECTED_FLOOR_MARGIN = 0.1;

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
interface QueryWord {
  readonly word: string;
  /** The word normalised, for exact-form matches. */
  readonly form: string;
  readonly terms: readonly string[];
  /** IDF of the word over the corpus, whichever of its terms matches. */
  readonly weight: number;
  /**
   * Searched but left out of coverage: part of a date expression ("March", "2022"), as an
   * article's date is usually in its metadata, not its words; a browsing word beside a topic
   * ("news about …"); a verb of speech in a question about what someone said.
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
  namesAnySpelling = false,
): QueryTerms {
  const context = library.queryContext(question);
  const words: QueryWord[] = [];
  const seen = new Set<string>();
  const answerType = answerTypeOf(question);
  const tokens = tokenize(question);
  const inOptional = (t: Token): boolean =>
    optional.some((s) => t.start >= s.start && t.end <= s.end);
  const ownTerms = new Map(
    tokens.map((t) => [
      t,
      isCyrillicStopWord(normalizeWord(t.text))
        ? []
        : withVerbForms(t.text, queryTermsOfWord(t.text, context)),
    ]),
  );
  const searched = tokens.filter((t) => (ownTerms.get(t) ?? []).length > 0);
  const opening = searched.length > 1 ? searched[0] : undefined;
  const keptTerms = (token: Token, terms: readonly string[]): readonly string[] => {
    const { written, bases } = declinedNameKeyTerms(token.text);
    // A capital opening a question says nothing of a name ("Генеральным секретарем …").
    // The opening word of one is not known, and may well be a name ("Зеленського").
    return bases.length > 0 &&
      (token === opening || written.some((term) => library.documentFrequency(term) > 0))
      ? terms.filter((term) => !bases.includes(term))
      : terms;
  };
  // "What did Bennett say?": the answer is a sentence reporting Bennett's words, found by the
  // answer type; "say" as a search word would rank passages using the verb itself first.
  const speechVerb = (token: Token): boolean =>
    answerType === 'speech' && isUnsearchedSpeechVerb(normalizeWord(token.text));
  const dropSpeechVerb = searched.some((t) => !speechVerb(t));
  // A Ukrainian question over Bulgarian and Russian articles: its stems ("Путін") meet none
  // of theirs ("Путин"), so its names are looked up by key in Cyrillic too. Where the
  // language has articles, the stem finds the name there, and a key would count it twice.
  const sameLanguage = library.holdsArticlesIn(context.cyrillic);
  // "Что сказал Зеленский?" over English reports: the verb is searched but not required, so
  // a report worded otherwise ("Zelensky, on his part, said …") still covers the question.
  const spokenBy = (t: Token): boolean =>
    answerType === 'speech' && isSpeechQuestionVerb(normalizeWord(t.text));
  const speechVerbOptional = searched.some((t) => !spokenBy(t) && !inOptional(t));
  for (const token of searched) {
    if (dropSpeechVerb && speechVerb(token)) continue;
    const own = ownTerms.get(token) ?? [];
    const terms = keptTerms(
      token,
      namesAnySpelling || (!sameLanguage && scriptOf(token.text) === 'cyrillic')
        ? [...new Set([...own, ...nameKeyTermsOf(token.text)])]
        : own,
    );
    const stem = terms[0];
    if (stem === undefined || seen.has(stem)) continue;
    seen.add(stem);
    const df = terms.reduce((sum, term) => sum + library.documentFrequency(term), 0);
    words.push({
      word: token.text,
      form: normalizeWord(token.text),
      terms,
      weight: library.idfOfCount(df),
      optional: inOptional(token) || (speechVerbOptional && spokenBy(token)),
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
      answerType,
      questionWords: new Set(tokenize(question).map((t) => normalizeWord(t.text))),
    },
  };
}

/** A question word's terms with those of its other forms if it is an irregular English verb. */
function withVerbForms(word: string, terms: readonly string[]): readonly string[] {
  if (terms.length === 0 || scriptOf(word) !== 'latin') return terms;
  const forms = irregularVerbForms(normalizeWord(word)).flatMap((form) => termOf(form) ?? []);
  return forms.length === 0 ? terms : [...new Set([...terms, ...forms])];
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
  /**
   * Share of the question's weight added to a sentence's (in the best-sentence feature) when
   * it holds a candidate answer of the type the question asks for: a date for "when", a
   * number for "how many", a place after "to"/"in" for "where", a name for "who". On the SQuAD
   * tuning split (--quick sample) 0 / 0.1 / 0.2 / 0.3 gave R@1 0.841 / 0.842 / 0.842 / 0.841,
   * AiQ@1 0.789 / 0.790 / 0.790 / 0.790; 0.3 is the one that puts "43 million people" first
   * for "How many people live in Ukraine?" on the bundled corpus.
   */
  readonly answerTypeWeight: number;
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
  /**
   * ...but always for terms in at most this many passages: what an expansion costs is its
   * postings, an absolute count, so a small corpus (where 0.2% is less than one passage) keeps
   * the expansions it can afford.
   */
  readonly expansionMinPassages: number;
}

/** The ranking used by answerQuestion. */
export const RANKING: RankingParams = {
  bm25: BM25_PARAMS,
  coverageFloor: 0.25,
  coveragePower: 1,
  sentenceWeight: 3,
  phraseWeight: 1,
  exactFormWeight: 1,
  answerTypeWeight: 0.3,
  rerankDepth: 40,
  minCoverage: MIN_COVERAGE,
  floorCoverage: 0.3,
  floorSentence: 0.15,
  prefixMinLength: 3,
  fuzzyMinLength: 7,
  expansionMaxShare: 0.002,
  expansionMinPassages: 50,
};

/**
 * Which query terms a search expands, and how: prefix matches for stems of
 * `prefixMinLength`+ letters, 1 edit per 5 letters for terms of `fuzzyMinLength`+, both only
 * for rare terms (see `expansionMaxShare`); name keys never by prefix.
 */
export function expansionRules(
  documentFrequency: (term: string) => number,
  passageCount: number,
  params: RankingParams = RANKING,
): { prefix: (term: string) => boolean; fuzzy: (term: string) => number | false } {
  const commonDf = Math.max(params.expansionMaxShare * passageCount, params.expansionMinPassages);
  const rare = (term: string): boolean => documentFrequency(term) <= commonDf;
  return {
    prefix: (term) => !isNameKeyTerm(term) && term.length >= params.prefixMinLength && rare(term),
    fuzzy: (term) => (term.length >= params.fuzzyMinLength && rare(term) ? 0.2 : false),
  };
}

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
  const hits = await library.searchTermGroups(
    query.words.map((w) => w.terms),
    {
      ...options,
      limit: candidateLimit,
      bm25: params.bm25,
      ...expansionRules((term) => library.documentFrequency(term), library.passageCount, params),
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
        params.exactFormWeight > 0 || params.answerTypeWeight > 0
          ? typedSentenceCoverage(
              analysis,
              required,
              total,
              params.exactFormWeight,
              query.hints,
              params.answerTypeWeight,
            )
          : sentence;
      const phrase = params.phraseWeight > 0 ? phraseCoverage(analysis, query.words) : 0;
      const fragment = isFragment(c.hit.article.text, c.hit.passage) ? FRAGMENT_FACTOR : 1;
      candidates[i] = {
        ...c,
        sentenceCoverage: sentence,
        score:
          c.score *
          (1 + params.sentenceWeight * ranked) *
          (1 + params.phraseWeight * phrase) *
          fragment,
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
  return clampCount(limit, DEFAULT_LIMIT, MAX_LIMIT);
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
function collapseWireCopy(
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
const MIN_WIRE_COPY_WORDS = 8;

/** How many days after a date named in a question its reports may be published. */
const REPORT_LAG_DAYS = 3;

function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(a: IsoDate, b: IsoDate): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

/** Days from a date to a window (0 inside it); undated articles are the farthest. */
function distanceToWindow(date: IsoDate | null, since: IsoDate, until: IsoDate): number {
  if (date === null) return Infinity;
  if (date < since) return daysBetween(date, since);
  if (date > until) return daysBetween(until, date);
  return 0;
}

/** A window with the days its reports may follow it. */
interface DateWindow {
  readonly since: IsoDate;
  readonly until: IsoDate;
}

/**
 * Newest first by article: each article's best passage in order of publication, newest first,
 * then the rest in their ranked order. "Latest news about Putin" should open with the newest
 * article that matches, not the best-scoring old one.
 */
function newestFirst(ranked: readonly RankedPassage[]): RankedPassage[] {
  const leads: RankedPassage[] = [];
  const rest: RankedPassage[] = [];
  const seen = new Set<string>();
  for (const r of ranked) {
    if (seen.has(r.hit.article.id)) rest.push(r);
    else {
      seen.add(r.hit.article.id);
      leads.push(r);
    }
  }
  const dateOf = (r: RankedPassage): string => r.hit.article.date ?? '';
  leads.sort((a, b) => (dateOf(a) < dateOf(b) ? 1 : dateOf(a) > dateOf(b) ? -1 : 0));
  return [...leads, ...rest];
}

/**
 * What a question's dates do to a ranking. A named day, month or year keeps the articles
 * published in it (or up to REPORT_LAG_DAYS after); when none of the ranked ones is, the
 * ranking is ordered by closeness to it instead, and a notice says so. "Latest" puts the
 * newest articles first.
 */
function applyQuestionDates(
  ranked: readonly RankedPassage[],
  window: DateWindow | null,
  recent: boolean,
): { ranked: RankedPassage[]; notices: string[] } {
  let result = [...ranked];
  const notices: string[] = [];
  if (window !== null) {
    const to = addDays(window.until, REPORT_LAG_DAYS);
    const inWindow = result.filter(
      (r) => distanceToWindow(r.hit.article.date, window.since, to) === 0,
    );
    if (inWindow.length > 0) result = inWindow;
    else {
      result = result
        .map((r, i) => ({ r, i, d: distanceToWindow(r.hit.article.date, window.since, to) }))
        .sort((a, b) => a.d - b.d || a.i - b.i)
        .map((x) => x.r);
      const closest = result[0]?.hit.article.date;
      notices.push(
        closest === undefined || closest === null
          ? `Nothing from ${describeWindow(window.since, window.until)} matches.`
          : `Nothing from ${describeWindow(window.since, window.until)} matches; the closest is from ${describeDay(closest)}.`,
      );
    }
  }
  if (recent) result = newestFirst(result);
  return { ranked: result, notices };
}

/** `text` with the given spans blanked out by spaces, so offsets into it stay valid. */
function without(text: string, spans: readonly Span[]): string {
  let out = text;
  for (const span of spans)
    out = out.slice(0, span.start) + ' '.repeat(span.end - span.start) + out.slice(span.end);
  return out;
}

/**
 * Spans of the words that ask for no topic: beside a date, "what happened", "news", "reports";
 * without one, only "news" ("новости о Зеленском"), as "report" or "events" may be the topic.
 */
function browsingSpans(question: string, dated: boolean): Span[] {
  return tokenize(question)
    .filter((t) => (dated ? isBrowsingWord : isNewsWord)(t.text.toLowerCase()))
    .map((t) => ({ start: t.start, end: t.end }));
}

/**
 * Whether any article was published in the window a question's dates name (or up to
 * REPORT_LAG_DAYS after), read against the library's newest date as browsing reads it. Reads
 * every article's date (a few milliseconds at 100,000 articles), only for questions naming one.
 */
function publishedInQuestionWindow(library: Library, question: string): boolean {
  const reference = newestDate(library);
  if (reference === null) return false;
  const dates = parseQuestionDates(question, reference);
  if (dates.since === null || dates.until === null) return true;
  const to = addDays(dates.until, REPORT_LAG_DAYS);
  for (const article of library.articles())
    if (distanceToWindow(article.date, dates.since, to) === 0) return true;
  return false;
}

/** The newest publication date in the library, for dates named without a year. */
function newestDate(library: Library): IsoDate | null {
  let newest: IsoDate | null = null;
  for (const article of library.articles())
    if (article.date !== null && (newest === null || article.date > newest)) newest = article.date;
  return newest;
}

/**
 * The passages of articles published in a window (or, for "latest", the newest), for a
 * question that names only a time: each article's opening passages, articles in order of
 * publication (newest first for "latest"), first passages before second ones. When nothing
 * was published in the window, the articles closest to it are given with a notice. Reads
 * every article's date: this path does not go through the index.
 */
function browseByDate(
  library: Library,
  window: DateWindow | null,
  recent: boolean,
  filters: AnswerFilters,
): { ranked: RankedPassage[]; notices: string[] } {
  const dated = [...library.articles()].filter(
    (a) => a.date !== null && articleMatches(a, filters),
  );
  const notices: string[] = [];
  let chosen: Article[];
  if (window !== null) {
    const to = addDays(window.until, REPORT_LAG_DAYS);
    const distance = (a: Article): number => distanceToWindow(a.date, window.since, to);
    chosen = dated.filter((a) => distance(a) === 0);
    if (chosen.length === 0) {
      const nearest = Math.min(...dated.map(distance));
      chosen = dated.filter((a) => distance(a) === nearest);
      const closest = chosen[0]?.date;
      notices.push(
        closest === undefined || closest === null
          ? `Nothing was published ${describeWindow(window.since, window.until)}.`
          : `Nothing was published ${describeWindow(window.since, window.until)}; the closest is from ${describeDay(closest)}.`,
      );
    }
  } else chosen = dated;
  chosen.sort((a, b) => {
    const order = (a.date ?? '') < (b.date ?? '') ? -1 : (a.date ?? '') > (b.date ?? '') ? 1 : 0;
    return recent || window === null ? -order : order;
  });
  const ranked: RankedPassage[] = [];
  const passages = chosen.map((a) => library.passagesOf(a.id));
  const longest = Math.max(0, ...passages.map((p) => p.length));
  for (let round = 0; round < longest && ranked.length < CANDIDATE_LIMIT; round++)
    chosen.forEach((article, i) => {
      const passage = passages[i]?.[round];
      if (passage === undefined) return;
      const score = 1 / (1 + round);
      ranked.push({
        hit: { passage, article, score, matchedTerms: [] },
        score,
        coverage: 1,
        sentenceCoverage: 1,
      });
    });
  return { ranked, notices };
}

/**
 * Says why a filter given with the question (`source`, `lang`, `since`/`until`) leaves nothing
 * to search, naming what there is instead; null when articles pass it. Reads every article:
 * asked only once an answer came back empty.
 */
function filterNotice(library: Library, filters: AnswerFilters): string | null {
  const articles = [...library.articles()];
  const list = (values: Iterable<string>): string => {
    const all = [...new Set(values)].sort();
    return all.length > MAX_LISTED ? `${all.slice(0, MAX_LISTED).join(', ')}, …` : all.join(', ');
  };
  if (filters.source !== undefined && filters.source.trim() !== '') {
    const wanted = filters.source.trim();
    if (!articles.some((a) => articleMatches(a, { source: wanted })))
      return `No outlet matches '${wanted}' (outlets: ${list(articles.map((a) => a.source ?? 'Unknown source'))}).`;
  }
  if (filters.lang !== undefined) {
    const wanted = filters.lang.trim();
    if (!articles.some((a) => articleMatches(a, { lang: wanted })))
      return `No articles in language '${wanted}' (languages: ${list(articles.map((a) => a.lang))}).`;
  }
  if (filters.since !== undefined || filters.until !== undefined) {
    const range = describeWindow(filters.since ?? '0001-01-01', filters.until ?? '9999-12-31');
    const dates = articles.flatMap((a) => (a.date === null ? [] : [a.date])).sort();
    if (!articles.some((a) => articleMatches(a, filters)))
      return dates.length === 0
        ? `No article has a date, so none is ${range}.`
        : `Nothing in the corpus is dated ${range} (its articles run from ${describeDay(dates[0] ?? '')} to ${describeDay(dates[dates.length - 1] ?? '')}).`;
    return `Nothing dated ${range} matches that question.`;
  }
  return null;
}

/**
 * Whether an article passes the filters as the index applies them: dates inclusive (undated
 * articles fail any date bound), language exactly, outlet by a case-insensitive part of its name.
 */
function articleMatches(article: Article, filters: AnswerFilters): boolean {
  if (filters.since !== undefined && (article.date === null || article.date < filters.since))
    return false;
  if (filters.until !== undefined && (article.date === null || article.date > filters.until))
    return false;
  if (filters.lang !== undefined && article.lang !== filters.lang.trim().toLowerCase())
    return false;
  const source = filters.source?.trim().toLowerCase();
  return !source || (article.source ?? '').toLowerCase().includes(source);
}

/** Outlets or languages named in a notice before "…". */
const MAX_LISTED = 12;

/** The question read as a person reads it: its words, dates and wish for the latest. */
interface ReadQuestion {
  /** Without links, mentions, markdown, emoji. */
  readonly cleaned: string;
  /** Date and recency words. */
  readonly dateSpans: readonly Span[];
  /** Date, recency and browsing words, which select articles rather than words. */
  readonly timeSpans: readonly Span[];
  readonly recentSpans: readonly Span[];
  readonly hasDate: boolean;
  readonly recent: boolean;
}

function readQuestion(question: string): ReadQuestion {
  const cleaned = cleanQuestion(question);
  const dates = parseQuestionDates(cleaned, '2000-01-01');
  const hasDate = dates.since !== null || dates.spans.length > dates.recentSpans.length;
  return {
    cleaned,
    dateSpans: dates.spans,
    timeSpans: [...dates.spans, ...browsingSpans(cleaned, hasDate || dates.recent)],
    recentSpans: dates.recentSpans,
    hasDate,
    recent: dates.recent,
  };
}

/**
 * Answers a question with ranked verbatim quotes, at most one per passage, wire copy folded
 * into `alsoIn`. Links, mentions, markdown and emoji in the question are not searched. Dates
 * in the question ("in February 2022", "през октомври 2023") narrow the ranking to what was
 * published then, "latest" / "последни" / "последние" / "останні" put the newest first, and a
 * question that is only a date or "latest" lists what was published then. What matched
 * nothing — a date, a filter, a page past the end — is said in `notices`. An empty question,
 * one of stop words only, or one whose best match falls under the confidence floor, has no
 * results and says why in `emptyReason`. A Library still loading its snapshot answers from the
 * segments in place, and the first notice says how many. With a `reranker`, the first passages
 * of an English question are reordered by meaning (see similarity.ts).
 */
export async function answerQuestion(
  library: Library,
  question: string,
  options: AnswerOptions = {},
  params: RankingParams = RANKING,
  reranker: SimilarityReranker | null = null,
): Promise<Answer> {
  return noteLoading(library, await answerFromIndex(library, question, options, params, reranker));
}

/** `answerQuestion` over what the index holds now. */
async function answerFromIndex(
  library: Library,
  question: string,
  options: AnswerOptions,
  params: RankingParams,
  reranker: SimilarityReranker | null,
): Promise<Answer> {
  const query = question.normalize('NFC').trim();
  const limit = clampLimit(options.limit);
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const empty = (
    reason: Answer['emptyReason'],
    terms: readonly string[] = [],
    notices: readonly string[] = [],
  ): Answer => ({
    query,
    results: [],
    hasMore: false,
    emptyReason: reason,
    terms,
    ...(notices.length > 0 ? { notices } : {}),
  });
  if (query === '') return empty('empty-question');
  const read = readQuestion(query);
  const searched = without(read.cleaned, read.recentSpans);
  let weighed = weighQuery(library, searched, read.timeSpans);
  // Without a date, browsing words alone ("reports", "news") are what is asked about.
  if (!read.hasDate && !read.recent && !weighed.words.some((w) => !w.optional))
    weighed = weighQuery(library, searched, read.dateSpans);
  const topical = weighed.words.some((w) => !w.optional);
  const confident = (ranking: readonly RankedPassage[], margin = 0): boolean => {
    const top = ranking[0];
    return (
      top !== undefined &&
      top.coverage >= params.floorCoverage + margin &&
      top.sentenceCoverage >= params.floorSentence + margin
    );
  };
  // "Which directive was adopted in 1994?" or "What happened in 1994?" over news of 2022:
  // nothing was published then, so the date may be about what the articles say. It is searched
  // like any word first, and kept as one when that clears the floors by the margin a corrected
  // word must (else a year alone lets questions about absent topics through); otherwise it is
  // a date of publication that matched nothing.
  let dateWordRanking: RankedPassage[] | null = null;
  if (read.hasDate && !publishedInQuestionWindow(library, read.cleaned)) {
    const withDate = weighQuery(
      library,
      searched,
      read.timeSpans.filter((span) => !read.dateSpans.includes(span)),
    );
    const ranking = withDate.words.some((w) => !w.optional)
      ? await rankPassages(library, withDate, options, params)
      : [];
    if (confident(ranking, CORRECTED_FLOOR_MARGIN)) {
      dateWordRanking = ranking;
      weighed = withDate;
    }
  }
  let ranked: RankedPassage[];
  const notices: string[] = [];
  if (dateWordRanking === null && !topical && (read.hasDate || read.recent)) {
    const reference = newestDate(library) ?? new Date().toISOString().slice(0, 10);
    const dates = parseQuestionDates(read.cleaned, reference);
    const window =
      dates.since !== null && dates.until !== null
        ? { since: dates.since, until: dates.until }
        : null;
    const browsed = browseByDate(library, window, read.recent, options);
    ranked = browsed.ranked;
    notices.push(...browsed.notices);
  } else {
    // A question of recency words only ("latest") still searches them.
    if (weighed.terms.length === 0) weighed = weighQuery(library, read.cleaned);
    if (weighed.terms.length === 0) return empty('only-stop-words');
    let found = dateWordRanking ?? (await rankPassages(library, weighed, options, params));
    if (!confident(found)) {
      // Nothing matches as typed: read unknown words as the nearest corpus words and names
      // in any spelling ("Putn", "Benet", "Нетаньяху"), and say so.
      const spelling = correctSpelling(library, searched, weighed.context);
      const named = spelling.corrections.filter(
        (c) =>
          normalizeWord(c.read) !== normalizeWord(c.typed) && queryTermsOfWord(c.read).length > 0,
      );
      const retried = weighQuery(library, spelling.text, read.timeSpans, true);
      const again =
        retried.terms.length === 0 ? [] : await rankPassages(library, retried, options, params);
      const guess =
        named.length === 0 ? '' : named.map((c) => `"${c.typed}" as "${c.read}"`).join(', ');
      if (!confident(again, CORRECTED_FLOOR_MARGIN)) {
        const said = filterNotice(library, options);
        const notices = [
          ...(guess === ''
            ? []
            : [`Nothing matches; did you mean ${named.map((c) => c.read).join(' ')}?`]),
          ...(said === null ? [] : [said]),
        ];
        return empty('no-match', weighed.terms, notices);
      }
      found = again;
      weighed = retried;
      if (guess !== '') notices.push(`Read ${guess}.`);
    }
    if (reranker !== null) found = await reranker.rerank(read.cleaned, found);
    let reference: IsoDate | null = null;
    for (const r of found) {
      const date = r.hit.article.date;
      if (date !== null && (reference === null || date > reference)) reference = date;
    }
    const dates = parseQuestionDates(read.cleaned, reference ?? '2000-01-01');
    const window =
      dates.since !== null && dates.until !== null && dateWordRanking === null
        ? { since: dates.since, until: dates.until }
        : null;
    const dated = applyQuestionDates(found, reference === null ? null : window, read.recent);
    ranked = dated.ranked;
    notices.push(...dated.notices);
  }
  const collapsed = collapseWireCopy(ranked, weighed, offset + limit + 1);
  const page = collapsed
    .slice(offset, offset + limit)
    .map((r, i) => ({ ...r, rank: offset + i + 1 }));
  if (page.length === 0) {
    if (offset > 0 && collapsed.length > 0)
      return empty('no-match', weighed.terms, [
        `No more results: all ${collapsed.length} were shown.`,
      ]);
    const said = filterNotice(library, options);
    return empty('no-match', weighed.terms, said === null ? notices : [...notices, said]);
  }
  return {
    query,
    results: page,
    hasMore: collapsed.length > offset + limit,
    emptyReason: null,
    terms: weighed.terms,
    ...(notices.length > 0 ? { notices } : {}),
  };
}
