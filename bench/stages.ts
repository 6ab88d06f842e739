/**
 * `npx tsx bench/stages.ts [--size 25k] [--queries 200]`: what each stage of a search costs.
 * On the synthetic corpus with SQuAD dev questions weighed as `/ask` weighs them, times in the
 * same process (medians and p99, ms): MiniSearch searching every word at once and the coverage
 * floor applied after it (one stage); stage 1 alone (the words a passage must match to reach
 * the floor, and the other words' terms with prefix or fuzzy expansions: see `planStages`); and
 * the two-stage search the Library runs (stage 2 scoring the rest from the passages' stored
 * terms). Also the hits each returns, which must be the same for the one-stage and two-stage
 * searches (passages with equal scores may come in another order: the two add the same terms'
 * scores in another order).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensureSyntheticCorpus, loadSquadDev, parseSize } from './synthetic.js';
import { Library } from '../src/library/library.js';
import { CANDIDATE_LIMIT, RANKING, weighQuery } from '../src/answer/answer.js';
import { planStages } from '../src/index/minisearch-index.js';
import { isNameKeyTerm } from '../src/text/analyze.js';
import type { Article } from '../src/core/types.js';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const size = parseSize(argument('size', '25k'));
const queries = Number(argument('queries', '200'));
const corpus = ensureSyntheticCorpus(path.resolve(import.meta.dirname, '../data/bench'), size);
const articles = corpus.files.flatMap((file) =>
  fs
    .readFileSync(path.join(corpus.dir, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => ({ ...(JSON.parse(line) as object), origin: { file, line: 1 } }) as Article),
);
let started = performance.now();
const library = Library.build(articles);
console.log(
  `${library.passageCount} passages built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const options = {
  prefix: (term: string) => !isNameKeyTerm(term) && term.length >= RANKING.prefixMinLength,
  fuzzy: (term: string) => (term.length >= RANKING.fuzzyMinLength ? 0.2 : false),
  bm25: RANKING.bm25,
};
const times = { oneStage: [] as number[], stageOne: [] as number[], twoStage: [] as number[] };
let same = 0;
let sameUpToTies = 0;
let groupsAll = 0;
let groupsFirst = 0;
for (const { question } of loadSquadDev().questions.slice(0, queries)) {
  const query = weighQuery(library, question);
  if (query.words.length === 0) continue;
  const groups = query.words.map((w) => w.terms);
  const weights = query.words.map((w) => (w.optional ? 0 : w.weight));
  const total = weights.reduce((a, b) => a + b, 0);
  const coverage = { weights, total, min: RANKING.minCoverage };
  const rare = (term: string): boolean =>
    library.documentFrequency(term) <=
    Math.max(RANKING.expansionMaxShare * library.passageCount, RANKING.expansionMinPassages);
  const expanding = {
    prefix: (term: string) => options.prefix(term) && rare(term),
    fuzzy: (term: string) => (rare(term) ? options.fuzzy(term) : false),
  };
  const plan = planStages({
    groups,
    combineWith: 'OR',
    coverage,
    ...expanding,
    bm25: options.bm25,
    limit: CANDIDATE_LIMIT,
  });
  groupsAll += groups.length;
  groupsFirst += plan.first.length;

  started = performance.now();
  const all = await library.searchTermGroups(groups, {
    ...options,
    ...expanding,
    limit: Infinity,
  });
  const covers = (matched: readonly string[]): boolean =>
    groups.reduce(
      (sum, terms, g) => (terms.some((t) => matched.includes(t)) ? sum + weights[g]! : sum),
      0,
    ) /
      total >=
    coverage.min;
  const oneStage = all.filter((hit) => covers(hit.matchedTerms)).slice(0, CANDIDATE_LIMIT);
  times.oneStage.push(performance.now() - started);

  started = performance.now();
  await library.searchTermGroups(plan.first, { ...options, ...expanding, limit: Infinity });
  times.stageOne.push(performance.now() - started);

  started = performance.now();
  const twoStage = await library.searchTermGroups(groups, {
    ...options,
    ...expanding,
    coverage,
    limit: CANDIDATE_LIMIT,
  });
  times.twoStage.push(performance.now() - started);
  if (twoStage.map((h) => h.passage.id).join() === oneStage.map((h) => h.passage.id).join()) same++;
  else if (
    twoStage.length === oneStage.length &&
    twoStage.every((hit, i) => Math.abs(hit.score - oneStage[i]!.score) <= 1e-9 * hit.score)
  )
    // Passages with equal scores (to rounding) may come in another order.
    sameUpToTies++;
}

const quantile = (values: number[], q: number): string =>
  ([...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))] ?? 0).toFixed(1);
for (const [name, values] of Object.entries(times))
  console.log(
    `${name.padEnd(10)} p50 ${quantile(values, 0.5)} ms  p99 ${quantile(values, 0.99)} ms`,
  );
console.log(
  `same hits: ${same}/${times.twoStage.length}, the others in another order among equal scores: ${sameUpToTies}; groups per question ${(groupsAll / times.twoStage.length).toFixed(1)}, of which stage 1 asks ${(groupsFirst / times.twoStage.length).toFixed(1)}`,
);
