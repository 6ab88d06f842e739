import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { COMMANDS } from '../../commands/index.js';
import { BUTTON_STATE_FILE } from '../../src/discord/state.js';
import { COMMAND_SYNC_FILE } from '../../src/discord/sync.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import type { Library } from '../../src/library/library.js';
import type { FakeDiscord } from '../fake-discord/index.js';
import { libraryOf, seedArticles, startTestBot, useFakeDiscord } from './harness.js';

function puts(fake: FakeDiscord): string[] {
  return fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path);
}

describe('command sync and button state across restarts', () => {
  const setup = useFakeDiscord();
  let library: Library;

  beforeAll(async () => {
    library = libraryOf(await seedArticles());
  });

  let firstAnswer: APIMessage;

  it('puts the commands to the guild on the first start and records their hash', async () => {
    const { fake, dataDir } = setup;
    const bot = await startTestBot({
      fake,
      dataDir,
      logger: SILENT_LOGGER,
      library: () => library,
      guildSync: true,
    });
    expect(bot.sync).toBe('synced');
    expect(puts(fake)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    ]);
    const record = JSON.parse(
      readFileSync(path.join(dataDir, COMMAND_SYNC_FILE), 'utf8'),
    ) as Record<string, unknown>;
    expect(record).toMatchObject({ applicationId: fake.applicationId, guildId: fake.guildId });
    expect(record['hash']).toMatch(/^[0-9a-f]{64}$/);

    firstAnswer = await fake
      .sendCommand('ask', [
        { name: 'question', type: 3, value: 'Putin Bennett Ukraine' },
        { name: 'limit', type: 4, value: 1 },
      ])
      .reply();
    await bot.stop();
    expect(existsSync(path.join(dataDir, BUTTON_STATE_FILE))).toBe(true);
  });

  it('does not put them again on a second start with the same definitions', async () => {
    const { fake, dataDir } = setup;
    const bot = await startTestBot({
      fake,
      dataDir,
      logger: SILENT_LOGGER,
      library: () => library,
      guildSync: true,
    });
    try {
      expect(bot.sync).toBe('unchanged');
      expect(puts(fake)).toHaveLength(1);

      // The More button of an answer given before the restart still works.
      const more = (firstAnswer.components ?? [])
        .flatMap((row) => (row as { components: { custom_id?: string }[] }).components)
        .map((c) => c.custom_id ?? '')
        .find((id) => id.startsWith('page:'));
      expect(more).toMatch(/:1$/);
      const page = await fake.sendButton(firstAnswer, more ?? '').reply();
      expect(page.embeds[0]?.description).toMatch(/^\*\*2\.\*\* “/);
      expect(page.embeds[0]?.title).toBe('Putin Bennett Ukraine');
    } finally {
      await bot.stop();
    }
  });

  it('puts them again when the definitions change', async () => {
    const { fake, dataDir } = setup;
    const bot = await startTestBot({
      fake,
      dataDir,
      logger: SILENT_LOGGER,
      library: () => library,
      guildSync: true,
      commands: COMMANDS.filter((c) => c.data.name !== 'about'),
    });
    try {
      expect(bot.sync).toBe('synced');
      expect(puts(fake)).toHaveLength(2);
      expect(
        (fake.commands.get(fake.guildId) as { name: string }[]).map((c) => c.name),
      ).not.toContain('about');
    } finally {
      await bot.stop();
    }
  });

  it('was never rejected by the fake Discord', () => {
    expect(setup.fake.rejections()).toEqual([]);
  });
});
