/**
 * Issue 16 item 1: `npm start` handles SIGTERM with the graceful stop at every moment of its
 * start, not only once the bot is up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { startChildBot } from './child-bot.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let fake: FakeDiscord;
let dir: string;

beforeAll(async () => {
  fake = await startFakeDiscord();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-signal-'));
});

afterAll(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm start and SIGTERM', () => {
  it('stops gracefully when the signal comes while the corpus is still loading', async () => {
    const bot = startChildBot({
      fake,
      dataDir: path.join(dir, 'data'),
      corpusDir: path.join(ROOT, 'corpus'),
      cwd: dir,
    });
    await bot.waitForLog('INFO starting');
    bot.process.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.stderr()).toContain('received SIGTERM; shutting down');
    expect(bot.stderr()).toContain('INFO stopped');
  }, 30_000);
});
