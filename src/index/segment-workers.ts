/**
 * Segments of the in-process index held and searched in worker threads (INDEX_WORKERS), so
 * segments are searched, restored and serialized side by side on several cores and MiniSearch's
 * work leaves the main thread's event loop free. Each worker (src/index/segment-worker.ts) owns
 * some segments' MiniSearchIndex instances. Messages to a worker are handled in the order they
 * are posted, so adds and removes are posted without waiting and a later search sees them.
 *
 * A search is one exchange per worker holding segments in range: the worker runs MiniSearch's
 * stage 1 on its segments and names the terms it found (prefix and fuzzy expansions are only
 * known there); the main thread answers with their corpus-wide frequencies, which it keeps
 * (SegmentedIndex); the worker scores and returns its best hits.
 *
 * A worker that stops (an exception, out of memory) fails every pending and later request with
 * an IndexWorkerError instead of leaving it waiting. Workers keep the process alive only while
 * a request waits for them, so a pool never holds up an exit; `close` ends them.
 */
import type { Worker } from 'node:worker_threads';
import { VerbatimError } from '../core/errors.js';
import { startWorker, workerEntry } from '../core/worker.js';
import type { IndexedPassage, IndexHit, TermGroupSearch } from './search-index.js';

/** A worker of the index stopped, or the pool was closed: the index cannot answer. */
export class IndexWorkerError extends VerbatimError {
  override readonly name = 'IndexWorkerError';
}

/** A search as posted: the prefix and fuzzy functions as tables of the query's terms. */
export type WireQuery = Omit<TermGroupSearch, 'prefix' | 'fuzzy'> & {
  /** The terms `prefix` holds for (absent: no prefix function). */
  readonly prefixTerms?: readonly string[];
  /** Each term's `fuzzy` value (absent: no fuzzy function). */
  readonly fuzzyTerms?: readonly (readonly [string, number | false])[];
};

/** What the main thread keeps of a segment restored in a worker. */
export interface RestoredSegment {
  readonly averageLengths: [number, number];
  /** Each term some passage holds, with its document frequency in the text and the title. */
  readonly terms: readonly string[];
  readonly text: Int32Array;
  readonly title: Int32Array;
  /** The passages' keys: article ids and ordinals, pairwise. */
  readonly docIds: readonly string[];
  readonly ordinals: Int32Array;
}

/** Corpus-wide statistics a search's worker scores with, besides term frequencies. */
export interface GlobalCounts {
  readonly documentCount: number;
  readonly averageLengths: readonly [number, number];
}

/** A message to a worker. */
export type ToWorker =
  | { op: 'add' | 'remove'; segment: number; passages: readonly IndexedPassage[] }
  | { op: 'drop'; segment: number }
  | {
      op: 'search';
      request: number;
      segments: readonly number[];
      query: WireQuery;
      /** Null: the segments' own statistics are the corpus's (one segment in all). */
      global: GlobalCounts | null;
    }
  /** The text and title frequencies of the terms a search named, pairwise in its order. */
  | { op: 'frequencies'; request: number; frequencies: Float64Array }
  | { op: 'json'; request: number; segment: number }
  | { op: 'restore'; request: number; segment: number; bytes: Uint8Array };

/** A worker's reply to the request of the same number. */
export type ToMain =
  | { request: number; hits: IndexHit[] }
  | { request: number; needs: string[] }
  | { request: number; json: string }
  | { request: number; restored: RestoredSegment }
  | { request: number; error: string };

/**
 * Segments searched one after another, `search(i, atLeast)` searching the i-th, and their hits
 * merged (mergeHits). Each is told the score a hit must reach to matter: the `limit`-th best
 * among the hits found so far, which a hit below it can no longer displace (0 until `limit`
 * hits are found). A segment's stage 2 leaves unread the passages that cannot reach it.
 */
export function searchInTurn(
  count: number,
  search: (i: number, atLeast: number) => readonly IndexHit[],
  limit: number,
): IndexHit[] {
  // The best `limit` so far, merged in as each segment answers: the same ranking as merging
  // every list at the end (the sort is stable, so ties still keep segment order).
  let best: IndexHit[] = [];
  for (let i = 0; i < count; i++) {
    const atLeast = best.length >= limit ? best[limit - 1]!.score : 0;
    best = mergeHits([best, search(i, atLeast)], limit);
  }
  return best;
}

