/**
 * Chooses ranking parameters on the SQuAD dev tuning split only (even-numbered paragraphs not
 * in XQuAD; see bench/lib/data.ts), never on the reported figures:
 * `npx tsx bench/tune.ts '{"sentenceWeight":1}' '{"sentenceWeight":2}' …` prints R@1, R@5,
 * MRR@10 and answer-in-quote@1 for the current RANKING and for each override given.
 */
import { join } from 'node:path';
import { answerQuestion, RANKING, type RankingParams } from '../src/answer/answer.js';
import { Library } from '../src/library/library.js';
import { loadSquadLayout, splitForTuning } from './lib/data.js';
import { FigureCounter } from './lib/metrics.js';
import { passagesAsArticles } from './lib/verbatim.js';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'bench-data');
const squad = loadSquadLayout(join(DATA, 'squad-dev-v1.1.rebuilt.json.gz'), 'SQuAD dev', 'en', 's');
const xquad = loadSquadLayout(join(DATA, 'xquad.en.json'), 'XQuAD en', 'en', 'e');
const { tune } = splitForTuning(squad, new Set(xquad.passages.map((p) => p.text)));
const library = Library.build(passagesAsArticles(squad.passages, 'en'));
const variants: RankingParams[] = [
  RANKING,
  ...process.argv.slice(2).map((arg) => {
    const o = JSON.parse(arg) as Partial<RankingParams> & { bm25?: Partial<RankingParams['bm25']> };
    return { ...RANKING, ...o, bm25: { ...RANKING.bm25, ...(o.bm25 ?? {}) } };
  }),
];
for (const params of variants) {
  const counter = new FigureCounter();
  const started = performance.now();
  for (const q of tune) {
    const answer = await answerQuestion(library, q.question, { limit: 10 }, params);
    counter.add(q, {
      passageIds: answer.results.map((r) => r.docId),
      quote: answer.results[0]?.quote ?? null,
    });
  }
  const f = counter.figures();
  const diff = Object.fromEntries(
    Object.entries(params).filter(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(RANKING[k as keyof RankingParams]),
    ),
  );
  console.log(
    `R@1 ${f.r1.toFixed(3)} R@5 ${f.r5.toFixed(3)} MRR ${f.mrr10.toFixed(3)} AiQ ${f.answerInQuote1.toFixed(3)} (${f.questions} q, ${((performance.now() - started) / 1000).toFixed(1)} s) ${JSON.stringify(diff)}`,
  );
}
