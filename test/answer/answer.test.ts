import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { answerQuestion, MAX_LIMIT } from '../../src/answer/answer.js';
import { Library } from '../../src/library/library.js';
import { makeArticle } from '../fixtures.js';

const CORPUS_DIR = new URL('../../corpus', import.meta.url).pathname;
let library: Library;

beforeAll(async () => {
  const loaded = await loadCorpus(CORPUS_DIR);
  expect(loaded.problems).toEqual([]);
  library = Library.build(loaded.articles);
});

const article = makeArticle;

describe('answerQuestion on the bundled corpus', () => {
  it('quotes Gomel from Sputnik, 2022-02-27, for where the delegation waited', async () => {
    const first = (
      await answerQuestion(library, 'Where was the Russian delegation waiting for talks?')
    ).results[0];
    expect(first).toMatchObject({ rank: 1, source: 'Sputnik', date: '2022-02-27' });
    expect(first?.quote).toContain('Gomel');
  });

  it('quotes the Ynet sentence about Zeev Elkin first for who accompanied Bennett', async () => {
    const first = (await answerQuestion(library, 'Who accompanied Bennett to the Kremlin?'))
      .results[0];
    expect(first?.source).toBe('Ynet News');
    expect(first?.quote).toContain(
      'He was accompanied by his Ukrainian-born housing minister, Zeev Elkin.',
    );
  });

  it('has no results for a question the corpus cannot answer', async () => {
    expect(await answerQuestion(library, 'What is the capital of Australia?')).toMatchObject({
      results: [],
      emptyReason: 'no-match',
    });
  });

  it('reads "news about …" as the topic alone, the browsing word not required', async () => {
    // Before: nothing, "новости" / "новини" being in no article and so half the question.
    for (const question of ['новости о Зеленском', 'новини за Зеленски'])
      expect((await answerQuestion(library, question)).results[0]?.quote, question).toMatch(
        /Zelensky/u,
      );
    // Alone, a browsing word is what is asked about.
    expect((await answerQuestion(library, 'reports')).results[0]?.quote).toMatch(/report/iu);
  });

  it('says why an empty or stop-word question has no results', async () => {
    expect((await answerQuestion(library, '   ')).emptyReason).toBe('empty-question');
    expect((await answerQuestion(library, 'what is the of and')).emptyReason).toBe(
      'only-stop-words',
    );
  });

  it('never quotes a link line of the Bulgarian article', async () => {
    let quoted = 0;
    for (const question of [
      'Още Путин',
      'Шойгу издаде брутална лъжа',
      'Путин Нетаняху Газа',
      'Украйна изчезнали',
    ]) {
      const { results } = await answerQuestion(library, question, { limit: MAX_LIMIT });
      quoted += results.length;
      for (const result of results) expect(result.quote).not.toMatch(/Още:/);
    }
    // The questions are checked against real quotes (one, made of a link line's words, has none).
    expect(quoted).toBeGreaterThan(10);
  });

  it('answers a Bulgarian question from the Bulgarian article', async () => {
    const first = (await answerQuestion(library, 'Какво каза Путин на Нетаняху?')).results[0];
    expect(
      first?.quote.startsWith(
        'Руският президент Владимир Путин каза на израелския премиер Бенямин Нетаняху',
      ),
    ).toBe(true);
  });

  it('filters by date, source and language', async () => {
    // "Putin" also finds the Bulgarian article (2023) by its name key; keep this one English.
    const q = 'Putin Bennett';
    const inRange = await answerQuestion(library, q, { since: '2022-03-20', until: '2022-12-31' });
    expect(inRange.results.length).toBeGreaterThan(0);
    expect(new Set(inRange.results.map((r) => r.date))).toEqual(new Set(['2022-03-23']));
    expect(
      new Set((await answerQuestion(library, q, { source: 'ynet' })).results.map((r) => r.source)),
    ).toEqual(new Set(['Ynet News']));
    expect(
      new Set(
        (await answerQuestion(library, q, { until: '2022-02-27' })).results.map((r) => r.date),
      ),
    ).toEqual(new Set(['2022-02-27']));
    expect((await answerQuestion(library, 'палестинци', { lang: 'en' })).emptyReason).toBe(
      'no-match',
    );
  });

  it('pages with offset and reports whether more results exist', async () => {
    const all = await answerQuestion(library, 'Putin Bennett talks', { limit: 10 });
    const second = await answerQuestion(library, 'Putin Bennett talks', { limit: 3, offset: 3 });
    expect(second.results.map((r) => [r.rank, r.passageId])).toEqual(
      all.results.slice(3, 6).map((r) => [r.rank, r.passageId]),
    );
    expect((await answerQuestion(library, 'Putin Bennett talks', { limit: 3 })).hasMore).toBe(true);
  });

  it('never returns two quotes from the same passage and spreads results across articles', async () => {
    const results = (await answerQuestion(library, 'Bennett Putin Ukraine talks', { limit: 10 }))
      .results;
    expect(new Set(results.map((r) => r.passageId)).size).toBe(results.length);
    expect(new Set(results.slice(0, 4).map((r) => r.docId)).size).toBeGreaterThanOrEqual(3);
  });

  it('clamps the limit to at most ten', async () => {
    expect((await answerQuestion(library, 'Putin', { limit: 50 })).results.length).toBe(MAX_LIMIT);
  });
});

