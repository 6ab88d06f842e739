import { describe, expect, it } from 'vitest';
import { splitPassages, MAX_PASSAGE_WORDS } from '../../src/text/passages.js';
import type { Article } from '../../src/core/types.js';
import { makeArticle } from '../fixtures.js';

const article = (text: string): Article => makeArticle('a', text);

describe('splitPassages', () => {
  it('makes one passage per paragraph', () => {
    const a = article('First paragraph.\n\nSecond one here.');
    expect(splitPassages(a).map((p) => [p.id, a.text.slice(p.start, p.end)])).toEqual([
      ['a#0', 'First paragraph.'],
      ['a#1', 'Second one here.'],
    ]);
  });

  it('splits a paragraph over the word limit at sentence boundaries into balanced pieces', () => {
    const sentence = 'This sentence has exactly ten words in it, you see.';
    const text = Array.from({ length: 13 }, () => sentence).join(' ');
    const passages = splitPassages(article(text));
    const words = passages.map((p) => text.slice(p.start, p.end).split(' ').length);
    expect(words).toEqual([70, 60]);
    expect(words.every((w) => w <= MAX_PASSAGE_WORDS)).toBe(true);
    expect(passages.map((p) => text.slice(p.start, p.end)).join(' ')).toBe(text);
  });
});
