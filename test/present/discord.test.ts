import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDateOption, renderAnswerPage } from '../../src/discord/answers.js';
import type { CommandContext } from '../../src/discord/command.js';
import {
  ELLIPSIS,
  emphasise,
  escapeMarkdown,
  fitQuote,
  truncateText,
} from '../../src/present/markdown.js';
import { DISCORD_LIMITS, embedLength } from '../../src/present/limits.js';
import {
  formatAttributionMarkdown,
  renderAnswerButtons,
  renderAnswerEmbed,
  renderSourcesEmbed,
} from '../../src/present/discord.js';
import { BUTTON_STATE_FILE, openButtonStateStore, stateKey } from '../../src/discord/state.js';
import { hashCommands } from '../../src/discord/sync.js';
import { SILENT_LOGGER, createLogger } from '../../src/core/log.js';
import type { Answer, QuoteResult } from '../../src/core/types.js';
import { removeDir, tempDataDir } from '../discord/harness.js';

/** What a Discord reader sees: escapes resolved, bold markers dropped. */
function reading(markdown: string): string {
  let out = '';
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown[i];
    if (c === '\\' && i + 1 < markdown.length && /[^\p{L}\p{N}\s]/u.test(markdown[i + 1] ?? '')) {
      out += markdown[++i];
    } else if (c === '*' && markdown[i + 1] === '*') {
      i++;
    } else out += c;
  }
  return out;
}

function result(fields: Partial<QuoteResult> & { quote: string }): QuoteResult {
  return {
    rank: 1,
    span: { start: 0, end: fields.quote.length },
    highlights: [],
    docId: 'doc',
    passageId: 'doc#0',
    title: null,
    source: 'Sputnik',
    url: 'https://example.org/a',
    date: '2022-03-23',
    lang: 'en',
    score: 1,
    alsoIn: [],
    ...fields,
  };
}

const MARKDOWNISH = fc.string({
  unit: fc.constantFrom(
    'a',
    'b',
    ' ',
    '*',
    '_',
    '~',
    '`',
    '|',
    '>',
    '#',
    '-',
    '[',
    ']',
    '(',
    ')',
    '<',
    '@',
    '\\',
    '\n',
    '1',
    '.',
    'é',
    'ж',
  ),
  maxLength: 80,
});

describe('escapeMarkdown', () => {
  it('shows markdown, mentions and @everyone literally', () => {
    expect(escapeMarkdown('**bold** @everyone <@123> [x](y)')).toBe(
      '\\*\\*bold\\*\\* \\@everyone \\<@123> \\[x\\](y)',
    );
  });

  it('escapes line-start headings, quotes and list marks but not mid-line ones', () => {
    expect(escapeMarkdown('# Title\n> quote\n- item\n1. first\nversion 9.9 - fine #1')).toBe(
      '\\# Title\n\\> quote\n\\- item\n1\\. first\nversion 9.9 - fine #1',
    );
  });

  it('always reads back as the original text', () => {
    fc.assert(fc.property(MARKDOWNISH, (text) => reading(escapeMarkdown(text)) === text));
  });
});

describe('emphasise', () => {
  it('bolds matched words and merges neighbours separated by a space', () => {
    expect(
      emphasise('the Russian delegation in Gomel', [
        { start: 4, end: 11 },
        { start: 12, end: 22 },
        { start: 26, end: 31 },
      ]),
    ).toBe('the **Russian delegation** in **Gomel**');
  });

  it('reads back as the quote whatever the spans', () => {
    fc.assert(
      fc.property(
        MARKDOWNISH,
        fc.array(fc.tuple(fc.nat(80), fc.nat(20)), { maxLength: 5 }),
        (text, raw) => {
          const spans = raw.map(([s, n]) => ({ start: s, end: s + n }));
          return reading(emphasise(text, spans)).replace(/\*/g, '') === text.replace(/\*/g, '');
        },
      ),
    );
  });
});

describe('truncateText', () => {
  it('cuts at a word boundary and adds an ellipsis', () => {
    expect(truncateText('one two three four', 12)).toBe('one two…');
    expect(truncateText('short', 12)).toBe('short');
  });

  it('never exceeds the limit and keeps a prefix of the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 120 }), (text, max) => {
        const cut = truncateText(text, max);
        if (cut.length > max) return false;
        if (cut === text) return true;
        return cut.endsWith(ELLIPSIS) && text.startsWith(cut.slice(0, -1));
      }),
    );
  });
});

