/**
 * Prefix and edit-distance lookup over an index's terms kept in sorted order, in place of a
 * radix tree. The sorted terms are packed: their UTF-16 code units side by side in one typed
 * array, with each term's offset and the length of the prefix it shares with the term before
 * it. That costs ~25 bytes per term where MiniSearch's tree cost ~250, and a lookup reads
 * memory in order instead of chasing a pointer per tree node and string.
 *
 * The edit-distance search is the radix-tree algorithm run over the sorted list (Steve
 * Hanov's, as in MiniSearch's SearchableMap): one Levenshtein row per character of a term,
 * rows shared with the previous term for their common prefix, and every term under a prefix
 * skipped at once when that prefix is already too far from the query.
 */

/** Terms added after the main run was packed are packed apart until they outgrow this share of it. */
const RECENT_SHARE = 1 / 8;
/** ... or this many terms, whichever is more. */
const RECENT_MIN = 1_024;
/** Shared-prefix lengths are stored in a byte; longer ones are cut (only weakens skipping). */
const MAX_SHARED = 0xff;

/**
 * A visitor of matching terms: the term's id, its length in UTF-16 code units, and its edit
 * distance from the query (0 for prefix matches).
 */
export type TermVisitor = (id: number, length: number, distance: number) => void;

/** Terms in sorted order, packed. */
class PackedRun {
  readonly size: number;
  /** Code units of every term, in order. */
  private readonly units: Uint16Array;
  /** Term i is units[starts[i], starts[i + 1]). */
  private readonly starts: Uint32Array;
  /** Code units term i shares with term i - 1 (capped at MAX_SHARED); 0 for the first. */
  private readonly shared: Uint8Array;

  /** @param ids term ids in sorted order of their terms */
  constructor(
    private readonly ids: Uint32Array,
    terms: readonly string[],
  ) {
    this.size = ids.length;
    let total = 0;
    for (const id of ids) total += terms[id]!.length;
    this.units = new Uint16Array(total);
    this.starts = new Uint32Array(ids.length + 1);
    this.shared = new Uint8Array(ids.length);
    let at = 0;
    let previous = '';
    for (let i = 0; i < ids.length; i++) {
      const term = terms[ids[i]!]!;
      this.starts[i] = at;
      for (let k = 0; k < term.length; k++) this.units[at++] = term.charCodeAt(k);
      let common = 0;
      const most = Math.min(term.length, previous.length, MAX_SHARED);
      while (common < most && term.charCodeAt(common) === previous.charCodeAt(common)) common++;
      this.shared[i] = common;
      previous = term;
    }
    this.starts[ids.length] = at;
  }

  /** Ids in order, as given. */
  get order(): Uint32Array {
    return this.ids;
  }

