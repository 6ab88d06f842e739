/**
 * A lean scorer over MiniSearch's postings for the answer path's query shape (groups of
 * alternative terms, each term optionally with prefix and fuzzy expansions).
 *
 * It scores exactly as MiniSearch.search does for that query tree (BM25 per field and derived
 * term, prefix and fuzzy weights, OR/AND combination, the final score multiplied by the number
 * of distinct query terms matched) but accumulates into typed arrays instead of allocating a
 * result object per matching document and per term, and orders the results lazily with a heap:
 * the answer path reads a few hundred of what can be hundreds of thousands of matches at 1M
 * passages. Ties keep MiniSearch's order (first seen first).
 *
 * One difference: MiniSearch lowers a term's document frequency one by one as it meets
 * documents that were discarded but not yet vacuumed (so the result depends on posting order);
 * here the frequency counts live documents only, as after a vacuum.
 */
import type MiniSearch from 'minisearch';
import { internalsOf, type FieldTermData, type MiniSearchInternals } from './fast-index.js';

/** BM25 parameters as MiniSearch takes them. */
export interface ScorerBm25 {
  readonly k: number;
  readonly b: number;
  readonly d: number;
}

/** How a group query is scored. */
export interface GroupScoring {
  readonly bm25: ScorerBm25;
  /** Boost per field id (MiniSearch field order). */
  readonly fieldBoosts: readonly number[];
  readonly combineWith: 'AND' | 'OR';
  readonly prefix?: (term: string) => boolean;
  /** Edit distance (a fraction of the term's length when below 1), or false. */
  readonly fuzzy?: (term: string) => number | false;
  /**
   * Drop documents whose matched groups weigh less than `min` of `total` (the sum of `weights`,
   * one per group): the answer path's coverage floor, applied before ordering anything.
   */
  readonly coverage?: {
    readonly weights: readonly number[];
    readonly total: number;
    readonly min: number;
  };
}

/** One scored document. */
export interface ScoredDocument {
  readonly id: string;
  readonly score: number;
  /** Distinct query terms matched, in query order. */
  readonly terms: readonly string[];
}

/** MiniSearch's defaults for expansion weights and the fuzzy distance cap. */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const MAX_FUZZY = 6;
/** Distinct terms (bits) and groups this scorer handles; larger queries return null. */
const MAX_TERMS = 64;
const MAX_GROUPS = 32;
const DEAD = 0xffff_ffff;

interface Dense {
  readonly key: string;
  /** Field lengths per field id, indexed by short id; DEAD for a discarded document. */
  readonly lengths: readonly Uint32Array[];
}

const denseCache = new WeakMap<object, Dense>();

/** Field lengths as dense arrays, rebuilt when the index changed since the last query. */
function denseLengths(state: MiniSearchInternals, fieldCount: number): Dense {
  const key = `${state._nextId}:${state._documentCount}:${state._dirtCount}`;
  const cached = denseCache.get(state);
  if (cached !== undefined && cached.key === key) return cached;
  const lengths: Uint32Array[] = [];
  for (let f = 0; f < fieldCount; f++) lengths.push(new Uint32Array(state._nextId).fill(DEAD));
  for (const [shortId, fieldLengths] of state._fieldLength) {
    for (let f = 0; f < fieldCount; f++) lengths[f]![shortId] = fieldLengths[f] ?? 0;
  }
  const dense = { key, lengths };
  denseCache.set(state, dense);
  return dense;
}

/** Prefix and fuzzy expansions of a term, per index state: questions repeat their words. */
interface Expansions {
  key: string;
  readonly entries: Map<string, readonly (readonly [FieldTermData, number])[]>;
}
const expansionCache = new WeakMap<object, Expansions>();
const EXPANSION_CACHE_LIMIT = 20_000;

/** Memoised `make` for `id` while the index is unchanged (same key as the dense lengths). */
function expansionsOf(
  state: MiniSearchInternals,
  id: string,
  make: () => (readonly [FieldTermData, number])[],
): readonly (readonly [FieldTermData, number])[] {
  const key = `${state._nextId}:${state._documentCount}:${state._dirtCount}`;
  let cache = expansionCache.get(state);
  if (cache === undefined || cache.key !== key) {
    cache = { key, entries: new Map() };
    expansionCache.set(state, cache);
  }
  let found = cache.entries.get(id);
  if (found === undefined) {
    found = make();
    if (cache.entries.size >= EXPANSION_CACHE_LIMIT) cache.entries.clear();
    cache.entries.set(id, found);
  }
  return found;
}

/** Posting lists at least this long are iterated from packed typed arrays. */
const PACK_MIN = 512;

interface Packed {
  readonly key: string;
  readonly docs: Uint32Array;
  readonly tfs: Uint16Array;
}

