/**
 * The in-process SearchIndex as several MiniSearch indexes (segments), each over the passages of
 * a run of publication months, so that each persists in its own file (one MiniSearch JSON over a
 * million passages is past V8's longest string), is written again only when its articles change,
 * and is skipped by a question whose date range misses its months.
 *
 * Months are grouped in publication order up to a passage cap: a month seen for the first time
 * joins the segment of the nearest earlier month (else the nearest later one) while that segment
 * holds fewer than `segmentPassages` passages, and opens a new segment otherwise. Articles come
 * in any order (a folder of files by outlet sees every month early), so a build first plans the
 * new months from their passage counts (`planMonths`), in date order. A month never moves, so an
 * article always lands in the same segment. Undated passages have a segment of
 * their own (they fail any date bound).
 *
 * Every segment scores with the corpus-wide statistics (frequencies summed over the segments,
 * passage count, average field lengths), so the merged ranking is the one a single MiniSearch
 * over all passages would give (up to the order of floating-point additions and of ties).
 *
 * With a pool of workers (src/index/segment-workers.ts) the segments' MiniSearch indexes live in
 * the workers and are searched there side by side; the main thread keeps what the synchronous
 * parts of SearchIndex need: the segment table, each segment's passage keys and field-length
 * sums, and the corpus-wide document frequency of every term per field, kept from the passages
 * added and removed and from each restored segment's term table.
 */
import { MiniSearchIndex, type TermStatistics } from './minisearch-index.js';
import type { IndexHit, IndexedPassage, SearchIndex, TermGroupSearch } from './search-index.js';
import {
  mergeHits,
  searchInTurn,
  type GlobalCounts,
  type RestoredSegment,
  type SegmentWorkers,
} from './segment-workers.js';

/**
 * Passages a segment grows to before a new month opens another: small enough that a segment's
 * JSON stays far below V8's longest string (~512 MB; ~1.7 kB of JSON per passage), large enough
 * that the per-segment cost of a search (MiniSearch's fuzzy walk of each segment's term tree)
 * stays small.
 */
const DEFAULT_SEGMENT_PASSAGES = 100_000;

/** Items of a restored segment's tables taken between two pauses. */
const RESTORE_SLICE = 20_000;

/** The month key of undated passages. */
const UNDATED = 'undated';

/** One segment: its index and months, and the token of its persisted file (null: changed). */
interface Segment {
  readonly id: string;
  index: MiniSearchIndex | WorkerSegment;
  readonly months: Set<string>;
  token: string | null;
}

/** Each distinct term of `terms` once. */
function distinct(terms: readonly string[]): Set<string> {
  return new Set(terms);
}

/** Corpus-wide document frequencies per field, by term (the main thread's, with workers). */
class FrequencyTable {
  private readonly ids = new Map<string, number>();
  private text: Int32Array = new Int32Array(1024);
  private title: Int32Array = new Int32Array(1024);

  /** Moves `term`'s frequencies by `text` and `title`. */
  move(term: string, text: number, title: number): void {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(term, id);
      if (id >= this.text.length) {
        const grown = (old: Int32Array): Int32Array => {
          const next = new Int32Array(old.length * 2);
          next.set(old);
          return next;
        };
        this.text = grown(this.text);
        this.title = grown(this.title);
      }
    }
    this.text[id]! += text;
    this.title[id]! += title;
  }

  get(term: string): readonly [number, number] {
    const id = this.ids.get(term);
    return id === undefined ? [0, 0] : [this.text[id]!, this.title[id]!];
  }
}

/**
 * What the main thread keeps of a segment held in a worker: passage keys, passage count and
 * field-length sums; its adds and removes are posted to the worker and counted in `table`.
 */
class WorkerSegment {
  passageCount = 0;
  /** Distinct terms of the text and of the title, summed over the passages. */
  readonly lengthSums: [number, number] = [0, 0];
  private readonly ordinals = new Map<string, Set<number>>();

  constructor(
    readonly number: number,
    private readonly workers: SegmentWorkers,
    private readonly table: FrequencyTable,
  ) {}

  add(passages: readonly IndexedPassage[]): void {
    for (const passage of passages) {
      let held = this.ordinals.get(passage.docId);
      if (held === undefined) this.ordinals.set(passage.docId, (held = new Set()));
      held.add(passage.ordinal);
      this.count(passage, 1);
    }
    this.workers.add(this.number, passages);
  }

