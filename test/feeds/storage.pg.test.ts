/**
 * The feed storage contract on both databases (SQLite through sqliteFeedStorage, PostgreSQL),
 * then several pollers on one PostgreSQL database against the local fixture server: two feed
 * services on separate pools ticking at once, and two `npm run feeds -- poll` processes started
 * together. Each feed is polled by one of them at a time and each item is written exactly once.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { openDatabase } from '../../src/db/db.js';
import { migratePostgres, openPostgres, type PgPool } from '../../src/db/postgres.js';
import { DIGEST_MIGRATIONS } from '../../src/db/postgres-schema.js';
import { FeedService, openFeedStorage } from '../../src/feeds/runtime.js';
import { sqliteFeedStorage, type FeedStorage } from '../../src/feeds/storage.js';
import { FeedStore, type NewFeed } from '../../src/feeds/store.js';
import { PostgresFeedStore } from '../../src/feeds/store-postgres.js';
import { useTestDatabase } from '../pg/database.js';
import { startFeedServer, type FeedServer } from './server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const database = useTestDatabase();
const pools: PgPool[] = [];
let tmp: string;
let server: FeedServer;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-feed-storage-'));
  server = await startFeedServer();
  const pool = openPostgres(database.url());
  pools.push(pool);
  await migratePostgres(pool, 'digest', DIGEST_MIGRATIONS);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function newFeed(url: string): NewFeed {
  return { url, name: 'Wire', lang: null, intervalMinutes: null, addedBy: null };
}

/** A fresh store of each kind: SQLite in a new file, PostgreSQL with emptied tables. */
const BACKENDS: readonly [string, () => Promise<FeedStorage>][] = [
  [
    'SQLite',
    () => {
      const file = path.join(tmp, `${Math.random().toString(36).slice(2)}.db`);
      return Promise.resolve(sqliteFeedStorage(new FeedStore(openDatabase(file))));
    },
  ],
  [
    'PostgreSQL',
    async () => {
      await pools[0]!.query('TRUNCATE feeds CASCADE');
      return new PostgresFeedStore(pools[0]!);
    },
  ],
];

