/**
 * Feeds end to end: the real bot (startBot, discord.js Client) against the fake Discord, a feed
 * served by the local fixture server, DATA_DIR and CORPUS_DIR in temporary folders, the feed
 * poller and the digest scheduler ticked by hand. A new item on the feed becomes quotable by
 * /ask and is posted by the next digest exactly once, across a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_OWNERS, OWNERS_ONLY } from '../../commands/feed.js';
import { COMMANDS } from '../../commands/index.js';
import { readConfig } from '../../src/config.js';
import { startBot, type BotHandle } from '../../src/discord/bot.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import type { Clock, Heartbeat } from '../../src/scheduler/scheduler.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { makeMember, makeUser } from '../fake-discord/payloads.js';
import { fixture, startFeedServer, type FeedServer } from './server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);

class TestClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(): Promise<void> {}
}

const NO_HEARTBEAT: Heartbeat = () => ({ stop: () => undefined });

let fake: FakeDiscord;
let server: FeedServer;
let dataDir: string;
let corpusDir: string;
let clock: TestClock;
let bot: BotHandle;

async function start(owners: string): Promise<BotHandle> {
  const config = readConfig(
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.apiBase,
      DATA_DIR: dataDir,
      CORPUS_DIR: corpusDir,
      WATCH_CORPUS: 'true',
      FEEDS_ALLOW_PRIVATE: 'true',
      OWNER_IDS: owners,
    },
    ROOT,
  );
  return startBot({
    config,
    logger: SILENT_LOGGER,
    commands: COMMANDS,
    digests: { clock, heartbeat: NO_HEARTBEAT },
    feeds: { clock, autoPoll: false },
  });
}

function sub(
  name: string,
  options: Record<string, unknown>[] = [],
): Parameters<FakeDiscord['sendCommand']>[1] {
  return [{ name, type: 1, options } as never];
}

/** The text of every digest message posted to the channel, in order. */
function digestPosts(): string[] {
  return fake.requests
    .filter((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`)
    .map((r) => {
      const body = r.body as { content: string; embeds: { description: string }[] };
      return [body.content, ...body.embeds.map((e) => e.description)].join('\n');
    });
}

/** Waits until the corpus watcher has indexed what the poll wrote (the digest preview sees it). */
async function untilIndexed(topic: string): Promise<void> {
  const scheduler = bot.digests!.scheduler;
  const target = (await scheduler.store.subscription(1))!;
  const deadline = Date.now() + 15_000;
  while ((await scheduler.preview({ ...target, topic })).quoteCount === 0) {
    if (Date.now() > deadline) throw new Error(`"${topic}" was never indexed`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  server = await startFeedServer();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-feedbot-data-'));
  corpusDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-feedbot-corpus-'));
  fs.cpSync(path.join(ROOT, 'corpus', 'seed'), path.join(corpusDir, 'seed'), { recursive: true });
  clock = new TestClock(T0);
  bot = await start(fake.user.id);
});

afterAll(async () => {
  await bot.stop();
  await fake.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(corpusDir, { recursive: true, force: true });
});

describe('/feed against the fake Discord', () => {
  it('lets an owner add a feed, checking that it is one', async () => {
    const reply = await fake
      .sendCommand(
        'feed',
        sub('add', [
          { name: 'url', type: 3, value: `${server.base}/wire/rss.xml` },
          { name: 'name', type: 3, value: 'Wire' },
        ]),
      )
      .reply();
    expect(reply.flags).toBe(64);
    expect(reply.content).toBe(
      `Feed **#1** Wire added (<${server.base}/wire/rss.xml>). Its articles reach the corpus within a minute.`,
    );
    const refused = await fake
      .sendCommand(
        'feed',
        sub('add', [{ name: 'url', type: 3, value: `${server.base}/to-metadata.xml` }]),
      )
      .reply();
    expect(refused.content).toBe(
      '169.254.169.254 is on a cloud metadata service, which feeds may not fetch.',
    );
  });

  it('refuses add, remove and poll to someone who is not an owner, and lists feeds for everyone', async () => {
    const stranger = { member: makeMember(makeUser('123456789012345678', 'stranger')) };
    for (const command of [
      sub('add', [{ name: 'url', type: 3, value: `${server.base}/blog/atom.xml` }]),
      sub('remove', [{ name: 'id', type: 4, value: 1 }]),
      sub('poll'),
    ]) {
      const reply = await fake.sendCommand('feed', command, stranger).reply();
      expect(reply.content).toBe(OWNERS_ONLY);
    }
    const listed = await fake.sendCommand('feed', sub('list'), stranger).reply();
    expect(listed.content).toBe(
      `**#1** · Wire · <${server.base}/wire/rss.xml> · every 15 min\nnot polled yet · 0 articles · last fetch never`,
    );
  });

  it('makes a new feed item quotable by /ask once polled', async () => {
    const digest = await fake
      .sendCommand(
        'digest',
        sub('add', [
          { name: 'topic', type: 3, value: 'Zhlobin' },
          { name: 'schedule', type: 3, value: '* * * * *' },
        ]),
      )
      .reply();
    expect(digest.content).toContain('Nothing in the corpus matches it yet');
    const summary = await bot.feeds!.service.tick();
    expect(summary).toMatchObject({ feeds: 1, newArticles: 2, failed: 0 });
    await untilIndexed('Zhlobin');
    const ask = await fake
      .sendCommand('ask', [
        { name: 'question', type: 3, value: 'Where will the delegations meet about the corridor?' },
      ])
      .reply();
    const text = ask.embeds[0]?.description ?? '';
    expect(text).toContain(
      '“KYIV, Dec 1 (Wire) - Ukrainian and Russian **delegations** agreed on Tuesday to **meet** in the Belarusian town of Zhlobin',
    );
    expect(text).toContain(`[Wire](${server.base}/world/europe/zhlobin-talks-2026-12-01/)`);
    expect(text).toContain('1 Dec 2026');
  });

  it('posts the item in the next digest exactly once, across a restart', async () => {
    clock.t = T0 + 60_000;
    await bot.digests!.scheduler.tick();
    expect(digestPosts()).toHaveLength(1);
    expect(digestPosts()[0]).toContain('**Zhlobin**');

    await bot.stop();
    clock.t = T0 + 20 * 60_000;
    bot = await start(fake.user.id);
    // The same feed, polled again after the restart, brings nothing new.
    const again = await bot.feeds!.service.tick();
    expect(again).toMatchObject({ feeds: 1, newArticles: 0, failed: 0 });
    clock.t = T0 + 21 * 60_000;
    await bot.digests!.scheduler.tick();
    expect(digestPosts()).toHaveLength(1);

    // A later item on the feed arrives once, and only it is posted.
    server.routes.set('/wire/rss.xml', {
      type: 'application/rss+xml',
      body: () =>
        Buffer.from(
          fixture('wire-rss.xml', server.base)
            .toString('utf8')
            .replace(
              '<item>',
              `<item><title>Zhlobin corridor opens for civilians</title><link>${server.base}/wire/zhlobin-opens</link>` +
                '<guid isPermaLink="false">WIRE-2026-12-02-ZHLOBIN</guid><pubDate>Wed, 02 Dec 2026 08:30:00 GMT</pubDate>' +
                '<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>The humanitarian corridor from Zhlobin opened on Wednesday morning, and the first buses of civilians left under Red Cross escort.</p><p>Officials said the corridor would stay open for three days.</p>]]></content:encoded></item><item>',
            ),
        ),
    });
    clock.t = T0 + 40 * 60_000;
    expect((await bot.feeds!.service.tick()).newArticles).toBe(1);
    await untilIndexed('Red Cross escort');
    clock.t = T0 + 41 * 60_000;
    await bot.digests!.scheduler.tick();
    const posts = digestPosts();
    expect(posts).toHaveLength(2);
    expect(posts[1]).toContain('Red Cross escort');
    expect(posts[1]).not.toContain('Kremlin said its delegation');
    clock.t = T0 + 42 * 60_000;
    await bot.digests!.scheduler.tick();
    expect(digestPosts()).toHaveLength(2);
  });

  it('lets an owner poll now, see a failing feed in the list, and remove it', async () => {
    server.routes.set('/broken-later.xml', { type: 'application/rss+xml', body: 'wire-rss.xml' });
    const added = await fake
      .sendCommand(
        'feed',
        sub('add', [{ name: 'url', type: 3, value: `${server.base}/broken-later.xml` }]),
      )
      .reply();
    expect(added.content).toContain('Feed **#2** Wire Service: World News added');
    server.routes.set('/broken-later.xml', { type: 'application/rss+xml', body: 'malformed.xml' });
    const polled = await fake
      .sendCommand('feed', sub('poll', [{ name: 'id', type: 4, value: 2 }]))
      .reply();
    expect(polled.content).toBe(
      'Polled 1 feed: 0 new articles, 0 updated, 0 unchanged, 1 failed (`/feed list` says why).',
    );
    const listed = await fake.sendCommand('feed', sub('list')).reply();
    expect(listed.content).toContain(
      `last poll failed: ${server.base}/broken-later.xml is not a readable RSS, Atom or JSON feed`,
    );
    const removed = await fake
      .sendCommand('feed', sub('remove', [{ name: 'id', type: 4, value: 2 }]))
      .reply();
    expect(removed.content).toBe(
      'Feed #2 Wire Service: World News is removed; its articles stay quotable.',
    );
  });

  it('tells everyone that no one can manage feeds when no owner is configured', async () => {
    await bot.stop();
    bot = await start('');
    const reply = await fake.sendCommand('feed', sub('poll')).reply();
    expect(reply.content).toBe(NO_OWNERS);
  });
});
