/**
 * The feed state kept right over time, through the real FeedService on a real SQLite file and the
 * local fixture server: item records forgotten once their items have left the feed for the
 * retention (and never while the feed still carries them), one article carried by two feeds
 * polled at the same instant written once, and a feed that moved for good (301, 308) followed
 * at its new address while a temporary redirect (302, 307) changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { openDatabase, type Db } from '../../src/db/db.js';
import { describeFeed, FeedService } from '../../src/feeds/runtime.js';
import { sqliteFeedStorage } from '../../src/feeds/storage.js';
import { FeedStore } from '../../src/feeds/store.js';
import { startFeedServer, type FeedServer } from './server.js';

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const DAY = 24 * 60 * 60_000;

let server: FeedServer;
let tmp: string;
let serial = 0;
let corpusDir: string;
let db: Db;
let service: FeedService;
const clock = { t: T0, now: () => clock.t };

beforeAll(async () => {
  server = await startFeedServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-feed-upkeep-'));
});

afterAll(async () => {
  await service.stop();
  db.close();
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  if (serial > 0) {
    await service.stop();
    db.close();
  }
  const root = path.join(tmp, `case-${serial++}`);
  corpusDir = path.join(root, 'corpus');
  db = openDatabase(path.join(root, 'verbatim.db'));
  clock.t = T0;
  service = new FeedService({
    storage: sqliteFeedStorage(new FeedStore(db)),
    corpusDir,
    logger: SILENT_LOGGER,
    defaultIntervalMinutes: 15,
    fetch: { allowPrivate: true, timeoutMs: 2_000 },
    clock,
  });
});

/** A full-text item: its own two paragraphs are the article, so no page is fetched. */
interface Item {
  readonly guid: string;
  readonly slug: string;
}