  remove(passages: readonly IndexedPassage[]): void {
    const held: IndexedPassage[] = [];
    for (const passage of passages) {
      const ordinals = this.ordinals.get(passage.docId);
      if (ordinals?.delete(passage.ordinal) !== true) continue;
      if (ordinals.size === 0) this.ordinals.delete(passage.docId);
      this.count(passage, -1);
      held.push(passage);
    }
    if (held.length > 0) this.workers.remove(this.number, held);
  }

  private count(passage: IndexedPassage, delta: 1 | -1): void {
    const text = distinct(passage.textTerms);
    const title = distinct(passage.titleTerms);
    for (const term of text) this.table.move(term, delta, 0);
    for (const term of title) this.table.move(term, 0, delta);
    this.lengthSums[0] += delta * text.size;
    this.lengthSums[1] += delta * title.size;
    this.passageCount += delta;
  }

  /** Takes the figures of the segment as its worker restored it, yielding between slices. */
  *restored(segment: RestoredSegment): Generator<void> {
    for (let i = 0; i < segment.terms.length; i++) {
      this.table.move(segment.terms[i]!, segment.text[i]!, segment.title[i]!);
      if ((i + 1) % RESTORE_SLICE === 0) yield;
    }
    for (let i = 0; i < segment.docIds.length; i++) {
      const docId = segment.docIds[i]!;
      let held = this.ordinals.get(docId);
      if (held === undefined) this.ordinals.set(docId, (held = new Set()));
      held.add(segment.ordinals[i]!);
      if ((i + 1) % RESTORE_SLICE === 0) yield;
    }
    this.passageCount = segment.docIds.length;
    this.lengthSums[0] = segment.averageLengths[0] * this.passageCount;
    this.lengthSums[1] = segment.averageLengths[1] * this.passageCount;
  }

  holds(docId: string): boolean {
    return this.ordinals.has(docId);
  }

  docIds(): IterableIterator<string> {
    return this.ordinals.keys();
  }
}

/** What the segment table persists besides each segment's own file. */
export interface SegmentTable {
  readonly segmentPassages: number;
  readonly nextId: number;
  /** Per segment: id, months, token of its file. */
  readonly segments: readonly { id: string; months: string[]; token: string }[];
}

/** The month key of a passage date. */
function monthOf(date: string | null): string {
  return date === null ? UNDATED : date.slice(0, 7);
}

/** Whether any of `months` falls within the date bounds. */
function overlaps(months: Set<string>, since: string | undefined, until: string | undefined) {
  const low = since?.slice(0, 7);
  const high = until?.slice(0, 7);
  for (const month of months) {
    if (month === UNDATED) {
      if (low === undefined && high === undefined) return true;
      continue;
    }
    if ((low === undefined || month >= low) && (high === undefined || month <= high)) return true;
  }
  return false;
}

/** The segmented MiniSearch SearchIndex. */
export class SegmentedIndex implements SearchIndex {
  private readonly segments = new Map<string, Segment>();
  private readonly segmentOfMonth = new Map<string, Segment>();
  private readonly segmentOfDoc = new Map<string, Segment>();
  private nextId = 0;
  readonly segmentPassages: number;
  /** The pool holding the segments' indexes; null: they are in this thread. */
  private readonly workers: SegmentWorkers | null;
  /** With workers: the corpus-wide document frequencies (see the module comment). */
  private readonly frequencies = new FrequencyTable();

  constructor(
    options: { readonly segmentPassages?: number; readonly workers?: SegmentWorkers } = {},
  ) {
    this.segmentPassages = options.segmentPassages ?? DEFAULT_SEGMENT_PASSAGES;
    this.workers = options.workers ?? null;
  }

  /** A new segment's index: in this thread, or in a worker. */
  private newIndex(): MiniSearchIndex | WorkerSegment {
    return this.workers === null
      ? new MiniSearchIndex()
      : new WorkerSegment(this.workers.assign(), this.workers, this.frequencies);
  }

  get passageCount(): number {
    let count = 0;
    for (const segment of this.segments.values()) count += segment.index.passageCount;
    return count;
  }

  /** Segments, in creation order. */
  get segmentCount(): number {
    return this.segments.size;
  }

