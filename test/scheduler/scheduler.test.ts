import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { passageKey } from '../../src/digest/build.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { createDiscordSender, createSentMessageFinder } from '../../src/discord/digest-sender.js';
import {
  cronHeartbeat,
  DigestScheduler,
  type Clock,
  type Heartbeat,
} from '../../src/scheduler/scheduler.js';
import { Library } from '../../src/library/library.js';
import { openDatabase, type Db } from '../../src/db/db.js';
import { DigestStore, type NewSubscription } from '../../src/digest/store.js';
import { sqliteDigestStorage } from '../../src/digest/storage.js';
import type { Article } from '../../src/core/types.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { makeNewsArticle } from '../fixtures.js';

const GOMEL = 'Peace talks between Russia and Ukraine may take place in Gomel, the Kremlin said.';
const MINSK = 'Ukraine refused talks in Minsk and proposed Warsaw instead.';
const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

const article = (id: string, text: string): Article => makeNewsArticle(id, text);

/** A clock the test moves by hand; `sleep` records backoffs and waits for `gate` when set. */
class TestClock implements Clock {
  sleeps: number[] = [];
  gate: Promise<void> | null = null;
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    if (this.gate !== null) await this.gate;
  }
}

const NO_HEARTBEAT: Heartbeat = () => ({ stop: () => undefined });

let fake: FakeDiscord;
let rest: REST;
let dir: string;
let db: Db;
let store: DigestStore;
let library: Library;
let clock: TestClock;
let scheduler: DigestScheduler;
let sub: NewSubscription;

function makeScheduler(): DigestScheduler {
  return new DigestScheduler({
    store: sqliteDigestStorage(store),
    library: () => library,
    send: createDiscordSender(rest),
    findSent: createSentMessageFinder(rest),
    clock,
    logger: SILENT_LOGGER,
    retry: { attempts: 3, baseDelayMs: 1_000 },
  });
}

function posts(
  channelId = fake.channelId,
): { nonce: unknown; content: unknown; quotes: string[] }[] {
  return fake.requests
    .filter(
      (r) =>
        r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.status === 200,
    )
    .map((r) => {
      const body = r.body as {
        nonce: unknown;
        content: unknown;
        embeds: { description: string }[];
      };
      return {
        nonce: body.nonce,
        content: body.content,
        quotes: body.embeds.map((e) => e.description.split('\n')[0] ?? ''),
      };
    });
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  fake.addChannel('111111111111111111', 'secret', 'forbidden');
  rest = new REST({ api: fake.apiBase, retries: 1 }).setToken(fake.token);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-sched-'));
  db = openDatabase(path.join(dir, 'verbatim.db'));
  store = new DigestStore(db);
  library = Library.build([article('a', GOMEL)]);
  clock = new TestClock(T0);
  scheduler = makeScheduler();
  sub = {
    guildId: fake.guildId,
    channelId: fake.channelId,
    topic: 'talks',
    schedule: '* * * * *',
    timeZone: 'UTC',
    maxQuotes: 5,
    postWhenEmpty: false,
    createdBy: null,
  };
});