/** Typed-array copies of long posting lists, per postings map, while the index is unchanged. */
const packedCache = new WeakMap<Map<number, number>, Packed>();

/**
 * A long posting list as two typed arrays (iterating them is several times faster than the
 * Map): built on first use, rebuilt when the index changed. Costs ~6 bytes per posting of the
 * terms actually queried.
 */
function packedPostings(postings: Map<number, number>, key: string): Packed {
  const cached = packedCache.get(postings);
  if (cached !== undefined && cached.key === key && cached.docs.length === postings.size)
    return cached;
  const docs = new Uint32Array(postings.size);
  const tfs = new Uint16Array(postings.size);
  let i = 0;
  postings.forEach((tf, doc) => {
    docs[i] = doc;
    tfs[i] = Math.min(tf, 0xffff);
    i++;
  });
  const packed = { key, docs, tfs };
  packedCache.set(postings, packed);
  return packed;
}

/** Scratch accumulators, reused across queries and sized to the index. */
let scratch: {
  scores: Float64Array;
  low: Uint32Array;
  high: Uint32Array;
  groups: Uint32Array;
  seen: Uint8Array;
} | null = null;

function scratchFor(size: number): NonNullable<typeof scratch> {
  if (scratch === null || scratch.scores.length < size) {
    const capacity = Math.max(size, Math.ceil((scratch?.scores.length ?? 0) * 1.5), 1_024);
    scratch = {
      scores: new Float64Array(capacity),
      low: new Uint32Array(capacity),
      high: new Uint32Array(capacity),
      groups: new Uint32Array(capacity),
      seen: new Uint8Array(capacity),
    };
  }
  return scratch;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x5555_5555);
  v = (v & 0x3333_3333) + ((v >>> 2) & 0x3333_3333);
  return (((v + (v >>> 4)) & 0x0f0f_0f0f) * 0x0101_0101) >>> 24;
}

/**
 * Scores `groups` (an OR of alternative terms per group; groups combined with `combineWith`)
 * and returns the matching documents best first, lazily. Returns null for a query larger than
 * this scorer handles (the caller then uses MiniSearch.search).
 */