  add(passages: Iterable<IndexedPassage>): void {
    let batch: IndexedPassage[] = [];
    let batchSegment: Segment | null = null;
    const flush = (): void => {
      if (batchSegment === null || batch.length === 0) return;
      batchSegment.index.add(batch);
      batchSegment.token = null;
      batch = [];
    };
    for (const passage of passages) {
      const segment = this.segmentFor(monthOf(passage.date), batch.length);
      if (segment !== batchSegment) {
        flush();
        batchSegment = segment;
      }
      batch.push(passage);
      this.segmentOfDoc.set(passage.docId, segment);
    }
    flush();
  }

  remove(passages: Iterable<IndexedPassage>): void {
    const bySegment = new Map<Segment, IndexedPassage[]>();
    for (const passage of passages) {
      const segment = this.segmentOfDoc.get(passage.docId);
      if (segment === undefined) continue;
      let list = bySegment.get(segment);
      if (list === undefined) bySegment.set(segment, (list = []));
      list.push(passage);
    }
    for (const [segment, list] of bySegment) {
      segment.index.remove(list);
      segment.token = null;
      for (const { docId } of list)
        if (!segment.index.holds(docId)) this.segmentOfDoc.delete(docId);
    }
  }

  /**
   * Assigns the months of `passages` (month → passage count, as estimated before adding them)
   * not yet assigned, in date order, so consecutive months share segments up to the cap
   * whatever order the passages are then added in.
   */
  planMonths(passages: ReadonlyMap<string | null, number>): void {
    const counts = new Map<string, number>();
    for (const [date, count] of passages) {
      const month = monthOf(date);
      if (!this.segmentOfMonth.has(month)) counts.set(month, (counts.get(month) ?? 0) + count);
    }
    const planned = new Map<Segment, number>();
    for (const month of [...counts.keys()].sort()) {
      const count = counts.get(month)!;
      const segment = this.segmentFor(month, count, (s) => planned.get(s) ?? 0, false);
      planned.set(segment, (planned.get(segment) ?? 0) + count);
    }
  }

  /**
   * The segment of `month`, opening or extending one for a month seen for the first time, whose
   * `pending` passages are about to be added; `planned` passages of a segment are not added yet.
   */
  private segmentFor(
    month: string,
    pending: number,
    planned: (segment: Segment) => number = () => 0,
    later = true,
  ): Segment {
    const known = this.segmentOfMonth.get(month);
    if (known !== undefined) return known;
    let segment: Segment | undefined;
    if (month !== UNDATED) {
      let previous: string | undefined;
      let next: string | undefined;
      for (const other of this.segmentOfMonth.keys()) {
        if (other === UNDATED) continue;
        if (other < month && (previous === undefined || other > previous)) previous = other;
        if (later && other > month && (next === undefined || other < next)) next = other;
      }
      for (const neighbour of [previous, next]) {
        const candidate = neighbour === undefined ? undefined : this.segmentOfMonth.get(neighbour);
        if (
          candidate !== undefined &&
          candidate.index.passageCount + planned(candidate) + pending <= this.segmentPassages &&
          !candidate.months.has(UNDATED)
        ) {
          segment = candidate;
          break;
        }
      }
    }
    if (segment === undefined) {
      segment = {
        id: String(this.nextId++),
        index: this.newIndex(),
        months: new Set(),
        token: null,
      };
      this.segments.set(segment.id, segment);
    }
    segment.months.add(month);
    this.segmentOfMonth.set(month, segment);
    return segment;
  }

  documentFrequency(term: string): number {
    if (this.workers !== null) return this.frequencies.get(term)[0];
    let count = 0;
    for (const { index } of this.segments.values())
      if (index instanceof MiniSearchIndex) count += index.fieldFrequencies(term)[0];
    return count;
  }

  /** Passages and average field lengths over the segments held in workers. */
  private globalCounts(): GlobalCounts {
    let documentCount = 0;
    const sums: [number, number] = [0, 0];
    for (const { index } of this.segments.values()) {
      if (!(index instanceof WorkerSegment)) continue;
      documentCount += index.passageCount;
      sums[0] += index.lengthSums[0];
      sums[1] += index.lengthSums[1];
    }
    return {
      documentCount,
      averageLengths:
        documentCount === 0 ? [0, 0] : [sums[0] / documentCount, sums[1] / documentCount],
    };
  }

