/**
 * The scorer over a PostingIndex for the answer path's query shape (groups of alternative
 * terms, each term optionally with prefix and fuzzy expansions).
 *
 * It scores as MiniSearch.search would over the same documents for that query tree: BM25 per
 * field and derived term, prefix and fuzzy weights, OR/AND combination, the final score
 * multiplied by the number of distinct query terms matched (test/search/reference.test.ts
 * checks this against a real MiniSearch). It accumulates into typed arrays instead of
 * allocating a result object per matching document and per term, and orders the results
 * lazily with a heap: the answer path reads a few hundred of what can be hundreds of
 * thousands of matches at 1M passages. Ties keep MiniSearch's order (first seen first).
 * Document frequencies count live documents only, as in MiniSearch after a vacuum.
 */
import { IndexHeap } from './heap.js';
import { DEAD_SLOT, type PostingIndex } from './postings.js';

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
   * At most this many prefix and fuzzy expansions per term, the nearest (highest weight, then
   * most frequent) kept. Unlimited by default, as in MiniSearch; at 1M passages a 3-letter stem
   * such as "pro" prefixes ~10,000 words.
   */
  readonly maxExpansions?: number;
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
  /** The document's slot in the PostingIndex. */
  readonly slot: number;
  readonly score: number;
  /** Distinct query terms matched, in query order. */
  readonly terms: readonly string[];
}

/** MiniSearch's defaults for expansion weights and the fuzzy distance cap. */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const MAX_FUZZY = 6;
/** Distinct terms (bits) and groups a query may have; later groups of a larger query are dropped. */
const MAX_TERMS = 64;
const MAX_GROUPS = 32;

/** Prefix and fuzzy expansions of a term, per index version: questions repeat their words. */
interface Expansions {
  version: number;
  readonly entries: Map<string, readonly (readonly [number, number])[]>;
}
const expansionCache = new WeakMap<PostingIndex, Expansions>();
const EXPANSION_CACHE_LIMIT = 20_000;

/** Memoised `make` for `key` while the index is unchanged: [term id, weight] pairs. */
function expansionsOf(
  index: PostingIndex,
  key: string,
  make: () => (readonly [number, number])[],
): readonly (readonly [number, number])[] {
  let cache = expansionCache.get(index);
  if (cache === undefined || cache.version !== index.version) {
    cache = { version: index.version, entries: new Map() };
    expansionCache.set(index, cache);
  }
  let found = cache.entries.get(key);
  if (found === undefined) {
    found = make();
    if (cache.entries.size >= EXPANSION_CACHE_LIMIT) cache.entries.clear();
    cache.entries.set(key, found);
  }
  return found;
}

/** Slots per block of accumulators (24 bytes each: 1.5 MB, which stays in cache). */
const BLOCK_SLOTS = 1 << 16;

/** The postings of one term in one field and segment, with what a posting of it adds. */
interface Run {
  readonly docs: Uint32Array;
  readonly tfs: Uint8Array;
  /** Next position to read. */
  cursor: number;
  readonly end: number;
  readonly lengths: Uint32Array;
  readonly average: number;
  readonly factor: number;
  readonly lowBit: number;
  readonly highBit: number;
  readonly groupBit: number;
  /** Whether the run may touch documents no earlier run touched. */
  readonly insert: boolean;
}

/**
 * Scratch accumulators, reused across queries and sized to the index: per slot one 24-byte
 * record — its score (a float64), matched-term bits 0–31 and 32–63, matched-group bits and a
 * touched flag (uint32s) — so a posting touches one cache line, not five; and the touched
 * slots. Records are read through two views of one buffer: `scores[slot * 3]` and
 * `masks[slot * 6 + 2 ..  + 5]`.
 */
let scratch: { scores: Float64Array; masks: Uint32Array; touched: Uint32Array } | null = null;

