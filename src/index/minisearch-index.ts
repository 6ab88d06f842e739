/**
 * The SearchIndex in this process: each passage one MiniSearch document (fields `text` and
 * `title`), searched through MiniSearch's public API only.
 *
 * The project's term processing runs once per passage in the Library (its word table also
 * counts surface words for autocomplete), so MiniSearch is handed the processed terms: its
 * `extractField` joins them, `tokenize` splits them and `processTerm` keeps them as they are.
 * Query terms are processed the same way before they reach `search`.
 *
 * A search with a coverage floor runs in two stages. A passage can reach a floor of `min` only
 * if it matches at least one word of S, the question's heaviest words whose weights sum past
 * (1 − min) of the total: the rest together weigh less than `min`. Stage 1 asks MiniSearch for
 * S and for every word that has prefix or fuzzy expansions (rare words: short posting lists);
 * its results are the candidates, with MiniSearch's scores for those words. Stage 2 adds the
 * other words' scores without MiniSearch, which would walk their whole (long) posting lists:
 * the index keeps each passage's term ids and field lengths, and the corpus's document
 * frequencies and average field lengths (mirroring MiniSearch's own arithmetic), so it scores
 * those words with MiniSearch's BM25+ formula, parameters and statistics. The hits are a full
 * MiniSearch search's hits that pass the floor, in the same order with the same scores (up to
 * the order of floating-point additions).
 */
import MiniSearch, { type Query, type SearchOptions } from 'minisearch';
import { IndexHeap } from '../core/heap.js';
import type { AnswerFilters } from '../core/types.js';
import type {
  Bm25Params,
  IndexHit,
  IndexedPassage,
  PassageKey,
  SearchIndex,
  TermGroupSearch,
} from './search-index.js';

/** Weight of a title match relative to a passage-text match. */
export const TITLE_BOOST = 0.5;

/** Field numbers, in MiniSearch's field order (its scores add text before title). */
const TEXT = 0;
const TITLE = 1;
const FIELDS = [TEXT, TITLE] as const;

/** Slots restored between two pauses of `fromJSON`. */
const RESTORE_SLICE = 20_000;

/** What MiniSearch is given of a passage: its slot and its processed terms per field. */
interface PassageDocument {
  readonly id: number;
  readonly text: readonly string[];
  readonly title: readonly string[];
}

/** A passage by slot: its metadata for filters and keys, and its terms for stage 2. */
interface SlotEntry {
  readonly key: PassageKey;
  readonly date: string | null;
  readonly source: string;
  readonly lang: string;
  /** Term ids of the text and of the title, one per occurrence. */
  readonly terms: readonly [Uint32Array, Uint32Array];
  /** Distinct terms of the text and of the title: MiniSearch's field lengths. */
  readonly lengths: readonly [number, number];
}

/** A scored passage before the floor: its slot, score and matched query terms. */
interface Scored {
  readonly slot: number;
  readonly score: number;
  readonly queryTerms: readonly string[];
}

/**
 * Corpus-wide term statistics: with several indexes over parts of one corpus (segments), each
 * scores with these so a score means what it would mean in one index over the whole corpus.
 */
export interface TermStatistics {
  /** Passages in the whole corpus. */
  readonly documentCount: number;
  /** Average distinct terms of the text and of the title over the whole corpus. */
  readonly averageLengths: readonly [number, number];
  /** In how many passages' text and title a processed term occurs, corpus-wide. */
  frequencies(term: string): readonly [number, number];
}

/** A search after MiniSearch's stage 1 (see MiniSearchIndex.firstStage). */
export interface FirstStage {
  /** The terms whose global frequencies `finish` will ask for when it rescores. */
  neededTerms(): string[];
  /**
   * The hits, scored with `global` statistics, or with the index's own when null; those
   * scoring under `atLeast` may be left out (see MiniSearchIndex.searchWith).
   */
  finish(global: TermStatistics | null, atLeast?: number): IndexHit[];
}

