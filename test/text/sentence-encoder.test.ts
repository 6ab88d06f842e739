import { afterAll, describe, expect, it } from 'vitest';
import {
  cosine,
  EncoderError,
  MAX_ENCODED_TEXTS,
  SentenceEncoder,
} from '../../src/text/sentence-encoder.js';

const encoder = SentenceEncoder.start();
afterAll(() => encoder.close());

describe('SentenceEncoder', () => {
  it('embeds a paraphrase nearer its question than an unrelated sentence, as unit vectors', async () => {
    const [question, paraphrase, unrelated] = await encoder.embed([
      'Who won the championship game?',
      'The Broncos beat the Panthers to take the title.',
      'Rain is expected in Sofia tomorrow.',
    ]);
    for (const v of [question!, paraphrase!, unrelated!]) {
      expect(v).toHaveLength(512);
      expect(cosine(v, v)).toBeCloseTo(1, 5);
    }
    expect(cosine(question!, paraphrase!)).toBeGreaterThan(cosine(question!, unrelated!) + 0.2);
  }, 60_000);

  it('gives one vector per text in order, and none for no text', async () => {
    const texts = ['Putin met Bennett in the Kremlin.', 'Putin met Bennett in the Kremlin.', 'x'];
    const vectors = await encoder.embed(texts);
    expect(vectors).toHaveLength(3);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeCloseTo(1, 5);
    expect(await encoder.embed([])).toEqual([]);
  }, 60_000);

  it(`refuses more than ${MAX_ENCODED_TEXTS} texts in one call`, async () => {
    await expect(encoder.embed(Array(MAX_ENCODED_TEXTS + 1).fill('a'))).rejects.toThrow(RangeError);
  });

  it('rejects every call with an EncoderError once closed', async () => {
    const closed = SentenceEncoder.start();
    await closed.close();
    await expect(closed.embed(['a'])).rejects.toBeInstanceOf(EncoderError);
  });
});
