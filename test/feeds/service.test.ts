/**
 * Feeds polled into a real corpus folder and a real SQLite file, from the local fixture server:
 * what is written (and read back by the corpus loader), what is never written twice, how an
 * edited article replaces its file, how failures are recorded and backed off.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { UserFacingError } from '../../src/core/errors.js';
import { describeFeed, FeedService } from '../../src/feeds/runtime.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { openDatabase, type Db } from '../../src/db/db.js';
import { sqliteFeedStorage } from '../../src/feeds/storage.js';
import { FeedStore } from '../../src/feeds/store.js';
import { fixture, startFeedServer, type FeedServer } from './server.js';

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const MINUTE = 60_000;

let server: FeedServer;
let tmp: string;
let corpusDir: string;
let db: Db;
let service: FeedService;
const clock = { t: T0, now: () => clock.t };

beforeAll(async () => {
  server = await startFeedServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-feeds-'));
  corpusDir = path.join(tmp, 'corpus');
  fs.mkdirSync(corpusDir);
  db = openDatabase(path.join(tmp, 'verbatim.db'));
  service = new FeedService({
    storage: sqliteFeedStorage(new FeedStore(db)),
    corpusDir,
    logger: SILENT_LOGGER,
    defaultIntervalMinutes: 15,
    fetch: { allowPrivate: true, timeoutMs: 2_000 },
    clock,
  });
});

afterAll(async () => {
  await service.stop();
  db.close();
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A route body: a UTF-8 fixture changed by `edit`, read at each request. */
function edited(name: string, edit: (text: string) => string): () => Buffer {
  return () => Buffer.from(edit(fixture(name, server.base).toString('utf8')), 'utf8');
}

function feedFiles(): string[] {
  const dir = path.join(corpusDir, 'feeds');
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.md') || f.includes('.tmp'))
    .sort();
}

async function userError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserFacingError) return error.message;
    throw error;
  }
  throw new Error('expected a UserFacingError');
}

describe('adding feeds', () => {
  it('adds a feed after reading it, named from its title unless named', async () => {
    const wire = await service.add({ url: `${server.base}/wire/rss.xml`, name: 'Wire' });
    expect(wire).toMatchObject({ id: 1, name: 'Wire', nextPollAt: T0 });
    const bta = await service.add({ url: `${server.base}/bta/rss.xml` });
    expect(bta.name).toBe('БТА: Новини');
    for (const p of ['/blog/atom.xml', '/harbour/feed.json', '/science/rdf'])
      await service.add({ url: `${server.base}${p}` });
    expect((await service.store.all()).map((f) => f.name)).toEqual([
      'Wire',
      'БТА: Новини',
      "Field Notes — an analyst's blog",
      'Harbour Times',
      'Science Daily Digest',
    ]);
  });

  it('refuses what is not a feed, with the reason, and adds nothing', async () => {
    expect(await userError(service.add({ url: `${server.base}/wire/page.html` }))).toBe(
      `${server.base}/wire/page.html is a web page, not a feed; give the address of its RSS or Atom feed.`,
    );
    expect(await userError(service.add({ url: `${server.base}/nothing.xml` }))).toBe(
      `${new URL(server.base).host} answered HTTP 404 for ${server.base}/nothing.xml.`,
    );
    expect(await userError(service.add({ url: `${server.base}/wire/rss.xml` }))).toBe(
      `${server.base}/wire/rss.xml is already followed; \`list\` shows it.`,
    );
    expect(await userError(service.add({ url: `${server.base}/blog/atom.xml`, lang: 'x1' }))).toBe(
      '"x1" is not a language code such as en or bg.',
    );
    expect(await service.store.all()).toHaveLength(5);
  });
});

