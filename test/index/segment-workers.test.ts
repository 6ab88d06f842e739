import { describe, expect, it } from 'vitest';
import { IndexWorkerError, searchInTurn, SegmentWorkers } from '../../src/index/segment-workers.js';
import { SegmentedIndex } from '../../src/index/segmented-index.js';
import { Library } from '../../src/library/library.js';
import type { IndexedPassage, IndexHit, TermGroupSearch } from '../../src/index/search-index.js';
import { makeNewsArticle } from '../fixtures.js';

const QUERY: TermGroupSearch = {
  groups: [['grain']],
  combineWith: 'OR',
  bm25: { k: 1.2, b: 0.7, d: 0.5 },
  limit: 10,
};

const PASSAGE: IndexedPassage = {
  docId: 'a',
  ordinal: 0,
  textTerms: ['grain', 'ship', 'left', 'odesa'],
  titleTerms: ['grain'],
  date: '2022-03-01',
  source: 'Wire',
  lang: 'en',
};

describe('SegmentWorkers', () => {
  it('searches the passages posted to a segment before the search', async () => {
    const pool = new SegmentWorkers(2);
    try {
      const first = pool.assign();
      const second = pool.assign();
      expect(pool.workerOf(first)).not.toBe(pool.workerOf(second));
      pool.add(first, [PASSAGE]);
      pool.add(second, [{ ...PASSAGE, docId: 'b' }]);
      pool.remove(second, [{ ...PASSAGE, docId: 'b' }]);
      const lists = await pool.search([first, second], QUERY, null, () => new Float64Array());
      expect(lists.flat().map((hit) => hit.key)).toEqual([{ docId: 'a', ordinal: 0 }]);
    } finally {
      await pool.close();
    }
  });

  it('fails a pending search and every later one with an IndexWorkerError when its worker stops', async () => {
    const pool = new SegmentWorkers(1);
    try {
      const segment = pool.assign();
      // A passage without terms makes the worker's add throw: its segments are no longer what
      // the main thread counted, so the worker stops.
      pool.add(segment, [{ ...PASSAGE, textTerms: null as unknown as string[] }]);
      const pending = pool.search([segment], QUERY, null, () => new Float64Array());
      await expect(pending).rejects.toBeInstanceOf(IndexWorkerError);
      await expect(pending).rejects.toThrow(/index worker 0 stopped/);
      await expect(
        pool.search([segment], QUERY, null, () => new Float64Array()),
      ).rejects.toBeInstanceOf(IndexWorkerError);
      await expect(pool.json(segment)).rejects.toBeInstanceOf(IndexWorkerError);
    } finally {
      await pool.close();
    }
  });

  it('fails the searches of a Library whose index is closed, rather than leaving them waiting', async () => {
    const library = Library.build(
      [makeNewsArticle('a', 'Grain ships left Odesa.', { date: '2022-03-01' })],
      new SegmentedIndex({ workers: new SegmentWorkers(1) }),
    );
    expect((await library.search('grain')).map((hit) => hit.article.id)).toEqual(['a']);
    await library.close();
    await expect(library.search('grain')).rejects.toBeInstanceOf(IndexWorkerError);
  });
});

describe('searchInTurn', () => {
  const hits = (...scores: number[]): IndexHit[] =>
    scores.map((score, i) => ({
      key: { docId: `d${score}`, ordinal: i },
      score,
      matchedTerms: [],
    }));

  it('tells each segment the limit-th best score found before it, and merges best first', () => {
    const lists = [hits(9, 5), hits(8, 7, 1), hits(6), hits(10)];
    const told: number[] = [];
    const merged = searchInTurn(
      lists.length,
      (i, atLeast) => {
        told.push(atLeast);
        return lists[i]!;
      },
      3,
    );
    // Nothing to beat until three hits are in; then the third best of 9, 5, 8, 7, 1 (7), of those
    // and 6 (still 7).
    expect(told).toEqual([0, 0, 7, 7]);
    expect(merged.map((h) => h.score)).toEqual([10, 9, 8]);
  });
});
