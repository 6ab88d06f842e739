import { loadCorpus } from '../../src/library/load.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { Library } from '../../src/library/library.js';
import type { Article } from '../../src/core/types.js';

/** One cross-script check on the bundled corpus and how it came out. */
export interface SeedCaseResult {
  readonly question: string;
  readonly expectation: string;
  readonly pass: boolean;
  readonly detail: string;
}

interface SeedCase {
  readonly question: string;
  readonly expectation: string;
  readonly check: (
    docIds: readonly string[],
    firstQuote: string | null,
    bg: Article,
    english: readonly Article[],
  ) => boolean;
}

const FIRST_SENTENCE_OF_BG =
  /^Руският президент Владимир Путин каза на израелския премиер Бенямин Нетаняху[^.]*\.$/u;

/** The must-show cross-script cases. */
export const SEED_CASES: readonly SeedCase[] = [
  {
    question: 'Putin Netanyahu Gaza',
    expectation: 'Bulgarian article first',
    check: (ids, _q, bg) => ids[0] === bg.id,
  },
  {
    question: 'What did Putin tell Netanyahu about Gaza?',
    expectation: 'Bulgarian article first',
    check: (ids, _q, bg) => ids[0] === bg.id,
  },
  {
    question: 'Какво каза Путин на Нетаняху?',
    expectation: "first quote is the Bulgarian article's first sentence",
    check: (ids, quote, bg) =>
      ids[0] === bg.id && quote !== null && FIRST_SENTENCE_OF_BG.test(quote),
  },
  {
    question: 'Нетаняху',
    expectation: 'an English article mentioning Netanyahu is found',
    check: (ids, _q, _bg, en) => en.some((a) => /Netanyahu/u.test(a.text) && ids.includes(a.id)),
  },
  {
    question: 'Бенет',
    expectation: 'the English articles mentioning Bennett are found',
    check: (ids, _q, _bg, en) =>
      en.filter((a) => /Bennett/u.test(a.text)).every((a) => ids.includes(a.id)),
  },
];

/** Runs the seed cases over the corpus in `dir`. */
export async function runSeedCases(dir: string): Promise<SeedCaseResult[]> {
  const { articles } = await loadCorpus(dir);
  const library = Library.build(articles);
  const bg = articles.find((a) => a.lang === 'bg');
  const english = articles.filter((a) => a.lang === 'en');
  if (bg === undefined) throw new Error(`no Bulgarian article in ${dir}`);
  const results: SeedCaseResult[] = [];
  for (const c of SEED_CASES) {
    const answer = await answerQuestion(library, c.question, { limit: 10 });
    const ids = answer.results.map((r) => r.docId);
    const first = answer.results[0]?.quote ?? null;
    results.push({
      question: c.question,
      expectation: c.expectation,
      pass: c.check(ids, first, bg, english),
      detail: `${ids.join(', ') || '(no results)'}; first quote: ${first === null ? '-' : first.slice(0, 80)}`,
    });
  }
  return results;
}
