import { describe, expect, it } from 'vitest';
import { isFragment, pickQuote, quotationBalance, readableSpan } from '../../src/answer/pick.js';
import { splitSentences } from '../../src/text/sentences.js';

const quoteOf = (text: string, weights: Record<string, number>): string => {
  const picked = pickQuote(text, { start: 0, end: text.length }, new Map(Object.entries(weights)));
  return text.slice(picked.span.start, picked.span.end);
};

describe('readable quotes', () => {
  const KORNIYCHUK =
    'Kiev felt close to Israel. "They didn\'t say no. They are trying to figure out where they are in this chess play," Korniychuk said. Moscow summoned the envoy.';

  it('closes a quotation that opens in the quote, naming its speaker', () => {
    expect(quoteOf(KORNIYCHUK, { no: 1 })).toBe(
      '"They didn\'t say no. They are trying to figure out where they are in this chess play," Korniychuk said.',
    );
  });

  it('adds the sentence naming the speaker to a bare quotation', () => {
    const text = '“We must drive this evil out of our cities.” Zelensky said it on Saturday night.';
    expect(quoteOf(text, { evil: 1 })).toBe(text);
  });

  it('reads English, Bulgarian and straight quotation marks', () => {
    expect(quotationBalance('“a” b')).toBe(0);
    expect(quotationBalance('„Хамас“ е')).toBe(0);
    expect(quotationBalance('"They didn\'t say no.')).toBe(1);
    expect(quotationBalance('in this chess play," Korniychuk said.')).toBe(-1);
    expect(quotationBalance('«мир» и «война»')).toBe(0);
  });

  it('never grows a quote past its passage', () => {
    const text = '"One. Two. Three.';
    const sentences = splitSentences(text);
    expect(readableSpan(text, sentences, sentences[0]!)).toEqual({ start: 0, end: text.length });
  });

  it('takes a headline for a fragment and a sentence for a sentence', () => {
    const text = 'Third round of talks\nTalks will go ahead on Monday.';
    expect(isFragment(text, { start: 0, end: 20 })).toBe(true);
    expect(isFragment(text, { start: 21, end: text.length })).toBe(false);
    expect(quoteOf(text, { third: 1, round: 1, talk: 1 })).toBe('Talks will go ahead on Monday.');
  });
});
