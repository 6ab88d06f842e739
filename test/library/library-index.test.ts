import { describe, expect, it } from 'vitest';
import { Library } from '../../src/library/library.js';
import { SnapshotError } from '../../src/library/snapshot.js';
import { MiniSearchIndex } from '../../src/index/minisearch-index.js';
import type { IndexedPassage, SearchIndex } from '../../src/index/search-index.js';
import { makeNewsArticle } from '../fixtures.js';

/** A SearchIndex given to the Library from outside, recording what the Library asks of it. */
class RecordingIndex extends MiniSearchIndex implements SearchIndex {
  readonly added: string[] = [];
  readonly removed: string[] = [];
  override add(passages: Iterable<IndexedPassage>): void {
    const list = [...passages];
    this.added.push(...list.map((p) => `${p.docId}#${p.ordinal}`));
    super.add(list);
  }
  override remove(passages: Iterable<IndexedPassage>): void {
    const list = [...passages];
    this.removed.push(...list.map((p) => `${p.docId}#${p.ordinal}`));
    super.remove(list);
  }
}

const pause = (): Promise<void> => Promise.resolve();

describe('Library on a SearchIndex given from outside', () => {
  it('indexes into and searches through the index it is given', async () => {
    const index = new RecordingIndex();
    const library = Library.build(
      [makeNewsArticle('a', 'The harbour ferry resumed service on Tuesday.')],
      index,
    );
    expect(index.added).toEqual(['a#0']);
    const hits = await library.search('harbour ferry');
    expect(hits.map((h) => h.passage.id)).toEqual(['a#0']);
    expect(library.passageCount).toBe(1);
  });

  it('adopts articles whose passages the index already holds without indexing them again', async () => {
    const shared = new RecordingIndex();
    const article = makeNewsArticle('b', 'The orchard harvest began early this year.');
    // Another process indexed the article into the shared index.
    Library.build([article], shared);
    const library = Library.build([], shared);
    const adopted = await library.adoptAsync([article], pause);
    expect(adopted.added).toEqual(['b']);
    expect(shared.added).toEqual(['b#0']);
    const [hit] = await library.search('orchard harvest');
    expect(hit?.article.text).toBe(article.text);
    expect(library.passageText(hit!.passage)).toBe(article.text);
    expect(library.completeWord('orch', 5)).toEqual(['orchard']);

    expect(await library.forgetAsync(['b'], pause)).toEqual(['b']);
    expect(shared.removed).toEqual([]);
    expect(library.article('b')).toBeUndefined();
    expect(library.completeWord('orch', 5)).toEqual([]);
  });

  it('keeps a snapshot only of a Library on the in-process index', async () => {
    const inner = new MiniSearchIndex();
    const elsewhere: SearchIndex = {
      add: (passages) => inner.add(passages),
      remove: (passages) => inner.remove(passages),
      search: (query) => inner.search(query),
      documentFrequency: (term) => inner.documentFrequency(term),
      get passageCount() {
        return inner.passageCount;
      },
    };
    const key = { termProcessingVersion: 1, fingerprint: 'x' };
    const article = makeNewsArticle('c', 'The quarry reopened.');
    const files = { read: () => Promise.reject(new Error('none')), write: () => Promise.resolve() };
    expect((await Library.build([article]).saveSnapshot(key, files)).bytes).toBeGreaterThan(0);
    await expect(Library.build([article], elsewhere).saveSnapshot(key, files)).rejects.toThrow(
      SnapshotError,
    );
  });
});