  /** The corpus-wide statistics, frequencies summed over the segments once per term. */
  statistics(): TermStatistics {
    if (this.workers !== null) {
      const { documentCount, averageLengths } = this.globalCounts();
      return { documentCount, averageLengths, frequencies: (term) => this.frequencies.get(term) };
    }
    let documentCount = 0;
    let textSum = 0;
    let titleSum = 0;
    const segments = [...this.segments.values()];
    for (const { index } of segments) {
      if (!(index instanceof MiniSearchIndex)) continue;
      const count = index.passageCount;
      documentCount += count;
      textSum += index.averageFieldLengths[0] * count;
      titleSum += index.averageFieldLengths[1] * count;
    }
    const averageLengths: [number, number] =
      documentCount === 0 ? [0, 0] : [textSum / documentCount, titleSum / documentCount];
    const known = new Map<string, readonly [number, number]>();
    return {
      documentCount,
      averageLengths,
      frequencies(term) {
        let found = known.get(term);
        if (found === undefined) {
          const sum: [number, number] = [0, 0];
          for (const { index } of segments) {
            if (!(index instanceof MiniSearchIndex)) continue;
            const [text, title] = index.fieldFrequencies(term);
            sum[0] += text;
            sum[1] += title;
          }
          known.set(term, (found = sum));
        }
        return found;
      },
    };
  }

  /** The segments a search with these filters must ask: those holding passages in its range. */
  segmentsFor(query: TermGroupSearch): string[] {
    const { since, until } = query.filters ?? {};
    return [...this.segments.values()]
      .filter((s) => s.index.passageCount > 0 && overlaps(s.months, since, until))
      .map((s) => s.id);
  }

  /**
   * One segment's hits for `query`, scored with `global` (null: the only segment), those
   * scoring under `atLeast` left out (see searchInTurn).
   */
  private searchSegment(
    id: string,
    query: TermGroupSearch,
    global: TermStatistics | null,
    atLeast: number,
  ): IndexHit[] {
    const index = this.segments.get(id)?.index;
    return index instanceof MiniSearchIndex ? index.searchWith(query, global, atLeast) : [];
  }

  search(query: TermGroupSearch): Promise<IndexHit[]> {
    const ids = this.segmentsFor(query);
    const nonEmpty = [...this.segments.values()].filter((s) => s.index.passageCount > 0).length;
    if (this.workers !== null) return this.searchWorkers(ids, query, nonEmpty <= 1);
    // A lone segment's own statistics are the corpus's: MiniSearch's scores stand as they are.
    const global = nonEmpty <= 1 ? null : this.statistics();
    return Promise.resolve(
      searchInTurn(
        ids.length,
        (i, atLeast) => this.searchSegment(ids[i]!, query, global, atLeast),
        query.limit,
      ),
    );
  }

  /** `search` with the segments in workers, each worker searching its segments in `ids`. */
  private async searchWorkers(
    ids: readonly string[],
    query: TermGroupSearch,
    alone: boolean,
  ): Promise<IndexHit[]> {
    if (ids.length === 0 || query.groups.length === 0 || query.limit <= 0) return [];
    const numbers = ids.map((id) => (this.segments.get(id)!.index as WorkerSegment).number);
    const lists = await this.workers!.search(
      numbers,
      query,
      alone ? null : this.globalCounts(),
      (terms) => {
        const found = new Float64Array(2 * terms.length);
        terms.forEach((term, i) => {
          const [text, title] = this.frequencies.get(term);
          found[2 * i] = text;
          found[2 * i + 1] = title;
        });
        return found;
      },
    );
    return mergeHits(lists, query.limit);
  }

  /** Ids of the segments changed since they were last persisted (see `persisted`). */
  changedSegments(): string[] {
    return [...this.segments.values()].filter((s) => s.token === null).map((s) => s.id);
  }

  /** The segment holding article `docId`'s passages, if any. */
  segmentOf(docId: string): string | undefined {
    return this.segmentOfDoc.get(docId)?.id;
  }

