/**
 * Issue 16 item 7: a burst of interactions is not paced by the REST client's own global limiter
 * (Discord does not count interaction webhooks against the global limit), its waits are not
 * reported as Discord's, and real 429s are logged once per route and window with a count.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotHandle } from '../../src/discord/bot.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import {
  captureLog,
  libraryOf,
  removeDir,
  seedArticles,
  startTestBot,
  tempDataDir,
  type CapturedLog,
} from '../discord/harness.js';

let fake: FakeDiscord;
let bot: BotHandle;
let log: CapturedLog;
let dataDir: string;

beforeAll(async () => {
  fake = await startFakeDiscord();
  log = captureLog(fake.token);
  dataDir = tempDataDir();
  const library = libraryOf(await seedArticles());
  bot = await startTestBot({ fake, library: () => library, dataDir, logger: log.logger });
});

afterAll(async () => {
  await bot.stop();
  await fake.close();
  removeDir(dataDir);
});

beforeEach(() => {
  log.lines.length = 0;
});

function burst(count: number): Promise<unknown[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      fake.sendCommand('ask', [{ name: 'question', type: 3, value: `Gomel talks ${i}` }]).reply(),
    ),
  );
}

describe('a burst of /ask', () => {
  it('is answered without the client holding edits back or calling that a rate limit', async () => {
    await burst(60);
    expect(fake.rejections()).toEqual([]);
    const warnings = log.lines.filter((l) => / WARN /.test(l));
    expect(warnings).toEqual([]);
    expect(log.lines.filter((l) => /rate limit/i.test(l))).toEqual([]);
  }, 60_000);

  it('logs real 429s from Discord once per route and window, not once each', async () => {
    fake.setRateLimit({
      method: 'PATCH',
      path: /\/messages\/@original$/,
      times: 6,
      retryAfter: 0.01,
    });
    await burst(6);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(6);
    const lines = log.lines.filter((l) => l.includes('Discord answered 429'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"method":"PATCH"');
    expect(lines[0]).toContain('"route":"/webhooks/:id/:token/messages/');
  });
});
