/**
 * Issue 16 items 1 and 2 through the real bot against the fake Discord: a digest database that
 * cannot be used, or digests that fail to start after login, leave a bot that says so (log line
 * and /digest reply), keeps answering /ask and stops cleanly — never a half-started process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { readConfig } from '../../src/config.js';
import { openDatabase, SCHEMA_VERSION } from '../../src/db/db.js';
import { startBot, type BotHandle } from '../../src/discord/bot.js';
import type { Heartbeat } from '../../src/scheduler/scheduler.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { captureLog, libraryOf, seedArticles, ROOT, type CapturedLog } from '../discord/harness.js';
import type { Library } from '../../src/library/library.js';

const NO_HEARTBEAT: Heartbeat = () => ({ stop: () => undefined });

let fake: FakeDiscord;
let library: Library;
let dataDir: string;
let log: CapturedLog;
let bot: BotHandle | null = null;

async function start(
  heartbeat: Heartbeat = NO_HEARTBEAT,
  env: Record<string, string> = {},
): Promise<BotHandle> {
  const config = readConfig(
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.apiBase,
      DATA_DIR: dataDir,
      CORPUS_DIR: path.join(ROOT, 'corpus'),
      WATCH_CORPUS: 'false',
      ...env,
    },
    ROOT,
  );
  bot = await startBot({
    config,
    logger: log.logger,
    library: () => library,
    commands: COMMANDS,
    digests: { heartbeat },
  });
  return bot;
}

async function digestList(): Promise<string> {
  const reply = await fake
    .sendCommand('digest', [{ name: 'list', type: 1, options: [] } as never])
    .reply();
  return reply.content;
}

async function askGomel(): Promise<string> {
  const reply = await fake
    .sendCommand('ask', [{ name: 'question', type: 3, value: 'Where may talks take place?' }])
    .reply();
  return JSON.stringify(reply);
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  library = libraryOf(await seedArticles());
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-start-'));
  log = captureLog(fake.token);
});

afterEach(async () => {
  await bot?.stop();
  bot = null;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the bot with a digest database it cannot use as it is', () => {
  it('keeps an empty database aside, logs it, and /digest says so', async () => {
    fs.writeFileSync(path.join(dataDir, 'verbatim.db'), '');
    await start();
    const kept = fs.readdirSync(dataDir).filter((f) => f.startsWith('verbatim.db.empty-'));
    expect(kept).toHaveLength(1);
    expect(log.lines.some((l) => l.includes('ERROR') && l.includes(kept[0]!))).toBe(true);
    const reply = await digestList();
    expect(reply).toContain(`\`${kept[0]}\``);
    expect(reply).toContain('was empty');
    expect(await askGomel()).toContain('Gomel');
  });

  it('leaves a database from a newer Verbatim untouched; /digest says why it is off', async () => {
    const db = openDatabase(path.join(dataDir, 'verbatim.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(path.join(dataDir, 'verbatim.db'));
    await start();
    expect(bot?.digests).toBeNull();
    expect(fs.readFileSync(path.join(dataDir, 'verbatim.db')).equals(before)).toBe(true);
    expect(await digestList()).toContain('newer Verbatim');
    expect(await askGomel()).toContain('Gomel');
  });

  it('serves without digests when DATABASE_URL cannot be reached, never logging the URL', async () => {
    // Port 1 on loopback: the connection is refused at once. The password must not leak.
    const url = 'postgres://verbatim:s3cret-pass@127.0.0.1:1/verbatim';
    await start(NO_HEARTBEAT, { DATABASE_URL: url });
    expect(bot?.digests).toBeNull();
    expect(log.lines.some((l) => l.includes('ERROR') && l.includes('PostgreSQL'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain('s3cret-pass');
    expect(await digestList()).toContain('shared database could not be reached');
    // Button state falls back to DATA_DIR and answers keep working.
    expect(await askGomel()).toContain('Gomel');
  });
});

describe('digests that fail to start after login', () => {
  it('leave a running bot with digests off, logged and told, that stops cleanly', async () => {
    const broken: Heartbeat = () => {
      throw new Error('the scheduler could not be started');
    };
    const handle = await start(broken);
    expect(handle.digests).toBeNull();
    expect(
      log.lines.some((l) => l.includes('ERROR') && l.includes('digests could not start')),
    ).toBe(true);
    expect(await digestList()).toContain('could not start');
    expect(await askGomel()).toContain('Gomel');
  });
});
