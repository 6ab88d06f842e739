/**
 * Damaged DATA_DIR files, each with its expected outcome, through the real bot (corpus loaded
 * from CORPUS_DIR with its persisted index) against the fake Discord. One DATA_DIR is written by
 * a healthy first start; each case damages one file, restarts and checks what the bot did.
 *
 * | file                          | damage                    | expected                                   |
 * | index/library.snap            | garbage / truncated       | rebuilt from the corpus, /ask answers      |
 * | verbatim.db-wal               | garbage frames            | ignored by SQLite, subscriptions intact     |
 * | verbatim.db                   | 0 bytes / damaged pages   | kept aside, reported (database-file tests) |
 * | button-state.jsonl            | garbage lines             | skipped, bot serves, good entries kept     |
 * | command-sync.json (+ .tmp)    | garbage, stale temporary  | commands put again, no temporary left      |
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { readConfig } from '../../src/config.js';
import { startBot, type BotHandle } from '../../src/discord/bot.js';
import type { Heartbeat } from '../../src/scheduler/scheduler.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { captureLog, ROOT, type CapturedLog } from '../discord/harness.js';

const NO_HEARTBEAT: Heartbeat = () => ({ stop: () => undefined });
let fake: FakeDiscord;
let dataDir: string;
let bot: BotHandle | null = null;
let log: CapturedLog;

async function start(): Promise<BotHandle> {
  log = captureLog(fake.token);
  const config = readConfig(
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.apiBase,
      DATA_DIR: dataDir,
      CORPUS_DIR: path.join(ROOT, 'corpus'),
      WATCH_CORPUS: 'false',
    },
    ROOT,
  );
  bot = await startBot({
    config,
    logger: log.logger,
    commands: COMMANDS,
    digests: { heartbeat: NO_HEARTBEAT },
  });
  return bot;
}

async function restart(): Promise<BotHandle> {
  await bot?.stop();
  bot = null;
  return start();
}

async function askGomel(): Promise<string> {
  const reply = await fake
    .sendCommand('ask', [{ name: 'question', type: 3, value: 'Where may talks take place?' }])
    .reply();
  return JSON.stringify(reply.embeds);
}

const file = (name: string): string => path.join(dataDir, name);

beforeAll(async () => {
  fake = await startFakeDiscord();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-datadir-'));
  await start();
  // A digest subscription and a page button, so there is state to lose.
  await fake
    .sendCommand('digest', [
      {
        name: 'add',
        type: 1,
        options: [
          { name: 'topic', type: 3, value: 'Gomel' },
          { name: 'schedule', type: 3, value: 'daily 09:00' },
        ],
      } as never,
    ])
    .reply();
  expect(await askGomel()).toContain('Gomel');
  await bot?.stop();
  bot = null;
}, 60_000);

afterEach(async () => {
  await bot?.stop();
  bot = null;
});

afterAll(async () => {
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function errors(): string[] {
  return log.lines.filter((l) => / ERROR /.test(l));
}

describe('a damaged DATA_DIR file', () => {
  it('index snapshot: rebuilt from the corpus, and /ask answers', async () => {
    const snapshot = file(path.join('index', 'library.snap'));
    const bytes = fs.readFileSync(snapshot);
    fs.writeFileSync(snapshot, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await start();
    expect(await askGomel()).toContain('Gomel');
    expect(fs.readFileSync(snapshot).length).toBe(bytes.length);
    expect(errors()).toEqual([]);
  }, 30_000);

  it('database WAL: garbage frames are ignored and the subscription is intact', async () => {
    fs.writeFileSync(file('verbatim.db-wal'), Buffer.alloc(64 * 1024, 0x5a));
    const handle = await start();
    expect(handle.digestsNotice).toBeNull();
    expect(await handle.digests?.scheduler.store.subscriptionsOf(fake.guildId)).toHaveLength(1);
    expect(await askGomel()).toContain('Gomel');
  }, 30_000);

  it('button state: garbage lines are skipped and the bot serves', async () => {
    fs.appendFileSync(file('button-state.jsonl'), '{"k":\n\u0000\u0000garbage\n[1,2,3]\n');
    await start();
    expect(await askGomel()).toContain('Gomel');
    expect(errors()).toEqual([]);
  }, 30_000);

  it('command sync hash: garbage means the commands are put again; no temporary is left', async () => {
    fs.writeFileSync(file('command-sync.json'), '\u0000not json');
    fs.writeFileSync(file('command-sync.json.999999.tmp'), 'left by a crash');
    const puts = fake.requests.filter((r) => r.method === 'PUT').length;
    const handle = await restart();
    expect(handle.sync).toBe('synced');
    expect(fake.requests.filter((r) => r.method === 'PUT').length).toBe(puts + 1);
    expect(JSON.parse(fs.readFileSync(file('command-sync.json'), 'utf8'))).toHaveProperty('hash');
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 30_000);
});