describe.each(BACKENDS)('feed storage on %s', (_, open) => {
  it('adds a feed once per URL and finds it by id and URL', async () => {
    const store = await open();
    const feed = (await store.add(newFeed('https://a.example/rss'), T0, T0))!;
    expect(feed).toMatchObject({ url: 'https://a.example/rss', failures: 0, itemsSeen: 0 });
    expect(feed).toMatchObject({ leaseOwner: null, leaseUntil: null, nextPollAt: T0 });
    expect(await store.add(newFeed('https://a.example/rss'), T0, T0)).toBeNull();
    expect(await store.feed(feed.id)).toEqual(feed);
    expect(await store.feedByUrl(feed.url)).toEqual(feed);
    expect(await store.all()).toEqual([feed]);
  });

  it('leases a feed to one poller at a time, until the lease runs out or is given back', async () => {
    const store = await open();
    const feed = (await store.add(newFeed('https://a.example/rss'), T0, T0 + MINUTE))!;
    const claim = (owner: string, now: number, dueOnly = false, takeOverFrom?: string) =>
      store.claimPoll({
        feedId: feed.id,
        owner,
        now,
        leaseMs: MINUTE,
        dueOnly,
        ...(takeOverFrom !== undefined ? { takeOverFrom } : {}),
      });
    // Not due yet: a scheduled poll does not take it, one asked for now does.
    expect(await claim('a', T0, true)).toBeNull();
    expect(await claim('a', T0)).toMatchObject({ leaseOwner: 'a', leaseUntil: T0 + MINUTE });
    expect(await claim('b', T0 + 1)).toBeNull();
    expect(await store.renewPoll(feed.id, 'a', T0 + 2 * MINUTE)).toBe(true);
    expect(await store.renewPoll(feed.id, 'b', T0 + 2 * MINUTE)).toBe(false);
    expect(await claim('b', T0 + MINUTE + 1)).toBeNull();
    // A holder known to be gone is taken over before its lease runs out.
    expect(await claim('b', T0 + MINUTE + 1, false, 'a')).toMatchObject({ leaseOwner: 'b' });
    await store.releasePoll(feed.id, 'a'); // not a's any more: nothing
    expect(await claim('c', T0 + MINUTE + 2)).toBeNull();
    await store.releasePoll(feed.id, 'b');
    expect(await claim('c', T0 + MINUTE + 2, true)).toMatchObject({ leaseOwner: 'c' });
    // An expired lease is anyone's.
    expect(await claim('d', T0 + 3 * MINUTE + 3)).toMatchObject({ leaseOwner: 'd' });
  });

  it('gives an article to the first item that claims its link or text, all keys or none', async () => {
    const store = await open();
    const a = (await store.add(newFeed('https://a.example/rss'), T0, T0))!;
    const b = (await store.add(newFeed('https://b.example/rss'), T0, T0))!;
    const claim = (feedId: number, itemKey: string, keys: string[]) =>
      store.claimArticle({ feedId, itemKey, keys, now: T0 });
    expect(await claim(a.id, 'a1', ['link:https://x/1', 'text:t1'])).toBe(true);
    expect(await claim(a.id, 'a1', ['link:https://x/1', 'text:t1'])).toBe(true);
    expect(await claim(b.id, 'b1', ['link:https://x/1', 'text:other'])).toBe(false);
    expect(await claim(b.id, 'b2', ['link:https://y/2', 'text:t1'])).toBe(false);
    // b1's refused claim took nothing: its own text is still free.
    expect(await claim(a.id, 'a2', ['text:other'])).toBe(true);
    // Removing a feed frees its claims.
    await store.remove(a.id);
    expect(await claim(b.id, 'b1', ['link:https://x/1', 'text:other'])).toBe(true);
  });

  it('forgets items that left the feed before the cutoff, never those of its latest document', async () => {
    const store = await open();
    const feed = (await store.add(newFeed('https://a.example/rss'), T0, T0))!;
    const save = async (itemKey: string, at: number): Promise<void> => {
      await store.saveItem(
        {
          feedId: feed.id,
          itemKey,
          link: `https://a.example/${itemKey}`,
          entryHash: 'e',
          textHash: itemKey,
          articleId: itemKey,
          file: `feeds/a/${itemKey}.md`,
        },
        at,
      );
      await store.claimArticle({ feedId: feed.id, itemKey, keys: [`text:${itemKey}`], now: at });
    };
    await save('gone', T0);
    await save('stays', T0);
    await store.markSeen(feed.id, ['stays'], T0 + DAY);
    expect(await store.pruneItems(feed.id, T0)).toBe(0);
    expect(await store.pruneItems(feed.id, T0 + 40 * DAY)).toBe(1);
    expect(await store.item(feed.id, 'gone')).toBeNull();
    // "stays" is old too, but still in the latest document.
    expect(await store.item(feed.id, 'stays')).not.toBeNull();
    expect(await store.pruneItems(feed.id, T0 + 80 * DAY)).toBe(0);
    const claim = (itemKey: string) =>
      store.claimArticle({ feedId: feed.id, itemKey: 'other', keys: [`text:${itemKey}`], now: T0 });
    expect(await claim('gone')).toBe(true);
    expect(await claim('stays')).toBe(false);
    await store.recordPoll(feed.id, { ok: true, at: T0, status: 's', nextPollAt: T0 });
    expect((await store.feed(feed.id))?.itemsSeen).toBe(2);
  });

  it('moves a feed to a new URL unless another feed has it', async () => {
    const store = await open();
    const a = (await store.add(newFeed('https://a.example/rss'), T0, T0))!;
    await store.add(newFeed('https://b.example/rss'), T0, T0);
    expect(await store.moveFeed(a.id, 'https://b.example/rss')).toBe(false);
    expect(await store.moveFeed(a.id, 'https://a.example/new')).toBe(true);
    expect((await store.feed(a.id))?.url).toBe('https://a.example/new');
  });
});

/** The fixture feeds that need no page to be refused or to time out. */
const FEEDS = ['/wire/rss.xml', '/bta/rss.xml', '/blog/atom.xml', '/harbour/feed.json'];

function articleFiles(corpusDir: string): string[] {
  const dir = path.join(corpusDir, 'feeds');
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.md'));
}

