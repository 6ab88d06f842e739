/**
 * Issue 16 item 3: a digest whose post Discord refused or never answered is neither lost nor
 * doubled, and what the scheduler reports about it is true.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { createDiscordSender, createSentMessageFinder } from '../../src/discord/digest-sender.js';
import { DigestScheduler, type Clock, type Heartbeat } from '../../src/scheduler/scheduler.js';
import { Library } from '../../src/library/library.js';
import { openDatabase, type Db } from '../../src/db/db.js';
import { DigestStore, type NewSubscription } from '../../src/digest/store.js';
import { sqliteDigestStorage } from '../../src/digest/storage.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { makeNewsArticle } from '../fixtures.js';

const GOMEL = 'Peace talks between Russia and Ukraine may take place in Gomel, the Kremlin said.';
const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const NO_HEARTBEAT: Heartbeat = () => ({ stop: () => undefined });

class StepClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

let fake: FakeDiscord;
let rest: REST;
let dir: string;
let db: Db;
let store: DigestStore;
let clock: StepClock;
let scheduler: DigestScheduler;

function subscription(channelId: string): NewSubscription {
  return {
    guildId: fake.guildId,
    channelId,
    topic: 'talks',
    schedule: '* * * * *',
    timeZone: 'UTC',
    maxQuotes: 5,
    postWhenEmpty: false,
    createdBy: null,
  };
}

function gomelPosts(channelId: string): number {
  return fake
    .channelMessages(channelId)
    .filter((m) => m.embeds.some((e) => e.description?.includes('Gomel'))).length;
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  rest = new REST({ api: fake.apiBase, retries: 0 }).setToken(fake.token);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-digest-'));
  db = openDatabase(path.join(dir, 'verbatim.db'));
  store = new DigestStore(db);
  clock = new StepClock(T0);
  scheduler = new DigestScheduler({
    store: sqliteDigestStorage(store),
    library: () => Library.build([makeNewsArticle('a', GOMEL)]),
    send: createDiscordSender(rest),
    findSent: createSentMessageFinder(rest),
    clock,
    logger: SILENT_LOGGER,
    retry: { attempts: 2, baseDelayMs: 1_000 },
  });
  await scheduler.start(NO_HEARTBEAT);
});

afterEach(async () => {
  await scheduler.stop();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a first digest Discord refused', () => {
  for (const [status, channel, setUp] of [
    ['403', '333333333333333403', (id: string) => fake.addChannel(id, 'closed', 'forbidden')],
    ['404', '333333333333333404', () => undefined],
    [
      '400',
      '333333333333333400',
      (id: string) => {
        fake.addChannel(id, 'closed');
        fake.setServerError({ method: 'POST', path: `/channels/${id}/messages`, status: 400 });
      },
    ],
  ] as const) {
    it(`is posted after a ${status} once the channel works and the digest is resumed`, async () => {
      setUp(channel);
      const sub = await scheduler.add(subscription(channel));
      const refused = await scheduler.runNow(sub.id);
      expect(refused.outcome).toBe('paused');
      expect(store.subscription(sub.id)?.status).toBe('paused');
      expect(store.subscription(sub.id)?.baselineAt).toBeNull();

      fake.addChannel(channel, 'fixed', 'ok');
      await scheduler.resume(sub.id);
      expect((await scheduler.preview(store.subscription(sub.id)!)).quoteCount).toBe(1);
      expect(await scheduler.runNow(sub.id)).toMatchObject({ outcome: 'posted', posted: 1 });
      expect(gomelPosts(channel)).toBe(1);
      expect(store.subscription(sub.id)?.baselineAt).not.toBeNull();
    });
  }
});

describe('a post that outlasted every retry', () => {
  it('is sent once by the next run, which says it posted it', async () => {
    const CLOSED = '333333333333333500';
    fake.addChannel(CLOSED, 'flaky');
    fake.setServerError({ method: 'POST', path: `/channels/${CLOSED}/messages`, times: 2 });
    const sub = await scheduler.add(subscription(CLOSED));
    const gaveUp = await scheduler.runNow(sub.id);
    expect(gaveUp.outcome).toBe('failed');
    expect(store.pendingPosts()).toHaveLength(1);
    expect(gomelPosts(CLOSED)).toBe(0);

    const next = await scheduler.runNow(sub.id);
    expect(next).toMatchObject({ outcome: 'posted', posted: 1 });
    expect(gomelPosts(CLOSED)).toBe(1);
    expect(await scheduler.runNow(sub.id)).toMatchObject({ outcome: 'nothing-new', posted: 0 });
    expect(gomelPosts(CLOSED)).toBe(1);
  });
});

describe('a run interrupted before it recorded its post', () => {
  it('runs its slot again at the next start, once', async () => {
    const CHANNEL = '333333333333333600';
    fake.addChannel(CHANNEL, 'slot');
    const sub = await scheduler.add(subscription(CHANNEL));
    const slot = sub.nextRunAt!;
    // The process died right after consuming the slot (startRun), before building the digest.
    store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: slot,
      startedAt: slot,
      nextRunAt: slot + 60_000,
    });
    await scheduler.stop();
    clock.t = slot + 30_000;
    scheduler = new DigestScheduler({
      store: sqliteDigestStorage(store),
      library: () => Library.build([makeNewsArticle('a', GOMEL)]),
      send: createDiscordSender(rest),
      clock,
      logger: SILENT_LOGGER,
    });
    await scheduler.start(NO_HEARTBEAT);
    expect(gomelPosts(CHANNEL)).toBe(1);
    expect(store.runsOf(sub.id).map((r) => [r.trigger, r.scheduledFor, r.outcome])).toEqual([
      ['scheduled', slot, 'posted'],
      ['scheduled', slot, 'interrupted'],
    ]);
    await scheduler.start(NO_HEARTBEAT);
    expect(gomelPosts(CHANNEL)).toBe(1);
  });
});
