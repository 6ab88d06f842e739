import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { Library } from '../../src/library/library.js';
import type { Article } from '../../src/core/types.js';

describe('cross-script answers on the bundled corpus', () => {
  let library: Library;
  let bulgarian: Article;
  let english: Article[];
  beforeAll(async () => {
    const { articles } = await loadCorpus(path.join(import.meta.dirname, '..', '..', 'corpus'));
    library = Library.build(articles);
    bulgarian = articles.find((a) => a.lang === 'bg') as Article;
    english = articles.filter((a) => a.lang === 'en');
  });

  const docIds = async (question: string): Promise<string[]> =>
    (await answerQuestion(library, question, { limit: 10 })).results.map((r) => r.docId);

  it('puts the Bulgarian article first for English questions about Putin, Netanyahu and Gaza', async () => {
    expect((await docIds('Putin Netanyahu Gaza'))[0]).toBe(bulgarian.id);
    expect((await docIds('What did Putin tell Netanyahu about Gaza?'))[0]).toBe(bulgarian.id);
  });

  it('quotes the first sentence of the Bulgarian article for "Какво каза Путин на Нетаняху?"', async () => {
    const first = (await answerQuestion(library, 'Какво каза Путин на Нетаняху?')).results[0];
    const firstSentence = bulgarian.text.slice(
      0,
      bulgarian.text.indexOf('Ройтерс.') + 'Ройтерс.'.length,
    );
    expect(first?.quote).toBe(firstSentence);
  });

  it('finds the English articles for Bulgarian spellings of names', async () => {
    const mentioning = (name: string): string[] =>
      english.filter((a) => a.text.includes(name)).map((a) => a.id);
    expect(await docIds('Нетаняху')).toEqual(expect.arrayContaining(mentioning('Netanyahu')));
    expect(new Set(await docIds('Бенет'))).toEqual(new Set(mentioning('Bennett')));
  });

  it('has no results for a question the corpus cannot answer', async () => {
    expect(await answerQuestion(library, 'What is the capital of Australia?')).toMatchObject({
      results: [],
      emptyReason: 'no-match',
    });
  });
});
