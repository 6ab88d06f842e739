import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import type { APIMessage } from 'discord-api-types/v10';
import type { BotHandle } from '../../src/discord/bot.js';
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/present/chart.js';
import type { Library } from '../../src/library/library.js';
import { MAX_UPLOAD_BYTES, startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import {
  captureLog,
  libraryOf,
  removeDir,
  seedArticles,
  startTestBot,
  tempDataDir,
} from './harness.js';

describe('/trend against a fake Discord', () => {
  let fake: FakeDiscord;
  let bot: BotHandle;
  let dataDir: string;
  let library: Library;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    dataDir = tempDataDir();
    library = libraryOf(await seedArticles());
    bot = await startTestBot({
      fake,
      dataDir,
      logger: captureLog(fake.token).logger,
      library: () => library,
    });
    await fake.waitForClient();
  });

  afterAll(async () => {
    await bot.stop();
    await fake.close();
    removeDir(dataDir);
  });

  it('attaches the chart as a PNG within Discord’s upload limit, with the summary and the peak’s quote', async () => {
    const trend = fake.sendCommand('trend', [
      { name: 'topic', type: 3, value: 'Bennett Putin' },
      { name: 'interval', type: 3, value: 'week' },
    ]);
    const reply: APIMessage = await trend.reply();
    expect((await trend.acknowledged()).type).toBe(5);
    expect(reply.content).toBe(
      'peak: week of 28 Feb 2022, 2 articles; most: 5 outlets tied at 1 article',
    );
    const edit = fake.requests.find(
      (r) => r.method === 'PATCH' && r.path.includes(trend.token) && r.files.length > 0,
    );
    expect(edit?.status).toBe(200);
    const file = edit!.files[0]!;
    expect(file.name).toBe('trend.png');
    expect(file.data.byteLength).toBeLessThan(MAX_UPLOAD_BYTES);
    const image = PNG.sync.read(file.data);
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(reply.attachments.map((a) => [a.filename, a.size])).toEqual([
      ['trend.png', file.data.byteLength],
    ]);
    // The quote of the peak week (28 Feb – 6 Mar 2022), rendered as /ask renders quotes.
    const quote = reply.embeds[0]?.description ?? '';
    expect(quote).toMatch(/^\*\*1\.\*\* “/);
    expect(quote).toMatch(/\*\*Bennett\*\*/);
    expect(quote).toMatch(/— \*\[(Ynet News|The National)\]\(https:\/\/.+\)\*, [56] Mar 2022/);
    expect((edit?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    expect(fake.rejections()).toEqual([]);
  });

  it('says that nothing matched, without a chart, for a topic under /ask’s floor', async () => {
    const trend = fake.sendCommand('trend', [
      { name: 'topic', type: 3, value: 'quantum chromodynamics lattice' },
    ]);
    const reply = await trend.reply();
    expect(reply.content).toBe(
      'Nothing in the corpus matches that topic well enough to count, so there is no chart.',
    );
    expect(reply.attachments ?? []).toEqual([]);
    expect(reply.embeds).toEqual([]);
  });

  it('tells the user how to write a bad date, privately', async () => {
    const trend = fake.sendCommand('trend', [
      { name: 'topic', type: 3, value: 'Bennett Putin' },
      { name: 'since', type: 3, value: 'last spring' },
    ]);
    const ack = await trend.acknowledged();
    expect(JSON.stringify(ack)).toContain('“since” must be a date like 2022-03-05');
  });
});
