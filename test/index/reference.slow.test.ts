import fs from 'node:fs';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import {
  isNameKeyTerm,
  queryTermsOfWord,
  termContextOfArticle,
  tokenize,
  wordInfo,
} from '../../src/text/analyze.js';
import {
  BM25_PARAMS,
  Library,
  MAIN_SNAPSHOT_FILE,
  type SnapshotFiles,
} from '../../src/library/library.js';
import { SegmentedIndex } from '../../src/index/segmented-index.js';
import { necessaryGroups, planStages, TITLE_BOOST } from '../../src/index/minisearch-index.js';
import type { Article } from '../../src/core/types.js';
import { seededRandom } from '../fixtures.js';

/** The index terms of a text as one string per field, for MiniSearch to split on spaces. */
function termString(text: string, article: Article): string {
  const context = termContextOfArticle(article);
  return tokenize(text)
    .flatMap((token) => wordInfo(token.text, context).terms)
    .filter((term) => term !== '')
    .join(' ');
}

/**
 * A real MiniSearch over the Library's live passages, fed the same index terms: the reference
 * the Library's own index and scorer must rank and score like.
 */
function referenceIndex(
  library: Library,
): MiniSearch<{ id: string; docId: string; text: string; title: string }> {
  const index = new MiniSearch<{ id: string; docId: string; text: string; title: string }>({
    fields: ['text', 'title'],
    storeFields: ['docId'],
    tokenize: (text) => (text === '' ? [] : text.split(' ')),
    processTerm: (term) => term,
  });
  for (const article of library.articles()) {
    const title = termString(article.title ?? '', article);
    for (const passage of library.passagesOf(article.id))
      index.add({
        id: passage.id,
        docId: article.id,
        text: termString(library.passageText(passage), article),
        title,
      });
  }
  return index;
}

/** The query shape the answer path sends: per word, its stem and name key; prefix and fuzzy on. */
function groupsOf(question: string): string[][] {
  const groups: string[][] = [];
  for (const token of tokenize(question)) {
    const terms = queryTermsOfWord(token.text);
    if (terms.length > 0) groups.push([...terms]);
  }
  return groups;
}

const OPTIONS = {
  prefix: (term: string) => !isNameKeyTerm(term) && term.length >= 4,
  fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
} as const;

async function compare(
  library: Library,
  reference: ReturnType<typeof referenceIndex>,
  question: string,
  extra: { combineWith?: 'AND' | 'OR'; source?: string } = {},
): Promise<number> {
  const groups = groupsOf(question);
  const ours = await library.searchTermGroups(groups, { ...OPTIONS, ...extra, limit: Infinity });
  const theirs = reference.search(
    {
      combineWith: extra.combineWith ?? 'OR',
      queries: groups.map((terms) => ({ combineWith: 'OR', queries: [...terms] })),
    },
    {
      ...OPTIONS,
      boost: { title: TITLE_BOOST },
      bm25: BM25_PARAMS,
      ...(extra.source === undefined
        ? {}
        : {
            filter: (result) =>
              (library.article(result['docId'] as string)?.source ?? '')
                .toLowerCase()
                .includes(extra.source!),
          }),
    },
  );
  // Equal scores may come in another order from segments than from one index: both lists are
  // compared ordered by score, then id.
  const byScore = <T>(list: readonly T[], score: (x: T) => number, id: (x: T) => string): T[] =>
    [...list].sort(
      (a, b) => Math.round(score(b) * 1e9) - Math.round(score(a) * 1e9) || (id(a) < id(b) ? -1 : 1),
    );
  const mine = byScore(
    ours,
    (h) => h.score,
    (h) => h.passage.id,
  );
  const expected = byScore(
    theirs,
    (r) => r.score,
    (r) => r.id as string,
  );
  expect(mine.map((h) => h.passage.id)).toEqual(expected.map((r) => r.id));
  mine.forEach((hit, i) => {
    expect(hit.score).toBeCloseTo(expected[i]!.score, 9);
    expect([...hit.matchedTerms].sort()).toEqual([...expected[i]!.queryTerms].sort());
  });
  // Each list itself is ranked best first.
  ours.forEach((hit, i) => {
    if (i > 0) expect(hit.score).toBeLessThanOrEqual(ours[i - 1]!.score + 1e-9);
  });
  return ours.length;
}

