/**
 * The shared vocabulary of Verbatim's core: what an article, a passage and a quote are.
 * Every offset is a UTF-16 code-unit index into the article's cleaned `text`, so that
 * `article.text.slice(start, end)` is always the exact, verbatim string shown to a user.
 */

/** An ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** One article of the corpus after cleaning; `text` is what is stored and quoted. */
export interface Article {
  /** Stable id: front-matter `id`, record `id`, else derived from the file path. */
  readonly id: string;
  readonly title: string | null;
  /** The outlet, e.g. "Sputnik". */
  readonly source: string | null;
  readonly url: string | null;
  /** Publication day; null when unknown (shown as "undated"). */
  readonly date: IsoDate | null;
  /** ISO 639-1 code such as "en" or "bg"; detected from the text's script when not given. */
  readonly lang: string;
  /** Cleaned text (NFC, link lines dropped, whitespace normalised); paragraphs split by "\n\n". */
  readonly text: string;
  /** Where it came from, for warnings: corpus-relative path and 1-based line (JSONL). */
  readonly origin: ArticleOrigin;
}

/** The file (corpus-relative) and line an article was read from. */
interface ArticleOrigin {
  readonly file: string;
  readonly line: number;
}

/** A span of an article that is indexed and ranked as one unit: a paragraph or part of one. */
export interface Passage {
  /** `${docId}#${ordinal}`. */
  readonly id: string;
  readonly docId: string;
  /** 0-based position of the passage in its article. */
  readonly ordinal: number;
  readonly start: number;
  readonly end: number;
}

/** A [start, end) range of code units. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Filters shared by /ask, /search and digests. */
export interface AnswerFilters {
  /** Inclusive lower bound on the publication date; undated articles are excluded when set. */
  readonly since?: IsoDate;
  /** Inclusive upper bound on the publication date; undated articles are excluded when set. */
  readonly until?: IsoDate;
  /** Case-insensitive outlet name; matches when the outlet contains it. */
  readonly source?: string;
  /** Language code, e.g. "bg". */
  readonly lang?: string;
}

/** How many results to return and from where: `offset` pages through a longer ranking. */
export interface AnswerOptions extends AnswerFilters {
  /** Number of quotes, default 5, at most 10. */
  readonly limit?: number;
  /** Results to skip (for "More"), default 0. */
  readonly offset?: number;
}

/** One ranked, verbatim quote with everything needed to attribute it. */
export interface QuoteResult {
  /** 1-based rank in the whole ranking (offset included). */
  readonly rank: number;
  /** Exactly `article.text.slice(span.start, span.end)`. */
  readonly quote: string;
  readonly span: Span;
  /** Ranges of `quote` (relative to its start) whose words matched the question. */
  readonly highlights: readonly Span[];
  readonly docId: string;
  readonly passageId: string;
  readonly title: string | null;
  readonly source: string | null;
  readonly url: string | null;
  readonly date: IsoDate | null;
  readonly lang: string;
  readonly score: number;
  /** Other articles carrying the same sentence (wire copy), best first. */
  readonly alsoIn: readonly AlsoIn[];
}

/** Another outlet that carried the same quote. */
export interface AlsoIn {
  readonly docId: string;
  readonly source: string | null;
  readonly url: string | null;
  readonly date: IsoDate | null;
}

/** Why an answer has no results, when it has none. */
export type EmptyReason = 'empty-question' | 'only-stop-words' | 'no-match';

/** The ranked quotes for one question. */
export interface Answer {
  readonly query: string;
  readonly results: readonly QuoteResult[];
  /** Whether results exist beyond `offset + results.length`. */
  readonly hasMore: boolean;
  /** Set when `results` is empty. */
  readonly emptyReason: EmptyReason | null;
  /** Processed query terms that took part in the search (for display and debugging). */
  readonly terms: readonly string[];
  /**
   * What the reader should know about how the question was read, shown above the results:
   * a date or filter that matched nothing ("nothing from 2021; the closest are from 2022"),
   * "did you mean …", "no more results". Absent when there is nothing to say.
   */
  readonly notices?: readonly string[];
}
