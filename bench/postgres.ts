/**
 * `npm run bench:postgres -- [--size 100k] [--queries 300] [--index gin|rum|both] [--compare]
 *  [--compare-exact] [--data DIR] [--postings N] [--candidates N] [--together N] [--together-reach N]
 *  [--together-groups N] [--exact-below N]`
 *
 * The PostgreSQL search backend on the synthetic corpus (bench/synthetic.ts) with SQuAD dev
 * questions, on a private server started for the run (test/pg/server.ts) and stopped after:
 * build passages/s, database size, and the search stage of `/ask` (the answer path's query:
 * per word its stem and name key, prefix and fuzzy expansions, the coverage floor, the best
 * 200 candidates) p50/p99 — with the GIN index and, when the `rum` extension is installed
 * (Debian's postgresql-15-rum), with a RUM index instead. Bounded: `--queries` questions each.
 * `--compare` also builds the in-process index over the same articles and reports how often
 * both return the same best passage and the same 200 candidates with the same scores, and
 * times both on the same questions in turn; `--compare-exact` compares the top-k search with
 * PostgreSQL's exact one (no in-process index built). `--data DIR` keeps the server's data directory
 * and reuses what an earlier run built there (GIN only): a 1M-passage build is made once.
 * Beside wall-clock percentiles, the CPU time per question of the server and of this process:
 * on a shared machine the figure other work moves least. `--postings`, `--candidates`,
 * `--together`, `--together-reach`, `--together-groups` and `--exact-below` override the top-k search's settings (TOP_K in src/index/postgres.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSyntheticCorpus, loadSquadDev, parseSize } from './synthetic.js';
import { startPrivatePostgres } from '../test/pg/server.js';
import { serverCpuMs } from './lib/postgres-cpu.js';
import { migratePostgres, openPostgres } from '../src/db/postgres.js';
import { SEARCH_MIGRATIONS } from '../src/index/postgres-schema.js';
import { PostgresSearch, TOP_K, type PostgresSearchQuery } from '../src/index/postgres.js';
import { PostgresSearchIndex } from '../src/index/postgres-index.js';
import { queryTermsOfWord, tokenize } from '../src/text/analyze.js';
import { BM25_PARAMS, Library } from '../src/library/library.js';
import { expansionRules, MIN_COVERAGE } from '../src/answer/answer.js';
import type { Article } from '../src/core/types.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

/** The 1, 5 and 15 minute load averages, as `uptime` shows them. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

function* articlesOf(corpus: ReturnType<typeof ensureSyntheticCorpus>): Generator<Article> {
  for (const file of corpus.files)
    for (const line of fs.readFileSync(path.join(corpus.dir, file), 'utf8').split('\n'))
      if (line !== '')
        yield { ...(JSON.parse(line) as object), origin: { file, line: 1 } } as Article;
}

/** The answer path's candidate search for a question, as both backends are asked it. */
async function candidateQuery(
  question: string,
  frequency: (terms: string[]) => Promise<Map<string, number>>,
  passages: number,
): Promise<PostgresSearchQuery> {
  const groups = tokenize(question)
    .map((t) => [...queryTermsOfWord(t.text)])
    .filter((g) => g.length > 0)
    .slice(0, 32);
  const frequencies = await frequency(groups.flat());
  const weights = groups.map((g) => {
    const df = Math.min(
      passages,
      g.reduce((sum, t) => sum + (frequencies.get(t) ?? 0), 0),
    );
    return Math.log(1 + (passages - df + 0.5) / (df + 0.5));
  });
  return {
    groups,
    combineWith: 'OR',
    bm25: BM25_PARAMS,
    // Only rare terms expand, as the answer path asks (rankPassages).
    ...expansionRules((term) => frequencies.get(term) ?? 0, passages),
    coverage: { weights, total: weights.reduce((a, b) => a + b, 0), min: MIN_COVERAGE },
    limit: 200,
  };
}

async function timeQuestions(
  index: PostgresSearchIndex,
  questions: readonly string[],
  dataDir: string,
): Promise<{ p50: number; p99: number; answered: number; serverCpu: number; clientCpu: number }> {
  const times: number[] = [];
  let answered = 0;
  const serverBefore = serverCpuMs(dataDir);
  const clientBefore = process.cpuUsage();
  for (const question of questions) {
    const started = performance.now();
    const query = await candidateQuery(
      question,
      (terms) => Promise.resolve(new Map(terms.map((t) => [t, index.documentFrequency(t)]))),
      index.passageCount,
    );
    const hits = await index.search(query);
    times.push(performance.now() - started);
    if (hits.length > 0) answered++;
  }
  const client = process.cpuUsage(clientBefore);
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    answered,
    serverCpu: (serverCpuMs(dataDir) - serverBefore) / questions.length,
    clientCpu: (client.user + client.system) / 1000 / questions.length,
  };
}

