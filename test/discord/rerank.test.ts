import type { APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { captureLog, startTestBot, useFakeDiscord } from './harness.js';

/** The outlets of an /ask reply's quotes, in the order shown. */
function outlets(reply: APIMessage): string[] {
  const text = reply.embeds[0]?.description ?? '';
  return [...text.matchAll(/— \*\[([^\]]+)\]/g)].map((m) => m[1]!);
}

describe('/ask with SEMANTIC_RERANK=true against a fake Discord', () => {
  const setup = useFakeDiscord();

  async function ask(env: Record<string, string>, question: string): Promise<string[]> {
    const { fake, dataDir } = setup;
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
