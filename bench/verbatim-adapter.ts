/**
 * Verbatim as the performance benchmark drives it: the real loader, Library, answer path,
 * autocomplete and renderer, and the persisted index. Kept apart from bench/perf.ts so the
 * baselines' children never load Verbatim's modules.
 */
import { loadCorpus } from '../src/corpus/load.js';
import { answerQuestion } from '../src/quote/answer.js';
import { renderAnswer } from '../src/render/console.js';
import { suggestCompletions } from '../src/search/keywords.js';
import { Library } from '../src/search/library.js';

/** What bench/perf.ts calls; see its System interface. */
export interface VerbatimSystem {
  build(corpusDir: string): Promise<{ readMs: number }>;
  save(dir: string): Promise<number>;
  load(dir: string, corpusDir: string): Promise<void>;
  ask(question: string): { text: string; results: number };
  complete(partial: string): readonly string[];
}

/** A Verbatim instance for one benchmark child. */
export function createVerbatimSystem(options: {
  answerLimit: number;
  completionLimit: number;
}): VerbatimSystem {
  let library = Library.build([]);
  return {
    async build(corpusDir) {
      const started = performance.now();
      const { articles } = await loadCorpus(corpusDir);
      const readMs = performance.now() - started;
      library = Library.build(articles);
      return { readMs };
    },
    async save() {
      return 0;
    },
    async load(_dir, corpusDir) {
      const { articles } = await loadCorpus(corpusDir);
      library = Library.build(articles);
    },
    ask(question) {
      const answer = answerQuestion(library, question, { limit: options.answerLimit });
      return { text: renderAnswer(answer, 'markdown'), results: answer.results.length };
    },
    complete(partial) {
      return suggestCompletions(library, partial, options.completionLimit);
    },
  };
}