/** Hit lists of segments merged into one ranking, best first, at most `limit`. */
export function mergeHits(lists: readonly (readonly IndexHit[])[], limit: number): IndexHit[] {
  if (lists.length === 1) return lists[0]!.slice(0, limit);
  // Stable: ties keep segment order.
  return lists
    .flat()
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** The module each worker runs. */
const ENTRY = workerEntry('segment-worker', import.meta.url);

/** One worker and the requests waiting for it. */
interface Slot {
  readonly worker: Worker;
  readonly waiting: Map<number, (reply: ToMain) => void>;
  readonly failures: Map<number, (error: IndexWorkerError) => void>;
  /** Segments assigned to it. */
  segments: number;
  failure: IndexWorkerError | null;
}

/** A pool of segment workers. */
export class SegmentWorkers {
  private readonly slots: Slot[] = [];
  private readonly slotOf = new Map<number, Slot>();
  private nextSegment = 0;
  private nextRequest = 0;

  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`a pool needs at least one worker, got ${count}`);
    for (let i = 0; i < count; i++) this.slots.push(this.spawn(i));
  }

  private spawn(number: number): Slot {
    const worker = startWorker(ENTRY);
    const slot: Slot = {
      worker,
      waiting: new Map(),
      failures: new Map(),
      segments: 0,
      failure: null,
    };
    let cause: unknown = null;
    worker.on('message', (reply: ToMain) => slot.waiting.get(reply.request)?.(reply));
    worker.on('error', (error) => (cause = error));
    worker.on('messageerror', (error) => (cause = error));
    worker.on('exit', (code) =>
      this.fail(
        slot,
        new IndexWorkerError(
          `index worker ${number} stopped (exit code ${code})${cause === null ? '' : `: ${String(cause)}`}`,
        ),
      ),
    );
    // After the listeners: a 'message' listener refs the worker again.
    worker.unref();
    return slot;
  }

  /** Fails `slot`'s waiting requests and every later one with `error`. */
  private fail(slot: Slot, error: IndexWorkerError): void {
    slot.failure ??= error;
    const failures = [...slot.failures.values()];
    slot.waiting.clear();
    slot.failures.clear();
    for (const reject of failures) reject(slot.failure);
  }

  /**
   * Posts `message` (a request numbered `request`) and resolves with what `onReply` makes of
   * the replies: it returns a value to settle, or undefined to wait for another reply.
   */
  private exchange<T>(
    slot: Slot,
    request: number,
    message: ToWorker,
    onReply: (reply: ToMain) => T | undefined,
    transfer: ArrayBuffer[] = [],
  ): Promise<T> {
    if (slot.failure !== null) return Promise.reject(slot.failure);
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        slot.waiting.delete(request);
        slot.failures.delete(request);
        // Idle workers must not keep the process alive.
        if (slot.waiting.size === 0) slot.worker.unref();
      };
      slot.waiting.set(request, (reply) => {
        try {
          if ('error' in reply) throw new IndexWorkerError(`index worker failed: ${reply.error}`);
          const value = onReply(reply);
          if (value === undefined) return;
          settle();
          resolve(value);
        } catch (error) {
          settle();
          reject(error as Error);
        }
      });
      slot.failures.set(request, reject);
      if (slot.waiting.size === 1) slot.worker.ref();
      slot.worker.postMessage(message, transfer);
    });
  }

  /** A new segment's number; its worker is the one holding the fewest segments. */
  assign(): number {
    const segment = this.nextSegment++;
    const slot = this.slots.reduce((a, b) => (b.segments < a.segments ? b : a));
    slot.segments++;
    this.slotOf.set(segment, slot);
    return segment;
  }

  private slot(segment: number): Slot {
    const slot = this.slotOf.get(segment);
    if (slot === undefined) throw new RangeError(`no segment ${segment} in the pool`);
    return slot;
  }

  /** The number of the worker holding `segment`. */
  workerOf(segment: number): number {
    return this.slots.indexOf(this.slot(segment));
  }

  /** Adds passages to a segment (without waiting: a later request sees them). */
  add(segment: number, passages: readonly IndexedPassage[]): void {
    this.slot(segment).worker.postMessage({ op: 'add', segment, passages } satisfies ToWorker);
  }

  /** Removes passages from a segment (see `add`). */
  remove(segment: number, passages: readonly IndexedPassage[]): void {
    this.slot(segment).worker.postMessage({ op: 'remove', segment, passages } satisfies ToWorker);
  }

  /** Lets go of a segment (an index that is not used after all). */
  drop(segment: number): void {
    const slot = this.slot(segment);
    slot.worker.postMessage({ op: 'drop', segment } satisfies ToWorker);
    slot.segments--;
    this.slotOf.delete(segment);
  }

  /**
   * Each worker's best hits over its `segments` for `query`, scored with `global` counts and the
   * corpus-wide `frequencies` of the terms a worker names (text and title, pairwise), or with
   * the segments' own statistics when `global` is null.
   */
  search(
    segments: readonly number[],
    query: TermGroupSearch,
    global: GlobalCounts | null,
    frequencies: (terms: readonly string[]) => Float64Array,
  ): Promise<IndexHit[][]> {
    const bySlot = new Map<Slot, number[]>();
    for (const segment of segments) {
      const slot = this.slot(segment);
      const list = bySlot.get(slot);
      if (list === undefined) bySlot.set(slot, [segment]);
      else list.push(segment);
    }
    const wire = wireQuery(query);
    return Promise.all(
      [...bySlot].map(([slot, ids]) => {
        const request = this.nextRequest++;
        return this.exchange(
          slot,
          request,
          { op: 'search', request, segments: ids, query: wire, global },
          (reply) => {
            if ('hits' in reply) return reply.hits;
            if ('needs' in reply) {
              const found = frequencies(reply.needs);
              slot.worker.postMessage(
                { op: 'frequencies', request, frequencies: found } satisfies ToWorker,
                [found.buffer as ArrayBuffer],
              );
            }
            return undefined;
          },
        );
      }),
    );
  }

  /** A segment's index as JSON text (MiniSearchIndex.toJSON), made in its worker. */
  json(segment: number): Promise<string> {
    const request = this.nextRequest++;
    return this.exchange(this.slot(segment), request, { op: 'json', request, segment }, (reply) =>
      'json' in reply ? reply.json : undefined,
    );
  }

  /**
   * Restores a segment in its worker from `bytes`, the UTF-8 of MiniSearchIndex.toJSON (the
   * worker decodes and parses it). Bytes that fill their buffer are handed over, not copied:
   * the caller must not use them afterwards.
   */
  restore(segment: number, bytes: Uint8Array): Promise<RestoredSegment> {
    const request = this.nextRequest++;
    const own =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes
        : bytes.slice();
    return this.exchange(
      this.slot(segment),
      request,
      { op: 'restore', request, segment, bytes: own },
      (reply) => ('restored' in reply ? reply.restored : undefined),
      [own.buffer as ArrayBuffer],
    );
  }

  /** Ends the workers; pending and later requests fail with an IndexWorkerError. */
  async close(): Promise<void> {
    for (const slot of this.slots) this.fail(slot, new IndexWorkerError('the index is closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}

/** `query` as it is posted: its prefix and fuzzy functions evaluated on its terms. */
function wireQuery(query: TermGroupSearch): WireQuery {
  const { prefix, fuzzy, ...rest } = query;
  // MiniSearch asks the functions about each query term after its tokenizer (a split at spaces).
  const terms = [...new Set(query.groups.flat().flatMap((term) => [term, ...term.split(' ')]))];
  return {
    ...rest,
    ...(prefix === undefined ? {} : { prefixTerms: terms.filter((term) => prefix(term)) }),
    ...(fuzzy === undefined
      ? {}
      : { fuzzyTerms: terms.map((term): [string, number | false] => [term, fuzzy(term)]) }),
  };
}
