import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION } from '../../src/db/db.js';
import { migratePostgres, openPostgres, type PgPool } from '../../src/db/postgres.js';
import { DigestStore, type NewSubscription } from '../../src/digest/store.js';
import { DIGEST_MIGRATIONS } from '../../src/db/postgres-schema.js';
import { PostgresDigestStore } from '../../src/digest/store-postgres.js';
import { sqliteDigestStorage, type DigestStorage } from '../../src/digest/storage.js';
import { useTestDatabase } from '../pg/database.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0);
const MINUTE = 60_000;
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

const database = useTestDatabase();
const pools: PgPool[] = [];
let sqliteDir: string;

beforeAll(async () => {
  sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-storage-'));
  const pool = openPostgres(database.url());
  pools.push(pool);
  await migratePostgres(pool, 'digest', DIGEST_MIGRATIONS);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  fs.rmSync(sqliteDir, { recursive: true, force: true });
});

/** A fresh store of each kind: SQLite in a new file, PostgreSQL with emptied tables. */
const BACKENDS: readonly [string, () => Promise<DigestStorage>][] = [
  [
    'SQLite',
    () => {
      const file = path.join(sqliteDir, `${Math.random().toString(36).slice(2)}.db`);
      return Promise.resolve(sqliteDigestStorage(new DigestStore(openDatabase(file))));
    },
  ],
  [
    'PostgreSQL',
    async () => {
      await pools[0]!.query(
        'TRUNCATE guild_settings, subscriptions, runs, posts, deliveries, passages_seen',
      );
      return new PostgresDigestStore(pools[0]!);
    },
  ],
];

