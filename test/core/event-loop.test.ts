import { describe, expect, it } from 'vitest';
import { TurnQueue } from '../../src/core/event-loop.js';

describe('TurnQueue', () => {
  it('runs jobs in order, each on its own turn of the event loop', async () => {
    const queue = new TurnQueue();
    const order: string[] = [];
    const first = queue.run(() => {
      order.push('a');
      // Work this job leaves for the event loop runs before the next job.
      setImmediate(() => order.push('after a'));
      return 1;
    });
    const second = queue.run(() => {
      order.push('b');
      return 2;
    });
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(order).toEqual(['a', 'after a', 'b']);
  });

  it('rejects with a failing job and still runs the next', async () => {
    const queue = new TurnQueue();
    const failing = queue.run(() => {
      throw new Error('boom');
    });
    const next = queue.run(() => 'ok');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ok');
  });
});
