/**
 * When feeds are polled, as pure decisions of the time: spread over the interval, backed off
 * after failures, never before a server's Retry-After.
 */
import { describe, expect, it } from 'vitest';
import {
  isFailing,
  MAX_BACKOFF_MS,
  nextAfterFailure,
  nextRegularPoll,
  phaseOf,
} from '../../src/feeds/poll.js';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;
const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);

describe('poll timing', () => {
  it('spreads 200 feeds with the same interval over the whole interval', () => {
    const urls = Array.from({ length: 200 }, (_, i) => `https://outlet${i}.example/rss.xml`);
    const minuteSlots = new Set(urls.map((u) => Math.floor(phaseOf(u, INTERVAL) / MINUTE)));
    // 200 feeds over 15 one-minute slots: every slot gets some, so no minute gets them all.
    expect(minuteSlots.size).toBe(15);
    const perSlot = new Map<number, number>();
    for (const u of urls) {
      const slot = Math.floor(phaseOf(u, INTERVAL) / MINUTE);
      perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    }
    expect(Math.max(...perSlot.values())).toBeLessThan(40);
  });

  it('polls each feed once per interval on its own phase, whenever the last poll ended', () => {
    const url = 'https://wire.example/rss.xml';
    const first = nextRegularPoll(url, INTERVAL, NOW);
    expect(first).toBeGreaterThan(NOW);
    expect(first - NOW).toBeLessThanOrEqual(INTERVAL);
    // A poll that ended late (at first + 40 s) still keeps the grid.
    expect(nextRegularPoll(url, INTERVAL, first + 40_000)).toBe(first + INTERVAL);
    expect(nextRegularPoll(url, INTERVAL, first)).toBe(first + INTERVAL);
  });

  it('doubles the wait after each failure in a row, up to a day', () => {
    expect([1, 2, 3, 4].map((n) => nextAfterFailure(n, INTERVAL, NOW, null) - NOW)).toEqual([
      15 * MINUTE,
      30 * MINUTE,
      60 * MINUTE,
      120 * MINUTE,
    ]);
    expect(nextAfterFailure(30, INTERVAL, NOW, null) - NOW).toBe(MAX_BACKOFF_MS);
  });

  it('never polls before the Retry-After a server asked for, capped at a day', () => {
    expect(nextAfterFailure(1, INTERVAL, NOW, 2 * 60 * MINUTE) - NOW).toBe(2 * 60 * MINUTE);
    expect(nextAfterFailure(1, INTERVAL, NOW, 30_000) - NOW).toBe(INTERVAL);
    expect(nextAfterFailure(1, INTERVAL, NOW, 10 * MAX_BACKOFF_MS) - NOW).toBe(MAX_BACKOFF_MS);
  });

  it('shows a feed as failing from the third failure in a row', () => {
    expect([0, 1, 2, 3, 9].map(isFailing)).toEqual([false, false, false, true, true]);
  });
});
