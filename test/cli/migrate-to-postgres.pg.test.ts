import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/db.js';
import { openPostgres, type PgPool } from '../../src/db/postgres.js';
import { DigestStore } from '../../src/digest/store.js';
import { PostgresDigestStore } from '../../src/digest/store-postgres.js';
import { FeedStore } from '../../src/feeds/store.js';
import { PostgresFeedStore } from '../../src/feeds/store-postgres.js';
import { copyToPostgres } from '../../src/cli/postgres-migration.js';
import { PostgresSearch } from '../../src/index/postgres.js';
import { queryTermsOfWord, tokenize } from '../../src/text/analyze.js';
import { BM25_PARAMS } from '../../src/library/library.js';
import { makeNewsArticle } from '../fixtures.js';
import { useTestDatabase } from '../pg/database.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0);
const database = useTestDatabase();
let pool: PgPool;
let dir: string;

beforeAll(() => {
  pool = openPostgres(database.url());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-migrate-'));
});
afterAll(async () => {
  await pool.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('copyToPostgres (npm run migrate-to-postgres)', () => {
  it('moves digest state with its ids and the corpus, and a second run changes nothing', async () => {
    const file = path.join(dir, 'verbatim.db');
    const db = openDatabase(file);
    const sqlite = new DigestStore(db);
    const sub = sqlite.addSubscription(
      {
        guildId: '100000000000000001',
        channelId: '200000000000000001',
        topic: 'grain corridor',
        schedule: 'daily 08:00',
        timeZone: 'Europe/Sofia',
        maxQuotes: 3,
        postWhenEmpty: true,
        createdBy: null,
      },
      T0,
      T0 + 60_000,
    );
    sqlite.setGuildTimeZone(sub.guildId, 'Europe/Sofia');
    const runId = sqlite.startRun({
      subscriptionId: sub.id,
      trigger: 'manual',
      scheduledFor: null,
      startedAt: T0,
    });
    const post = sqlite.recordIntent({
      subscriptionId: sub.id,
      runId,
      channelId: sub.channelId,
      nonce: 'nonce-1',
      payload: '{"content":"grain"}',
      passageKeys: ['k1', 'k2'],
      now: T0,
    });
    sqlite.recordPassagesSeen(['k1', 'k2', 'k3'], T0);
    const feeds = new FeedStore(db);
    const feed = feeds.add(
      {
        url: 'https://wire.example/rss',
        name: 'Wire',
        lang: null,
        intervalMinutes: null,
        addedBy: null,
      },
      T0,
      T0,
    )!;
    const item = {
      feedId: feed.id,
      itemKey: 'W-1',
      link: 'https://wire.example/1',
      entryHash: 'e',
      textHash: 't',
      articleId: 'wire-1',
      file: 'feeds/wire/wire-1.md',
    };
    feeds.saveItem(item, T0);
    const keys = ['link:https://wire.example/1', 'text:t'];
    expect(feeds.claimArticle({ feedId: feed.id, itemKey: 'W-1', keys, now: T0 })).toBe(true);
    db.close();
    const articles = [
      makeNewsArticle('grain', 'The grain corridor reopened on Monday.'),
      makeNewsArticle('talks', 'Talks resumed in Istanbul.'),
    ];

    const first = await copyToPostgres({ pool, sqliteFile: file, articles });
    expect(first.rows).toEqual({
      guild_settings: 1,
      subscriptions: 1,
      runs: 1,
      posts: 1,
      deliveries: 2,
      passages_seen: 3,
      feeds: 1,
      feed_items: 1,
      feed_claims: 2,
    });
    expect(first.articles).toEqual({ added: 2, changed: 0, unchanged: 0 });

    const shared = new PostgresDigestStore(pool);
    expect(await shared.subscription(sub.id)).toEqual(sub);
    expect(await shared.pendingPosts()).toEqual([post]);
    expect(await shared.isDelivered(sub.id, 'k2')).toBe(true);
    expect(await shared.firstSeen('k3')).toBe(T0);
    expect(await shared.guildTimeZone(sub.guildId)).toBe('Europe/Sofia');
    const sharedFeeds = new PostgresFeedStore(pool);
    expect(await sharedFeeds.feed(feed.id)).toEqual(feed);
    expect(await sharedFeeds.item(feed.id, 'W-1')).toEqual(item);
    // The copied claims still make the article this item's: another feed's copy is a duplicate.
    const other = (await sharedFeeds.add({ ...feed, url: 'https://mirror.example/rss' }, T0, T0))!;
    expect(other.id).toBeGreaterThan(feed.id);
    expect(
      await sharedFeeds.claimArticle({ feedId: other.id, itemKey: 'M-1', keys, now: T0 }),
    ).toBe(false);
    // New rows are numbered after the copied ones.
    const next = await shared.addSubscription({ ...sub, topic: 'new' }, T0, null);
    expect(next.id).toBeGreaterThan(sub.id);

    const hits = await new PostgresSearch(pool).searchArticles({
      groups: tokenize('grain corridor').map((t) => [...queryTermsOfWord(t.text)]),
      combineWith: 'OR',
      bm25: BM25_PARAMS,
      limit: 5,
    });
    expect(hits.map((h) => h.article.text.slice(h.passage.start, h.passage.end))).toEqual([
      'The grain corridor reopened on Monday.',
    ]);

    const second = await copyToPostgres({ pool, sqliteFile: file, articles });
    expect(second.articles).toEqual({ added: 0, changed: 0, unchanged: 2 });
    expect(await shared.subscriptionsOf(sub.guildId)).toHaveLength(2);
    expect(await shared.postsOf(sub.id)).toEqual([post]);
  });
});
