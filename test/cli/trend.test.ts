import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../src/cli/console.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/present/chart.js';
import { Library } from '../../src/library/library.js';
import { seedArticles } from '../discord/harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const OUT = mkdtempSync(path.join(tmpdir(), 'verbatim-trend-'));

function trend(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, ['src/cli/trend.ts', '--corpus', 'corpus', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DISCORD_TOKEN: '', CORPUS_DIR: 'corpus', DATA_DIR: OUT },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run trend', () => {
  it('prints the monthly counts as one JSON object and writes the PNG named by --out', () => {
    const file = path.join(OUT, 'month.png');
    const { status, stdout } = trend([
      'Bennett Putin',
      '--json',
      '--interval',
      'month',
      '--until',
      '2022-05-31',
      '--out',
      file,
    ]);
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as {
      file: string;
      timeZone: string;
      buckets: { start: string; total: number; counts: Record<string, number> }[];
      summary: string;
    };
    expect(json.file).toBe(file);
    expect(json.timeZone).toBe('UTC');
    expect(json.buckets).toEqual([
      { start: '2022-02-01', end: '2022-02-28', counts: { Sputnik: 1 }, total: 1 },
      {
        start: '2022-03-01',
        end: '2022-03-31',
        counts: { 'The Times of Israel': 1, 'Ynet News': 1, 'The National': 1 },
        total: 3,
      },
      { start: '2022-04-01', end: '2022-04-30', counts: {}, total: 0 },
      { start: '2022-05-01', end: '2022-05-31', counts: {}, total: 0 },
    ]);
    expect(json.summary).toBe('peak: Mar 2022, 3 articles; most: 4 outlets tied at 1 article');
    const image = PNG.sync.read(readFileSync(file));
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
  });

  it('exits 2 with the allowed values for a bad --interval', () => {
    const { status, stderr } = trend(['Bennett', '--interval', 'year']);
    expect(status).toBe(2);
    expect(stderr).toContain('--interval must be one of day, week, month, got "year"');
  });
});

describe('the console’s /trend', () => {
  it('writes the chart and prints its path, the summary and the peak’s quote', async () => {
    const library = Library.build(await seedArticles());
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const file = path.join(OUT, 'console.png');
    input.end(`/trend Bennett Putin --out ${file}\n/trend quantum chromodynamics\n`);
    await runConsole({
      library: () => library,
      input,
      output,
      interactive: false,
      logger: SILENT_LOGGER,
      loadedAt: 0,
      version: 'test',
    });
    expect(text).toContain(`Wrote ${file}\npeak: week of 28 Feb 2022, 2 articles;`);
    expect(text).toMatch(/From the peak:\n1\. “.*\*\*Bennett\*\*/);
    expect(text).toContain('Nothing in the corpus matches that topic well enough to count');
    expect(PNG.sync.read(readFileSync(file)).width).toBe(CHART_WIDTH);
  });
});
