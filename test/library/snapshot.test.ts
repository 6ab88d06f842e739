import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { suggestCompletions } from '../../src/answer/keywords.js';
import { Library } from '../../src/library/library.js';
import { SnapshotError, readSnapshotKey, type SnapshotKey } from '../../src/library/snapshot.js';
import type { Article } from '../../src/core/types.js';

const KEY: SnapshotKey = { termProcessingVersion: 7, fingerprint: 'abc123' };

const article = (id: string, text: string, extra: Partial<Article> = {}): Article => ({
  id,
  title: `Title of ${id}`,
  source: 'Wire',
  url: `https://news.example/${id}`,
  date: '2022-03-01',
  lang: 'en',
  text,
  origin: { file: `${id}.txt`, line: 1 },
  ...extra,
});

const QUESTIONS = [
  'Where was the Russian delegation waiting for talks?',
  'Who accompanied Bennett to the Kremlin?',
  'Путин Нетаняху',
  'What is the capital of Australia?',
  'humanitarian corridor Mariupol',
];

describe('Library.toSnapshot / Library.fromSnapshot', () => {
  it('restores a Library that answers, completes and counts exactly like the original (bundled corpus)', async () => {
    const { articles } = await loadCorpus('corpus');
    const original = Library.build(articles);
    const restored = Library.fromSnapshot(original.toSnapshot(KEY), KEY);
    expect(restored.stats()).toEqual(original.stats());
    expect([...restored.articles()]).toEqual([...original.articles()]);
    for (const a of original.articles())
      expect(restored.passagesOf(a.id)).toEqual(original.passagesOf(a.id));
    for (const question of QUESTIONS) {
      expect(await answerQuestion(restored, question, { limit: 10 })).toEqual(
        await answerQuestion(original, question, { limit: 10 }),
      );
    }
    for (const partial of ['Ben', 'Kremlin tal', 'Пут', 'z']) {
      expect(suggestCompletions(restored, partial, 10)).toEqual(
        suggestCompletions(original, partial, 10),
      );
    }
  });

  it('restores the same Library in slices with fromSnapshotAsync, pausing between them', async () => {
    const { articles } = await loadCorpus('corpus');
    const original = Library.build(articles);
    const bytes = original.toSnapshot(KEY);
    let pauses = 0;
    const restored = await Library.fromSnapshotAsync(bytes, KEY, async () => {
      pauses++;
    });
    expect(pauses).toBeGreaterThan(0);
    expect(restored.stats()).toEqual(original.stats());
    for (const question of QUESTIONS) {
      expect(await answerQuestion(restored, question, { limit: 10 })).toEqual(
        await answerQuestion(original, question, { limit: 10 }),
      );
    }
    await expect(
      Library.fromSnapshotAsync(bytes.subarray(0, bytes.length - 1), KEY, async () => undefined),
    ).rejects.toThrow(SnapshotError);
  });

  it('keeps working incrementally after a restore: upsert and remove behave as on the original', async () => {
    const original = Library.build([
      article('a', 'Grain exports resumed from Odesa.'),
      article('b', 'Talks in Istanbul on grain.'),
    ]);
    const restored = Library.fromSnapshot(original.toSnapshot(KEY), KEY);
    for (const library of [original, restored]) {
      library.upsert([
        article('c', 'A grain ship left Odesa at dawn.'),
        article('a', 'Exports stopped again.'),
      ]);
      library.remove(['b']);
    }
    expect(await answerQuestion(restored, 'grain Odesa')).toEqual(
      await answerQuestion(original, 'grain Odesa'),
    );
    expect(restored.stats()).toEqual(original.stats());
  });

  it('rejects a snapshot built with another term-processing version or from another corpus', () => {
    const bytes = Library.build([article('a', 'Grain exports resumed.')]).toSnapshot(KEY);
    expect(readSnapshotKey(bytes)).toEqual(KEY);
    expect(() => Library.fromSnapshot(bytes, { ...KEY, termProcessingVersion: 8 })).toThrow(
      new SnapshotError('built with term processing 7, now 8'),
    );
    expect(() => Library.fromSnapshot(bytes, { ...KEY, fingerprint: 'other' })).toThrow(
      new SnapshotError('built from a different corpus'),
    );
  });

  it('detects a flipped byte anywhere, a truncation and foreign bytes, and never returns a Library from them', () => {
    const bytes = Library.build([
      article('a', 'Grain exports resumed from Odesa in July.'),
    ]).toSnapshot(KEY);
    for (const at of [
      0,
      5,
      14,
      Math.floor(bytes.length / 2),
      bytes.length - 10,
      bytes.length - 1,
    ]) {
      const damaged = bytes.slice();
      damaged[at] = damaged[at]! ^ 0x41;
      expect(() => Library.fromSnapshot(damaged, KEY)).toThrow(SnapshotError);
    }
    expect(() => Library.fromSnapshot(bytes.subarray(0, bytes.length - 3), KEY)).toThrow(
      SnapshotError,
    );
    expect(() =>
      Library.fromSnapshot(
        new TextEncoder().encode('{"index": [], "documentCount": 0, "nextId": 0}'),
        KEY,
      ),
    ).toThrow(new SnapshotError('not a Verbatim index snapshot'));
  });
});
