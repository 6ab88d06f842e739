import { describe, expect, it } from 'vitest';
import { hashCommands } from '../../src/discord/sync.js';

describe('hashCommands', () => {
  const definitions = [{ name: 'ask', description: 'Ask', options: [] }];

  it('ignores key order but not the target', () => {
    const target = { applicationId: '1', guildId: null };
    expect(hashCommands([{ description: 'Ask', options: [], name: 'ask' }], target)).toBe(
      hashCommands(definitions, target),
    );
    expect(hashCommands(definitions, { applicationId: '1', guildId: '2' })).not.toBe(
      hashCommands(definitions, target),
    );
    expect(
      hashCommands([{ ...definitions[0], description: 'Ask!' }] as typeof definitions, target),
    ).not.toBe(hashCommands(definitions, target));
  });
});
