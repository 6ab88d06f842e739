import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { Library } from '../../src/library/library.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { renderDigest } from '../../src/present/digest.js';
import { renderAnswerEmbed, renderContextEmbed } from '../../src/present/discord.js';
import {
  ELLIPSIS,
  emphasise,
  escapeMarkdown,
  fitQuote,
  linkTarget,
  truncateText,
  unescapeMarkdown,
} from '../../src/present/markdown.js';
import { makeNewsArticle } from '../fixtures.js';

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

  it('is undone by unescapeMarkdown, whatever the text', () => {
    fc.assert(fc.property(MARKDOWNISH, (text) => unescapeMarkdown(escapeMarkdown(text)) === text));
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

/** Article text and metadata that would ping, link or format if shown raw. */
const HOSTILE =
  'Gomel talks: <@123456789012345678> and @everyone and @here, see )[click](https://evil.example) or **bold** <#42>.';
const HOSTILE_URL = 'https://example.com/a)[link](https://evil.example/2';

/** What must never appear unescaped in anything the bot sends. */
function expectInert(markdown: string): void {
  expect(markdown).toContain('\\<@123456789012345678>');
  expect(markdown).toContain('\\@everyone');
  expect(markdown).toContain('\\@here');
  expect(markdown).toContain('\\[click\\](https://evil.example)');
  expect(markdown).toContain('\\<#42>');
  expect(markdown).not.toMatch(/(^|[^\\])<@\d/);
  expect(markdown).not.toMatch(/(^|[^\\])@everyone/);
  expect(markdown).not.toMatch(/(^|[^\\])\[click\]/);
  expect(markdown).not.toMatch(/[^\\]\]\(https:\/\/evil/);
}

describe('one escaper for every message', () => {
  const article = makeNewsArticle('a', HOSTILE, { url: HOSTILE_URL, source: 'Out)[x](y' });
  const library = Library.build([article]);

  it('escapes mentions, @everyone, channel tags and link syntax the same in /ask and digests', async () => {
    const answer = await answerQuestion(library, 'Gomel talks');
    expect(answer.results).toHaveLength(1);
    const ask = renderAnswerEmbed(answer, 'ask').description ?? '';
    const digest = renderDigest(
      await buildDigest(library, 'Gomel talks', {
        isDelivered: () => false,
        since: null,
        firstSeen: () => null,
      }),
    ).embeds[0]?.description;
    expect(digest).toBeDefined();
    expectInert(ask);
    expectInert(digest ?? '');
    // Both show the quote the same way; only what surrounds it differs.
    const quoteOf = (text: string): string => text.slice(text.indexOf('“'), text.indexOf('”') + 1);
    expect(quoteOf(digest ?? '')).toBe(quoteOf(ask));
    // The attribution names the outlet literally and links nowhere a hostile URL points.
    for (const text of [ask, digest ?? '']) {
      expect(text).toContain('Out)\\[x\\](y');
      expect(text).toContain(
        '*[Out)\\[x\\](y](https://example.com/a%29[link]%28https://evil.example/2)*',
      );
    }
  });

  it('escapes the paragraph shown by a Context button the same way', () => {
    const embed = renderContextEmbed(
      article,
      { start: 0, end: HOSTILE.length },
      { start: 0, end: 5 },
    );
    expectInert(embed.description ?? '');
  });
});

describe('linkTarget', () => {
  it('keeps http(s) URLs and percent-encodes parentheses so a target cannot be closed early', () => {
    expect(linkTarget('https://example.com/a_(b)')).toBe('https://example.com/a_%28b%29');
    expect(linkTarget('http://example.com/')).toBe('http://example.com/');
  });

  it('refuses anything but one http(s) URL', () => {
    expect(linkTarget('https://example.com/a) [click](https://evil.example')).toBeNull();
    expect(linkTarget('javascript:alert(1)')).toBeNull();
    expect(linkTarget('ftp://example.com/a')).toBeNull();
    expect(linkTarget(null)).toBeNull();
  });
});
