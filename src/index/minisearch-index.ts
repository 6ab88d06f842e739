/**
 * The SearchIndex in this process: each passage one MiniSearch document (fields `text` and
 * `title`), searched through MiniSearch's public API only.
 *
 * The project's term processing runs once per passage in the Library (its word table also
 * counts surface words for autocomplete), so MiniSearch is handed the processed terms: its
 * `extractField` joins them, `tokenize` splits them and `processTerm` keeps them as they are.
 * Query terms are processed the same way before they reach `search`.
 *
 * A search runs in two stages, both MiniSearch searches. With a coverage floor of `min`, a
 * passage can pass only if it matches at least one word of S, the question's heaviest words
 * whose weights sum past (1 − min) of the total: the rest together weigh less than `min`.
 * Stage 1 asks MiniSearch for S alone (the rare words: short posting lists); stage 2 asks for
 * every word with `boostDocument` returning 0 outside stage 1's passages, so MiniSearch scores
 * and sorts only those, with the same BM25 statistics as a full search. The hits are the full
 * search's hits that pass the floor, in the same order with the same scores.
 */
import MiniSearch, { type Query, type SearchOptions, type SearchResult } from 'minisearch';
import type { AnswerFilters } from '../core/types.js';
import type {
  IndexHit,
  IndexedPassage,
  PassageKey,
  SearchIndex,
  TermGroupSearch,
} from './search-index.js';

/** Weight of a title match relative to a passage-text match. */
export const TITLE_BOOST = 0.5;

/** What MiniSearch is given of a passage: its slot and its processed terms per field. */
interface PassageDocument {
  readonly id: number;
  readonly text: readonly string[];
  readonly title: readonly string[];
}

/** A passage's metadata, by slot, for filters and for turning slots back into keys. */
interface SlotEntry {
  readonly key: PassageKey;
  readonly date: string | null;
  readonly source: string;
  readonly lang: string;
}

/** The persisted form (see serialize). */
interface SerializedIndex {
  readonly slots: [number, string, number, string | null, string, string][];
  readonly documentFrequency: [string, number][];
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

/** The MiniSearch-backed SearchIndex. */
export class MiniSearchIndex implements SearchIndex {
  private miniSearch = new MiniSearch<PassageDocument>(MINISEARCH_OPTIONS);
  private readonly slots: (SlotEntry | undefined)[] = [];
  private readonly slotsByDoc = new Map<string, number[]>();
  private readonly frequencies = new Map<string, number>();
  private nextSlot = 0;

  get passageCount(): number {
    return this.miniSearch.documentCount;
  }

  add(passages: Iterable<IndexedPassage>): void {
    for (const passage of passages) {
      const slot = this.nextSlot++;
      this.slots[slot] = {
        key: { docId: passage.docId, ordinal: passage.ordinal },
        date: passage.date,
        source: (passage.source ?? '').toLowerCase(),
        lang: passage.lang,
      };
      let ofDoc = this.slotsByDoc.get(passage.docId);
      if (ofDoc === undefined) this.slotsByDoc.set(passage.docId, (ofDoc = []));
      ofDoc[passage.ordinal] = slot;
      this.count(passage.textTerms, 1);
      this.miniSearch.add({ id: slot, text: passage.textTerms, title: passage.titleTerms });
    }
  }

  remove(passages: Iterable<IndexedPassage>): void {
    for (const passage of passages) {
      const ofDoc = this.slotsByDoc.get(passage.docId);
      const slot = ofDoc?.[passage.ordinal];
      if (ofDoc === undefined || slot === undefined) continue;
      // remove, not discard: discarded postings would skew document frequencies (and so
      // scores) until MiniSearch vacuums them; the terms are at hand, so removal is exact now.
      this.miniSearch.remove({ id: slot, text: passage.textTerms, title: passage.titleTerms });
      this.count(passage.textTerms, -1);
      this.slots[slot] = undefined;
      delete ofDoc[passage.ordinal];
      if (ofDoc.every((s) => s === undefined)) this.slotsByDoc.delete(passage.docId);
    }
  }

  /** Moves the document frequency of each distinct term of `terms` by `delta`. */
  private count(terms: readonly string[], delta: 1 | -1): void {
    for (const term of new Set(terms)) {
      const next = (this.frequencies.get(term) ?? 0) + delta;
      if (next > 0) this.frequencies.set(term, next);
      else this.frequencies.delete(term);
    }
  }

