/**
 * Feed articles as corpus files: front matter the loader reads back exactly, whatever the title
 * holds, written whole or not at all, and once whichever feeds carry them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/db.js';
import { sqliteFeedStorage } from '../../src/feeds/storage.js';
import { FeedStore } from '../../src/feeds/store.js';
import { parseCorpusFile } from '../../src/text/parse.js';
import {
  renderArticleFile,
  slugOf,
  writeFeedArticle,
  writeFileAtomic,
  type FeedArticle,
} from '../../src/feeds/write.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-feedwrite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ARTICLE: FeedArticle = {
  feedId: 1,
  itemKey: 'k',
  entryHash: 'h',
  title: 'He said: "no" —\nthen left: #1 story',
  source: 'БТА: Новини',
  url: 'https://www.bta.bg/bg/news/1001?a=1&b=2',
  date: '2026-12-02',
  lang: 'bg',
  paragraphs: ['Първи параграф.', '---', 'Read on: the third paragraph stays.'],
};

describe('feed article files', () => {
  it('are read back by the corpus parser with every field intact', () => {
    const text = renderArticleFile('bta-1', ARTICLE);
    const parsed = parseCorpusFile('feeds/bta/bta-1.md', new TextEncoder().encode(text));
    expect(parsed.problems).toEqual([]);
    expect(parsed.articles[0]).toMatchObject({
      id: 'bta-1',
      title: 'He said: "no" — then left: #1 story',
      source: 'БТА: Новини',
      url: 'https://www.bta.bg/bg/news/1001?a=1&b=2',
      date: '2026-12-02',
      lang: 'bg',
      text: 'Първи параграф.\n\n---\n\nRead on: the third paragraph stays.',
    });
  });

  it('have file-name-safe outlet folders, Cyrillic kept', () => {
    expect(slugOf('БТА: Новини')).toBe('бта-новини');
    expect(slugOf('Reuters / World')).toBe('reuters-world');
    expect(slugOf('../../etc')).toBe('etc');
    expect(slugOf('***')).toBe('feed');
  });

  it('replace the old file whole and leave no temporary file behind', async () => {
    const file = path.join(dir, 'feeds', 'x', 'a.md');
    await writeFileAtomic(file, 'old\n');
    await writeFileAtomic(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['a.md']);
  });

  it('are written once when two feeds hand over one article at the same instant', async () => {
    const corpusDir = path.join(dir, 'race');
    const db = openDatabase(path.join(dir, 'race.db'));
    try {
      const store = new FeedStore(db);
      const storage = sqliteFeedStorage(store);
      const [a, b] = ['a', 'b'].map((name) =>
        store.add(
          {
            url: `https://${name}.example/rss`,
            name,
            lang: null,
            intervalMinutes: null,
            addedBy: null,
          },
          0,
          0,
        )!,
      );
      // The same link, and the same text under another link: both are the one article.
      const outcomes = await Promise.all([
        writeFeedArticle(storage, corpusDir, { ...ARTICLE, feedId: a!.id, source: 'A' }, 1),
        writeFeedArticle(storage, corpusDir, { ...ARTICLE, feedId: b!.id, source: 'B' }, 1),
        writeFeedArticle(
          storage,
          corpusDir,
          { ...ARTICLE, feedId: b!.id, itemKey: 'k2', source: 'B', url: 'https://b.example/1001' },
          1,
        ),
      ]);
      expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'new']);
      const files = fs.readdirSync(corpusDir, { recursive: true }) as string[];
      expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
