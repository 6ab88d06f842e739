import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampCount } from '../../src/core/count.js';

describe('clampCount', () => {
  it('gives the default for a missing or non-finite count', () => {
    for (const count of [undefined, Number.NaN, Infinity, -Infinity])
      expect(clampCount(count, 5, 10)).toBe(5);
  });

  it('floors any finite count into 1..max', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (count) => {
        const clamped = clampCount(count, 5, 10);
        expect(Number.isInteger(clamped)).toBe(true);
        expect(clamped).toBeGreaterThanOrEqual(1);
        expect(clamped).toBeLessThanOrEqual(10);
        if (count >= 1 && count < 11) expect(clamped).toBe(Math.floor(count));
      }),
    );
  });
});