describe('answerQuestion invariants', () => {
  it('every quote is a substring of its article at its span, for any question', async () => {
    let answered = 0;
    const words = [
      ...new Set(
        library
          .passagesOf('003_e2fc5de72516c7eb')
          .flatMap((p) => library.passageText(p).split(/\s+/)),
      ),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...words), fc.string(), fc.string({ unit: 'binary' })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (parts) => {
          const { results } = await answerQuestion(library, parts.join(' '), { limit: 10 });
          if (results.length > 0) answered++;
          for (const result of results) {
            const text = library.article(result.docId)?.text ?? '';
            expect(text.slice(result.span.start, result.span.end)).toBe(result.quote);
            expect(text.includes(result.quote)).toBe(true);
            for (const h of result.highlights)
              expect(h.end).toBeLessThanOrEqual(result.quote.length);
          }
        },
      ),
      { numRuns: 300 },
    );
    // The property must have been checked on real quotes, not empty answers. About a fifth of
    // the runs answer (54–72 of 300 over five seeds); 25 keeps the check clear of that spread.
    expect(answered).toBeGreaterThan(25);
  });

  it('quotes are verbatim even with markdown, mentions and odd Unicode in the text', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        async (sentences, question) => {
          const text = sentences.map((s) => `**@everyone** ${s} zebra.`).join(' ');
          const lib = Library.build([article('x', text)]);
          const { results } = await answerQuestion(lib, `zebra ${question}`);
          if (results.length > 0) answered++;
          for (const result of results) {
            const stored = lib.article('x')?.text ?? '';
            expect(stored.includes(result.quote)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
    // About half the runs answer (95–116 of 200 over eight seeds): random words after "zebra"
    // often sink it under the coverage floor. A quarter keeps the check clear of that spread.
    expect(answered).toBeGreaterThan(50);
  });
});

describe('Library', () => {
  it('replaces a changed article and leaves an identical one alone', async () => {
    const lib = Library.build([article('a', 'Zebras run fast.'), article('b', 'Lions sleep.')]);
    expect(lib.upsert([article('a', 'Zebras walk slowly.'), article('b', 'Lions sleep.')])).toEqual(
      { added: [], changed: ['a'], unchanged: ['b'] },
    );
    expect((await answerQuestion(lib, 'zebras')).results.map((r) => r.quote)).toEqual([
      'Zebras walk slowly.',
    ]);
    expect(lib.remove(['a', 'missing'])).toEqual(['a']);
    expect((await answerQuestion(lib, 'zebras')).emptyReason).toBe('no-match');
    expect(lib.stats()).toMatchObject({ documents: 1, passages: 1 });
  });

  it('upserts in slices (upsertAsync) as upsert does, searches between pauses seeing the articles so far', async () => {
    const texts = Array.from(
      { length: 40 },
      (_, i) => `Report ${i}: the delegation met in Gomel on day ${i}. Zebras ran in round ${i}.`,
    );
    const seed = [article('s', 'Lions sleep in the afternoon.')];
    const atOnce = Library.build(seed);
    atOnce.upsert(texts.map((text, i) => article(`r${i}`, text)));
    const sliced = Library.build(seed);
    const seenAtPauses: number[] = [];
    const result = await sliced.upsertAsync(
      texts.map((text, i) => article(`r${i}`, text)),
      async () => {
        seenAtPauses.push(
          (await answerQuestion(sliced, 'zebras round', { limit: 10 })).results.length,
        );
        return Promise.resolve();
      },
    );
    expect(result).toEqual({ added: texts.map((_, i) => `r${i}`), changed: [], unchanged: [] });
    expect(seenAtPauses.slice(0, 3)).toEqual([1, 2, 3]);
    for (const question of ['delegation Gomel day 7', 'zebras', 'lions'])
      expect(await answerQuestion(sliced, question)).toEqual(
        await answerQuestion(atOnce, question),
      );
    expect(sliced.completeWord('zeb', 5)).toEqual(atOnce.completeWord('zeb', 5));
  });

  it('removes in slices (removeAsync) as remove does, pausing after each article removed', async () => {
    const articles = ['Zebras run.', 'Zebras sleep.', 'Lions sleep.'].map((text, i) =>
      article(`a${i}`, text),
    );
    const atOnce = Library.build(articles);
    const sliced = Library.build(articles);
    let pauses = 0;
    const removed = await sliced.removeAsync(['a0', 'missing', 'a2'], () => {
      pauses++;
      return Promise.resolve();
    });
    expect(removed).toEqual(atOnce.remove(['a0', 'missing', 'a2']));
    expect(pauses).toBe(2);
    expect(await answerQuestion(sliced, 'zebras')).toEqual(await answerQuestion(atOnce, 'zebras'));
    expect(sliced.stats()).toEqual(atOnce.stats());
  });
});
