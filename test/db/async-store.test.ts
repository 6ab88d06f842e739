import { describe, expect, it } from 'vitest';
import { asyncStore } from '../../src/db/async-store.js';

class Counter {
  private count = 0;
  add(by: number): number {
    this.count += by;
    return this.count;
  }
  fail(): never {
    throw new Error('disk full');
  }
}

describe('asyncStore', () => {
  it('calls the store’s own method on a later microtask and resolves with its result', async () => {
    const counter = new Counter();
    const storage = asyncStore(counter, ['add', 'fail'] as const);
    const pending = storage.add(2);
    // Not yet run: the call waits for a later microtask, as a query to a database would.
    expect(counter.add(0)).toBe(0);
    expect(await pending).toBe(2);
    expect(await storage.add(3)).toBe(5);
  });

  it('turns a throw into a rejected promise', async () => {
    const storage = asyncStore(new Counter(), ['fail'] as const);
    await expect(storage.fail()).rejects.toThrow('disk full');
  });
});
