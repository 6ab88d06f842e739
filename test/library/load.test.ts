import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, loadCorpusFile, loadCorpusFileAsync } from '../../src/library/load.js';
import { formatProblem, MAX_FILE_BYTES } from '../../src/text/parse.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CORPUS_DIR = path.join(ROOT, 'corpus');

function brokenCorpus(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'verbatim-corpus-'));
  mkdirSync(path.join(dir, 'nested', 'deeper'), { recursive: true });
  writeFileSync(
    path.join(dir, 'good.md'),
    '---\nsource: Wire\ndate: 2024-05-01\n---\nA good article.\n',
  );
  writeFileSync(
    path.join(dir, 'nested', 'deeper', 'feed.jsonl'),
    '{"id":"f1","text":"Fine."}\n{"id":"f2","text":""}\n{"id":"good","text":"Same id as the .md file."}\n',
  );
  writeFileSync(path.join(dir, 'nested', 'bad.json'), '{ not json');
  writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x2e]));
  writeFileSync(path.join(dir, 'notes.csv'), 'ignored,file');
  writeFileSync(path.join(dir, '.corpus.json'), '{"linkLinePatterns": ["^Subscribe"]}');
  writeFileSync(path.join(dir, 'sub.txt'), 'Body line.\nSubscribe to our newsletter\n');
  return dir;
}

describe('loadCorpus', () => {
  it('loads the bundled seeds with their metadata and cleaned texts', async () => {
    const loaded = await loadCorpus(CORPUS_DIR);
    expect(loaded.problems).toEqual([]);
    expect(loaded.articles.map((a) => [a.id, a.source, a.date, a.lang])).toEqual([
      ['000_ea4181cf7b4975f4', 'Sputnik', '2022-02-27', 'en'],
      ['001_0a8340bfe975144d', 'Ynet News', '2022-03-05', 'en'],
      ['002_700629ae04df096f', 'The Times of Israel', '2022-03-23', 'en'],
      ['003_e2fc5de72516c7eb', 'The National', '2022-03-06', 'en'],
      ['004_54105add2005449d', 'Actualno.com', '2023-10-16', 'bg'],
    ]);
    const byId = new Map(loaded.articles.map((a) => [a.id, a.text]));
    const bulgarian = byId.get('004_54105add2005449d') ?? '';
    expect(bulgarian).not.toContain('Още:');
    expect(bulgarian.split('\n\n')).toHaveLength(8);
    expect(
      byId.get('003_e2fc5de72516c7eb')?.startsWith('International leaders have resumed efforts'),
    ).toBe(true);
    expect(
      byId.get('002_700629ae04df096f')?.startsWith('Kremlin says Russian president gives PM'),
    ).toBe(true);
  });

  it('skips broken files and records with a warning naming file and line, and loads the rest', async () => {
    const loaded = await loadCorpus(brokenCorpus());
    expect(loaded.articles.map((a) => [a.id, a.text])).toEqual([
      ['good', 'A good article.'],
      ['f1', 'Fine.'],
      ['sub', 'Body line.'],
    ]);
    expect(loaded.problems.map(formatProblem)).toEqual([
      'latin1.txt:1: not valid UTF-8 text; save the file as UTF-8',
      'nested/bad.json:1: not valid JSON',
      'nested/deeper/feed.jsonl:2: no article text',
      'nested/deeper/feed.jsonl:3: duplicate article id "good" (first in good.md:1); skipped',
    ]);
  });

  it("refuses a file over its kind's size bound before reading it, naming the bound, and loads the rest", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'verbatim-corpus-'));
    // Valid JSON, so only the size can be why it is refused.
    const array = Buffer.alloc(MAX_FILE_BYTES['.json'] + 1, 0x20);
    array[0] = 0x5b;
    array[array.length - 1] = 0x5d;
    writeFileSync(path.join(dir, 'all.json'), array);
    writeFileSync(path.join(dir, 'huge.txt'), 'word '.repeat(MAX_FILE_BYTES['.txt'] / 5 + 1));
    writeFileSync(path.join(dir, 'ok.txt'), 'A short article.');
    const loaded = await loadCorpus(dir);
    expect(loaded.articles.map((a) => a.id)).toEqual(['ok']);
    expect(loaded.problems.map(formatProblem)).toEqual([
      'all.json:1: the file is 16.0 MB; .json files over 16.0 MB are not read (split it, or write one record per line as .jsonl)',
      'huge.txt:1: the file is 1.0 MB; .txt files over 1.0 MB are not read (one article per file; split it)',
    ]);
  });

  it('reports a missing corpus folder as one problem', async () => {
    const loaded = await loadCorpus(path.join(tmpdir(), 'verbatim-does-not-exist'));
    expect(loaded.articles).toEqual([]);
    expect(loaded.problems.map((p) => p.message)).toEqual(['cannot read corpus folder: ENOENT']);
  });
});

describe('npm run validate-corpus', () => {
  const run = (dir: string): ReturnType<typeof spawnSync> =>
    spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/validate-corpus.ts', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  it('exits 0 on the bundled corpus', () => {
    expect(run(CORPUS_DIR).status).toBe(0);
  });

  it('prints every problem as file:line: message and exits 1', () => {
    const result = run(brokenCorpus());
    expect(result.status).toBe(1);
    expect(String(result.stdout).trim().split('\n')).toHaveLength(4);
    expect(String(result.stdout)).toContain('nested/deeper/feed.jsonl:2: no article text\n');
  });
});

describe('loadCorpusFileAsync', () => {
  it('parses a file in slices, pausing after each record, to what loadCorpusFile gives at once', async () => {
    const dir = brokenCorpus();
    for (const file of ['nested/deeper/feed.jsonl', 'good.md', 'nested/bad.json']) {
      let pauses = 0;
      const sliced = await loadCorpusFileAsync(dir, file, {}, () => {
        pauses++;
        return Promise.resolve();
      });
      expect(sliced).toEqual(await loadCorpusFile(dir, file));
      // feed.jsonl: two good records and one with empty text, each followed by a pause.
      expect(pauses).toBe(file.endsWith('.jsonl') ? 3 : 0);
    }
  });
});
