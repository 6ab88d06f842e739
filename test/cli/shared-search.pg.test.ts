/**
 * The entry points without Discord serve the corpus as the bot does: with SEARCH_BACKEND=postgres
 * `npm run ask` and `npm run trend` answer from the shared corpus in DATABASE_URL (writing the
 * folder's articles there first), not from an index of their own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { useTestDatabase } from '../pg/database.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const DATA_DIR = mkdtempSync(path.join(tmpdir(), 'verbatim-shared-cli-'));
const database = useTestDatabase();

function run(
  script: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, [script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      DISCORD_TOKEN: '',
      CORPUS_DIR: 'corpus',
      DATA_DIR,
      SEARCH_BACKEND: 'postgres',
      DATABASE_URL: database.url(),
      LOG_LEVEL: 'debug',
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function storedArticles(): Promise<number> {
  const client = new pg.Client({ connectionString: database.url() });
  await client.connect();
  try {
    const found = await client.query<{ n: string }>('SELECT count(*) AS n FROM search_articles');
    return Number(found.rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe('the command line with SEARCH_BACKEND=postgres', () => {
  it('ask answers from the shared corpus, which now holds the folder’s articles', async () => {
    const { status, stdout, stderr } = run('src/cli/ask.ts', [
      '--json',
      'Who accompanied Bennett to the Kremlin?',
    ]);
    expect(status).toBe(0);
    const answer = JSON.parse(stdout) as { results: { docId: string; quote: string }[] };
    expect(answer.results[0]?.docId).toBe('001_0a8340bfe975144d');
    expect(answer.results[0]?.quote).toContain('Elkin');
    expect(stderr).toContain('search on PostgreSQL');
    const { articles } = await loadCorpus(path.join(ROOT, 'corpus'));
    expect(await storedArticles()).toBe(articles.length);
  });

  it('trend counts the shared corpus’s articles', () => {
    const { status, stdout, stderr } = run('src/cli/trend.ts', [
      '--json',
      '--out',
      path.join(DATA_DIR, 'trend.png'),
      'Bennett',
    ]);
    expect(status).toBe(0);
    expect(JSON.stringify(JSON.parse(stdout))).toContain('Ynet');
    expect(stderr).toContain('search on PostgreSQL');
  });
});
