import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/load.js';
import { Library } from '../../src/library/library.js';
import { SegmentedIndex } from '../../src/index/segmented-index.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { loadGated } from '../library/gated-snapshot.js';
import { captureLog, ROOT, startTestBot, useFakeDiscord } from './harness.js';
import path from 'node:path';

describe('the bot while its index loads', () => {
  const setup = useFakeDiscord();

  it('answers /ask from the segments in place, the loading notice first, and /about says how far', async () => {
    const { fake, dataDir } = setup;
    const { articles } = await loadCorpus(path.join(ROOT, 'corpus'));
    const { early, release, loaded } = await loadGated(
      Library.build(articles, new SegmentedIndex({ segmentPassages: 20 })),
    );
    const bot = await startTestBot({ fake, dataDir, logger: SILENT_LOGGER, library: () => early });
    try {
      const reply = await fake
        .sendCommand('ask', [{ name: 'question', type: 3, value: 'Putin Netanyahu Gaza' }])
        .reply();
      const shown = JSON.stringify(reply);
      expect(shown).toMatch(/still loading: 1 of its 3 parts are searched so far/);
      expect(reply.embeds[0]?.description ?? '').toContain('Нетаняху');
      const about = await fake.sendCommand('about', []).reply();
      const field = about.embeds[0]?.fields?.find((f) => f.name === 'Loading');
      expect(field?.value).toMatch(/^1 of 3 parts of the index searchable so far/);
    } finally {
      release();
      await loaded;
      await bot.stop();
    }
  });

  it('serves a persisted index as soon as its newest segment is in, on a restart', async () => {
    const { fake, dataDir } = setup;
    const first = await startTestBot({ fake, dataDir, logger: SILENT_LOGGER });
    await first.stop();
    const log = captureLog(fake.token);
    const second = await startTestBot({ fake, dataDir, logger: log.logger });
    try {
      const said = log.lines.join('\n');
      expect(said).toContain('answering from the index while its segments load');
      expect(said.indexOf('answering from the index')).toBeLessThan(
        said.indexOf('connected to Discord'),
      );
      const reply = await fake
        .sendCommand('ask', [{ name: 'question', type: 3, value: 'Putin Netanyahu Gaza' }])
        .reply();
      expect(reply.embeds[0]?.description ?? '').toContain('Нетаняху');
      expect(JSON.stringify(reply)).not.toContain('still loading');
    } finally {
      await second.stop();
    }
  });
});
