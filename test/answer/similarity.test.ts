import { afterAll, describe, expect, it } from 'vitest';
import { rankPassages, type RankedPassage, weighQuery } from '../../src/answer/answer.js';
import { SimilarityReranker, SIMILARITY_DEPTH } from '../../src/answer/similarity.js';
import { Library } from '../../src/library/library.js';
import { SentenceEncoder } from '../../src/text/sentence-encoder.js';
import { makeArticle } from '../fixtures.js';

const encoder = SentenceEncoder.start();
afterAll(() => encoder.close());

const ARTICLES = [
  makeArticle('crowd', 'The final drew a record crowd to the stadium in Denver on Sunday evening.'),
  makeArticle('winner', 'The Broncos beat the Panthers 24 to 10 in the final to take the title.'),
  makeArticle('weather', 'Rain and wind in Denver delayed the final by an hour.'),
];

/** The passages of `library` that hold "final", ranked with the scores given, in that order. */
async function rankedWithScores(
  library: Library,
  scores: readonly number[],
): Promise<RankedPassage[]> {
  const ranked = await rankPassages(library, weighQuery(library, 'final'));
  const byId = new Map(ranked.map((r) => [r.hit.article.id, r]));
  return ['crowd', 'weather', 'winner'].map((id, i) => ({ ...byId.get(id)!, score: scores[i]! }));
}

describe('SimilarityReranker', () => {
  it('puts the passage that answers an English question first, keeping the scores descending', async () => {
    const library = Library.build(ARTICLES);
    const ranked = await rankedWithScores(library, [3, 2.9, 2.8]);
    const reranked = await new SimilarityReranker(encoder).rerank('Who won the final?', ranked);
    expect(reranked[0]!.hit.article.id).toBe('winner');
    expect(reranked.map((r) => r.score)).toEqual([3, 2.9, 2.8]);
    expect(new Set(reranked.map((r) => r.hit.article.id))).toEqual(
      new Set(['crowd', 'weather', 'winner']),
    );
  }, 60_000);

  it('leaves a clear word-based lead in place', async () => {
    const library = Library.build(ARTICLES);
    const ranked = await rankedWithScores(library, [30, 2.9, 2.8]);
    const reranked = await new SimilarityReranker(encoder).rerank('Who won the final?', ranked);
    expect(reranked[0]!.hit.article.id).toBe('crowd');
  }, 60_000);

  it(`reorders only the first ${SIMILARITY_DEPTH} passages`, async () => {
    const many = Array.from({ length: SIMILARITY_DEPTH }, (_, i) =>
      makeArticle(`delay${i}`, `Rain and wind in Denver delayed the final by ${i + 1} hours.`),
    );
    const library = Library.build([...many, ARTICLES[1]!]);
    const ranked = await rankPassages(library, weighQuery(library, 'final'));
    const last = ranked.findIndex((r) => r.hit.article.id === 'winner');
    const head = ranked.filter((r) => r.hit.article.id !== 'winner');
    // Close enough for the winner to lead by similarity (as it does with a deeper reorder).
    const order = [...head, ranked[last]!].map((r, i) => ({ ...r, score: 10 - i * 0.1 }));
    const reranked = await new SimilarityReranker(encoder).rerank('Who won the final?', order);
    expect(reranked).toHaveLength(order.length);
    expect(reranked.findIndex((r) => r.hit.article.id === 'winner')).toBe(SIMILARITY_DEPTH);
  }, 60_000);

  it('leaves the order as it is for a Cyrillic question or a non-English passage', async () => {
    const library = Library.build(ARTICLES);
    const ranked = await rankedWithScores(library, [3, 2.9, 2.8]);
    const reranker = new SimilarityReranker(encoder);
    const ids = (list: readonly RankedPassage[]): string[] => list.map((r) => r.hit.article.id);
    expect(ids(await reranker.rerank('Кой спечели финала?', ranked))).toEqual(ids(ranked));
    const bulgarian = Library.build([
      ...ARTICLES.slice(0, 2),
      makeArticle('weather', 'Rain and wind in Denver delayed the final by an hour.', {
        lang: 'bg',
      }),
    ]);
    const mixed = await rankedWithScores(bulgarian, [3, 2.9, 2.8]);
    expect(ids(await reranker.rerank('Who won the final?', mixed))).toEqual(ids(mixed));
  }, 60_000);

  it('gives the word-based order at once, without asking, when the encoder is busy', async () => {
    const library = Library.build(ARTICLES);
    const ranked = await rankedWithScores(library, [3, 2.9, 2.8]);
    const busy = Array.from({ length: 4 }, () => encoder.embed(['A sentence to keep it busy.']));
    const reranking = new SimilarityReranker(encoder).rerank('Who won the final?', ranked);
    expect(encoder.pending()).toBe(4);
    expect((await reranking).map((r) => r.hit.article.id)).toEqual(['crowd', 'weather', 'winner']);
    await Promise.all(busy);
    const idle = await new SimilarityReranker(encoder).rerank('Who won the final?', ranked);
    expect(idle[0]!.hit.article.id).toBe('winner');
  }, 60_000);

  it('gives the word-based order and reports the error when the encoder fails', async () => {
    const closed = SentenceEncoder.start();
    await closed.close();
    const errors: unknown[] = [];
    const library = Library.build(ARTICLES);
    const ranked = await rankedWithScores(library, [3, 2.9, 2.8]);
    const reranked = await new SimilarityReranker(closed, (e) => errors.push(e)).rerank(
      'Who won the final?',
      ranked,
    );
    expect(reranked.map((r) => r.hit.article.id)).toEqual(['crowd', 'weather', 'winner']);
    expect(errors).toHaveLength(1);
  });
});
