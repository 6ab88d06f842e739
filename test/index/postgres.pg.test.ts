import MiniSearch from 'minisearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import {
  isNameKeyTerm,
  queryTermsOfWord,
  termContextOfArticle,
  tokenize,
  wordInfo,
} from '../../src/text/analyze.js';
import { splitPassages } from '../../src/text/passages.js';
import { BM25_PARAMS } from '../../src/library/library.js';
import { MiniSearchIndex, TITLE_BOOST } from '../../src/index/minisearch-index.js';
import type { AnswerFilters, Article } from '../../src/core/types.js';
import type { IndexedPassage } from '../../src/index/search-index.js';
import { migratePostgres, openPostgres, type PgPool } from '../../src/db/postgres.js';
import { SEARCH_MIGRATIONS } from '../../src/index/postgres-schema.js';
import {
  PostgresSearch,
  type PostgresSearchQuery,
  type TopKOptions,
} from '../../src/index/postgres.js';
import { PostgresSearchIndex } from '../../src/index/postgres-index.js';
import { makeNewsArticle } from '../fixtures.js';
import { useTestDatabase } from '../pg/database.js';

const database = useTestDatabase();
let pool: PgPool;

beforeAll(async () => {
  pool = openPostgres(database.url());
  await migratePostgres(pool, 'search', SEARCH_MIGRATIONS);
});
afterAll(async () => {
  await pool.end();
});

/** Empties the search tables between specifications. */
async function freshSearch(topK?: TopKOptions): Promise<PostgresSearch> {
  await pool.query(
    `TRUNCATE search_articles, search_passages, search_terms, search_postings;
     UPDATE search_totals SET passages = 0, text_length = 0, title_length = 0,
       bulgarian_articles = 0, russian_articles = 0, version = version + 1`,
  );
  return new PostgresSearch(pool, null, topK);
}

type Doc = { id: string; text: string; title: string };

/** The index terms of a text as one string, for MiniSearch to split on spaces. */
function termString(text: string, article: Article): string {
  const context = termContextOfArticle(article);
  return tokenize(text)
    .flatMap((token) => wordInfo(token.text, context).terms)
    .filter((term) => term !== '')
    .join(' ');
}

/** A real MiniSearch over the same passages and terms: the oracle PostgreSQL must score like. */
function referenceIndex(articles: readonly Article[]): {
  index: MiniSearch<Doc>;
  articleOf: Map<string, Article>;
} {
  const index = new MiniSearch<Doc>({
    fields: ['text', 'title'],
    tokenize: (text) => (text === '' ? [] : text.split(' ')),
    processTerm: (term) => term,
  });
  const articleOf = new Map<string, Article>();
  for (const article of articles) {
    const title = termString(article.title ?? '', article);
    for (const passage of splitPassages(article)) {
      articleOf.set(passage.id, article);
      index.add({
        id: passage.id,
        text: termString(article.text.slice(passage.start, passage.end), article),
        title,
      });
    }
  }
  return { index, articleOf };
}

/** The answer path's query shape: per word its stem and name key. */
function groupsOf(question: string): string[][] {
  return tokenize(question)
    .map((token) => [...queryTermsOfWord(token.text)])
    .filter((terms) => terms.length > 0);
}

const RULES = {
  prefix: (term: string) => !isNameKeyTerm(term) && term.length >= 4,
  fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
} as const;

function queryOf(
  question: string,
  options: { combineWith?: 'AND' | 'OR'; filters?: AnswerFilters; limit?: number } = {},
): PostgresSearchQuery {
  return {
    groups: groupsOf(question),
    combineWith: options.combineWith ?? 'OR',
    bm25: BM25_PARAMS,
    filters: options.filters ?? {},
    limit: options.limit ?? 10_000,
    ...RULES,
  };
}

function passesFilters(article: Article, filters: AnswerFilters): boolean {
  if (filters.since !== undefined && (article.date === null || article.date < filters.since))
    return false;
  if (filters.until !== undefined && (article.date === null || article.date > filters.until))
    return false;
  if (filters.lang !== undefined && article.lang !== filters.lang) return false;
  if (
    filters.source !== undefined &&
    !(article.source ?? '').toLowerCase().includes(filters.source)
  )
    return false;
  return true;
}

