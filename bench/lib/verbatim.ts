import { answerQuestion } from '../../src/quote/answer.js';
import { Library } from '../../src/search/library.js';
import type { Article } from '../../src/types.js';
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

/** Verbatim's own answer path over the bench paragraphs. */
export function buildVerbatim(passages: readonly BenchPassage[], lang: string): Engine {
  const library = Library.build(passagesAsArticles(passages, lang));
  return {
    name: 'Verbatim',
    search(question) {
      const answer = answerQuestion(library, question, { limit: 10 });
      return {
        passageIds: answer.results.map((r) => r.docId),
        quote: answer.results[0]?.quote ?? null,
      };
    },
  };
}
