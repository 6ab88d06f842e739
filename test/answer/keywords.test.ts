import { describe, expect, it } from 'vitest';
import {
  parseKeywordQuery,
  searchKeywords,
  suggestCompletions,
} from '../../src/answer/keywords.js';
import { Library } from '../../src/library/library.js';
import type { Article } from '../../src/core/types.js';
import { makeArticle } from '../fixtures.js';

const article = (id: string, text: string): Article =>
  makeArticle(id, text, { source: 'Wire', date: '2022-03-01' });

const library = Library.build([
  article('a', 'The humanitarian corridor opened in Mariupol. Civilians left the city.'),
  article('b', 'A corridor for humanitarian aid was discussed. Mariupol waited.'),
  article('c', 'Humanitarian workers arrived in Kyiv.'),
]);

describe('parseKeywordQuery', () => {
  it('separates quoted phrases from words and notes an unfinished last word', () => {
    expect(parseKeywordQuery('"humanitarian corridor" Mariu')).toEqual({
      words: ['Mariu'],
      phrases: [['humanitarian', 'corridor']],
      lastIsPrefix: true,
    });
    expect(parseKeywordQuery('Kyiv ')).toEqual({
      words: ['Kyiv'],
      phrases: [],
      lastIsPrefix: false,
    });
  });
});

describe('searchKeywords', () => {
  it('requires every word', async () => {
    expect(
      (await searchKeywords(library, 'humanitarian Mariupol ')).results.map((r) => r.docId).sort(),
    ).toEqual(['a', 'b']);
  });

  it('requires a quoted phrase as consecutive words', async () => {
    expect(
      (await searchKeywords(library, '"humanitarian corridor"')).results.map((r) => r.quote),
    ).toEqual(['The humanitarian corridor opened in Mariupol.']);
  });

  it('treats the last word as a prefix while it is being typed', async () => {
    expect((await searchKeywords(library, 'Mariu')).results.map((r) => r.docId).sort()).toEqual([
      'a',
      'b',
    ]);
  });

  it('has no results and says why for stop words only', async () => {
    expect((await searchKeywords(library, 'the of')).emptyReason).toBe('only-stop-words');
  });
});

describe('suggestCompletions', () => {
  it('completes the last word from the corpus, keeping the words before it', () => {
    expect(suggestCompletions(library, 'aid Hum')).toEqual(['aid humanitarian']);
    expect(suggestCompletions(library, 'c')).toEqual(['corridor', 'city', 'civilians']);
  });

  it('answers one- and two-letter prefixes from the current vocabulary after an update', () => {
    const lib = Library.build([article('a', 'Corridor city civilians corridor.')]);
    expect(suggestCompletions(lib, 'c')).toEqual(['corridor', 'city', 'civilians']);
    lib.upsert([article('b', 'Cats chase cats; cats climb.')]);
    expect(suggestCompletions(lib, 'c')).toEqual([
      'cats',
      'corridor',
      'chase',
      'city',
      'civilians',
      'climb',
    ]);
    expect(suggestCompletions(lib, 'ci')).toEqual(['city', 'civilians']);
    lib.remove(['b']);
    expect(suggestCompletions(lib, 'ca')).toEqual([]);
  });

  it('returns at most 25 choices of at most 100 characters', () => {
    const words = Array.from({ length: 60 }, (_, i) => `zeta${i}`).join(' ');
    const lib = Library.build([article('z', `${words}.`)]);
    expect(suggestCompletions(lib, 'zeta')).toHaveLength(25);
    expect(suggestCompletions(lib, `${'x'.repeat(98)} zeta`)).toEqual([]);
  });
});