/** How often PostgreSQL and the in-process index agree on a question's candidates. */
async function compareWithLibrary(
  search: PostgresSearchIndex,
  articles: readonly Article[],
  questions: readonly string[],
): Promise<void> {
  const library = Library.build(articles);
  let sameFirst = 0;
  let sameList = 0;
  let largestDifference = 0;
  const ourTimes: number[] = [];
  const theirTimes: number[] = [];
  for (const question of questions) {
    const query = await candidateQuery(
      question,
      (terms) => Promise.resolve(new Map(terms.map((t) => [t, library.documentFrequency(t)]))),
      library.passageCount,
    );
    let started = performance.now();
    const ours = await search.search(query);
    ourTimes.push(performance.now() - started);
    started = performance.now();
    const theirs = await library.searchTermGroups(query.groups, { ...query });
    theirTimes.push(performance.now() - started);
    const id = (docId: string, ordinal: number): string => `${docId}#${ordinal}`;
    if (
      (ours[0] === undefined && theirs[0] === undefined) ||
      (ours[0] !== undefined &&
        theirs[0] !== undefined &&
        id(ours[0].key.docId, ours[0].key.ordinal) === theirs[0].passage.id)
    )
      sameFirst++;
    const scores = new Map(theirs.map((h) => [h.passage.id, h.score]));
    let same = ours.length === theirs.length;
    for (const hit of ours) {
      const score = scores.get(id(hit.key.docId, hit.key.ordinal));
      if (score === undefined) same = false;
      else largestDifference = Math.max(largestDifference, Math.abs(score - hit.score) / score);
    }
    if (same) sameList++;
  }
  console.log(
    `against the in-process index: same best passage ${sameFirst}/${questions.length}, ` +
      `same 200 candidates ${sameList}/${questions.length}, largest relative score difference ` +
      `${largestDifference.toExponential(1)}`,
  );
  ourTimes.sort((a, b) => a - b);
  theirTimes.sort((a, b) => a - b);
  const p = (times: number[]): string =>
    `p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms`;
  console.log(
    `same questions in turn (load average ${loadAverage()}): PostgreSQL ${p(ourTimes)}; ` +
      `MiniSearch in this process ${p(theirTimes)}; ratio p50 ` +
      `${(percentile(ourTimes, 50) / percentile(theirTimes, 50)).toFixed(1)}, p99 ` +
      `${(percentile(ourTimes, 99) / percentile(theirTimes, 99)).toFixed(1)}`,
  );
}

/**
 * How often the top-k search agrees with the exact one (every passage that can reach the
 * coverage floor scored; the same results as the in-process index) on the same database.
 */
async function compareWithExact(
  index: PostgresSearchIndex,
  exact: PostgresSearchIndex,
  questions: readonly string[],
): Promise<void> {
  let sameFirst = 0;
  let inTop5 = 0;
  let overlap = 0;
  for (const question of questions) {
    const query = await candidateQuery(
      question,
      (terms) => Promise.resolve(new Map(terms.map((t) => [t, index.documentFrequency(t)]))),
      index.passageCount,
    );
    const ours = await index.search(query);
    const theirs = await exact.search(query);
    const id = (h: { key: { docId: string; ordinal: number } }): string =>
      `${h.key.docId}#${h.key.ordinal}`;
    if (ours[0] === undefined ? theirs[0] === undefined : id(ours[0]) === id(theirs[0] ?? ours[0]))
      sameFirst++;
    if (theirs[0] === undefined || ours.slice(0, 5).some((h) => id(h) === id(theirs[0]!))) inTop5++;
    const mine = new Set(ours.map(id));
    overlap +=
      theirs.length === 0 ? 1 : theirs.filter((h) => mine.has(id(h))).length / theirs.length;
  }
  console.log(
    `against the exact search: same best passage ${sameFirst}/${questions.length}, exact best ` +
      `in the top 5 ${inTop5}/${questions.length}, mean share of the exact 200 found ` +
      `${(overlap / questions.length).toFixed(3)}`,
  );
}