describe('fitQuote', () => {
  it('keeps a matched word near the end in view, with ellipses on both sides', () => {
    const quote =
      'word '.repeat(60) + 'Gomel is where the talks were held, said the statement today.';
    const at = quote.indexOf('Gomel');
    const fitted = fitQuote(quote, [{ start: at, end: at + 5 }], 80);
    expect(fitted.length).toBeLessThanOrEqual(80);
    expect(fitted.startsWith(ELLIPSIS)).toBe(true);
    expect(fitted.endsWith(ELLIPSIS)).toBe(true);
    expect(fitted).toContain('**Gomel**');
  });

  it('fits any limit and reads as a contiguous part of the quote', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', 'b', ' ', '*', '_', '<', '@', '\\', 'é'),
          maxLength: 300,
        }),
        fc.array(fc.tuple(fc.nat(300), fc.nat(12)), { maxLength: 4 }),
        fc.integer({ min: 5, max: 200 }),
        (quote, raw, max) => {
          const spans = raw.map(([s, n]) => ({ start: s, end: s + n }));
          const fitted = fitQuote(quote, spans, max);
          if (fitted.length > max) return false;
          const read = reading(fitted).replace(/\*/g, '');
          const plain = quote.replace(/\*/g, '');
          if (read === plain) return true;
          const inner = read.replace(/^…/, '').replace(/…$/, '');
          return plain.includes(inner);
        },
      ),
    );
  });
});

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

describe('renderAnswerPage', () => {
  const context = {
    buttons: openButtonStateStore(null, SILENT_LOGGER),
  } as unknown as CommandContext;
  const request = { kind: 'ask', question: 'Putin' } as const;

  it('on a short last page, ◀ Previous goes back a whole default-size page', () => {
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
    expect(context.buttons.get(key)).toEqual(request);
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

describe('openButtonStateStore', () => {
  it('keeps values across a reopen under stable short keys', () => {
    const dir = tempDataDir();
    try {
      const store = openButtonStateStore(dir, SILENT_LOGGER);
      const key = store.put({ kind: 'ask', question: 'q'.repeat(500) });
      expect(key).toMatch(/^[\w-]{12}$/);
      expect(store.put({ kind: 'ask', question: 'q'.repeat(500) })).toBe(key);
      store.flush();
      expect(openButtonStateStore(dir, SILENT_LOGGER).get(key)).toEqual({
        kind: 'ask',
        question: 'q'.repeat(500),
      });
    } finally {
      removeDir(dir);
    }
  });

  it('drops the oldest entries beyond its capacity', () => {
    const store = openButtonStateStore(null, SILENT_LOGGER, 2);
    const a = store.put('a');
    const b = store.put('b');
    const c = store.put('c');
    expect([store.get(a), store.get(b), store.get(c)]).toEqual([undefined, 'b', 'c']);
  });

  it('skips a torn line with a warning and keeps the rest', () => {
    const dir = tempDataDir();
    try {
      const first = openButtonStateStore(dir, SILENT_LOGGER);
      const key = first.put({ question: 'kept' });
      first.flush();
      appendFileSync(path.join(dir, BUTTON_STATE_FILE), '{"k":"torn","v":{"quest');
      const lines: string[] = [];
      const store = openButtonStateStore(dir, createLogger('warn', { sink: (l) => lines.push(l) }));
      expect(store.get(key)).toEqual({ question: 'kept' });
      expect(store.get('torn')).toBeUndefined();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('button state: skipped 1 unreadable line(s)');
    } finally {
      removeDir(dir);
    }
  });

  it('compacts the file once it holds twice as many lines as entries', () => {
    const dir = tempDataDir();
    try {
      const store = openButtonStateStore(dir, SILENT_LOGGER, 3);
      for (const value of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
        store.put(value);
        store.flush();
      }
      const lines = readFileSync(path.join(dir, BUTTON_STATE_FILE), 'utf8').trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { v: string }).v)).toEqual(['e', 'f', 'g']);
      const reopened = openButtonStateStore(dir, SILENT_LOGGER, 3);
      expect(['e', 'f', 'g'].map((v) => reopened.get(stateKey(v)))).toEqual(['e', 'f', 'g']);
    } finally {
      removeDir(dir);
    }
  });
});
