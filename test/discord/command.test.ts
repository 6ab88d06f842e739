import { describe, expect, it } from 'vitest';
import { TurnQueue } from '../../src/core/event-loop.js';
import { runOnAnswerQueue } from '../../src/discord/command.js';

describe('runOnAnswerQueue', () => {
  it('runs a job after the jobs queued before it, on the context’s answer queue', async () => {
    const answerQueue = new TurnQueue();
    const order: string[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const earlier = answerQueue.run(async () => {
      await blocked;
      order.push('earlier answer');
    });
    const chart = runOnAnswerQueue({ answerQueue }, () => order.push('chart'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    release();
    await Promise.all([earlier, chart]);
    expect(order).toEqual(['earlier answer', 'chart']);
  });

  it('runs a job at once, asynchronously, when the context has no queue', async () => {
    expect(await runOnAnswerQueue({}, () => 'done')).toBe('done');
  });
});