/** MiniSearch's default weight of a prefix expansion (its `weights.prefix` search option). */
export const PREFIX_WEIGHT = 0.375;
/** MiniSearch's default weight of a fuzzy expansion (its `weights.fuzzy` search option). */
export const FUZZY_WEIGHT = 0.45;
/** MiniSearch's default largest edit distance (its `maxFuzzy`). */
export const MAX_FUZZY = 6;

/** One query term as MiniSearch expands it: exact, and prefix and fuzzy when asked for. */
interface Leaf {
  readonly term: string;
  readonly prefix: boolean;
  /** Largest edit distance of a fuzzy expansion; 0 for none. */
  readonly maxDistance: number;
}

/** The persisted form (see toJSON). */
interface SerializedIndex {
  /** Per slot: slot, docId, ordinal, date, source, lang, field lengths, term ids per field. */
  readonly slots: [
    number,
    string,
    number,
    string | null,
    string,
    string,
    [number, number],
    number[],
    number[],
  ][];
  /** The terms, by id. */
  readonly terms: string[];
  /** Document frequency per field, by term id. */
  readonly frequencies: [number[], number[]];
  readonly averageLengths: [number, number];
  readonly nextSlot: number;
  readonly miniSearch: unknown;
}

const MINISEARCH_OPTIONS = {
  fields: ['text', 'title'],
  storeFields: [],
  // The terms are processed already (see the module comment).
  extractField: (document: PassageDocument, field: string): string | number =>
    field === 'id' ? document.id : (field === 'text' ? document.text : document.title).join(' '),
  tokenize: (text: string): string[] => (text === '' ? [] : text.split(' ')),
  processTerm: (term: string): string => term,
};

/** A MiniSearch query tree for groups of alternative terms. */
function queryOf(groups: readonly (readonly string[])[], combineWith: 'AND' | 'OR'): Query {
  return {
    combineWith,
    queries: groups.map((terms) => ({ combineWith: 'OR', queries: [...terms] })),
  };
}

/**
 * Indexes of the groups a passage must match one of to reach the coverage floor: the heaviest
 * groups until the rest weigh less than `min` of the total. All groups without a floor.
 */
export function necessaryGroups(coverage: TermGroupSearch['coverage'], count: number): number[] {
  const all = Array.from({ length: count }, (_, g) => g);
  if (coverage === undefined || coverage.total <= 0 || coverage.min <= 0) return all;
  const order = all.sort((a, b) => (coverage.weights[b] ?? 0) - (coverage.weights[a] ?? 0));
  const chosen: number[] = [];
  let rest = order.reduce((sum, g) => sum + (coverage.weights[g] ?? 0), 0);
  for (const g of order) {
    // Stop once a passage matching none of `chosen` can no longer reach the floor.
    if (rest / coverage.total < coverage.min * (1 - 1e-9)) break;
    chosen.push(g);
    rest -= coverage.weights[g] ?? 0;
  }
  return chosen;
}

/** How a search's term groups are shared between stage 1 (MiniSearch) and stage 2. */
export interface StagePlan {
  /** The groups (or parts of groups) stage 1 asks MiniSearch for. */
  readonly first: readonly (readonly string[])[];
  /** The groups (or parts) stage 2 scores from stage 1's passages' stored terms. */
  readonly rest: readonly (readonly string[])[];
}

/**
 * The plan of a search: stage 1 asks MiniSearch for the necessary groups whole, and of every
 * other group only its terms with prefix or fuzzy expansions (only MiniSearch finds and weighs
 * those); stage 2 scores the other groups' exact terms. A group's exact terms are left to
 * stage 2 even when its name key expands: the key, absent from most corpora, costs MiniSearch
 * little, while the group's common word ("state") would bring every passage holding it.
 * Everything in stage 1 for an AND search.
 */