/** An RSS document carrying `items`, whose links are on the server under /story/. */
function rss(title: string, items: readonly Item[]): Buffer {
  const entries = items.map(
    (
      item,
    ) => `<item><title>Story ${item.slug}</title><link>${server.base}/story/${item.slug}/</link>
<guid isPermaLink="false">${item.guid}</guid><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>Officials said on Tuesday that the ${item.slug} works would resume next week after a pause of several months.</p>
<p>The ${item.slug} project employs about two hundred people, the regional administration said in a statement.</p>]]></content:encoded></item>`,
  );
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>${title}</title><link>${server.base}/</link><description>test</description><language>en</language>
${entries.join('\n')}</channel></rss>`,
    'utf8',
  );
}

/** Serves `items` at `route`, with an ETag that changes when they do (so a 304 means unchanged). */
function serve(route: string, title: string, items: () => readonly Item[]): void {
  server.routes.set(route, {
    type: 'application/rss+xml; charset=utf-8',
    body: () => rss(title, items()),
  });
}

function articleFiles(): string[] {
  const dir = path.join(corpusDir, 'feeds');
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.md'));
}

function itemKeys(feedId: number): string[] {
  return (
    db
      .prepare('SELECT item_key FROM feed_items WHERE feed_id = ? ORDER BY item_key')
      .all(feedId) as { item_key: string }[]
  ).map((r) => r.item_key);
}

describe('item records', () => {
  it('are forgotten 30 days after their item left the feed; the article count stays', async () => {
    let items: Item[] = [
      { guid: 'A', slug: 'harbour' },
      { guid: 'B', slug: 'bridge' },
    ];
    serve('/prune/rss.xml', 'Prune Wire', () => items);
    const feed = await service.add({ url: `${server.base}/prune/rss.xml` });
    expect((await service.pollNow(feed.id)).newArticles).toBe(2);
    items = [{ guid: 'B', slug: 'bridge' }];
    clock.t = T0 + DAY;
    await service.pollNow(feed.id);
    expect(itemKeys(feed.id)).toEqual(['A', 'B']);
    clock.t = T0 + 29 * DAY;
    await service.pollNow(feed.id);
    expect(itemKeys(feed.id)).toEqual(['A', 'B']);
    clock.t = T0 + 32 * DAY;
    await service.pollNow(feed.id);
    expect(itemKeys(feed.id)).toEqual(['B']);
    const after = (await service.store.feed(feed.id))!;
    expect(after.itemsSeen).toBe(2);
    expect(describeFeed(after, 15)).toContain('· 2 articles ·');
    expect(articleFiles()).toHaveLength(2);
  });

  it('are kept while the feed still carries their item, however old, so it is not written again', async () => {
    let items: Item[] = [{ guid: 'OLD', slug: 'quarry' }];
    let etag = '"v1"';
    server.routes.set('/keep/rss.xml', {
      type: 'application/rss+xml; charset=utf-8',
      body: () => rss('Keep Wire', items),
      get etag() {
        return etag;
      },
    });
    const feed = await service.add({ url: `${server.base}/keep/rss.xml` });
    expect((await service.pollNow(feed.id)).newArticles).toBe(1);
    const file = path.join(corpusDir, 'feeds', articleFiles()[0]!);
    const written = fs.statSync(file).mtimeMs;
    // Unchanged for months: every poll is a 304, so the item is never seen afresh.
    for (const day of [20, 40, 60, 90]) {
      clock.t = T0 + day * DAY;
      expect((await service.pollNow(feed.id)).notModified).toBe(1);
    }
    expect(itemKeys(feed.id)).toEqual(['OLD']);
    items = [
      { guid: 'OLD', slug: 'quarry' },
      { guid: 'NEW', slug: 'orchard' },
    ];
    etag = '"v2"';
    clock.t = T0 + 91 * DAY;
    const summary = await service.pollNow(feed.id);
    expect(summary).toMatchObject({ newArticles: 1, updatedArticles: 0 });
    expect(itemKeys(feed.id)).toEqual(['NEW', 'OLD']);
    expect(fs.statSync(file).mtimeMs).toBe(written);
    expect(articleFiles()).toHaveLength(2);
  });
});

describe('one article in two feeds', () => {
  it('is written once when both feeds are polled at the same instant', async () => {
    const story = [
      { guid: 'one-1', slug: 'ferry' },
      { guid: 'one-2', slug: 'turbine' },
    ];
    serve('/one/rss.xml', 'Outlet One', () => story);
    // The same articles under other GUIDs: only their links and texts say they are the same.
    serve('/two/rss.xml', 'Outlet Two', () =>
      story.map((s) => ({ ...s, guid: s.guid.replace('one', 'two') })),
    );
    await service.add({ url: `${server.base}/one/rss.xml` });
    await service.add({ url: `${server.base}/two/rss.xml` });
    const summary = await service.pollNow(null);
    expect(summary.newArticles).toBe(2);
    expect(articleFiles()).toHaveLength(2);
  });
});

describe('a feed that redirects', () => {
  /** Adds a feed at a path answering `status` towards its own target, polls it, and returns its URL then. */
  async function followedAfterPoll(status: number): Promise<string> {
    const from = `/redirect-${status}/rss.xml`;
    const target = `/target-${status}/rss.xml`;
    serve(target, `Target ${status}`, () => [{ guid: `T${status}`, slug: `grain-${status}` }]);
    server.routes.set(from, {
      type: 'text/plain',
      body: Buffer.alloc(0),
      status,
      location: target,
    });
    const feed = await service.add({ url: `${server.base}${from}` });
    expect(feed.url).toBe(`${server.base}${from}`);
    expect((await service.pollNow(feed.id)).newArticles).toBe(1);
    const url = (await service.store.feed(feed.id))!.url;
    // The next poll asks the stored address first.
    const asked = server.requests.length;
    await service.pollNow(feed.id);
    expect(server.requests[asked]?.path).toBe(new URL(url).pathname);
    return url;
  }

  it('is followed at its new address after a 301 or a 308', async () => {
    expect(await followedAfterPoll(301)).toBe(`${server.base}/target-301/rss.xml`);
    expect(await followedAfterPoll(308)).toBe(`${server.base}/target-308/rss.xml`);
  });

  it('keeps its address after a 302 or a 307', async () => {
    expect(await followedAfterPoll(302)).toBe(`${server.base}/redirect-302/rss.xml`);
    expect(await followedAfterPoll(307)).toBe(`${server.base}/redirect-307/rss.xml`);
  });

  it('keeps its address when the one it moved to is already followed', async () => {
    serve('/taken/rss.xml', 'Taken', () => [{ guid: 'K', slug: 'corridor' }]);
    const other = await service.add({ url: `${server.base}/taken/rss.xml` });
    server.routes.set('/to-taken/rss.xml', {
      type: 'text/plain',
      body: Buffer.alloc(0),
      status: 301,
      location: '/taken/rss.xml',
    });
    const feed = await service.add({ url: `${server.base}/to-taken/rss.xml` });
    await service.pollNow(null);
    expect((await service.store.feed(feed.id))!.url).toBe(`${server.base}/to-taken/rss.xml`);
    expect((await service.store.feed(other.id))!.url).toBe(`${server.base}/taken/rss.xml`);
    expect((await service.store.feed(feed.id))!.lastError).toBeNull();
  });
});
