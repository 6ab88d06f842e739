import { describe, expect, it } from 'vitest';
import { answerQuestion, wireCopyKey } from '../../src/answer/answer.js';
import { Library } from '../../src/library/library.js';
import type { Article } from '../../src/core/types.js';

const article = (id: string, source: string, date: string | null, text: string): Article => ({
  id,
  title: null,
  source,
  url: `https://example.org/${id}`,
  date,
  lang: 'en',
  text,
  origin: { file: `${id}.txt`, line: 1 },
});

const WIRE =
  'The central bank of Ruritania raised its main interest rate to nine percent on Tuesday.';

describe('wire-copy collapsing', () => {
  const library = Library.build([
    article('a', 'Reuters', '2022-02-01', `${WIRE}\n\nMarkets in Strelsau fell sharply.`),
    article('b', 'Daily Post', '2022-02-01', `Economy desk.\n\n${WIRE}`),
    article('c', 'Evening Star', '2022-02-02', `“${WIRE}”\n\nAnalysts were surprised.`),
    article(
      'd',
      'Other Times',
      '2022-02-03',
      'Ruritania interest rate decisions are monthly; the central bank sets them.',
    ),
  ]);

  it('returns the sentence once, listing every other outlet that carried it', async () => {
    const answer = await answerQuestion(library, 'Ruritania central bank interest rate', {
      limit: 10,
    });
    const carrying = answer.results.filter((r) =>
      r.quote.includes('raised its main interest rate'),
    );
    expect(carrying).toHaveLength(1);
    const wire = carrying[0];
    expect(new Set([wire?.docId, ...(wire?.alsoIn ?? []).map((x) => x.docId)])).toEqual(
      new Set(['a', 'b', 'c']),
    );
    expect(wire?.alsoIn.every((x) => x.url === `https://example.org/${x.docId}`)).toBe(true);
    expect(answer.results.map((r) => r.rank)).toEqual(answer.results.map((_, i) => i + 1));
  });

  it('keys quotes by their words, ignoring case, quotation marks and spacing', async () => {
    expect(wireCopyKey(`“${WIRE}”`)).toBe(wireCopyKey(WIRE.toUpperCase().replace(/ /g, '  ')));
  });
});

describe('confidence floor', () => {
  const library = Library.build([
    article(
      'x',
      'Wire',
      '2022-03-01',
      'Bennett met Putin in the Kremlin on Saturday to discuss the war in Ukraine.',
    ),
    article(
      'y',
      'Wire',
      '2022-03-02',
      'The capital markets rallied after the announcement by the finance ministry.',
    ),
  ]);

  it('answers "no good match" when the best passage shares only an incidental word', async () => {
    expect(await answerQuestion(library, 'What is the capital of Australia?')).toMatchObject({
      results: [],
      emptyReason: 'no-match',
    });
  });

  it('answers when the question is covered', async () => {
    expect((await answerQuestion(library, 'Where did Bennett meet Putin?')).results[0]?.docId).toBe(
      'x',
    );
  });
});

describe('dates in questions', () => {
  const library = Library.build([
    article('feb', 'Wire', '2022-02-27', 'Delegations met in Gomel for talks about a ceasefire.'),
    article('mar', 'Wire', '2022-03-10', 'Delegations met in Antalya for talks about a ceasefire.'),
    article('oct', 'Wire', '2023-10-16', 'Delegations met in Cairo for talks about a ceasefire.'),
    article('undated', 'Wire', null, 'Delegations met again for talks about a ceasefire.'),
  ]);
  const docIds = async (q: string): Promise<string[]> =>
    (await answerQuestion(library, q, { limit: 10 })).results.map((r) => r.docId);

  it('narrows to the month or day a question names, reports published a few days later included', async () => {
    expect(await docIds('ceasefire talks in February 2022')).toEqual(['feb']);
    expect(await docIds('ceasefire talks on March 8, 2022')).toEqual(['mar']);
    expect(await docIds('ceasefire talks през октомври 2023')).toEqual(['oct']);
  });

  it('leaves the ranking alone when no article falls in the window', async () => {
    expect(await docIds('ceasefire talks in June 2021')).toHaveLength(4);
  });

  it('searches a date nothing was published in as a word, when passages mention it', async () => {
    const history = Library.build([
      article(
        'talks',
        'Wire',
        '2022-03-10',
        'Delegations met in Antalya for talks about a ceasefire.',
      ),
      article(
        'memo',
        'Wire',
        '2022-03-11',
        'The memorandum on security was signed in Budapest in 1994.',
      ),
      article('failed', 'Wire', '2022-03-09', 'Kyiv says the memorandum on security failed it.'),
    ]);
    const answer = await answerQuestion(
      history,
      'Which memorandum on security was signed in 1994?',
    );
    // Not ordered by closeness to 1994, and no "nothing from 1994" notice: 1994 matched.
    expect(answer.results.map((r) => r.docId)).toEqual(['memo', 'failed']);
    expect(answer.results[0]?.quote).toContain('1994');
    expect(answer.notices).toBeUndefined();
    // A question of a date alone finds it in the text too, rather than the closest articles.
    const happened = await answerQuestion(history, 'What happened in 1994?');
    expect(happened.results.map((r) => r.docId)).toEqual(['memo']);
    expect(happened.notices).toBeUndefined();
  });

  it('puts the newest first for "latest"', async () => {
    expect((await docIds('latest ceasefire talks'))[0]).toBe('oct');
    expect((await docIds('последните ceasefire talks'))[0]).toBe('oct');
  });
});
