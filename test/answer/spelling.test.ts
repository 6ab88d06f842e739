import { beforeAll, describe, expect, it } from 'vitest';
import { correctSpelling, maxEditsFor } from '../../src/answer/spelling.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { DEFAULT_TERM_CONTEXT } from '../../src/text/analyze.js';
import { Library } from '../../src/library/library.js';
import { makeNewsArticle } from '../fixtures.js';

describe('reading past typos', () => {
  let library: Library;
  beforeAll(() => {
    library = Library.build([
      makeNewsArticle(
        'kremlin',
        'Bennett will meet Putin in the Kremlin on Saturday. Netanyahu had visited Moscow before.',
      ),
      makeNewsArticle('gaza', 'Путин обсъди кризата в Газа с Нетаняху по телефона.'),
      makeNewsArticle('put', 'They put the talks on hold and went home.'),
    ]);
  });

  const read = (question: string): string =>
    correctSpelling(library, question, DEFAULT_TERM_CONTEXT).text;

  it('reads an unknown word as the nearest corpus word, in either script', () => {
    expect(read('Wher did Benet meet Putn?')).toBe('Where did Bennett meet Putin?');
    expect(read('Netanyahoo')).toBe('Netanyahu');
    expect(read('Пиутин')).toBe('Путин');
  });

  it('never changes a word the corpus knows, nor a short or far-off one', () => {
    expect(read('put talks')).toBe('put talks');
    expect(read('Pu Gzz')).toBe('Pu Gzz');
    expect(read('capital of Australia')).toBe('capital of Australia');
    expect(maxEditsFor(3)).toBe(0);
  });

  it('answers through the correction and says how the question was read', async () => {
    const answer = await answerQuestion(library, 'Benet Putn');
    expect(answer.results[0]?.docId).toBe('kremlin');
    expect(answer.notices).toEqual(['Read "Benet" as "Bennett", "Putn" as "Putin".']);
  });

  it('says "did you mean" when even the corrected question finds nothing', async () => {
    const answer = await answerQuestion(library, 'Netanyahoo sourdough recipe ingredients');
    expect(answer.results).toEqual([]);
    expect(answer.notices).toEqual(['Nothing matches; did you mean Netanyahu?']);
  });
});
