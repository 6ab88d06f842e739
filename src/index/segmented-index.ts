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
 */
import { MiniSearchIndex, type TermStatistics } from './minisearch-index.js';
import type { IndexHit, IndexedPassage, SearchIndex, TermGroupSearch } from './search-index.js';

/**
 * Passages a segment grows to before a new month opens another: small enough that a segment's
 * JSON stays far below V8's longest string (~512 MB; ~1.7 kB of JSON per passage), large enough
 * that the per-segment cost of a search (MiniSearch's fuzzy walk of each segment's term tree)
 * stays small.
 */
const DEFAULT_SEGMENT_PASSAGES = 100_000;

/** The month key of undated passages. */
const UNDATED = 'undated';

/** One segment: its index and months, and the token of its persisted file (null: changed). */
interface Segment {
  readonly id: string;
  index: MiniSearchIndex;
  readonly months: Set<string>;
  token: string | null;
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

  constructor(options: { readonly segmentPassages?: number } = {}) {
    this.segmentPassages = options.segmentPassages ?? DEFAULT_SEGMENT_PASSAGES;
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
        index: new MiniSearchIndex(),
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
    let count = 0;
    for (const segment of this.segments.values()) count += segment.index.fieldFrequencies(term)[0];
    return count;
  }

  /** The corpus-wide statistics, frequencies summed over the segments once per term. */
  statistics(): TermStatistics {
    let documentCount = 0;
    let textSum = 0;
    let titleSum = 0;
    const segments = [...this.segments.values()];
    for (const { index } of segments) {
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

  /** One segment's hits for `query`, scored with `global` (null: the only segment). */
  searchSegment(id: string, query: TermGroupSearch, global: TermStatistics | null): IndexHit[] {
    return this.segments.get(id)?.index.searchWith(query, global) ?? [];
  }

  search(query: TermGroupSearch): Promise<IndexHit[]> {
    const ids = this.segmentsFor(query);
    const nonEmpty = [...this.segments.values()].filter((s) => s.index.passageCount > 0).length;
    // A lone segment's own statistics are the corpus's: MiniSearch's scores stand as they are.
    const global = nonEmpty <= 1 ? null : this.statistics();
    return Promise.resolve(
      mergeHits(
        ids.map((id) => this.searchSegment(id, query, global)),
        query.limit,
      ),
    );
  }

  /** Ids of the segments changed since they were last persisted (see `persisted`). */
  changedSegments(): string[] {
    return [...this.segments.values()].filter((s) => s.token === null).map((s) => s.id);
  }

  /** The segment holding article `docId`'s passages, if any. */
  segmentOf(docId: string): string | undefined {
    return this.segmentOfDoc.get(docId)?.id;
  }

  /** One segment's index as JSON text (MiniSearchIndex.toJSON). */
  segmentJSON(id: string): string {
    const segment = this.segments.get(id);
    if (segment === undefined) throw new RangeError(`no segment ${id}`);
    return segment.index.toJSON();
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
  static fromTable(table: SegmentTable): SegmentedIndex {
    const index = new SegmentedIndex({ segmentPassages: table.segmentPassages });
    index.nextId = table.nextId;
    for (const { id, months, token } of table.segments) {
      const segment: Segment = { id, index: new MiniSearchIndex(), months: new Set(months), token };
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
}

/** Hit lists of segments merged into one ranking, best first, at most `limit`. */
function mergeHits(lists: readonly (readonly IndexHit[])[], limit: number): IndexHit[] {
  if (lists.length === 1) return lists[0]!.slice(0, limit);
  // Stable: ties keep segment order.
  return lists
    .flat()
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
