/**
 * Feed articles as corpus files: front matter the loader reads back exactly, whatever the title
 * holds, and written whole or not at all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCorpusFile } from '../../src/text/parse.js';
import {
  renderArticleFile,
  slugOf,
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
});
