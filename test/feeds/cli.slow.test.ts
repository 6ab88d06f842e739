/**
 * `npm run feeds` as an operator runs it (tsx in a child process), against the local fixture
 * server: add, list, poll with progress, remove, and the messages for bad input.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

let server: FeedServer;
let tmp: string;

beforeAll(async () => {
  server = await startFeedServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-feedcli-'));
});

afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process (the fixture server lives here). */
function feeds(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/feeds.ts', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          CORPUS_DIR: path.join(tmp, 'corpus'),
          DATA_DIR: path.join(tmp, 'data'),
          FEEDS_ALLOW_PRIVATE: 'true',
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

describe('npm run feeds', { timeout: 120_000 }, () => {
  it('adds, polls with progress, lists and removes feeds', async () => {
    const added = await feeds([
      'add',
      `${server.base}/bta/rss.xml`,
      '--name',
      'BTA',
      '--every',
      '30',
    ]);
    expect(added).toMatchObject({ status: 0, stderr: '' });
    expect(added.stdout).toBe(
      `added feed #1 BTA (${server.base}/bta/rss.xml); it is polled by the bot and by \`npm run feeds -- poll\`\n`,
    );
    const polled = await feeds(['poll']);
    expect(polled.status).toBe(0);
    expect(polled.stderr).toBe('[1/1] BTA: 1 new, 0 updated\n');
    expect(polled.stdout).toBe(
      'polled 1 feeds: 1 new articles, 0 updated, 0 not modified, 0 failed\n',
    );
    const written = fs.readdirSync(path.join(tmp, 'corpus', 'feeds', 'bta'));
    expect(written).toHaveLength(1);
    const listed = await feeds(['list']);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^#1 BTA · ${server.base}/bta/rss.xml · every 30 min\n   1 new, 0 updated · last fetch \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC · 1 articles · next `,
      ),
    );
    const removed = await feeds(['remove', '1']);
    expect(removed.stdout).toBe('removed feed #1 BTA; its articles stay in the corpus\n');
    expect((await feeds(['list'])).stdout).toBe(
      'no feeds yet; add one with `npm run feeds -- add URL`\n',
    );
  });

  it('says what is wrong with bad input, exiting 2 for usage and 1 for a refused feed', async () => {
    const noUrl = await feeds(['add']);
    expect(noUrl.status).toBe(2);
    expect(noUrl.stderr.split('\n')[0]).toBe('add needs the URL of a feed');
    const refused = await feeds(['add', `${server.base}/wire/rss.xml`], {
      FEEDS_ALLOW_PRIVATE: 'false',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      '127.0.0.1 is on this machine (loopback), which feeds may not fetch (FEEDS_ALLOW_PRIVATE=true allows it).\n',
    );
    const badEvery = await feeds(['add', `${server.base}/wire/rss.xml`, '--every', '0']);
    expect(badEvery.status).toBe(2);
    expect(badEvery.stderr.split('\n')[0]).toBe(
      '--every must be a whole number of minutes from 1 to 1440',
    );
  });
});
