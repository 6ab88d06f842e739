import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, '..', '.ci', 'production');

describe('the production path (.ci/production, the Dockerfile’s steps)', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'verbatim-production-'));
  // Asynchronous: removing two node_modules trees synchronously blocks the worker past vitest's
  // 60 s RPC timeout on a loaded machine.
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('builds in a clean copy, installs only production dependencies and answers a question from dist/', async () => {
    const { stdout } = await run('bash', [SCRIPT, work], {
      env: { ...process.env, QUESTION: 'What did Putin tell Bennett?' },
      maxBuffer: 16 * 1024 * 1024,
    });
    // The banner, then ranked quotes with their outlet and date, from the bundled corpus.
    expect(stdout).toMatch(/^Verbatim: serving 5 documents/m);
    expect(stdout).toMatch(/^1\. “.*\*\*(Bennett|Putin)\*\*/m);
    expect(stdout).toMatch(/^ {3}— [^,\n]+, \d{1,2} [A-Z][a-z]{2} 20\d\d/m);
    const installed = (name: string): boolean =>
      existsSync(path.join(work, 'app', 'node_modules', name));
    expect(['discord.js', 'better-sqlite3', 'minisearch', 'node-cron'].filter(installed)).toEqual([
      'discord.js',
      'better-sqlite3',
      'minisearch',
      'node-cron',
    ]);
    expect(['tsx', 'typescript', 'vitest'].filter(installed)).toEqual([]);
  });
});