export function scoreGroups(
  index: MiniSearch<never>,
  groups: readonly (readonly string[])[],
  scoring: GroupScoring,
): Iterable<ScoredDocument> | null {
  const state = internalsOf(index);
  const termBits = new Map<string, number>();
  for (const group of groups)
    for (const term of group) if (!termBits.has(term)) termBits.set(term, termBits.size);
  if (termBits.size > MAX_TERMS || groups.length > MAX_GROUPS) return null;
  const fieldCount = scoring.fieldBoosts.length;
  const { lengths } = denseLengths(state, fieldCount);
  const work = scratchFor(state._nextId);
  const { scores, low, high, groups: groupMasks, seen } = work;
  const touched: number[] = [];
  const total = state._documentCount;
  const { k, b, d } = scoring.bm25;
  const indexKey = `${state._nextId}:${state._documentCount}:${state._dirtCount}`;

  const addPostings = (
    data: FieldTermData,
    weight: number,
    bit: number,
    groupBit: number,
  ): void => {
    for (let fieldId = 0; fieldId < fieldCount; fieldId++) {
      const postings = data.get(fieldId);
      if (postings === undefined) continue;
      const fieldLength = lengths[fieldId]!;
      // Discarded documents keep their postings until MiniSearch's vacuum: count live ones.
      let df = postings.size;
      if (state._dirtCount > 0) {
        postings.forEach((_tf, doc) => {
          const length = fieldLength[doc];
          if (length === undefined || length === DEAD) df--;
        });
      }
      const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
      const average = state._avgFieldLength[fieldId] ?? 0;
      const factor = weight * scoring.fieldBoosts[fieldId]! * idf;
      const lowBit = bit < 32 ? (1 << bit) >>> 0 : 0;
      const highBit = bit >= 32 ? (1 << (bit - 32)) >>> 0 : 0;
      const add = (doc: number, tf: number): void => {
        const length = fieldLength[doc];
        if (length === undefined || length === DEAD) return;
        const score = factor * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / average)));
        if (seen[doc] === 0) {
          seen[doc] = 1;
          touched.push(doc);
        }
        scores[doc] = scores[doc]! + score;
        low[doc] = low[doc]! | lowBit;
        high[doc] = high[doc]! | highBit;
        groupMasks[doc] = groupMasks[doc]! | groupBit;
      };
      const packed = postings.size >= PACK_MIN ? packedPostings(postings, indexKey) : null;
      if (packed === null) postings.forEach((tf, doc) => add(doc, tf));
      else for (let i = 0; i < packed.docs.length; i++) add(packed.docs[i]!, packed.tfs[i]!);
    }
  };

  groups.forEach((group, g) => {
    const groupBit = (1 << g) >>> 0;
    for (const term of group) {
      const bit = termBits.get(term)!;
      const exact = state._index.get(term);
      if (exact !== undefined) addPostings(exact, 1, bit, groupBit);
      const prefix = scoring.prefix?.(term) ?? false;
      const fuzzy = scoring.fuzzy?.(term) ?? false;
      const maxDistance =
        fuzzy === false || fuzzy <= 0
          ? 0
          : fuzzy < 1
            ? Math.min(MAX_FUZZY, Math.round(term.length * fuzzy))
            : fuzzy;
      if (prefix || maxDistance > 0) {
        const expansions = expansionsOf(state, `${prefix ? 'p' : ''}${maxDistance}:${term}`, () => {
          const out: [FieldTermData, number][] = [];
          const prefixed = new Set<string>();
          if (prefix) {
            const tree = (
              state._index as unknown as { atPrefix(p: string): Iterable<[string, FieldTermData]> }
            ).atPrefix(term);
            for (const [derived, data] of tree) {
              const distance = derived.length - term.length;
              if (distance === 0) continue;
              prefixed.add(derived);
              out.push([
                data,
                (PREFIX_WEIGHT * derived.length) / (derived.length + 0.3 * distance),
              ]);
            }
          }
          if (maxDistance > 0) {
            const matches = (
              state._index as unknown as {
                fuzzyGet(t: string, n: number): Map<string, [FieldTermData, number]>;
              }
            ).fuzzyGet(term, maxDistance);
            for (const [derived, [data, distance]] of matches) {
              if (distance === 0 || prefixed.has(derived)) continue;
              out.push([data, (FUZZY_WEIGHT * derived.length) / (derived.length + distance)]);
            }
          }
          return out;
        });
        for (const [data, weight] of expansions) addPostings(data, weight, bit, groupBit);
      }
    }
  });

  const allGroups = groups.length === 32 ? 0xffff_ffff : ((1 << groups.length) >>> 0) - 1;
  const coverage = scoring.coverage;
  const covers = (mask: number): boolean => {
    if (coverage === undefined) return true;
    let sum = 0;
    coverage.weights.forEach((weight, g) => {
      if ((mask >>> g) & 1) sum += weight;
    });
    return (coverage.total === 0 ? 0 : sum / coverage.total) >= coverage.min;
  };
  const terms = [...termBits.keys()];
  // Typed arrays, not an object per matching document: at 1M passages a query can touch 100k+.
  const ids = new Uint32Array(touched.length);
  const finals = new Float64Array(touched.length);
  const lowMasks = new Uint32Array(touched.length);
  const highMasks = new Uint32Array(touched.length);
  let count = 0;
  for (const doc of touched) {
    const mask = groupMasks[doc]!;
    if ((scoring.combineWith === 'OR' || mask === allGroups) && covers(mask)) {
      ids[count] = doc;
      finals[count] = scores[doc]! * (popcount(low[doc]!) + popcount(high[doc]!));
      lowMasks[count] = low[doc]!;
      highMasks[count] = high[doc]!;
      count++;
    }
    scores[doc] = 0;
    low[doc] = 0;
    high[doc] = 0;
    groupMasks[doc] = 0;
    seen[doc] = 0;
  }
  return lazilySorted(count, ids, finals, lowMasks, highMasks, terms, state);
}

/** Yields documents by descending score (ties: first seen first) from a heap built in O(n). */
function* lazilySorted(
  n: number,
  ids: Uint32Array,
  finals: Float64Array,
  lowMasks: Uint32Array,
  highMasks: Uint32Array,
  terms: readonly string[],
  state: MiniSearchInternals,
): Generator<ScoredDocument> {
  const heap = new Int32Array(n);
  for (let i = 0; i < n; i++) heap[i] = i;
  const better = (a: number, b: number): boolean =>
    finals[a]! > finals[b]! || (finals[a] === finals[b] && a < b);
  const siftDown = (start: number, size: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      let best = left;
      if (left + 1 < size && better(heap[left + 1]!, heap[left]!)) best = left + 1;
      if (!better(heap[best]!, heap[i]!)) return;
      const swap = heap[i]!;
      heap[i] = heap[best]!;
      heap[best] = swap;
      i = best;
    }
  };
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(i, n);
  let size = n;
  while (size > 0) {
    const top = heap[0]!;
    size--;
    heap[0] = heap[size]!;
    siftDown(0, size);
    const lowMask = lowMasks[top]!;
    const highMask = highMasks[top]!;
    const matched: string[] = [];
    terms.forEach((term, bit) => {
      if (bit < 32 ? (lowMask >>> bit) & 1 : (highMask >>> (bit - 32)) & 1) matched.push(term);
    });
    yield { id: state._documentIds.get(ids[top]!) as string, score: finals[top]!, terms: matched };
  }
}