export function planStages(query: TermGroupSearch): StagePlan {
  if (query.combineWith !== 'OR') return { first: query.groups, rest: [] };
  const necessary = new Set(necessaryGroups(query.coverage, query.groups.length));
  const first: (readonly string[])[] = [];
  const rest: (readonly string[])[] = [];
  const expands = (t: string): boolean =>
    query.prefix?.(t) === true || (query.fuzzy?.(t) ?? false) !== false;
  query.groups.forEach((terms, g) => {
    if (necessary.has(g)) {
      first.push(terms);
      return;
    }
    const expanding = terms.filter(expands);
    if (expanding.length > 0) first.push(expanding);
    if (expanding.length < terms.length) rest.push(terms.filter((t) => !expands(t)));
  });
  return { first, rest };
}

/** Whether a passage matching `matched` query terms reaches `query`'s coverage floor. */
function floorTest(query: TermGroupSearch): (matched: ReadonlySet<string>) => boolean {
  const coverage = query.coverage;
  if (coverage === undefined || coverage.total <= 0) return () => true;
  return (matched) => {
    let sum = 0;
    query.groups.forEach((terms, g) => {
      if (terms.some((t) => matched.has(t))) sum += coverage.weights[g] ?? 0;
    });
    return sum / coverage.total >= coverage.min;
  };
}

/** MiniSearch's BM25+ term score (its calcBM25Score, operation for operation). */
function bm25(
  termFrequency: number,
  inverseFrequency: number,
  fieldLength: number,
  averageLength: number,
  { k, b, d }: Bm25Params,
): number {
  return (
    inverseFrequency *
    (d +
      (termFrequency * (k + 1)) / (termFrequency + k * (1 - b + (b * fieldLength) / averageLength)))
  );
}

/** MiniSearch's inverse document frequency. */
function inverseFrequency(matching: number, total: number): number {
  return Math.log(1 + (total - matching + 0.5) / (matching + 0.5));
}

/** Levenshtein distance of `a` and `b`, or `limit + 1` once it is certain to exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The weight MiniSearch gives a document term matched through `leaf` (executeQuerySpec): 1 when
 * exact, a prefix weight, else a fuzzy weight (a term both a prefix and a fuzzy match counts as
 * a prefix match), 0 when `leaf` does not reach it.
 */
function leafWeight(leaf: Leaf, term: string): number {
  if (term === leaf.term) return 1;
  if (leaf.prefix && term.startsWith(leaf.term))
    return (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (term.length - leaf.term.length));
  if (leaf.maxDistance === 0) return 0;
  const distance = editDistance(leaf.term, term, leaf.maxDistance);
  return distance > leaf.maxDistance ? 0 : (FUZZY_WEIGHT * term.length) / (term.length + distance);
}

/** The leaves of `groups` as MiniSearch expands them under `query`'s options. */
function leavesOf(groups: readonly (readonly string[])[], query: TermGroupSearch): Leaf[] {
  return groups.flatMap((terms) =>
    terms.map((term) => {
      const fuzzy = query.fuzzy?.(term) ?? false;
      const maxDistance =
        fuzzy === false
          ? 0
          : fuzzy < 1
            ? Math.min(query.maxFuzzy ?? MAX_FUZZY, Math.round(term.length * fuzzy))
            : fuzzy;
      return { term, prefix: query.prefix?.(term) === true, maxDistance };
    }),
  );
}

/** The MiniSearch-backed SearchIndex. */
export class MiniSearchIndex implements SearchIndex {
  private miniSearch = new MiniSearch<PassageDocument>(MINISEARCH_OPTIONS);
  private readonly slots: (SlotEntry | undefined)[] = [];
  private readonly slotsByDoc = new Map<string, number[]>();
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Document frequency per field, by term id. */
  private frequencies: [number[], number[]] = [[], []];
  /** MiniSearch's average field lengths, updated with the same arithmetic as its own. */
  private readonly averageLengths: [number, number] = [0, 0];
  /** Per term id, its place among a stage-2 search's terms plus one (0 elsewhere). */
  private lookup = new Int32Array(0);
  private nextSlot = 0;

