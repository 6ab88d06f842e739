/**
 * The inverted index behind a Library: term → documents, in typed arrays.
 *
 * MiniSearch keeps a Map per term and field with an entry per posting, so a million passages
 * cost ~4 KB of heap each and a snapshot load rebuilds tens of millions of Map entries. Here
 * postings live in compressed-sparse-row segments (an offsets array per field, then document
 * numbers and term frequencies packed side by side), so a posting costs 5 bytes, a whole list
 * is scanned as one typed-array slice and a snapshot is loaded by copying bytes.
 *
 * Documents are numbered by slot in the order they are added and never renumbered while the
 * index lives (a removed document leaves a dead slot); new postings go to a pending log that is
 * turned into a small delta segment when queried and merged into the base segment once it grows
 * past an eighth of it, so an added file costs work in proportion to its size, not the corpus.
 *
 * Term lookup by prefix and by edit distance runs over the terms in sorted order
 * (src/search/sorted-terms.ts); it finds exactly the terms MiniSearch's radix tree finds.
 */
import { SortedTerms, type TermVisitor } from './sorted-terms.js';
import { runSteps, type Steps } from '../core/steps.js';

/** Length marking a removed document's slot. */
export const DEAD_SLOT = 0xffff_ffff;
/** Term frequencies are stored in a byte: a passage holds at most a few hundred words. */
const MAX_TF = 0xff;
/** The pending log is merged into the base segment once it holds this share of its postings. */
const MERGE_SHARE = 1 / 8;

