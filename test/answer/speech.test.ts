import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { answerTypeOf, speakersOf } from '../../src/answer/pick.js';
import { Library } from '../../src/library/library.js';

const words = (sentence: string) =>
  sentence
    .split(/[\s,.]+/u)
    .flatMap((text) => (text === '' ? [] : [{ text, normalized: text.toLowerCase() }]));

describe('questions about what someone said', () => {
  it('are read as asking for a report of speech, in every language of the story', () => {
    for (const question of [
      'What did Bennett say?',
      'what did Lapid say about the invasion?',
      'What has Putin told Netanyahu?',
      'Какво каза Путин на Нетаняху?',
      'Что заявил Песков?',
      'Що сказав Зеленський?',
    ])
      expect(answerTypeOf(question), question).toBe('speech');
    expect(answerTypeOf('Where did Bennett say he would go?')).toBe('place');
    expect(answerTypeOf('When did Putin speak to Bennett?')).toBe('time');
  });

  it('take the speaker from the words just before a verb of speech or right after it', () => {
    expect(speakersOf(words('Bennett has reportedly told his staff to wait'))).toEqual(['bennett']);
    expect(speakersOf(words('The talks will go on said Prime Minister Bennett'))).toEqual([
      'prime',
      'minister',
      'bennett',
    ]);
    // Bennett is who is spoken about here, not who speaks.
    expect(
      speakersOf(words('Zelensky on his part said he expected Bennett to help')),
    ).not.toContain('bennett');
    expect(speakersOf(words('Bennett flew to Moscow on Saturday'))).toEqual([]);
  });

  describe('on the bundled corpus', () => {
    let library: Library;
    beforeAll(async () => {
      const { articles } = await loadCorpus(path.join(import.meta.dirname, '..', '..', 'corpus'));
      library = Library.build(articles);
    });

    const firstQuote = async (question: string): Promise<string> => {
      const first = (await answerQuestion(library, question)).results[0];
      expect(first, question).toBeDefined();
      return first!.quote;
    };

    it('quote first a sentence in which the person asked about speaks', async () => {
      // Before: a sentence using the verb "say" about someone else ("They didn't say no," Korniychuk said).
      expect(await firstQuote('What did Bennett say?')).toMatch(
        /^Bennett (?:previously warned|has reportedly told)/u,
      );
      expect(await firstQuote('what did Lapid say about the invasion?')).toMatch(/Lapid said\.$/u);
      expect(await firstQuote('What did the Kremlin say?')).toMatch(/the Kremlin said\.$/u);
    });

    it('find a report worded otherwise, or in another language, than the verb asked with', async () => {
      // Before: no answer, "сказал" / "сказав" being in no article and so most of the question.
      expect(await firstQuote('что сказал Зеленский?')).toMatch(/Zelensky/u);
      expect(await firstQuote('що сказав Зеленський?')).toMatch(/Zelensky/u);
      expect(await firstQuote('Что Беннет сказал Путину?')).toMatch(
        /Bennett[^]*Putin|Putin[^]*Bennett/u,
      );
    });

    it('still require the verb when it is all the question asks', async () => {
      expect(await firstQuote('What did they warn?')).toMatch(/warned/u);
    });
  });
});
