/**
 * A binary heap of small integers (indexes into the caller's arrays), in a typed array of fixed
 * capacity, ordered by the caller's `before`: the answer path's same-article decay pops a few best of
 * many.
 */
export class IndexHeap {
  private readonly items: Int32Array;
  private size = 0;

  /** @param before whether index `a` comes out before index `b` */
  constructor(
    capacity: number,
    private readonly before: (a: number, b: number) => boolean,
  ) {
    this.items = new Int32Array(capacity);
  }

  /** Adds an index (the heap holds at most its capacity). */
  push(item: number): void {
    const items = this.items;
    let at = this.size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(item, items[parent]!)) break;
      items[at] = items[parent]!;
      at = parent;
    }
    items[at] = item;
  }

  /** How many indexes the heap holds. */
  get length(): number {
    return this.size;
  }

  /** The first index, left in, or -1 when empty. */
  peek(): number {
    return this.size === 0 ? -1 : this.items[0]!;
  }

  /** Takes out the first index, or returns -1 when empty. */
  pop(): number {
    if (this.size === 0) return -1;
    const items = this.items;
    const top = items[0]!;
    this.size--;
    if (this.size > 0) {
      items[0] = items[this.size]!;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const size = this.size;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      let best = left;
      if (left + 1 < size && this.before(items[left + 1]!, items[left]!)) best = left + 1;
      if (!this.before(items[best]!, items[i]!)) return;
      const swap = items[i]!;
      items[i] = items[best]!;
      items[best] = swap;
      i = best;
    }
  }
}
