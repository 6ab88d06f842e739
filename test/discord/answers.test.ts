import { describe, expect, it } from 'vitest';
import { parseDateOption, renderAnswerPage } from '../../src/discord/answers.js';
import type { CommandContext } from '../../src/discord/command.js';
import { openButtonStateStore } from '../../src/discord/state.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import type { Answer } from '../../src/core/types.js';
import { makeQuoteResult as result } from '../fixtures.js';

describe('renderAnswerPage', () => {
  const context = {
    buttons: openButtonStateStore(null, SILENT_LOGGER),
  } as unknown as CommandContext;
  const request = { kind: 'ask', question: 'Putin' } as const;

  it('on a short last page, ◀ Previous goes back a whole default-size page', async () => {
    const results = [6, 7, 8].map((rank) => result({ quote: `q${rank}`, rank, docId: `d${rank}` }));
    const answer: Answer = {
      query: 'Putin',
      results,
      hasMore: false,
      emptyReason: null,
      terms: [],
    };
    const page = renderAnswerPage(answer, request, 5, context);
    const ids = page.components.flatMap((row) => row.components.map((c) => c.custom_id));
    const key = context.buttons.put(request);
    expect(ids.filter((id) => id.startsWith('page:'))).toEqual([`page:${key}:0`]);
    expect(await context.buttons.get(key)).toEqual(request);
  });

  it('says there is nothing more when a later page came back empty', () => {
    const answer: Answer = {
      query: 'Putin',
      results: [],
      hasMore: false,
      emptyReason: 'no-match',
      terms: [],
    };
    expect(renderAnswerPage(answer, request, 10, context)).toMatchObject({
      content: 'There are no more results for that question.',
      embeds: [],
      components: [],
    });
  });
});

describe('parseDateOption', () => {
  it('reads days, months and years as the start or end of the range', () => {
    expect(parseDateOption('since', '2022-03-05')).toBe('2022-03-05');
    expect(parseDateOption('since', '2022-02')).toBe('2022-02-01');
    expect(parseDateOption('until', '2024-02')).toBe('2024-02-29');
    expect(parseDateOption('until', '2022')).toBe('2022-12-31');
  });

  it('rejects what is not a date with a sentence saying how to write one', () => {
    expect(() => parseDateOption('until', '2022-02-30')).toThrow(
      '“until” must be a date like 2022-03-05 (or just 2022-03, or 2022).',
    );
    expect(() => parseDateOption('since', 'yesterday')).toThrow('“since” must be a date like');
  });
});
