import { mkdtemp, readFile, rm, utimes, writeFile, unlink, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { createProgressReporter, describeProgress } from '../../src/library/progress.js';
import {
  SNAPSHOT_FILE,
  SNAPSHOT_MANIFEST_FILE,
  openLibrary,
} from '../../src/library/snapshot-store.js';
import { createLogger, SILENT_LOGGER } from '../../src/core/log.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { TERM_PROCESSING_VERSION } from '../../src/text/analyze.js';
import { Library } from '../../src/library/library.js';

const QUESTIONS = [
  'grain exports Odesa',
  'Who met in Istanbul?',
  'Where was the Russian delegation waiting for talks?',
  'Путин Нетаняху',
];

const record = (id: string, text: string, date = '2022-07-01'): string =>
  JSON.stringify({
    id,
    title: `About ${id}`,
    source: 'Wire',
    url: `https://news.example/${id}`,
    date,
    lang: 'en',
    text,
  });

/** Every answer and figure of two Libraries, for equality checks. */
async function observe(library: Library): Promise<unknown> {
  return {
    stats: library.stats(),
    articles: [...library.articles()].map((a) => a.id).sort(),
    answers: await Promise.all(QUESTIONS.map((q) => answerQuestion(library, q, { limit: 10 }))),
  };
}

let root: string;
let corpusDir: string;
let dataDir: string;
let lines: string[];
const logger = () => createLogger('info', { sink: (line) => lines.push(line) });

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-store-'));
  corpusDir = path.join(root, 'corpus');
  dataDir = path.join(root, 'data');
  await mkdir(corpusDir);
  lines = [];
  await writeFile(
    path.join(corpusDir, 'a.jsonl'),
    [
      record('a1', 'Grain exports resumed from Odesa.'),
      record('a2', 'Ships waited near Odesa for days.'),
    ].join('\n') + '\n',
  );
  await writeFile(
    path.join(corpusDir, 'b.jsonl'),
    record('b1', 'Negotiators met in Istanbul on grain.') + '\n',
  );
  await writeFile(
    path.join(corpusDir, 'c.md'),
    '---\ntitle: Talks\ndate: 2022-03-01\n---\nThe delegation waited in Gomel for talks.\n',
  );
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fresh(): Promise<Library> {
  return Library.build((await loadCorpus(corpusDir)).articles);
}

describe('openLibrary', () => {
  it('builds and persists on the first start, then loads the snapshot on an unchanged corpus', async () => {
    const first = await openLibrary({ corpusDir, dataDir, logger: logger() });
    expect(first.how).toBe('built');
    const second = await openLibrary({ corpusDir, dataDir, logger: logger() });
    expect(second.how).toBe('loaded');
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(await observe(second.library)).toEqual(await observe(await fresh()));
  });

  it('re-reads only changed files, drops articles of removed files, and equals a fresh build', async () => {
    await openLibrary({ corpusDir, dataDir, logger: logger() });
    await writeFile(
      path.join(corpusDir, 'a.jsonl'),
      [
        record('a1', 'Grain exports stopped at Odesa.'),
        record('a3', 'A new grain corridor opened.'),
      ].join('\n') + '\n',
    );
    await utimes(path.join(corpusDir, 'a.jsonl'), new Date(), new Date(Date.now() + 5_000));
    await unlink(path.join(corpusDir, 'b.jsonl'));
    await writeFile(
      path.join(corpusDir, 'd.jsonl'),
      record('d1', 'Istanbul hosted the grain talks.') + '\n',
    );
    const updated = await openLibrary({ corpusDir, dataDir, logger: logger() });
    expect(updated.how).toBe('updated');
    expect(updated.changes).toEqual({
      changed: ['a.jsonl', 'd.jsonl'],
      removed: ['b.jsonl'],
      unchanged: ['c.md'],
    });
    expect(await observe(updated.library)).toEqual(await observe(await fresh()));
    const again = await openLibrary({ corpusDir, dataDir, logger: logger() });
    expect(again.how).toBe('loaded');
    expect(await observe(again.library)).toEqual(await observe(await fresh()));
  });

  it('rebuilds, with a warning, when the snapshot file is damaged', async () => {
    await openLibrary({ corpusDir, dataDir, logger: logger() });
    const file = path.join(dataDir, SNAPSHOT_FILE);
    const bytes = await readFile(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    await writeFile(file, bytes);
    const opened = await openLibrary({ corpusDir, dataDir, logger: logger() });
    expect(opened.how).toBe('built');
    expect(
      lines.some((l) =>
        l.includes('WARN persisted index unusable (snapshot checksum mismatch); rebuilding'),
      ),
    ).toBe(true);
    expect(await observe(opened.library)).toEqual(await observe(await fresh()));
  });

  it('rebuilds when the snapshot was made with other term processing, and when the manifest is missing', async () => {
    const first = await openLibrary({ corpusDir, dataDir, logger: logger() });
    await first.library.saveSnapshot(
      { termProcessingVersion: TERM_PROCESSING_VERSION + 1, fingerprint: first.fingerprint },
      {
        read: (name) => readFile(path.join(dataDir, 'index', name)),
        write: (name, bytes) => writeFile(path.join(dataDir, 'index', name), bytes),
      },
    );
    const second = await openLibrary({ corpusDir, dataDir, logger: logger() });
    expect(second.how).toBe('built');
    expect(lines).toContainEqual(
      expect.stringContaining(
        `persisted index uses term processing ${TERM_PROCESSING_VERSION + 1}, now ${TERM_PROCESSING_VERSION}; rebuilding`,
      ),
    );
    await unlink(path.join(dataDir, SNAPSHOT_MANIFEST_FILE));
    expect((await openLibrary({ corpusDir, dataDir, logger: logger() })).how).toBe('built');
  });

  it('remembers the problems of unchanged broken files across loads', async () => {
    await writeFile(
      path.join(corpusDir, 'broken.jsonl'),
      record('x1', 'Fine line.') + '\n{not json\n',
    );
    const built = await openLibrary({ corpusDir, dataDir, logger: logger() });
    const loaded = await openLibrary({ corpusDir, dataDir, logger: logger() });
    expect(loaded.how).toBe('loaded');
    expect(loaded.problems).toEqual(built.problems);
    expect(loaded.problems.map((p) => `${p.file}:${p.line}`)).toEqual(['broken.jsonl:2']);
  });
});

describe('progress', () => {
  it('describes done, total, rate and estimate', () => {
    expect(describeProgress(25_000, 100_000, 2_000)).toBe(
      '25% 25,000/100,000 passages, 12,500/s, ETA 6s',
    );
    expect(describeProgress(0, 100, 0)).toBe('0% 0/100 passages, 0/s, ETA —');
  });

  it('logs at most every 5 seconds off a terminal, and always the last step', () => {
    const out: string[] = [];
    let t = 0;
    const report = createProgressReporter({
      logger: createLogger('info', { sink: (l) => out.push(l.replace(/^\S+ /, '')) }),
      now: () => t,
    });
    for (const [at, done] of [
      [0, 0],
      [1_000, 10],
      [6_000, 60],
      [7_000, 70],
      [9_000, 100],
    ] as const) {
      t = at;
      report(done, 100);
    }
    expect(out).toEqual([
      'INFO indexing: 0% 0/100 passages, 0/s, ETA —',
      'INFO indexing: 60% 60/100 passages, 10/s, ETA 4s',
      'INFO indexing: 100% 100/100 passages, 11/s, ETA 0s',
    ]);
  });

  it('redraws one bar in place on a terminal', () => {
    const out: string[] = [];
    let t = 0;
    const report = createProgressReporter({
      logger: SILENT_LOGGER,
      tty: { write: (s) => out.push(s) },
      now: () => t,
      label: 'build',
    });
    t = 1_000;
    report(50, 100);
    t = 2_000;
    report(100, 100);
    report.finish();
    expect(out).toEqual([
      `\rbuild [${'#'.repeat(15)}${'.'.repeat(15)}] 50% 50/100 passages, 50/s, ETA 1s\u001b[K`,
      `\rbuild [${'#'.repeat(30)}] 100% 100/100 passages, 50/s, ETA 0s\u001b[K`,
      '\n',
    ]);
  });
});
