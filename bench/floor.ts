/**
 * Chooses the confidence floor on data: `npx tsx bench/floor.ts`. The library holds the SQuAD
 * dev paragraphs of half the Wikipedia articles; tuning-split questions about those articles
 * are answerable, questions about the other half are not (their topic is absent, as "What is
 * the capital of Australia?" is from a news corpus). For each threshold on the top passage's
 * confidence features it prints how many answerable questions keep a correct first result and
 * how many unanswerable ones are (rightly) left without results: the best rules, then the
 * rule in use (RANKING's floorCoverage and floorSentence). Last, the same two shares for whole
 * answers (`answerQuestion`, as `/ask` answers: spelling corrections and dates searched as words
 * included), for the guesses' stricter floors.
 */
import { join } from 'node:path';
import { answerQuestion, RANKING, rankPassages, weighQuery } from '../src/answer/answer.js';
import { Library } from '../src/library/library.js';
import { loadSquadLayout, splitForTuning } from './lib/data.js';
import { passagesAsArticles } from './lib/verbatim.js';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'bench-data');
const squad = loadSquadLayout(join(DATA, 'squad-dev-v1.1.rebuilt.json.gz'), 'SQuAD dev', 'en', 's');
const xquad = loadSquadLayout(join(DATA, 'xquad.en.json'), 'XQuAD en', 'en', 'e');
const { tune } = splitForTuning(squad, new Set(xquad.passages.map((p) => p.text)));
const titles = [...new Set(squad.passages.map((p) => p.title))];
// `--every N`: the corpus holds every Nth article (2 by default; 8 gives ~250 paragraphs, the
// size of XQuAD, where words absent from the corpus weigh more).
const every = Number(process.argv[process.argv.indexOf('--every') + 1] ?? 2) || 2;
const present = new Set(titles.filter((_, i) => i % every === 0));
const titleOf = new Map(squad.passages.map((p) => [p.id, p.title]));
const library = Library.build(
  passagesAsArticles(
    squad.passages.filter((p) => present.has(p.title)),
    'en',
  ),
);

interface Outcome {
  readonly answerable: boolean;
  readonly correct: boolean;
  readonly coverage: number;
  readonly sentence: number;
}
const outcomes: Outcome[] = [];
for (const q of tune) {
  const answerable = present.has(titleOf.get(q.passageId) ?? '');
  const top = (
    await rankPassages(library, weighQuery(library, q.question), {}, { ...RANKING, minCoverage: 0 })
  )[0];
  outcomes.push({
    answerable,
    correct: top?.hit.article.id === q.passageId,
    coverage: top?.coverage ?? 0,
    sentence: top?.sentenceCoverage ?? 0,
  });
}
const answerable = outcomes.filter((o) => o.answerable);
const unanswerable = outcomes.filter((o) => !o.answerable);
console.log(
  `answerable ${answerable.length} (correct first ${answerable.filter((o) => o.correct).length}), unanswerable ${unanswerable.length}`,
);
// The rule: no results when coverage < a or the best sentence's share < b. Listed: the rules that
// keep all but LOSS_ALLOWED of the correct first answers, best rejection first.
const LOSS_ALLOWED = Number(process.argv[process.argv.indexOf('--loss') + 1] ?? 0.005) || 0.005;
const base = answerable.filter((o) => o.correct).length / answerable.length;
const rules: { a: number; b: number; kept: number; rejected: number }[] = [];
for (let a = 0; a <= 0.61; a += 0.05)
  for (let b = 0; b <= 0.61; b += 0.05) {
    const pass = (o: Outcome): boolean => o.coverage >= a - 1e-9 && o.sentence >= b - 1e-9;
    const kept = answerable.filter((o) => o.correct && pass(o)).length / answerable.length;
    const rejected = unanswerable.filter((o) => !pass(o)).length / unanswerable.length;
    rules.push({ a, b, kept, rejected });
  }
const describe = (r: (typeof rules)[number]): string =>
  `coverage >= ${r.a.toFixed(2)} and sentence >= ${r.b.toFixed(2)}: correct first kept ${r.kept.toFixed(3)} (of ${base.toFixed(3)}), unanswerable left empty ${r.rejected.toFixed(3)}`;
for (const r of rules
  .filter((r) => base - r.kept <= LOSS_ALLOWED)
  .sort((x, y) => y.rejected - x.rejected)
  .slice(0, 8))
  console.log(describe(r));
const inUse = rules.find(
  (r) =>
    Math.abs(r.a - RANKING.floorCoverage) < 1e-6 && Math.abs(r.b - RANKING.floorSentence) < 1e-6,
);
if (inUse !== undefined) console.log(`in use: ${describe(inUse)}`);

let answeredRight = 0;
let leftEmpty = 0;
for (const q of tune) {
  const answer = await answerQuestion(library, q.question, { limit: 1 });
  if (present.has(titleOf.get(q.passageId) ?? '')) {
    if (answer.results[0]?.docId === q.passageId) answeredRight++;
  } else if (answer.results.length === 0) leftEmpty++;
}
console.log(
  `answerQuestion: correct first ${(answeredRight / answerable.length).toFixed(4)}, unanswerable left empty ${(leftEmpty / unanswerable.length).toFixed(4)}`,
);