  /** One segment's index as JSON text (MiniSearchIndex.toJSON), made in its worker if any. */
  segmentJSON(id: string): Promise<string> {
    const segment = this.segments.get(id);
    if (segment === undefined) throw new RangeError(`no segment ${id}`);
    const index = segment.index;
    return index instanceof MiniSearchIndex
      ? Promise.resolve(index.toJSON())
      : this.workers!.json(index.number);
  }

  /** Records that segment `id` is persisted as it is now, in a file known by `token`. */
  persisted(id: string, token: string): void {
    const segment = this.segments.get(id);
    if (segment !== undefined) segment.token = token;
  }

  /** The segment table (every segment must be persisted: see `changedSegments`). */
  table(): SegmentTable {
    return {
      segmentPassages: this.segmentPassages,
      nextId: this.nextId,
      segments: [...this.segments.values()].map((s) => {
        if (s.token === null) throw new RangeError(`segment ${s.id} is not persisted`);
        return { id: s.id, months: [...s.months], token: s.token };
      }),
    };
  }

  /** An empty index with `table`'s segments, to be filled by `restoreSegment`. */
  static fromTable(table: SegmentTable, workers?: SegmentWorkers): SegmentedIndex {
    const index = new SegmentedIndex({
      segmentPassages: table.segmentPassages,
      ...(workers === undefined ? {} : { workers }),
    });
    index.nextId = table.nextId;
    for (const { id, months, token } of table.segments) {
      const segment: Segment = { id, index: index.newIndex(), months: new Set(months), token };
      index.segments.set(id, segment);
      for (const month of months) index.segmentOfMonth.set(month, segment);
    }
    return index;
  }

  /** Puts a persisted segment's index in place (see `fromTable`). */
  restoreSegment(id: string, restored: MiniSearchIndex): void {
    const segment = this.segments.get(id);
    if (segment === undefined) throw new RangeError(`no segment ${id}`);
    segment.index = restored;
    for (const docId of restored.docIds()) this.segmentOfDoc.set(docId, segment);
  }

  /** Whether the segments are held in worker threads. */
  get inWorkers(): boolean {
    return this.workers !== null;
  }

  /**
   * The segments in the order to restore them, newest months first (a Library served while it
   * loads answers from the latest news first), one list per worker (their restores run side by
   * side), or one list without workers; undated passages come last.
   */
  restoreLists(): string[][] {
    const newest = (segment: Segment): string => {
      let latest = '';
      for (const month of segment.months) if (month !== UNDATED && month > latest) latest = month;
      return latest;
    };
    const ordered = [...this.segments.values()]
      .map((segment) => ({ segment, latest: newest(segment) }))
      .sort((a, b) => (a.latest < b.latest ? 1 : a.latest > b.latest ? -1 : 0));
    const lists = new Map<number, string[]>();
    for (const { segment } of ordered) {
      const worker =
        segment.index instanceof WorkerSegment ? this.workers!.workerOf(segment.index.number) : 0;
      const list = lists.get(worker);
      if (list === undefined) lists.set(worker, [segment.id]);
      else list.push(segment.id);
    }
    return [...lists.values()];
  }

  /**
   * Restores segment `id` in its worker from `json`, the UTF-8 bytes of its MiniSearchIndex
   * JSON (handed over: not to be used afterwards), awaiting `pause` between slices of taking
   * its figures here (see `fromTable`).
   */
  async restoreSegmentInWorker(
    id: string,
    json: Uint8Array,
    pause: () => Promise<void>,
  ): Promise<void> {
    const segment = this.segments.get(id);
    if (segment === undefined || !(segment.index instanceof WorkerSegment))
      throw new RangeError(`no segment ${id} in a worker`);
    const index = segment.index;
    const restored = await this.workers!.restore(index.number, json);
    for (const _ of index.restored(restored)) await pause();
    for (const docId of index.docIds()) this.segmentOfDoc.set(docId, segment);
  }

  /**
   * Lets go of every segment's index, the workers' too: an index not used after all, or whose
   * load failed, searches nothing afterwards.
   */
  discard(): void {
    for (const segment of this.segments.values()) {
      if (segment.index instanceof WorkerSegment) this.workers!.drop(segment.index.number);
      segment.index = new MiniSearchIndex();
    }
    this.segmentOfDoc.clear();
  }

  /** Ends the workers holding the segments, if any; the index cannot search afterwards. */
  async close(): Promise<void> {
    await this.workers?.close();
  }
}
