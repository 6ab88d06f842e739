import { afterAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/library/library.js';
import { SegmentedIndex } from '../../src/index/segmented-index.js';
import { SegmentWorkers } from '../../src/index/segment-workers.js';
import { isNameKeyTerm, queryTermsOfWord, tokenize } from '../../src/text/analyze.js';
import type { Article } from '../../src/core/types.js';
import { makeNewsArticle, seededRandom } from '../fixtures.js';

const WORDS = (
  'grain ships left odesa port under a corridor agreed in istanbul while talks on prisoners ' +
  'stalled and the kremlin said exports would resume once insurers returned to the black sea ' +
  'farmers stored wheat barley maize sunflower oil in silos near mykolaiv kherson and izmail'
).split(' ');

/** 240 articles of two or three paragraphs of random words, one a day from January 2022. */
function articles(): Article[] {
  const random = seededRandom(7);
  const sentence = (): string =>
    Array.from({ length: 5 + Math.floor(random() * 10) }, () => {
      return WORDS[Math.floor(random() * WORDS.length)]!;
    }).join(' ') + '.';
  return Array.from({ length: 240 }, (_, i) => {
    const paragraphs = Array.from({ length: 2 + Math.floor(random() * 2) }, () =>
      [sentence(), sentence()].join(' '),
    );
    const date = new Date(Date.UTC(2022, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    return makeNewsArticle(`a${i}`, paragraphs.join('\n\n'), {
      title: sentence(),
      date: i % 40 === 0 ? null : date,
      source: i % 3 === 0 ? 'Wire' : 'Daily',
    });
  });
}

/** Per word of the question, its query terms, as the answer path groups them. */
function groupsOf(question: string): string[][] {
  return tokenize(question)
    .map((token) => [...queryTermsOfWord(token.text)])
    .filter((terms) => terms.length > 0);
}

const EXPANSIONS = {
  prefix: (term: string) => !isNameKeyTerm(term) && term.length >= 4,
  fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
};

const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

const QUESTIONS = [
  'grain ships odesa',
  'exports resume insurers',
  'talks on prisoners in istanbul',
  'sunflwer oil silos mykolaev',
  'wheat barley kremlin corridor',
];

/** Segments in this thread (0), or in a pool of 1 or 2 worker threads. */
describe.each([0, 1, 2])('SegmentedIndex with %i worker threads', (workers) => {
  const pools: SegmentWorkers[] = [];
  /** A segmented index of `segmentPassages`, on a new pool of `workers` threads if any. */
  const segmentedIndex = (segmentPassages: number): SegmentedIndex => {
    if (workers === 0) return new SegmentedIndex({ segmentPassages });
    const pool = new SegmentWorkers(workers);
    pools.push(pool);
    return new SegmentedIndex({ segmentPassages, workers: pool });
  };
  afterAll(() => Promise.all(pools.map((pool) => pool.close())));
  const corpus = articles();
  const single = Library.build(corpus, new SegmentedIndex({ segmentPassages: Infinity }));
  const index = segmentedIndex(100);
  const segmented = Library.build(corpus, index);

  it('groups months up to the cap, undated passages apart', () => {
    expect(index.segmentCount).toBeGreaterThan(4);
    expect(segmented.passageCount).toBe(single.passageCount);
  });

  it('ranks and scores as one index over the same passages: global statistics in every segment', async () => {
    const variants = [
      {},
      EXPANSIONS,
      { ...EXPANSIONS, combineWith: 'AND' as const },
      { ...EXPANSIONS, since: '2022-03-10', until: '2022-05-02' },
      { ...EXPANSIONS, source: 'wire' },
    ];
    let compared = 0;
    for (const question of QUESTIONS)
      for (const variant of variants)
        for (const min of [0, 0.5]) {
          const groups = groupsOf(question);
          const weights = groups.map((terms) => single.idf(terms[0]!));
          const coverage = { weights, total: weights.reduce((a, b) => a + b, 0), min };
          const options = { ...variant, coverage, limit: Infinity };
          const ours = await segmented.searchTermGroups(groups, options);
          for (const terms of groups)
            expect(segmented.documentFrequency(terms[0]!)).toBe(
              single.documentFrequency(terms[0]!),
            );
          const theirs = await single.searchTermGroups(groups, options);
          const scores = new Map(theirs.map((h) => [h.passage.id, h]));
          expect(ours.map((h) => h.passage.id).sort()).toEqual([...scores.keys()].sort());
          for (const hit of ours) {
            const same = scores.get(hit.passage.id)!;
            expect(hit.score).toBeCloseTo(same.score, 9);
            expect(hit.matchedTerms).toEqual(same.matchedTerms);
          }
          ours.forEach((hit, i) => {
            if (i > 0) expect(hit.score).toBeLessThanOrEqual(ours[i - 1]!.score);
          });
          compared += ours.length;
        }
    expect(compared).toBeGreaterThan(1_000);
  });

  it('groups months in date order whatever order the articles come in (a folder of files by outlet)', () => {
    const byOutlet = [...corpus].sort((a, b) => (a.source ?? '').localeCompare(b.source ?? ''));
    const reordered = segmentedIndex(100);
    Library.build(byOutlet, reordered);
    expect(reordered.segmentCount).toBe(index.segmentCount);
    const query = { groups: [['grain']], combineWith: 'OR' as const, bm25: BM25, limit: 10 };
    const march = { ...query, filters: { since: '2022-03-01', until: '2022-03-31' } };
    expect(reordered.segmentsFor(march)).toHaveLength(index.segmentsFor(march).length);
  });

  it('asks only the segments whose months a date range touches', () => {
    const query = {
      groups: [['grain']],
      combineWith: 'OR' as const,
      bm25: { k: 1.2, b: 0.7, d: 0.5 },
      limit: 10,
    };
    const all = index.segmentsFor(query);
    const march = index.segmentsFor({
      ...query,
      filters: { since: '2022-03-01', until: '2022-03-31' },
    });
    expect(march.length).toBeGreaterThan(0);
    expect(march.length).toBeLessThan(all.length);
    expect(index.segmentsFor({ ...query, filters: { since: '2030-01-01' } })).toEqual([]);
  });

  it('keeps every article in its segment through removals and replacements', async () => {
    const library = Library.build(corpus, segmentedIndex(100));
    const reference = Library.build(corpus, new SegmentedIndex({ segmentPassages: Infinity }));
    for (const l of [library, reference]) {
      l.remove(corpus.slice(0, 30).map((a) => a.id));
      l.upsert([{ ...corpus[50]!, text: 'Grain ships left Odesa at dawn.' }, corpus[3]!]);
    }
    expect(library.passageCount).toBe(reference.passageCount);
    const groups = groupsOf('grain ships odesa dawn');
    const ours = await library.searchTermGroups(groups, { ...EXPANSIONS, limit: Infinity });
    const theirs = await reference.searchTermGroups(groups, { ...EXPANSIONS, limit: Infinity });
    expect(ours.map((h) => h.score)).toEqual(theirs.map((h) => expect.closeTo(h.score, 9)));
    expect(ours[0]!.passage.docId).toBe(corpus[50]!.id);
  });
});