  documentFrequency(term: string): number {
    return this.frequencies.get(term) ?? 0;
  }

  search(query: TermGroupSearch): Promise<IndexHit[]> {
    return Promise.resolve(this.searchNow(query));
  }

  /** The search, synchronously (MiniSearch's search is). */
  private searchNow(query: TermGroupSearch): IndexHit[] {
    if (query.groups.length === 0 || query.limit <= 0) return [];
    const passes = this.filterOf(query.filters ?? {});
    const options: SearchOptions = {
      boost: { title: TITLE_BOOST },
      bm25: query.bm25,
      ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
      ...(query.fuzzy === undefined ? {} : { fuzzy: query.fuzzy }),
      ...(query.maxFuzzy === undefined ? {} : { maxFuzzy: query.maxFuzzy }),
    };
    let allowed = passes;
    const necessary = necessaryGroups(query.coverage, query.groups.length);
    if (query.combineWith === 'OR' && necessary.length < query.groups.length) {
      const candidates = new Set<number>();
      const first = this.miniSearch.search(
        queryOf(
          necessary.map((g) => query.groups[g]!),
          'OR',
        ),
        { ...options, ...(passes === null ? {} : { boostDocument: (id) => (passes(id) ? 1 : 0) }) },
      );
      for (const result of first) candidates.add(result.id as number);
      if (candidates.size === 0) return [];
      allowed = (slot) => candidates.has(slot);
    }
    const results = this.miniSearch.search(queryOf(query.groups, query.combineWith), {
      ...options,
      ...(allowed === null ? {} : { boostDocument: (id) => (allowed(id) ? 1 : 0) }),
    });
    return this.hitsOf(results, query);
  }

  /** Hits for MiniSearch's results (best first), keeping those that reach the floor. */
  private hitsOf(results: readonly SearchResult[], query: TermGroupSearch): IndexHit[] {
    const coverage = query.coverage;
    const order = [...new Set(query.groups.flat())];
    const hits: IndexHit[] = [];
    for (const result of results) {
      const entry = this.slots[result.id as number];
      if (entry === undefined) continue;
      const matched = new Set(result.queryTerms);
      if (coverage !== undefined && coverage.total > 0) {
        let sum = 0;
        query.groups.forEach((terms, g) => {
          if (terms.some((t) => matched.has(t))) sum += coverage.weights[g] ?? 0;
        });
        if (sum / coverage.total < coverage.min) continue;
      }
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

  serialize(): Promise<Uint8Array> {
    return Promise.resolve(new TextEncoder().encode(this.toJSON()));
  }

  /** The index as JSON text: its slots, document frequencies and MiniSearch's own JSON. */
  toJSON(): string {
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
        ]);
    });
    const head: Omit<SerializedIndex, 'miniSearch'> = {
      slots,
      documentFrequency: [...this.frequencies],
      nextSlot: this.nextSlot,
    };
    // MiniSearch's JSON is spliced in rather than parsed and re-stringified.
    return `${JSON.stringify(head).slice(0, -1)},"miniSearch":${JSON.stringify(this.miniSearch)}}`;
  }

  /**
   * An index from `toJSON` text. MiniSearch restores its tree in chunks (loadJSAsync), awaiting
   * the event loop between them; the parse of the text itself is one step.
   */
  static async fromJSON(json: string): Promise<MiniSearchIndex> {
    const parsed = JSON.parse(json) as SerializedIndex;
    const index = new MiniSearchIndex();
    index.miniSearch = await MiniSearch.loadJSAsync(
      parsed.miniSearch as Parameters<typeof MiniSearch.loadJS>[0],
      MINISEARCH_OPTIONS,
    );
    index.restoreTables(parsed);
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
    index.restoreTables(parsed);
    return index;
  }

  private restoreTables(parsed: SerializedIndex): void {
    for (const [slot, docId, ordinal, date, source, lang] of parsed.slots) {
      this.slots[slot] = { key: { docId, ordinal }, date, source, lang };
      let ofDoc = this.slotsByDoc.get(docId);
      if (ofDoc === undefined) this.slotsByDoc.set(docId, (ofDoc = []));
      ofDoc[ordinal] = slot;
    }
    for (const [term, count] of parsed.documentFrequency) this.frequencies.set(term, count);
    this.nextSlot = parsed.nextSlot;
  }
}
