/**
 * The one seam between the Library and a search engine. The Library owns articles, passages and
 * the project's term processing; a SearchIndex holds the passages' terms and answers ranked
 * searches over them. MiniSearch in this process is one backend (src/index/minisearch-index.ts);
 * a PostgreSQL backend implements the same interface for corpora past this process's envelope.
 * Nothing here names a backend's types.
 */
import type { AnswerFilters } from '../core/types.js';

/** BM25+ parameters (MiniSearch's formula): saturation k, length normalisation b, floor d. */
export interface Bm25Params {
  readonly k: number;
  readonly b: number;
  readonly d: number;
}

/** A passage's id in an index: its article id and its ordinal in the article. */
export interface PassageKey {
  readonly docId: string;
  readonly ordinal: number;
}

/** What an index is given of one passage. */
export interface IndexedPassage extends PassageKey {
  /** The processed terms of the passage text, one per word occurrence (stop words left out). */
  readonly textTerms: readonly string[];
  /** The processed terms of its article's title (weighted by the index's title boost). */
  readonly titleTerms: readonly string[];
  /** Publication date (ISO), for date filters; null when undated. */
  readonly date: string | null;
  /** Outlet, for the source filter. */
  readonly source: string | null;
  /** Language code, for the language filter. */
  readonly lang: string;
}

/**
 * The coverage floor: only passages whose matched groups weigh at least `min` of `total`
 * (one weight per group) are returned, so an index may skip the others before ranking.
 */
export interface CoverageFloor {
  readonly weights: readonly number[];
  readonly total: number;
  readonly min: number;
}

/** A ranked search over already-processed terms. */
export interface TermGroupSearch {
  /**
   * One group per question word: its alternative terms (stem, cross-script name key), any of
   * which may match. Groups are combined with `combineWith`.
   */
  readonly groups: readonly (readonly string[])[];
  readonly combineWith: 'AND' | 'OR';
  /** Per term: also match indexed terms it is a prefix of. */
  readonly prefix?: (term: string) => boolean;
  /** Per term: also match indexed terms within this edit distance (a fraction of its length if < 1). */
  readonly fuzzy?: (term: string) => number | false;
  /** The largest edit distance a fuzzy term may reach, whatever its length. */
  readonly maxFuzzy?: number;
  readonly coverage?: CoverageFloor;
  /** Dates inclusive, undated passages failing any date bound; source by substring. */
  readonly filters?: AnswerFilters;
  readonly bm25: Bm25Params;
  /** At most this many hits are returned, best first. */
  readonly limit: number;
}

/** One ranked passage. */
export interface IndexHit {
  readonly key: PassageKey;
  readonly score: number;
  /** The query terms (as given, not their expansions) found in the passage or its title. */
  readonly matchedTerms: readonly string[];
}

/** A searchable set of passages. */
export interface SearchIndex {
  /** Adds passages; a key already present is a caller error. */
  add(passages: Iterable<IndexedPassage>): void;
  /**
   * Removes passages, given as they were added (their terms leave the global statistics);
   * unknown keys are ignored.
   */
  remove(passages: Iterable<IndexedPassage>): void;
  /** Ranked passages for `query`, best first, at most `query.limit`. */
  search(query: TermGroupSearch): Promise<IndexHit[]>;
  /** In how many passages' text a processed term occurs (0 when unknown): global statistics. */
  documentFrequency(term: string): number;
  /** Passages held. */
  readonly passageCount: number;
}
