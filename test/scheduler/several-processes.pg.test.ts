/**
 * Three real bot processes (startBot in child processes, each serving one of three gateway
 * shards) on one PostgreSQL database (DATABASE_URL) and the fake Discord in this process, their
 * digest clocks and heartbeats driven from here (bot-process.ts). 50 digests are due in the same
 * minute: each is posted exactly once. At the next slot one process is killed with SIGKILL while
 * it posts; once its lease runs out the others reconcile, and a restart of it adds nothing:
 * still exactly one message per digest slot, none lost.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres, openPostgres, type PgPool } from '../../src/db/postgres.js';
import { parseSchedule } from '../../src/digest/schedule.js';
import { PostgresDigestStore } from '../../src/digest/store-postgres.js';
import { DIGEST_MIGRATIONS } from '../../src/db/postgres-schema.js';
import { startChildBot, type ChildBot } from '../fault/child-bot.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from '../fake-discord/index.js';
import { useTestDatabase } from '../pg/database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIGESTS = 50;
const PROCESSES = 3;
/** Monday 1 June 2026, 08:00 UTC: the first slot of every digest ("0 8 * * *"). */
const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const DAY = 86_400_000;
/** The scheduler's run lease. */
const LEASE_MS = 5 * 60_000;
const START_TIMEOUT_MS = 180_000;

const database = useTestDatabase();
let fake: FakeDiscord;
let pool: PgPool;
let dir: string;
let children: ChildBot[] = [];
const channels: string[] = [];
const subscriptions: number[] = [];

/** The next IPC message of `child` that has `key`. */
function nextMessage(child: ChildProcess, key: string): Promise<void> {
  return new Promise((resolve) => {
    const listen = (message: Record<string, unknown>): void => {
      if (message[key] === undefined) return;
      child.off('message', listen);
      resolve();
    };
    child.on('message', listen);
  });
}

/** Starts bot process `shard` of PROCESSES with its clock at `time`. */
async function startBotProcess(shard: number, time: number): Promise<ChildBot> {
  const child = startChildBot({
    fake,
    dataDir: path.join(dir, `data-${shard}`),
    corpusDir: path.join(ROOT, 'corpus'),
    cwd: dir,
    entry: path.join(import.meta.dirname, 'bot-process.ts'),
    args: [String(time)],
    env: {
      DATABASE_URL: database.url(),
      SHARD_IDS: String(shard),
      SHARD_COUNT: String(PROCESSES),
    },
  });
  children.push(child);
  const started = nextMessage(child.process, 'started');
  await Promise.race([
    started,
    child.exited.then(() => {
      throw new Error(`bot process ${shard} exited while starting:\n${child.stderr()}`);
    }),
  ]);
  return child;
}

/** Sets the clock of every live process to `time`, beats them together, waits for their runs. */
async function beatAt(bots: readonly ChildBot[], time: number): Promise<void> {
  const idle = bots.map((bot) => nextMessage(bot.process, 'idle'));
  for (const bot of bots) {
    bot.process.send({ time });
    bot.process.send({ beat: true });
  }
  await Promise.all(idle);
}

/** Messages in each digest's channel, in subscription order. */
function messagesPerDigest(): number[] {
  return channels.map((channel) => fake.channelMessages(channel).length);
}

/** How many runs a process logged as finished. */
function runsLogged(bot: ChildBot): number {
  return bot
    .stderr()
    .split('\n')
    .filter((line) => line.includes('digest run finished')).length;
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-processes-'));
  pool = openPostgres(database.url());
  await migratePostgres(pool, 'digest', DIGEST_MIGRATIONS);
  const store = new PostgresDigestStore(pool);
  const schedule = parseSchedule('0 8 * * *').text;
  for (let i = 0; i < DIGESTS; i++) {
    const channel = `55555555555555${String(1000 + i)}`;
    fake.addChannel(channel, `digest-${i}`);
    channels.push(channel);
    const sub = await store.addSubscription(
      {
        guildId: fake.guildId,
        channelId: channel,
        topic: i % 2 === 0 ? 'Gomel talks' : 'Ukraine',
        schedule,
        timeZone: 'UTC',
        maxQuotes: 3,
        // Every slot posts one message, quotes or "nothing new", so each slot is countable.
        postWhenEmpty: true,
        createdBy: null,
      },
      T0 - 3_600_000,
      T0,
    );
    subscriptions.push(sub.id);
  }
}, START_TIMEOUT_MS);