describe('polling', () => {
  it('writes each new article as a front-matter file the corpus loader reads', async () => {
    const progress: string[] = [];
    const summary = await service.tick((done, total) => progress.push(`${done}/${total}`));
    expect(summary).toEqual({
      feeds: 5,
      newArticles: 6,
      updatedArticles: 0,
      notModified: 0,
      failed: 0,
      busy: 0,
    });
    expect(progress).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
    expect(feedFiles()).toHaveLength(6);
    const { articles, problems } = await loadCorpus(corpusDir);
    expect(problems).toEqual([]);
    const byTitle = new Map(articles.map((a) => [a.title, a]));
    expect(
      byTitle.get('Delegations agree to meet in Zhlobin as corridor talks resume'),
    ).toMatchObject({
      source: 'Wire',
      url: `${server.base}/world/europe/zhlobin-talks-2026-12-01/`,
      date: '2026-12-01',
      lang: 'en',
    });
    const bta = byTitle.get('Министерският съвет одобри проектобюджета за 2027 г.');
    expect(bta).toMatchObject({ source: 'БТА: Новини', date: '2026-12-02', lang: 'bg' });
    expect(bta?.text.split('\n\n')).toHaveLength(3);
    expect(byTitle.get('Why the Danube grid link matters & what comes next')?.text).toContain(
      'the first auction is scheduled for March.',
    );
    expect(
      byTitle.get('Oil prices rise & markets steady after "cautious" OPEC+ remarks')?.url,
    ).toBe(`${server.base}/markets/commodities/oil-opec-2026-12-01/`);
    expect(byTitle.get('Ferry crews vote to strike over winter rosters')?.date).toBe('2026-12-01');
    expect(
      byTitle.get('Alpine glacier lost a tenth of its ice in one summer, survey finds'),
    ).toBeDefined();
  });

  it('writes nothing and fetches no page again when nothing changed', async () => {
    const before = server.requests.length;
    clock.t = T0 + 60 * MINUTE;
    const summary = await service.pollNow(null);
    expect(summary).toMatchObject({ newArticles: 0, updatedArticles: 0, failed: 0 });
    const paths = server.requests.slice(before).map((r) => r.path);
    expect(paths).toHaveLength(5);
    expect(paths.every((p) => !p.endsWith('.html') && !p.includes('/news/'))).toBe(true);
    expect(feedFiles()).toHaveLength(6);
  });

  it('asks conditionally with the ETag it was given and counts a 304 as nothing new', async () => {
    server.routes.set('/blog/atom.xml', {
      type: 'application/atom+xml',
      body: 'atom-blog.xml',
      etag: '"blog-1"',
    });
    const blog = (await service.store.feedByUrl(`${server.base}/blog/atom.xml`))!;
    await service.pollNow(blog.id);
    expect((await service.store.feed(blog.id))?.etag).toBe('"blog-1"');
    const summary = await service.pollNow(blog.id);
    expect(summary.notModified).toBe(1);
    expect(server.requests.at(-1)).toMatchObject({
      path: '/blog/atom.xml',
      ifNoneMatch: '"blog-1"',
    });
    expect((await service.store.feed(blog.id))?.lastStatus).toBe('not modified');
  });

  it('replaces an edited article in its own file, changing only the edited paragraph', async () => {
    const blogFeed = (await service.store.feedByUrl(`${server.base}/blog/atom.xml`))!;
    const item = await service.store.item(
      blogFeed.id,
      'tag:fieldnotes.example,2026:/blog/danube-grid-link',
    );
    const file = path.join(corpusDir, item!.file!);
    const before = fs.readFileSync(file, 'utf8');
    server.routes.set('/blog/atom.xml', {
      type: 'application/atom+xml',
      etag: '"blog-2"',
      body: edited('atom-blog.xml', (text) =>
        text
          .replace('scheduled for March.', 'scheduled for April, a month later than planned.')
          .replace(
            '<updated>2026-11-30T18:00:00+01:00</updated>\n    <summary',
            '<updated>2026-12-02T09:00:00+01:00</updated>\n    <summary',
          ),
      ),
    });
    const summary = await service.pollNow(
      (await service.store.feedByUrl(`${server.base}/blog/atom.xml`))!.id,
    );
    expect(summary).toMatchObject({ newArticles: 0, updatedArticles: 1 });
    expect(feedFiles()).toHaveLength(6);
    const after = fs.readFileSync(file, 'utf8');
    const changed = after.split('\n\n').filter((p) => !before.split('\n\n').includes(p));
    expect(changed).toEqual([
      'What comes next is a question of rules rather than cables: the regulators still have to agree how capacity is auctioned, and the first auction is scheduled for April, a month later than planned.\n',
    ]);
  });

  it('never writes the same article twice, from another feed or after a crash before it was recorded', async () => {
    server.routes.set('/mirror/rss.xml', {
      type: 'application/rss+xml',
      body: edited('wire-rss.xml', (text) => text.replace(/WIRE-2026-12-01/g, 'MIRROR-2026-12-01')),
    });
    const mirror = await service.add({ url: `${server.base}/mirror/rss.xml`, name: 'Mirror' });
    await service.pollNow(mirror.id);
    expect(feedFiles()).toHaveLength(6);
    // A crash after the file was renamed into place but before its item was recorded:
    db.prepare('DELETE FROM feed_items WHERE feed_id = 2').run();
    db.prepare('UPDATE feeds SET etag = NULL WHERE id = 2').run();
    const again = await service.pollNow(2);
    expect(again.newArticles).toBe(1);
    expect(feedFiles()).toHaveLength(6);
    expect(feedFiles().some((f) => f.includes('.tmp'))).toBe(false);
  });

  it('retries an article page that failed, and does not keep the feed validators meanwhile', async () => {
    const page = '/world/europe/zhlobin-talks-2026-12-01/';
    const saved = server.routes.get(page)!;
    server.routes.set('/late/rss.xml', {
      type: 'application/rss+xml',
      etag: '"late-1"',
      body: edited('wire-rss.xml', (text) =>
        text
          .replace(/WIRE-2026-12-01/g, 'LATE-2026-12-01')
          .replace(/zhlobin-talks-2026-12-01\/\?utm[^<]*/, 'late-zhlobin/'),
      ),
    });
    server.routes.set('/world/europe/late-zhlobin/', { type: 'text/html', body: '', status: 502 });
    const late = await service.add({ url: `${server.base}/late/rss.xml`, name: 'Late' });
    const first = await service.pollNow(late.id);
    expect(first.newArticles).toBe(0);
    expect(await service.store.feed(late.id)).toMatchObject({ etag: null });
    expect((await service.store.feed(late.id))?.lastStatus).toMatch(
      /^0 new, 0 updated, 1 to retry \(.*HTTP 502/,
    );
    server.routes.set('/world/europe/late-zhlobin/', saved);
    const second = await service.pollNow(late.id);
    expect(second.failed).toBe(0);
    expect((await service.store.feed(late.id))?.etag).toBe('"late-1"');
  });

  it('keeps the feed’s teaser for an article page that is gone (404), and does not ask again', async () => {
    server.routes.set('/gone/rss.xml', {
      type: 'application/rss+xml',
      body: edited('wire-rss.xml', (text) =>
        text
          .replace(/WIRE-2026-12-01/g, 'GONE-2026-12-01')
          .replace(/zhlobin-talks-2026-12-01\/\?utm[^<]*/, 'gone/')
          .replace('/markets/commodities/oil-opec-2026-12-01/', '/markets/gone/'),
      ),
    });
    const gone = await service.add({ url: `${server.base}/gone/rss.xml`, name: 'Gone' });
    expect(await service.pollNow(gone.id)).toMatchObject({ newArticles: 2, failed: 0 });
    const texts = (await loadCorpus(corpusDir)).articles
      .filter((a) => a.source === 'Gone')
      .map((a) => a.text)
      .sort();
    expect(texts).toEqual([
      'Brent crude edged higher on Tuesday.',
      'Negotiators will meet in Zhlobin on Thursday, officials said.',
    ]);
    const before = server.requests.length;
    await service.pollNow(gone.id);
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/gone/rss.xml']);
  });
});

describe('failing feeds', () => {
  it('backs off, marks a feed failing after three failures in a row, and says why in list', async () => {
    server.routes.set('/flaky.xml', { type: 'application/rss+xml', body: 'wire-rss.xml' });
    const flaky = await service.add({ url: `${server.base}/flaky.xml`, name: 'Flaky' });
    server.routes.delete('/flaky.xml');
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await service.pollNow(flaky.id);
      waits.push((await service.store.feed(flaky.id))!.nextPollAt - clock.t);
    }
    expect(waits).toEqual([15 * MINUTE, 30 * MINUTE, 60 * MINUTE]);
    const listed = describeFeed((await service.store.feed(flaky.id))!, 15);
    expect(listed).toContain(
      `FAILING (3 in a row): ${new URL(server.base).host} answered HTTP 404 for ${server.base}/flaky.xml.`,
    );
    server.routes.set('/flaky.xml', { type: 'application/rss+xml', body: 'wire-rss.xml' });
    await service.pollNow(flaky.id);
    expect(await service.store.feed(flaky.id)).toMatchObject({ failures: 0, lastError: null });
  });

  it('waits at least as long as a 429 asks, and one failing feed does not stop the others', async () => {
    server.routes.set('/limited.xml', { type: 'application/rss+xml', body: 'wire-rss.xml' });
    const limited = await service.add({ url: `${server.base}/limited.xml` });
    db.prepare('UPDATE feeds SET url = ? WHERE id = ?').run(
      `${server.base}/rate-limited.xml`,
      limited.id,
    );
    db.prepare('UPDATE feeds SET next_poll_at = ?').run(clock.t);
    const summary = await service.tick();
    expect(summary.failed).toBe(1);
    expect(summary.feeds).toBe((await service.store.all()).length);
    const feed = (await service.store.feed(limited.id))!;
    expect(feed.nextPollAt - clock.t).toBe(15 * MINUTE);
    expect(feed.lastError).toBe(
      `${new URL(server.base).host} answered too many requests (429); it asked to wait 120 s.`,
    );
  });
});