function scratchFor(size: number): NonNullable<typeof scratch> {
  if (scratch === null || scratch.touched.length < size) {
    const capacity = Math.max(size, Math.ceil((scratch?.touched.length ?? 0) * 1.5), 1_024);
    const records = new ArrayBuffer(capacity * 24);
    scratch = {
      scores: new Float64Array(records),
      masks: new Uint32Array(records),
      touched: new Uint32Array(capacity),
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
 * and returns the matching documents best first, lazily. Of a query with more than 32 groups
 * or 64 distinct terms, the groups past those limits are ignored. `blockSlots` (tests only)
 * changes the accumulator block size, which must not change any result.
 */
export function scoreGroups(
  index: PostingIndex,
  allGroupsOfQuery: readonly (readonly string[])[],
  scoring: GroupScoring,
  blockSlots = BLOCK_SLOTS,
): Iterable<ScoredDocument> {
  const termBits = new Map<string, number>();
  const groups: (readonly string[])[] = [];
  for (const group of allGroupsOfQuery) {
    const fresh = new Set(group.filter((term) => !termBits.has(term)));
    if (groups.length === MAX_GROUPS || termBits.size + fresh.size > MAX_TERMS) break;
    for (const term of fresh) termBits.set(term, termBits.size);
    groups.push(group);
  }
  const fieldCount = scoring.fieldBoosts.length;
  const { scores, masks, touched } = scratchFor(index.slotCount);
  let touchedCount = 0;
  const total = index.documentCount;
  const { k, b, d } = scoring.bm25;

  // Postings are read as runs (one term, one field, one segment), then applied block by
  // block of slots so the accumulators being written stay in cache: at 1M passages they are
  // 24 MB, and a posting list scattered over all of them costs a cache miss per posting.
  // Within a block the runs go in query order, so each document's score adds up in the same
  // order as run by run. A run marked `insert: false` only updates documents already touched:
  // once the groups still to come cannot lift a document none of the earlier groups matched to
  // the coverage floor (or, with AND, after the first group). Heavier groups go first so this
  // happens early.
  const runs: Run[] = [];
  let insert = true;
  const addPostings = (termId: number, weight: number, bit: number, groupBit: number): void => {
    for (let fieldId = 0; fieldId < fieldCount; fieldId++) {
      const df = index.documentFrequency(fieldId, termId);
      if (df === 0) continue;
      const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
      for (const segment of index.segments(fieldId)) {
        if (termId + 1 >= segment.offsets.length) continue;
        const start = segment.offsets[termId]!;
        const end = segment.offsets[termId + 1]!;
        if (start === end) continue;
        runs.push({
          docs: segment.docs,
          tfs: segment.tfs,
          cursor: start,
          end,
          lengths: index.lengths(fieldId),
          average: index.averageLength(fieldId),
          factor: weight * scoring.fieldBoosts[fieldId]! * idf,
          lowBit: bit < 32 ? (1 << bit) >>> 0 : 0,
          highBit: bit >= 32 ? (1 << (bit - 32)) >>> 0 : 0,
          groupBit,
          insert,
        });
      }
    }
  };

  const coverage = scoring.coverage;
  const order = groups.map((_, g) => g);
  const weightOf = (g: number): number => coverage?.weights[g] ?? 0;
  if (coverage !== undefined && coverage.total > 0)
    order.sort((x, y) => weightOf(y) - weightOf(x) || x - y);
  let remaining = order.reduce((sum, g) => sum + weightOf(g), 0);
  order.forEach((g, position) => {
    const group = groups[g]!;
    insert =
      (scoring.combineWith === 'OR' || position === 0) &&
      (coverage === undefined ||
        coverage.total <= 0 ||
        remaining / coverage.total >= coverage.min * (1 - 1e-9));
    remaining -= weightOf(g);
    const groupBit = (1 << g) >>> 0;
    for (const term of group) {
      const bit = termBits.get(term)!;
      const exact = index.termId(term);
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
        const limit = scoring.maxExpansions ?? Infinity;
        const key = `${prefix ? 'p' : ''}${maxDistance}:${limit}:${term}`;
        const expansions = expansionsOf(index, key, () => {
          const out: [number, number][] = [];
          const prefixed = new Set<number>();
          if (prefix) {
            index.forEachTermWithPrefix(term, (termId, length) => {
              const distance = length - term.length;
              if (distance === 0) return;
              prefixed.add(termId);
              out.push([termId, (PREFIX_WEIGHT * length) / (length + 0.3 * distance)]);
            });
          }
          if (maxDistance > 0) {
            index.forEachTermNear(term, maxDistance, (termId, length, distance) => {
              if (distance === 0 || prefixed.has(termId)) return;
              out.push([termId, (FUZZY_WEIGHT * length) / (length + distance)]);
            });
          }
          if (out.length <= limit) return out;
          const frequency = (termId: number): number => index.documentFrequency(0, termId);
          return out
            .sort((x, y) => y[1] - x[1] || frequency(y[0]) - frequency(x[0]) || x[0] - y[0])
            .slice(0, limit);
        });
        for (const [termId, weight] of expansions) addPostings(termId, weight, bit, groupBit);
      }
    }
  });

  const slotCount = index.slotCount;
  for (let blockEnd = blockSlots; ; blockEnd += blockSlots) {
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      const { docs, tfs, end, lengths, average, factor, lowBit, highBit, groupBit } = run;
      let i = run.cursor;
      for (; i < end; i++) {
        const doc = docs[i]!;
        if (doc >= blockEnd) break;
        const at = doc * 6;
        const length = lengths[doc]!;
        if (length === DEAD_SLOT) continue;
        if (masks[at + 5] === 0) {
          if (!run.insert) continue;
          // The first run to touch a document, plus one: ties are ordered by it.
          masks[at + 5] = r + 1;
          touched[touchedCount++] = doc;
        }
        const tf = tfs[i]!;
        scores[doc * 3] =
          scores[doc * 3]! +
          factor * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / average)));
        masks[at + 2] = masks[at + 2]! | lowBit;
        masks[at + 3] = masks[at + 3]! | highBit;
        masks[at + 4] = masks[at + 4]! | groupBit;
      }
      run.cursor = i;
    }
    if (blockEnd >= slotCount) break;
  }

  const allGroups = groups.length === 32 ? 0xffff_ffff : ((1 << groups.length) >>> 0) - 1;
  // A query has few distinct group masks among its matches: decide each once.
  const coverageOfMask = new Map<number, boolean>();
  const covers = (mask: number): boolean => {
    if (coverage === undefined) return true;
    let decided = coverageOfMask.get(mask);
    if (decided === undefined) {
      let sum = 0;
      for (let g = 0; g < coverage.weights.length; g++)
        if ((mask >>> g) & 1) sum += coverage.weights[g]!;
      decided = (coverage.total === 0 ? 0 : sum / coverage.total) >= coverage.min;
      coverageOfMask.set(mask, decided);
    }
    return decided;
  };
  const terms = [...termBits.keys()];
  // Typed arrays, not an object per matching document: at 1M passages a query can touch 100k+.
  const slots = new Uint32Array(touchedCount);
  const firsts = new Uint32Array(touchedCount);
  const finals = new Float64Array(touchedCount);
  const lowMasks = new Uint32Array(touchedCount);
  const highMasks = new Uint32Array(touchedCount);
  let count = 0;
  for (let i = 0; i < touchedCount; i++) {
    const doc = touched[i]!;
    const at = doc * 6;
    const mask = masks[at + 4]!;
    if ((scoring.combineWith === 'OR' || mask === allGroups) && covers(mask)) {
      slots[count] = doc;
      firsts[count] = masks[at + 5]!;
      finals[count] = scores[doc * 3]! * (popcount(masks[at + 2]!) + popcount(masks[at + 3]!));
      lowMasks[count] = masks[at + 2]!;
      highMasks[count] = masks[at + 3]!;
      count++;
    }
    scores[doc * 3] = 0;
    masks[at + 2] = 0;
    masks[at + 3] = 0;
    masks[at + 4] = 0;
    masks[at + 5] = 0;
  }
  return lazilySorted(count, slots, firsts, finals, lowMasks, highMasks, terms);
}

/**
 * Yields documents by descending score from a heap built in O(n); ties go to the document
 * first touched by an earlier run, then to the lower slot (MiniSearch's first-seen order).
 */
function* lazilySorted(
  n: number,
  slots: Uint32Array,
  firsts: Uint32Array,
  finals: Float64Array,
  lowMasks: Uint32Array,
  highMasks: Uint32Array,
  terms: readonly string[],
): Generator<ScoredDocument> {
  const better = (a: number, b: number): boolean =>
    finals[a]! > finals[b]! ||
    (finals[a] === finals[b] &&
      (firsts[a]! < firsts[b]! || (firsts[a] === firsts[b] && slots[a]! < slots[b]!)));
  const heap = IndexHeap.ofRange(n, better);
  for (let top = heap.pop(); top >= 0; top = heap.pop()) {
    const lowMask = lowMasks[top]!;
    const highMask = highMasks[top]!;
    const matched: string[] = [];
    terms.forEach((term, bit) => {
      if (bit < 32 ? (lowMask >>> bit) & 1 : (highMask >>> (bit - 32)) & 1) matched.push(term);
    });
    yield { slot: slots[top]!, score: finals[top]!, terms: matched };
  }
}