afterAll(async () => {
  for (const child of children) child.process.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await pool.end();
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('three bot processes on one PostgreSQL database', () => {
  it('post each of 50 digests due in the same minute exactly once, between them', async () => {
    children = [];
    const bots: ChildBot[] = [];
    // One after another: each loads the corpus; the clocks stand before the slot.
    for (let shard = 0; shard < PROCESSES; shard++)
      bots.push(await startBotProcess(shard, T0 - 1_800_000));
    // Each process serves its own shard: the guild is on one of them.
    expect(fake.identifies.map((d) => d['shard'])).toEqual([
      [0, PROCESSES],
      [1, PROCESSES],
      [2, PROCESSES],
    ]);
    expect(messagesPerDigest().every((n) => n === 0)).toBe(true);

    await beatAt(bots, T0 + 5_000);

    expect(messagesPerDigest()).toEqual(channels.map(() => 1));
    const runs = await pool.query<{ n: number }>(
      `SELECT COUNT(*)::integer AS n FROM runs WHERE scheduled_for = $1 GROUP BY subscription_id`,
      [T0],
    );
    expect(runs.rows.map((r) => r.n)).toEqual(channels.map(() => 1));
    // Every process looked at the 50 due slots; which one wins each claim is a race (often the
    // first to read them all), and the runs of all of them add up to one per slot.
    expect(bots.reduce((sum, bot) => sum + runsLogged(bot), 0)).toBe(DIGESTS);
  }, 400_000);

  it('lose and double nothing when one of them is killed while it posts', async () => {
    const bots = [...children];
    const t1 = T0 + DAY;
    // The process that takes this digest's slot is stuck retrying a 503 when it is killed.
    const victim = { subscription: subscriptions[7]!, channel: channels[7]! };
    const isVictimPost = (r: RecordedRequest): boolean =>
      r.method === 'POST' && r.path === `/channels/${victim.channel}/messages`;
    fake.setServerError({
      method: 'POST',
      path: `/channels/${victim.channel}/messages`,
      times: 1_000,
      status: 503,
    });
    const idle = bots.map((bot) => nextMessage(bot.process, 'idle'));
    for (const bot of bots) {
      bot.process.send({ time: t1 + 5_000 });
      bot.process.send({ beat: true });
    }
    await fake.waitForRequest((r) => isVictimPost(r) && r.status === 503);
    const holder = await pool.query<{ lease_owner: string | null }>(
      'SELECT lease_owner FROM subscriptions WHERE id = $1',
      [victim.subscription],
    );
    const pid = Number(holder.rows[0]?.lease_owner?.split(':')[1]);
    const killed = bots.find((bot) => bot.process.pid === pid);
    expect(killed).toBeDefined();
    killed!.process.kill('SIGKILL');
    expect((await killed!.exited).signal).toBe('SIGKILL');
    const survivors = bots.filter((bot) => bot !== killed);
    await Promise.all(idle.filter((_, i) => bots[i] !== killed));
    // The victim's post was recorded before it was sent; the lease of the dead still holds it.
    const pending = await pool.query<{ nonce: string }>(
      `SELECT nonce FROM posts WHERE subscription_id = $1 AND status = 'pending'`,
      [victim.subscription],
    );
    expect(pending.rows).toHaveLength(1);
    expect(fake.channelMessages(victim.channel)).toHaveLength(1);

    // Discord is well again; once the lease has run out, a survivor reconciles.
    fake.clearServerErrors();
    await beatAt(survivors, t1 + 5_000 + LEASE_MS + 60_000);
    expect(messagesPerDigest()).toEqual(channels.map(() => 2));
    const victimPosts = fake.requests.filter((r) => isVictimPost(r) && r.status === 200);
    expect(victimPosts.map((r) => (r.body as { nonce: string }).nonce)).toContain(
      pending.rows[0]!.nonce,
    );
    const unsent = await pool.query(`SELECT 1 FROM posts WHERE status <> 'sent'`);
    expect(unsent.rows).toEqual([]);

    // The killed process comes back: it reconciles and catches up, and posts nothing again.
    const shard = bots.indexOf(killed!);
    const back = await startBotProcess(shard, t1 + 5_000 + LEASE_MS + 120_000);
    await beatAt([...survivors, back], t1 + 5_000 + LEASE_MS + 120_000);
    expect(messagesPerDigest()).toEqual(channels.map(() => 2));
  }, 400_000);
});
