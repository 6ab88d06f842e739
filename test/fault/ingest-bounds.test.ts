/**
 * Issue 16 item 5: no record, however it is written, becomes an unbounded passage or holds the
 * corpus update for long: passages are cut at word boundaries (so quotes stay substrings), an
 * oversized article is refused with a reason, and `.corpus.json` patterns that can backtrack
 * catastrophically are refused before they run on any text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PASSAGE_LENGTH, splitPassages } from '../../src/text/passages.js';
import { MAX_ARTICLE_LENGTH, parseCorpusFile } from '../../src/text/parse.js';
import { readCorpusOptions } from '../../src/library/load.js';
import { makeArticle } from '../fixtures.js';
import { openCorpus } from '../../src/library/open.js';
import { watchCorpus } from '../../src/library/watch.js';
import { createLogger, SILENT_LOGGER } from '../../src/core/log.js';

describe('passages', () => {
  it('cut a paragraph with no sentence boundary into bounded pieces at word boundaries', () => {
    const words = Array.from({ length: 40_000 }, (_, i) => `word${i}`);
    const text = `Intro sentence here.\n\n${words.join(' ')}`;
    const passages = splitPassages(makeArticle('a', text));
    expect(passages.length).toBeGreaterThan(20);
    for (const p of passages) {
      expect(p.end - p.start).toBeLessThanOrEqual(MAX_PASSAGE_LENGTH);
      const piece = text.slice(p.start, p.end);
      expect(piece).toBe(piece.trim());
      // Every cut falls between words.
      expect(/\w/.test(text[p.start - 1] ?? ' ') || /\w/.test(text[p.end] ?? ' ')).toBe(false);
    }
    // Nothing is dropped: the pieces cover every word, in order.
    const covered = passages
      .slice(1)
      .map((p) => text.slice(p.start, p.end))
      .join(' ');
    expect(covered).toBe(words.join(' '));
  });

  it('cut a run with no spaces at all at the length bound, never inside a surrogate pair', () => {
    const text = '😀'.repeat(15_001);
    const passages = splitPassages(makeArticle('a', text));
    expect(passages.every((p) => p.end - p.start <= MAX_PASSAGE_LENGTH)).toBe(true);
    expect(passages.map((p) => text.slice(p.start, p.end)).join('')).toBe(text);
    const pieces = passages.map((p) => text.slice(p.start, p.end));
    expect(pieces.some((piece) => /[\ud800-\udbff]$|^[\udc00-\udfff]/.test(piece))).toBe(false);
  });

  it('leave ordinary paragraphs and long sentences as they were', () => {
    const sentence = `${Array.from({ length: 200 }, () => 'talks').join(' ')}.`;
    const passages = splitPassages(makeArticle('a', `Short one.\n\n${sentence}`));
    expect(passages.map((p) => p.end - p.start)).toEqual([10, sentence.length]);
  });
});

describe('articles', () => {
  it(`over ${MAX_ARTICLE_LENGTH.toLocaleString('en-US')} characters are refused with the reason`, () => {
    const huge = 'x '.repeat(MAX_ARTICLE_LENGTH);
    const small = JSON.stringify({ id: 'ok', text: 'Gomel talks resumed.' });
    const parsed = parseCorpusFile(
      'big.jsonl',
      new TextEncoder().encode(`${JSON.stringify({ id: 'big', text: huge })}\n${small}\n`),
    );
    expect(parsed.articles.map((a) => a.id)).toEqual(['ok']);
    expect(parsed.problems).toEqual([
      {
        file: 'big.jsonl',
        line: 1,
        message: `record is ${(huge.length + 22).toLocaleString('en-US')} characters long; at most ${(2 * MAX_ARTICLE_LENGTH).toLocaleString('en-US')} are read (split the article)`,
      },
    ]);
    const txt = parseCorpusFile('big.txt', new TextEncoder().encode(huge));
    expect(txt.articles).toEqual([]);
    expect(txt.problems[0]?.message).toContain('the article text is');
  });
});

describe('.corpus.json patterns', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-regex-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('that can backtrack catastrophically are refused, naming the pattern', async () => {
    fs.writeFileSync(
      path.join(dir, '.corpus.json'),
      JSON.stringify({ linkLinePatterns: ['^Subscribe:', '^(a+)+$'] }),
    );
    const read = await readCorpusOptions(dir);
    expect(read.options).toEqual({});
    expect(read.problems).toEqual([
      {
        file: '.corpus.json',
        line: 1,
        message:
          'pattern 2 of "linkLinePatterns" ("^(a+)+$") can take exponential time on some lines (nested repetition); rewrite it without a repeated group that itself repeats',
      },
    ]);
  });

  it('that are safe are used', async () => {
    fs.writeFileSync(
      path.join(dir, '.corpus.json'),
      JSON.stringify({ linkLinePatterns: ['^Subscribe:'] }),
    );
    const read = await readCorpusOptions(dir);
    expect(read.problems).toEqual([]);
    expect(read.options.extraLinkLinePatterns?.map(String)).toEqual(['/^Subscribe:/iu']);
  });
});

describe('a running watcher', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-watch-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'Talks in Gomel were announced.');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports a bad .corpus.json added while running, once, and keeps the settings it had', async () => {
    fs.writeFileSync(
      path.join(dir, '.corpus.json'),
      JSON.stringify({ linkLinePatterns: ['^Promo:'] }),
    );
    const opened = await openCorpus(dir, SILENT_LOGGER);
    const lines: string[] = [];
    const logger = createLogger('info', { sink: (l) => lines.push(l) });
    const watcher = await watchCorpus(dir, () => opened.library, {
      logger,
      initialFiles: opened.files,
      pollMs: 0,
      debounceMs: 60_000,
    });
    fs.writeFileSync(path.join(dir, '.corpus.json'), '{"linkLinePatterns": ["^(a+)+$"]');
    await watcher.rescan();
    await watcher.rescan();
    const reported = lines.filter((l) => l.includes('.corpus.json'));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain(
      'WARN corpus: .corpus.json:1: not valid JSON; keeping the settings in use',
    );
    // The earlier pattern still applies to new files.
    fs.writeFileSync(path.join(dir, 'b.txt'), 'Promo: buy now\n\nNegotiators met in Istanbul.');
    await watcher.rescan();
    expect(opened.library.article('b')?.text).toBe('Negotiators met in Istanbul.');
    watcher.close();
  });
});
