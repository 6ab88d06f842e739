import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSyntheticCorpus, loadSquadDev } from '../../bench/synthetic.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { isNameKeyTerm, queryTermsOfWord, tokenize } from '../../src/search/analyze.js';
import { Library } from '../../src/search/library.js';

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

function compare(
  library: Library,
  question: string,
  extra: { combineWith?: 'AND' | 'OR'; source?: string } = {},
): void {
  const groups = groupsOf(question);
  const fast = [...library.searchTermGroups(groups, { ...OPTIONS, ...extra })];
  const reference = [
    ...library.searchTermGroups(groups, { ...OPTIONS, ...extra, reference: true }),
  ];
  expect(fast.map((h) => h.passage.id)).toEqual(reference.map((h) => h.passage.id));
  fast.forEach((hit, i) => {
    expect(hit.score).toBeCloseTo(reference[i]!.score, 9);
    expect([...hit.matchedTerms].sort()).toEqual([...reference[i]!.matchedTerms].sort());
  });
}

describe('Library.searchTermGroups (lean scorer)', () => {
  it('ranks and scores exactly as MiniSearch.search on the bundled corpus, with prefix, fuzzy, AND and filters', async () => {
    const library = Library.build((await loadCorpus('corpus')).articles);
    for (const question of [
      'Where was the Russian delegation waiting for talks?',
      'Who accompanied Bennett to the Kremlin?',
      'Путин Нетаняху разговор',
      'Netanyahu Putin call',
      'humanitarian corridors Mariupol',
    ]) {
      compare(library, question);
      compare(library, question, { combineWith: 'AND' });
      compare(library, question, { source: 'sputnik' });
    }
  });

  it('ranks and scores exactly as MiniSearch.search on 3,000 synthetic passages with SQuAD questions, also after upserts and removals', async () => {
    const corpus = ensureSyntheticCorpus(path.resolve('data/bench'), 3_000);
    const articles = corpus.files.flatMap((file) =>
      // The synthetic records are the core's JSONL format; parse them directly (no cleaning needed).
      fs
        .readFileSync(path.join(corpus.dir, file), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => ({ ...(JSON.parse(line) as object), origin: { file, line: 1 } })),
    ) as Parameters<typeof Library.build>[0] extends Iterable<infer A> ? A[] : never;
    const library = Library.build(articles);
    const questions = loadSquadDev()
      .questions.slice(0, 40)
      .map((q) => q.question);
    for (const question of questions) compare(library, question);
    library.remove(articles.slice(0, 20).map((a) => a.id));
    library.upsert(articles.slice(0, 10));
    // MiniSearch scores discarded-but-not-vacuumed postings with a shrinking document frequency
    // (order-dependent); the lean scorer skips them. Once vacuumed the two agree exactly.
    await (library as unknown as { index: { vacuum(): Promise<void> } }).index.vacuum();
    for (const question of questions.slice(0, 10)) compare(library, question);
  });
});
