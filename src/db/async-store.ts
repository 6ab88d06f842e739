/**
 * A synchronous SQLite store seen through the promise-returning interface its PostgreSQL twin
 * has, so the code above them (scheduler, feed poller, commands) is written once for both.
 */

/** Methods `M` of store `S`, each returning a promise of what the synchronous one returns. */
export type AsyncStore<S, M extends keyof S> = {
  readonly [K in M]: S[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<R>
    : never;
};

/**
 * Wraps `methods` of a synchronous `store`. Each call runs on a later microtask, as a query to a
 * shared database would, and a throw becomes a rejected promise.
 *
 * @example
 * const storage = asyncStore(new FeedStore(db), ['all', 'add'] as const);
 * const feeds = await storage.all();
 */
export function asyncStore<S extends object, M extends keyof S>(
  store: S,
  methods: readonly M[],
): AsyncStore<S, M> {
  const wrapped: Partial<Record<M, unknown>> = {};
  for (const method of methods) {
    const call = store[method] as (...args: unknown[]) => unknown;
    wrapped[method] = (...args: unknown[]) => Promise.resolve().then(() => call.apply(store, args));
  }
  return wrapped as AsyncStore<S, M>;
}
