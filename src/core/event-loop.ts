/** Resolves on the event loop's next turn (after pending I/O), so long work done in slices lets interactions through. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Longest run of work between two turns of the event loop for `pauseEvery`, ms. */
const WORK_SLICE_MS = 10;

/**
 * A `pause` for sliced work (Library.upsertAsync, compact) that yields to the event loop only
 * once `sliceMs` have passed since it last did, so small steps cost nothing and a busy server
 * waits at most about one slice.
 */
export function pauseEvery(sliceMs: number = WORK_SLICE_MS): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await yieldToEventLoop();
    since = performance.now();
  };
}

/**
 * Runs CPU-bound jobs one at a time, each on its own turn of the event loop, so I/O waiting
 * in between (new interactions to acknowledge, replies to send) is never held up behind a
 * backlog of them: 200 questions arriving at once are all acknowledged first.
 */
export class TurnQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Queues `job`; resolves (or rejects) with its result once it has run. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(yieldToEventLoop).then(job);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