  /** The first position whose term is not below `key` (UTF-16 code-unit order). */
  private lowerBound(key: string): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.compareAt(mid, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private compareAt(position: number, key: string): number {
    const start = this.starts[position]!;
    const length = this.starts[position + 1]! - start;
    const most = Math.min(length, key.length);
    for (let k = 0; k < most; k++) {
      const difference = this.units[start + k]! - key.charCodeAt(k);
      if (difference !== 0) return difference;
    }
    return length - key.length;
  }

  forEachWithPrefix(prefix: string, visit: TermVisitor): void {
    const first = this.lowerBound(prefix);
    if (first >= this.size || !this.startsWith(first, prefix)) return;
    // The terms after it start with the prefix while they share at least its length with
    // the term before them.
    for (let i = first; i < this.size; i++) {
      if (i > first) {
        const stillPrefixed =
          prefix.length <= MAX_SHARED
            ? this.shared[i]! >= prefix.length
            : this.startsWith(i, prefix);
        if (!stillPrefixed) break;
      }
      visit(this.ids[i]!, this.starts[i + 1]! - this.starts[i]!, 0);
    }
  }

  private startsWith(position: number, prefix: string): boolean {
    const start = this.starts[position]!;
    if (this.starts[position + 1]! - start < prefix.length) return false;
    for (let k = 0; k < prefix.length; k++)
      if (this.units[start + k] !== prefix.charCodeAt(k)) return false;
    return true;
  }

  forEachNear(query: string, maxDistance: number, visit: TermVisitor): void {
    const { units, starts, shared, size } = this;
    const n = query.length + 1;
    // A term longer than the query by more than maxDistance never matches, and row
    // maxRows + 1 (an empty band, its first cell past maxDistance) always prunes: longer terms
    // are skipped by their prefix.
    const maxRows = query.length + maxDistance;
    const matrix = new Uint16Array((maxRows + 2) * n).fill(maxDistance + 1);
    for (let j = 0; j < n; j++) matrix[j] = j;
    for (let i = 1; i <= maxRows + 1; i++) matrix[i * n] = i;
    const codes = new Uint16Array(query.length);
    for (let j = 0; j < query.length; j++) codes[j] = query.charCodeAt(j);
    // Rows 1..validRows hold the distances for the previous term's first validRows units.
    let validRows = 0;
    let position = 0;
    outer: while (position < size) {
      const start = starts[position]!;
      const length = starts[position + 1]! - start;
      const limit = Math.min(length, maxRows + 1);
      const first = Math.min(validRows, shared[position]!, limit);
      for (let i = first + 1; i <= limit; i++) {
        const code = units[start + i - 1]!;
        const row = n * i;
        const above = row - n;
        let minDistance = matrix[row]!;
        const jmin = Math.max(0, i - maxDistance - 1);
        const jmax = Math.min(n - 1, i + maxDistance);
        for (let j = jmin; j < jmax; j++) {
          const replace = matrix[above + j]! + (code === codes[j] ? 0 : 1);
          const remove = matrix[above + j + 1]! + 1;
          const insert = matrix[row + j]! + 1;
          const least = replace < remove ? replace : remove;
          const distance = least < insert ? least : insert;
          matrix[row + j + 1] = distance;
          if (distance < minDistance) minDistance = distance;
        }
        if (minDistance > maxDistance) {
          // No term starting with this term's first i units comes back within reach: skip
          // every following term that shares them.
          validRows = i - 1;
          position++;
          while (position < size && shared[position]! >= i) position++;
          continue outer;
        }
      }
      validRows = limit;
      if (length <= maxRows) {
        const distance = matrix[length * n + n - 1]!;
        if (distance <= maxDistance) visit(this.ids[position]!, length, distance);
      }
      position++;
    }
  }
}

/** Sorted, packed views of a growing list of terms, ids being positions in that list. */
export class SortedTerms {
  private main: PackedRun;
  /** Ids of terms added since `main` was packed, and their run once packed (lazily). */
  private recent: number[] = [];
  private recentRun: PackedRun | null = null;

  /**
   * @param terms the index's term list, read (never changed) here; it may grow after.
   * @param sortedCount how many leading terms are in sorted order already (a loaded index's).
   */
  constructor(
    private readonly terms: readonly string[],
    sortedCount: number,
  ) {
    const ids = new Uint32Array(terms.length);
    for (let id = 0; id < terms.length; id++) ids[id] = id;
    const later = ids.subarray(sortedCount).sort((a, b) => compare(terms[a]!, terms[b]!));
    this.main = new PackedRun(mergeSorted(ids.subarray(0, sortedCount), later, terms), terms);
  }

  /** Records a term appended to the term list. */
  add(id: number): void {
    this.recent.push(id);
    this.recentRun = null;
    if (this.recent.length > Math.max(RECENT_MIN, this.main.size * RECENT_SHARE)) {
      const later = Uint32Array.from(this.recent).sort((a, b) =>
        compare(this.terms[a]!, this.terms[b]!),
      );
      this.main = new PackedRun(mergeSorted(this.main.order, later, this.terms), this.terms);
      this.recent = [];
    }
  }

  /** Visits every term starting with `prefix` (itself included). */
  forEachWithPrefix(prefix: string, visit: TermVisitor): void {
    for (const run of this.runs()) run.forEachWithPrefix(prefix, visit);
  }

  /** Visits every term within `maxDistance` edits (Levenshtein) of `query`. */
  forEachNear(query: string, maxDistance: number, visit: TermVisitor): void {
    for (const run of this.runs()) run.forEachNear(query, maxDistance, visit);
  }

  private runs(): PackedRun[] {
    if (this.recent.length === 0) return [this.main];
    if (this.recentRun === null) {
      const ids = Uint32Array.from(this.recent).sort((a, b) =>
        compare(this.terms[a]!, this.terms[b]!),
      );
      this.recentRun = new PackedRun(ids, this.terms);
    }
    return [this.main, this.recentRun];
  }
}

/** Ordering by UTF-16 code units, as Array.prototype.sort and `<` order strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two sorted id lists merged into one. */
function mergeSorted(a: Uint32Array, b: Uint32Array, terms: readonly string[]): Uint32Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const merged = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let at = 0;
  while (i < a.length && j < b.length)
    merged[at++] = compare(terms[a[i]!]!, terms[b[j]!]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) merged[at++] = a[i++]!;
  while (j < b.length) merged[at++] = b[j++]!;
  return merged;
}
