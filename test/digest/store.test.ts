import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION, type Db } from '../../src/db/db.js';
import {
  DigestStore,
  type NewSubscription,
  type PostRecord,
  type Subscription,
} from '../../src/digest/store.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0);
const SUB: NewSubscription = {
  guildId: '100000000000000001',
  channelId: '200000000000000001',
  topic: 'Gomel talks',
  schedule: 'daily 08:00',
  timeZone: 'Europe/Sofia',
  maxQuotes: 5,
  postWhenEmpty: false,
  createdBy: '300000000000000001',
};

let dir: string;
let file: string;
let db: Db;
let store: DigestStore;

function reopen(): void {
  db.close();
  db = openDatabase(file);
  store = new DigestStore(db);
}

/** A manual run of `sub` at T0 with one recorded send intent, as a digest run makes them. */
function recordManualIntent(
  sub: Subscription,
  nonce: string,
  passageKeys: readonly string[],
  payload: string,
): { runId: number; post: PostRecord } {
  const runId = store.startRun({
    subscriptionId: sub.id,
    trigger: 'manual',
    scheduledFor: null,
    startedAt: T0,
  });
  const post = store.recordIntent({
    subscriptionId: sub.id,
    runId,
    channelId: sub.channelId,
    nonce,
    payload,
    passageKeys,
    now: T0,
  });
  return { runId, post };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-store-'));
  file = path.join(dir, 'nested', 'verbatim.db');
  db = openDatabase(file);
  store = new DigestStore(db);
});

afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the file in WAL mode at the current schema version', () => {
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('refuses a database written by a newer schema', () => {
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(
      `the database schema is version ${SCHEMA_VERSION + 1}, newer than this Verbatim (${SCHEMA_VERSION}); upgrade Verbatim`,
    );
  });
});

