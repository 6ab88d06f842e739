import { answerQuestion, RANKING, type RankingParams } from '../../src/answer/answer.js';
import { Library } from '../../src/library/library.js';
import type { SimilarityReranker } from '../../src/answer/similarity.js';
import type { Article } from '../../src/core/types.js';
import type { Engine } from './baselines.js';
import type { BenchPassage } from './data.js';

/** Each bench paragraph as an article of its own (no title: the baselines see text only). */
export function passagesAsArticles(passages: readonly BenchPassage[], lang: string): Article[] {
  return passages.map((p) => ({
    id: p.id,
    title: null,
    source: null,
    url: null,
    date: null,
    lang,
    text: p.text,
    origin: { file: 'bench', line: 0 },
  }));
}

/**
 * Verbatim's own answer path over the bench paragraphs. `withoutFloor` also reports it with
 * the confidence floor off, to show what the floor costs in recall.
 */
export function buildVerbatim(
  passages: readonly BenchPassage[],
  lang: string,
  options: { library?: Library; withoutFloor?: boolean; reranker?: SimilarityReranker } = {},
): Engine {
  const library = options.library ?? Library.build(passagesAsArticles(passages, lang));
  const params: RankingParams = options.withoutFloor
    ? { ...RANKING, floorCoverage: 0, floorSentence: 0 }
    : RANKING;
  return {
    name: options.withoutFloor
      ? 'Verbatim, confidence floor off'
      : options.reranker
        ? 'Verbatim, SEMANTIC_RERANK=true'
        : 'Verbatim',
    library,
    async search(question) {
      const answer = await answerQuestion(
        library,
        question,
        { limit: 10 },
        params,
        options.reranker ?? null,
      );
      return {
        passageIds: answer.results.map((r) => r.docId),
        quote: answer.results[0]?.quote ?? null,
      };
    },
  };
}
