/**
 * Several processes, one corpus (SEARCH_BACKEND=postgres): two real bot processes (`npm start`
 * as child processes), each on its own fake Discord, share the run's PostgreSQL. A file dropped
 * into the corpus folder of process A, whose watcher writes it to the database, becomes
 * quotable through process B's /ask within seconds, though B reads another folder and does
 * not watch it: B gets the article from the database, not from a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { useTestDatabase } from '../pg/database.js';
import { startChildBot, type ChildBot } from './child-bot.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const database = useTestDatabase();
const fakes: FakeDiscord[] = [];
const bots: ChildBot[] = [];
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-shared-'));
});

afterAll(async () => {
  for (const bot of bots) {
    bot.process.kill('SIGTERM');
    await bot.exited;
  }
  for (const fake of fakes) await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A bot process on the shared database with its own corpus copy, data folder and Discord. */
async function startProcess(
  name: string,
  watch: boolean,
): Promise<{ bot: ChildBot; fake: FakeDiscord; corpusDir: string }> {
  const fake = await startFakeDiscord();
  fakes.push(fake);
  const corpusDir = path.join(dir, name, 'corpus');
  fs.cpSync(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
  const bot = startChildBot({
    fake,
    dataDir: path.join(dir, name, 'data'),
    corpusDir,
    cwd: path.join(dir, name),
    env: {
      SEARCH_BACKEND: 'postgres',
      DATABASE_URL: database.url(),
      WATCH_CORPUS: String(watch),
    },
  });
  bots.push(bot);
  await bot.waitForLog('INFO started', 60_000);
  return { bot, fake, corpusDir };
}

const URL = 'https://example.com/gomel-philharmonic-turbine-hall';

describe('two bot processes on one PostgreSQL', () => {
  it('quotes through one process an article dropped into the other process corpus', async () => {
    const a = await startProcess('a', true);
    expect(a.bot.stderr()).toMatch(/search on PostgreSQL.*"articles_written":\d+/);
    const b = await startProcess('b', false);
    // B found every article of its (identical) files in the database: nothing indexed again.
    expect(b.bot.stderr()).toMatch(/search on PostgreSQL.*"articles_written":0,/);

    const ask = async (): Promise<string> =>
      JSON.stringify(
        await b.fake
          .sendCommand('ask', [
            { name: 'question', type: 3, value: 'Where did the Gomel Philharmonic play?' },
          ])
          .reply(),
      );
    expect(await ask()).not.toContain(URL);

    fs.writeFileSync(
      path.join(a.corpusDir, 'philharmonic.txt'),
      `---\nid: gomel-philharmonic\ntitle: Gomel Philharmonic plays in the turbine hall\nsource: Kill Wire\nurl: ${URL}\ndate: 2026-12-01\nlang: en\n---\nThe Gomel Philharmonic played in the flooded turbine hall of the old power station on Sunday, the city administration said.\n`,
    );
    const dropped = Date.now();
    let reply = '';
    while (!reply.includes(URL)) {
      if (Date.now() - dropped > 20_000)
        throw new Error(`B never quoted the new article; last reply: ${reply}\n${b.bot.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      reply = await ask();
    }
    expect(reply).toContain('turbine hall');
    expect(a.bot.stderr()).toContain('corpus updated');
    expect(b.bot.stderr()).toContain('corpus caught up from the database');
    // B never saw a file: its folder is as it was copied.
    expect(fs.existsSync(path.join(b.corpusDir, 'philharmonic.txt'))).toBe(false);
  }, 120_000);
});