describe.each(BACKENDS)('digest storage on %s', (_, open) => {
  it('keeps subscriptions, their settings and a guild time zone', async () => {
    const store = await open();
    const sub = await store.addSubscription(SUB, T0, T0 + MINUTE);
    expect(sub).toMatchObject({ ...SUB, status: 'active', anchorAt: T0, nextRunAt: T0 + MINUTE });
    expect(await store.subscription(sub.id)).toEqual(sub);
    const moved = await store.updateSubscription(
      sub.id,
      { topic: 'Minsk talks', postWhenEmpty: true },
      T0 + 1,
      null,
    );
    expect(moved).toMatchObject({ topic: 'Minsk talks', postWhenEmpty: true, anchorAt: T0 });
    await store.pauseSubscription(sub.id, 'channel gone');
    expect(await store.dueSubscriptions(T0 + 2 * MINUTE)).toEqual([]);
    await store.resumeSubscription(sub.id, T0 + 5, T0 + 2 * MINUTE);
    expect((await store.dueSubscriptions(T0 + 2 * MINUTE)).map((s) => s.id)).toEqual([sub.id]);
    expect(await store.guildTimeZone(SUB.guildId)).toBeNull();
    await store.setGuildTimeZone(SUB.guildId, 'Europe/Kyiv');
    await store.setGuildTimeZone(SUB.guildId, 'Europe/Sofia');
    expect(await store.guildTimeZone(SUB.guildId)).toBe('Europe/Sofia');
    expect(await store.removeSubscription('999', sub.id)).toBe(false);
    expect(await store.removeSubscription(SUB.guildId, sub.id)).toBe(true);
    expect(await store.subscriptionsOf(SUB.guildId)).toEqual([]);
  });

  it('consumes a scheduled slot with its run, and records how the run ended', async () => {
    const store = await open();
    const sub = await store.addSubscription(SUB, T0, T0 + MINUTE);
    const runId = await store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: T0 + MINUTE,
      startedAt: T0 + MINUTE,
      nextRunAt: T0 + 2 * MINUTE,
    });
    expect(await store.subscription(sub.id)).toMatchObject({
      anchorAt: T0 + MINUTE,
      nextRunAt: T0 + 2 * MINUTE,
    });
    expect(await store.closeInterruptedRuns(T0 + MINUTE)).toBe(1);
    await store.finishRun(runId, {
      finishedAt: T0 + MINUTE + 5,
      outcome: 'posted',
      detail: null,
      posted: 1,
    });
    expect((await store.runsOf(sub.id))[0]).toMatchObject({ id: runId, outcome: 'posted' });
    expect(await store.subscription(sub.id)).toMatchObject({ lastOutcome: 'posted' });
  });

  it('reserves each passage once per subscription: a second intent for it records nothing', async () => {
    const store = await open();
    const sub = await store.addSubscription(SUB, T0, null);
    const runId = await store.startRun({
      subscriptionId: sub.id,
      trigger: 'manual',
      scheduledFor: null,
      startedAt: T0,
    });
    const intent = {
      subscriptionId: sub.id,
      runId,
      channelId: SUB.channelId,
      payload: '{"content":"x"}',
      now: T0,
    };
    const post = await store.recordIntent({ ...intent, nonce: 'n1', passageKeys: ['a', 'b'] });
    expect(post).toMatchObject({ status: 'pending', nonce: 'n1', payload: '{"content":"x"}' });
    await expect(
      store.recordIntent({ ...intent, nonce: 'n2', passageKeys: ['b', 'c'] }),
    ).rejects.toThrow();
    expect(await store.isDelivered(sub.id, 'c')).toBe(false);
    expect((await store.pendingPosts()).map((p) => p.nonce)).toEqual(['n1']);
    await store.markFailed(post.id);
    expect(await store.isDelivered(sub.id, 'a')).toBe(false);
    const again = await store.recordIntent({ ...intent, nonce: 'n3', passageKeys: ['a', 'd'] });
    expect(await store.passageCountOf(again.id)).toBe(2);
    expect((await store.subscription(sub.id))?.baselineAt).toBeNull();
    await store.markSent(again.id, '555', T0 + 1);
    // The first sent digest sets the baseline to when its run started.
    expect((await store.subscription(sub.id))?.baselineAt).toBe(T0);
    expect(await store.post(again.id)).toMatchObject({ status: 'sent', messageId: '555' });
    expect((await store.postsOf(sub.id)).map((p) => p.status)).toEqual(['failed', 'sent']);
  });

  it('leases a subscription to one owner at a time; a run that stopped before posting gives its slot back', async () => {
    const store = await open();
    const sub = await store.addSubscription(SUB, T0, T0 + MINUTE);
    const slot = T0 + MINUTE;
    const claim = (owner: string, now: number, withSlot = true): Promise<boolean> =>
      store.claimRun({
        subscriptionId: sub.id,
        owner,
        now,
        leaseMs: MINUTE,
        ...(withSlot ? { slot } : {}),
      });
    expect(await claim('a', slot)).toBe(true);
    expect(await claim('b', slot + 1, false)).toBe(false);
    expect(await claim('a', slot + 2, false)).toBe(true); // renewed by its holder
    await store.startRun({
      subscriptionId: sub.id,
      trigger: 'scheduled',
      scheduledFor: slot,
      startedAt: slot,
      nextRunAt: slot + MINUTE,
    });
    // "a" dies here. Its run is not interrupted while the lease holds, and its slot is spent.
    expect(await store.closeInterruptedRuns(slot + 1_000)).toBe(0);
    expect(await claim('b', slot + 2 * MINUTE)).toBe(false);
    expect(await store.closeInterruptedRuns(slot + 2 * MINUTE)).toBe(1);
    // The run recorded no post, so the slot is due again, once.
    expect(await store.subscription(sub.id)).toMatchObject({
      anchorAt: slot - 1,
      nextRunAt: slot,
    });
    expect(await claim('b', slot + 2 * MINUTE)).toBe(true);
    await store.releaseRun(sub.id, 'a'); // not a's any more: nothing
    expect(await claim('c', slot + 2 * MINUTE, false)).toBe(false);
    await store.releaseLeases('b');
    expect(await claim('c', slot + 2 * MINUTE, false)).toBe(true);
    await store.releaseRun(sub.id, 'c');
    expect(await claim('d', slot + 2 * MINUTE, false)).toBe(true);
  });

  it('keeps the first sighting of a passage', async () => {
    const store = await open();
    expect(await store.recordPassagesSeen(['k1', 'k2', 'k1'], T0)).toBe(2);
    expect(await store.recordPassagesSeen(['k2', 'k3'], T0 + 9)).toBe(1);
    expect(await store.firstSeen('k2')).toBe(T0);
    expect(await store.firstSeen('k3')).toBe(T0 + 9);
    expect(await store.firstSeen('none')).toBeNull();
  });
});