/** Ranked (passage id, score) pairs, ties in id order so both sides list them alike. */
function normalised(pairs: { id: string; score: number }[]): { id: string; score: number }[] {
  return pairs
    .map((p) => ({ id: p.id, score: Number(p.score.toPrecision(10)) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

/** Checks PostgreSQL against MiniSearch for one question; returns how many passages matched. */
async function compare(
  search: PostgresSearch,
  reference: ReturnType<typeof referenceIndex>,
  question: string,
  options: { combineWith?: 'AND' | 'OR'; filters?: AnswerFilters; limit?: number } = {},
): Promise<number> {
  const groups = groupsOf(question);
  const limit = options.limit ?? 10_000;
  const filters = options.filters ?? {};
  const ours = await search.searchArticles(queryOf(question, options));
  const theirs = reference.index
    .search(
      {
        combineWith: options.combineWith ?? 'OR',
        queries: groups.map((terms) => ({ combineWith: 'OR', queries: [...terms] })),
      },
      {
        ...RULES,
        boost: { title: TITLE_BOOST },
        bm25: BM25_PARAMS,
        filter: (result) => passesFilters(reference.articleOf.get(result.id as string)!, filters),
      },
    )
    .slice(0, limit);
  expect(normalised(ours.map((h) => ({ id: h.passage.id, score: h.score })))).toEqual(
    normalised(theirs.map((r) => ({ id: r.id as string, score: r.score }))),
  );
  const termsOf = new Map(theirs.map((r) => [r.id as string, [...r.queryTerms].sort()]));
  for (const hit of ours) {
    expect([...hit.matchedTerms].sort()).toEqual(termsOf.get(hit.passage.id));
    expect(hit.article.text.slice(hit.passage.start, hit.passage.end).length).toBeGreaterThan(0);
  }
  return ours.length;
}

/**
 * ~1,000 passages made from the bundled corpus: each article 12 times, its paragraphs rotated,
 * under its own id, date and outlet, so terms have realistic and varied frequencies.
 */
function remixedArticles(seed: readonly Article[]): Article[] {
  const out: Article[] = [];
  for (let copy = 0; copy < 12; copy++)
    for (const article of seed) {
      const paragraphs = article.text.split('\n\n');
      const turn = copy % paragraphs.length;
      out.push({
        ...article,
        id: `${article.id}-${copy}`,
        text: [...paragraphs.slice(turn), ...paragraphs.slice(0, turn)].join('\n\n'),
        date: `202${copy % 4}-${String((copy % 12) + 1).padStart(2, '0')}-15`,
        source: `${article.source ?? 'Unknown'} ${copy % 3}`,
      });
    }
  return out;
}

/** Questions made of words of the corpus: 8 words from every 40th sentence-ish stretch. */
function questionsFrom(articles: readonly Article[], count: number): string[] {
  const words = articles.flatMap((a) => tokenize(a.text).map((t) => t.text));
  const step = Math.floor(words.length / count);
  return Array.from({ length: count }, (_, i) => words.slice(i * step, i * step + 8).join(' '));
}

describe('PostgresSearch', () => {
  it('ranks and scores as a MiniSearch over the same terms on the bundled corpus, with prefix, fuzzy, AND and filters', async () => {
    const search = await freshSearch();
    const { articles } = await loadCorpus('corpus');
    await search.upsert(articles);
    const reference = referenceIndex(articles);
    for (const question of [
      'Where was the Russian delegation waiting for talks?',
      'Who accompanied Bennett to the Kremlin?',
      'Путин Нетаняху разговор',
      'Netanyahu Putin call',
      'humanitarian corridors Mariupol',
    ]) {
      expect(await compare(search, reference, question)).toBeGreaterThan(0);
      await compare(search, reference, question, { combineWith: 'AND' });
      await compare(search, reference, question, { filters: { source: 'sputnik' } });
      await compare(search, reference, question, { limit: 3 });
    }
  });

  it('scores as MiniSearch on 1,000 passages in two languages, also after removals and changed articles', async () => {
    const search = await freshSearch();
    const articles = remixedArticles((await loadCorpus('corpus')).articles);
    await search.upsert(articles);
    const questions = questionsFrom(articles, 15);
    const before = referenceIndex(articles);
    for (const question of questions)
      expect(await compare(search, before, question, { limit: 200 })).toBeGreaterThan(0);

    await search.remove(articles.slice(0, 20).map((a) => a.id));
    const amended = { ...articles[30]!, title: 'Amended' };
    const result = await search.upsert([...articles.slice(0, 10), amended, articles[31]!]);
    expect(result).toEqual({
      added: articles.slice(0, 10).map((a) => a.id),
      changed: [amended.id],
      unchanged: [articles[31]!.id],
    });
    const after = referenceIndex([
      ...articles.slice(20).map((a) => (a.id === amended.id ? amended : a)),
      ...articles.slice(0, 10),
    ]);
    for (const question of questions.slice(0, 10))
      await compare(search, after, question, { limit: 200 });
  });

  it('keeps date, language and outlet filters, reading only the months asked for', async () => {
    const search = await freshSearch();
    const articles = [
      makeNewsArticle('jan', 'Grain exports resumed through the port.', { date: '2022-01-15' }),
      makeNewsArticle('feb', 'Grain exports stopped at the port.', { date: '2022-02-10' }),
      makeNewsArticle('mar', 'Grain exports doubled at the port.', {
        date: '2022-03-02',
        source: 'Reuters',
      }),
      makeNewsArticle('undated', 'Grain exports were discussed.', { date: null }),
      makeNewsArticle('bg', 'Износът на зърно се възобнови през пристанището.', {
        date: '2022-02-11',
        lang: 'bg',
      }),
    ];
    await search.upsert(articles);
    const reference = referenceIndex(articles);
    const ids = async (filters: AnswerFilters): Promise<string[]> =>
      (await search.searchArticles(queryOf('grain exports', { filters, limit: 10 })))
        .map((h) => h.article.id)
        .sort();
    expect(await ids({})).toEqual(['feb', 'jan', 'mar', 'undated']);
    expect(await ids({ since: '2022-02-01', until: '2022-02-28' })).toEqual(['feb']);
    expect(await ids({ source: 'REUTERS' })).toEqual(['mar']);
    expect(await ids({ lang: 'en', until: '2022-01-31' })).toEqual(['jan']);
    await compare(search, reference, 'grain exports', { filters: { since: '2022-02-01' } });
    const plan = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT 1 FROM search_passages
       WHERE month >= date '2022-02-01' AND month <= date '2022-02-28'`,
    );
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('search_passages_2022_02');
    expect(text).not.toContain('search_passages_2022_01');
    expect(text).not.toContain('search_passages_undated');
  });

  it('keeps term statistics exact as articles come and go', async () => {
    const search = await freshSearch();
    const a = makeNewsArticle('a', 'Ceasefire talks. Ceasefire hopes.\n\nTalks again.');
    const b = makeNewsArticle('b', 'Ceasefire collapsed.');
    await search.upsert([a, b]);
    const [ceasefire, talks] = groupsOf('ceasefire talks').map((g) => g[0]!);
    expect(await search.documentFrequencies([ceasefire!, talks!])).toEqual(
      new Map([
        [ceasefire, 2],
        [talks, 2],
      ]),
    );
    expect((await search.totals()).passages).toBe(3);
    expect(await search.remove(['a', 'missing'])).toEqual(['a']);
    expect(await search.documentFrequencies([ceasefire!, talks!])).toEqual(
      new Map([
        [ceasefire, 1],
        [talks, 0],
      ]),
    );
    expect((await search.totals()).passages).toBe(1);
    // A term left in no passage is kept at 0, so processes mirroring frequencies see it go.
    const changed = await search.frequenciesSince(0);
    expect(changed.frequencies).toContainEqual({ term: talks, textDf: 0, titleDf: 0 });
    expect(changed.frequencies).toContainEqual({ term: ceasefire, textDf: 1, titleDf: 0 });
  });

  it('stores the article text as given, so every quote is an exact substring of it', async () => {
    const search = await freshSearch();
    const text = "It's «here» — \\ 'quoted' ünïcödé; Путин said: 50% of 2022.";
    await search.upsert([makeNewsArticle('odd', text, { title: "O'Brien \\ Путин" })]);
    const hits = await search.searchArticles(queryOf('Путин quoted', { limit: 5 }));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.article.text).toBe(text);
    expect(text.slice(hits[0]!.passage.start, hits[0]!.passage.end)).toBe(text);
    expect(hits[0]!.article.title).toBe("O'Brien \\ Путин");
  });
});

const FILLER =
  'harvest silo wheat barley tonnage vessel cargo quay berth freight ferry tanker'.split(' ');

/**
 * `count` one-paragraph articles about grain exports of varied lengths (so their postings have
 * varied impacts), dated over the first half of 2022.
 */
function grainArticles(count: number, prefix = 'g'): Article[] {
  return Array.from({ length: count }, (_, i) =>
    makeNewsArticle(
      `${prefix}${i}`,
      `Grain exports ${FILLER.slice(0, i % FILLER.length).join(' ')} through the port.`,
      { date: `2022-0${(i % 6) + 1}-1${i % 10}` },
    ),
  );
}

/**
 * Broken invariants of the postings lists: a listed posting whose passage is gone or whose
 * impact is not the passage's, a count that is not the list's length, or a posting above its
 * term's floor missing from the list.
 */
async function postingsProblems(): Promise<string[]> {
  const found = await pool.query<{ problem: string }>(
    `SELECT 'stale ' || s.term || ' ' || s.seq AS problem
     FROM search_postings s
     LEFT JOIN search_passages p ON p.seq = s.seq
     LEFT JOIN LATERAL (SELECT u.weights FROM unnest(p.terms) AS u WHERE u.lexeme = s.term) u ON true
     WHERE u.weights IS NULL OR search_impact(u.weights, p.text_length, p.title_length) <> s.impact
     UNION ALL
     SELECT 'count ' || t.term FROM search_terms t
     LEFT JOIN (SELECT term, count(*) AS n FROM search_postings GROUP BY term) c ON c.term = t.term
     WHERE t.postings <> coalesce(c.n, 0)
     UNION ALL
     SELECT 'missing ' || u.lexeme || ' ' || p.seq
     FROM search_passages p CROSS JOIN LATERAL unnest(p.terms) AS u
     JOIN search_terms t ON t.term = u.lexeme
     WHERE t.text_df + t.title_df > 100
       AND search_impact(u.weights, p.text_length, p.title_length) > t.floor
       AND NOT EXISTS (SELECT 1 FROM search_postings s WHERE s.term = u.lexeme AND s.seq = p.seq)`,
  );
  return found.rows.map((r) => r.problem);
}

describe('PostgresSearch top-k (impact-ordered postings lists)', () => {
  const tight: TopKOptions = {
    postingsPerLexeme: 10,
    candidates: 20,
    together: 20,
    togetherReach: Infinity,
    togetherGroups: Infinity,
    exactBelow: 0,
  };

  it("scores only the top of common words' lists, yet finds a passage with a rare word deep in them, scored exactly", async () => {
    const search = await freshSearch(tight);
    const deep = makeNewsArticle(
      'deep',
      `Grain exports ${[...FILLER, ...FILLER, ...FILLER].join(' ')} from Zaporizhzhia through the port.`,
    );
    const articles = [...grainArticles(400), deep];
    await search.upsert(articles);
    const reference = referenceIndex(articles);
    const exact = async (question: string): Promise<Map<string, number>> =>
      new Map(
        (await new PostgresSearch(pool).searchArticles(queryOf(question))).map((h) => [
          h.passage.id,
          h.score,
        ]),
      );

    // Common words only: the candidates are the top of their lists, not all 401 passages.
    const common = await search.searchArticles(queryOf('grain exports port'));
    const all = await exact('grain exports port');
    expect(all.size).toBe(401);
    expect(common.length).toBeGreaterThan(0);
    expect(common.length).toBeLessThanOrEqual(tight.candidates);
    expect(common[0]!.passage.id).toBe([...all.keys()][0]);
    for (const hit of common) expect(hit.score).toBeCloseTo(all.get(hit.passage.id)!, 9);

    // The rare word's passage is the longest, so last in every common word's list: still first.
    const rare = await search.searchArticles(queryOf('grain exports Zaporizhzhia'));
    expect(rare[0]!.article.id).toBe('deep');
    const scores = await exact('grain exports Zaporizhzhia');
    for (const hit of rare) expect(hit.score).toBeCloseTo(scores.get(hit.passage.id)!, 9);
    expect(rare.length).toBeLessThanOrEqual(tight.candidates + 1);

    // A filtered question is answered over every passage its filters let through.
    for (const filters of [{ since: '2022-06-01' }, { source: 'sputnik', until: '2022-01-31' }])
      expect(await compare(search, reference, 'grain exports port', { filters })).toBeGreaterThan(
        tight.candidates,
      );
  });

  it("finds a passage that tops no word's list but holds all the question's words", async () => {
    const convoys = grainArticles(300, 'c').map((a) => ({
      ...a,
      text: a.text.replace('Grain exports', 'Convoy insurance'),
    }));
    const everything = makeNewsArticle(
      'all',
      `Grain exports ${[...FILLER, ...FILLER, ...FILLER].join(' ')} need convoy insurance.`,
    );
    const articles = [...grainArticles(300), ...convoys, everything];
    const question = 'grain exports convoy insurance';
    const best = async (
      together: number,
      togetherReach = Infinity,
      togetherGroups = Infinity,
    ): Promise<string | undefined> => {
      const search = await freshSearch({ ...tight, together, togetherReach, togetherGroups });
      await search.upsert(articles);
      return (await search.searchArticles(queryOf(question)))[0]?.article.id;
    };
    // Each word is in half the passages: all four together are expected in 601/16 ≈ 38.
    expect(await best(40)).toBe('all');
    expect(await best(0)).not.toBe('all');
    // Reading the lists of only two of the words (each in 301 passages), the four are never
    // looked for together, and two of them co-occur in too many passages (~150) to be read.
    expect(await best(40, 602)).not.toBe('all');
    expect(await best(40, 1_204)).toBe('all');
    // The same when at most two of the words may be read together, however many postings.
    expect(await best(40, Infinity, 2)).not.toBe('all');
    expect(await best(40, Infinity, 4)).toBe('all');
  });

  it('keeps the postings lists exact through trims, removals and changed articles', async () => {
    // A first load of many articles is a bulk load: the GIN index and the lists made at its end.
    const articles = grainArticles(1_600);
    await (await freshSearch(tight)).upsert(articles);
    expect(await postingsProblems()).toEqual([]);
    // The best 1,000 impacts of each list: what a search reads, whichever way it was written.
    const tops = async (): Promise<unknown[]> =>
      (
        await pool.query(
          `SELECT term, impact, count(*) AS n FROM (
             SELECT term, impact,
                    row_number() OVER (PARTITION BY term ORDER BY impact DESC) AS rank
             FROM search_postings) r
           WHERE rank <= 1000 GROUP BY term, impact ORDER BY 1, 2`,
        )
      ).rows;
    const bulk = await tops();
    const gin = await pool.query("SELECT to_regclass('search_passages_terms') AS gin");
    expect(gin.rows[0]!.gin).toBe('search_passages_terms');

    // Written a few at a time, the lists pass 100 passages, are made then, and grow; past
    // 1,500 postings a list is trimmed to its best 1,000.
    const search = await freshSearch(tight);
    await search.upsert(articles.slice(0, 150));
    for (let from = 150; from < articles.length; from += 150)
      await search.upsert(articles.slice(from, from + 150));
    const grain = groupsOf('grain')[0]![0]!;
    const listed = await pool.query<{ postings: number; floor: number }>(
      'SELECT postings, floor FROM search_terms WHERE term = $1',
      [grain],
    );
    expect(listed.rows[0]!.postings).toBe(1_000);
    expect(listed.rows[0]!.floor).toBeGreaterThan(0);
    expect(await postingsProblems()).toEqual([]);
    expect(await tops()).toEqual(bulk);

    // Removing the shortest passages (the top of the lists) empties them below half: rebuilt.
    const shortest = articles.filter((_, i) => i % FILLER.length < 6).map((a) => a.id);
    await search.remove(shortest);
    const changed = articles
      .filter((_, i) => i % FILLER.length === 8 && i < 300)
      .map((a) => ({ ...a, text: `${a.text} Grain grain grain.` }));
    await search.upsert([...changed, ...grainArticles(30, 'late')]);
    expect(await postingsProblems()).toEqual([]);
    const best = await search.searchArticles(queryOf('grain'));
    expect(changed.map((a) => a.id)).toContain(best[0]!.article.id);

    // The lists go with the passages.
    await search.remove(articles.map((a) => a.id));
    expect(await postingsProblems()).toEqual([]);
    const left = await pool.query<{ n: string }>('SELECT count(*) AS n FROM search_postings');
    const lateGrain = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM search_postings s JOIN search_passages p USING (seq) WHERE p.doc_id LIKE 'late%'",
    );
    expect(left.rows[0]!.n).toBe(lateGrain.rows[0]!.n);
  });
});

/** The passages of articles as the Library hands them to a SearchIndex. */
function indexedPassages(articles: readonly Article[]): IndexedPassage[] {
  return articles.flatMap((article) => {
    const context = termContextOfArticle(article);
    const termsOf = (text: string): string[] =>
      tokenize(text)
        .flatMap((token) => wordInfo(token.text, context).terms)
        .filter((term) => term !== '');
    const titleTerms = termsOf(article.title ?? '');
    return splitPassages(article).map((passage) => ({
      docId: article.id,
      ordinal: passage.ordinal,
      textTerms: termsOf(article.text.slice(passage.start, passage.end)),
      titleTerms,
      date: article.date,
      source: article.source,
      lang: article.lang,
    }));
  });
}

describe('PostgresSearchIndex (the SearchIndex on PostgreSQL)', () => {
  it('ranks as MiniSearch over the passages it is given, keeps document frequencies, and another process sees its changes', async () => {
    await freshSearch();
    const articles = (await loadCorpus('corpus')).articles;
    const first = await PostgresSearchIndex.open(pool);
    const otherPool = openPostgres(database.url());
    const other = await PostgresSearchIndex.open(otherPool);
    try {
      first.add(indexedPassages(articles));
      const reference = referenceIndex(articles);
      const question = 'Where was the Russian delegation waiting for talks?';
      const expected = reference.index.search(
        {
          combineWith: 'OR',
          queries: groupsOf(question).map((t) => ({ combineWith: 'OR', queries: t })),
        },
        { ...RULES, boost: { title: TITLE_BOOST }, bm25: BM25_PARAMS },
      );
      const hits = await first.search(queryOf(question, { limit: 10_000 }));
      expect(
        normalised(hits.map((h) => ({ id: `${h.key.docId}#${h.key.ordinal}`, score: h.score }))),
      ).toEqual(normalised(expected.map((r) => ({ id: r.id as string, score: r.score }))));
      expect(first.passageCount).toBe(reference.articleOf.size);
      const delegation = groupsOf('delegation')[0]![0]!;
      const df = hits.filter((h) => h.matchedTerms.includes(delegation)).length;
      expect(first.documentFrequency(delegation)).toBeGreaterThan(0);
      expect(first.documentFrequency(delegation)).toBeLessThanOrEqual(df);

      // The other process: same hits through its own connection, and its frequencies follow.
      expect((await other.search(queryOf(question, { limit: 5 }))).map((h) => h.key)).toEqual(
        hits.slice(0, 5).map((h) => h.key),
      );
      expect(other.documentFrequency(delegation)).toBe(first.documentFrequency(delegation));
      const [late] = indexedPassages([
        makeNewsArticle('late', 'Zelenskyy thanked the Philharmonic orchestra.'),
      ]);
      other.add([late!]);
      await other.flush();
      const found = await first.search(queryOf('philharmonic orchestra', { limit: 3 }));
      expect(found.map((h) => h.key)).toEqual([{ docId: 'late', ordinal: 0 }]);
      expect(first.documentFrequency(groupsOf('philharmonic')[0]![0]!)).toBe(1);
      first.remove([{ docId: 'late', ordinal: 0 }]);
      await first.flush();
      expect(await other.search(queryOf('philharmonic orchestra', { limit: 3 }))).toEqual([]);
      expect(other.documentFrequency(groupsOf('philharmonic')[0]![0]!)).toBe(0);
    } finally {
      await first.close();
      await other.close();
      await otherPool.end();
    }
  });

  it('answers every search specification as the MiniSearch index does (both SearchIndex backends)', async () => {
    await freshSearch();
    const articles = remixedArticles((await loadCorpus('corpus')).articles).slice(0, 25);
    const postgres = await PostgresSearchIndex.open(pool);
    const miniSearch = new MiniSearchIndex();
    try {
      postgres.add(indexedPassages(articles));
      miniSearch.add(indexedPassages(articles));
      await postgres.flush();
      expect(postgres.passageCount).toBe(miniSearch.passageCount);
      let compared = 0;
      for (const question of questionsFrom(articles, 12)) {
        const groups = groupsOf(question);
        const weights = groups.map((g) =>
          Math.log(2 + 1 / (1 + miniSearch.documentFrequency(g[0]!))),
        );
        const total = weights.reduce((a, b) => a + b, 0);
        for (const extra of [
          {},
          { combineWith: 'AND' as const },
          { coverage: { weights, total, min: 0.4 } },
          { filters: { since: '2021-01-01', source: '1' } },
          { limit: 3 },
        ]) {
          const query = { ...queryOf(question, { limit: 500 }), ...extra };
          const ours = await postgres.search(query);
          const theirs = await miniSearch.search(query);
          const rows = (hits: typeof ours): { id: string; score: number }[] =>
            hits.map((h) => ({ id: `${h.key.docId}#${h.key.ordinal}`, score: h.score }));
          if (query.limit >= 500) expect(normalised(rows(ours))).toEqual(normalised(rows(theirs)));
          else {
            expect(ours).toHaveLength(theirs.length);
            ours.forEach((hit, n) => expect(hit.score).toBeCloseTo(theirs[n]!.score, 9));
          }
          compared += ours.length;
        }
        for (const term of groups.flat())
          expect(postgres.documentFrequency(term)).toBe(miniSearch.documentFrequency(term));
      }
      expect(compared).toBeGreaterThan(100);
    } finally {
      await postgres.close();
    }
  });

  it('finds every passage reaching the coverage floor also when the sets of words reaching it are too many to list', async () => {
    await freshSearch();
    const articles = remixedArticles((await loadCorpus('corpus')).articles).slice(0, 25);
    const postgres = await PostgresSearchIndex.open(pool);
    const miniSearch = new MiniSearchIndex();
    try {
      postgres.add(indexedPassages(articles));
      miniSearch.add(indexedPassages(articles));
      await postgres.flush();
      // Words in many passages (rare ones are read apart from the sets of words).
      const common = [
        ...new Set(articles.flatMap((a) => tokenize(a.text).map((t) => t.text.toLowerCase()))),
      ]
        .map((word) => groupsOf(word)[0])
        .filter((g) => g !== undefined && miniSearch.documentFrequency(g[0]!) > 20);
      expect(common.length).toBeGreaterThan(30);
      let compared = 0;
      for (const start of [0, 5, 10]) {
        // 20 words of equal weight and a floor of a quarter: thousands of smallest sets.
        const groups = common.slice(start, start + 20) as string[][];
        const weights = groups.map(() => 1);
        const query = {
          ...queryOf(''),
          groups,
          coverage: { weights, total: weights.length, min: 0.25 },
          limit: 500,
        };
        const rows = (hits: Awaited<ReturnType<MiniSearchIndex['search']>>) =>
          hits.map((h) => ({ id: `${h.key.docId}#${h.key.ordinal}`, score: h.score }));
        const ours = await postgres.search(query);
        expect(normalised(rows(ours))).toEqual(normalised(rows(await miniSearch.search(query))));
        compared += ours.length;
      }
      expect(compared).toBeGreaterThan(0);
    } finally {
      await postgres.close();
    }
  });
});