describe('several pollers on one PostgreSQL database', { timeout: 120_000 }, () => {
  it('two feed services on separate pools, ticking at once, poll each due feed once', async () => {
    await pools[0]!.query('TRUNCATE feeds CASCADE');
    const corpusDir = path.join(tmp, 'two-services');
    const clock = { t: T0, now: () => clock.t };
    const config = { dataDir: tmp, databaseUrl: database.url() } satisfies Partial<Config>;
    const services = await Promise.all(
      [1, 2].map(async () => {
        const opened = await openFeedStorage(config);
        expect(opened.kind).toBe('postgres');
        const service = new FeedService({
          storage: opened.storage,
          corpusDir,
          logger: SILENT_LOGGER,
          defaultIntervalMinutes: 15,
          fetch: { allowPrivate: true, timeoutMs: 5_000 },
          clock,
        });
        return { service, close: opened.close };
      }),
    );
    try {
      for (const p of FEEDS) await services[0]!.service.add({ url: `${server.base}${p}` });
      const asked = server.requests.length;
      const [one, two] = await Promise.all(services.map(({ service }) => service.tick()));
      const requests = server.requests.slice(asked).map((r) => r.path);
      // Each feed document fetched once, by one of the two.
      for (const p of FEEDS) expect(requests.filter((r) => r === p)).toHaveLength(1);
      // Every due feed polled by exactly one service; the other found it taken.
      expect(one!.feeds - one!.busy + (two!.feeds - two!.busy)).toBe(FEEDS.length);
      expect(one!.failed + two!.failed).toBe(0);
      const files = articleFiles(corpusDir);
      expect(one!.newArticles + two!.newArticles).toBe(files.length);
      expect(files.length).toBeGreaterThanOrEqual(FEEDS.length);
      const rows = await pools[0]!.query<{ n: number }>(
        'SELECT COUNT(*)::int AS n FROM feed_items WHERE file IS NOT NULL',
      );
      expect(rows.rows[0]!.n).toBe(files.length);
      // Nothing is left leased, and each feed is scheduled after this slot.
      for (const feed of await services[1]!.service.store.all())
        expect(feed).toMatchObject({ leaseOwner: null, failures: 0, lastError: null });
      expect(await services[1]!.service.store.due(clock.t)).toEqual([]);
    } finally {
      for (const { service, close } of services) {
        await service.stop();
        await close();
      }
    }
  });

  it('two `npm run feeds -- poll` processes started together write each item once', async () => {
    await pools[0]!.query('TRUNCATE feeds CASCADE');
    const corpusDir = path.join(tmp, 'two-processes');
    const cli = (args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          TSX,
          ['src/cli/feeds.ts', ...args],
          {
            cwd: ROOT,
            encoding: 'utf8',
            env: {
              ...process.env,
              CORPUS_DIR: corpusDir,
              DATA_DIR: path.join(tmp, 'unused-data'),
              DATABASE_URL: database.url(),
              FEEDS_ALLOW_PRIVATE: 'true',
            },
          },
          (error, stdout, stderr) =>
            resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr }),
        );
      });
    // Added as `add` would (the CLI's own add is specified in cli.slow.test.ts).
    const setup = new PostgresFeedStore(pools[0]!);
    for (const p of FEEDS) await setup.add(newFeed(`${server.base}${p}`), T0, T0);
    const outputs = await Promise.all([cli(['poll']), cli(['poll'])]);
    let written = 0;
    for (const out of outputs) {
      expect(out.status, out.stderr).toBe(0);
      const counts =
        /^polled 4 feeds: (\d+) new articles, 0 updated, \d+ not modified, 0 failed/.exec(
          out.stdout,
        );
      expect(counts, out.stdout).not.toBeNull();
      written += Number(counts![1]);
    }
    const files = articleFiles(corpusDir);
    expect(files.length).toBeGreaterThanOrEqual(FEEDS.length);
    expect(written).toBe(files.length);
    expect(fs.existsSync(path.join(tmp, 'unused-data', 'verbatim.db'))).toBe(false);
    const leased = await pools[0]!.query('SELECT 1 FROM feeds WHERE lease_owner IS NOT NULL');
    expect(leased.rows).toEqual([]);
  });
});
