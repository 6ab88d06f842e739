import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { searchKeywords, suggestCompletions } from '../../src/answer/keywords.js';
import { Library, MAIN_SNAPSHOT_FILE, type SnapshotFiles } from '../../src/library/library.js';
import { SegmentedIndex } from '../../src/index/segmented-index.js';
import { SegmentWorkers } from '../../src/index/segment-workers.js';
import { SnapshotError, readSnapshotKey, type SnapshotKey } from '../../src/library/snapshot.js';
import type { Article } from '../../src/core/types.js';
import { loadGated } from './gated-snapshot.js';

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

/** Snapshot files in memory, counting writes by name. */
function memoryFiles(): SnapshotFiles & {
  readonly files: Map<string, Uint8Array>;
  readonly writes: string[];
} {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return {
    files,
    writes,
    read: (name) => {
      const bytes = files.get(name);
      return bytes === undefined ? Promise.reject(new Error(`no ${name}`)) : Promise.resolve(bytes);
    },
    write: (name, bytes) => {
      files.set(name, bytes);
      writes.push(name);
      return Promise.resolve();
    },
  };
}

/** A Library saved to memory and loaded back. */
async function roundTrip(library: Library, pause?: () => Promise<void>): Promise<Library> {
  const store = memoryFiles();
  await library.saveSnapshot(KEY, store);
  return Library.loadSnapshot(
    store.files.get(MAIN_SNAPSHOT_FILE)!,
    KEY,
    store,
    pause === undefined ? {} : { pause },
  );
}

const QUESTIONS = [
  'Where was the Russian delegation waiting for talks?',
  'Who accompanied Bennett to the Kremlin?',
  'Путин Нетаняху',
  'What is the capital of Australia?',
  'humanitarian corridor Mariupol',
];