/** A Library saved to memory and loaded back. */
async function roundTrip(library: Library): Promise<Library> {
  const key = { termProcessingVersion: 1, fingerprint: 'f' };
  const files = new Map<string, Uint8Array>();
  const store: SnapshotFiles = {
    read: (name) => Promise.resolve(files.get(name)!),
    write: (name, bytes) => Promise.resolve(void files.set(name, bytes)),
  };
  await library.saveSnapshot(key, store);
  return Library.loadSnapshot(files.get(MAIN_SNAPSHOT_FILE)!, key, store);
}

/** Segments of at most about 500 passages: the 3,000 synthetic passages in six or more. */
const segmented = (): SegmentedIndex => new SegmentedIndex({ segmentPassages: 500 });

/** The sentences of the bundled corpus's English articles (the repository's own fixture text). */
function seedSentences(): string[] {
  return fs
    .readdirSync('corpus/seed')
    .map((file) => fs.readFileSync(`corpus/seed/${file}`, 'utf8'))
    .filter((text) => /\nlang: en\n/.test(text))
    .flatMap((text) => text.replace(/^---[\s\S]*?---\n/, '').split(/(?<=[.!?"])\s+/))
    .filter((sentence) => sentence.split(' ').length >= 6);
}

/**
 * About 3,000 passages of the bundled corpus's sentences recombined at random: 1,000 articles of
 * three paragraphs, each of two to four sentences, with dates and outlets spread out, so words
 * have long and short posting lists as in a real corpus.
 */
function syntheticArticles(): Article[] {
  const sentences = seedSentences();
  const random = seededRandom(20220227);
  const pick = (): string => sentences[Math.floor(random() * sentences.length)]!;
  const outlets = ['Sputnik', 'Ynet News', 'The National', 'Reuters', 'BTA'];
  return Array.from({ length: 1_000 }, (_, i) => {
    const paragraphs = Array.from({ length: 3 }, () =>
      Array.from({ length: 2 + Math.floor(random() * 3) }, pick).join(' '),
    );
    const day = new Date(Date.UTC(2022, 0, 1) + Math.floor(random() * 700) * 86_400_000);
    return {
      id: `synthetic-${i}`,
      title: pick().split(' ').slice(0, 8).join(' '),
      source: outlets[i % outlets.length]!,
      url: null,
      date: day.toISOString().slice(0, 10),
      lang: 'en',
      text: paragraphs.join('\n\n'),
      origin: { file: 'synthetic.jsonl', line: i + 1 },
    };
  });
}

/** Questions made of four to six words of random corpus sentences, as a reader's keywords. */
function syntheticQuestions(count: number, seed: number): string[] {
  const sentences = seedSentences();
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const words = sentences[Math.floor(random() * sentences.length)]!.split(' ');
    const start = Math.floor(random() * Math.max(1, words.length - 6));
    return words.slice(start, start + 4 + Math.floor(random() * 3)).join(' ');
  });
}

describe('Library.searchTermGroups', () => {
  it('ranks and scores as a MiniSearch over the same terms on the bundled corpus, with prefix, fuzzy, AND and filters', async () => {
    const library = Library.build((await loadCorpus('corpus')).articles);
    const reference = referenceIndex(library);
    for (const question of [
      'Where was the Russian delegation waiting for talks?',
      'Who accompanied Bennett to the Kremlin?',
      'Путин Нетаняху разговор',
      'Netanyahu Putin call',
      'humanitarian corridors Mariupol',
    ]) {
      expect(await compare(library, reference, question)).toBeGreaterThan(0);
      await compare(library, reference, question, { combineWith: 'AND' });
      await compare(library, reference, question, { source: 'sputnik' });
    }
  });

  it('ranks and scores as one MiniSearch over the same terms on 3,000 passages recombined from the bundled corpus in several segments, also after upserts, removals and a snapshot round trip', async () => {
    const articles = syntheticArticles();
    const index = segmented();
    const library = Library.build(articles, index);
    expect(index.segmentCount).toBeGreaterThan(5);
    const questions = syntheticQuestions(15, 1);
    const before = referenceIndex(library);
    const matched = await Promise.all(
      questions.map((question) => compare(library, before, question)),
    );
    expect(matched.every((count) => count > 0)).toBe(true);
    library.remove(articles.slice(0, 20).map((a) => a.id));
    library.upsert(articles.slice(0, 10));
    // A changed article is removed and added again, so it moves to the end of the index.
    library.upsert([{ ...articles[30]!, title: 'Amended' }]);
    const after = referenceIndex(library);
    for (const question of questions.slice(0, 10)) await compare(library, after, question);
    const restored = await roundTrip(library);
    for (const question of questions.slice(0, 10)) await compare(restored, after, question);
  }, 120_000);
});

describe('Library.searchTermGroups with a coverage floor', () => {
  /**
   * Expansion choices: prefix and fuzzy for most words (stage 1 then asks for nearly every
   * group), only for rare words as the answer path does, and none (stage 2 scores the most).
   */
  const expansions = (library: Library) => {
    const rare = (term: string): boolean => library.documentFrequency(term) <= 50;
    return [
      OPTIONS,
      {
        prefix: (term: string) => OPTIONS.prefix(term) && rare(term),
        fuzzy: (term: string) => (rare(term) ? OPTIONS.fuzzy(term) : false),
      },
      {},
    ];
  };

  /** Compares the floored search with the unpruned one; returns the hits the floor dropped. */
  async function compareFloored(library: Library, questions: readonly string[]): Promise<number> {
    let pruned = 0;
    for (const question of questions) {
      const groups = groupsOf(question);
      const weights = groups.map((terms) => library.idf(terms[0]!));
      const total = weights.reduce((a, b) => a + b, 0);
      for (const options of expansions(library))
        for (const min of [0.25, 0.6]) {
          const covers = (matched: readonly string[]): boolean =>
            groups.reduce((sum, terms, g) => {
              return terms.some((t) => matched.includes(t)) ? sum + weights[g]! : sum;
            }, 0) /
              total >=
            min;
          const all = await library.searchTermGroups(groups, { ...options, limit: Infinity });
          const expected = all.filter((hit) => covers(hit.matchedTerms));
          const actual = await library.searchTermGroups(groups, {
            ...options,
            coverage: { weights, total, min },
            limit: Infinity,
          });
          pruned += all.length - expected.length;
          expect(actual.map((h) => h.passage.id)).toEqual(expected.map((h) => h.passage.id));
          actual.forEach((hit, i) => {
            expect(hit.score).toBeCloseTo(expected[i]!.score, 9);
            expect(hit.matchedTerms).toEqual(expected[i]!.matchedTerms);
          });
          // With a limit, stage 2 leaves unread the passages that cannot make it: the first
          // hits must still be the unpruned search's first ones.
          for (const limit of [3, 20]) {
            const first = await library.searchTermGroups(groups, {
              ...options,
              coverage: { weights, total, min },
              limit,
            });
            expect(first.map((h) => h.passage.id)).toEqual(
              expected.slice(0, limit).map((h) => h.passage.id),
            );
            first.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 9));
          }
        }
    }
    return pruned;
  }

  it('returns exactly the hits of the unpruned search whose matched groups reach the floor, in the same order with the same scores', async () => {
    const library = Library.build(syntheticArticles());
    const questions = syntheticQuestions(30, 2);
    // The floor must leave words to stage 2 and drop hits, or this test would show nothing.
    const staged = questions.filter((question) => {
      const groups = groupsOf(question);
      const weights = groups.map((terms) => library.idf(terms[0]!));
      const total = weights.reduce((a, b) => a + b, 0);
      return necessaryGroups({ weights, total, min: 0.25 }, groups.length).length < groups.length;
    });
    expect(staged.length).toBeGreaterThan(10);
    // Some group must be split between the stages: its name key expands (stage 1), its stem
    // does not (stage 2).
    const [, rareOnly] = expansions(library);
    const split = questions.filter((question) => {
      const groups = groupsOf(question);
      const weights = groups.map((terms) => library.idf(terms[0]!));
      const total = weights.reduce((a, b) => a + b, 0);
      const plan = planStages({
        groups,
        combineWith: 'OR',
        coverage: { weights, total, min: 0.25 },
        ...rareOnly,
        bm25: BM25_PARAMS,
        limit: 20,
      });
      return plan.first.length + plan.rest.length > groups.length;
    });
    expect(split.length).toBeGreaterThan(0);
    expect(await compareFloored(library, questions)).toBeGreaterThan(1_000);
  }, 240_000);

  it('scores as the unpruned search in several segments, after upserts, removals and a snapshot round trip', async () => {
    const articles = syntheticArticles();
    const library = Library.build(articles, segmented());
    library.remove(articles.slice(0, 40).map((a) => a.id));
    library.upsert(articles.slice(0, 10));
    library.upsert([{ ...articles[50]!, title: 'Amended title words', text: 'Short now.' }]);
    const questions = syntheticQuestions(10, 3);
    expect(await compareFloored(library, questions)).toBeGreaterThan(0);
    const restored = await roundTrip(library);
    expect(await compareFloored(restored, questions)).toBeGreaterThan(0);
  }, 240_000);
});
