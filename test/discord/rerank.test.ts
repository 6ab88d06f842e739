import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { captureLog, removeDir, startTestBot, tempDataDir } from './harness.js';

/** The outlets of an /ask reply's quotes, in the order shown. */
function outlets(reply: APIMessage): string[] {
  const text = reply.embeds[0]?.description ?? '';
  return [...text.matchAll(/— \*\[([^\]]+)\]/g)].map((m) => m[1]!);
}

describe('/ask with SEMANTIC_RERANK=true against a fake Discord', () => {
  let fake: FakeDiscord;
  let dataDir: string;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    dataDir = tempDataDir();
  });

  afterAll(async () => {
    await fake.close();
    removeDir(dataDir);
  });

  async function ask(env: Record<string, string>, question: string): Promise<string[]> {
    const log = captureLog(fake.token);
    const bot = await startTestBot({ fake, dataDir, logger: log.logger, env });
    try {
      const reply = await fake
        .sendCommand('ask', [{ name: 'question', type: 3, value: question }])
        .reply();
      // An encoder that failed would leave the word order and say so in the log.
      expect(log.lines.join('\n')).not.toMatch(/semantic rerank skipped/);
      return outlets(reply);
    } finally {
      await bot.stop();
    }
  }

  it('reorders the first quotes of an English question by meaning; the first stays', async () => {
    const question = 'Where did Bennett meet Putin?';
    const byWords = await ask({}, question);
    const byMeaning = await ask({ SEMANTIC_RERANK: 'true' }, question);
    expect(byWords.length).toBeGreaterThanOrEqual(3);
    expect([...byMeaning].sort()).toEqual([...byWords].sort());
    expect(byMeaning[0]).toBe(byWords[0]);
    expect(byMeaning).not.toEqual(byWords);
  }, 60_000);
});
