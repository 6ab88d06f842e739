import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, WORD_PATTERN } from '../../src/text/words.js';
import { WordTable } from '../../src/text/word-table.js';

/** The words of `text` as the regex finds them: the definition the scanners must match. */
function regexWords(text: string): string[] {
  return text.match(WORD_PATTERN) ?? [];
}

/** Text mixing Latin, Cyrillic, marks, digits, astral letters, emoji and lone surrogates. */
const mixedText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .array(
      fc.constantFrom(
        'Путин',
        'Erdoğan',
        ' ',
        '-',
        "'",
        'e\u0301',
        '42',
        '𝐀𝐁',
        '😀',
        '\ud800',
        '\udc00',
        '\u00ad',
        '\n\n',
        'ё',
        '日本',
        '١٢',
      ),
      { maxLength: 20 },
    )
    .map((parts) => parts.join('')),
);

describe('countWords', () => {
  it('counts the words the word pattern finds, in any text and any range of it', () => {
    fc.assert(
      fc.property(mixedText, fc.nat(), fc.nat(), (text, a, b) => {
        const from = Math.min(a, b) % (text.length + 1);
        const to = Math.max(from, Math.max(a, b) % (text.length + 1));
        expect(countWords(text, from, to)).toBe(regexWords(text.slice(from, to)).length);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('WordTable.scan', () => {
  it('finds the same words as the word pattern, the same word always under the same id', () => {
    fc.assert(
      fc.property(fc.array(mixedText, { minLength: 1, maxLength: 8 }), (texts) => {
        const table = new WordTable((word) => word);
        const idOfWord = new Map<string, number>();
        for (const text of texts) {
          const count = table.scan(text);
          const ids = [...table.found.subarray(0, count)];
          const words = ids.map((id) => table.value(id));
          expect(words).toEqual(regexWords(text));
          words.forEach((word, i) => {
            expect(idOfWord.get(word) ?? ids[i]).toBe(ids[i]);
            idOfWord.set(word, ids[i]!);
          });
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps distinct words apart when the table grows past its first size', () => {
    const table = new WordTable((word) => word);
    const text = Array.from({ length: 5_000 }, (_, i) => `w${i.toString(36)}`).join(' ');
    const count = table.scan(text);
    expect(new Set(table.found.subarray(0, count)).size).toBe(5_000);
    expect(table.scan('w0 w1 wzz')).toBe(3);
    expect([...table.found.subarray(0, 3)].map((id) => table.value(id))).toEqual([
      'w0',
      'w1',
      'wzz',
    ]);
  });
});