async function main(): Promise<void> {
  const size = parseSize(option('size', '100k'));
  const queryCount = Number(option('queries', '300'));
  const which = option('index', 'both');
  const corpus = ensureSyntheticCorpus(path.resolve('data/bench'), size, (l) => console.error(l));
  const questions = loadSquadDev()
    .questions.slice(0, queryCount)
    .map((q) => q.question);
  const keep = option('data', '');
  // The RUM run replaces the GIN index: never in a data directory kept for the next run.
  if (keep !== '' && which !== 'gin') throw new Error('--data needs --index gin');
  const server = await startPrivatePostgres(keep === '' ? undefined : path.resolve(keep));
  const pool = openPostgres(server.adminUrl);
  try {
    await migratePostgres(pool, 'search', SEARCH_MIGRATIONS);
    const search = new PostgresSearch(pool);
    const built = await pool.query<{ articles: string }>(
      'SELECT count(*) AS articles FROM search_articles',
    );
    const articles = Number(built.rows[0]!.articles);
    let buildMs = NaN;
    if (articles === 0) {
      const started = performance.now();
      await search.upsert(articlesOf(corpus));
      buildMs = performance.now() - started;
      await pool.query('VACUUM ANALYZE');
    } else if (articles !== corpus.articles)
      throw new Error(`${keep} holds ${articles} articles, not the corpus's ${corpus.articles}`);
    const opening = performance.now();
    const topK = {
      postingsPerLexeme: Number(option('postings', String(TOP_K.postingsPerLexeme))),
      candidates: Number(option('candidates', String(TOP_K.candidates))),
      together: Number(option('together', String(TOP_K.together))),
      togetherReach: Number(option('together-reach', String(TOP_K.togetherReach))),
      togetherGroups: Number(option('together-groups', String(TOP_K.togetherGroups))),
      exactBelow: Number(option('exact-below', String(TOP_K.exactBelow))),
    };
    const index = await PostgresSearchIndex.open(pool, { topK });
    const startupMs = performance.now() - opening;
    const bytes = await pool.query<{ size: string }>(
      'SELECT pg_database_size(current_database()) AS size',
    );
    console.log(
      `${corpus.passages} passages: ` +
        (Number.isNaN(buildMs)
          ? `built by an earlier run (${keep}), database `
          : `build ${(buildMs / 1000).toFixed(1)} s, ` +
            `${Math.round(corpus.passages / (buildMs / 1000))} passages/s, database `) +
        `${(Number(bytes.rows[0]!.size) / 2 ** 20).toFixed(0)} MB, start-up (term mirror) ` +
        `${(startupMs / 1000).toFixed(1)} s`,
    );
    if (process.argv.includes('--compare'))
      await compareWithLibrary(index, [...articlesOf(corpus)], questions);
    if (process.argv.includes('--compare-exact')) {
      const exact = await PostgresSearchIndex.open(pool, {
        topK: { ...topK, exactBelow: Infinity },
      });
      await compareWithExact(index, exact, questions);
      await exact.close();
    }
    // Questions repeat words: warm the expansion cache and the server's buffers alike for both.
    await timeQuestions(index, questions.slice(0, 20), server.dataDir);
    if (which !== 'rum') {
      const gin = await timeQuestions(index, questions, server.dataDir);
      console.log(
        `GIN: search p50 ${gin.p50.toFixed(0)} ms, p99 ${gin.p99.toFixed(0)} ms, answered ` +
          `${gin.answered}/${questions.length}; CPU per question: server ${gin.serverCpu.toFixed(0)} ms, ` +
          `this process ${gin.clientCpu.toFixed(0)} ms (load average ${loadAverage()})`,
      );
    }
    if (which !== 'gin') {
      const rum = await pool
        .query('CREATE EXTENSION IF NOT EXISTS rum')
        .then(() => true)
        .catch(() => false);
      if (!rum) console.log('RUM: not installed (apt-get install postgresql-15-rum)');
      else {
        const indexStart = performance.now();
        await pool.query('DROP INDEX search_passages_terms');
        await pool.query(
          'CREATE INDEX search_passages_terms_rum ON search_passages USING rum (terms rum_tsvector_ops)',
        );
        await pool.query('ANALYZE search_passages');
        const indexMs = performance.now() - indexStart;
        const r = await timeQuestions(index, questions, server.dataDir);
        console.log(
          `RUM (index built in ${(indexMs / 1000).toFixed(1)} s): search p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, answered ${r.answered}/${questions.length}`,
        );
      }
    }
    await index.close();
  } finally {
    await pool.end();
    server.stop();
  }
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