describe('Library.saveSnapshot / Library.loadSnapshot', () => {
  it('restores a Library that answers, completes and counts exactly like the original (bundled corpus)', async () => {
    const { articles } = await loadCorpus('corpus');
    const original = Library.build(articles);
    const restored = await roundTrip(original);
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

  it('restores the same Library in slices, pausing between them', async () => {
    const { articles } = await loadCorpus('corpus');
    const original = Library.build(articles);
    const store = memoryFiles();
    await original.saveSnapshot(KEY, store);
    const bytes = store.files.get(MAIN_SNAPSHOT_FILE)!;
    let pauses = 0;
    const restored = await Library.loadSnapshot(bytes, KEY, store, {
      pause: async () => {
        pauses++;
      },
    });
    expect(pauses).toBeGreaterThan(0);
    expect(restored.stats()).toEqual(original.stats());
    for (const question of QUESTIONS) {
      expect(await answerQuestion(restored, question, { limit: 10 })).toEqual(
        await answerQuestion(original, question, { limit: 10 }),
      );
    }
    await expect(
      Library.loadSnapshot(bytes.subarray(0, bytes.length - 1), KEY, store),
    ).rejects.toThrow(SnapshotError);
  });

  it('keeps working incrementally after a restore: upsert and remove behave as on the original', async () => {
    const original = Library.build([
      article('a', 'Grain exports resumed from Odesa.'),
      article('b', 'Talks in Istanbul on grain.'),
    ]);
    const restored = await roundTrip(original);
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

  it('rejects a snapshot built with another term-processing version or from another corpus', async () => {
    const store = memoryFiles();
    await Library.build([article('a', 'Grain exports resumed.')]).saveSnapshot(KEY, store);
    const bytes = store.files.get(MAIN_SNAPSHOT_FILE)!;
    expect(readSnapshotKey(bytes)).toEqual(KEY);
    await expect(
      Library.loadSnapshot(bytes, { ...KEY, termProcessingVersion: 8 }, store),
    ).rejects.toThrow(new SnapshotError('built with term processing 7, now 8'));
    await expect(
      Library.loadSnapshot(bytes, { ...KEY, fingerprint: 'other' }, store),
    ).rejects.toThrow(new SnapshotError('built from a different corpus'));
  });

  it('detects a flipped byte anywhere, a truncation and foreign bytes, in the main file and in a segment file, and never returns a Library from them', async () => {
    const store = memoryFiles();
    await Library.build([article('a', 'Grain exports resumed from Odesa in July.')]).saveSnapshot(
      KEY,
      store,
    );
    const load = (bytes: Uint8Array) => Library.loadSnapshot(bytes, KEY, store);
    const main = store.files.get(MAIN_SNAPSHOT_FILE)!;
    const [segmentName, segment] = [...store.files].find(([name]) => name !== MAIN_SNAPSHOT_FILE)!;
    for (const at of [0, 5, 14, Math.floor(segment.length / 2), segment.length - 1]) {
      const damaged = segment.slice();
      damaged[at] = damaged[at]! ^ 0x41;
      store.files.set(segmentName, damaged);
      await expect(load(main)).rejects.toThrow(SnapshotError);
    }
    store.files.delete(segmentName);
    await expect(load(main)).rejects.toThrow(SnapshotError);
    const bytes = main;
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
      await expect(load(damaged)).rejects.toThrow(SnapshotError);
    }
    await expect(load(bytes.subarray(0, bytes.length - 3))).rejects.toThrow(SnapshotError);
    await expect(
      load(new TextEncoder().encode('{"index": [], "documentCount": 0, "nextId": 0}')),
    ).rejects.toThrow(new SnapshotError('not a Verbatim index snapshot'));
  });

  it('keeps each segment in its own file and writes again only the segments whose articles changed', async () => {
    const months = ['2022-01', '2022-02', '2022-03', '2022-04'];
    const articles = months.flatMap((month, m) =>
      Array.from({ length: 3 }, (_, i) =>
        article(`${month}-${i}`, `Grain report ${m} ${i}.\n\nShips left Odesa port ${i}.`, {
          date: `${month}-1${i}`,
        }),
      ),
    );
    // Six passages per month: a cap of five puts each month alone.
    const original = Library.build(articles, new SegmentedIndex({ segmentPassages: 5 }));
    const store = memoryFiles();
    await original.saveSnapshot(KEY, store);
    expect(store.writes.filter((n) => n !== MAIN_SNAPSHOT_FILE)).toHaveLength(4);
    // The same Library writes the same bytes.
    const again = memoryFiles();
    await Library.build(articles, new SegmentedIndex({ segmentPassages: 5 })).saveSnapshot(
      KEY,
      again,
    );
    expect(again.files).toEqual(store.files);
    store.writes.length = 0;
    original.upsert([article('2022-02-1', 'Exports stopped in February.', { date: '2022-02-11' })]);
    await original.saveSnapshot(KEY, store);
    expect(store.writes).toHaveLength(2);
    const restored = await Library.loadSnapshot(store.files.get(MAIN_SNAPSHOT_FILE)!, KEY, store);
    expect(restored.stats()).toEqual(original.stats());
    for (const question of ['grain Odesa', 'exports February', 'ships port']) {
      expect(await answerQuestion(restored, question, { limit: 10 })).toEqual(
        await answerQuestion(original, question, { limit: 10 }),
      );
    }
  });

  it('is the same with the segments in worker threads: the same bytes, loaded with or without workers', async () => {
    // Passages of different lengths: no two score the same, so rankings have no ties to order.
    const articles = ['2022-01', '2022-02', '2022-03', '2022-04'].flatMap((month, m) =>
      Array.from({ length: 3 }, (_, i) =>
        article(
          `${month}-${i}`,
          `Grain report ${'wheat '.repeat(3 * m + i)}.\n\nShips left Odesa ${'port '.repeat(3 * m + i)}.`,
          {
            date: `${month}-1${i}`,
          },
        ),
      ),
    );
    const pools = [new SegmentWorkers(2), new SegmentWorkers(1)];
    try {
      const inThread = Library.build(articles, new SegmentedIndex({ segmentPassages: 5 }));
      const inWorkers = Library.build(
        articles,
        new SegmentedIndex({ segmentPassages: 5, workers: pools[0]! }),
      );
      const plain = memoryFiles();
      const fromWorkers = memoryFiles();
      await inThread.saveSnapshot(KEY, plain);
      await inWorkers.saveSnapshot(KEY, fromWorkers);
      expect(fromWorkers.files.size).toBe(5);
      expect(fromWorkers.files).toEqual(plain.files);
      const loadedInWorkers = await Library.loadSnapshot(
        plain.files.get(MAIN_SNAPSHOT_FILE)!,
        KEY,
        plain,
        { workers: pools[1]! },
      );
      const loadedInThread = await Library.loadSnapshot(
        fromWorkers.files.get(MAIN_SNAPSHOT_FILE)!,
        KEY,
        fromWorkers,
      );
      for (const library of [inWorkers, loadedInWorkers, loadedInThread]) {
        expect(library.stats()).toEqual(inThread.stats());
        for (const word of ['grain', 'odesa', 'report'])
          expect(library.documentFrequency(word)).toBe(inThread.documentFrequency(word));
        for (const question of ['grain Odesa', 'ships port wheat']) {
          // The same hits with the same scores; passages of equal score may come in any order.
          const hits = await library.search(question);
          const expected = await inThread.search(question);
          expect(hits.length).toBeGreaterThan(0);
          const scores = new Map(expected.map((hit) => [hit.passage.id, hit.score]));
          expect(hits.map((hit) => hit.passage.id).sort()).toEqual([...scores.keys()].sort());
          for (const hit of hits) expect(hit.score).toBeCloseTo(scores.get(hit.passage.id)!, 9);
        }
      }
      // Saved again from the workers that restored it: still the same bytes.
      const again = memoryFiles();
      loadedInWorkers.upsert([]);
      await loadedInWorkers.saveSnapshot(KEY, again);
      expect(again.files.get(MAIN_SNAPSHOT_FILE)).toEqual(plain.files.get(MAIN_SNAPSHOT_FILE));
      // A damaged segment file fails the load in workers too, and the pool serves a rebuild.
      const damaged = memoryFiles();
      for (const [name, bytes] of plain.files) damaged.files.set(name, bytes.slice());
      const segment = damaged.files.get('segment-1.snap')!;
      segment[segment.length - 10]! ^= 1;
      await expect(
        Library.loadSnapshot(damaged.files.get(MAIN_SNAPSHOT_FILE)!, KEY, damaged, {
          workers: pools[1]!,
        }),
      ).rejects.toBeInstanceOf(SnapshotError);
      const rebuilt = Library.build(
        articles,
        new SegmentedIndex({ segmentPassages: 5, workers: pools[1]! }),
      );
      const found = await rebuilt.search('grain odesa');
      expect(found.length).toBeGreaterThan(0);
      expect(found.length).toBe((await inThread.search('grain odesa')).length);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });
});

describe('Library.loadSnapshot while it loads', () => {
  /** The bundled corpus in three segments: 2022-02, 2022-03 and 2023-10. */
  async function threeSegments(): Promise<Library> {
    const { articles } = await loadCorpus('corpus');
    return Library.build(articles, new SegmentedIndex({ segmentPassages: 20 }));
  }

  it('answers from the newest segment before the older ones are in, and says so first', async () => {
    const original = await threeSegments();
    const { early, release, loaded } = await loadGated(original);
    expect(early.loading()).toEqual({ restored: 1, segments: 3 });
    expect(early.stats().loading).toEqual({ restored: 1, segments: 3 });

    const gaza = await answerQuestion(early, 'Putin Netanyahu Gaza', { limit: 5 });
    expect(gaza.results.length).toBeGreaterThan(0);
    for (const result of gaza.results) expect(result.date).toBe('2023-10-16');
    expect(gaza.notices?.[0]).toMatch(/still loading: 1 of its 3 parts are searched/);
    // A question about March 2022 finds nothing yet, and the notice says why.
    const kremlin = await answerQuestion(early, 'Who accompanied Bennett to the Kremlin?');
    for (const result of kremlin.results) expect(result.date).toBe('2023-10-16');
    expect(kremlin.notices?.[0]).toMatch(/still loading/);
    // /search's keyword lookup says it too.
    const keywords = await searchKeywords(early, 'Нетаняху');
    expect(keywords.results.length).toBeGreaterThan(0);
    expect(keywords.notices?.[0]).toMatch(/still loading: 1 of its 3 parts/);

    release();
    const library = await loaded;
    expect(library).toBe(early);
    expect(library.loading()).toBeNull();
    for (const question of QUESTIONS)
      expect(await answerQuestion(library, question, { limit: 10 })).toEqual(
        await answerQuestion(original, question, { limit: 10 }),
      );
  });

  it('does the same with the segments in a worker thread', async () => {
    const workers = new SegmentWorkers(1);
    try {
      const { early, release, loaded } = await loadGated(await threeSegments(), undefined, workers);
      expect(early.loading()).toEqual({ restored: 1, segments: 3 });
      const gaza = await answerQuestion(early, 'Putin Netanyahu Gaza', { limit: 5 });
      expect(gaza.results.length).toBeGreaterThan(0);
      for (const result of gaza.results) expect(result.date).toBe('2023-10-16');
      release();
      expect((await loaded).loading()).toBeNull();
      const all = await answerQuestion(early, 'Bennett Kremlin', { limit: 10 });
      expect(all.results.some((r) => r.date?.startsWith('2022-03'))).toBe(true);
      expect(all.notices ?? []).not.toContainEqual(expect.stringMatching(/still loading/));
    } finally {
      await workers.close();
    }
  });

  it('leaves the Library it gave out searching nothing when a later segment is damaged', async () => {
    const { early, release, loaded } = await loadGated(await threeSegments(), (files) => {
      const oldest = files.get('segment-0.snap')!;
      oldest[oldest.length - 10]! ^= 1;
    });
    const gaza = () => answerQuestion(early, 'Putin Netanyahu Gaza');
    expect((await gaza()).results.length).toBeGreaterThan(0);
    release();
    await expect(loaded).rejects.toBeInstanceOf(SnapshotError);
    expect(early.loading()).toEqual({ restored: 0, segments: 3 });
    expect((await gaza()).results).toEqual([]);
    expect((await gaza()).notices?.[0]).toMatch(/still loading: 0 of its 3 parts/);
  });
});