afterEach(async () => {
  await scheduler.stop();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DigestScheduler', () => {
  it('posts when the slot comes, with a nonce, and nothing when nothing is new', async () => {
    await scheduler.start(NO_HEARTBEAT);
    const s = await scheduler.add(sub);
    expect(s.nextRunAt).toBe(T0 + 60_000);
    clock.t = T0 + 30_000;
    await scheduler.tick();
    expect(posts()).toEqual([]);
    clock.t = T0 + 60_000;
    await scheduler.tick();
    expect(posts()).toEqual([
      {
        nonce: expect.stringMatching(/^vd[\w-]{16}$/),
        content: '**Digest: talks** · 1 new quote',
        quotes: [
          `“Peace **talks** between Russia and Ukraine may take place in Gomel, the Kremlin said.”`,
        ],
      },
    ]);
    clock.t = T0 + 120_000;
    await scheduler.tick();
    expect(posts()).toHaveLength(1);
    expect(store.runsOf(s.id).map((r) => [r.trigger, r.scheduledFor, r.outcome, r.posted])).toEqual(
      [
        ['scheduled', T0 + 120_000, 'nothing-new', 0],
        ['scheduled', T0 + 60_000, 'posted', 1],
      ],
    );
  });

  it('posts one short line when nothing is new, if the subscription asked for it', async () => {
    await scheduler.start(NO_HEARTBEAT);
    await scheduler.add({ ...sub, postWhenEmpty: true });
    clock.t = T0 + 60_000;
    await scheduler.tick();
    clock.t = T0 + 120_000;
    await scheduler.tick();
    expect(posts().map((p) => p.content)).toEqual([
      '**Digest: talks** · 1 new quote',
      '**Digest: talks** · nothing new since the last digest.',
    ]);
  });

  it('posts material that arrives later, and only that', async () => {
    await scheduler.start(NO_HEARTBEAT);
    await scheduler.add(sub);
    clock.t = T0 + 60_000;
    await scheduler.tick();
    clock.t = T0 + 90_000;
    library.upsert([article('b', MINSK)]);
    await scheduler.recordArrivals(['b']);
    clock.t = T0 + 120_000;
    await scheduler.tick();
    expect(posts().map((p) => p.quotes)).toEqual([
      [expect.stringContaining('Gomel')],
      [`“Ukraine refused **talks** in Minsk and proposed Warsaw instead.”`],
    ]);
  });

  it('runs once for slots missed while down, and posts nothing twice after a restart', async () => {
    await scheduler.start(NO_HEARTBEAT);
    const s = await scheduler.add({ ...sub, schedule: 'daily 09:00', timeZone: 'Europe/Sofia' });
    await scheduler.stop();
    // Down for three days: slots on 1, 2 and 3 June (06:00 UTC) passed.
    clock.t = Date.UTC(2026, 5, 3, 12, 0);
    scheduler = makeScheduler();
    await scheduler.start(NO_HEARTBEAT);
    expect(posts()).toHaveLength(1);
    expect(
      store
        .runsOf(s.id)
        .map((r) => [r.trigger, new Date(r.scheduledFor ?? 0).toISOString(), r.outcome]),
    ).toEqual([['catch-up', '2026-06-03T06:00:00.000Z', 'posted']]);
    // Restart again the same day: nothing is due, nothing is re-posted.
    await scheduler.stop();
    scheduler = makeScheduler();
    await scheduler.start(NO_HEARTBEAT);
    clock.t = Date.UTC(2026, 5, 4, 6, 0);
    await scheduler.tick();
    expect(posts()).toHaveLength(1);
    expect(store.subscription(s.id)?.nextRunAt).toBe(Date.UTC(2026, 5, 5, 6, 0));
  });

  it('re-sends an intent left by a crash with its nonce, and Discord does not post it twice', async () => {
    const before = fake.channelMessages(fake.channelId).length;
    const s = await scheduler.add(sub);
    const runId = store.startRun({
      subscriptionId: s.id,
      trigger: 'scheduled',
      scheduledFor: T0 + 60_000,
      startedAt: T0 + 60_000,
      nextRunAt: T0 + 120_000,
    });
    const body = { content: 'digest', embeds: [], allowed_mentions: { parse: [] } };
    const post = store.recordIntent({
      subscriptionId: s.id,
      runId,
      channelId: fake.channelId,
      nonce: 'vdcrash1',
      payload: JSON.stringify(body),
      passageKeys: [passageKey(GOMEL)],
      now: T0 + 60_000,
    });
    // The send reached Discord; then the process died before markSent.
    const sent = (await rest.post(`/channels/${fake.channelId}/messages`, {
      body: { ...body, nonce: 'vdcrash1', enforce_nonce: true },
    })) as { id: string };
    clock.t = T0 + 100_000;
    await scheduler.start(NO_HEARTBEAT);
    expect(fake.channelMessages(fake.channelId).filter((m) => m.content === 'digest')).toHaveLength(
      1,
    );
    expect(store.post(post.id)).toMatchObject({ status: 'sent', messageId: sent.id });
    expect(store.runsOf(s.id).map((r) => [r.trigger, r.outcome])).toEqual([
      ['reconcile', 'posted'],
      ['scheduled', 'interrupted'],
    ]);
    // The reserved passage is not posted again by the next run.
    clock.t = T0 + 120_000;
    await scheduler.tick();
    expect(fake.channelMessages(fake.channelId)).toHaveLength(before + 1);
  });

  it('pauses on an unknown channel (404) and on missing access (403), saying why', async () => {
    await scheduler.start(NO_HEARTBEAT);
    const gone = await scheduler.add({ ...sub, channelId: '999999999999999999' });
    const secret = await scheduler.add({ ...sub, channelId: '111111111111111111' });
    const ok = await scheduler.add(sub);
    clock.t = T0 + 60_000;
    await scheduler.tick();
    expect(store.subscription(gone.id)).toMatchObject({
      status: 'paused',
      pauseReason:
        'Unknown channel: <#999999999999999999> was deleted or I cannot see it (Discord 404).',
      lastOutcome: 'paused',
    });
    expect(store.subscription(secret.id)).toMatchObject({
      status: 'paused',
      pauseReason:
        'Missing access: I cannot post in <#111111111111111111> (Discord 403). Give me View Channel, Send Messages and Embed Links there, then /digest resume.',
    });
    // The other subscription is unaffected; the freed passages can be posted after resume.
    expect(store.subscription(ok.id)?.lastOutcome).toBe('posted');
    expect(store.isDelivered(gone.id, passageKey(GOMEL))).toBe(false);
    clock.t = T0 + 180_000;
    await scheduler.tick();
    expect(
      fake.requests.filter((r) => r.path === '/channels/999999999999999999/messages'),
    ).toHaveLength(1);
  });

  it('retries 5xx with backoff and never runs one subscription twice at once', async () => {
    await scheduler.start(NO_HEARTBEAT);
    const s = await scheduler.add(sub);
    // @discordjs/rest retries once itself (retries: 1), so two 500s fail one attempt of ours.
    fake.setServerError({
      method: 'POST',
      path: `/channels/${fake.channelId}/messages`,
      times: 2,
      status: 503,
    });
    let release = (): void => undefined;
    clock.gate = new Promise((resolve) => (release = resolve));
    const first = scheduler.runNow(s.id);
    while (clock.sleeps.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await scheduler.runNow(s.id)).toEqual({
      outcome: 'busy',
      posted: 0,
      detail: 'a run is in progress',
      messageId: null,
    });
    clock.t = T0 + 60_000;
    await scheduler.tick(); // due, but the subscription is busy: skipped, not queued
    release();
    expect(await first).toMatchObject({ outcome: 'posted', posted: 1 });
    expect(clock.sleeps).toEqual([1_000]);
    expect(posts()).toHaveLength(1);
    expect(store.runsOf(s.id).map((r) => [r.trigger, r.outcome])).toEqual([['manual', 'posted']]);
  });

  it('runs a slot due for two schedulers sharing the database once, by one of them', async () => {
    const second = new DigestScheduler({
      store: sqliteDigestStorage(store),
      library: () => library,
      send: createDiscordSender(rest),
      clock,
      logger: SILENT_LOGGER,
    });
    await scheduler.start(NO_HEARTBEAT);
    await second.start(NO_HEARTBEAT);
    const subs = await Promise.all(
      ['talks', 'Gomel', 'Russia'].map((topic) => scheduler.add({ ...sub, topic })),
    );
    clock.t = T0 + 60_000;
    await Promise.all([scheduler.tick(), second.tick()]);
    for (const s of subs) {
      expect(store.runsOf(s.id).map((r) => [r.trigger, r.outcome])).toEqual([
        ['scheduled', 'posted'],
      ]);
    }
    expect(posts()).toHaveLength(3);
    await second.stop();
  });

  it('takes over the unfinished post of a scheduler that died holding the lease, once it expires', async () => {
    await scheduler.start(NO_HEARTBEAT);
    const s = await scheduler.add(sub);
    // A scheduler of another process claimed the 08:01 slot, recorded its post and was killed.
    const slot = T0 + 60_000;
    const claim = { subscriptionId: s.id, now: slot, leaseMs: 300_000, slot };
    expect(store.claimRun({ ...claim, owner: 'dead' })).toBe(true);
    expect(store.claimRun({ ...claim, owner: 'other' })).toBe(false);
    const runId = store.startRun({
      subscriptionId: s.id,
      trigger: 'scheduled',
      scheduledFor: slot,
      startedAt: slot,
      nextRunAt: slot + 60_000,
    });
    const body = { content: 'orphaned digest', embeds: [], allowed_mentions: { parse: [] } };
    const post = store.recordIntent({
      subscriptionId: s.id,
      runId,
      channelId: fake.channelId,
      nonce: 'vdorphan1',
      payload: JSON.stringify(body),
      passageKeys: [passageKey(GOMEL)],
      now: slot,
    });
    clock.t = slot + 60_000;
    await scheduler.tick(); // the lease still holds: the next slot waits, the post is not touched
    expect(posts()).toEqual([]);
    expect(store.post(post.id)?.status).toBe('pending');
    clock.t = slot + 360_000;
    await scheduler.tick();
    expect(posts().map((p) => [p.nonce, p.content])).toEqual([['vdorphan1', 'orphaned digest']]);
    expect(store.post(post.id)?.status).toBe('sent');
    // The post is reconciled before the slots missed meanwhile run, once, with nothing new.
    expect(store.runsOf(s.id).map((r) => [r.trigger, r.outcome])).toEqual([
      ['catch-up', 'nothing-new'],
      ['reconcile', 'posted'],
      ['scheduled', 'interrupted'],
    ]);
  });

  it("does not re-send an intent older than Discord's nonce memory that is already in the channel", async () => {
    const s = await scheduler.add(sub);
    const runId = store.startRun({
      subscriptionId: s.id,
      trigger: 'scheduled',
      scheduledFor: T0,
      startedAt: T0,
    });
    const body = {
      content: 'old digest',
      embeds: [{ title: 'T', description: 'D' }],
      allowed_mentions: { parse: [] },
    };
    const post = store.recordIntent({
      subscriptionId: s.id,
      runId,
      channelId: fake.channelId,
      nonce: 'vdold1',
      payload: JSON.stringify(body),
      passageKeys: [],
      now: T0,
    });
    const sent = (await rest.post(`/channels/${fake.channelId}/messages`, {
      body: { ...body, nonce: 'vdold1', enforce_nonce: true },
    })) as { id: string };
    clock.t = T0 + 3_600_000; // down for an hour: Discord has forgotten the nonce
    await scheduler.start(NO_HEARTBEAT);
    // One POST with that nonce: the test's own; the catch-up digest after it is a new post.
    expect(
      fake.requests.filter(
        (r) => r.method === 'POST' && (r.body as { nonce?: string }).nonce === 'vdold1',
      ),
    ).toHaveLength(1);
    expect(store.post(post.id)).toMatchObject({ status: 'sent', messageId: sent.id });
  });

  it('re-sends an old intent that never reached the channel', async () => {
    const s = await scheduler.add(sub);
    const runId = store.startRun({
      subscriptionId: s.id,
      trigger: 'scheduled',
      scheduledFor: T0,
      startedAt: T0,
    });
    const body = { content: 'lost digest', embeds: [], allowed_mentions: { parse: [] } };
    const post = store.recordIntent({
      subscriptionId: s.id,
      runId,
      channelId: fake.channelId,
      nonce: 'vdlost1',
      payload: JSON.stringify(body),
      passageKeys: [],
      now: T0,
    });
    clock.t = T0 + 3_600_000;
    await scheduler.start(NO_HEARTBEAT);
    // The intent goes out first; the catch-up digest follows as a new post.
    expect(posts().map((p) => [p.nonce, p.content])).toEqual([
      ['vdlost1', 'lost digest'],
      [expect.stringMatching(/^vd/), '**Digest: talks** · 1 new quote'],
    ]);
    expect(store.post(post.id)?.status).toBe('sent');
  });

  it('waits out a 429 and posts once', async () => {
    await scheduler.start(NO_HEARTBEAT);
    const s = await scheduler.add(sub);
    fake.setRateLimit({
      method: 'POST',
      path: `/channels/${fake.channelId}/messages`,
      times: 1,
      retryAfter: 0.05,
    });
    expect(await scheduler.runNow(s.id)).toMatchObject({ outcome: 'posted', posted: 1 });
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([
      429, 200,
    ]);
  });
});

describe('cronHeartbeat', () => {
  it('beats through node-cron on its expression, again and again, and never after stop', async () => {
    const beats: number[] = [];
    let twice = (): void => undefined;
    const reachedTwo = new Promise<void>((resolve) => (twice = resolve));
    const { stop } = cronHeartbeat('* * * * * *')(() => {
      beats.push(beats.length);
      if (beats.length === 2) twice();
    });
    await reachedTwo;
    stop();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // A seconds expression would have beaten again within 1.5 s had stop not destroyed the task.
    expect(beats).toEqual([0, 1]);
  });
});
