import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, embedLength } from '../../src/present/limits.js';
import {
  formatAttributionMarkdown,
  renderAnswerButtons,
  renderAnswerEmbed,
  renderSourcesEmbed,
} from '../../src/present/discord.js';
import type { Answer } from '../../src/core/types.js';
import { makeQuoteResult as result } from '../fixtures.js';

describe('formatAttributionMarkdown', () => {
  it('links the outlet to the article and writes the date as "23 Mar 2022"', () => {
    expect(formatAttributionMarkdown(result({ quote: 'x' }))).toBe(
      '— *[Sputnik](https://example.org/a)*, 23 Mar 2022',
    );
  });

  it('says "undated" and drops the link when there is no http(s) address', () => {
    expect(
      formatAttributionMarkdown(result({ quote: 'x', date: null, url: null, source: 'A_B' })),
    ).toBe('— *A\\_B*, undated');
  });

  it('keeps parentheses in an address from ending the link', () => {
    expect(formatAttributionMarkdown(result({ quote: 'x', url: 'https://e.org/a_(b)' }))).toBe(
      '— *[Sputnik](https://e.org/a_%28b%29)*, 23 Mar 2022',
    );
  });

  it('names other outlets that carried the same quote', () => {
    const r = result({
      quote: 'x',
      alsoIn: [{ docId: 'd2', source: 'Ynet News', url: null, date: '2022-03-05' }],
    });
    expect(formatAttributionMarkdown(r)).toBe(
      '— *[Sputnik](https://example.org/a)*, 23 Mar 2022 · also in Ynet News (5 Mar 2022)',
    );
  });
});

describe('renderAnswerEmbed', () => {
  it('fits ten 3,000-character quotes into Discord’s limits, each cut with an ellipsis', () => {
    const long = Array.from({ length: 600 }, (_, i) => `w${i}`).join(' ');
    const results = Array.from({ length: 10 }, (_, i) =>
      result({
        quote: long.slice(0, 3_000),
        rank: i + 1,
        highlights: [{ start: 0, end: 2 }],
        source: 'S'.repeat(300),
      }),
    );
    const answer: Answer = {
      query: 'q'.repeat(400),
      results,
      hasMore: true,
      emptyReason: null,
      terms: [],
    };
    const embed = renderAnswerEmbed(answer, 'ask');
    expect(embed.description?.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(embed.title?.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect(embedLength(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    expect(embed.description?.match(/” \n|…”\n/g)?.length).toBe(10);
    for (let rank = 1; rank <= 10; rank++)
      expect(embed.description).toContain(`**${rank}.** “**w0**`);
  });

  it('keeps short quotes whole', () => {
    const answer: Answer = {
      query: 'Gomel',
      results: [result({ quote: 'In Gomel.' })],
      hasMore: false,
      emptyReason: null,
      terms: [],
    };
    expect(renderAnswerEmbed(answer, 'ask').description).toBe(
      '**1.** “In Gomel.”\n— *[Sputnik](https://example.org/a)*, 23 Mar 2022',
    );
  });
});

describe('renderAnswerButtons', () => {
  it('puts Context buttons in rows of five and Previous/More in the last row', () => {
    const results = Array.from({ length: 10 }, (_, i) => result({ quote: 'x', rank: i + 11 }));
    const rows = renderAnswerButtons(results, {
      context: results.map((_, i) => `ctx:${i}`),
      previous: 'page:k:0',
      more: 'page:k:20',
    });
    expect(rows.map((r) => r.components.map((c) => c.label))).toEqual([
      ['Context 11', 'Context 12', 'Context 13', 'Context 14', 'Context 15'],
      ['Context 16', 'Context 17', 'Context 18', 'Context 19', 'Context 20'],
      ['◀ Previous', 'More ▶'],
    ]);
  });
});

describe('renderSourcesEmbed', () => {
  it('lists as many outlets as fit and says how many more there are', () => {
    const sources = Array.from({ length: 500 }, (_, i) => ({
      source: `Outlet number ${i}`,
      articles: 1,
      firstDate: '2022-01-01',
      lastDate: '2022-01-01',
    }));
    const embed = renderSourcesEmbed(sources);
    expect(embed.description?.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(embed.description).toMatch(/\n…and \d+ more$/);
    expect(embed.description?.split('\n')[0]).toBe('**Outlet number 0** — 1 article, 1 Jan 2022');
  });
});