/** A growable typed array. */
class Growable<T extends Uint32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (size: number) => T,
  ) {}

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Ensures index `at` exists (zero-filled) and sets it. */
  set(at: number, value: number): void {
    if (at >= this.data.length) this.grow(at + 1);
    if (at >= this.length) this.length = at + 1;
    this.data[at] = value;
  }

  private grow(minimum: number): void {
    const next = this.make(Math.max(minimum, this.data.length * 2, 1_024));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** The filled part (a view, invalidated by the next growth). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

const growU32 = (): Growable<Uint32Array> =>
  new Growable(new Uint32Array(0), (n) => new Uint32Array(n));
const growU8 = (): Growable<Uint8Array> =>
  new Growable(new Uint8Array(0), (n) => new Uint8Array(n));

/**
 * Posting lists of one field in compressed-sparse-row form: the list of term t is
 * `docs[offsets[t] .. offsets[t + 1])` with its frequencies at the same positions in `tfs`,
 * documents ascending. Terms numbered past `offsets.length - 2` have no list here.
 */
export interface FieldPostings {
  readonly offsets: Uint32Array;
  readonly docs: Uint32Array;
  readonly tfs: Uint8Array;
}

/** One field's pending postings, in the order they were added. */
interface PendingLog {
  readonly terms: Growable<Uint32Array>;
  readonly docs: Growable<Uint32Array>;
  readonly tfs: Growable<Uint8Array>;
}

/** Everything an index is made of, as persisted (see src/search/persist.ts). */
export interface IndexParts {
  readonly fieldCount: number;
  /** Terms by id. */
  readonly terms: readonly string[];
  /** Per field: length (distinct terms) of each document by slot; DEAD_SLOT when removed. */
  readonly lengths: readonly Uint32Array[];
  /** Per field: live documents containing each term, by term id. */
  readonly frequencies: readonly Uint32Array[];
  /** Per field, the postings of every live document. */
  readonly postings: readonly FieldPostings[];
}

/** Loop iterations between two pauses of a background merge (~1 ms of work). */
const MERGE_STEP = 1 << 16;

/** A prefix of a pending log, as typed arrays (later pushes do not change it). */
interface PendingPrefix {
  readonly terms: Uint32Array;
  readonly docs: Uint32Array;
  readonly tfs: Uint8Array;
  readonly count: number;
}

/** The entries of `log` from `from` on, as a new log. */
function tailOf(log: PendingLog, from: number): PendingLog {
  const tail: PendingLog = { terms: growU32(), docs: growU32(), tfs: growU8() };
  for (let i = from; i < log.terms.length; i++) {
    tail.terms.push(log.terms.data[i]!);
    tail.docs.push(log.docs.data[i]!);
    tail.tfs.push(log.tfs.data[i]!);
  }
  return tail;
}

function prefixOf(log: PendingLog): PendingPrefix {
  return { terms: log.terms.data, docs: log.docs.data, tfs: log.tfs.data, count: log.terms.length };
}

/**
 * Builds a field's CSR lists from an optional older segment and a pending log, documents
 * `alive` only, yielding every MERGE_STEP iterations so a background merge can pause.
 */
function* buildFieldPostingsInSteps(
  termCount: number,
  base: FieldPostings | null,
  pending: PendingPrefix,
  alive: (doc: number) => boolean,
): Steps<FieldPostings> {
  let work = 0;
  const offsets = new Uint32Array(termCount + 1);
  const baseTerms = base === null ? 0 : base.offsets.length - 1;
  if (base !== null) {
    for (let t = 0; t < baseTerms; t++) {
      let count = 0;
      for (let i = base.offsets[t]!; i < base.offsets[t + 1]!; i++)
        if (alive(base.docs[i]!)) count++;
      offsets[t + 1] = count;
      if ((work += base.offsets[t + 1]! - base.offsets[t]! + 1) >= MERGE_STEP) {
        work = 0;
        yield;
      }
    }
  }
  const { terms: pendingTerms, docs: pendingDocs, tfs: pendingTfs, count: pendingCount } = pending;
  for (let i = 0; i < pendingCount; i++) {
    if (alive(pendingDocs[i]!)) offsets[pendingTerms[i]! + 1]!++;
    if (++work >= MERGE_STEP) {
      work = 0;
      yield;
    }
  }
  for (let t = 0; t < termCount; t++) offsets[t + 1]! += offsets[t]!;
  const total = offsets[termCount]!;
  const docs = new Uint32Array(total);
  const tfs = new Uint8Array(total);
  const cursor = offsets.slice(0, termCount);
  yield;
  if (base !== null) {
    for (let t = 0; t < baseTerms; t++) {
      let at = cursor[t]!;
      for (let i = base.offsets[t]!; i < base.offsets[t + 1]!; i++) {
        const doc = base.docs[i]!;
        if (!alive(doc)) continue;
        docs[at] = doc;
        tfs[at] = base.tfs[i]!;
        at++;
      }
      cursor[t] = at;
      if ((work += base.offsets[t + 1]! - base.offsets[t]! + 1) >= MERGE_STEP) {
        work = 0;
        yield;
      }
    }
  }
  for (let i = 0; i < pendingCount; i++) {
    const doc = pendingDocs[i]!;
    if (alive(doc)) {
      const at = cursor[pendingTerms[i]!]!++;
      docs[at] = doc;
      tfs[at] = pendingTfs[i]!;
    }
    if (++work >= MERGE_STEP) {
      work = 0;
      yield;
    }
  }
  return { offsets, docs, tfs };
}

/** buildFieldPostingsInSteps run to the end at once, over the live documents of `lengths`. */
function buildFieldPostings(
  termCount: number,
  base: FieldPostings | null,
  pending: PendingLog,
  lengths: Uint32Array,
): FieldPostings {
  return runSteps(
    buildFieldPostingsInSteps(
      termCount,
      base,
      prefixOf(pending),
      (doc) => lengths[doc] !== DEAD_SLOT,
    ),
  );
}

/** An inverted index over documents with `fieldCount` fields, each a bag of terms. */
export class PostingIndex {
  /**
   * Term ids: terms [0, sortedTerms) are in sorted order (as loaded from a snapshot) and found
   * by binary search; later terms are in `termIds`. A loaded index so needs no Map of its
   * ~1M terms, which took a tenth of a 1M start-up to build.
   */
  private readonly termIds = new Map<string, number>();
  private sortedTerms = 0;
  private readonly termList: string[] = [];
  private lookup: SortedTerms | null = null;
  private readonly lengthsByField: Growable<Uint32Array>[] = [];
  private readonly frequenciesByField: Growable<Uint32Array>[] = [];
  private readonly lengthSums: number[] = [];
  private live = 0;
  private base: FieldPostings[] | null = null;
  private delta: FieldPostings[] | null = null;
  private readonly pending: PendingLog[] = [];
  private basePostings = 0;
  /** Slots that existed when the base was built, and how many of them died since. */
  private baseSlots = 0;
  private deadInBase = 0;
  /** Bumped by every change, so caches keyed on it know when to drop their entries. */
  version = 0;
  /** Bumped by every merge, so a background merge started before one gives up. */
  private merges = 0;
  private compacting = false;
  /** The slot being filled between beginDocument and endDocument, or -1. */
  private open = -1;

  constructor(readonly fieldCount: number) {
    for (let f = 0; f < fieldCount; f++) {
      this.lengthsByField.push(growU32());
      this.frequenciesByField.push(growU32());
      this.lengthSums.push(0);
      this.pending.push({ terms: growU32(), docs: growU32(), tfs: growU8() });
    }
  }

  /** An index from persisted parts, terms sorted as toParts gives them (arrays used, not copied). */
  static fromParts(parts: IndexParts): PostingIndex {
    const index = new PostingIndex(parts.fieldCount);
    for (const term of parts.terms) index.termList.push(term);
    index.sortedTerms = parts.terms.length;
    for (let f = 0; f < parts.fieldCount; f++) {
      const lengths = parts.lengths[f]!;
      const frequencies = parts.frequencies[f]!;
      index.lengthsByField[f] = new Growable(lengths, (n) => new Uint32Array(n));
      index.lengthsByField[f]!.length = lengths.length;
      index.frequenciesByField[f] = new Growable(frequencies, (n) => new Uint32Array(n));
      index.frequenciesByField[f]!.length = frequencies.length;
      let sum = 0;
      let live = 0;
      for (const length of lengths) {
        if (length === DEAD_SLOT) continue;
        sum += length;
        live++;
      }
      index.lengthSums[f] = sum;
      index.live = live; // the same for every field
    }
    index.base = parts.fieldCount === 0 ? null : [...parts.postings];
    index.basePostings = parts.postings.reduce((sum, p) => sum + p.docs.length, 0);
    index.baseSlots = index.slotCount;
    return index;
  }

  /**
   * The index's parts with every pending posting merged and removed documents left out of the
   * postings, their slots renumbered away (`slots[old]` is the new slot, or -1 when removed),
   * and terms numbered in sorted order (so a loaded index's terms are found by binary search
   * and need no sorting for prefix and fuzzy lookups).
   */
  toParts(): { parts: IndexParts; slots: Int32Array } {
    this.merge();
    const slotCount = this.slotCount;
    const slots = new Int32Array(slotCount);
    let next = 0;
    const firstLengths = this.lengthsByField[0]?.view() ?? new Uint32Array(slotCount);
    for (let s = 0; s < slotCount; s++) slots[s] = firstLengths[s] === DEAD_SLOT ? -1 : next++;
    const lengths = this.lengthsByField.map((grow) => {
      const out = new Uint32Array(next);
      const view = grow.view();
      for (let s = 0; s < slotCount; s++) if (slots[s]! >= 0) out[slots[s]!] = view[s]!;
      return out;
    });
    const terms = [...this.termList].sort();
    const oldIds = Uint32Array.from(terms, (term) => this.termId(term)!);
    const postings = (this.base ?? []).map((field) => {
      const offsets = new Uint32Array(terms.length + 1);
      const docs = new Uint32Array(field.docs.length);
      const tfs = new Uint8Array(field.docs.length);
      const known = field.offsets.length - 1;
      let at = 0;
      for (let t = 0; t < terms.length; t++) {
        const old = oldIds[t]!;
        if (old < known) {
          for (let i = field.offsets[old]!; i < field.offsets[old + 1]!; i++) {
            docs[at] = slots[field.docs[i]!]!;
            tfs[at] = field.tfs[i]!;
            at++;
          }
        }
        offsets[t + 1] = at;
      }
      return { offsets, docs, tfs };
    });
    const frequencies = this.frequenciesByField.map((grow) => {
      const out = new Uint32Array(terms.length);
      const view = grow.view();
      for (let t = 0; t < terms.length; t++) out[t] = view[oldIds[t]!]!;
      return out;
    });
    return {
      parts: { fieldCount: this.fieldCount, terms, lengths, frequencies, postings },
      slots,
    };
  }

  /** Slots handed out so far, dead ones included. */
  get slotCount(): number {
    return this.lengthsByField[0]?.length ?? 0;
  }

  /** Live documents. */
  get documentCount(): number {
    return this.live;
  }

  /** The id of a term, or undefined when the index has never seen it. */
  termId(term: string): number | undefined {
    const added = this.termIds.get(term);
    if (added !== undefined || this.sortedTerms === 0) return added;
    let low = 0;
    let high = this.sortedTerms;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.termList[mid]! < term) low = mid + 1;
      else high = mid;
    }
    return low < this.sortedTerms && this.termList[low] === term ? low : undefined;
  }

  /** The id of a term, numbering it when new. */
  internTerm(term: string): number {
    let id = this.termId(term);
    if (id === undefined) {
      id = this.termList.length;
      this.termIds.set(term, id);
      this.termList.push(term);
      for (const frequencies of this.frequenciesByField) frequencies.set(id, 0);
      this.lookup?.add(id);
    }
    return id;
  }

  /** Starts a document and returns its slot; add its postings, then call endDocument. */
  beginDocument(): number {
    if (this.open >= 0) throw new Error('PostingIndex: a document is already open');
    this.open = this.slotCount;
    for (const lengths of this.lengthsByField) lengths.set(this.open, 0);
    return this.open;
  }

  /** Adds `tf` occurrences of term `termId` in `field` to the open document (once per term). */
  addPosting(field: number, termId: number, tf: number): void {
    const log = this.pending[field]!;
    log.terms.push(termId);
    log.docs.push(this.open);
    log.tfs.push(Math.min(tf, MAX_TF));
    const frequencies = this.frequenciesByField[field]!;
    frequencies.data[termId]!++;
    const lengths = this.lengthsByField[field]!;
    lengths.data[this.open]!++;
  }

  /** Closes the open document. */
  endDocument(): void {
    for (let f = 0; f < this.fieldCount; f++)
      this.lengthSums[f]! += this.lengthsByField[f]!.data[this.open]!;
    this.live++;
    this.open = -1;
    this.delta = null;
    this.version++;
  }

  /**
   * Removes the document in `slot`; `termsByField` are the distinct term ids it was added with,
   * per field (the index keeps no forward lists). Removing a dead slot does nothing.
   */
  removeDocument(slot: number, termsByField: readonly (readonly number[])[]): void {
    const first = this.lengthsByField[0]?.data[slot];
    if (first === undefined || first === DEAD_SLOT || slot >= this.slotCount) return;
    for (let f = 0; f < this.fieldCount; f++) {
      const lengths = this.lengthsByField[f]!;
      this.lengthSums[f]! -= lengths.data[slot]!;
      lengths.data[slot] = DEAD_SLOT;
      const frequencies = this.frequenciesByField[f]!.data;
      for (const termId of termsByField[f] ?? [])
        if (frequencies[termId]! > 0) frequencies[termId]!--;
    }
    this.live--;
    if (this.base !== null && slot < this.baseSlots) this.deadInBase++;
    this.delta = null;
    this.version++;
  }

  /** Per-slot lengths of a field (DEAD_SLOT for removed documents). */
  lengths(field: number): Uint32Array {
    return this.lengthsByField[field]!.data;
  }

  /** Live documents containing term `termId` in `field`. */
  documentFrequency(field: number, termId: number): number {
    return this.frequenciesByField[field]!.data[termId] ?? 0;
  }

  /** Average length of `field` over live documents. */
  averageLength(field: number): number {
    return this.live === 0 ? 0 : this.lengthSums[field]! / this.live;
  }

  /**
   * The segments holding `field`'s postings, oldest first; lists in a segment only include
   * documents live when it was built, so check `lengths` for DEAD_SLOT when reading them.
   */
  segments(field: number): readonly FieldPostings[] {
    this.seal();
    const out: FieldPostings[] = [];
    if (this.base !== null) out.push(this.base[field]!);
    if (this.delta !== null) out.push(this.delta[field]!);
    return out;
  }

  /** Makes pending postings searchable: a delta segment, or a merge when the log is large. */
  seal(): void {
    this.mergeIfLarge();
    if (this.delta === null && this.pendingPostings() > 0) {
      this.delta = this.pending.map((log, f) =>
        buildFieldPostings(this.termList.length, null, log, this.lengthsByField[f]!.data),
      );
    }
  }

  /**
   * Merges the pending log into the base now when there is no base yet, when the log has
   * grown past MERGE_SHARE of the base, or when too many base documents were removed. A live
   * index keeps under those limits with `compact`, which does the same work in slices.
   */
  mergeIfLarge(): void {
    const pending = this.pendingPostings();
    if (
      this.base === null
        ? pending > 0
        : pending > this.basePostings * MERGE_SHARE || this.deadInBase > this.deadSlotsTolerated()
    )
      this.merge();
  }

  /** Whether `compact` is due: the pending log or dead slots are past half of mergeIfLarge's limits. */
  needsCompaction(): boolean {
    if (this.base === null || this.compacting) return false;
    return (
      this.pendingPostings() > (this.basePostings * MERGE_SHARE) / 2 ||
      this.deadInBase > this.deadSlotsTolerated() / 2
    );
  }

  /**
   * Merges the pending log into the base in slices, awaiting `pause` (e.g. the event loop's
   * next turn) between slices of ~MERGE_STEP postings, while searches keep reading the old
   * base and delta. Documents added meanwhile stay pending; documents removed meanwhile are
   * merged in dead and counted as such. A synchronous merge in between (mergeIfLarge, toParts)
   * makes this one give up. Resolves when merged, or at once when a compaction is running.
   */
  async compact(pause: () => Promise<void>): Promise<void> {
    const oldBase = this.base;
    if (oldBase === null || this.compacting) return;
    this.compacting = true;
    try {
      const generation = this.merges;
      const slotsAtStart = this.slotCount;
      const lengths = this.lengthsByField[0]?.data ?? new Uint32Array(0);
      const deadAtStart = new Uint8Array(slotsAtStart);
      for (let s = 0; s < slotsAtStart; s++) deadAtStart[s] = lengths[s] === DEAD_SLOT ? 1 : 0;
      const termCount = this.termList.length;
      const prefixes = this.pending.map(prefixOf);
      const built: FieldPostings[] = [];
      for (let f = 0; f < this.fieldCount; f++) {
        const steps = buildFieldPostingsInSteps(
          termCount,
          oldBase[f] ?? null,
          prefixes[f]!,
          (doc) => deadAtStart[doc] === 0,
        );
        for (let step = steps.next(); ; step = steps.next()) {
          if (step.done === true) {
            built.push(step.value);
            break;
          }
          await pause();
          if (this.merges !== generation) return;
        }
      }
      const lengthsNow = this.lengthsByField[0]?.data ?? new Uint32Array(0);
      let diedSince = 0;
      for (let s = 0; s < slotsAtStart; s++)
        if (deadAtStart[s] === 0 && lengthsNow[s] === DEAD_SLOT) diedSince++;
      this.installBase(
        built,
        this.pending.map((log, f) => tailOf(log, prefixes[f]!.count)),
        slotsAtStart,
        diedSince,
      );
      this.version++;
    } finally {
      this.compacting = false;
    }
  }

  private pendingPostings(): number {
    // Every field's log counts: a passage of stop words has postings in its title only.
    return this.pending.reduce((sum, log) => sum + log.terms.length, 0);
  }

  /** Removed documents tolerated in the base before it is rebuilt without them. */
  private deadSlotsTolerated(): number {
    return Math.max(1_000, this.baseSlots * MERGE_SHARE);
  }

  /** Folds the pending log into the base segment, dropping removed documents. */
  private merge(): void {
    if (this.pendingPostings() === 0 && this.deadInBase === 0 && this.base !== null) return;
    const built = this.pending.map((log, f) =>
      buildFieldPostings(
        this.termList.length,
        this.base?.[f] ?? null,
        log,
        this.lengthsByField[f]!.data,
      ),
    );
    this.installBase(
      built,
      this.pending.map(() => ({ terms: growU32(), docs: growU32(), tfs: growU8() })),
      this.slotCount,
      0,
    );
  }

  /**
   * Makes `built` the base segment, `pending` what is still to merge, `baseSlots` the slots it
   * covers and `deadInBase` how many of them died without being left out of it.
   */
  private installBase(
    built: FieldPostings[],
    pending: PendingLog[],
    baseSlots: number,
    deadInBase: number,
  ): void {
    this.base = built;
    pending.forEach((log, f) => {
      this.pending[f] = log;
    });
    this.basePostings = built.reduce((sum, p) => sum + p.docs.length, 0);
    this.baseSlots = baseSlots;
    this.deadInBase = deadInBase;
    this.delta = null;
    this.merges++;
  }

  /** The sorted views of the terms, made on first use and kept up to date after. */
  private termLookup(): SortedTerms {
    this.lookup ??= new SortedTerms(this.termList, this.sortedTerms);
    return this.lookup;
  }

  /** Sorts the terms now (a loaded index's are sorted already; a built one's take ~0.1 s per 100k). */
  warm(): void {
    this.termLookup();
  }

  /** Visits the terms starting with `prefix` (itself included when present). */
  forEachTermWithPrefix(prefix: string, visit: TermVisitor): void {
    this.termLookup().forEachWithPrefix(prefix, visit);
  }

  /** Visits the terms within `maxDistance` edits of `term`, with their distances. */
  forEachTermNear(term: string, maxDistance: number, visit: TermVisitor): void {
    this.termLookup().forEachNear(term, maxDistance, visit);
  }
}