  get passageCount(): number {
    return this.miniSearch.documentCount;
  }

  add(passages: Iterable<IndexedPassage>): void {
    let lastTitle: readonly string[] | null = null;
    let lastTitleIds: Uint32Array = new Uint32Array(0);
    for (const passage of passages) {
      const slot = this.nextSlot++;
      const count = this.miniSearch.documentCount;
      this.miniSearch.add({ id: slot, text: passage.textTerms, title: passage.titleTerms });
      // An article's passages share its title's terms.
      if (passage.titleTerms !== lastTitle) {
        lastTitle = passage.titleTerms;
        lastTitleIds = this.idsOf(passage.titleTerms);
      }
      const terms: [Uint32Array, Uint32Array] = [this.idsOf(passage.textTerms), lastTitleIds];
      const lengths: [number, number] = [0, 0];
      for (const field of FIELDS) {
        lengths[field] = this.countTerms(terms[field]!, field, 1);
        this.averageLengths[field] =
          (this.averageLengths[field] * count + lengths[field]) / (count + 1);
      }
      this.slots[slot] = {
        key: { docId: passage.docId, ordinal: passage.ordinal },
        date: passage.date,
        source: (passage.source ?? '').toLowerCase(),
        lang: passage.lang,
        terms,
        lengths,
      };
      let ofDoc = this.slotsByDoc.get(passage.docId);
      if (ofDoc === undefined) this.slotsByDoc.set(passage.docId, (ofDoc = []));
      ofDoc[passage.ordinal] = slot;
    }
  }

  remove(passages: Iterable<IndexedPassage>): void {
    for (const passage of passages) {
      const ofDoc = this.slotsByDoc.get(passage.docId);
      const slot = ofDoc?.[passage.ordinal];
      const entry = slot === undefined ? undefined : this.slots[slot];
      if (ofDoc === undefined || slot === undefined || entry === undefined) continue;
      const count = this.miniSearch.documentCount;
      // remove, not discard: discarded postings would skew document frequencies (and so
      // scores) until MiniSearch vacuums them; the terms are at hand, so removal is exact now.
      this.miniSearch.remove({ id: slot, text: passage.textTerms, title: passage.titleTerms });
      for (const field of FIELDS) {
        this.countTerms(entry.terms[field]!, field, -1);
        this.averageLengths[field] =
          count === 1
            ? 0
            : (this.averageLengths[field] * count - entry.lengths[field]!) / (count - 1);
      }
      this.slots[slot] = undefined;
      delete ofDoc[passage.ordinal];
      if (ofDoc.every((s) => s === undefined)) this.slotsByDoc.delete(passage.docId);
    }
  }

  /** The ids of `terms`, new terms getting new ids. */
  private idsOf(terms: readonly string[]): Uint32Array {
    const ids = new Uint32Array(terms.length);
    terms.forEach((term, i) => {
      let id = this.termIds.get(term);
      if (id === undefined) {
        id = this.terms.length;
        this.termIds.set(term, id);
        this.terms.push(term);
        this.frequencies[TEXT].push(0);
        this.frequencies[TITLE].push(0);
      }
      ids[i] = id;
    });
    return ids;
  }

