import { describe, expect, it } from 'vitest';
import { stemBulgarian } from '../../src/text/stem-bg.js';

const stems = (words: string): string[] => [...new Set(words.split(' ').map(stemBulgarian))];

describe('stemBulgarian', () => {
  it('conflates the inflection groups of the Bulgarian seed article', () => {
    // Each group is one lexeme as it occurs in the seed (articles, plurals, gender forms).
    for (const group of [
      'палестинци палестинците',
      'палестинска палестинското',
      'телефонен телефонни телефонните',
      'разговор разговори разговорите',
      'кремъл кремъла',
      'жертви жертва',
      'израелския израелско',
      'руският руското руски',
      'президентство президентството',
      'лидери лидерите',
      'хуманитарна хуманитарната',
    ]) {
      expect(stems(group)).toHaveLength(1);
    }
  });

  it('keeps apart words of different lexemes', () => {
    expect(stems('израел изрази')).toHaveLength(2);
    expect(stems('мир мирни')).toHaveLength(2);
    expect(stems('газа каза')).toHaveLength(2);
  });

  it('leaves words under four letters alone', () => {
    expect(['ООН', 'мир', 'ще'].map((w) => stemBulgarian(w.toLowerCase()))).toEqual([
      'оон',
      'мир',
      'ще',
    ]);
  });

  it('applies the published rewrites: -ища, -ове, -ци → к, -зи → г, ен → н, ъ before the last letter', () => {
    expect(
      ['градища', 'градове', 'войници', 'подлози', 'зелен', 'кремъл'].map(stemBulgarian),
    ).toEqual(['град', 'град', 'войник', 'подлог', 'зелн', 'кремл']);
  });
});
