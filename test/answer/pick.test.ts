import { describe, expect, it } from 'vitest';
import { pickQuote } from '../../src/answer/pick.js';

const quoteOf = (text: string, weights: Record<string, number>): string => {
  const picked = pickQuote(text, { start: 0, end: text.length }, new Map(Object.entries(weights)));
  return text.slice(picked.span.start, picked.span.end);
};

describe('pickQuote', () => {
  it('returns the sentence carrying the most query weight', () => {
    expect(
      quoteOf('Putin spoke on Sunday. Bennett met Putin in Moscow. Rain fell.', {
        bennett: 1,
        putin: 1,
      }),
    ).toBe('Bennett met Putin in Moscow.');
  });

  it('prefers a rare word over several common ones', () => {
    expect(
      quoteOf('Bennett and Putin met in the Kremlin. He was accompanied by Elkin.', {
        accompani: 3,
        bennett: 0.5,
        kremlin: 0.8,
      }),
    ).toBe('Bennett and Putin met in the Kremlin. He was accompanied by Elkin.');
    expect(
      quoteOf('Bennett met Putin. Later, he was accompanied by Elkin.', {
        accompani: 3,
        bennett: 0.1,
      }),
    ).toBe('Later, he was accompanied by Elkin.');
  });

  it('adds the adjacent sentence only when it brings words the best one lacks', () => {
    expect(
      quoteOf('Gomel hosted the talks. The delegation waited there. Weather was fine.', {
        gomel: 2,
        deleg: 2,
      }),
    ).toBe('Gomel hosted the talks. The delegation waited there.');
    expect(quoteOf('Gomel hosted the talks. Gomel is in Belarus.', { gomel: 2 })).toBe(
      'Gomel hosted the talks.',
    );
  });

  it('marks the matched words relative to the quote', () => {
    const text = 'Intro here. The Russian delegation arrived.';
    const picked = pickQuote(
      text,
      { start: 0, end: text.length },
      new Map([
        ['russian', 1],
        ['deleg', 1],
      ]),
    );
    const quote = text.slice(picked.span.start, picked.span.end);
    expect(picked.highlights.map((h) => quote.slice(h.start, h.end))).toEqual([
      'Russian',
      'delegation',
    ]);
  });

  it('quotes the first sentence when no sentence matches', () => {
    expect(quoteOf('First one. Second one.', { absent: 1 })).toBe('First one.');
  });
});