describe('PostgresDigestStore with several processes', () => {
  it('migrates once when processes start together, to the same version as SQLite', async () => {
    const racers = [1, 2, 3].map(() => openPostgres(database.url()));
    pools.push(...racers);
    const versions = await Promise.all(
      racers.map((pool) => migratePostgres(pool, 'digest', DIGEST_MIGRATIONS)),
    );
    expect(versions).toEqual([SCHEMA_VERSION, SCHEMA_VERSION, SCHEMA_VERSION]);
    // Each version is the same schema in both: 3 is the run lease, 4 the feed lease and claims,
    // 5 the index of open runs.
    expect(SCHEMA_VERSION).toBe(5);
    const tables = await pools[0]!.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name <> 'schema_versions' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'deliveries',
      'feed_claims',
      'feed_items',
      'feeds',
      'guild_settings',
      'passages_seen',
      'posts',
      'runs',
      'subscriptions',
    ]);
  });

  it('gives each of 50 slots due in the same minute to exactly one of three processes', async () => {
    const setup = new PostgresDigestStore(pools[0]!);
    await pools[0]!.query('TRUNCATE subscriptions CASCADE');
    const slot = T0 + MINUTE;
    const subs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        setup.addSubscription({ ...SUB, topic: `topic ${i}` }, T0, slot),
      ),
    );
    const processes = ['a', 'b', 'c'].map((owner) => {
      const pool = openPostgres(database.url(), { max: 4 });
      pools.push(pool);
      return { owner, store: new PostgresDigestStore(pool) };
    });
    const claimed = new Map<number, string[]>();
    await Promise.all(
      processes.map(async ({ owner, store }) => {
        for (const sub of await store.dueSubscriptions(slot)) {
          const got = await store.claimRun({
            subscriptionId: sub.id,
            owner,
            now: slot,
            leaseMs: MINUTE,
            slot,
          });
          if (!got) continue;
          claimed.set(sub.id, [...(claimed.get(sub.id) ?? []), owner]);
          await store.startRun({
            subscriptionId: sub.id,
            trigger: 'scheduled',
            scheduledFor: slot,
            startedAt: slot,
            nextRunAt: slot + 1_440 * MINUTE,
          });
          await store.releaseRun(sub.id, owner);
        }
      }),
    );
    expect(claimed.size).toBe(50);
    expect([...claimed.values()].every((owners) => owners.length === 1)).toBe(true);
    // Several processes took part, and a consumed slot is never claimed again.
    expect(new Set([...claimed.values()].flat()).size).toBeGreaterThan(1);
    const late = await processes[0]!.store.claimRun({
      subscriptionId: subs[0]!.id,
      owner: 'a',
      now: slot + 1,
      leaseMs: MINUTE,
      slot,
    });
    expect(late).toBe(false);
  });

  it('lets another process take over a subscription whose holder died, once its lease ran out', async () => {
    const store = new PostgresDigestStore(pools[0]!);
    await pools[0]!.query('TRUNCATE subscriptions CASCADE');
    const sub = await store.addSubscription(SUB, T0, T0 + MINUTE);
    const claim = (owner: string, now: number): Promise<boolean> =>
      store.claimRun({ subscriptionId: sub.id, owner, now, leaseMs: MINUTE, slot: T0 + MINUTE });
    expect(await claim('dead', T0 + MINUTE)).toBe(true);
    await store.startRun({
      subscriptionId: sub.id,
      trigger: 'manual',
      scheduledFor: null,
      startedAt: T0 + MINUTE,
    });
    // "dead" is killed here, holding the lease: its run is not someone else's to close yet.
    expect(await claim('alive', T0 + MINUTE + 1_000)).toBe(false);
    expect(await store.closeInterruptedRuns(T0 + MINUTE + 1_000)).toBe(0);
    expect(await claim('alive', T0 + 2 * MINUTE + 1)).toBe(true);
    expect(await store.closeInterruptedRuns(T0 + 3 * MINUTE + 2)).toBe(1);
  });
});