  /** Moves the document frequency of each distinct id of `ids` by `delta`; returns how many. */
  private countTerms(ids: Uint32Array, field: number, delta: 1 | -1): number {
    const distinct = new Set(ids);
    const frequencies = this.frequencies[field]!;
    for (const id of distinct) frequencies[id] = (frequencies[id] ?? 0) + delta;
    return distinct.size;
  }

  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.frequencies[TEXT][id] ?? 0);
  }

  /** Distinct terms of the text and of the title averaged over this index's passages. */
  get averageFieldLengths(): readonly [number, number] {
    return this.averageLengths;
  }

  /** In how many of this index's passages' text and title a processed term occurs. */
  fieldFrequencies(term: string): readonly [number, number] {
    const id = this.termIds.get(term);
    return id === undefined
      ? [0, 0]
      : [this.frequencies[TEXT][id] ?? 0, this.frequencies[TITLE][id] ?? 0];
  }

  /** Each term some passage holds, with its document frequency in the text and the title. */
  *termFrequencies(): Generator<readonly [string, number, number]> {
    for (let id = 0; id < this.terms.length; id++) {
      const text = this.frequencies[TEXT][id] ?? 0;
      const title = this.frequencies[TITLE][id] ?? 0;
      if (text + title > 0) yield [this.terms[id]!, text, title];
    }
  }

  /** The keys of the passages held. */
  *passageKeys(): Generator<PassageKey> {
    for (const entry of this.slots) if (entry !== undefined) yield entry.key;
  }

  /** The articles this index holds passages of. */
  docIds(): IterableIterator<string> {
    return this.slotsByDoc.keys();
  }

  /** Whether this index holds passages of article `docId`. */
  holds(docId: string): boolean {
    return this.slotsByDoc.has(docId);
  }

  search(query: TermGroupSearch): Promise<IndexHit[]> {
    return Promise.resolve(this.searchWith(query, null));
  }

  /**
   * The search, synchronously (MiniSearch's search is), scored with `global` statistics (this
   * index is a segment of a larger corpus), or with its own when null. MiniSearch scores with its
   * own statistics, so with `global` every candidate is rescored from its stored terms: the
   * document terms each result matched (`terms`) are weighed as MiniSearch weighs exact, prefix
   * and fuzzy matches, with the corpus-wide frequencies and average lengths. Hits scoring
   * under `atLeast` may be left out: other segments have found enough above it.
   */
  searchWith(query: TermGroupSearch, global: TermStatistics | null, atLeast = 0): IndexHit[] {
    return this.firstStage(query, global !== null).finish(global, atLeast);
  }

  /**
   * Stage 1 of `searchWith` (MiniSearch's search), and the rest to finish it. Split so that a
   * segment held in a worker thread can ask for the global frequencies of the terms stage 1
   * found (prefix and fuzzy expansions are only known here) before it scores: `rescoring`
   * says whether `finish` will be given global statistics.
   */
  firstStage(query: TermGroupSearch, rescoring: boolean): FirstStage {
    if (query.groups.length === 0 || query.limit <= 0)
      return { neededTerms: () => [], finish: () => [] };
    const passes = this.filterOf(query.filters ?? {});
    const options: SearchOptions = {
      boost: { title: TITLE_BOOST },
      bm25: query.bm25,
      ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
      ...(query.fuzzy === undefined ? {} : { fuzzy: query.fuzzy }),
      ...(query.maxFuzzy === undefined ? {} : { maxFuzzy: query.maxFuzzy }),
      ...(passes === null ? {} : { boostDocument: (id) => (passes(id as number) ? 1 : 0) }),
    };
    const { first: asked, rest } = planStages(query);
    const whole = rest.length === 0;
    const results = this.miniSearch.search(
      queryOf(asked, whole ? query.combineWith : 'OR'),
      options,
    );
    if (whole && !rescoring)
      return {
        neededTerms: () => [],
        finish: () =>
          this.hitsOf(
            results.map((r) => ({
              slot: r.id as number,
              score: r.score,
              queryTerms: r.queryTerms,
            })),
            query,
          ),
      };
    return {
      neededTerms: () => {
        const needed = new Set<string>();
        for (const terms of rest) for (const term of terms) needed.add(term);
        for (const result of results) for (const term of result.terms) needed.add(term);
        return [...needed].filter((term) => this.termIds.has(term));
      },
      finish: (global, atLeast = 0) => {
        const rescore = global === null ? null : { global, leaves: leavesOf(asked, query) };
        return this.hitsOf(this.addScores(results, rest, query, rescore, atLeast), query);
      },
    };
  }

  /**
   * Stage 2: stage 1's results with the scores of the `rest` groups added, scored from the
   * passages' stored terms as MiniSearch would score them (per field, title weighted by
   * TITLE_BOOST, the sum multiplied by the number of query terms matched), best first. With
   * `rescore`, stage 1's scores are recomputed the same way from the `leaves` stage 1 asked
   * for and the matched document terms, and every score uses the global statistics.
   *
   * Reading a passage's stored terms is most of this work, and most of stage 1's results are
   * passages that match one common word. So once `query.limit` scored passages reach the
   * floor, a result whose score cannot reach the lowest of them (nor `atLeast`, the score other
   * segments' hits set) is left out unread: its bound takes every term it could still match at
   * the most BM25+ gives a term (idf · (d + k + 1), as its frequency grows without end). What
   * is left out could never be among the hits.
   */
  private addScores(
    results: readonly { id: unknown; score: number; terms: string[]; queryTerms: string[] }[],
    rest: readonly (readonly string[])[],
    query: TermGroupSearch,
    rescore: { readonly global: TermStatistics; readonly leaves: readonly Leaf[] } | null,
    atLeast: number,
  ): Scored[] {
    const params = query.bm25;
    const total = rescore?.global.documentCount ?? this.miniSearch.documentCount;
    const averages = rescore?.global.averageLengths ?? this.averageLengths;
    if (this.lookup.length < this.terms.length)
      this.lookup = new Int32Array(Math.max(this.terms.length, this.lookup.length * 2));
    // The distinct known terms to count in each passage, by place.
    const places: number[] = [];
    const weights: [number, number][] = [];
    const placeOf = (id: number, term: string): number => {
      if (this.lookup[id] === 0) {
        places.push(id);
        this.lookup[id] = places.length;
        const [text, title] = rescore?.global.frequencies(term) ?? [
          this.frequencies[TEXT][id] ?? 0,
          this.frequencies[TITLE][id] ?? 0,
        ];
        weights.push([inverseFrequency(text, total), inverseFrequency(title, total)]);
      }
      return this.lookup[id]! - 1;
    };
    const frequencies = [new Float64Array(0), new Float64Array(0)];
    let entry: SlotEntry | undefined;
    /** The BM25+ score of the term at `place` in `entry`, fields added; null when absent. */
    const termScore = (place: number): number | null => {
      let score: number | null = null;
      for (const field of FIELDS) {
        const frequency = frequencies[field]![place]!;
        if (frequency === 0) continue;
        const raw = bm25(
          frequency,
          weights[place]![field]!,
          entry!.lengths[field]!,
          averages[field]!,
          params,
        );
        const weighted = field === TITLE ? TITLE_BOOST * raw : raw;
        score = score === null ? weighted : score + weighted;
      }
      return score;
    };
    const scored: Scored[] = [];
    const reaches = floorTest(query);
    /** The passages reaching the floor with the `query.limit` best scores, lowest first. */
    const best = new IndexHeap(
      Math.min(query.limit, results.length) + 1,
      (a, b) => scored[a]!.score < scored[b]!.score,
    );
    /** The most the term at `place` can add to a score. */
    const ceiling = (place: number): number =>
      (weights[place]![TEXT]! + TITLE_BOOST * weights[place]![TITLE]!) * (params.d + params.k + 1);
    try {
      const groups = rest.map((terms) =>
        terms.flatMap((term) => {
          const id = this.termIds.get(term);
          return id === undefined ? [] : [{ term, place: placeOf(id, term) }];
        }),
      );
      // Per matched document term of stage 1: its place and its summed weight over the leaves.
      const derived = new Map<string, { place: number; weight: number }>();
      if (rescore !== null)
        for (const result of results)
          for (const term of result.terms) {
            const id = this.termIds.get(term);
            if (derived.has(term) || id === undefined) continue;
            let weight = 0;
            for (const leaf of rescore.leaves) weight += leafWeight(leaf, term);
            derived.set(term, { place: placeOf(id, term), weight });
          }
      frequencies[TEXT] = new Float64Array(places.length);
      frequencies[TITLE] = new Float64Array(places.length);
      let restCeiling = 0;
      let restTerms = 0;
      for (const group of groups)
        for (const { place } of group) {
          restCeiling += ceiling(place);
          restTerms++;
        }
      for (const result of results) {
        const slot = result.id as number;
        entry = this.slots[slot];
        if (entry === undefined) continue;
        const lowest =
          best.length >= query.limit ? Math.max(atLeast, scored[best.peek()]!.score) : atLeast;
        if (lowest > 0) {
          let first = 0;
          if (rescore === null) first = result.score / (result.queryTerms.length || 1);
          else
            for (const term of result.terms) {
              const match = derived.get(term);
              if (match !== undefined) first += match.weight * ceiling(match.place);
            }
          const bound = (first + restCeiling) * (result.queryTerms.length + restTerms);
          // The margin covers the bound's additions being done in another order.
          if (bound * (1 + 1e-9) < lowest) continue;
        }
        for (const field of FIELDS) {
          const counts = frequencies[field]!;
          counts.fill(0);
          for (const id of entry.terms[field]!) {
            const place = this.lookup[id]!;
            if (place !== 0) counts[place - 1]!++;
          }
        }
        let score = 0;
        if (rescore === null) score = result.score / (result.queryTerms.length || 1);
        else
          for (const term of result.terms) {
            const match = derived.get(term);
            if (match !== undefined) score += match.weight * (termScore(match.place) ?? 0);
          }
        const matched = new Set(result.queryTerms);
        for (const group of groups) {
          let groupScore: number | null = null;
          for (const { term, place } of group) {
            const value = termScore(place);
            if (value === null) continue;
            matched.add(term);
            groupScore = groupScore === null ? value : groupScore + value;
          }
          if (groupScore !== null) score += groupScore;
        }
        scored.push({ slot, score: score * matched.size, queryTerms: [...matched] });
        if (reaches(matched)) {
          best.push(scored.length - 1);
          if (best.length > query.limit) best.pop();
        }
      }
    } finally {
      for (const id of places) this.lookup[id] = 0;
    }
    // Stable: ties keep stage 1's order.
    return scored.sort((a, b) => b.score - a.score);
  }

  /** Hits for scored passages (best first), keeping those that reach the floor. */
  private hitsOf(results: readonly Scored[], query: TermGroupSearch): IndexHit[] {
    const reaches = floorTest(query);
    const order = [...new Set(query.groups.flat())];
    const hits: IndexHit[] = [];
    for (const result of results) {
      const entry = this.slots[result.slot];
      if (entry === undefined) continue;
      const matched = new Set(result.queryTerms);
      if (!reaches(matched)) continue;
      hits.push({
        key: entry.key,
        score: result.score,
        matchedTerms: order.filter((term) => matched.has(term)),
      });
      if (hits.length >= query.limit) break;
    }
    return hits;
  }

  /** A slot predicate for the filters, or null when there are none. */
  private filterOf(filters: AnswerFilters): ((slot: number) => boolean) | null {
    const { since, until } = filters;
    const lang = filters.lang?.toLowerCase();
    const source = filters.source?.trim().toLowerCase() || undefined;
    if (since === undefined && until === undefined && lang === undefined && source === undefined)
      return null;
    return (slot) => {
      const entry = this.slots[slot];
      if (entry === undefined) return false;
      if (since !== undefined && (entry.date === null || entry.date < since)) return false;
      if (until !== undefined && (entry.date === null || entry.date > until)) return false;
      if (lang !== undefined && entry.lang !== lang) return false;
      return source === undefined || entry.source.includes(source);
    };
  }

  /**
   * The index as JSON text: its slots, terms and statistics, and MiniSearch's own JSON. Terms
   * no passage holds any more are left out (ids are renumbered).
   */
  toJSON(): string {
    const renumbered = new Int32Array(this.terms.length).fill(-1);
    const terms: string[] = [];
    const frequencies: SerializedIndex['frequencies'] = [[], []];
    this.terms.forEach((term, id) => {
      const text = this.frequencies[TEXT][id] ?? 0;
      const title = this.frequencies[TITLE][id] ?? 0;
      if (text + title === 0) return;
      renumbered[id] = terms.length;
      terms.push(term);
      frequencies[TEXT].push(text);
      frequencies[TITLE].push(title);
    });
    const slots: SerializedIndex['slots'] = [];
    this.slots.forEach((entry, slot) => {
      if (entry !== undefined)
        slots.push([
          slot,
          entry.key.docId,
          entry.key.ordinal,
          entry.date,
          entry.source,
          entry.lang,
          [entry.lengths[TEXT], entry.lengths[TITLE]],
          Array.from(entry.terms[TEXT], (id) => renumbered[id]!),
          Array.from(entry.terms[TITLE], (id) => renumbered[id]!),
        ]);
    });
    const head: Omit<SerializedIndex, 'miniSearch'> = {
      slots,
      terms,
      frequencies,
      averageLengths: this.averageLengths,
      nextSlot: this.nextSlot,
    };
    // MiniSearch's JSON is spliced in rather than parsed and re-stringified.
    return `${JSON.stringify(head).slice(0, -1)},"miniSearch":${JSON.stringify(this.miniSearch)}}`;
  }

  /**
   * An index from `toJSON` text. MiniSearch restores its tree in chunks (loadJSAsync), and the
   * slots are restored in slices, awaiting the event loop between them; the parse of the text
   * itself is one step.
   */
  static async fromJSON(json: string): Promise<MiniSearchIndex> {
    const parsed = JSON.parse(json) as SerializedIndex;
    const index = new MiniSearchIndex();
    index.miniSearch = await MiniSearch.loadJSAsync(
      parsed.miniSearch as Parameters<typeof MiniSearch.loadJS>[0],
      MINISEARCH_OPTIONS,
    );
    for (const _ of index.restoreTables(parsed))
      await new Promise((resolve) => setImmediate(resolve));
    return index;
  }

  /** `fromJSON`, synchronously. */
  static fromJSONSync(json: string): MiniSearchIndex {
    const parsed = JSON.parse(json) as SerializedIndex;
    const index = new MiniSearchIndex();
    index.miniSearch = MiniSearch.loadJS(
      parsed.miniSearch as Parameters<typeof MiniSearch.loadJS>[0],
      MINISEARCH_OPTIONS,
    );
    for (const _ of index.restoreTables(parsed));
    return index;
  }

  /** Fills the index's own tables from the persisted form, yielding every RESTORE_SLICE slots. */
  private *restoreTables(parsed: SerializedIndex): Generator<void> {
    parsed.terms.forEach((term, id) => {
      this.termIds.set(term, id);
      this.terms.push(term);
    });
    this.frequencies = parsed.frequencies;
    this.averageLengths[TEXT] = parsed.averageLengths[TEXT];
    this.averageLengths[TITLE] = parsed.averageLengths[TITLE];
    let done = 0;
    for (const [slot, docId, ordinal, date, source, lang, lengths, text, title] of parsed.slots) {
      this.slots[slot] = {
        key: { docId, ordinal },
        date,
        source,
        lang,
        terms: [Uint32Array.from(text), Uint32Array.from(title)],
        lengths,
      };
      let ofDoc = this.slotsByDoc.get(docId);
      if (ofDoc === undefined) this.slotsByDoc.set(docId, (ofDoc = []));
      ofDoc[ordinal] = slot;
      if (++done % RESTORE_SLICE === 0) yield;
    }
    this.nextSlot = parsed.nextSlot;
  }
}