describe('DigestStore', () => {
  it('keeps subscriptions, settings and runs across close and reopen', () => {
    const sub = store.addSubscription(SUB, T0, T0 + 86_400_000);
    store.setGuildTimeZone(SUB.guildId, 'Europe/Sofia');
    const runId = store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: T0 + 86_400_000,
      startedAt: T0 + 86_400_500,
      nextRunAt: T0 + 2 * 86_400_000,
    });
    store.finishRun(runId, {
      finishedAt: T0 + 86_401_000,
      outcome: 'nothing-new',
      detail: null,
      posted: 0,
    });
    reopen();
    expect(store.subscription(sub.id)).toEqual({
      ...SUB,
      id: sub.id,
      status: 'active',
      pauseReason: null,
      createdAt: T0,
      anchorAt: T0 + 86_400_000,
      baselineAt: null,
      nextRunAt: T0 + 2 * 86_400_000,
      lastRunAt: T0 + 86_401_000,
      lastOutcome: 'nothing-new',
    });
    expect(store.guildTimeZone(SUB.guildId)).toBe('Europe/Sofia');
    expect(store.runsOf(sub.id)).toEqual([
      {
        id: runId,
        subscriptionId: sub.id,
        trigger: 'scheduled',
        scheduledFor: T0 + 86_400_000,
        startedAt: T0 + 86_400_500,
        finishedAt: T0 + 86_401_000,
        outcome: 'nothing-new',
        detail: null,
        posted: 0,
      },
    ]);
  });

  it('lists only due, active subscriptions and forgets paused ones until resumed', () => {
    const a = store.addSubscription(SUB, T0, T0 + 60_000);
    const b = store.addSubscription({ ...SUB, topic: 'other' }, T0, T0 + 120_000);
    expect(store.dueSubscriptions(T0 + 60_000).map((s) => s.id)).toEqual([a.id]);
    store.pauseSubscription(a.id, 'Missing Access: I cannot post in <#200000000000000001>.');
    expect(store.dueSubscriptions(T0 + 120_000).map((s) => s.id)).toEqual([b.id]);
    expect(store.subscription(a.id)).toMatchObject({
      status: 'paused',
      pauseReason: 'Missing Access: I cannot post in <#200000000000000001>.',
      nextRunAt: null,
    });
    store.resumeSubscription(a.id, T0 + 500_000, T0 + 560_000);
    expect(store.subscription(a.id)).toMatchObject({
      status: 'active',
      pauseReason: null,
      anchorAt: T0 + 500_000,
      nextRunAt: T0 + 560_000,
    });
  });

  it('removes a subscription only from its own server, with its history', () => {
    const sub = store.addSubscription(SUB, T0, T0);
    recordManualIntent(sub, 'n1', ['k1'], '{}');
    expect(store.removeSubscription('999999999999999999', sub.id)).toBe(false);
    expect(store.removeSubscription(SUB.guildId, sub.id)).toBe(true);
    expect(store.subscription(sub.id)).toBeNull();
    expect(db.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
  });

  it('never delivers the same passage twice to a subscription', () => {
    const sub = store.addSubscription(SUB, T0, T0);
    const other = store.addSubscription({ ...SUB, channelId: '200000000000000002' }, T0, T0);
    const { runId } = recordManualIntent(sub, 'n1', ['k1', 'k2'], '{"a":1}');
    expect(() =>
      store.recordIntent({
        subscriptionId: sub.id,
        runId,
        channelId: SUB.channelId,
        nonce: 'n2',
        payload: '{"a":2}',
        passageKeys: ['k3', 'k2'],
        now: T0,
      }),
    ).toThrow('UNIQUE constraint failed: deliveries.subscription_id, deliveries.passage_key');
    // The failed intent left nothing behind: not the post, not k3.
    expect(store.postsOf(sub.id).map((p) => p.nonce)).toEqual(['n1']);
    expect(store.isDelivered(sub.id, 'k3')).toBe(false);
    // Another subscription may post the same passage.
    recordManualIntent(other, 'n3', ['k2'], '{}');
    expect(store.isDelivered(other.id, 'k2')).toBe(true);
  });

  it('frees the passages of a failed post so a later digest can post them', () => {
    const sub = store.addSubscription(SUB, T0, T0);
    const { post } = recordManualIntent(sub, 'n1', ['k1'], '{}');
    store.markFailed(post.id);
    expect(store.isDelivered(sub.id, 'k1')).toBe(false);
    expect(store.post(post.id)?.status).toBe('failed');
  });

  it('keeps an intent across a crash between sending and recording, to be re-sent with the same nonce', () => {
    const sub = store.addSubscription(SUB, T0, T0);
    const runId = store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: T0,
      startedAt: T0,
      nextRunAt: T0 + 86_400_000,
    });
    const payload = JSON.stringify({ content: 'digest', nonce: 'vd1x', enforce_nonce: true });
    const post = store.recordIntent({
      subscriptionId: sub.id,
      runId,
      channelId: SUB.channelId,
      nonce: 'vd1x',
      payload,
      passageKeys: ['k1', 'k2'],
      now: T0,
    });
    // The message went out here; the process died before markSent. Simulate by closing without it.
    db.close();
    db = openDatabase(file);
    store = new DigestStore(db);
    expect(store.pendingPosts()).toEqual([
      {
        id: post.id,
        subscriptionId: sub.id,
        runId,
        channelId: SUB.channelId,
        nonce: 'vd1x',
        payload,
        status: 'pending',
        messageId: null,
        createdAt: T0,
      },
    ]);
    // Its passages stay reserved: a new digest cannot pick them and post them a second time.
    expect(store.isDelivered(sub.id, 'k1')).toBe(true);
    expect(store.closeInterruptedRuns(T0 + 5_000)).toBe(1);
    store.markSent(post.id, '400000000000000001', T0 + 5_000);
    expect(store.pendingPosts()).toEqual([]);
    expect(store.post(post.id)).toMatchObject({ status: 'sent', messageId: '400000000000000001' });
  });

  it('closes runs left open by a crash as interrupted', () => {
    const sub = store.addSubscription(SUB, T0, T0);
    const runId = store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: T0,
      startedAt: T0,
      nextRunAt: T0 + 86_400_000,
    });
    reopen();
    expect(store.closeInterruptedRuns(T0 + 1_000)).toBe(1);
    expect(store.runsOf(sub.id)[0]).toMatchObject({
      id: runId,
      outcome: 'interrupted',
      finishedAt: T0 + 1_000,
      detail: 'the bot stopped during this run',
    });
  });

  it('remembers when a passage was first seen and keeps that time', () => {
    expect(store.recordPassagesSeen(['a', 'b'], T0)).toBe(2);
    expect(store.recordPassagesSeen(['b', 'c'], T0 + 10)).toBe(1);
    reopen();
    expect([
      store.firstSeen('a'),
      store.firstSeen('b'),
      store.firstSeen('c'),
      store.firstSeen('d'),
    ]).toEqual([T0, T0, T0 + 10, null]);
  });

  it('sets the baseline only once', () => {
    const sub = store.addSubscription(SUB, T0, T0);
    store.setBaseline(sub.id, T0 + 1);
    store.setBaseline(sub.id, T0 + 2);
    expect(store.subscription(sub.id)?.baselineAt).toBe(T0 + 1);
  });

  it('prunes old runs that posted nothing, and keeps runs with posts', () => {
    const sub = store.addSubscription(SUB, T0, T0);
    const quiet = store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: T0,
      startedAt: T0,
    });
    store.finishRun(quiet, { finishedAt: T0, outcome: 'nothing-new', detail: null, posted: 0 });
    const posted = store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: T0,
      startedAt: T0,
    });
    store.recordIntent({
      subscriptionId: sub.id,
      runId: posted,
      channelId: SUB.channelId,
      nonce: 'n1',
      payload: '{}',
      passageKeys: ['k1'],
      now: T0,
    });
    store.finishRun(posted, { finishedAt: T0, outcome: 'posted', detail: null, posted: 1 });
    const recent = store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: T0,
      startedAt: T0 + 10,
    });
    store.finishRun(recent, {
      finishedAt: T0 + 10,
      outcome: 'nothing-new',
      detail: null,
      posted: 0,
    });
    expect(store.pruneQuietRuns(T0 + 5)).toBe(1);
    expect(store.runsOf(sub.id).map((r) => r.id)).toEqual([recent, posted]);
    expect(store.isDelivered(sub.id, 'k1')).toBe(true);
  });

  it('updates a subscription: a new topic starts over, a new schedule counts from now', () => {
    const sub = store.addSubscription(SUB, T0, T0 + 60_000);
    store.setBaseline(sub.id, T0 + 1);
    const limitOnly = store.updateSubscription(sub.id, { maxQuotes: 3 }, T0 + 100, T0 + 999);
    expect(limitOnly).toMatchObject({
      maxQuotes: 3,
      baselineAt: T0 + 1,
      anchorAt: T0,
      nextRunAt: T0 + 60_000,
    });
    const rescheduled = store.updateSubscription(
      sub.id,
      { schedule: 'hourly', topic: 'Minsk' },
      T0 + 200,
      T0 + 3_600_000,
    );
    expect(rescheduled).toMatchObject({
      schedule: 'hourly',
      topic: 'Minsk',
      baselineAt: null,
      anchorAt: T0 + 200,
      nextRunAt: T0 + 3_600_000,
    });
  });
});
