/**
 * What SEMANTIC_RERANK costs per question: `npm run bench:rerank [-- --questions N]`. Over XQuAD
 * en's paragraphs (../shared/bench-data), in one process, each question is answered through
 * `answerQuestion` without the reranker and then with it, twice over the set: the first pass
 * embeds every passage it meets (a cold cache), the second finds them cached. Prints the wall
 * time p50 / p99 of each, the ratio to the word-based answer, and the main thread's event-loop
 * delay p99 while the reranked answers ran (the encoder works in its own thread).
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { answerQuestion, RANKING } from '../src/answer/answer.js';
import { SimilarityReranker } from '../src/answer/similarity.js';
import { Library } from '../src/library/library.js';
import { SentenceEncoder } from '../src/text/sentence-encoder.js';
import { loadSquadLayout } from './lib/data.js';
import { percentile } from './lib/metrics.js';
import { passagesAsArticles } from './lib/verbatim.js';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'bench-data');
const at = process.argv.indexOf('--questions');
const count = at === -1 ? Infinity : Number(process.argv[at + 1]);
const set = loadSquadLayout(join(DATA, 'xquad.en.json'), 'XQuAD en', 'en', 'e');
const questions = set.questions.slice(0, count).map((q) => q.question);
const library = Library.build(passagesAsArticles(set.passages, 'en'));
const encoder = SentenceEncoder.start();
const reranker = new SimilarityReranker(encoder, (error) => {
  throw error;
});
// The model loads in the worker before its first reply: not part of any question's time.
await encoder.embed(['warm-up']);

const ms = (x: number): string => `${x.toFixed(1)} ms`;
for (const pass of ['cold cache', 'warm cache']) {
  const plain: number[] = [];
  const reranked: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  for (const question of questions) {
    let started = performance.now();
    await answerQuestion(library, question, { limit: 5 });
    plain.push(performance.now() - started);
    delay.enable();
    started = performance.now();
    await answerQuestion(library, question, { limit: 5 }, RANKING, reranker);
    reranked.push(performance.now() - started);
    delay.disable();
  }
  plain.sort((a, b) => a - b);
  reranked.sort((a, b) => a - b);
  const p50 = percentile(reranked, 0.5);
  const p99 = percentile(reranked, 0.99);
  console.log(
    `${pass}: ${questions.length} questions; without ${ms(percentile(plain, 0.5))} / ${ms(percentile(plain, 0.99))}, ` +
      `SEMANTIC_RERANK ${ms(p50)} / ${ms(p99)} (p50 ×${(p50 / percentile(plain, 0.5)).toFixed(1)}); ` +
      `event-loop delay p99 while reranking ${ms(delay.percentile(99) / 1e6)}`,
  );
}
await encoder.close();
