/** Resolves on the event loop's next turn (after pending I/O), so long work done in slices lets interactions through. */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));
