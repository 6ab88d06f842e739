import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diversify, type RankedPassage, SAME_ARTICLE_DECAY } from '../../src/answer/answer.js';
import type { Hit } from '../../src/library/library.js';
import type { Article } from '../../src/core/types.js';

/** A candidate of article `articleId` with `score`; only the fields diversify reads are real. */
function candidate(articleId: string, score: number, n: number): RankedPassage {
  const article = { id: articleId } as Article;
  const hit = {
    article,
    passage: { id: `${articleId}#${n}` },
    score,
    matchedTerms: [],
  } as unknown as Hit;
  return { hit, score, coverage: 1, sentenceCoverage: 0 };
}

/** The rule as stated: repeatedly list the best score after decay, the earliest on ties. */
function diversifyByScanning(candidates: readonly RankedPassage[]): [string, number][] {
  const pending = [...candidates];
  const listed = new Map<string, number>();
  const out: [string, number][] = [];
  while (pending.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    pending.forEach((c, i) => {
      const score = c.score * SAME_ARTICLE_DECAY ** (listed.get(c.hit.article.id) ?? 0);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    const [chosen] = pending.splice(best, 1);
    const id = chosen!.hit.article.id;
    listed.set(id, (listed.get(id) ?? 0) + 1);
    out.push([chosen!.hit.passage.id, bestScore]);
  }
  return out;
}

describe('diversify', () => {
  it('decays each further passage of an article once per passage of it listed before', () => {
    const ranked = diversify([
      candidate('a', 10, 1),
      candidate('a', 9, 2),
      candidate('b', 6, 1),
      candidate('a', 8, 3),
    ]);
    expect(ranked.map((r) => [r.hit.passage.id, r.score])).toEqual([
      ['a#1', 10],
      ['b#1', 6],
      ['a#2', 4.5],
      ['a#3', 2],
    ]);
  });

  it('orders as listing the best decayed score one at a time would, ties to the earlier', () => {
    const scores = fc.array(
      fc.record({
        article: fc.constantFrom('a', 'b', 'c', 'd'),
        score: fc.integer({ min: 1, max: 8 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(scores, (entries) => {
        // diversify takes candidates best first, as rankPassages hands them over.
        const candidates = [...entries]
          .sort((x, y) => y.score - x.score)
          .map((e, n) => candidate(e.article, e.score, n));
        expect(diversify(candidates).map((r) => [r.hit.passage.id, r.score])).toEqual(
          diversifyByScanning(candidates),
        );
      }),
    );
  });
});
