/**
 * kill -9 at each step of a digest post: the real bot (`npm start`'s src/main.ts) in a child
 * process against the fake Discord in this one, with a subscription whose slot passed while it
 * was down, so it posts a catch-up digest as it starts. The process is killed at one step,
 * started again, and the channel must hold exactly one digest for the slot: 0 lost, 0 doubled.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/db.js';
import { DigestStore } from '../../src/digest/store.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from '../fake-discord/index.js';
import { startChildBot, type ChildBot } from './child-bot.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let fake: FakeDiscord;
let dir: string;
let channelId: string;
let children: ChildBot[] = [];
let serial = 0;

/** A DATA_DIR whose digest for "Gomel" was due an hour ago, in a channel of its own. */
function prepare(): { dataDir: string } {
  const dataDir = path.join(dir, `data-${serial}`);
  channelId = `44444444444444${String(4000 + serial++)}`;
  fake.addChannel(channelId, 'digests');
  const db = openDatabase(path.join(dataDir, 'verbatim.db'));
  const hourAgo = Date.now() - 3_600_000;
  new DigestStore(db).addSubscription(
    {
      guildId: fake.guildId,
      channelId,
      topic: 'Gomel',
      schedule: 'hourly',
      timeZone: 'UTC',
      maxQuotes: 3,
      postWhenEmpty: false,
      createdBy: null,
    },
    hourAgo - 3_600_000,
    hourAgo,
  );
  db.close();
  return { dataDir };
}

function start(dataDir: string): ChildBot {
  const child = startChildBot({ fake, dataDir, corpusDir: path.join(ROOT, 'corpus'), cwd: dir });
  children.push(child);
  return child;
}

const isPost = (r: RecordedRequest): boolean =>
  r.method === 'POST' && r.path === `/channels/${channelId}/messages`;

function digestsInChannel(): number {
  return fake.channelMessages(channelId).filter((m) => m.content.startsWith('**Digest: Gomel**'))
    .length;
}

async function killAndRestart(child: ChildBot, dataDir: string): Promise<void> {
  child.process.kill('SIGKILL');
  expect((await child.exited).signal).toBe('SIGKILL');
  const again = start(dataDir);
  await again.waitForLog('INFO started', 60_000);
  again.process.kill('SIGTERM');
  await again.exited;
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-kill-'));
});

beforeEach(() => {
  children = [];
});

afterEach(() => {
  for (const child of children) child.process.kill('SIGKILL');
});

afterAll(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during a digest post, then a restart', () => {
  it('after the run started, before the post was sent: one digest', async () => {
    const { dataDir } = prepare();
    const child = start(dataDir);
    await child.waitForLog('connected to Discord', 60_000);
    await killAndRestart(child, dataDir);
    expect(digestsInChannel()).toBe(1);
  }, 120_000);

  it('while the post is retried after 5xx: one digest', async () => {
    const { dataDir } = prepare();
    // One attempt of ours is four requests (@discordjs/rest retries 5xx three times itself).
    fake.setServerError({
      method: 'POST',
      path: `/channels/${channelId}/messages`,
      times: 4,
      status: 503,
    });
    const child = start(dataDir);
    await fake.waitForRequest((r) => isPost(r) && r.status === 503);
    while (fake.requests.filter((r) => isPost(r) && r.status === 503).length < 4)
      await new Promise((r) => setTimeout(r, 20));
    await killAndRestart(child, dataDir);
    expect(digestsInChannel()).toBe(1);
  }, 120_000);

  it('after Discord created the message, before the bot recorded it: one digest', async () => {
    const { dataDir } = prepare();
    const child = start(dataDir);
    await fake.waitForRequest((r) => isPost(r) && r.status === 200);
    await killAndRestart(child, dataDir);
    expect(digestsInChannel()).toBe(1);
    // The restart re-sent the recorded post with its nonce and Discord returned the first one.
    const sent = fake.requests.filter((r) => isPost(r) && r.status === 200);
    expect(new Set(sent.map((r) => (r.body as { nonce: string }).nonce)).size).toBe(1);
  }, 120_000);

  it('after the post was recorded: one digest, nothing re-sent', async () => {
    const { dataDir } = prepare();
    const child = start(dataDir);
    await child.waitForLog('digest run finished', 60_000);
    await killAndRestart(child, dataDir);
    expect(digestsInChannel()).toBe(1);
  }, 120_000);
});
