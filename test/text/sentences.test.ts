import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/text/sentences.js';

const sentences = (text: string): string[] =>
  splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('does not break after titles and initials', () => {
    expect(
      sentences('Mr. Bennett met Mr Putin. Dr. J. K. Smith and the U.S. Army agreed. They left.'),
    ).toEqual([
      'Mr. Bennett met Mr Putin.',
      'Dr. J. K. Smith and the U.S. Army agreed.',
      'They left.',
    ]);
  });

  it('keeps closing quotes with their sentence and breaks inside a quotation', () => {
    expect(
      sentences('"They didn\'t say no. They are trying," he said. “We can’t,” Orlov told CNN.'),
    ).toEqual([
      '"They didn\'t say no.',
      'They are trying," he said.',
      '“We can’t,” Orlov told CNN.',
    ]);
  });

  it('handles Cyrillic text, Bulgarian abbreviations and „…“ quotes', () => {
    expect(
      sentences('През 2022 г. войната започна. Т.нар. мирен план „Не е добре.“ Той замина.'),
    ).toEqual(['През 2022 г. войната започна.', 'Т.нар. мирен план „Не е добре.“', 'Той замина.']);
  });

  it('treats "No." as an abbreviation only before a number', () => {
    expect(sentences('He said no. Resolution No. 5 passed.')).toEqual([
      'He said no.',
      'Resolution No. 5 passed.',
    ]);
  });

  it('ends a sentence at a line break', () => {
    expect(sentences('Humanitarian evacuations in chaos\nThe flurry continues')).toEqual([
      'Humanitarian evacuations in chaos',
      'The flurry continues',
    ]);
  });

  it('covers every word of a seed article exactly once', () => {
    const text = readFileSync(
      new URL('../../corpus/seed/000_ea4181cf7b4975f4.txt', import.meta.url),
      'utf8',
    );
    const spans = splitSentences(text);
    const joined = spans.map((s) => text.slice(s.start, s.end)).join(' ');
    expect(joined.replace(/\s+/g, ' ')).toBe(text.trim().replace(/\s+/g, ' '));
    expect(spans.every((s, i) => i === 0 || (spans[i - 1]?.end ?? 0) <= s.start)).toBe(true);
  });
});
