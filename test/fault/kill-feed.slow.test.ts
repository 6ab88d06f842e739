/**
 * kill -9 at each step of a feed poll: `npm run feeds -- poll` (src/cli/feeds.ts under tsx, in
 * its own process group) against a feed served from this process whose 8 items are teasers, so
 * every article page is fetched. The server holds chosen responses open, so the child is
 * certainly mid-poll when the whole group gets SIGKILL: while the feed document is fetched, and
 * after 0, 3 and 7 article files are in the corpus. A second poll then runs to completion, and
 * the corpus must hold every item exactly once, whole (the corpus loader reads every file with no
 * problem), with no temporary file left, and the feed state must say the feed is healthy with
 * every item recorded.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../src/db/db.js';
import { FeedStore } from '../../src/feeds/store.js';
import { loadCorpus } from '../../src/library/load.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ITEMS = 8;
const FEED_PATH = '/kill/rss.xml';
const pagePath = (i: number): string => `/kill/story-${i}/`;

/** Each page's text differs, so no article is taken for a duplicate of another. */
function page(i: number, base: string): string {
  const words = ['harbour', 'corridor', 'grain', 'turbine', 'ferry', 'orchard', 'quarry', 'bridge'];
  const w = words[i] ?? 'thing';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story ${i} | Kill Wire</title>
<link rel="canonical" href="${base}${pagePath(i)}">
<meta property="article:published_time" content="2026-12-0${1 + (i % 2)}T08:00:00Z"></head>
<body><main><article><h1>Story ${i} about the ${w}</h1>
<p>GOMEL, Dec 1 (Kill Wire) - Officials said on Tuesday that work on the ${w} number ${i} would resume next week after a pause of several months, according to a statement.</p>
<p>The ${w} project, item ${i} of the series, employs about ${100 + i} people and was expected to be finished before the spring, the regional administration said.</p>
<p>Residents interviewed near the ${w} said they had waited for news about story ${i} since the summer and hoped the work would not stop again.</p>
</article></main></body></html>`;
}

function feedDocument(base: string): string {
  const items = Array.from(
    { length: ITEMS },
    (_, i) => `<item><title>Story ${i}</title><link>${base}${pagePath(i)}</link>
<guid isPermaLink="false">KILL-${i}</guid><pubDate>Tue, 01 Dec 2026 0${i}:00:00 GMT</pubDate>
<description>A short teaser for story ${i}.</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kill Wire</title>
<link>${base}/kill/</link><description>Feed for kill -9</description><language>en</language>
${items.join('\n')}</channel></rss>`;
}

/** The feed server: `hold` lists the paths whose responses are held open, never answered. */
interface KillServer {
  readonly base: string;
  readonly hold: Set<string>;
  /** Paths requested (held or not), in order. */
  readonly requests: string[];
  /** How many requests are being held open right now. */
  held(): number;
  close(): Promise<void>;
}

async function startKillServer(): Promise<KillServer> {
  const hold = new Set<string>();
  const requests: string[] = [];
  const open = new Set<http.ServerResponse>();
  let base = '';
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', base).pathname;
    requests.push(p);
    if (hold.has(p)) {
      open.add(res);
      res.on('close', () => open.delete(res));
      return;
    }
    const i = Number(/^\/kill\/story-(\d+)\/$/.exec(p)?.[1] ?? NaN);
    const [type, body] =
      p === FEED_PATH
        ? ['application/rss+xml; charset=utf-8', feedDocument(base)]
        : Number.isInteger(i) && i < ITEMS
          ? ['text/html; charset=utf-8', page(i, base)]
          : [null, ''];
    if (type === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(200, { 'content-type': type, 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hold,
    requests,
    held: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: KillServer;
let tmp: string;
let serial = 0;
const running = new Set<number>();

beforeAll(async () => {
  server = await startKillServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-killfeed-'));
});

afterAll(async () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Dirs {
  readonly corpusDir: string;
  readonly dataDir: string;
}

interface Child {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => { stdout: string; stderr: string };
}

/** The CLI in a process group of its own (node --import tsx, no npm layer). */
function feeds(dirs: Dirs, args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/feeds.ts', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CORPUS_DIR: dirs.corpusDir,
      DATA_DIR: dirs.dataDir,
      FEEDS_ALLOW_PRIVATE: 'true',
    },
  });
  const pid = child.pid as number;
  running.add(pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(pid);
      resolve({ code, signal });
    }),
  );
  return { pid, exited, output: () => ({ stdout, stderr }) };
}

async function runToEnd(dirs: Dirs, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const child = feeds(dirs, args);
  const { code } = await child.exited;
  const out = child.output();
  expect(code, out.stderr).toBe(0);
  return out;
}

/** Waits, with a deadline, until `ready` holds (a look every 10 ms at observable state). */
async function until(what: string, ready: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Every file under `dir`, relative, with forward slashes, read from directory entries alone (a
 * temporary file may be renamed while the child runs, so nothing is stat'ed).
 */
function allFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...allFiles(path.join(dir, entry.name), rel));
    else found.push(rel);
  }
  return found.sort();
}

const articleFiles = (dir: string): string[] =>
  allFiles(dir).filter((f) => f.endsWith('.md') && !path.posix.basename(f).startsWith('.'));

function prepare(): Dirs {
  const root = path.join(tmp, `case-${serial++}`);
  return { corpusDir: path.join(root, 'corpus'), dataDir: path.join(root, 'data') };
}

/** Kills the child's whole process group and checks it died of it. */
async function killGroup(child: Child): Promise<void> {
  process.kill(-child.pid, 'SIGKILL');
  expect((await child.exited).signal).toBe('SIGKILL');
  // Its held connections are closed by the kernel; the next case starts with none.
  await until('the held requests to close', () => server.held() === 0);
}

/** What must hold after the second poll, whatever step the first was killed at. */
async function expectWholeCorpus(dirs: Dirs): Promise<void> {
  const files = allFiles(dirs.corpusDir);
  // No temporary file (dot-file or *.tmp) anywhere.
  expect(
    files.filter((f) => f.endsWith('.tmp') || f.split('/').some((s) => s.startsWith('.'))),
  ).toEqual([]);
  const md = articleFiles(dirs.corpusDir);
  expect(md).toHaveLength(ITEMS);
  expect(files).toEqual(md);
  // Each item once: one file per url, the url and id in its front matter.
  const urls: string[] = [];
  const ids: string[] = [];
  for (const f of md) {
    const text = fs.readFileSync(path.join(dirs.corpusDir, f), 'utf8');
    expect(text.endsWith('again.\n'), f).toBe(true);
    urls.push(JSON.parse(/^url: (.*)$/m.exec(text)?.[1] ?? 'null') as string);
    ids.push(/^id: (.*)$/m.exec(text)?.[1] ?? '');
    expect(path.posix.basename(f)).toBe(`${ids.at(-1)}.md`);
  }
  expect(urls.sort()).toEqual(
    Array.from({ length: ITEMS }, (_, i) => `${server.base}${pagePath(i)}`).sort(),
  );
  expect(new Set(ids).size).toBe(ITEMS);
  const loaded = await loadCorpus(dirs.corpusDir);
  expect(loaded.problems).toEqual([]);
  expect(loaded.articles).toHaveLength(ITEMS);
  expect(new Set(loaded.articles.map((a) => a.id))).toEqual(new Set(ids));
  // The feed is healthy and every item is recorded with its file.
  const db = openDatabase(path.join(dirs.dataDir, DATABASE_FILE));
  try {
    const store = new FeedStore(db);
    const [feed, ...others] = store.all();
    expect(others).toEqual([]);
    expect(feed).toMatchObject({ lastError: null, failures: 0, itemsSeen: ITEMS });
    const rows = db
      .prepare('SELECT item_key, file FROM feed_items WHERE feed_id = ? ORDER BY item_key')
      .all(feed?.id) as { item_key: string; file: string | null }[];
    expect(rows.map((r) => r.item_key)).toEqual(
      Array.from({ length: ITEMS }, (_, i) => `KILL-${i}`).sort(),
    );
    expect(rows.map((r) => r.file).sort()).toEqual(md);
  } finally {
    db.close();
  }
}

/** Adds the feed (run to the end, nothing held), then starts the poll that is to be killed. */
async function addThenPoll(dirs: Dirs): Promise<Child> {
  await runToEnd(dirs, ['add', `${server.base}${FEED_PATH}`]);
  return feeds(dirs, ['poll']);
}

/** The second poll, with nothing held, to the end. */
async function pollAgain(dirs: Dirs): Promise<void> {
  server.hold.clear();
  const { stdout } = await runToEnd(dirs, ['poll']);
  expect(stdout).toMatch(
    /^polled 1 feeds: \d+ new articles, 0 updated, 0 not modified, 0 failed\n$/,
  );
  await expectWholeCorpus(dirs);
}

describe('kill -9 during a feed poll', { timeout: 120_000 }, () => {
  it('while the feed document is fetched: nothing written, the next poll writes all', async () => {
    const dirs = prepare();
    server.hold.clear();
    await runToEnd(dirs, ['add', `${server.base}${FEED_PATH}`]);
    server.hold.add(FEED_PATH);
    const child = feeds(dirs, ['poll']);
    await until('the feed request to be held', () => server.held() === 1);
    await killGroup(child);
    expect(allFiles(dirs.corpusDir)).toEqual([]);
    await pollAgain(dirs);
  });

  for (const k of [0, 3, ITEMS - 1]) {
    it(`after ${k} of ${ITEMS} article files are written: none lost, none doubled, none half`, async () => {
      const dirs = prepare();
      server.hold.clear();
      for (let i = k; i < ITEMS; i++) server.hold.add(pagePath(i));
      const child = await addThenPoll(dirs);
      // Pages are fetched 4 at a time: once k files are in and the rest are held, it is stuck.
      await until(
        `${k} article files and ${Math.min(4, ITEMS - k)} held pages`,
        () => articleFiles(dirs.corpusDir).length >= k && server.held() === Math.min(4, ITEMS - k),
      );
      await killGroup(child);
      // Killed between writes: k whole files, no temporary one.
      expect(articleFiles(dirs.corpusDir)).toHaveLength(k);
      expect(allFiles(dirs.corpusDir)).toEqual(articleFiles(dirs.corpusDir));
      await pollAgain(dirs);
    });
  }
});
