import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import { Library } from '../../src/library/library.js';
import { makeNewsArticle } from '../fixtures.js';

describe('answers that say what matched nothing, and time in questions', () => {
  let library: Library;
  beforeAll(() => {
    library = Library.build([
      makeNewsArticle('feb', 'Putin spoke with Bennett about talks in Gomel.', {
        date: '2022-02-27',
        source: 'Sputnik',
      }),
      makeNewsArticle('mar', 'Bennett met Putin in the Kremlin for three hours.', {
        date: '2022-03-05',
        source: 'Ynet News',
      }),
      makeNewsArticle('oct', 'Putin told Netanyahu that Russia was ready to help in Gaza.', {
        date: '2023-10-16',
        source: 'Actualno.com',
        lang: 'en',
      }),
    ]);
  });

  it('names the outlets when no outlet matches the source asked for', async () => {
    const answer = await answerQuestion(library, 'Putin', { source: 'bbc' });
    expect(answer.results).toEqual([]);
    expect(answer.notices).toEqual([
      "No outlet matches 'bbc' (outlets: Actualno.com, Sputnik, Ynet News).",
    ]);
  });

  it('names the languages when no article is in the language asked for', async () => {
    const answer = await answerQuestion(library, 'Putin', { lang: 'xx' });
    expect(answer.notices).toEqual(["No articles in language 'xx' (languages: en)."]);
  });

  it('says when a date filter lies outside the corpus, and when nothing in it matches', async () => {
    expect((await answerQuestion(library, 'Putin', { since: '2024-01-01' })).notices).toEqual([
      'Nothing in the corpus is dated from 1 Jan 2024 to 31 Dec 9999 (its articles run from 27 Feb 2022 to 16 Oct 2023).',
    ]);
    const bennett = await answerQuestion(library, 'Bennett', {
      since: '2023-01-01',
      until: '2023-12-31',
    });
    expect(bennett.results).toEqual([]);
    expect(bennett.notices).toEqual(['Nothing dated 2023 matches that question.']);
  });

  it('says "no more results" for a page past the end', async () => {
    const answer = await answerQuestion(library, 'Putin', { offset: 10 });
    expect(answer.results).toEqual([]);
    expect(answer.notices).toEqual(['No more results: all 3 were shown.']);
  });

  it('answers a question that is only a date with what was published then', async () => {
    const answer = await answerQuestion(library, 'What happened on 5 March 2022?');
    expect(answer.results.map((r) => r.docId)).toEqual(['mar']);
    expect(answer.notices).toBeUndefined();
    const october = await answerQuestion(library, 'новини от октомври 2023');
    expect(october.results.map((r) => r.docId)).toEqual(['oct']);
  });

  it('gives the closest articles, and says so, when nothing was published then', async () => {
    const answer = await answerQuestion(library, 'What about Bennett in 2021?');
    expect(answer.results[0]?.docId).toBe('feb');
    expect(answer.notices).toEqual(['Nothing from 2021 matches; the closest is from 27 Feb 2022.']);
    const dateOnly = await answerQuestion(library, 'news from 2020');
    expect(dateOnly.results[0]?.docId).toBe('feb');
    expect(dateOnly.notices).toEqual([
      'Nothing was published 2020; the closest is from 27 Feb 2022.',
    ]);
  });

  it('puts the newest article first for "latest", in English, Bulgarian, Russian and Ukrainian', async () => {
    for (const q of [
      'latest on Putin',
      'Putin, most recently?',
      'последни новини за Putin',
      'последние новости Putin',
      'останні новини Putin',
    ]) {
      const answer = await answerQuestion(library, q);
      expect(
        answer.results.map((r) => r.docId),
        q,
      ).toEqual(['oct', 'mar', 'feb']);
    }
  });

  it('does not search a question’s link, mention or emoji', async () => {
    const answer = await answerQuestion(
      library,
      '<@123456789012345678> what about Gomel? [source](https://example.com/gomel-talks) 🙏',
    );
    expect(answer.results[0]?.docId).toBe('feb');
    expect(answer.terms).toEqual(['gomel']);
  });
});
