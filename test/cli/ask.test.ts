import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const DATA_DIR = mkdtempSync(path.join(tmpdir(), 'verbatim-ask-data-'));

function ask(
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, ['src/cli/ask.ts', ...args], {
    cwd: ROOT,
    input: input ?? '',
    encoding: 'utf8',
    env: {
      ...process.env,
      DISCORD_TOKEN: '',
      CORPUS_DIR: 'corpus',
      DATA_DIR,
      LOG_LEVEL: 'info',
      ...env,
    },
    // A worker thread left running would keep the process from exiting.
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run ask', () => {
  it('with SEMANTIC_RERANK=true answers through the sentence encoder and exits once done', () => {
    const { status, stdout, stderr } = ask(
      ['--json', 'Who accompanied Bennett to the Kremlin?'],
      '',
      { SEMANTIC_RERANK: 'true' },
    );
    expect(status).toBe(0);
    // A failing encoder is logged and the answer keeps its word order: nothing may be logged.
    expect(stderr).not.toMatch(/semantic rerank skipped/);
    const answer = JSON.parse(stdout) as { results: { docId: string; quote: string }[] };
    expect(answer.results[0]?.docId).toBe('001_0a8340bfe975144d');
    expect(answer.results[0]?.quote).toContain('Zeev Elkin');
  });

  it('prints exactly one JSON object whose first result quotes the Elkin sentence', () => {
    const { status, stdout } = ask(['--json', 'Who accompanied Bennett to the Kremlin?']);
    expect(status).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const answer = JSON.parse(stdout) as { query: string; results: Record<string, unknown>[] };
    expect(Object.keys(answer)).toEqual(['query', 'results']);
    expect(answer.query).toBe('Who accompanied Bennett to the Kremlin?');
    expect(Object.keys(answer.results[0] ?? {})).toEqual([
      'rank',
      'quote',
      'docId',
      'title',
      'source',
      'url',
      'date',
      'lang',
      'score',
      'passageId',
    ]);
    expect(answer.results[0]).toMatchObject({
      rank: 1,
      docId: '001_0a8340bfe975144d',
      source: 'Ynet News',
      date: '2022-03-05',
      lang: 'en',
    });
    expect(answer.results[0]?.['quote']).toContain('Zeev Elkin');
  });

  it('answers the same with the index in worker threads (INDEX_WORKERS), built or loaded, and exits', () => {
    const question = ['--json', 'Who accompanied Bennett to the Kremlin?'];
    const inThread = ask(question);
    const fresh = mkdtempSync(path.join(tmpdir(), 'verbatim-ask-workers-'));
    for (let run = 0; run < 2; run++) {
      // The first run builds and saves the index in the workers, the second loads it there.
      const inWorkers = ask(question, undefined, { INDEX_WORKERS: '2', DATA_DIR: fresh });
      expect(inWorkers.status).toBe(0);
      expect(JSON.parse(inWorkers.stdout)).toEqual(JSON.parse(inThread.stdout));
    }
  });

  it('prints no results, and exits 0, for a question the corpus cannot answer', () => {
    const { status, stdout } = ask(['--json', 'What is the capital of Australia?']);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ query: 'What is the capital of Australia?', results: [] });
  });

  it('answers one question per standard-input line with one JSON object per line', () => {
    const { status, stdout } = ask(
      ['--json', '--limit', '2'],
      'Gomel\n\nКакво каза Путин на Нетаняху?\n',
    );
    expect(status).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { query: string; results: unknown[] });
    expect(lines.map((l) => [l.query, l.results.length])).toEqual([
      ['Gomel', 2],
      ['Какво каза Путин на Нетаняху?', 2],
    ]);
  });

  it('exits 2 with a clear message on bad arguments', () => {
    expect(ask(['--limit', '0', 'x'])).toMatchObject({
      status: 2,
      stdout: '',
      stderr: '--limit must be a whole number from 1 to 10, got "0"\n',
    });
    expect(ask(['--since', '2022-13-01', 'x'])).toMatchObject({
      status: 2,
      stderr: '--since must be a date as YYYY-MM-DD (or YYYY-MM, or YYYY), got "2022-13-01"\n',
    });
    expect(ask(['--bogus', 'x']).status).toBe(2);
  });

  it('reads another corpus folder, keeping warnings about broken files off stdout', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'verbatim-ask-'));
    writeFileSync(
      path.join(dir, 'good.jsonl'),
      '{"id":"g","text":"Zebras crossed the river at dawn.","source":"Wild","date":"2024-01-02"}\n{broken\n',
    );
    const { status, stdout, stderr } = ask(['--json', '--corpus', dir, 'zebras river']);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      results: [{ quote: 'Zebras crossed the river at dawn.', source: 'Wild', date: '2024-01-02' }],
    });
    expect(stderr).toContain('good.jsonl:2: not valid JSON');
  });
});

describe('npm start without a token', () => {
  it('prints a banner and answers piped questions like the Discord reply, then exits', () => {
    const result = spawnSync(TSX, ['src/main.ts'], {
      cwd: ROOT,
      input: 'Where was the Russian delegation waiting for talks?\n/sources\n',
      encoding: 'utf8',
      env: { ...process.env, DISCORD_TOKEN: '', CORPUS_DIR: 'corpus', DATA_DIR },
    });
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'Verbatim: serving 5 documents and 84 passages (4 en, 1 bg; 27 Feb 2022 – 16 Oct 2023).',
    );
    const first = result.stdout.indexOf('1. “');
    expect(
      result.stdout.slice(first, result.stdout.indexOf('\n', result.stdout.indexOf('— ', first))),
    ).toMatch(/^1\. “.*Gomel.*”\n {3}— Sputnik, 27 Feb 2022$/);
    expect(result.stdout).toContain('Actualno.com: 1 article (16 Oct 2023)');
  });

  it('stops with one line naming a bad configuration key', () => {
    const result = spawnSync(TSX, ['src/main.ts'], {
      cwd: ROOT,
      input: '',
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR, LOG_LEVEL: 'loud' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'Configuration error: LOG_LEVEL: expected one of debug, info, warn, error, got a value of 4 characters\n',
    );
  });
});
